"""`python -m bot migrate`: bring DATABASE_URL's schema up to date without starting the bot.

For deploy pipelines: run it once before starting (or restarting) the bot processes, so no process
migrates while others serve. It prints the version before and after; a database written by a newer
Dossier is refused (exit 1) and left untouched.
"""

from __future__ import annotations

import sys

from storage.backends import open_backend
from storage.copying import raw_database, schema_version
from storage.errors import DatabaseUnavailable, MigrationError, SchemaTooNewError
from storage.urls import shown_url
from storage.versions import known_version, stored_version

EXIT_REFUSED = 1


async def migrate(database_url: str) -> int:
    """Apply every pending migration; 0 on success, 1 if the schema is newer or a migration fails."""
    shown = shown_url(database_url)
    known = known_version(database_url)
    try:
        before = await stored_version(database_url)
    except (ValueError, DatabaseUnavailable) as exc:
        print(f"migrate: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if before is not None and before > known:
        print(f"migrate: {shown} is at schema version {before}, newer than this Dossier knows ({known}); "
              "upgrade Dossier, nothing was changed", file=sys.stderr)
        return EXIT_REFUSED
    try:
        backend = await open_backend(database_url)
    except SchemaTooNewError as exc:
        print(f"migrate: {shown}: {exc}; nothing was changed", file=sys.stderr)
        return EXIT_REFUSED
    except MigrationError as exc:
        print(f"migrate: {shown}: {exc}; the failed migration was rolled back", file=sys.stderr)
        return EXIT_REFUSED
    except DatabaseUnavailable as exc:
        print(f"migrate: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        after = await raw_database(backend).read(schema_version)
    finally:
        await backend.close()
    start = "a new database" if not before else f"schema version {before}"
    if before == after:
        print(f"{shown}: schema version {after}, up to date (nothing to apply)")
    else:
        print(f"{shown}: {start} -> schema version {after}")
    return 0
