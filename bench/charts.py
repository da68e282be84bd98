"""Pictures at scale: /graph and /trend drawn from the 100,000-article library, and memory over 200.

Uses the library `bench/queries_at_scale.py` generates and caches (bench/out/library-N.db; it is
generated here the same way if missing). Every picture goes through the chart service exactly as
the handlers call it (`Charts.graph` / `Charts.trend`: parsing, matching, storage, the data, the
drawing in the render process), with the picture cache turned off so each one is really drawn.
Printed: p50/p95 per case and per command against the 1.5 s target; the event loop's longest
stall while pictures were drawn (the bot keeps answering meanwhile); RSS of the bot process and
of the render process before and after 200 consecutive pictures (target: growth under 20 MB);
EXPLAIN QUERY PLAN of the chart queries.

    .venv/bin/python bench/charts.py [--articles 100000] [--repeat 10] [--series 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path

import psutil
from _common import OUT, mb, pct, print_plans

TARGET_S = 1.5
RSS_TARGET = 20 * 2**20


def _date_library(path: Path) -> int:
    """An older cached library has no article dates: give each the filing time minus up to three
    days (as the generator now does), so timelines have something to draw. Returns rows changed."""
    con = sqlite3.connect(path)
    try:
        columns = {r[1] for r in con.execute("PRAGMA table_info(articles)")}
        if "published_at" not in columns:
            return 0  # migrated on open; dated on the next run
        # A library migrated by the first version of 007 lacks its covering index (same DDL).
        con.execute("CREATE INDEX IF NOT EXISTS articles_dates ON articles (id, published_at)")
        changed = con.execute(
            "UPDATE articles SET published_at = added_at - (id * 7919) % 259200 WHERE published_at IS NULL"
        ).rowcount
        con.commit()
        return changed
    finally:
        con.close()


async def _lag_monitor(stop: asyncio.Event, lags: list[float]) -> None:
    """How late a 10 ms timer fires: the event loop's stalls while pictures are drawn."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - start - 0.01)


def _rss(pid: int) -> int:
    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.NoSuchProcess:
        return 0


def _render_pids() -> list[int]:
    """The spawned render worker(s); multiprocessing's resource tracker is not one."""
    return [c.pid for c in psutil.Process(os.getpid()).children(recursive=True)
            if "spawn_main" in " ".join(c.cmdline())]


async def measure(path: Path, repeat: int, series: int) -> int:
    from bot.charts.renderer import Renderer
    from bot.services.charts import ChartOutcome, Charts
    from bot.services.matching import Matcher
    from storage.charts import CHART_QUERIES
    from storage.repository import Storage

    async with Storage.open(f"sqlite:///{path}") as storage:
        stats = await storage.stats()
        renderer = Renderer(1)
        charts0 = Charts(storage, Matcher(storage), renderer)
        dates = await charts0.queries.library_dates()
        assert dates.last is not None, "the library has no dated articles"
        last = date(1970, 1, 1) + timedelta(days=dates.last // 86400)
        # "Today" is the library's last day, so relative periods (30d) fall on its articles.
        charts = Charts(storage, Matcher(storage), renderer, today=lambda: last, cache_size=0)
        top = await storage.top_actors(limit=3)
        tags = await storage.top_tags(limit=4)
        rare = (await storage.top_actors(limit=1, offset=2000))[0]
        print(f"library: {stats.articles} articles, {stats.actors} actors, {stats.tags} tags; "
              f"dated {dates.dated}, last day {last}")
        await renderer.warm_up()
        a, b, c = (x.name for x in top)
        cases: list[tuple[str, str, Callable[[], Awaitable[ChartOutcome]]]] = [
            ("graph", f"top actor, all time ({a})", lambda: charts.graph(a, "ru")),
            ("graph", f"top actor, 90d ({b})", lambda: charts.graph(f"{b} 90d", "ru")),
            ("graph", f"rare actor ({rare.name})", lambda: charts.graph(rare.name, "ru")),
            ("graph", "library, all time (/graph)", lambda: charts.graph("", "en")),
            ("graph", "library, 30d (/graph 30d)", lambda: charts.graph("30d", "en")),
            ("trend", f"top tag, all time ({tags[0].name})", lambda: charts.trend(tags[0].name, "ru")),
            ("trend", f"top actor, 30d ({a})", lambda: charts.trend(f"{a} 30d", "ru")),
            ("trend", "four targets, a year", lambda: charts.trend(
                f"{tags[0].name}, {tags[1].name}, {a}, {c} 1y", "en")),
        ]
        for _kind, label, fn in cases:  # warm-up: SQLite's page cache, as in a running bot
            outcome = await fn()
            assert outcome.status == "ok", (label, outcome.status)
        timings: dict[int, list[float]] = {i: [] for i in range(len(cases))}
        stop = asyncio.Event()
        lags: list[float] = []
        monitor = asyncio.create_task(_lag_monitor(stop, lags))
        for _ in range(repeat):
            for i, (_, _, fn) in enumerate(cases):
                start = time.perf_counter()
                await fn()
                timings[i].append(time.perf_counter() - start)
        stop.set()
        await monitor
        print(f"\n{'command':7s} {'case':44s} {'p50 s':>7s} {'p95 s':>7s}")
        per_kind: dict[str, list[float]] = {}
        for i, (kind, label, _) in enumerate(cases):
            per_kind.setdefault(kind, []).extend(timings[i])
            print(f"{kind:7s} {label[:44]:44s} {pct(timings[i], 50):7.2f} {pct(timings[i], 95):7.2f}")
        ok = True
        print(f"\n{'command':8s} {'p50 s':>7s} {'p95 s':>7s}  target p95 < {TARGET_S} s")
        for kind, values in per_kind.items():
            p95 = pct(values, 95)
            ok &= p95 < TARGET_S
            print(f"{kind:8s} {pct(values, 50):7.2f} {p95:7.2f}  {'ok' if p95 < TARGET_S else 'SLOW'}")
        print(f"event loop while drawing: p95 stall {pct(lags, 95) * 1000:.1f} ms, "
              f"max {max(lags) * 1000:.1f} ms ({len(lags)} ticks)")

        # Memory over `series` consecutive pictures (after the warm-up above).
        workers = _render_pids()
        assert workers, "no render process found"
        bot_before = _rss(os.getpid())
        render_before = sum(_rss(p) for p in workers)
        for i in range(series):
            await cases[i % len(cases)][2]()
        bot_after = _rss(os.getpid())
        render_after = sum(_rss(p) for p in workers)
        assert _render_pids() == workers, "the render process was replaced during the series"
        grow_bot, grow_render = bot_after - bot_before, render_after - render_before
        print(f"\nRSS over {series} consecutive pictures: bot process {mb(bot_before)} -> {mb(bot_after)} "
              f"({grow_bot / 2**20:+.1f} MB), render process {mb(render_before)} -> {mb(render_after)} "
              f"({grow_render / 2**20:+.1f} MB); target growth < {mb(RSS_TARGET)} each")
        ok &= grow_bot < RSS_TARGET and grow_render < RSS_TARGET

        print("\nEXPLAIN QUERY PLAN of the chart queries:")
        scans = await print_plans(storage.charts.explain, CHART_QUERIES, _full_scan)
        print("\nfull-table scans:", "none" if not scans else "; ".join(scans))
        ok &= not scans
        await charts.close()
        print("RESULT", "ok" if ok else "target missed")
    return 0 if ok else 1


def _full_scan(line: str) -> str | None:
    """A SQLite plan line that reads a whole stored table (not a json_each, CTE or constant row)."""
    scans = line.startswith("SCAN ") and " USING " not in line and not line.startswith(
        ("SCAN json_each", "SCAN w", "SCAN u", "SCAN CONSTANT", "SCAN (subquery"))
    return line if scans else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--series", type=int, default=200)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"library-{args.articles}.db"
    if not path.exists():
        from queries_at_scale import generate

        print(f"generating {args.articles} articles (cached in {path}) ...", flush=True)
        asyncio.run(generate(path, args.articles))
    changed = _date_library(path)
    if changed:
        print(f"dated {changed} articles of an older cached library (filing time minus up to 3 days)")
    return asyncio.run(measure(path, args.repeat, args.series))


if __name__ == "__main__":
    raise SystemExit(main())
