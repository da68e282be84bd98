"""The schema version a database is at, read WITHOUT migrating it (`python -m bot migrate` prints
it before and after; `copy` refuses a source that does not exist rather than creating it)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from storage.db import parse_url
from storage.migrate import MIGRATIONS_DIR, discover
from storage.migrate import schema_version as sqlite_schema_version

__all__ = ["known_version", "stored_version"]


def known_version(database_url: str) -> int:
    """The newest migration this Dossier has for the URL's kind of database."""
    migrations = discover(MIGRATIONS_DIR)
    return migrations[-1].version if migrations else 0


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
    yet. Raises ValueError for an unsupported URL."""
    path = parse_url(database_url)
    if path is None:
        return None  # an in-memory database never exists before it is opened
    return await asyncio.to_thread(_sqlite_version, path)
