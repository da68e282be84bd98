"""Import progress: how far a bulk import of one source got, so a restart resumes there."""

from __future__ import annotations

from storage.db import Database, now_or


class SqliteImports:
    """:class:`storage.protocols.ImportStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_import_position(self, source_key: str) -> int | None:
        v = await self._db.read(
            lambda tx: tx.scalar("SELECT position FROM import_progress WHERE source_key = ?", (source_key,))
        )
        return None if v is None else int(v)

    async def set_import_position(self, source_key: str, position: int, *, now: int | None = None) -> None:
        ts = now_or(now)
        await self._db.write(
            lambda tx: tx.run(
                """INSERT INTO import_progress (source_key, position, updated_at) VALUES (?, ?, ?)
                   ON CONFLICT (source_key) DO UPDATE SET position = excluded.position,
                       updated_at = excluded.updated_at""",
                (source_key, position, ts),
            ),
            content=False,
        )
