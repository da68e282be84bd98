"""Which backend serves a DATABASE_URL. The one place a second backend is registered."""

from __future__ import annotations

from pathlib import Path

from storage.protocols import Backend
from storage.sqlite_backend import SqliteBackend


async def open_backend(database_url: str, *, migrations_dir: Path | None = None) -> Backend:
    """Open (and migrate) the database ``database_url`` names.

    ``sqlite:///...`` is the only scheme so far; a PostgreSQL backend adds its branch here
    (``postgresql://...``) returning its own :class:`storage.protocols.Backend`.
    Raises ValueError for an unsupported URL, MigrationError / SchemaTooNewError.
    """
    return await SqliteBackend.open(database_url, migrations_dir=migrations_dir)
