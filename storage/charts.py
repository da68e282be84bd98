"""The queries behind the pictures: co-mention networks (/graph) and articles per day (/trend).

Dates are the articles' own (`articles.published_at`, migration 007), never the filing date. A
span is ``(start, end)`` in unix seconds, half-open; ``None`` means every article, dated or not
(only the network takes that: a timeline needs dates).

Every query is bounded however large the library grows: an actor's network reads that actor's
articles once (with the pairs between the others counted inside those same articles); the
library-wide network reads the newest ``window`` articles of the span; a timeline reads one
index range per target. Each method runs its queries in one read snapshot, so the numbers in one
picture agree with each other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storage.db import Database, Tx, plan_lines
from storage.records import ActorCount, EgoRows, LibraryRows, Span, TargetDates, TargetKind, TargetRef

__all__ = ["CHART_QUERIES", "SqliteCharts"]

DAY = 86_400

# The period test is written out twice rather than as "(? IS NULL OR ...)": with the literal range
# SQLite can use the published_at index, and each query keeps one stable plan.
_IN_SPAN = "ar.published_at >= :start AND ar.published_at < :end"

SQL_EGO_ARTICLES = """
SELECT count(*) FROM mentions c INDEXED BY mentions_actor JOIN articles ar ON ar.id = c.article_id
WHERE c.actor_id = :actor AND {span}
"""

# The centre's newest `window` articles of the span: its network is counted in these, so an actor
# in 30,000 articles costs what one in 2,000 does (the caption says so when it applies).
_EGO_WINDOW = """
SELECT c.article_id FROM mentions c INDEXED BY mentions_actor JOIN articles ar ON ar.id = c.article_id
WHERE c.actor_id = :actor AND {span}
ORDER BY c.article_id DESC LIMIT :window
"""

SQL_EGO_CONSIDERED = "SELECT count(*) FROM (" + _EGO_WINDOW + ") considered"

SQL_EGO_NEIGHBOURS = """
SELECT m.actor_id, a.name, a.kind, count(*) AS shared
FROM (""" + _EGO_WINDOW + """) w
CROSS JOIN mentions m ON m.article_id = w.article_id AND m.actor_id != :actor
JOIN actors a ON a.id = m.actor_id
GROUP BY m.actor_id, a.name, a.kind
ORDER BY shared DESC, sum(m.count) DESC, m.actor_id
LIMIT :limit
"""

# Pairs among the chosen neighbours, counted in the centre's articles (the picture is "the
# articles about X": who appears with whom there).
SQL_EGO_PAIRS = """
SELECT x.actor_id, y.actor_id, count(*)
FROM (""" + _EGO_WINDOW + """) w
CROSS JOIN mentions x ON x.article_id = w.article_id
JOIN mentions y ON y.article_id = w.article_id AND y.actor_id > x.actor_id
WHERE x.actor_id IN (SELECT value FROM json_each(:ids))
  AND y.actor_id IN (SELECT value FROM json_each(:ids))
GROUP BY x.actor_id, y.actor_id
"""

# Library-wide article counts of the nodes, for node sizes.
SQL_ACTOR_TOTALS = """
SELECT id, n_articles FROM actors WHERE id IN (SELECT value FROM json_each(:ids))
"""

# The newest `window` articles of the span: the library-wide network is drawn from these.
_WINDOW_SPAN = """
SELECT ar.id FROM articles ar INDEXED BY articles_published_at
WHERE ar.published_at >= :start AND ar.published_at < :end
ORDER BY ar.published_at DESC LIMIT :window
"""
_WINDOW_ALL = "SELECT ar.id FROM articles ar ORDER BY ar.id DESC LIMIT :window"

SQL_LIBRARY_ARTICLES = "SELECT count(*) FROM ({window}) considered"
SQL_LIBRARY_TOTAL_SPAN = (
    "SELECT count(*) FROM articles ar INDEXED BY articles_published_at WHERE " + _IN_SPAN
)
SQL_LIBRARY_TOTAL_ALL = "SELECT count(*) FROM articles"

SQL_LIBRARY_TOP = """
SELECT m.actor_id, a.name, a.kind, count(*) AS n
FROM ({window}) w
CROSS JOIN mentions m ON m.article_id = w.id
JOIN actors a ON a.id = m.actor_id
GROUP BY m.actor_id, a.name, a.kind
ORDER BY n DESC, m.actor_id
LIMIT :limit
"""

SQL_LIBRARY_PAIRS = """
SELECT x.actor_id, y.actor_id, count(*)
FROM ({window}) w
CROSS JOIN mentions x ON x.article_id = w.id
JOIN mentions y ON y.article_id = w.id AND y.actor_id > x.actor_id
WHERE x.actor_id IN (SELECT value FROM json_each(:ids))
  AND y.actor_id IN (SELECT value FROM json_each(:ids))
GROUP BY x.actor_id, y.actor_id
"""

SQL_ACTOR_DAYS = """
SELECT ar.published_at / 86400 AS day, count(*)
FROM mentions m INDEXED BY mentions_actor JOIN articles ar ON ar.id = m.article_id
WHERE m.actor_id = :target AND ar.published_at >= :start AND ar.published_at < :end
GROUP BY day
"""

SQL_TAG_DAYS = """
SELECT ar.published_at / 86400 AS day, count(*)
FROM article_tags t INDEXED BY article_tags_tag JOIN articles ar ON ar.id = t.article_id
WHERE t.tag_id = :target AND ar.published_at >= :start AND ar.published_at < :end
GROUP BY day
"""

SQL_ACTOR_DATES = """
SELECT min(ar.published_at), max(ar.published_at), count(ar.published_at), count(*)
FROM mentions m INDEXED BY mentions_actor JOIN articles ar ON ar.id = m.article_id
WHERE m.actor_id = :target
"""

SQL_TAG_DATES = """
SELECT min(ar.published_at), max(ar.published_at), count(ar.published_at), count(*)
FROM article_tags t INDEXED BY article_tags_tag JOIN articles ar ON ar.id = t.article_id
WHERE t.tag_id = :target
"""

# Distinct articles of several targets (an article about two of them counts once), and how many
# of them have no date of their own.
SQL_TARGETS_ARTICLES = """
SELECT count(*), count(*) - count(ar.published_at)
FROM (SELECT m.article_id FROM mentions m INDEXED BY mentions_actor
      WHERE m.actor_id IN (SELECT value FROM json_each(:actors))
      UNION
      SELECT t.article_id FROM article_tags t INDEXED BY article_tags_tag
      WHERE t.tag_id IN (SELECT value FROM json_each(:tags))) u
JOIN articles ar ON ar.id = u.article_id
"""

SQL_LIBRARY_DATES = """
SELECT (SELECT min(published_at) FROM articles INDEXED BY articles_published_at WHERE published_at IS NOT NULL),
       (SELECT max(published_at) FROM articles INDEXED BY articles_published_at WHERE published_at IS NOT NULL),
       (SELECT count(*) FROM articles INDEXED BY articles_published_at WHERE published_at IS NOT NULL),
       (SELECT count(*) FROM articles)
"""

#: Every chart query with its span variant, for EXPLAIN QUERY PLAN in bench/charts.py.
CHART_QUERIES: dict[str, str] = {
    "ego_articles": SQL_EGO_ARTICLES.format(span=_IN_SPAN),
    "ego_considered": SQL_EGO_CONSIDERED.format(span=_IN_SPAN),
    "ego_neighbours": SQL_EGO_NEIGHBOURS.format(span=_IN_SPAN),
    "ego_neighbours_all": SQL_EGO_NEIGHBOURS.format(span="1 = 1"),
    "ego_pairs": SQL_EGO_PAIRS.format(span=_IN_SPAN),
    "library_top": SQL_LIBRARY_TOP.format(window=_WINDOW_SPAN),
    "library_top_all": SQL_LIBRARY_TOP.format(window=_WINDOW_ALL),
    "library_pairs": SQL_LIBRARY_PAIRS.format(window=_WINDOW_SPAN),
    "actor_days": SQL_ACTOR_DAYS,
    "tag_days": SQL_TAG_DAYS,
    "actor_dates": SQL_ACTOR_DATES,
    "tag_dates": SQL_TAG_DATES,
    "library_dates": SQL_LIBRARY_DATES,
    "targets_articles": SQL_TARGETS_ARTICLES,
}

EXPLAIN_PARAMS: dict[str, Any] = {
    "actor": 1, "start": 0, "end": 2_000_000_000, "limit": 20, "ids": "[1, 2, 3]", "window": 20_000, "target": 1,
    "actors": "[1]", "tags": "[1]",
}


def _params(span: Span | None, **extra: Any) -> dict[str, Any]:
    params = dict(extra)
    if span is not None:
        params["start"], params["end"] = span
    return params


def _pairs(tx: Tx, sql: str, params: dict[str, Any]) -> dict[tuple[int, int], int]:
    return {(int(a), int(b)): int(n) for a, b, n in tx.all(sql, params)}


def _dates(row: Any) -> TargetDates:
    first, last, dated, total = row
    return TargetDates(None if first is None else int(first), None if last is None else int(last),
                       int(dated or 0), int(total or 0))


def _ego(tx: Tx, actor_id: int, span: Span | None, limit: int, window: int) -> EgoRows:
    span_sql = _IN_SPAN if span is not None else "1 = 1"
    if span is None:
        center = int(tx.scalar("SELECT n_articles FROM actors WHERE id = :actor", {"actor": actor_id}) or 0)
    else:
        center = int(tx.scalar(SQL_EGO_ARTICLES.format(span=span_sql), _params(span, actor=actor_id)) or 0)
    considered = int(tx.scalar(SQL_EGO_CONSIDERED.format(span=span_sql), _params(span, actor=actor_id, window=window))
                     or 0)
    found = tx.all(SQL_EGO_NEIGHBOURS.format(span=span_sql),
                   _params(span, actor=actor_id, limit=limit, window=window))
    neighbours = [ActorCount(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in found]
    ids = json.dumps([n.actor_id for n in neighbours])
    pairs = _pairs(tx, SQL_EGO_PAIRS.format(span=span_sql), _params(span, actor=actor_id, ids=ids, window=window))
    every = json.dumps([actor_id, *(n.actor_id for n in neighbours)])
    # Node sizes: each actor's articles in the whole library (kept by the 002 triggers). Counting
    # them inside a period would read every mention of the biggest nodes (a capital city is in a
    # third of the articles) for every picture.
    sizes = {int(a): int(n) for a, n in tx.all(SQL_ACTOR_TOTALS, {"ids": every})}
    return EgoRows(center, considered, neighbours, pairs, sizes)


def _library(tx: Tx, span: Span | None, limit: int, window: int) -> LibraryRows:
    window_sql = _WINDOW_ALL if span is None else _WINDOW_SPAN
    params = _params(span, window=window, limit=limit)
    considered = int(tx.scalar(SQL_LIBRARY_ARTICLES.format(window=window_sql), params) or 0)
    total_sql = SQL_LIBRARY_TOTAL_ALL if span is None else SQL_LIBRARY_TOTAL_SPAN
    total = int(tx.scalar(total_sql, _params(span)) or 0)
    top = tx.all(SQL_LIBRARY_TOP.format(window=window_sql), params)
    actors = [ActorCount(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in top]
    params["ids"] = json.dumps([a.actor_id for a in actors])
    return LibraryRows(considered, total, actors, _pairs(tx, SQL_LIBRARY_PAIRS.format(window=window_sql), params))


class SqliteCharts:
    """:class:`storage.protocols.ChartStore` on SQLite. Read-only; each method is one snapshot,
    so the numbers in one picture agree with each other."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def ego_network(self, actor_id: int, span: Span | None, limit: int, window: int) -> EgoRows:
        """The actor's article count, its ``limit`` most co-mentioned actors in its newest ``window``
        articles, the pairs among them (in those articles) and every node's own article count."""
        return await self._db.read(lambda tx: _ego(tx, actor_id, span, limit, window))

    async def library_network(self, span: Span | None, limit: int, window: int) -> LibraryRows:
        """The ``limit`` most mentioned actors of the newest ``window`` articles and their pairs."""
        return await self._db.read(lambda tx: _library(tx, span, limit, window))

    async def daily_counts(self, kind: TargetKind, target_id: int, span: Span) -> dict[int, int]:
        """Articles per UTC day (day number = unix seconds // 86400) with at least one article."""
        sql = SQL_ACTOR_DAYS if kind == "actor" else SQL_TAG_DAYS
        rows = await self._db.read(lambda tx: tx.all(sql, _params(span, target=target_id)))
        return {int(day): int(n) for day, n in rows}

    async def target_dates(self, kind: TargetKind, target_id: int) -> TargetDates:
        sql = SQL_ACTOR_DATES if kind == "actor" else SQL_TAG_DATES
        return await self._db.read(lambda tx: _dates(tx.one(sql, {"target": target_id})))

    async def targets_articles(self, refs: Sequence[TargetRef]) -> tuple[int, int]:
        """(articles, undated articles) of the targets together, each article counted once."""
        params = {"actors": json.dumps([r.id for r in refs if r.kind == "actor"]),
                  "tags": json.dumps([r.id for r in refs if r.kind == "tag"])}
        row = await self._db.read(lambda tx: tx.one(SQL_TARGETS_ARTICLES, params))
        assert row is not None
        return int(row[0]), int(row[1] or 0)

    async def library_dates(self) -> TargetDates:
        return await self._db.read(lambda tx: _dates(tx.one(SQL_LIBRARY_DATES)))

    async def explain(self, name: str) -> list[str]:
        """EXPLAIN QUERY PLAN of one of CHART_QUERIES (bench/charts.py prints them)."""
        sql = CHART_QUERIES[name]
        params = {k: v for k, v in EXPLAIN_PARAMS.items() if f":{k}" in sql}
        return await self._db.read(lambda tx: plan_lines(tx, sql, params, indent=False))
