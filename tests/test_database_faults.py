"""The database unreachable: at start (`python -m bot run`: a clear line, bounded retries, exit 3)
and while the bot runs (no update lost, answered when it returns)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import storage.pg_db as pg_db
from bot.analyzer import Analyzer

from backends import PgTestDatabase
from fakes.bot_api import FakeBotAPI
from harness import OWNER, make_settings, pg_rows, run_bot
from pg_proxy import TcpProxy, through


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _exit_with_database_unreachable(
    command: str, tmp_path: Path, drop: tuple[str, ...], env: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Run `python -m bot COMMAND` against a closed port (password `s3cret`, 2 attempts); assert it exits 3
    with no traceback and no password; return its output lines and its one "Database error:" line."""
    port = _closed_port()
    child = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    child.update(env)
    child.update({"DATABASE_URL": f"postgresql://dossier:s3cret@127.0.0.1:{port}/library",
                  "DATABASE_CONNECT_ATTEMPTS": "2"})
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", command, env=child, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    text = (out + err).decode()
    assert proc.returncode == 3, text
    assert "Traceback" not in text and "s3cret" not in text
    errors = [line for line in text.splitlines() if line.startswith("Database error:")]
    assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0] and "after 2 attempts" in errors[0]
    return text.splitlines(), errors


async def test_unreachable_database_at_start_is_one_clear_line_and_exit_3(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    lines, _ = await _exit_with_database_unreachable("run", tmp_path, ("TELEGRAM_", "DATABASE_", "ALLOWED_"), {
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "TELEGRAM_API_FILE_URL": fake_api.file_url,
        "ANALYSIS_WORKERS": "0",
    })
    assert sum("attempt 1 of 2" in line for line in lines) == 1  # one line per retry
    assert not fake_api.calls_of("getUpdates")  # never started polling


@pytest.mark.postgresql_only
async def test_database_lost_while_the_bot_runs_loses_no_update(
    fake_api: FakeBotAPI, tmp_path: Path, shared_analyzer: Analyzer, backend: str,
    pg_database: PgTestDatabase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """The server goes away under a running bot: a command sent meanwhile is neither answered nor
    lost (Telegram keeps it, the bot does not confirm it) and the bot keeps polling quietly; when
    the server returns, the command is answered, once."""
    pg_database.empty()
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    proxy = TcpProxy(urlsplit(pg_database.url).port or 5432)
    await proxy.start()
    monkeypatch.setattr(pg_db, "POOL_TIMEOUT", 1.0)
    settings = make_settings(fake_api, tmp_path / "unused.db", DATABASE_URL=through(proxy, pg_database.url))
    try:
        async with run_bot(fake_api, settings, shared_analyzer):
            first = fake_api.send_text(OWNER, "/stats")
            done = "SELECT status FROM inbox WHERE update_id = ?"
            await fake_api.wait_for(lambda: pg_rows(pg_database.url, done, (first,)) == [("done",)], 20,
                                    message="the first command handled")
            assert len(fake_api.texts(OWNER)) == 1
            await proxy.cut()
            update_id = fake_api.send_text(OWNER, "/stats")

            def fetched_unconfirmed() -> int:
                return sum(any(u.get("update_id") == update_id for u in (c.response.get("result") or []))
                           for c in fake_api.calls_of("getUpdates"))

            await fake_api.wait_for(lambda: fetched_unconfirmed() >= 2, 30, message="the update fetched again")
            assert len(fake_api.texts(OWNER)) == 1  # not answered while the database is away
            await proxy.start()
            await fake_api.wait_for_messages(OWNER, 2, 30)
            await asyncio.sleep(0)  # let a second, wrong answer show itself if there were one
            assert len(fake_api.texts(OWNER)) == 2
    finally:
        with contextlib.suppress(Exception):
            await proxy.cut()
    away = [r for r in caplog.records if "updates stay with Telegram" in r.getMessage()]
    assert len(away) == 1 and not any(r.levelno >= logging.CRITICAL for r in caplog.records)
async def test_a_worker_with_its_database_unreachable_says_so_and_exits_3(tmp_path: Path) -> None:
    await _exit_with_database_unreachable("worker", tmp_path, ("TELEGRAM_", "DATABASE_", "ANALYSIS_"), {})
