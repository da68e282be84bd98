"""Backup and export: getting the team's library out, safely, while the bot runs."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from storage.repository import Storage
from storage.urls import is_pg_url, shown_url

CSV_FIELDS = ("id", "title", "source", "via", "url", "added_at", "status", "actors", "claims", "tags", "text",
              "actions")


async def backup(settings: Settings, path: Path) -> int:
    """A consistent snapshot even while the bot writes: SQLite's online backup, or on PostgreSQL
    ``pg_dump`` in its custom format (storage/pgdump.py). Returns the exit code."""
    url = settings.database_url
    if is_pg_url(url):
        from storage.pgdump import PgDumpError, pg_dump

        try:
            await pg_dump(url, path, shown_url=shown_url(url))
        except PgDumpError as exc:
            print(f"backup: {exc}", file=sys.stderr)
            return 1
        print(f"backup written to {path} (pg_dump custom format; restore with pg_restore)")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    async with Storage.open(url) as storage:
        await storage.backup(path)
    print(f"backup written to {path}")
    return 0


def flat_row(item: dict[str, Any]) -> dict[str, Any]:
    """One article of the export as a CSV row (lists joined into readable strings)."""
    row = {key: item.get(key) for key in CSV_FIELDS}
    row["actors"] = "; ".join(a.get("name", "") + (f" ({a['role']})" if a.get("role") else "")
                              for a in item.get("actors", []))
    row["claims"] = " | ".join(
        f"{c.get('speaker') or '?'}: {'(denies) ' if c.get('negated') else ''}{c.get('text', '')}"
        for c in item.get("claims", [])
    )
    row["actions"] = " | ".join(
        f"{a.get('name', '')}: {act}" for a in item.get("actors", []) for act in a.get("actions", ())
    )
    row["tags"] = ", ".join(t.get("name", "") for t in item.get("tags", []))
    return row


async def export(settings: Settings, target: str, fmt: str) -> None:
    out: TextIO
    out = sys.stdout if target == "-" else open(target, "w", encoding="utf-8", newline="")  # noqa: SIM115, ASYNC230
    count = 0
    try:
        async with Storage.open(settings.database_url) as storage:
            if fmt == "csv":
                writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
                writer.writeheader()
                async for item in storage.export_articles():
                    writer.writerow(flat_row(item))
                    count += 1
            else:
                out.write("[\n")
                async for item in storage.export_articles():
                    out.write((",\n" if count else "") + json.dumps(item, ensure_ascii=False))
                    count += 1
                out.write("\n]\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if target != "-":
        print(f"exported {count} article(s) to {target}")
