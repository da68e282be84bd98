"""`python -m bot run` when the database cannot be reached: a clear line, bounded retries, exit 3."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from fakes.bot_api import FakeBotAPI


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unreachable_database_at_start_is_one_clear_line_and_exit_3(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    port = _closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "ALLOWED_"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "TELEGRAM_API_FILE_URL": fake_api.file_url,
        "DATABASE_URL": f"postgresql://dossier:s3cret@127.0.0.1:{port}/library",
        "DATABASE_CONNECT_ATTEMPTS": "2",
        "ANALYSIS_WORKERS": "0",
    })
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    text = (out + err).decode()
    assert proc.returncode == 3, text
    assert "Traceback" not in text and "s3cret" not in text
    errors = [line for line in text.splitlines() if line.startswith("Database error:")]
    assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0] and "after 2 attempts" in errors[0]
    assert sum("attempt 1 of 2" in line for line in text.splitlines()) == 1  # one line per retry
    assert not fake_api.calls_of("getUpdates")  # never started polling
