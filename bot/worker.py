"""`python -m bot worker`: claims analysis jobs from the shared queue and files the results.

Any number of workers, on any number of machines, share one database (ANALYSIS_MODE=queue makes
the bot queue its articles instead of analysing them). Each worker:

* loads the models once, in a forkserver (`bot.analyzer.analysis_context`), and analyses in one
  child process forked from it, so a hung or crashed analysis costs a fresh fork, not a reload;
* claims one job at a time (`storage.jobs`), renews the claim every third of
  ANALYSIS_CLAIM_TTL while the child works, and files the result with the job's close in one
  transaction: a result for a job already closed (this worker was presumed dead and another one
  filed it) is dropped, so every article is filed once;
* gives an article ANALYSIS_TIMEOUT seconds: then the child is killed and replaced, the article
  fails with the reason, and the next job is claimed. A child that dies gives its job back (the
  attempt counts); a job whose claims keep running out fails after ANALYSIS_MAX_ATTEMPTS.

SIGTERM or Ctrl-C stops it cleanly: the job in hand goes back to the queue without costing an
attempt. A SIGKILL leaves the claim to run out; another worker then retries the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Literal

from analysis.model import DEFAULT_MAX_CHARS, AnalysisResult, ArticleAnalysis, Rejection
from analysis.worker import run_analysis
from bot.analyzer import analysis_context
from bot.config import Settings
from bot.services.identity import FILING_RULES
from storage.errors import DatabaseUnavailable
from storage.records import ClaimedJob
from storage.repository import Storage

log = logging.getLogger(__name__)

#: An idle worker looks for new jobs this often (one indexed query).
IDLE_POLL = 0.5
#: After a database error, wait this long before claiming again.
ERROR_PAUSE = 2.0
#: Test hook: "MARKER=SECONDS" makes the analysis child sleep that long before analysing a text
#: containing MARKER (a hung article, or a slow one to kill a worker in the middle of).
DELAY_ENV = "DOSSIER_TEST_ANALYSIS_DELAY"

Lost = Literal["timeout", "died"]


def _test_delay() -> tuple[str, float] | None:
    raw = os.environ.get(DELAY_ENV, "")
    marker, _, seconds = raw.rpartition("=")
    try:
        return (marker, float(seconds)) if marker else None
    except ValueError:
        return None


def _child_main(conn: Connection, max_chars: int) -> None:
    """The analysis child: texts in, results out, until the pipe closes (the worker exited)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker decides how to stop
    delay = _test_delay()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        text, origin = message
        if delay is not None and delay[0] in text:
            time.sleep(delay[1])
        conn.send(run_analysis(text, origin, max_chars))


class AnalysisChild:
    """One analysis process with the models loaded; killed and replaced when it hangs or dies."""

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Fork the child (the first call also starts the forkserver, which loads the models)."""
        context = analysis_context()
        mine, theirs = context.Pipe()
        process = context.Process(target=_child_main, args=(theirs, self.max_chars), daemon=True,
                                  name="dossier-analysis")
        process.start()
        theirs.close()
        self._process, self._conn = process, mine

    def _exchange(self, text: str, origin: str | None, time_limit: float) -> AnalysisResult | Lost:
        if self._conn is None:
            self.start()
        assert self._conn is not None
        try:
            self._conn.send((text, origin))
            if not self._conn.poll(time_limit):
                return "timeout"
            result: AnalysisResult = self._conn.recv()
            return result
        except (EOFError, OSError):
            return "died"

    async def analyze(self, text: str, origin: str | None, time_limit: float) -> AnalysisResult | Lost:
        """The analysis, or why there is none; after "timeout" or "died" a new child is ready."""
        outcome = await asyncio.to_thread(self._exchange, text, origin, time_limit)
        if outcome in ("timeout", "died"):
            await asyncio.to_thread(self.replace)
        return outcome

    def replace(self) -> None:
        self.stop(kill=True)
        self.start()

    def stop(self, *, kill: bool = False) -> None:
        """End the child: ``kill`` at once (it hangs, or the worker stops), else ask it to exit.
        The pipe is closed only after the child is gone: its end closing is what wakes a thread
        still waiting for the child's answer (closing ours first would leave that thread blocked)."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            if kill:
                process.kill()
            elif conn is not None:
                with contextlib.suppress(OSError):
                    conn.send(None)
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        if conn is not None:
            conn.close()


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    timeout: float
    claim_ttl: float
    max_attempts: int
    max_chars: int

    @classmethod
    def of(cls, settings: Settings) -> WorkerConfig:
        return cls(settings.analysis_timeout, settings.analysis_claim_ttl, settings.analysis_max_attempts,
                   settings.max_article_chars)


def worker_name() -> str:
    """How this worker signs its claims: host and process id (unique while it lives)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    """The claim / analyse / file loop of one worker process."""

    def __init__(self, storage: Storage, child: AnalysisChild, config: WorkerConfig, name: str) -> None:
        self.storage = storage
        self.child = child
        self.config = config
        self.name = name

    async def run(self) -> None:
        while True:
            try:
                job = await self.storage.jobs.claim(self.name, ttl=self.config.claim_ttl,
                                                    max_attempts=self.config.max_attempts)
            except asyncio.CancelledError:
                raise
            except DatabaseUnavailable as exc:  # the server is gone for now: one line, and try again
                log.warning("cannot claim a job: %s; retrying in %.0f s", exc, ERROR_PAUSE)
                await asyncio.sleep(ERROR_PAUSE)
                continue
            except Exception:
                log.exception("claiming a job failed; retrying in %.0f s", ERROR_PAUSE)
                await asyncio.sleep(ERROR_PAUSE)
                continue
            if job is None:
                await asyncio.sleep(IDLE_POLL)
                continue
            try:
                await self.process(job)
            except asyncio.CancelledError:
                raise
            except DatabaseUnavailable as exc:  # its claim runs out and the job is retried
                log.warning("the outcome of article %s could not be recorded: %s", job.article_id, exc)
                await asyncio.sleep(ERROR_PAUSE)
            except Exception:
                # The claim runs out and the job is retried (by us or another worker).
                log.exception("job of article %s failed in the worker", job.article_id)
                await asyncio.sleep(ERROR_PAUSE)

    async def process(self, job: ClaimedJob) -> None:
        """Analyse one claimed job and file its outcome."""
        renewing = asyncio.get_running_loop().create_task(self._renew(job))
        try:
            outcome = await self.child.analyze(job.text, job.origin, self.config.timeout)
        except asyncio.CancelledError:
            # Stopping: the job goes back without costing an attempt.
            with contextlib.suppress(Exception):
                await asyncio.shield(self.storage.jobs.release(job.article_id, self.name, None, count_attempt=False))
            raise
        finally:
            renewing.cancel()
        article_id = job.article_id
        if outcome == "timeout":
            error = f"analysis timed out after {self.config.timeout:g} s"
            log.warning("article %s: %s; the analysis process was replaced", article_id, error)
            await self.storage.jobs.fail(article_id, self.name, error)
        elif outcome == "died":
            log.warning("article %s: the analysis process died; the job goes back to the queue", article_id)
            await self.storage.jobs.release(article_id, self.name, "the analysis process died", count_attempt=True)
        elif isinstance(outcome, Rejection):
            log.info("article %s not analysed: %s", article_id, outcome.error)
            await self.storage.jobs.fail(article_id, self.name, outcome.error)
        else:
            assert isinstance(outcome, ArticleAnalysis)
            filed = await self.storage.finish_job(article_id, self.name, outcome)
            if filed is None:
                log.info("article %s was already filed; this result is dropped", article_id)
            else:
                log.info("filed article %s (attempt %s, %s alert(s))", article_id, job.attempts, len(filed))

    async def _renew(self, job: ClaimedJob) -> None:
        every = self.config.claim_ttl / 3
        while True:
            await asyncio.sleep(every)
            try:
                if not await self.storage.jobs.renew(job.article_id, self.name, ttl=self.config.claim_ttl):
                    log.warning("article %s: the claim was taken over; a late result will be dropped",
                                job.article_id)
                    return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("renewing the claim on article %s failed: %s", job.article_id, exc)


async def run_worker(settings: Settings, *, name: str | None = None) -> None:
    """Open the database, start the analysis child, and work until cancelled (SIGTERM, Ctrl-C)."""
    worker_id = name or worker_name()
    config = WorkerConfig.of(settings)
    async with Storage.open(settings.database_url, rules=FILING_RULES,
                            connect_attempts=settings.database_connect_attempts) as storage:
        child = AnalysisChild(config.max_chars)
        await asyncio.to_thread(child.start)
        try:
            # The first answer proves the models are loaded: "ready" means ready to analyse.
            await child.analyze("", None, max(60.0, config.timeout))
            log.info("worker %s ready (analysis process %s)", worker_id, child.pid)
            await Worker(storage, child, config, worker_id).run()
        finally:
            # Killed, not asked: an article in hand went back to the queue, nothing is lost by not
            # waiting for it, and a hung one would never answer.
            await asyncio.to_thread(child.stop, kill=True)
            log.info("worker %s stopped", worker_id)


def main(settings: Settings) -> int:
    """`python -m bot worker`: run until SIGTERM / SIGINT; 0 on a clean stop."""

    async def guarded() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await run_worker(settings)

    asyncio.run(guarded())
    return 0
