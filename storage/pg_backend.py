"""The PostgreSQL backend: one :class:`storage.pg_db.PgDatabase` and the SAME aggregate modules.

The aggregate classes (``SqliteArticles`` ...) are named after the backend they were first written
for, but their SQL is portable (storage/pg_sql.py translates the mechanical differences and the
few statements that cannot be portable branch on ``tx.dialect``), so both backends share one
implementation of every Protocol and cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

from storage.pg_db import PgDatabase
from storage.sqlite_backend import SqliteBackend


class PgBackend(SqliteBackend):
    """:class:`storage.protocols.Backend` on a PostgreSQL database."""

    db: PgDatabase

    def __init__(self, db: PgDatabase) -> None:
        super().__init__(db)
        self.db = db

    @classmethod
    async def open(
        cls, database_url: str, *, migrations_dir: Path | None = None, connect_attempts: int = 5
    ) -> PgBackend:
        return cls(await PgDatabase.open(database_url, migrations_dir=migrations_dir,
                                         connect_attempts=connect_attempts))
