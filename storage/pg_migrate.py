"""PostgreSQL migrations: ``storage/pg_migrations/NNN_*.sql``, the twins of ``storage/migrations``.

The same rules as storage/migrate.py, so ``schema_version`` means the same on both databases:
files are numbered (``discover`` is shared), each file runs in ONE transaction together with its
schema_version row, a file that controls transactions itself is refused, and a database whose
schema is newer than this Dossier knows raises SchemaTooNewError before anything is touched.

PostgreSQL runs DDL inside a transaction, and a whole file can be sent as one multi-statement
query (no parameters, so plpgsql bodies between ``$$`` need no statement splitter). Every
migration transaction first takes a transaction-level advisory lock, so two processes starting
at once take turns: the second re-reads schema_version under the lock and finds nothing to do.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import psycopg

from storage.errors import MigrationError, SchemaTooNewError
from storage.migrate import discover

PG_MIGRATIONS_DIR = Path(__file__).resolve().parent / "pg_migrations"

#: pg_advisory_xact_lock key of schema changes ("dossmigr" as 8 bytes, well away from others).
MIGRATION_LOCK = 0x646F73736D696772

_TX_CONTROL_RE = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|SAVEPOINT|RELEASE)\s*;", re.IGNORECASE | re.MULTILINE
)

_SCHEMA_VERSION_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def _applied(conn: psycopg.Connection[Any]) -> set[int]:
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return set()
    return {int(r[0]) for r in conn.execute("SELECT version FROM schema_version").fetchall()}


def pg_schema_version(conn: psycopg.Connection[Any]) -> int:
    """The highest applied migration version, 0 for an empty database."""
    return max(_applied(conn), default=0)


def apply_pg_migrations(
    conn: psycopg.Connection[Any], migrations_dir: Path = PG_MIGRATIONS_DIR, *, now: float | None = None
) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied (empty = no-op).

    ``conn`` must be in autocommit mode, so each ``conn.transaction()`` is exactly one file.
    """
    migrations = discover(migrations_dir)
    known = migrations[-1].version if migrations else 0
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        present = _applied(conn)
    current = max(present, default=0)
    if current > known:
        raise SchemaTooNewError(
            f"database schema version {current} is newer than this Dossier (knows up to {known}); "
            "upgrade Dossier"
        )
    if all(m.version in present for m in migrations):
        return []  # the usual start: one round trip, not one transaction per file
    applied: list[int] = []
    for migration in migrations:
        try:
            script = migration.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MigrationError(f"migration {migration.path.name} cannot be read: {exc}") from exc
        control = _TX_CONTROL_RE.search(script)
        if control:
            raise MigrationError(
                f"migration {migration.path.name} controls transactions itself ({control.group(0).strip()!r}); "
                "the migrator wraps each file in one transaction"
            )
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                if migration.version in _applied(conn):
                    continue
                conn.execute(_SCHEMA_VERSION_DDL)
                conn.execute(script.encode("utf-8"))  # bytes: sent as is, no placeholder parsing
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, stamp),
                )
        except psycopg.OperationalError:
            raise  # the server went away: the caller reports it as unavailable, not as a bad file
        except psycopg.Error as exc:
            raise MigrationError(f"migration {migration.path.name} failed: {exc}".strip()) from exc
        applied.append(migration.version)
    return applied
