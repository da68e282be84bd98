"""Members, inbox, feeds, import progress, backup, concurrency and the EXPLAIN helper."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from storage_helpers import T0, TEXT1, analysis1, database, filed, holding_the_writer, new_article

from bot.services import schedule
from storage.db import Tx
from storage.errors import StorageError
from storage.migrate import MIGRATIONS_DIR, discover
from storage.repository import HOT_QUERIES, Storage

# ------------------------------------------------------------------------------------ members


async def test_claim_ownership_is_atomic(db: Storage) -> None:
    results = await asyncio.gather(*(db.claim_ownership(uid, f"user{uid}", now=T0) for uid in range(1, 11)))
    assert results.count(True) == 1
    owner = await db.owner()
    assert owner is not None and results[owner.user_id - 1]
    assert not await db.claim_ownership(owner.user_id)  # True only for the call that made them owner
    assert len(await db.list_members()) == 1


async def test_claim_ownership_is_atomic_across_connections(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    async with Storage.open(url) as a, Storage.open(url) as b:
        results = await asyncio.gather(a.claim_ownership(1), b.claim_ownership(2))
        assert sorted(results) == [False, True]
        assert len(await a.list_members()) == 1


async def test_members(db: Storage) -> None:
    assert await db.owner() is None
    await db.seed_members([10, 20, 30], now=T0)
    await db.seed_members([10, 20, 30], now=T0 + 1)  # idempotent
    members = await db.list_members()
    assert [(m.user_id, m.role, m.added_at) for m in members] == [
        (10, "owner", T0), (20, "member", T0), (30, "member", T0)
    ]
    assert await db.add_member(40, "member", 10, "Аня", now=T0 + 5)
    assert not await db.add_member(40, "member", 10, "Анна")
    m40 = await db.get_member(40)
    assert m40 is not None and (m40.name, m40.added_by, m40.role) == ("Анна", 10, "member")
    assert not await db.add_member(10, "member", 20)  # cannot demote the owner this way
    with pytest.raises(StorageError, match="owner"):
        await db.add_member(50, "owner", 10)
    assert await db.remove_member(40) and not await db.remove_member(40)
    assert await db.get_member(40) is None
    # The configured first id wins ownership; the old owner becomes a member.
    await db.seed_members([20], now=T0)
    roles = {m.user_id: m.role for m in await db.list_members()}
    assert roles == {10: "member", 20: "owner", 30: "member"}
    assert not await db.claim_ownership(99)


# ------------------------------------------------------------------------------------ inbox


async def test_inbox(db: Storage) -> None:
    assert await db.inbox_put(5, '{"update_id": 5}', now=T0)
    assert await db.inbox_put(3, '{"update_id": 3}', now=T0)
    assert not await db.inbox_put(5, '{"update_id": 5, "again": true}', now=T0)
    assert await db.inbox_pending() == [(3, '{"update_id": 3}'), (5, '{"update_id": 5}')]
    await db.inbox_done(3, now=T0 + 10)
    assert await db.inbox_pending() == [(5, '{"update_id": 5}')]
    assert not await db.inbox_put(3, "{}")  # handled updates are still remembered
    # ... but their content is not kept
    rows = await database(db).read(lambda tx: tx.all("SELECT payload FROM inbox WHERE update_id = 3"))
    assert [tuple(r) for r in rows] == [("",)]
    assert await db.inbox_prune(T0 + 5) == 0
    assert await db.inbox_prune(T0 + 11) == 1
    assert await db.inbox_pending() == [(5, '{"update_id": 5}')]  # pending never pruned


# ------------------------------------------------------------------------------------ feeds, imports


async def test_feeds(db: Storage) -> None:
    assert await db.add_feed(-1001, "@InoTV", "ИноТВ", 1, now=T0)
    assert not await db.add_feed(-1001, None, None, 1)
    assert await db.feed_enabled(-1001) and not await db.feed_enabled(-1002)
    feeds = await db.list_feeds()
    assert [(f.channel_id, f.username, f.title, f.enabled) for f in feeds] == [(-1001, "InoTV", "ИноТВ", True)]
    assert await db.remove_feed("@inotv")
    assert not await db.remove_feed(-1001)
    await db.add_feed(-1003, None, "x", 1)
    assert await db.remove_feed(-1003)
    assert await db.list_feeds() == []


async def test_import_progress(db: Storage) -> None:
    assert await db.get_import_position("export:inotv") is None
    await db.set_import_position("export:inotv", 120)
    await db.set_import_position("export:inotv", 240)
    assert await db.get_import_position("export:inotv") == 240


# ------------------------------------------------------------------------------------ concurrency


async def test_reads_proceed_while_a_write_transaction_is_open(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    async with holding_the_writer(db, "DELETE FROM articles"):  # the writer mid-transaction
        # Readers see the last committed state and are not blocked by the open write.
        stats = await asyncio.wait_for(db.stats(), timeout=2)
        hits, total = await asyncio.wait_for(db.search_articles("разрядка"), timeout=2)
        assert stats.articles == 1 and total == 1 and hits
    assert (await db.stats()).articles == 0  # committed on exit, now visible


async def test_failed_write_rolls_back(db: Storage) -> None:
    def failing(tx: Tx) -> None:
        tx.run("DELETE FROM members")
        tx.run("INSERT INTO members (user_id, role, added_at) VALUES (1, 'member', 0)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await database(db).write(failing)
    assert await db.list_members() == []
    assert await db.add_member(2, "member", None)  # the writer is usable again


async def test_many_concurrent_reads_and_writes(db: Storage) -> None:
    async def writer(i: int) -> None:
        await db.add_article(new_article(f"статья номер {i} о разрядке", added_at=T0 + i))

    async def reader() -> int:
        _, total = await db.search_articles("разрядка")
        return total

    results = await asyncio.gather(*(writer(i) for i in range(30)), *(reader() for _ in range(30)))
    assert all(isinstance(r, int) and 0 <= r <= 30 for r in results[30:])
    assert (await db.stats()).articles == 30


async def test_cancelled_write_leaves_storage_usable(db: Storage) -> None:
    tasks = [asyncio.create_task(db.add_article(new_article(f"текст {i}"))) for i in range(20)]
    await asyncio.sleep(0)
    for t in tasks[::2]:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    count = (await db.stats()).articles
    assert 10 <= count <= 20
    assert (await db.add_article(new_article("после отмены")))[1]


# ------------------------------------------------------------------------------------ maintenance


@pytest.mark.sqlite_only  # SQLite's online backup; PostgreSQL is backed up with pg_dump
async def test_backup_is_consistent_while_writing(db: Storage, tmp_path: Path) -> None:
    await filed(db, TEXT1, analysis1())
    stop, writing = asyncio.Event(), asyncio.Event()

    async def keep_writing() -> int:
        n = 0
        while not stop.is_set():
            await db.add_article(new_article(f"фоновая статья {n} " + "слово " * 200))
            n += 1
            if n == 3:
                writing.set()  # the backup below starts with writes committed and more coming
        return n

    task = asyncio.create_task(keep_writing())
    await writing.wait()
    target = tmp_path / "backups" / "copy.db"
    await db.backup(target)
    stop.set()
    written = await task
    assert written > 0
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 1 <= articles <= written + 1
        # One snapshot: the FTS index matches the articles table exactly.
        assert con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == articles
        shipped = max(m.version for m in discover(MIGRATIONS_DIR))
        assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == shipped
    finally:
        con.close()
    async with Storage.open(f"sqlite:///{target}") as restored:
        hits, _ = await restored.search_articles("разрядка")
        assert hits and hits[0].title == analysis1().title


@pytest.mark.sqlite_only
async def test_backup_does_not_wait_for_an_open_write_and_skips_it(db: Storage, tmp_path: Path) -> None:
    await db.add_member(1, "member", None)
    async with holding_the_writer(db, "INSERT INTO members (user_id, role, added_at) VALUES (2, 'member', 0)"):
        await asyncio.wait_for(db.backup(tmp_path / "b.db"), timeout=5)
    con = sqlite3.connect(tmp_path / "b.db")
    assert [r[0] for r in con.execute("SELECT user_id FROM members")] == [1]  # committed state only
    con.close()


async def test_backup_of_memory_database(tmp_path: Path) -> None:
    async with Storage.open("sqlite:///:memory:") as mem:
        await mem.add_article(new_article("в памяти"))
        await mem.backup(tmp_path / "m.db")
    con = sqlite3.connect(tmp_path / "m.db")
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    con.close()


@pytest.mark.parametrize("name", sorted(HOT_QUERIES))
async def test_explain_every_hot_query(db: Storage, name: str) -> None:
    plan = await db.explain(name)
    assert plan
    if name not in ("alias_index", "top_tags", "top_actors", "search", "search_count"):
        # Every lookup-by-key query uses an index somewhere, never only full scans (PostgreSQL's
        # EXPLAIN says "Index Scan using ..." / "Bitmap Index Scan on ...").
        assert any("USING" in line.upper() or "INDEX" in line.upper() for line in plan), plan


async def test_explain_unknown_name(db: Storage) -> None:
    with pytest.raises(KeyError, match="known"):
        await db.explain("nope")


async def test_closed_storage_refuses_work(tmp_path: Path) -> None:
    db = await Storage.connect(f"sqlite:///{tmp_path}/c.db")
    await db.close()
    await db.close()  # idempotent
    with pytest.raises(StorageError, match="closed"):
        await db.stats()


async def test_migrate_chat_moves_settings_subscriptions_and_pending_alerts(db: Storage) -> None:
    await db.upsert_chat(-10, "group", "Отдел", "ru")
    await schedule.set_digest(db.chats, -10, "09:00", "Europe/Moscow", now=T0)
    await db.migrate_chat(-10, -1001)
    moved = await db.get_chat_settings(-1001)
    assert moved is not None and moved.type == "supergroup" and moved.digest_time == "09:00"
    assert moved.tz == "Europe/Moscow"
    assert await db.get_chat_settings(-10) is None
