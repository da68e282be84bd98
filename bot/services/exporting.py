"""`/export [json|csv] [PERIOD]`: the library (or the articles of a period) as one file.

The articles are read in batches by storage; turning them into JSON or CSV, and zipping a large
export, runs in a worker thread, so the bot keeps answering while a big library is written.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from typing import Any, Literal

from bot.maintenance import CSV_FIELDS, flat_row
from storage.query import parse_period
from storage.records import Period
from storage.repository import Storage

ExportFormat = Literal["json", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("json", "csv")
#: Exports larger than this are zipped (text compresses about five to one).
ZIP_OVER_BYTES = 2_000_000
#: Telegram accepts documents from bots up to 50 MB; above this the reply points to the CLI.
MAX_DOCUMENT_BYTES = 49_000_000


@dataclass(frozen=True, slots=True)
class ExportRequest:
    format: ExportFormat
    period: Period
    #: Words that are neither a format nor a period (reported back as a usage error).
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str
    data: bytes
    articles: int
    zipped: bool

    @property
    def too_big(self) -> bool:
        return len(self.data) > MAX_DOCUMENT_BYTES


def parse_export(args: str, now: int) -> ExportRequest:
    """`json`/`csv` (default json) and a period (`30d`, `since:2017-09-01 until:2017-09-30`)."""
    words = args.split()
    fmt: ExportFormat = "json"
    rest = []
    for word in words:
        if word.lower() in FORMATS:
            fmt = "csv" if word.lower() == "csv" else "json"
        else:
            rest.append(word)
    period, left = parse_period(rest, now)
    return ExportRequest(fmt, period, tuple(left))


def _article_date(item: dict[str, Any]) -> int | None:
    date = item.get("origin_date")
    return int(date) if date is not None else item.get("added_at")


#: Articles handed to the writer thread at a time (the library never sits in memory whole).
CHUNK = 200


class _Writer:
    """Writes JSON or CSV into a temporary file, chunk by chunk, from a worker thread."""

    def __init__(self, fmt: ExportFormat) -> None:
        self.fmt = fmt
        self.file = tempfile.TemporaryFile("w+b")  # noqa: SIM115 (closed in finish)
        self.text = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
        self.count = 0
        self.csv = csv.DictWriter(self.text, fieldnames=CSV_FIELDS) if fmt == "csv" else None
        if self.csv is not None:
            self.csv.writeheader()
        else:
            self.text.write("[\n")

    def write(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            if self.csv is not None:
                self.csv.writerow(flat_row(item))
            else:
                self.text.write((",\n" if self.count else "") + json.dumps(item, ensure_ascii=False))
            self.count += 1

    def finish(self, name: str) -> tuple[str, bytes, bool]:
        if self.csv is None:
            self.text.write("\n]\n")
        self.text.flush()
        size = self.file.tell()
        self.file.seek(0)
        try:
            if size <= ZIP_OVER_BYTES:
                return name, self.file.read(), False
            packed = io.BytesIO()
            with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
                    archive.open(name, "w", force_zip64=True) as member:
                shutil.copyfileobj(self.file, member)
            return name + ".zip", packed.getvalue(), True
        finally:
            self.text.close()


class Exporter:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def export(self, request: ExportRequest) -> ExportFile:
        """Read the library in storage's batches, write it in a worker thread, zip it if large."""
        writer = await asyncio.to_thread(_Writer, request.format)
        chunk: list[dict[str, Any]] = []
        async for item in self.storage.export_articles():
            if request.period.open or request.period.contains(_article_date(item)):
                chunk.append(item)
            if len(chunk) >= CHUNK:
                await asyncio.to_thread(writer.write, chunk)
                chunk = []
        if chunk:
            await asyncio.to_thread(writer.write, chunk)
        name = f"dossier-{time.strftime('%Y%m%d-%H%M', time.gmtime())}.{request.format}"
        final, data, zipped = await asyncio.to_thread(writer.finish, name)
        return ExportFile(final, data, writer.count, zipped)
