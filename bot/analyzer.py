"""Runs article analysis off the event loop.

Analysis is CPU-bound (natasha's models), so it goes to worker processes; the event loop keeps
answering `/who` while a batch is analysed. Workers are forked from a forkserver that has the
models preloaded: forking the bot process itself (which runs an event loop and threads) is
fragile, and spawning fresh interpreters would load 300 MB of models per worker.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import ForkServerContext
from types import TracebackType

from analysis.model import DEFAULT_MAX_CHARS, AnalysisResult, Rejection
from analysis.worker import run_analysis, warm_up

log = logging.getLogger(__name__)


def analysis_context() -> ForkServerContext:
    """The multiprocessing context analysis processes are forked from: a forkserver that has the
    models loaded (`analysis.preload`), so a new or replacement worker starts in milliseconds
    with the model pages shared. Used by the pool below and by `python -m bot worker`."""
    # numpy's OpenBLAS starts one thread per core in every process. A worker already is a
    # core's worth of work, so n workers x n BLAS threads oversubscribe the CPU (measured:
    # 2 workers 0.65x the speed of 1 on 2 cores; with one BLAS thread each, 1.9x). The limit
    # must be in the environment the forkserver inherits, before it imports numpy; an
    # explicit setting by the operator wins.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["analysis.preload"])
    assert isinstance(context, ForkServerContext)
    return context


class Analyzer:
    """A pool of analysis workers with an explicit lifecycle (`async with Analyzer(n) as a`).

    ``workers=0`` analyses in a background thread of this process instead: no extra process,
    used by the console and the tests where start-up time matters more than parallelism.
    """

    def __init__(self, workers: int, *, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.workers = workers
        self.max_chars = max_chars
        self._executor: Executor | None = None
        self._warming: asyncio.Future[list[object]] | None = None
        #: Process ids the workers reported when they warmed up (empty in thread mode).
        self._pids: set[int] = set()

    async def __aenter__(self) -> Analyzer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        if self._executor is not None:
            return
        if self.workers == 0:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")
        else:
            context = analysis_context()
            # Workers ignore SIGINT: a Ctrl-C reaches the whole process group, and the bot, not each
            # worker, decides how to stop (it shuts the pool down cleanly, with no traceback).
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                                 initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))
        loop = asyncio.get_running_loop()
        # Load the models in every worker in the background: the bot starts answering commands at
        # once, and the first article waits for the models only if it arrives within a few seconds.
        executor = self._executor
        self._pids = set()
        self._warming = asyncio.gather(
            *(loop.run_in_executor(executor, warm_up) for _ in range(max(1, self.workers))),
            return_exceptions=True,
        )
        self._warming.add_done_callback(lambda done: self._warmed(done, executor))

    async def ready(self) -> None:
        """Wait until every worker has its models loaded (benchmarks and tests)."""
        if self._executor is None:
            await self.start()
        if self._warming is not None:
            await self._warming

    async def analyze(self, text: str, *, origin: str | None = None) -> AnalysisResult:
        if self._executor is None:
            await self.start()
        assert self._executor is not None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, run_analysis, text, origin, self.max_chars)
        except BrokenProcessPool:
            # A worker died (killed, out of memory). The pool is unusable now: start a fresh one so
            # the next article works, and report this one as failed (its text stays stored).
            log.error("an analysis worker died; restarting the pool")
            broken, self._executor = self._executor, None
            self._pids = set()
            if broken is not None:
                broken.shutdown(wait=False, cancel_futures=True)
            return Rejection("analysis worker died")
        except Exception as exc:  # never let analysis take the bot down
            log.exception("analysis failed in the pool")
            return Rejection(f"analysis failed: {type(exc).__name__}")

    def _warmed(self, done: asyncio.Future[list[object]], executor: Executor) -> None:
        if done.cancelled():
            return
        if isinstance(executor, ProcessPoolExecutor) and executor is self._executor:
            self._pids = {pid for pid in done.result() if isinstance(pid, int) and pid != os.getpid()}
        log.info("analysis ready with %s worker(s)", self.workers or "an in-process")

    def worker_pids(self) -> list[int]:
        """Process ids of the workers of the current pool, as they reported them when they loaded
        their models (empty in thread mode, or before `ready`); for tests and benchmarks."""
        return sorted(self._pids) if isinstance(self._executor, ProcessPoolExecutor) else []

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if self._warming is not None:
            self._warming.cancel()
            self._warming = None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
