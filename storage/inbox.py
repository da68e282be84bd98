"""The inbox: raw updates persisted before they are handled, replayed after a crash."""

from __future__ import annotations

from storage.db import Database, now_or

SQL_INBOX_PENDING = "SELECT update_id, payload FROM inbox WHERE status = 'pending' ORDER BY update_id"


class SqliteInbox:
    """:class:`storage.protocols.InboxStore` on SQLite. Bookkeeping writes: they do not bump
    Storage.generation."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def inbox_put(self, update_id: int, payload_json: str, *, now: int | None = None) -> bool:
        """Persist a raw update before handling it; False if it was already there (Telegram
        re-delivered it), in which case the caller must not handle it again."""
        ts = now_or(now)
        n, _ = await self._db.write(
            lambda tx: tx.run(
                "INSERT INTO inbox (update_id, payload, received_at, status) VALUES (?, ?, ?, 'pending') "
                "ON CONFLICT DO NOTHING",
                (update_id, payload_json, ts),
            ),
            content=False,
        )
        return n > 0

    async def inbox_done(self, update_id: int, *, now: int | None = None) -> None:
        """Mark an update handled and drop its payload: only replay needs it, and it may hold a
        stranger's message, which must not be kept. The row stays (for redelivery checks) until pruned."""
        ts = now_or(now)
        await self._db.write(
            lambda tx: tx.run(
                "UPDATE inbox SET status = 'done', done_at = ?, payload = '' "
                "WHERE update_id = ? AND status = 'pending'",
                (ts, update_id),
            ),
            content=False,
        )

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates received but not handled (crash mid-way), in Telegram's order, for replay."""
        rows = await self._db.read(lambda tx: tx.all(SQL_INBOX_PENDING))
        return [(int(r[0]), str(r[1])) for r in rows]

    async def inbox_prune(self, older_than: int) -> int:
        """Forget handled updates finished before ``older_than``; returns how many. Pending ones
        are never pruned."""
        n, _ = await self._db.write(
            lambda tx: tx.run("DELETE FROM inbox WHERE status = 'done' AND done_at < ?", (older_than,)),
            content=False,
        )
        return n
