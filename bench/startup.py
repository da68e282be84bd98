"""Start-up: time from launching `python -m bot` to its first getUpdates, and memory after start-up.

Starts the fake Telegram (tests/fakes/bot_api.FakeBotAPI) in this process, launches the real bot
as a subprocess against it with a fresh database, and records when the fake sees the first
getUpdates call. Then, once start-up is over (the analysis workers are warm), the RSS and PSS of
the bot's whole process tree (bot, forkserver, workers, resource tracker).

    .venv/bin/python bench/startup.py [--workers N] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, mb, tree_memory

sys.path.insert(0, str(ROOT / "tests"))

from fakes.bot_api import FakeBotAPI


async def one_run(workers: int, tmp: Path) -> tuple[float, float, int, int, int]:
    async with FakeBotAPI() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "TELEGRAM_API_FILE_URL": api.file_url,
            "DATABASE_URL": f"sqlite:///{tmp / f'startup-{time.monotonic_ns()}.db'}",
            "ANALYSIS_WORKERS": str(workers),
            "ALLOWED_USER_IDS": "1001",
            "LOG_LEVEL": "WARNING",
        }
        start = time.perf_counter()
        start_mono = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "bot"], env=env, cwd=tmp,  # noqa: ASYNC220
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            calls = await api.wait_for_call("getUpdates", timeout=120)
            first_poll = calls[0].at - start_mono
            # Start-up is over when the process tree stops growing (workers forked and warm).
            last = -1
            stable_since = time.perf_counter()
            while time.perf_counter() - stable_since < 1.5 and time.perf_counter() - start < 120:
                pss, rss, n = tree_memory(proc.pid)
                if n != last:
                    last, stable_since = n, time.perf_counter()
                await asyncio.sleep(0.25)
            settled = time.perf_counter() - start
            pss, rss, n = tree_memory(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        return first_poll, settled, pss, rss, n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None, help="ANALYSIS_WORKERS (default: the bot's default)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workers = args.workers if args.workers is not None else max(1, (os.cpu_count() or 2) - 1)
    results = []
    with tempfile.TemporaryDirectory(prefix="dossier-startup-") as tmp:
        for i in range(args.runs):
            r = asyncio.run(one_run(workers, Path(tmp)))
            results.append(r)
            print(f"  run {i + 1}: first getUpdates after {r[0]:.2f} s; tree settled after {r[1]:.1f} s: "
                  f"PSS {mb(r[2])}, RSS {mb(r[3])} over {r[4]} processes")
    first = [r[0] for r in results]
    print(f"start-up with ANALYSIS_WORKERS={workers}: first getUpdates median {statistics.median(first):.2f} s "
          f"(min {min(first):.2f}, max {max(first):.2f})")
    print(f"memory after start-up: PSS {mb(statistics.median(r[2] for r in results))}, "
          f"RSS {mb(statistics.median(r[3] for r in results))} (process tree, median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
