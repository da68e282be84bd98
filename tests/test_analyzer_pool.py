"""The analysis pool: real worker processes, models loaded there, recovery when a worker dies."""

from __future__ import annotations

import os
import signal

from analysis.model import ArticleAnalysis, Rejection
from bot.analyzer import Analyzer

from harness import fixture_text


async def test_worker_process_analyses_and_survives_a_killed_worker() -> None:
    async with Analyzer(1) as analyzer:
        await analyzer.ready()
        pids = analyzer.worker_pids()
        assert pids and os.getpid() not in pids
        result = await analyzer.analyze(fixture_text("forward_diplomacy.txt"))
        assert isinstance(result, ArticleAnalysis)
        assert any(a.name == "Рекс Тиллерсон" for a in result.actors)

        os.kill(pids[0], signal.SIGKILL)
        failed = await analyzer.analyze(fixture_text("forward_sanctions.txt"))
        assert isinstance(failed, Rejection) and "died" in failed.error
        again = await analyzer.analyze(fixture_text("forward_sanctions.txt"))
        assert isinstance(again, ArticleAnalysis)
        assert any(a.name == "Анналена Бербок" for a in again.actors)


async def test_empty_text_is_a_rejection_not_an_exception() -> None:
    async with Analyzer(0) as analyzer:
        result = await analyzer.analyze("   \n\t ")
        assert isinstance(result, Rejection)
