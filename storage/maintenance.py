"""Backup, export and the EXPLAIN helper for the hot queries.

The hot queries are module constants of their aggregate modules, collected in HOT_QUERIES so
bench/ can print their plans with Storage.explain() and a schema change that loses an index shows
up as a SCAN.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import storage.actors as actors
import storage.articles as articles
import storage.inbox as inbox
import storage.outbox as outbox
import storage.search as search
import storage.subscriptions as subscriptions
import storage.tags as tags
from storage.db import Database, Tx, plan_lines, prepare_file
from storage.records import ArticleFull

HOT_QUERIES: dict[str, str] = {
    "actors_by_keys": actors.SQL_ACTORS_BY_KEYS,
    "actors_by_key_prefix": actors.SQL_ACTORS_BY_KEY_PREFIX,
    "top_actors": actors.SQL_TOP_ACTORS,
    "claims_by_actor": actors.SQL_CLAIMS_BY_ACTOR,
    "claims_count": actors.SQL_CLAIMS_COUNT,
    "co_mentioned": actors.SQL_CO_MENTIONED,
    "actor_roles": actors.SQL_ACTOR_ROLES,
    "actor_seen": actors.SQL_ACTOR_SEEN,
    "actor_articles": actors.SQL_ACTOR_ARTICLES,
    "tags_by_keys": tags.SQL_TAGS_BY_KEYS,
    "top_tags": tags.SQL_TOP_TAGS,
    "articles_by_tag": tags.SQL_ARTICLES_BY_TAG,
    "recent_articles": articles.SQL_RECENT_ARTICLES,
    "search": search.SQL_SEARCH,
    "search_count": search.SQL_SEARCH_COUNT,
    "matching_subscriptions": subscriptions.SQL_MATCHING_SUBSCRIPTIONS,
    "due_alerts": outbox.SQL_DUE_ALERTS,
    "pending_digest": outbox.SQL_PENDING_DIGEST,
    "alias_index": actors.SQL_ALIAS_INDEX,
    "inbox_pending": inbox.SQL_INBOX_PENDING,
}

# Sample parameters for EXPLAIN: realistic types matter (json_each needs JSON, MATCH needs a
# valid expression) even though no row has to match.
_EXPLAIN_PARAMS: dict[str, tuple[Any, ...]] = {
    "actors_by_keys": ('["talarsan"]', None, None),
    "actors_by_key_prefix": ("tal", "tal\U0010ffff", None, None, 10),
    "top_actors": (None, None, 10, 0),
    "claims_by_actor": (1, 10, 0),
    "claims_count": (1,),
    "co_mentioned": (1, 5, actors.DOSSIER_WINDOW),
    "actor_roles": (1, actors.DOSSIER_WINDOW),
    "actor_seen": (1,),
    "actor_articles": (1, 5),
    "tags_by_keys": ('["sanktsa"]',),
    "top_tags": (10, 0),
    "articles_by_tag": (1, 10, 0),
    "recent_articles": (10, 0),
    "search": ('"разрядк"*', search.SEARCH_CAP, 10, 0),
    "search_count": ('"разрядк"*', search.SEARCH_CAP + 1),
    "matching_subscriptions": ("[1]", "[1]"),
    "due_alerts": (0, 0, 50),
    "pending_digest": (1,),
    "alias_index": (),
    "inbox_pending": (),
}


def _export_batch(tx: Tx, *, last_id: int, batch: int) -> list[ArticleFull]:
    ids = [int(r[0]) for r in tx.all("SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last_id, batch))]
    return [full for full in (articles.article_full(tx, i) for i in ids) if full is not None]


#: Full-text queries differ by dialect (FTS5 MATCH / tsquery): PostgreSQL explains its own.
_PG_HOT_QUERIES: dict[str, tuple[str, tuple[Any, ...]]] = {
    "search": (search.SQL_SEARCH_PG, ("'разрядк':*", search.SEARCH_CAP, 10, 0)),
    "search_count": (search.SQL_SEARCH_COUNT_PG, ("'разрядк':*", search.SEARCH_CAP + 1)),
}


def _plan(tx: Tx, sql_name: str) -> list[str]:
    sql, params = HOT_QUERIES[sql_name], _EXPLAIN_PARAMS[sql_name]
    if tx.dialect == "postgresql":
        sql, params = _PG_HOT_QUERIES.get(sql_name, (sql, params))
        # The plan an index can give: on a small table PostgreSQL rightly prefers a sequential
        # scan, which would hide a missing index; at scale the planner picks the index itself.
        tx.run("SET LOCAL enable_seqscan = off")
    return plan_lines(tx, sql, params)


class SqliteMaintenance:
    """:class:`storage.protocols.MaintenanceStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def backup(self, path: str | Path) -> None:
        """Consistent copy of the live database via SQLite's online backup API.

        Runs on a READER connection in a single step: in WAL mode that reader holds one snapshot
        for the whole copy while the writer keeps committing, so the bot does not stall and the
        copy is never torn. Written to a temp file and renamed, so ``path`` is either the old
        backup or a complete new one.
        """
        target = prepare_file(str(path))
        tmp = target + ".tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)

        def copy(tx: Tx) -> None:
            dest = sqlite3.connect(tmp)
            try:
                tx.backup(dest)
            finally:
                dest.close()

        await self._db.read_unlocked(copy)
        os.replace(tmp, target)

    async def export_articles(self, batch: int = 100) -> AsyncIterator[dict[str, Any]]:
        """Every article with its actors, claims and tags as plain dicts (JSON/CSV export), in id
        order. Reads in batches so a large library never sits in memory or holds one snapshot
        for minutes."""
        last_id = 0
        while True:
            fulls = await self._db.read(functools.partial(_export_batch, last_id=last_id, batch=batch))
            if not fulls:
                return
            for full in fulls:
                item: dict[str, Any] = asdict(full.article)
                item["summary"] = list(full.article.summary)
                item["actors"] = [asdict(a) for a in full.actors]
                item["claims"] = [asdict(cl) for cl in full.claims]
                item["tags"] = [asdict(t) for t in full.tags]
                yield item
            last_id = fulls[-1].article.id

    async def explain(self, sql_name: str) -> list[str]:
        """EXPLAIN QUERY PLAN of a named hot query (see HOT_QUERIES), one line per plan step,
        indented by depth, for bench/ to print and eyeball for SCANs."""
        if sql_name not in HOT_QUERIES:
            raise KeyError(f"unknown query {sql_name!r}; known: {', '.join(sorted(HOT_QUERIES))}")
        return await self._db.read(lambda tx: _plan(tx, sql_name))
