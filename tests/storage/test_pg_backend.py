"""What only the PostgreSQL backend has: its migrations, the write lock across processes, and the
faults of a server database (unreachable at start, lost while running)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from storage_helpers import T0, database, new_article

import storage.pg_db as pg_db
from storage.db import Tx
from storage.errors import DatabaseUnavailable, MigrationError, SchemaTooNewError
from storage.migrate import MIGRATIONS_DIR, discover
from storage.pg_migrate import PG_MIGRATIONS_DIR
from storage.repository import Storage

from backends import PgTestDatabase
from pg_proxy import TcpProxy, free_port, through

on_postgresql = pytest.mark.postgresql_only


@pytest.fixture
def schema_url(pg_database: PgTestDatabase) -> Iterator[str]:
    """The session database seen through a schema of its own (search_path), empty: for tests
    that migrate from nothing."""
    name = f"t_{secrets.token_hex(4)}"
    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    yield f"{pg_database.url}?options=-csearch_path%3D{name}"
    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


def _versions(url: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [int(r[0]) for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]


def test_every_migration_has_its_twin() -> None:
    """Same numbers, same names: schema_version means the same on both databases."""
    assert [(m.version, m.name) for m in discover(PG_MIGRATIONS_DIR)] == [
        (m.version, m.name) for m in discover(MIGRATIONS_DIR)]


@on_postgresql
async def test_migrations_apply_once_and_a_newer_schema_is_refused(schema_url: str) -> None:
    async with Storage.open(schema_url) as db:
        assert (await db.stats()).articles == 0
    async with Storage.open(schema_url):
        pass  # a second start finds nothing to do
    assert _versions(schema_url) == [m.version for m in discover(PG_MIGRATIONS_DIR)]
    with psycopg.connect(schema_url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_version VALUES (999, 'future', 'x')")
    with pytest.raises(SchemaTooNewError, match="999"):
        async with Storage.open(schema_url):
            pass


@on_postgresql
async def test_a_failing_migration_leaves_nothing_behind(schema_url: str, tmp_path: Path) -> None:
    mdir = tmp_path / "m"
    shutil.copytree(PG_MIGRATIONS_DIR, mdir)
    (mdir / "099_broken.sql").write_text("CREATE TABLE half (x INTEGER);\nSELECT no_such_function();\n")
    with pytest.raises(MigrationError, match="099_broken"):
        async with Storage.open(schema_url, migrations_dir=mdir):
            pass
    assert 99 not in _versions(schema_url)
    with psycopg.connect(schema_url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('half')").fetchone() == (None,)
    (mdir / "099_broken.sql").write_text("BEGIN;\nCREATE TABLE t (x INTEGER);\nCOMMIT;\n")
    with pytest.raises(MigrationError, match="transactions"):
        async with Storage.open(schema_url, migrations_dir=mdir):
            pass


@on_postgresql
async def test_serialized_writes_take_turns_across_processes(db: Storage, database_url: str) -> None:
    """Two Storages on one database stand for two processes: a serialized write waits for the
    other's open one (the advisory lock); an unserialized write (a claim) does not."""
    holding, release = threading.Event(), threading.Event()

    def hold(tx: Tx) -> None:
        tx.run("INSERT INTO members (user_id, role, added_at) VALUES (1, 'member', 0)")
        holding.set()
        release.wait(10)

    async with Storage.open(database_url) as other:
        first = asyncio.create_task(database(db).write(hold))
        await asyncio.to_thread(holding.wait, 10)
        second = asyncio.create_task(other.add_member(2, "member", None))
        claim = database(other).write(lambda tx: tx.scalar("SELECT count(*) FROM members"), serialize=False)
        assert await asyncio.wait_for(claim, 5) == 0  # ran beside the open write, saw nothing of it
        await asyncio.sleep(0.3)
        assert not second.done()  # waiting for the lock
        release.set()
        await first
        assert await asyncio.wait_for(second, 5) is True
    assert [m.user_id for m in await db.list_members()] == [1, 2]


async def test_unreachable_at_start_names_host_and_port_never_the_password() -> None:
    port = free_port()
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as err:
        async with Storage.open(f"postgresql://dossier:s3cret@127.0.0.1:{port}/lib", connect_attempts=2):
            pass
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "after 2 attempts" in message
    assert "s3cret" not in message and "\n" not in message
    assert time.monotonic() - started >= 1.0  # it waited before the second try


@pytest.fixture
async def proxied(pg_database: PgTestDatabase, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[TcpProxy, str]]:
    pg_database.empty()
    proxy = TcpProxy(urlsplit(pg_database.url).port or 5432)
    await proxy.start()
    monkeypatch.setattr(pg_db, "POOL_TIMEOUT", 1.5)
    yield proxy, through(proxy, pg_database.url)
    with contextlib.suppress(Exception):
        await proxy.cut()


@on_postgresql
async def test_lost_while_running_fails_fast_and_recovers(proxied: tuple[TcpProxy, str]) -> None:
    proxy, url = proxied
    async with Storage.open(url) as db:
        await db.add_article(new_article("до обрыва связи", added_at=T0))
        await proxy.cut()
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable, match="unavailable"):
            await db.add_article(new_article("во время обрыва", added_at=T0))
        with pytest.raises(DatabaseUnavailable):
            await db.stats()
        assert time.monotonic() - started < 10  # failed fast, no hang
        await proxy.start()

        async def again(op: Callable[[], Awaitable[Any]]) -> Any:
            while True:  # a user trying again: each try fails fast until the pool has reconnected
                with contextlib.suppress(DatabaseUnavailable):
                    return await op()
                await asyncio.sleep(0.2)

        stats = await asyncio.wait_for(again(db.stats), 20)
        assert stats.articles == 1  # the write during the cut left nothing
        added = await asyncio.wait_for(again(lambda: db.add_article(new_article("после", added_at=T0))), 20)
        assert added[1] is True


@on_postgresql
async def test_a_write_cut_in_the_middle_is_rolled_back(db: Storage, pg_database: PgTestDatabase) -> None:
    """pg_terminate_backend on the writer's connection between two statements of one write:
    the caller gets DatabaseUnavailable, nothing of the transaction is kept, the next write works."""
    def half(tx: Tx) -> None:
        tx.run("INSERT INTO members (user_id, role, added_at) VALUES (5, 'member', 0)")
        with psycopg.connect(pg_database.url, autocommit=True) as killer:
            pid = tx.scalar("SELECT pg_backend_pid()")
            killer.execute("SELECT pg_terminate_backend(%s)", (pid,))
        tx.run("INSERT INTO members (user_id, role, added_at) VALUES (6, 'member', 0)")

    with pytest.raises(DatabaseUnavailable):
        await database(db).write(half)
    assert await db.list_members() == []
    assert await db.add_member(7, "member", None) is True
    assert [m.user_id for m in await db.list_members()] == [7]
