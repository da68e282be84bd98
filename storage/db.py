"""SQLite plumbing: connections, the writer thread, read snapshots and the one row mapper.

Every write is a plain synchronous function ``fn(tx) -> T`` that :meth:`Database.write` runs on
ONE writer thread between ``BEGIN IMMEDIATE`` and ``COMMIT`` (``ROLLBACK`` if it raises). SQLite
allows one writer anyway; queueing the transactions on one thread instead of spinning on
SQLITE_BUSY keeps latency predictable, and a transaction of a few hundred statements (filing one
analysis) costs no event-loop round trip per statement. Reads run the same way on a small pool of
read-only connections, each with its own thread: in WAL mode a reader sees the last committed
state and never blocks, or is blocked by, the writer. An in-memory database has no readers (a
second connection would be a second, empty database), so its reads queue on the writer thread.

Nothing here escapes storage/: aggregate modules take a :class:`Tx`, return records from
``storage.records``, and the rows (``sqlite3.Row``) stay inside.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from storage.errors import StorageError
from storage.migrate import MIGRATIONS_DIR, apply_migrations
from storage.urls import SQLITE_PREFIX

__all__ = ["Database", "Params", "Row", "Tx", "json_list", "now_or", "plan_lines", "record", "swallow_outcome"]

_READERS = 2

#: Positional (``?``) or named (``:name``) parameters, as sqlite3 takes them.
Params = Sequence[Any] | Mapping[str, Any]


class Row(Protocol):
    """The row type aggregate modules see (sqlite3.Row here, storage.pg_db.PgRow on PostgreSQL):
    columns by name or by index, iterable like a tuple; never returned out of storage/."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> list[str]: ...


_T = TypeVar("_T")
_R = TypeVar("_R")


def now_or(now: int | None) -> int:
    """``now`` if the caller injected a clock value, else the wall clock in unix seconds."""
    return int(time.time()) if now is None else int(now)


def json_list(values: Iterable[Any]) -> str:
    """One JSON parameter for a list; queries unpack it with json_each, so each stays one constant
    string with one stable plan whatever the list's length."""
    return json.dumps(list(values), ensure_ascii=False)


_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def record(cls: type[_R], row: Mapping[str, Any] | Row, **computed: Any) -> _R:
    """The one row mapper: a record dataclass from the row's columns of the same names.

    Fields whose column needs decoding (JSON lists, 0/1 flags) are passed in ``computed``; a
    column the SQL names differently is aliased in the SQL (``speaker_text AS speaker``), so the
    mapping stays this one line.
    """
    return cls(**{name: computed[name] if name in computed else row[name] for name in _field_names(cls)})


class Tx:
    """The statements of one transaction (or one read snapshot), run synchronously on the
    connection's own thread."""

    __slots__ = ("_conn",)

    #: Which SQL dialect the statements run on. Aggregate modules write portable SQL; the few
    #: statements that cannot be portable (full-text search, row locks for work claims) branch on it.
    dialect: Literal["sqlite", "postgresql"] = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(self._conn.execute(sql, params).fetchall())

    def one(self, sql: str, params: Params = ()) -> Row | None:
        row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
        return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def run(self, sql: str, params: Params = ()) -> tuple[int, int | None]:
        """Execute a write; return (rowcount, lastrowid)."""
        cur = self._conn.execute(sql, params)
        return cur.rowcount, cur.lastrowid

    def backup(self, target: sqlite3.Connection) -> None:
        """SQLite's online backup of this connection's database into ``target``, in one step."""
        self._conn.backup(target, pages=-1)


def plan_lines(tx: Tx, sql: str, params: Params = (), *, indent: bool = True) -> list[str]:
    """The plan of ``sql``, one line per step: SQLite's EXPLAIN QUERY PLAN details (indented by
    depth unless ``indent=False``), or PostgreSQL's EXPLAIN text lines as they come."""
    if tx.dialect == "postgresql":
        return [str(r[0]) for r in tx.all("EXPLAIN " + sql, params)]
    rows = tx.all("EXPLAIN QUERY PLAN " + sql, params)
    depth: dict[int, int] = {0: -1}
    lines: list[str] = []
    for node_id, parent, _unused, detail in rows:
        d = depth.get(parent, -1) + 1
        depth[node_id] = d
        lines.append(("  " * d if indent else "") + str(detail))
    return lines


def parse_url(database_url: str) -> str | None:
    """The file path of a sqlite URL, or None for an in-memory database."""
    if not database_url.startswith(SQLITE_PREFIX):
        raise ValueError(
            f"unsupported DATABASE_URL {database_url!r}: expected sqlite:///path/to/file.db "
            "(relative), sqlite:////absolute/path.db or sqlite:///:memory:, "
            "or postgresql://user@host:port/dbname"
        )
    path = database_url[len(SQLITE_PREFIX) :]
    if not path:
        raise ValueError(f"DATABASE_URL {database_url!r} names no database file")
    return None if path == ":memory:" else path


def prepare_file(path: str) -> str:
    """Expand ~ and create the parent folder (a fresh deployment has no data/ yet)."""
    p = Path(path).expanduser()
    p.parent.mkdir(parents=True, exist_ok=True)
    return str(p)


def _connect(path: str, *, writer: bool) -> sqlite3.Connection:
    # check_same_thread=False: a connection is opened on the caller's thread and then used only
    # by its own single executor thread, never by two threads at once.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        if writer:
            if path != ":memory:":
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StorageError(f"could not switch {path} to WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
        else:
            # A guard, not a feature: a write sneaking onto a reader would bypass the writer thread.
            conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


@dataclass(slots=True)
class _Worker:
    """A connection and the one thread that uses it."""

    conn: sqlite3.Connection
    thread: ThreadPoolExecutor

    async def call(self, fn: Callable[[], _T]) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self.thread, fn)


def _worker(conn: sqlite3.Connection, name: str) -> _Worker:
    return _Worker(conn, ThreadPoolExecutor(max_workers=1, thread_name_prefix=name))


def swallow_outcome(fut: asyncio.Future[Any]) -> None:
    """Retrieve the outcome of a transaction whose caller was cancelled (no 'never retrieved')."""
    if not fut.cancelled():
        fut.exception()


class Database:
    """One SQLite database: the writer thread, the reader pool, the write generation."""

    def __init__(self, writer: _Worker, readers: list[_Worker], path: str | None) -> None:
        self._writer = writer
        self._readers = readers
        self._pool: asyncio.Queue[_Worker] = asyncio.Queue()
        for r in readers:
            self._pool.put_nowait(r)
        self._generation = 0
        self.path = path
        self._closed = False

    @classmethod
    async def open(cls, database_url: str, *, migrations_dir: Path | None = None) -> Database:
        """Open (creating folders), switch to WAL, migrate. Pair with :meth:`close`.

        Raises ValueError for a URL that is not sqlite, MigrationError / SchemaTooNewError.
        """
        path = parse_url(database_url)
        if path is not None:
            path = prepare_file(path)
        target = path or ":memory:"
        writer = _worker(await asyncio.to_thread(_connect, target, writer=True), "dossier-db-writer")
        readers: list[_Worker] = []
        try:
            await writer.call(lambda: apply_migrations(writer.conn, migrations_dir or MIGRATIONS_DIR))
            if path is not None:
                for i in range(_READERS):
                    conn = await asyncio.to_thread(_connect, path, writer=False)
                    readers.append(_worker(conn, f"dossier-db-reader{i}"))
        except BaseException:
            for w in [*readers, writer]:
                await w.call(w.conn.close)
                w.thread.shutdown(wait=False)
            raise
        return cls(writer, readers, path)

    @property
    def generation(self) -> int:
        """Increases on every committed write with ``content=True`` (see Storage.generation)."""
        return self._generation

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("storage is closed")

    async def write(self, fn: Callable[[Tx], _T], *, content: bool = True, serialize: bool = True) -> _T:
        """Run ``fn`` as one ``BEGIN IMMEDIATE ... COMMIT`` transaction on the writer thread.

        ``serialize`` matters only on a server database, where it says whether the transaction
        must run alone among all writers of every process (library content) or is safe beside
        them (work claims that lock their own rows); SQLite serializes every write anyway.

        Transactions run one at a time, in the order they were asked for. If ``fn`` raises, the
        transaction is rolled back and the exception re-raised here. If the caller is cancelled
        before the transaction commits, it is rolled back (or never started); the writer thread
        always finishes one transaction before starting the next, so a cancellation can never
        leave the connection mid-transaction.
        """
        self._check_open()
        cancelled = threading.Event()
        conn = self._writer.conn

        def transaction() -> _T:
            if cancelled.is_set():
                raise asyncio.CancelledError
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(Tx(conn))
                if cancelled.is_set():
                    raise asyncio.CancelledError
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                    conn.execute("ROLLBACK")
                raise
            if content:
                self._generation += 1
            return result

        fut = asyncio.get_running_loop().run_in_executor(self._writer.thread, transaction)
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            cancelled.set()
            fut.add_done_callback(swallow_outcome)
            raise

    async def read(self, fn: Callable[[Tx], _T]) -> _T:
        """Run ``fn`` on a reader thread inside one read transaction, so several SELECTs (a
        dossier, a page and its total) see one snapshot."""
        self._check_open()

        def snapshot(conn: sqlite3.Connection) -> _T:
            conn.execute("BEGIN")
            try:
                return fn(Tx(conn))
            finally:
                conn.execute("ROLLBACK")

        if not self._readers:
            conn = self._writer.conn
            return await self._writer.call(lambda: snapshot(conn))
        reader = await self._pool.get()
        try:
            return await reader.call(lambda: snapshot(reader.conn))
        finally:
            self._pool.put_nowait(reader)

    async def read_unlocked(self, fn: Callable[[Tx], _T]) -> _T:
        """Like :meth:`read` but outside a transaction (SQLite's online backup takes its own)."""
        self._check_open()
        if not self._readers:
            return await self._writer.call(lambda: fn(Tx(self._writer.conn)))
        reader = await self._pool.get()
        try:
            return await reader.call(lambda: fn(Tx(reader.conn)))
        finally:
            self._pool.put_nowait(reader)

    async def close(self) -> None:
        """Close every connection, each on its own thread after the work already queued there
        (so a write in flight finishes first), then let the threads go."""
        if self._closed:
            return
        self._closed = True
        for w in [*self._readers, self._writer]:
            await w.call(w.conn.close)
            w.thread.shutdown(wait=False)
