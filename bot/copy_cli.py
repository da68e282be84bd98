"""`python -m bot copy SOURCE_URL TARGET_URL`: move a whole library between databases.

SQLite to PostgreSQL and back, or SQLite to SQLite. Both databases are migrated to this Dossier's
schema first (the source as the bot itself would at start-up) and must then agree on the version.
Every table is copied with its ids (storage/copying.py says how counters, self-references and id
sequences are handled), then row counts and checksums of every table are compared and printed;
a mismatch exits 1. Interrupted (Ctrl-C, a kill, a lost connection), the same command continues
after the last committed batch. Stop the bot on the source first (or copy a backup): rows written
while the copy runs may be missed, which the final comparison would then report.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from bot.migrate_cli import EXIT_REFUSED
from storage.backends import open_backend
from storage.copying import (
    DERIVED_TABLES,
    CopyPlan,
    CopyRefused,
    TableCheck,
    checksums,
    copy_rows,
    finish,
    mark_verified,
    optimize,
    prepare,
    raw_database,
)
from storage.errors import DatabaseUnavailable, MigrationError, SchemaTooNewError
from storage.protocols import Backend
from storage.urls import shown_url
from storage.versions import stored_version

EXIT_MISMATCH = 1


def source_identity(url: str) -> str:
    """What the target records as "a copy of": a SQLite file by its absolute path (so a relative
    and an absolute URL of one file are one source), a server database by its URL without the
    password."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            return "sqlite:///" + str(Path(path).expanduser().resolve())
    return shown_url(url)


def checksum_table(checks: Sequence[TableCheck]) -> str:
    """The comparison as printed: one line per table, counts and checksums side by side."""
    width = max([len("table"), *(len(c.name) for c in checks)])
    lines = [f"{'table':<{width}}  {'source rows':>11}  {'target rows':>11}  {'source checksum':>16}  "
             f"{'target checksum':>16}"]
    for c in checks:
        lines.append(f"{c.name:<{width}}  {c.source_rows:>11,}  {c.target_rows:>11,}  {c.source_sum:016x}  "
                     f"{c.target_sum:016x}  {'ok' if c.ok else 'MISMATCH'}")
    return "\n".join(lines)


async def _open(url: str, role: str) -> Backend | None:
    try:
        return await open_backend(url)
    except (SchemaTooNewError, MigrationError, ValueError) as exc:
        print(f"copy: the {role} {shown_url(url)}: {exc}", file=sys.stderr)
    except DatabaseUnavailable as exc:
        print(f"copy: the {role}: {exc}", file=sys.stderr)
    return None


def _describe(plan: CopyPlan, source: str, target: str) -> str:
    total = sum(plan.source_rows.values())
    done = sum(min(plan.copied.get(t.name, 0), plan.source_rows[t.name]) for t in plan.tables)
    line = (f"copying {total:,} rows in {len(plan.tables)} tables (schema version {plan.version}) "
            f"from {source} to {target}")
    if plan.finished:
        return f"{target} already holds a verified copy of {source}: checking it again"
    if plan.resumed:
        line += f"; resuming, {done:,} rows were copied before"
    return line


async def run_copy(source_url: str, target_url: str, *, batch: int = 500) -> int:
    """The whole command; returns its exit code."""
    shown_source, shown_target = shown_url(source_url), shown_url(target_url)
    source_id = source_identity(source_url)
    if source_id == source_identity(target_url):
        print("copy: the source and the target are the same database", file=sys.stderr)
        return EXIT_REFUSED
    try:
        before = await stored_version(source_url)
    except (ValueError, DatabaseUnavailable) as exc:
        print(f"copy: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if before is None and source_url.startswith("sqlite:///"):
        print(f"copy: there is no database at {shown_source}", file=sys.stderr)
        return EXIT_REFUSED
    source_backend = await _open(source_url, "source")
    if source_backend is None:
        return EXIT_REFUSED
    target_backend = await _open(target_url, "target")
    if target_backend is None:
        await source_backend.close()
        return EXIT_REFUSED
    try:
        source, target = raw_database(source_backend), raw_database(target_backend)
        started = time.perf_counter()
        try:
            plan = await prepare(source, target, source_id)
        except CopyRefused as exc:
            print(f"copy: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        print(_describe(plan, shown_source, shown_target), flush=True)
        remaining = sum(max(0, plan.source_rows[t.name] - plan.copied.get(t.name, 0))
                        for t in plan.tables if t.name not in plan.done and t.name not in DERIVED_TABLES)
        with tqdm(total=remaining, unit="rows", file=sys.stderr, mininterval=0.5, dynamic_ncols=True) as bar:
            def advance(table: str, rows: int) -> None:
                bar.set_description(table, refresh=False)
                bar.update(rows)

            await copy_rows(source, target, plan, source_id, batch=batch, on_rows=advance)
        await finish(source, target, plan)
        if await optimize(target):
            print("VACUUM ANALYZE done: the planner has statistics for the new tables", flush=True)
        copied_at = time.perf_counter()
        checks = await checksums(source, target, plan)
        print(checksum_table(checks))
        bad = [c.name for c in checks if not c.ok]
        rows = sum(c.target_rows for c in checks)
        if bad:
            print(f"MISMATCH in {', '.join(bad)}: the target differs from the source "
                  "(was the source written to during the copy?)", file=sys.stderr)
            return EXIT_MISMATCH
        await mark_verified(target)
        if plan.target_only:
            print(f"left as migrated (the source has no such table): {', '.join(plan.target_only)}")
        print(f"all {len(checks)} tables match: {rows:,} rows; copied in {copied_at - started:.1f} s, "
              f"verified in {time.perf_counter() - copied_at:.1f} s")
        return 0
    finally:
        await target_backend.close()
        await source_backend.close()
