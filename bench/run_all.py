"""Run every benchmark and print a Markdown summary table (paste it into README).

    .venv/bin/python bench/run_all.py [--skip-slow] [--skip NAME ...]

Each benchmark runs as its own process (so their memory and models do not mix); its full output
is echoed, and the lines with the headline figures are collected into the table. --skip-slow
skips queries_at_scale (generating 100,000 articles takes minutes the first time; the database
is cached in bench/out/ afterwards) and import_parallel (three imports of 200 articles x 2 rounds).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Bench:
    name: str
    args: tuple[str, ...]
    target: str
    patterns: tuple[str, ...]  # regexes of the output lines to quote in the table
    slow: bool = False

    @property
    def command(self) -> str:
        return " ".join([".venv/bin/python", f"bench/{self.name}.py", *self.args])


BENCHES = [
    Bench("analysis_speed", (), "analyze / raw natasha <= 1.3x", (r"^ratio .*", r"^analyze\(\) .*")),
    Bench("import_parallel", (), "2 workers >= 1.7x 1 worker; PSS <= 1.5x single process",
          (r"^throughput 2 workers.*", r"^peak PSS 2 workers.*", r"^\s+per article:.*"), slow=True),
    Bench("queue_throughput", (), "2 workers >= 1.7x 1 worker through the job queue",
          (r"^round \d+: .*", r"^ratio: .*"), slow=True),
    Bench("queries_at_scale", (), "p95 < 50 ms each; no full-table SCAN",
          (r"^library: .*", r"^(who|tags|search|stats)\s+[\d.]+\s+[\d.]+\s+\w+$", r"^full-table scans:.*"),
          slow=True),
    Bench("queries_pg_vs_sqlite", (), "PostgreSQL p95 < 50 ms each, beside SQLite on the same library",
          (r"^all \d+ tables match.*", r"^(who|tags|search|stats)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+x.*",
           r"^sequential scans:.*"), slow=True),
    Bench("responsiveness", (), "/who p95 < 200 ms during an import", (r"^/who during import.*", r"^import of .*")),
    Bench("startup", (), "time to first getUpdates; memory after start-up",
          (r"^start-up with .*", r"^memory after start-up.*")),
    Bench("webhook_ingress", (), "webhook: updates/s accepted; POST -> inbox p50/p95",
          (r"^\s+\d+ connection\(s\): .*", r"^\s+\d+ connections / 1: .*")),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-slow", action="store_true", help="skip import_parallel and queries_at_scale")
    parser.add_argument("--skip", nargs="*", default=[], metavar="NAME", help="benchmarks to skip by name")
    args = parser.parse_args()
    rows: list[tuple[Bench, str, str]] = []
    for bench in BENCHES:
        if bench.name in args.skip or (bench.slow and args.skip_slow):
            rows.append((bench, "skipped", ""))
            continue
        print(f"\n===== {bench.command}", flush=True)
        proc = subprocess.run([sys.executable, str(HERE / f"{bench.name}.py"), *bench.args],
                              capture_output=True, text=True, cwd=HERE.parent)
        print(proc.stdout, end="")
        if proc.returncode != 0:
            print(proc.stderr[-3000:], end="", file=sys.stderr)
        found = [line.strip() for line in proc.stdout.splitlines()
                 if any(re.match(p, line) for p in bench.patterns)]
        verdict = "ok" if "RESULT ok" in proc.stdout else ("failed" if proc.returncode else "see figures")
        if "RESULT target missed" in proc.stdout:
            verdict = "target missed"
        rows.append((bench, "<br>".join(found) or f"exit {proc.returncode}", verdict))

    print("\n| benchmark | target | measured | verdict | command |")
    print("|---|---|---|---|---|")
    for bench, figures, verdict in rows:
        cell = figures.replace("|", "\\|")
        print(f"| {bench.name} | {bench.target} | {cell} | {verdict} | `{bench.command}` |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
