"""PostgreSQL plumbing: the same ``Database`` surface as storage/db.py, on psycopg 3.

The aggregate modules keep their synchronous ``fn(tx)`` functions; here they run on psycopg's
synchronous connections from threads, exactly as storage/db.py runs them on sqlite3's:

* **serialized writes** (``serialize=True``, library content) queue on ONE writer thread and each
  takes ``pg_advisory_xact_lock(WRITE_LOCK)`` right after BEGIN, so they run one at a time across
  every process on the database — the semantics SQLite's single writer gives. READ COMMITTED
  under that lock sees every earlier commit.
* **unserialized writes** (``serialize=False``: work claims that lock their own rows with
  ``FOR UPDATE SKIP LOCKED``) run on a second thread beside them, without the lock.
* **reads** run on a small thread pool, each in a ``REPEATABLE READ READ ONLY`` transaction: one
  snapshot for every SELECT of a dossier or a page and its total, never blocked by writers.

Connections come from psycopg_pool pools (writers: 2, readers: 2), which replace a connection the
server dropped, so the bot works again when the database returns. Every connection uses
client-side binding (``ClientCursor``): parameters become typed literals, so ``? IS NULL`` and
JSON-list arrays mean what they mean on SQLite. The SQL is translated by storage/pg_sql.py.

Faults: opening retries an unreachable server with backoff a bounded number of times, logging
one line per try that names host and port (never the password), then raises
:class:`DatabaseUnavailable`; a server lost while running makes operations fail fast with
``DatabaseUnavailable`` (a StorageError) after rolling back — nothing half-written — because
pools time out quickly and TCP keepalives notice a dead peer.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool

from storage.db import Database, Params, Row, Tx, swallow_outcome
from storage.errors import DatabaseUnavailable, StorageError
from storage.pg_migrate import PG_MIGRATIONS_DIR, apply_pg_migrations
from storage.pg_sql import translate

__all__ = ["WRITE_LOCK", "DatabaseUnavailable", "PgDatabase", "PgRow", "PgTx", "describe_url"]

log = logging.getLogger(__name__)

#: pg_advisory_xact_lock key every serialized write takes ("dossier" + NUL as 8 bytes).
WRITE_LOCK = 0x646F737369657200
_READERS = 2
_WRITERS = 2  # the serialized writer and the claims writer
#: How long an operation waits for a pooled connection before failing (the server is gone).
POOL_TIMEOUT = 5.0
#: How long one round of the pool's reconnection attempts lasts (waits 1, 2, 4 ... s inside it).
RECONNECT_WINDOW = 10.0
#: Defaults added to the URL's own connection options, unless it names them itself.
_CONNECT_DEFAULTS = {
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "3",
    "keepalives_count": "3",
    "application_name": "dossier",
}

_T = TypeVar("_T")


def describe_url(database_url: str) -> str:
    """``host:port/dbname`` of a PostgreSQL URL, for messages: never the user's password."""
    try:
        info = conninfo_to_dict(database_url)
    except psycopg.ProgrammingError:
        return "an unparsable PostgreSQL URL"
    host = str(info.get("host") or "localhost")
    port = str(info.get("port") or "5432")
    return f"{host}:{port}/{info.get('dbname') or info.get('user') or ''}"


def _conninfo(database_url: str) -> str:
    try:
        info = conninfo_to_dict(database_url)
    except psycopg.ProgrammingError as exc:
        raise ValueError(f"DATABASE_URL is not a valid PostgreSQL URL: {_first_line(exc)}") from None
    extra = {k: v for k, v in _CONNECT_DEFAULTS.items() if k not in info}
    return make_conninfo(database_url, **extra)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _reason(exc: BaseException, password: str | None) -> str:
    reason = _first_line(exc)
    return reason.replace(password, "***") if password else reason


class PgRow:
    """A result row by column name AND index, like sqlite3.Row (the aggregate modules use both)."""

    __slots__ = ("_index", "_names", "_values")

    def __init__(self, values: Sequence[Any], index: Mapping[str, int], names: list[str]) -> None:
        self._values = tuple(values)
        self._index = index
        self._names = names

    def __getitem__(self, key: int | str, /) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PgRow) and self._values == other._values and self._names == other._names

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._names, self._values, strict=True))!r})"


def _row_factory(cursor: psycopg.Cursor[Any]) -> RowMaker[PgRow]:
    description = cursor.description or []
    names = [d.name for d in description]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)  # the first column of a name wins, as in sqlite3.Row
    return lambda values: PgRow(values, index, names)


class PgTx(Tx):
    """The statements of one PostgreSQL transaction, run synchronously on its connection's thread."""

    __slots__ = ("_pg",)

    dialect: Literal["sqlite", "postgresql"] = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._pg = conn

    def _execute(self, sql: str, params: Params) -> psycopg.Cursor[Any]:
        translated = translate(sql)
        cur = self._pg.cursor(row_factory=_row_factory)
        cur.execute(translated.sql, translated.bind(params))
        return cur

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        with self._execute(sql, params) as cur:
            return list(cur.fetchall())

    def one(self, sql: str, params: Params = ()) -> Row | None:
        with self._execute(sql, params) as cur:
            row: PgRow | None = cur.fetchone()
            return row

    def run(self, sql: str, params: Params = ()) -> tuple[int, int | None]:
        """Execute a write; return (rowcount, None): PostgreSQL has no lastrowid, the modules
        say ``INSERT ... RETURNING id`` where they need the id."""
        with self._execute(sql, params) as cur:
            return cur.rowcount, None

    def backup(self, target: Any) -> None:
        raise StorageError("SQLite's online backup does not apply to PostgreSQL: back up with pg_dump")


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")


def _pool(conninfo: str, size: int, name: str) -> ConnectionPool[psycopg.Connection[Any]]:
    return ConnectionPool(
        conninfo,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True, "cursor_factory": psycopg.ClientCursor},
        configure=_configure,
        check=ConnectionPool.check_connection,  # a connection the server dropped is replaced, not used
        # psycopg_pool doubles its wait between reconnection attempts until this runs out; kept short
        # so that after a long outage the next operation reconnects at once instead of waiting minutes.
        reconnect_timeout=RECONNECT_WINDOW,
        timeout=POOL_TIMEOUT,
        name=name,
        open=False,
    )


class PgDatabase(Database):
    """One PostgreSQL database: the writer threads, the reader pool, the write generation.

    A subclass of storage.db.Database only so the aggregate modules, typed against that class,
    take it unchanged; it shares none of its SQLite state.
    """

    def __init__(
        self,
        url: str,
        writers: ConnectionPool[psycopg.Connection[Any]],
        readers: ConnectionPool[psycopg.Connection[Any]],
    ) -> None:
        self.path = None
        self.url = url
        self.where = describe_url(url)
        self._writers = writers
        self._readers_pool = readers
        self._serial = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-pg-writer")
        self._claims = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-pg-claims")
        self._reading = ThreadPoolExecutor(max_workers=_READERS, thread_name_prefix="dossier-pg-reader")
        self._generation = 0
        self._closed = False
        self._password = conninfo_to_dict(url).get("password")

    @classmethod
    async def open(
        cls,
        database_url: str,
        *,
        migrations_dir: Path | None = None,
        connect_attempts: int = 5,
        connect_backoff: float = 1.0,
    ) -> PgDatabase:
        """Connect (retrying an unreachable server ``connect_attempts`` times with doubling
        waits from ``connect_backoff`` seconds), migrate, open the pools. Pair with close().

        Raises ValueError for a malformed URL, DatabaseUnavailable when the server never
        answered, MigrationError / SchemaTooNewError.
        """
        conninfo = _conninfo(database_url)
        where = describe_url(database_url)
        password = conninfo_to_dict(database_url).get("password")
        attempts = max(1, int(connect_attempts))
        for attempt in range(1, attempts + 1):
            try:
                await asyncio.to_thread(_migrate, conninfo, migrations_dir or PG_MIGRATIONS_DIR)
                break
            except psycopg.OperationalError as exc:
                reason = _reason(exc, str(password) if password else None)
                if attempt == attempts:
                    raise DatabaseUnavailable(
                        f"cannot reach the PostgreSQL database at {where} after {attempts} "
                        f"attempt{'s' if attempts > 1 else ''}: {reason}"
                    ) from None
                delay = min(connect_backoff * 2 ** (attempt - 1), 30.0)
                log.warning("PostgreSQL at %s unreachable (%s); attempt %d of %d, retrying in %.1f s",
                            where, reason, attempt, attempts, delay)
                await asyncio.sleep(delay)
        writers = _pool(conninfo, _WRITERS, "dossier-writers")
        readers = _pool(conninfo, _READERS, "dossier-readers")
        try:
            await asyncio.to_thread(writers.open, True, POOL_TIMEOUT)
            await asyncio.to_thread(readers.open, True, POOL_TIMEOUT)
        except psycopg.OperationalError as exc:
            await asyncio.to_thread(writers.close)
            await asyncio.to_thread(readers.close)
            raise DatabaseUnavailable(f"lost the PostgreSQL database at {where} while opening: "
                                      f"{_reason(exc, str(password) if password else None)}") from None
        return cls(database_url, writers, readers)

    def _unavailable(self, exc: psycopg.OperationalError) -> DatabaseUnavailable:
        password = str(self._password) if self._password else None
        return DatabaseUnavailable(f"PostgreSQL at {self.where} unavailable: {_reason(exc, password)}")

    async def _run(self, executor: ThreadPoolExecutor, job: Callable[[], _T], cancelled: threading.Event) -> _T:
        fut = asyncio.get_running_loop().run_in_executor(executor, job)
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            cancelled.set()
            fut.add_done_callback(swallow_outcome)
            raise
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc

    async def write(self, fn: Callable[[Tx], _T], *, content: bool = True, serialize: bool = True) -> _T:
        """Run ``fn`` in one transaction; ``serialize`` takes the library write lock first (see
        the module docstring). Rolled back if ``fn`` raises, the caller is cancelled before
        COMMIT, or the connection is lost; DatabaseUnavailable in the last case."""
        self._check_open()
        cancelled = threading.Event()

        def transaction() -> _T:
            if cancelled.is_set():
                raise asyncio.CancelledError
            with self._writers.connection() as conn, conn.transaction():
                if serialize:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                result = fn(PgTx(conn))
                if cancelled.is_set():
                    raise asyncio.CancelledError
            if content:
                self._generation += 1
            return result

        return await self._run(self._serial if serialize else self._claims, transaction, cancelled)

    async def read(self, fn: Callable[[Tx], _T]) -> _T:
        """Run ``fn`` in one REPEATABLE READ READ ONLY transaction: one snapshot for all its SELECTs."""
        self._check_open()

        def snapshot() -> _T:
            with self._readers_pool.connection() as conn:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    return fn(PgTx(conn))
                finally:
                    if not conn.broken:
                        conn.execute("ROLLBACK")

        return await self._run(self._reading, snapshot, threading.Event())

    async def read_unlocked(self, fn: Callable[[Tx], _T]) -> _T:
        """Like :meth:`read` but outside a transaction (autocommit statements)."""
        self._check_open()

        def unlocked() -> _T:
            with self._readers_pool.connection() as conn:
                return fn(PgTx(conn))

        return await self._run(self._reading, unlocked, threading.Event())

    async def close(self) -> None:
        """Wait for queued work, then close both pools. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for executor in (self._serial, self._claims, self._reading):
            await asyncio.to_thread(executor.shutdown, True)
        await asyncio.to_thread(self._writers.close)
        await asyncio.to_thread(self._readers_pool.close)


def _migrate(conninfo: str, migrations_dir: Path) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        apply_pg_migrations(conn, migrations_dir)
        _check_text_search(conn)


def _check_text_search(conn: psycopg.Connection[Any]) -> None:
    """Search indexes Cyrillic stems with the 'simple' parser, which sees letters only under a
    UTF-8 character type: a database created with LC_CTYPE=C would silently find nothing."""
    row = conn.execute("SELECT to_tsvector('simple', 'разрядк')::text").fetchone()
    if row is None or "разрядк" not in str(row[0]):
        raise StorageError(
            "this PostgreSQL database cannot index Cyrillic words (its LC_CTYPE is not UTF-8); "
            "create it with e.g. CREATE DATABASE dossier TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
