"""`python -m bot copy` and `python -m bot migrate` as an operator runs them: real processes on real files.

The library (1,000 articles with rows in every table, tests/library_world.py) is generated once
per module and copied for each test. Every comparison here reads the databases with plain sqlite3,
independently of the checksums the command prints.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from library_world import build_library

from bot.services.identity import FILING_RULES
from storage.migrate import apply_migrations
from storage.records import NewArticle
from storage.repository import Storage

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(extra)
    return env


def bot_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=_env(**env), cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("library") / "source.db"

    async def build() -> None:
        async with Storage.open(f"sqlite:///{path}", rules=FILING_RULES) as storage:
            await build_library(storage)

    asyncio.run(build())
    return path


@pytest.fixture
def source(library: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "source.db"
    shutil.copy(library, copy)
    return copy


def _tables(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        con.close()
    virtual = [n for n, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    return sorted(n for n, _ in rows if n not in ("copy_progress", "schema_version")
                  and not any(n.startswith(v + "_") for v in virtual))


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every library table, sorted: what "nothing lost" is checked against."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for name in _tables(path):
            cols = "rowid, *" if name == "articles_fts" else "*"
            out[name] = sorted(con.execute(f'SELECT {cols} FROM "{name}"').fetchall(), key=repr)
        out["sqlite_sequence"] = sorted(con.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        return out
    finally:
        con.close()


def test_copy_sqlite_to_sqlite_carries_every_row_and_says_so(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy" / "target.db"
    done = bot_cli("copy", f"sqlite:///{source}", f"sqlite:///{target}")
    assert done.returncode == 0, done.stdout + done.stderr
    before = dump(source)
    assert all(rows for name, rows in before.items()), {n: len(r) for n, r in before.items()}
    assert dump(target) == before
    lines = [line for line in done.stdout.splitlines() if line.split() and line.split()[0] in before]
    assert len(lines) == len(before) - 1  # every table but sqlite_sequence, each with counts and checksums
    assert all(line.endswith(" ok") for line in lines), done.stdout
    assert f"all {len(before) - 1} tables match" in done.stdout

    # The copy is a working library: counters not double counted, the next id after the deleted one.
    con = sqlite3.connect(target)
    try:
        assert con.execute("SELECT count(*) FROM actors a WHERE n_articles != "
                           "(SELECT count(*) FROM mentions m WHERE m.actor_id = a.id)").fetchone() == (0,)
        max_id = con.execute("SELECT max(id) FROM articles").fetchone()[0]
    finally:
        con.close()

    async def next_id() -> int:
        async with Storage.open(f"sqlite:///{target}", rules=FILING_RULES) as storage:
            stats = await storage.stats()
            assert stats.articles == len(before["articles"])
            new_id, created = await storage.add_article(NewArticle(
                text="Новая статья после копирования: Лавров и Тиллерсон снова встретились.",
                origin_kind="paste", added_by=1, added_at=1_800_000_000))
            assert created
            return new_id

    assert asyncio.run(next_id()) == max_id + 2  # the source's deleted newest id is not handed out again

    again = bot_cli("copy", f"sqlite:///{source}", f"sqlite:///{target}")
    assert again.returncode == 1 and "MISMATCH in articles" in again.stderr  # the target changed since


def _copied(target: Path) -> tuple[int, bool]:
    """(rows committed so far, whole copy verified) as the target's progress table says."""
    if not target.exists():
        return 0, False
    con = sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=5)
    try:
        rows = con.execute("SELECT table_name, copied, done FROM copy_progress").fetchall()
    except sqlite3.OperationalError:  # not created yet
        return 0, False
    finally:
        con.close()
    return sum(r[1] for r in rows), any(r[0] == "" and r[2] for r in rows)


def killed_mid_copy(source: Path, target: Path) -> int:
    """Start a copy, SIGKILL it once 2,000 rows are committed; its exit status."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "copy", "--batch", "10", f"sqlite:///{source}",
                             f"sqlite:///{target}"], env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _copied(target)[0] < 2000 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # polling the target for the event "2,000 rows committed"
        proc.send_signal(signal.SIGKILL)
        return proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_killed_copy_continues_where_it_stopped(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.db"
    assert killed_mid_copy(source, target) == -signal.SIGKILL
    copied, verified = _copied(target)
    assert 2000 <= copied < sum(len(r) for r in dump(source).values()) and not verified

    resumed = bot_cli("copy", "--batch", "10", f"sqlite:///{source}", f"sqlite:///{target}")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resuming" in resumed.stdout and " tables match" in resumed.stdout
    assert dump(target) == dump(source)  # no row twice, none missing


def test_copy_refuses_a_target_that_holds_another_library(source: Path, library: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    shutil.copy(library, other)
    before = dump(other)
    refused = bot_cli("copy", f"sqlite:///{source}", f"sqlite:///{other}")
    assert refused.returncode == 1 and "not empty" in refused.stderr
    assert dump(other) == before

    half = tmp_path / "half.db"
    assert killed_mid_copy(source, half) == -signal.SIGKILL
    third = tmp_path / "third.db"
    shutil.copy(library, third)
    wrong = bot_cli("copy", f"sqlite:///{third}", f"sqlite:///{half}")
    assert wrong.returncode == 1 and "earlier copy of" in wrong.stderr

    missing = bot_cli("copy", f"sqlite:///{tmp_path}/nothing.db", f"sqlite:///{tmp_path}/new.db")
    assert missing.returncode == 1 and "no database at" in missing.stderr
    assert not (tmp_path / "nothing.db").exists() and not (tmp_path / "new.db").exists()


def test_migrate_a_fresh_database_then_again_then_a_newer_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/deploy/dossier.db"
    fresh = bot_cli("migrate", DATABASE_URL=url)
    assert fresh.returncode == 0, fresh.stderr
    latest = max(int(p.name[:3]) for p in (ROOT / "storage" / "migrations").glob("*.sql"))
    assert f"a new database -> schema version {latest}" in fresh.stdout

    again = bot_cli("migrate", DATABASE_URL=url)
    assert again.returncode == 0 and f"schema version {latest}, up to date" in again.stdout

    con = sqlite3.connect(tmp_path / "deploy" / "dossier.db")
    con.execute("INSERT INTO schema_version VALUES (?, 'from the future', 'x')", (latest + 1,))
    con.commit()
    con.close()
    newer = bot_cli("migrate", DATABASE_URL=url)
    assert newer.returncode == 1
    assert f"schema version {latest + 1}, newer than this Dossier knows ({latest})" in newer.stderr


def test_migrate_an_older_library_applies_what_is_missing(tmp_path: Path) -> None:
    """A library left by the previous release (every migration but the newest) is brought up."""
    files = sorted((ROOT / "storage" / "migrations").glob("*.sql"))
    older = tmp_path / "older-migrations"
    older.mkdir()
    for f in files[:-1]:
        shutil.copy(f, older / f.name)
    path = tmp_path / "old.db"
    con = sqlite3.connect(path, isolation_level=None)
    apply_migrations(con, older)
    con.close()
    previous, latest = int(files[-2].name[:3]), int(files[-1].name[:3])
    done = bot_cli("migrate", DATABASE_URL=f"sqlite:///{path}")
    assert done.returncode == 0 and f"schema version {previous} -> schema version {latest}" in done.stdout, done.stderr


def _checksums(stdout: str) -> dict[str, tuple[str, str, str]]:
    """table -> (rows, source checksum, target checksum) from the printed comparison."""
    out = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[5] in ("ok", "MISMATCH"):
            out[parts[0]] = (parts[1], parts[3], parts[4])
    return out


@pytest.mark.postgresql_only
def test_sqlite_to_postgresql_and_back_loses_nothing(source: Path, tmp_path: Path, pg_database: Any) -> None:
    pg_database.empty()
    there = bot_cli("copy", f"sqlite:///{source}", pg_database.url)
    assert there.returncode == 0, there.stdout + there.stderr
    assert "VACUUM ANALYZE done" in there.stdout
    back_path = tmp_path / "back.db"
    back = bot_cli("copy", pg_database.url, f"sqlite:///{back_path}")
    assert back.returncode == 0, back.stdout + back.stderr
    # The same checksums on all three: SQLite, PostgreSQL, SQLite again.
    forth_sums, back_sums = _checksums(there.stdout), _checksums(back.stdout)
    assert forth_sums == back_sums and len(forth_sums) == len(dump(source)) - 1
    assert all(s == t for _rows, s, t in forth_sums.values())
    assert dump(back_path) == dump(source)  # every row, and the next ids (sqlite_sequence)

    async def probe(url: str) -> tuple[object, ...]:
        """What a user of each copy sees: search hits, the top list, the id a new article gets."""
        async with Storage.open(url, rules=FILING_RULES) as storage:
            hits, total = await storage.search_articles("разрядка", limit=1000)  # ranking may differ
            top = await storage.top_actors(limit=5)
            new_id, created = await storage.add_article(NewArticle(
                text="Новая статья после копирования: Лавров и Тиллерсон снова встретились.",
                origin_kind="paste", added_by=1, added_at=1_800_000_000))
            assert created and total > 0
            return sorted(h.article_id for h in hits), total, [(a.name, a.articles, a.mentions) for a in top], new_id

    assert asyncio.run(probe(pg_database.url)) == asyncio.run(probe(f"sqlite:///{back_path}"))
    pg_database.empty()
