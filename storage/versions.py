"""The schema version a database is at, read WITHOUT migrating it (`python -m bot migrate` prints
it before and after; `copy` refuses a source that does not exist rather than creating it)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from storage.db import parse_url
from storage.migrate import MIGRATIONS_DIR, discover
from storage.migrate import schema_version as sqlite_schema_version
from storage.urls import is_pg_url

__all__ = ["known_version", "stored_version"]




def known_version(database_url: str) -> int:
    """The newest migration this Dossier has for the URL's kind of database."""
    if is_pg_url(database_url):
        from storage.pg_migrate import PG_MIGRATIONS_DIR

        migrations = discover(PG_MIGRATIONS_DIR)
    else:
        migrations = discover(MIGRATIONS_DIR)
    return migrations[-1].version if migrations else 0


def _pg_version(database_url: str) -> int | None:
    import psycopg

    from storage.errors import DatabaseUnavailable
    from storage.pg_db import describe_url
    from storage.pg_migrate import pg_schema_version

    try:
        with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn:
            return pg_schema_version(conn)
    except psycopg.OperationalError as exc:
        reason = (str(exc).strip().splitlines() or ["unreachable"])[0]
        raise DatabaseUnavailable(f"cannot reach the PostgreSQL database at {describe_url(database_url)}: "
                                  f"{reason}") from None


def _sqlite_version(path: str) -> int | None:
    file = Path(path).expanduser()
    if not file.exists():
        return None
    conn = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        return sqlite_schema_version(conn)
    finally:
        conn.close()


async def stored_version(database_url: str) -> int | None:
    """The database's schema version (0: exists, never migrated), None if there is no database
    yet (a PostgreSQL database always exists: ``createdb`` made it). Raises ValueError for an
    unsupported URL, storage.pg_db.DatabaseUnavailable for a server that does not answer."""
    if is_pg_url(database_url):
        return await asyncio.to_thread(_pg_version, database_url)
    path = parse_url(database_url)
    if path is None:
        return None  # an in-memory database never exists before it is opened
    return await asyncio.to_thread(_sqlite_version, path)
