"""Numbered SQL migrations, each applied atomically together with its schema_version row.

sqlite3's ``executescript`` COMMITs any open transaction before it runs, so a failing script would
leave half a migration behind. Instead each file is split into complete statements with
``sqlite3.complete_statement`` (which understands string literals and CREATE TRIGGER ... END
blocks) and executed one by one between our own BEGIN IMMEDIATE and COMMIT. BEGIN IMMEDIATE also
makes two processes starting at once take turns: the second re-reads schema_version inside its
transaction and finds nothing left to do.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from storage.errors import MigrationError, SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_FILE_RE = re.compile(r"^(\d+)_([A-Za-z0-9_\-]+)\.sql$")
_LEADING_COMMENTS_RE = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_TX_CONTROL_RE = re.compile(r"^(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)

_SCHEMA_VERSION_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path


def discover(migrations_dir: Path) -> list[Migration]:
    """Migrations in version order; malformed names and duplicate versions fail loudly at start-up
    rather than being silently skipped (a skipped migration is a schema nobody tested)."""
    found: dict[int, Migration] = {}
    for path in sorted(migrations_dir.glob("*.sql")):
        m = _FILE_RE.match(path.name)
        if m is None:
            raise MigrationError(f"migration file {path.name!r} is not named NNN_name.sql")
        version = int(m.group(1))
        if version in found:
            raise MigrationError(
                f"migrations {found[version].path.name!r} and {path.name!r} share version {version}"
            )
        found[version] = Migration(version, m.group(2), path)
    return [found[v] for v in sorted(found)]


def split_statements(script: str) -> list[str]:
    """Complete SQL statements of ``script``, comments-only fragments dropped."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            stmt = buffer.strip()
            buffer = ""
            body = _LEADING_COMMENTS_RE.sub("", stmt).strip()
            if body and body != ";":
                statements.append(stmt)
    tail = _LEADING_COMMENTS_RE.sub("", buffer[:-1]).strip()  # drop the ';' we appended
    if tail:
        raise ValueError(f"incomplete SQL statement at end of script: {tail[:80]!r}")
    return statements


def _scalar(conn: sqlite3.Connection, sql: str) -> int | None:
    row = conn.execute(sql).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _applied_max(conn: sqlite3.Connection) -> int | None:
    exists = _scalar(
        conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    )
    if not exists:
        return None
    return _scalar(conn, "SELECT max(version) FROM schema_version")


def _applied_versions(conn: sqlite3.Connection) -> set[int]:
    if _applied_max(conn) is None:
        return set()
    return {int(r[0]) for r in conn.execute("SELECT version FROM schema_version").fetchall()}


def apply_migrations(
    conn: sqlite3.Connection, migrations_dir: Path = MIGRATIONS_DIR, *, now: float | None = None
) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied (empty = no-op).

    ``conn`` must be in autocommit mode (isolation_level=None) so our BEGIN/COMMIT are the only
    transaction boundaries. Synchronous: storage runs it on the writer thread at open.
    """
    migrations = discover(migrations_dir)
    known = migrations[-1].version if migrations else 0
    current = _applied_max(conn)
    if current is not None and current > known:
        raise SchemaTooNewError(
            f"database schema version {current} is newer than this Dossier (knows up to {known}); "
            "upgrade Dossier"
        )
    applied: list[int] = []
    for migration in migrations:
        try:
            statements = split_statements(migration.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise MigrationError(f"migration {migration.path.name} cannot be read: {exc}") from exc
        for stmt in statements:
            if _TX_CONTROL_RE.match(_LEADING_COMMENTS_RE.sub("", stmt)):
                raise MigrationError(
                    f"migration {migration.path.name} controls transactions itself ({stmt[:40]!r}); "
                    "the migrator wraps each file in one transaction"
                )
        conn.execute("BEGIN IMMEDIATE")
        try:
            if migration.version in _applied_versions(conn):
                conn.execute("ROLLBACK")
                continue
            conn.execute(_SCHEMA_VERSION_DDL)
            for stmt in statements:
                conn.execute(stmt)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))
            conn.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, stamp),
            )
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise MigrationError(f"migration {migration.path.name} failed: {exc}") from exc
            raise
        applied.append(migration.version)
    return applied


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest applied migration version, 0 for an empty database."""
    return _applied_max(conn) or 0
