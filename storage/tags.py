"""Tags: look-up by Russian or English key, the most-used tags, a tag's articles."""

from __future__ import annotations

import json
from collections.abc import Sequence

from storage.articles import article_brief
from storage.db import Database, Row, Tx, record
from storage.records import ArticleBrief, Period, TagBrief
from storage.search import ARTICLE_DATE_SQL, period_bounds

SQL_TAGS_BY_KEYS = """
SELECT t.id, t.name, t.label_en, t.n_articles AS articles
FROM tags t
WHERE t.id IN (
    SELECT id FROM tags WHERE key IN (SELECT value FROM json_each(?1))
    UNION SELECT id FROM tags WHERE key_en IN (SELECT value FROM json_each(?1))
)
ORDER BY articles DESC, t.id
"""

SQL_TOP_TAGS = """
SELECT t.id, t.name, t.label_en, t.n_articles AS articles
FROM tags t INDEXED BY tags_top
WHERE t.n_articles > 0
ORDER BY t.n_articles DESC, t.name
LIMIT ? OFFSET ?
"""

# Newest first by article id, walking the (tag_id, article_id) index backwards (see actors.py).
SQL_ARTICLES_BY_TAG = """
SELECT ar.id, ar.title, ar.source, ar.added_at, ar.status, ar.origin_chat_title
FROM article_tags at INDEXED BY article_tags_tag JOIN articles ar ON ar.id = at.article_id
WHERE at.tag_id = ?
ORDER BY at.article_id DESC
LIMIT ? OFFSET ?
"""


# The same inside a period of article dates (?2, ?3), newest first; counted by the same join.
_TAG_DATED = "at.tag_id = ? AND " + ARTICLE_DATE_SQL.format(a="ar") + " BETWEEN ? AND ?"
SQL_ARTICLES_BY_TAG_DATED = f"""
SELECT ar.id, ar.title, ar.source, ar.added_at, ar.status, ar.origin_chat_title
FROM article_tags at JOIN articles ar ON ar.id = at.article_id
WHERE {_TAG_DATED}
ORDER BY at.article_id DESC
LIMIT ? OFFSET ?
"""
SQL_COUNT_BY_TAG_DATED = (
    f"SELECT count(*) FROM article_tags at JOIN articles ar ON ar.id = at.article_id WHERE {_TAG_DATED}")


def tag_brief(r: Row) -> TagBrief:
    return record(TagBrief, r, articles=int(r["articles"]))


class SqliteTags:
    """:class:`storage.protocols.TagStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def tags_by_keys(self, keys: Sequence[str]) -> list[TagBrief]:
        """Tags whose Russian key OR English-label key is in ``keys`` ("/tags sanctions" finds
        "санкции"), most-used first."""
        clean = sorted({k for k in keys if k})
        if not clean:
            return []
        rows = await self._db.read(lambda tx: tx.all(SQL_TAGS_BY_KEYS, (json.dumps(clean),)))
        return [tag_brief(r) for r in rows]

    async def top_tags(self, limit: int = 20, offset: int = 0) -> list[TagBrief]:
        rows = await self._db.read(lambda tx: tx.all(SQL_TOP_TAGS, (max(0, limit), max(0, offset))))
        return [tag_brief(r) for r in rows]

    async def articles_by_tag(self, tag_id: int, limit: int = 10, offset: int = 0,
                              period: Period | None = None) -> tuple[list[ArticleBrief], int]:
        """A tag's articles, newest first; with ``period``, only those whose own date is inside."""
        def page(tx: Tx) -> tuple[list[ArticleBrief], int]:
            if period is not None and not period.open:
                since, until = period_bounds(period)
                rows = tx.all(SQL_ARTICLES_BY_TAG_DATED, (tag_id, since, until, max(0, limit), max(0, offset)))
                counted = tx.scalar(SQL_COUNT_BY_TAG_DATED, (tag_id, since, until))
                return [article_brief(r) for r in rows], int(counted or 0)
            rows = tx.all(SQL_ARTICLES_BY_TAG, (tag_id, max(0, limit), max(0, offset)))
            total = tx.scalar("SELECT n_articles FROM tags WHERE id = ?", (tag_id,))
            return [article_brief(r) for r in rows], int(total or 0)

        return await self._db.read(page)

    async def ensure_tag(self, name: str, label_en: str | None, key: str, key_en: str | None) -> TagBrief:
        """The tag called ``name``, created with no articles if there is none yet: a lexicon topic
        followed before any article has it. Filing an article upserts tags by name, so its first
        article lands on this very row (and its subscriptions fire)."""
        def ensure(tx: Tx) -> TagBrief:
            tx.run(
                """INSERT INTO tags (name, label_en, key, key_en) VALUES (?, ?, ?, ?)
                   ON CONFLICT (name) DO NOTHING""",
                (name, label_en, key, key_en),
            )
            row = tx.one("SELECT t.id, t.name, t.label_en, t.n_articles AS articles FROM tags t WHERE t.name = ?",
                         (name,))
            assert row is not None
            return tag_brief(row)

        return await self._db.write(ensure)

    async def get_tag(self, tag_id: int) -> TagBrief | None:
        row = await self._db.read(
            lambda tx: tx.one(
                "SELECT t.id, t.name, t.label_en, t.n_articles AS articles FROM tags t WHERE t.id = ?", (tag_id,)
            )
        )
        return None if row is None else tag_brief(row)
