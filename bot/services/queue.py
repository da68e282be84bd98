"""The bot side of ANALYSIS_MODE=queue: queue a stored article, wait until a worker filed it.

Waiting is one poll loop per bot process, not one per article: every POLL seconds a single
indexed query reads the jobs of all articles being waited for, and resolves those that left
"queued". The loop runs only while someone waits. It also keeps this process's name on those
jobs (`waiter`, renewed every third of WAIT_TTL), which is how another replica's start-up
recovery knows that a live process will send these cards and leaves them alone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid

from storage.records import JobState
from storage.repository import Storage

log = logging.getLogger(__name__)

#: How often the waiting bot looks at its jobs.
POLL = 0.2
#: A waiter's claim on answering an article lasts this long without renewal.
WAIT_TTL = 30.0


def process_name() -> str:
    """Host, pid and a random part: unique per running bot, also across restarts with the same pid."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class AnalysisQueue:
    """Queue-and-wait for articles analysed by `python -m bot worker` processes."""

    def __init__(self, storage: Storage, *, name: str | None = None, poll: float = POLL,
                 wait_ttl: float = WAIT_TTL) -> None:
        self.storage = storage
        self.name = name or process_name()
        self.poll = poll
        self.wait_ttl = wait_ttl
        self._waiters: dict[int, list[asyncio.Future[JobState]]] = {}
        self._loop_task: asyncio.Task[None] | None = None

    async def analyse(self, article_id: int, *, alerts: bool) -> JobState:
        """Queue the article (idempotent) and wait for its job to be done or failed."""
        await self.storage.jobs.enqueue(article_id, alerts=alerts, waiter=self.name, wait_ttl=self.wait_ttl)
        return await self.wait(article_id)

    async def adopt(self, article_id: int, *, alerts: bool) -> bool:
        """Start-up recovery: True if this process is now the one to answer ``article_id`` (no live
        replica waits for it); the job is queued if it was not."""
        return await self.storage.jobs.adopt(article_id, alerts=alerts, waiter=self.name, wait_ttl=self.wait_ttl)

    async def wait(self, article_id: int) -> JobState:
        future: asyncio.Future[JobState] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(article_id, []).append(future)
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.get_running_loop().create_task(self._watch(), name="dossier.queue-wait")
        try:
            return await future
        finally:
            waiting = self._waiters.get(article_id)
            if waiting is not None and future in waiting:
                waiting.remove(future)
                if not waiting:
                    del self._waiters[article_id]

    async def _watch(self) -> None:
        renewed = time.monotonic()
        while self._waiters:
            try:
                ids = list(self._waiters)
                states = {s.article_id: s for s in await self.storage.jobs.states(ids)}
                for article_id in ids:
                    state = states.get(article_id)
                    if state is None:  # the article was deleted meanwhile (its job went with it)
                        state = JobState(article_id, "failed", 0, "the article was deleted")
                    if state.status != "queued":
                        for future in self._waiters.pop(article_id, []):
                            if not future.done():
                                future.set_result(state)
                if self._waiters and time.monotonic() - renewed >= self.wait_ttl / 3:
                    await self.storage.jobs.renew_waits(self.name, self.wait_ttl)
                    renewed = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reading the analysis queue failed")
            await asyncio.sleep(self.poll)

    async def close(self) -> None:
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
