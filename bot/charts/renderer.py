"""Runs the drawing off the event loop, in a process of its own.

Drawing a network or a timeline is 0.2-0.5 s of CPU in matplotlib, most of it holding the GIL: in
a thread of the bot it would stall every other update for that long. So pictures are drawn in one
separate process, spawned (a fresh interpreter: forking a process that runs an event loop and
threads is fragile, and the analysis forkserver's preload list belongs to the analyzer) on the
first picture, not at start-up, so a bot nobody asks for pictures never pays for it. The worker
is replaced after `MAX_TASKS` pictures, which caps any slow growth of matplotlib's caches.

``workers=0`` draws in a thread instead (one-shot command-line use, where a process start would
only add a second).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.charts.data import GraphData, TrendData

log = logging.getLogger(__name__)

MAX_TASKS = 500
#: A picture that takes longer than this is abandoned (a fresh worker takes the next one): a
#: pathological case must not hold the next user's picture hostage. Every step is bounded, so
#: this is a guard, not a limit anyone reaches.
TIMEOUT = 60.0


class RenderError(Exception):
    """The picture could not be drawn (the worker died or timed out)."""


def draw(data: GraphData | TrendData, scale: float) -> bytes:
    """The render process's entry point (module level, so it pickles by name)."""
    from bot.charts.render import render_graph, render_trend

    if isinstance(data, GraphData):
        return render_graph(data, scale)
    return render_trend(data, scale)


def _warm_up() -> bool:
    import bot.charts.render  # noqa: F401  (matplotlib's import and font cache: once per process)

    return True


class Renderer:
    def __init__(self, workers: int = 1, *, timeout: float = TIMEOUT) -> None:
        self.workers = workers
        self.timeout = timeout
        self._executor: Executor | None = None

    def _pool(self) -> Executor:
        if self._executor is None:
            if self.workers == 0:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
            else:
                context = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                                     max_tasks_per_child=MAX_TASKS)
        return self._executor

    async def warm_up(self) -> None:
        """Start the worker and import matplotlib there (benchmarks measure drawing, not start-up)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._pool(), _warm_up)

    async def draw(self, data: GraphData | TrendData, scale: float = 1.0) -> bytes:
        loop = asyncio.get_running_loop()
        pool = self._pool()
        try:
            return await asyncio.wait_for(loop.run_in_executor(pool, draw, data, scale), self.timeout)
        except (BrokenProcessPool, TimeoutError) as exc:
            log.error("chart worker failed (%s); starting a fresh one", type(exc).__name__)
            self._reset(pool)
            raise RenderError(type(exc).__name__) from exc

    def _reset(self, pool: Executor) -> None:
        if self._executor is pool:
            self._executor = None
        # A timed-out drawing finishes in the old worker, which then exits; nothing waits for it.
        pool.shutdown(wait=False, cancel_futures=True)

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
