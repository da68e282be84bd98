"""Feeds: channels whose posts the bot files by itself."""

from __future__ import annotations

from storage.db import Database, Row, Tx, now_or, record
from storage.records import Feed


def _feed(r: Row) -> Feed:
    return record(Feed, r, enabled=bool(r["enabled"]))


def _add_feed(tx: Tx, channel_id: int, username: str | None, title: str | None, added_by: int | None, ts: int) -> bool:
    existed = tx.scalar("SELECT 1 FROM feeds WHERE channel_id = ?", (channel_id,))
    tx.run(
        """INSERT INTO feeds (channel_id, username, title, enabled, added_by, added_at)
           VALUES (?, ?, ?, 1, ?, ?)
           ON CONFLICT (channel_id) DO UPDATE SET enabled = 1,
               username = coalesce(excluded.username, feeds.username),
               title = coalesce(excluded.title, feeds.title)""",
        (channel_id, username, title, added_by, ts),
    )
    return existed is None


class SqliteFeeds:
    """:class:`storage.protocols.FeedStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_feed(
        self, channel_id: int, username: str | None, title: str | None, added_by: int | None, *, now: int | None = None
    ) -> bool:
        """Enable ingesting a channel's posts; True if it was not a feed before."""
        uname = username.lstrip("@") if username else None
        ts = now_or(now)
        return await self._db.write(lambda tx: _add_feed(tx, channel_id, uname, title, added_by, ts))

    async def remove_feed(self, channel: int | str) -> bool:
        """Stop ingesting a channel, by id or @username (case-insensitive)."""
        if isinstance(channel, int):
            n, _ = await self._db.write(lambda tx: tx.run("DELETE FROM feeds WHERE channel_id = ?", (channel,)))
        else:
            name = channel.lstrip("@")
            n, _ = await self._db.write(
                lambda tx: tx.run("DELETE FROM feeds WHERE lower(username) = lower(?)", (name,))
            )
        return n > 0

    async def list_feeds(self) -> list[Feed]:
        rows = await self._db.read(lambda tx: tx.all("SELECT * FROM feeds ORDER BY added_at, channel_id"))
        return [_feed(r) for r in rows]

    async def feed_enabled(self, channel_id: int) -> bool:
        v = await self._db.read(lambda tx: tx.scalar("SELECT enabled FROM feeds WHERE channel_id = ?", (channel_id,)))
        return bool(v)
