"""Which backend serves a DATABASE_URL. The one place a backend is registered."""

from __future__ import annotations

from pathlib import Path

from storage.protocols import Backend
from storage.sqlite_backend import SqliteBackend
from storage.urls import is_pg_url


async def open_backend(database_url: str, *, migrations_dir: Path | None = None, connect_attempts: int = 5) -> Backend:
    """Open (and migrate) the database ``database_url`` names.

    ``sqlite:///...`` opens storage/sqlite_backend.py, ``postgresql://user@host:port/db`` (or
    ``postgres://``) storage/pg_backend.py, retrying an unreachable server ``connect_attempts``
    times. Raises ValueError for an unsupported URL, MigrationError / SchemaTooNewError, and
    storage.pg_db.DatabaseUnavailable when a PostgreSQL server never answered.
    """
    if is_pg_url(database_url):
        # Imported here: a SQLite deployment never loads psycopg.
        from storage.pg_backend import PgBackend

        return await PgBackend.open(database_url, migrations_dir=migrations_dir, connect_attempts=connect_attempts)
    return await SqliteBackend.open(database_url, migrations_dir=migrations_dir)
