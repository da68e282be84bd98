"""Full-text search over titles and texts (FTS5 over stems; see storage.text)."""

from __future__ import annotations

import asyncio
import time

from storage.articles import article_brief
from storage.db import Database, Tx
from storage.query import fts5_expression, parse_query, tsquery_expression
from storage.records import ArticleBrief, Period, SearchHit
from storage.text import snippet

#: An article's own date where it is known (the forwarded post's date), else when it was added.
#: Standard SQL (COALESCE), so the PostgreSQL backend uses the same expression.
ARTICLE_DATE_SQL = "COALESCE({a}.published_at, {a}.origin_date, {a}.added_at)"

#: /search ranks (bm25) and counts at most this many matches: the newest SEARCH_CAP of them. A word
#: in every article would otherwise be scored in all 100,000 rows on every query; past this many
#: hits nobody pages through the results, they refine the query (the UI shows "1000+").
SEARCH_CAP = 1000

# The innermost select walks the match newest-first (FTS5 iterates its doclist by rowid, in
# either direction) and stops after ?2 rows; only those are scored; only the page's rows are then
# joined to articles for their text.
SQL_SEARCH = """
SELECT ar.id, ar.title, ar.added_at, COALESCE(ar.body, ar.text)
FROM (SELECT id, score FROM (
          SELECT rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score
          FROM articles_fts WHERE articles_fts MATCH ?1
          ORDER BY rowid DESC LIMIT ?2)
      ORDER BY score, id DESC LIMIT ?3 OFFSET ?4) hit
JOIN articles ar ON ar.id = hit.id
ORDER BY hit.score, hit.id DESC
"""

SQL_SEARCH_COUNT = "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?1 LIMIT ?2)"

# The same with the article's date inside [?5, ?6]: the match is joined to articles before the cap.
_DATED = "ar2.id = articles_fts.rowid AND " + ARTICLE_DATE_SQL.format(a="ar2") + " BETWEEN ?5 AND ?6"
SQL_SEARCH_DATED = f"""
SELECT ar.id, ar.title, ar.added_at, COALESCE(ar.body, ar.text)
FROM (SELECT id, score FROM (
          SELECT articles_fts.rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score
          FROM articles_fts JOIN articles ar2 ON {_DATED}
          WHERE articles_fts MATCH ?1
          ORDER BY articles_fts.rowid DESC LIMIT ?2)
      ORDER BY score, id DESC LIMIT ?3 OFFSET ?4) hit
JOIN articles ar ON ar.id = hit.id
ORDER BY hit.score, hit.id DESC
"""

SQL_SEARCH_COUNT_DATED = f"""SELECT count(*) FROM (SELECT 1 FROM articles_fts JOIN articles ar2 ON {_DATED}
    WHERE articles_fts MATCH ?1 LIMIT ?2)"""
# PostgreSQL: the same stems in articles_fts.tsv (title weight A, body B; pg_migrations/001), the
# same shape: the newest ?2 matches by id, ranked by ts_rank with the title weighted 4:1 like
# bm25(4.0, 1.0) above, best first. ?1 is the text of storage.query.tsquery_expression.
_PG_RANK = "ts_rank('{0.1, 0.1, 0.25, 1.0}', f.tsv, q)"
# One scan for the page and the total: the newest ?2 + 1 matches are materialized once, the
# total is their count (?2 + 1 means "more than ?2") and the page ranks the newest ?2 of them.
# Counting in a second query walked the same thousands of tsvectors again: for two frequent
# prefixes at 100,000 articles the search took 28 ms, half of it the count.
_PG_ONE_SCAN = """
WITH capped AS MATERIALIZED (
    SELECT f.rowid AS id, {rank} AS score
    FROM articles_fts f {join}, to_tsquery('simple', ?1) q WHERE f.tsv @@ q
    ORDER BY f.rowid DESC LIMIT ?2 + 1),
ranked AS (SELECT id, score FROM capped ORDER BY id DESC LIMIT ?2)
SELECT ar.id, ar.title, ar.added_at, COALESCE(ar.body, ar.text), (SELECT count(*) FROM capped) AS total
FROM (SELECT id, score FROM ranked ORDER BY score DESC, id DESC LIMIT ?3 OFFSET ?4) hit
JOIN articles ar ON ar.id = hit.id
ORDER BY hit.score DESC, hit.id DESC
"""
SQL_SEARCH_PG = _PG_ONE_SCAN.format(rank=_PG_RANK, join="")
SQL_SEARCH_COUNT_PG = """SELECT count(*) FROM (SELECT 1 FROM articles_fts f
    WHERE f.tsv @@ to_tsquery('simple', ?1) LIMIT ?2) capped"""
_DATED_PG = "ar2.id = f.rowid AND " + ARTICLE_DATE_SQL.format(a="ar2") + " BETWEEN ?5 AND ?6"
SQL_SEARCH_DATED_PG = _PG_ONE_SCAN.format(rank=_PG_RANK, join=f"JOIN articles ar2 ON {_DATED_PG}")
SQL_SEARCH_COUNT_DATED_PG = f"""SELECT count(*) FROM (SELECT 1 FROM articles_fts f JOIN articles ar2 ON {_DATED_PG}
    WHERE f.tsv @@ to_tsquery('simple', ?1) LIMIT ?2) capped"""

#: Open ends of a period, as bounds every article date lies between.
_EARLIEST, _LATEST = -(2**62), 2**62


def period_bounds(period: Period) -> tuple[int, int]:
    return (period.since if period.since is not None else _EARLIEST,
            period.until if period.until is not None else _LATEST)


# Outlets: the original outlet (source) and the retelling one (via) of every article, with counts.
SQL_OUTLETS = """
SELECT name, count(*) AS articles FROM (
    SELECT source AS name FROM articles WHERE source IS NOT NULL
    UNION ALL SELECT via AS name FROM articles WHERE via IS NOT NULL
) outlets GROUP BY name ORDER BY articles DESC, name
"""

# Newest first; each side walks its own index (migration 006) before the union is cut to the page.
SQL_ARTICLES_BY_OUTLET = """
SELECT id, title, source, added_at, status, origin_chat_title FROM articles
WHERE id IN (SELECT id FROM articles WHERE source = ?1 UNION SELECT id FROM articles WHERE via = ?1)
ORDER BY id DESC LIMIT ?2 OFFSET ?3
"""
SQL_COUNT_BY_OUTLET = "SELECT count(*) FROM articles WHERE source = ?1 OR via = ?1"


class SqliteSearch:
    """:class:`storage.protocols.SearchStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def outlets(self) -> list[tuple[str, int]]:
        """Every outlet named as an article's source or "via", with its number of articles."""
        rows = await self._db.read(lambda tx: tx.all(SQL_OUTLETS))
        return [(str(r[0]), int(r[1])) for r in rows]

    async def articles_by_outlet(self, name: str, limit: int = 10, offset: int = 0) -> tuple[list[ArticleBrief], int]:
        """Articles from ``name`` as the original outlet or the retelling one, newest first."""
        def page(tx: Tx) -> tuple[list[ArticleBrief], int]:
            rows = tx.all(SQL_ARTICLES_BY_OUTLET, (name, max(0, limit), max(0, offset)))
            total = tx.scalar(SQL_COUNT_BY_OUTLET, (name,))
            return [article_brief(r) for r in rows], int(total or 0)

        return await self._db.read(page)

    async def search_articles(self, query: str, limit: int = 10, offset: int = 0) -> tuple[list[SearchHit], int]:
        """Full-text search over titles and texts, matching inflections; any input is safe.

        The query is read by `storage.query.parse_query`: words (all must match), "quoted
        phrases", -exclusions, since:/until: and a trailing period (30d) on the article's date.
        The MATCH expression is built from word tokens only, so FTS5 syntax typed by a user
        (AND/OR/NOT, NEAR, column:, *, parentheses) is just text. Ranked by bm25 with titles
        weighted up. Returns ([], 0) when nothing must occur.

        Bounded at scale: only the newest SEARCH_CAP matches are ranked (so pages end there), and
        the total is exact up to SEARCH_CAP; a total of SEARCH_CAP + 1 means "more than
        SEARCH_CAP" (shown as "1000+").
        """
        parsed = parse_query(query, int(time.time()))
        expr = fts5_expression(parsed)
        ts_expr = tsquery_expression(parsed)
        if expr is None or ts_expr is None:
            return [], 0
        terms = list(parsed.positive)
        cap = SEARCH_CAP  # read at call time: tests shrink it
        dated = not parsed.period.open
        since, until = period_bounds(parsed.period)

        def page(tx: Tx) -> tuple[list[tuple[int, str | None, int, str]], int]:
            pg = tx.dialect == "postgresql"
            match = ts_expr if pg else expr
            if pg:
                rows = (tx.all(SQL_SEARCH_DATED_PG, (match, cap, max(0, limit), max(0, offset), since, until))
                        if dated else tx.all(SQL_SEARCH_PG, (match, cap, max(0, limit), max(0, offset))))
                if rows:  # the total rides on every row; an empty page (past the end) counts apart
                    return [(r[0], r[1], r[2], r[3]) for r in rows], int(rows[0][4])
                total = (tx.scalar(SQL_SEARCH_COUNT_DATED_PG, (match, cap + 1, None, None, since, until))
                         if dated else tx.scalar(SQL_SEARCH_COUNT_PG, (match, cap + 1)))
                return [], int(total or 0)
            if dated:
                rows = tx.all(SQL_SEARCH_DATED_PG if pg else SQL_SEARCH_DATED,
                              (match, cap, max(0, limit), max(0, offset), since, until))
                total = tx.scalar(SQL_SEARCH_COUNT_DATED_PG if pg else SQL_SEARCH_COUNT_DATED,
                                  (match, cap + 1, None, None, since, until))
            else:
                rows = tx.all(SQL_SEARCH_PG if pg else SQL_SEARCH, (match, cap, max(0, limit), max(0, offset)))
                total = tx.scalar(SQL_SEARCH_COUNT_PG if pg else SQL_SEARCH_COUNT, (match, cap + 1))
            return [(r[0], r[1], r[2], r[3]) for r in rows], int(total or 0)

        rows, total = await self._db.read(page)
        # Snippets cost CPU, not the database: built off the reader thread so it is free again.
        hits = await asyncio.to_thread(
            lambda: [SearchHit(i, title, at, snippet(text, terms)) for i, title, at, text in rows]
        )
        return hits, total
