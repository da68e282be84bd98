"""/who, /tags, /search, /stats on PostgreSQL and on SQLite, side by side, on the same library.

One generated 100,000-article library (bench/queries_at_scale.py builds it through storage, cached
in bench/out/) is copied into PostgreSQL with `python -m bot copy` (which also exercises the copy:
its time and checksum table are printed; a verified earlier copy is reused), then the same service
calls the bot makes (bot.services.library.Library, the cases of queries_at_scale.py) run against
both databases, interleaved in one run (every repeat shuffles all backend x case pairs), and p50 /
p95 per backend and the PostgreSQL / SQLite ratio are printed, with the 50 ms target checked on
PostgreSQL. Finally the plans of the hot queries on PostgreSQL (EXPLAIN), flagging sequential
scans of stored tables.

    .venv/bin/python bench/queries_pg_vs_sqlite.py [--articles 100000] [--repeat 30]
        [--pg-url postgresql://postgres@127.0.0.1:5432/dossier_bench] [--recopy]

The PostgreSQL database is created if missing (the server from TEST_POSTGRES_URL's host, or the
--pg-url's). Generating the library takes ~7 min on the 2-core machine, the copy ~5 min.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import OUT, ROOT, pct, print_plans
from queries_at_scale import TARGET_MS, Case, generate, query_cases

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/dossier_bench"


def ensure_database(url: str, *, recreate: bool) -> None:
    """Create the benchmark's database on the server (dropped first with --recopy)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    info = conninfo_to_dict(url)
    name = str(info["dbname"])
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and recreate:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def verified_copy(url: str) -> bool:
    """The PostgreSQL database already holds a copy `python -m bot copy` verified."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('copy_progress')").fetchone() == (None,):
            return False
        row = conn.execute("SELECT done FROM copy_progress WHERE table_name = ''").fetchone()
        return bool(row and row[0])


def copy_into(path: Path, url: str) -> None:
    """`python -m bot copy` as an operator runs it; its output (checksum table, times) shown."""
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    done = subprocess.run([sys.executable, "-m", "bot", "copy", "--batch", "1000", f"sqlite:///{path}", url],
                          cwd=ROOT, env=env, check=False, stdout=subprocess.PIPE, text=True)
    print(done.stdout, end="")
    print(f"python -m bot copy: exit {done.returncode}, {time.perf_counter() - start:.0f} s wall")
    if done.returncode != 0:
        raise SystemExit("the copy failed; see above")


async def measure(path: Path, url: str, repeat: int) -> int:
    from bot.services.library import Library
    from storage.repository import HOT_QUERIES, Storage

    rnd = random.Random(1)
    async with Storage.open(f"sqlite:///{path}") as lite, Storage.open(url) as pg:
        backends: dict[str, tuple[Any, list[Case]]] = {}
        for name, storage in (("sqlite", lite), ("postgresql", pg)):
            library = Library(storage)
            stats = await library.stats()
            print(f"{name}: {stats.articles} articles, {stats.actors} actors, {stats.claims} claims, {stats.tags} tags")
            backends[name] = (storage, await query_cases(library, storage))
        labels = [(kind, label) for kind, label, _ in backends["sqlite"][1]]
        assert labels == [(k, lab) for k, lab, _ in backends["postgresql"][1]], "the two libraries differ"
        # Warm-up, as in a running bot: alias index for fuzzy matching, page caches, prepared plans.
        for _, cases in backends.values():
            for _, _, fn in cases:
                await fn()
        pairs = [(name, i) for name in backends for i in range(len(labels))]
        timings: dict[tuple[str, int], list[float]] = {p: [] for p in pairs}
        for _ in range(repeat):
            rnd.shuffle(pairs)
            for name, i in pairs:
                call = backends[name][1][i][2]
                start = time.perf_counter()
                await call()
                timings[(name, i)].append((time.perf_counter() - start) * 1000)

        print(f"\n{'query':6s} {'case':36s} {'sqlite p50':>10s} {'p95':>7s} {'pg p50':>8s} {'p95':>7s} "
              f"{'pg/sqlite p95':>13s}")
        per_kind: dict[tuple[str, str], list[float]] = {}
        for i, (kind, label) in enumerate(labels):
            s, p = timings[("sqlite", i)], timings[("postgresql", i)]
            per_kind.setdefault(("sqlite", kind), []).extend(s)
            per_kind.setdefault(("postgresql", kind), []).extend(p)
            print(f"{kind:6s} {label[:36]:36s} {pct(s, 50):10.1f} {pct(s, 95):7.1f} {pct(p, 50):8.1f} "
                  f"{pct(p, 95):7.1f} {pct(p, 95) / max(pct(s, 95), 0.01):12.2f}x")
        print(f"\n{'kind':8s} {'sqlite p50':>10s} {'p95':>7s} {'pg p50':>8s} {'p95':>7s} {'ratio p95':>9s}"
              f"  target: PostgreSQL p95 < {TARGET_MS:.0f} ms")
        ok = True
        for kind in dict.fromkeys(k for k, _ in labels):
            s, p = per_kind[("sqlite", kind)], per_kind[("postgresql", kind)]
            hit = pct(p, 95) < TARGET_MS
            ok &= hit
            print(f"{kind:8s} {pct(s, 50):10.1f} {pct(s, 95):7.1f} {pct(p, 50):8.1f} {pct(p, 95):7.1f} "
                  f"{pct(p, 95) / max(pct(s, 95), 0.01):8.2f}x  {'ok' if hit else 'SLOW'}")

        print("\nEXPLAIN of the hot queries on PostgreSQL:")
        scans = await print_plans(pg.explain, HOT_QUERIES, _seq_scan)
        print("\nsequential scans:", "none" if not scans else "; ".join(scans))
        print("RESULT", "ok" if ok else "target missed")
    return 0 if ok else 1


def _seq_scan(line: str) -> str | None:
    """The table a PostgreSQL plan line reads sequentially, if it does."""
    m = re.search(r"Seq Scan on (\w+)", line)
    return m.group(1) if m else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--recopy", action="store_true", help="drop the PostgreSQL database and copy again")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"library-{args.articles}.db"
    if not path.exists():
        print(f"generating {args.articles} articles (cached in {path}) ...", flush=True)
        asyncio.run(generate(path, args.articles))
    ensure_database(args.pg_url, recreate=args.recopy)
    if verified_copy(args.pg_url):
        print(f"using the verified copy already in {args.pg_url} (--recopy to copy again)")
    else:
        copy_into(path, args.pg_url)
    return asyncio.run(measure(path, args.pg_url, args.repeat))


if __name__ == "__main__":
    raise SystemExit(main())
