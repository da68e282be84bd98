"""Real `python -m bot worker` processes on one SQLite file, for the queue and lease tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from bot.services.identity import FILING_RULES
from storage.records import NewArticle
from storage.repository import Storage

from harness import pg_rows

FILED = re.compile(r"filed article (\d+) ")
DROPPED = re.compile(r"article (\d+) was already filed; this result is dropped")


def rows(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (SQLite syntax) read beside the processes, on either backend."""
    if not url.startswith("sqlite:///"):
        return pg_rows(url, sql, params)
    conn = sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def worker_env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "ANALYSIS_"))}
    env.update({"DATABASE_URL": url, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


class GroupProcess:
    """`python -m bot ARGS...` in its own process group, so SIGKILL/SIGSTOP also reach its children
    (analysis workers, the render process): the one way every process test starts and stops Dossier."""

    #: How long stop() waits after SIGTERM before it SIGKILLs the group.
    stop_timeout = 20.0

    def __init__(self, args: tuple[str, ...], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.args, self.env, self.cwd, self.log = args, env, cwd, log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *self.args, env=self.env, cwd=self.cwd,
                stdout=out, stderr=out, start_new_session=True)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    async def kill(self) -> None:
        self.signal_group(signal.SIGKILL)
        assert self.proc is not None
        await self.proc.wait()

    async def stop(self, timeout: float | None = None) -> int:  # noqa: ASYNC109
        """SIGTERM (a graceful stop), SIGKILL if that takes too long; then the group's leftovers."""
        assert self.proc is not None
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), self.stop_timeout if timeout is None else timeout)
            except TimeoutError:
                await self.kill()
        self.signal_group(signal.SIGKILL)
        return self.proc.returncode if self.proc.returncode is not None else -9


class WorkerProcess(GroupProcess):
    """`python -m bot worker`."""

    def __init__(self, env: dict[str, str], cwd: Path, log: Path) -> None:
        super().__init__(("worker",), env, cwd, log)

    def filed(self) -> list[int]:
        return [int(m) for m in FILED.findall(self.output())]

    def dropped(self) -> list[int]:
        return [int(m) for m in DROPPED.findall(self.output())]

    def ready(self) -> bool:
        assert self.proc is not None
        if self.proc.returncode is not None:
            raise AssertionError(f"the worker exited with {self.proc.returncode}:\n{self.output()}")
        return " ready (analysis process " in self.output()


@contextlib.asynccontextmanager
async def workers(env: dict[str, str], cwd: Path, count: int) -> AsyncIterator[list[WorkerProcess]]:
    """``count`` workers, started together, ready (models loaded) when the block starts."""
    procs = [WorkerProcess(env, cwd, cwd / f"worker{i}.log") for i in range(count)]
    try:
        for p in procs:
            await p.start()
        await wait_until(lambda: all(p.ready() for p in procs), 90, "the workers to load their models")
        yield procs
    finally:
        for p in procs:
            if p.proc is not None and p.proc.returncode is None:
                await p.kill()


async def wait_until(condition: Callable[[], bool], timeout: float, message: str) -> None:  # noqa: ASYNC109
    """Until ``condition()`` holds (an event in another process: a log line, a database row)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        await asyncio.sleep(0.05)


async def store_articles(url: str, texts: list[str], *, queue: bool) -> list[int]:
    """Store raw articles (status pending) and, with ``queue``, queue their analysis in order."""
    async with Storage.open(url, rules=FILING_RULES) as storage:
        ids = []
        for i, text in enumerate(texts):
            article_id, created = await storage.add_article(NewArticle(
                text=text, origin_kind="paste", added_by=1, added_at=int(time.time()), added_chat_id=None,
                added_message_id=i + 1))
            assert created
            ids.append(article_id)
        if queue:
            await queue_articles(storage, ids)
        return ids


async def queue_articles(storage: Storage, ids: list[int]) -> None:
    for article_id in ids:
        await storage.jobs.enqueue(article_id, alerts=False)
