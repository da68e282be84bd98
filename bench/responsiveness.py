"""Responsiveness: /who answered through the fake Telegram while an import runs in the same process.

Starts the real application (handlers, services, storage, analysis pool with ANALYSIS_WORKERS
processes) against tests/fakes/bot_api.FakeBotAPI exactly like tests/harness.py does, starts an
import of 200 articles inside that bot process (bot.importer.Importer on the bot's own storage and
analyzer), and meanwhile sends `/who NAME` every ~0.5 s as a user. Latency = from injecting the
update into the fake to the fake recording the bot's sendMessage reply. Target: p95 < 200 ms.

    .venv/bin/python bench/responsiveness.py [--workers 1] [--articles 200] [--interval 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, corpus_texts, pct

sys.path.insert(0, str(ROOT / "tests"))

from fakes.bot_api import FakeBotAPI
from harness import OWNER, make_settings, run_bot

TARGET_MS = 200.0
QUERIES = ["/who Лавров", "/who Lavrov", "/who Тиллерсон", "/who Трамп", "/who", "/who Tilerson"]


async def run(workers: int, articles: int, interval: float, tmp: Path) -> int:
    from bot.importer import Importer, read_source

    data = tmp / "articles.jsonl"
    data.write_text("".join(json.dumps({"text": t, "source": "bench"}, ensure_ascii=False) + "\n"
                            for t in corpus_texts(articles)), encoding="utf-8")
    source = read_source(data)
    async with FakeBotAPI() as api:
        api.register_user(OWNER, first_name="Ольга", language_code="ru")
        settings = make_settings(api, tmp / "bot.db", ANALYSIS_WORKERS=workers, USER_RATE_LIMIT=100_000)
        async with run_bot(api, settings, None) as bot:
            services = bot.services
            # Idle baseline first: the same queries with nothing else running.
            idle = [await _ask(api, QUERIES[i % len(QUERIES)]) for i in range(10)]
            importer = Importer(services.storage, services.analyzer)
            t0 = time.perf_counter()
            task = asyncio.create_task(importer.run(source))
            busy: list[float] = []
            i = 0
            while not task.done():
                started = time.perf_counter()
                busy.append(await _ask(api, QUERIES[i % len(QUERIES)]))
                i += 1
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))
            report = await task
            elapsed = time.perf_counter() - t0
    print(f"import of {report.created} articles with ANALYSIS_WORKERS={workers} in the bot process: "
          f"{elapsed:.1f} s ({report.created / elapsed:.1f} articles/s)")
    print(f"/who while idle   : n={len(idle):3d} p50 {pct(idle, 50):6.1f} ms  p95 {pct(idle, 95):6.1f} ms")
    print(f"/who during import: n={len(busy):3d} p50 {pct(busy, 50):6.1f} ms  p95 {pct(busy, 95):6.1f} ms  "
          f"max {max(busy):6.1f} ms  mean {statistics.mean(busy):6.1f} ms")
    ok = pct(busy, 95) < TARGET_MS
    print(f"p95 target < {TARGET_MS:.0f} ms: {'ok' if ok else 'missed'}")
    print("RESULT", "ok" if ok else "target missed")
    return 0


async def _ask(api: FakeBotAPI, text: str) -> float:
    """Send one command; ms until the fake records the first reply sent to the user."""
    before = len(api.calls_of("sendMessage"))
    injected = time.monotonic()
    api.send_text(OWNER, text)
    calls = await api.wait_for_call("sendMessage", count=before + 1, timeout=30)
    return (calls[before].at - injected) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-resp-") as tmp:
        return asyncio.run(run(args.workers, args.articles, args.interval, Path(tmp)))


if __name__ == "__main__":
    raise SystemExit(main())
