"""Bulk import of a backlog: `python -m bot import PATH [--alert] [--workers N]`.

Three inputs are recognised:

* a Telegram Desktop export of a channel or chat (``result.json``, or the folder holding it):
  ``messages[]`` whose ``text`` is a string or a list of strings and entity objects
  (``{"type": "bold", "text": "..."}``) that are joined; service messages are skipped; a long post
  split over consecutive messages (consecutive ids, same author, a few seconds apart) or an album
  (same ``media_group_id``) is joined into one article like a multi-part forward;
* a folder of ``.txt`` / ``.md`` / ``.html`` files (HTML through the same extraction as a document
  sent to the bot), one article per file, in name order;
* JSON Lines of ``{"text", "date", "url", "source"}``.

Every record goes through `Ingest.file_record`, the same door as a forward: the same "is this an
article?" rule (a post the bot would refuse is skipped), the same dedup (by origin message and by
normalised text hash) and analysis; but alerts are only queued with ``alert=True``: a years-old
backlog must not flood subscribers. Multi-part posts are recognised by the bot's own rule
(`bot.services.parts`).

Resumable: records are numbered in input order, and after each one is fully stored (article and
analysis committed) the highest position below which *every* record is done is saved with
``Storage.set_import_position`` under a key naming the source (absolute path plus size and mtime).
A rerun skips up to that position; records after it that finished out of order are found again
by the text-hash dedup, and one left pending (stored, not yet analysed) is analysed then. So
Ctrl-C and run again continues and stores nothing twice.

Analysis runs on all workers: up to ``2 x workers`` records are in flight (store -> analyse ->
save), so each worker always has the next article queued while the bot process writes the last.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from tqdm import tqdm

from bot.analyzer import Analyzer
from bot.services.extract import TEXT_SUFFIXES, ExtractError, document_to_text
from bot.services.identity import FILING_RULES
from bot.services.ingest import Ingest
from bot.services.parts import MAX_PART_SECONDS, continues, join_parts
from storage.records import NewArticle
from storage.repository import Storage

log = logging.getLogger(__name__)

#: Telegram Desktop's chat types that are channels/supergroups: Bot API ids are -100<id>.
_CHANNEL_TYPES = {"public_channel", "private_channel", "public_supergroup", "private_supergroup"}

SourceKind = Literal["telegram", "folder", "jsonl"]
RecordStatus = Literal["created", "duplicate", "failed", "skipped"]


class ImportSourceError(Exception):
    """The input cannot be read at all (missing, not an export, not JSON)."""


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not be read; ``position`` is human-facing (message index, line, file)."""

    position: str
    reason: str


@dataclass(frozen=True, slots=True)
class Record:
    """One article to import, numbered 1.. in input order (the resume position)."""

    seq: int
    article: NewArticle
    label: str  # where it came from, for messages: "message 12", "line 3", "a.txt"
    parts: int = 1


@dataclass
class ImportSource:
    kind: SourceKind
    path: Path
    key: str
    records: list[Record]
    bad: list[BadRecord] = field(default_factory=list)


@dataclass
class ImportReport:
    source: ImportSource
    total: int = 0
    skipped_done: int = 0  # before the saved position (an earlier run finished them)
    created: int = 0
    duplicate: int = 0
    failed: int = 0
    skipped: int = 0  # too short to be an article
    resumed_pending: int = 0
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def bad(self) -> list[BadRecord]:
        return self.source.bad

    @property
    def imported(self) -> int:
        """Records now in the library because of this import (new or found already filed)."""
        return self.created + self.duplicate + self.skipped_done

    def summary(self) -> str:
        s = self.source
        lines = [
            f"{s.path} ({s.kind}): {self.total} record(s); {self.created} new, {self.duplicate} already in the "
            f"library, {self.failed} failed analysis, {self.skipped} too short, "
            f"{self.skipped_done} done by an earlier run; {self.seconds:.1f} s"
        ]
        if self.bad:
            first = self.bad[0]
            more = f" (and {len(self.bad) - 1} more)" if len(self.bad) > 1 else ""
            lines.append(f"malformed record at {first.position}: {first.reason}{more}; the rest was imported")
        if self.interrupted:
            lines.append("interrupted: run the same command again to continue where it stopped")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------


def _source_key(path: Path, digest: hashlib._Hash) -> str:
    """Absolute path + content hash: an edited or re-exported file is a new source (its records
    already filed are then found by dedup), a moved copy of the same file is a new source too."""
    return f"{path.resolve()}|sha256:{digest.hexdigest()[:32]}"


def _entities_text(raw: Any) -> str | None:
    """A Telegram export ``text``: a string, or a list of strings and {"type", "text"} objects."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        out: list[str] = []
        for item in raw:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                out.append(item["text"])
            else:
                return None
        return "".join(out)
    return None


def _unix(value: Any) -> int | None:
    """A date as unix seconds: int/float, a digit string, or ISO 8601 (naive is taken as UTC)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        v = value.strip()
        if v.isdigit():
            return int(v)
        try:
            dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            return None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return int(dt.timestamp())
    return None


def _export_chat_id(data: dict[str, Any]) -> int | None:
    raw = data.get("id")
    if not isinstance(raw, int) or isinstance(raw, bool):
        return None
    # Forwards from a channel carry the Bot API id -100<id>; use the same so an article forwarded
    # earlier and the same post imported now dedup on (origin_chat_id, origin_message_id).
    return -(10**12 + raw) if data.get("type") in _CHANNEL_TYPES else raw


@dataclass
class _Msg:
    index: int
    id: int
    date: int | None
    author: str | None
    text: str
    media_group: str | None


def read_telegram_export(path: Path, *, now: int) -> ImportSource:
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportSourceError(f"{path}: not a readable Telegram export: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ImportSourceError(f"{path}: no messages[] list; is this a Telegram Desktop result.json of one chat?")
    chat_id = _export_chat_id(data)
    chat_title = data.get("name") if isinstance(data.get("name"), str) else None
    source = ImportSource("telegram", path, _source_key(path, hashlib.sha256(raw)), [])
    msgs: list[_Msg] = []
    for index, m in enumerate(data["messages"]):
        where = f"messages[{index}]"
        if not isinstance(m, dict):
            source.bad.append(BadRecord(where, f"not an object ({type(m).__name__})"))
            continue
        mid = m.get("id")
        if isinstance(mid, int) and not isinstance(mid, bool):
            where = f"messages[{index}] (id {mid})"
        if m.get("type", "message") == "service":
            continue
        if m.get("type", "message") != "message":
            continue  # unknown kinds of entries are not articles
        if not isinstance(mid, int) or isinstance(mid, bool):
            source.bad.append(BadRecord(where, "no integer id"))
            continue
        text = _entities_text(m.get("text", ""))
        if text is None:
            source.bad.append(BadRecord(where, "text is neither a string nor a list of strings/entities"))
            continue
        date = _unix(m.get("date_unixtime")) or _unix(m.get("date"))
        if m.get("date") is not None and date is None:
            source.bad.append(BadRecord(where, f"unreadable date {m.get('date')!r}"))
            continue
        author = m.get("from_id") or m.get("from")
        group = m.get("media_group_id")
        msgs.append(_Msg(index, mid, date, str(author) if author is not None else None, text,
                         str(group) if group is not None else None))

    groups: list[list[_Msg]] = []
    for msg in msgs:
        if groups and _continues(groups[-1], msg):
            groups[-1].append(msg)
        else:
            groups.append([msg])
    seq = 0
    for parts in groups:
        text = join_parts(p.text for p in parts)
        if not text:
            continue  # photos without captions, stickers...
        first = parts[0]
        seq += 1
        article = NewArticle(
            text=text,
            origin_kind="import",
            added_by=None,
            added_at=first.date or now,
            origin_chat_id=chat_id,
            origin_chat_title=chat_title,
            origin_message_id=first.id,
            origin_date=first.date,
        )
        label = f"message {first.id}" + (f"-{parts[-1].id}" if len(parts) > 1 else "")
        source.records.append(Record(seq, article, label, parts=len(parts)))
    return source


def _continues(group: list[_Msg], msg: _Msg) -> bool:
    """The bot's multi-part rule on an export: one album, or the next message id (an export is in
    order, so no gap) of the same author within MAX_PART_SECONDS."""
    prev = group[-1]
    if prev.media_group is not None and prev.media_group == msg.media_group:
        return True
    if prev.author != msg.author or prev.date is None or msg.date is None:
        return False
    return continues([m.id for m in group], msg.id, gap=1) and 0 <= msg.date - prev.date <= MAX_PART_SECONDS


def read_folder(path: Path, *, now: int) -> ImportSource:
    """Every .txt/.md/.html file of the folder (not recursive), in name order; or one such file."""
    if path.is_file():
        files = [path]
    else:
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    digest = hashlib.sha256()
    source = ImportSource("folder", path, "", [])
    seq = 0
    for f in files:
        try:
            data = f.read_bytes()
            digest.update(f"{f.name}\0{len(data)}\0".encode())
            digest.update(data)
            text = document_to_text(data, f.name)
        except ExtractError as exc:
            source.bad.append(BadRecord(f.name, f"not readable as an article ({exc.reason})"))
            continue
        except OSError as exc:
            source.bad.append(BadRecord(f.name, str(exc)))
            continue
        seq += 1
        mtime = int(f.stat().st_mtime)
        article = NewArticle(text=text, origin_kind="import", added_by=None, added_at=mtime or now,
                             origin_chat_title=None)
        source.records.append(Record(seq, article, f.name))
    source.key = _source_key(path, digest)
    return source


def read_jsonl(path: Path, *, now: int) -> ImportSource:
    try:
        raw = path.read_bytes()
        lines = raw.decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportSourceError(f"{path}: not readable as UTF-8 JSON Lines: {exc}") from exc
    source = ImportSource("jsonl", path, _source_key(path, hashlib.sha256(raw)), [])
    seq = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            source.bad.append(BadRecord(where, f"invalid JSON: {exc.msg} at column {exc.colno}"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            source.bad.append(BadRecord(where, 'not an object with a string "text"'))
            continue
        date = _unix(obj.get("date"))
        if obj.get("date") is not None and date is None:
            source.bad.append(BadRecord(where, f"unreadable date {obj.get('date')!r}"))
            continue
        url = obj.get("url") if isinstance(obj.get("url"), str) else None
        src = obj.get("source") if isinstance(obj.get("source"), str) else None
        seq += 1
        article = NewArticle(text=obj["text"], origin_kind="import", added_by=None, added_at=date or now,
                             origin_chat_title=src, origin_date=date, url=url)
        source.records.append(Record(seq, article, where))
    return source


def read_source(path: Path, *, now: int | None = None) -> ImportSource:
    """Recognise and read ``path``; raises ImportSourceError when it is none of the known inputs."""
    ts = int(time.time()) if now is None else now
    if not path.exists():
        raise ImportSourceError(f"{path}: no such file or folder")
    if path.is_dir():
        export = path / "result.json"
        if export.is_file():
            return read_telegram_export(export, now=ts)
        return read_folder(path, now=ts)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return read_jsonl(path, now=ts)
    if path.suffix.lower() == ".json":
        return read_telegram_export(path, now=ts)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return read_folder(path, now=ts)
    # Unknown suffix: sniff the first character.
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        head = fh.read(1)
    if head == "{":
        try:
            return read_telegram_export(path, now=ts)
        except ImportSourceError:
            return read_jsonl(path, now=ts)
    raise ImportSourceError(f"{path}: not a Telegram export, a folder of articles or JSON Lines")


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------


class Progress:
    """A tqdm progress bar on stderr: done/total, articles per second, ETA.

    On a terminal it redraws in place ten times a second; into a log file, every 5 s. The bar
    starts when the importer knows how many records are left (`start`), so the rate it shows is
    the average over this run.
    """

    def __init__(self, total: int, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self._bar: tqdm[Any] | None = None

    def start(self, total: int) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self._started()

    def _started(self) -> tqdm[Any]:
        if self._bar is None:
            tty = bool(getattr(self.stream, "isatty", lambda: False)())
            self._bar = tqdm(total=self.total, file=self.stream, disable=not self.enabled, unit=" articles",
                             mininterval=0.1 if tty else 5.0, ascii=not tty, dynamic_ncols=tty, smoothing=0,
                             bar_format="{l_bar}{bar:24}| {n_fmt}/{total_fmt} {rate_noinv_fmt} ETA {remaining}")
        return self._bar

    def update(self, n: int = 1) -> None:
        self._started().update(n)

    def close(self) -> None:
        if self.total:
            self._started().close()
        elif self._bar is not None:
            self._bar.close()


# ---------------------------------------------------------------------------------------------
# The use case
# ---------------------------------------------------------------------------------------------

AnalyzedHook = Callable[[int], Awaitable[None]]


class Importer:
    """Imports one source into the library through ``storage`` and ``analyzer``."""

    def __init__(
        self,
        storage: Storage,
        analyzer: Analyzer,
        *,
        alert: bool = False,
        in_flight: int | None = None,
        on_analyzed: list[AnalyzedHook] | None = None,
    ) -> None:
        self.storage = storage
        self.analyzer = analyzer
        self.alert = alert
        #: The one door for articles (`Ingest.file_record`); parts were joined by the reader.
        self.ingest = Ingest(storage, analyzer, window=0, on_analyzed=self._after_analysis)
        workers = max(1, analyzer.workers)
        # Enough queued work that no worker waits while the importer stores the previous result.
        self.in_flight = in_flight or (4 * workers if analyzer.workers > 0 else 1)
        #: Called after each saved analysis when alerting (wakes the alert sender of a running bot).
        self.on_analyzed = on_analyzed or []

    async def run(
        self,
        source: ImportSource,
        *,
        progress: Progress | None = None,
        limit: int | None = None,
        on_record: Callable[[Record, RecordStatus], None] | None = None,
    ) -> ImportReport:
        """Import ``source``; ``limit`` stops after that many records were processed in this run
        (the tests' interruption), exactly like Ctrl-C between two records would."""
        report = ImportReport(source, total=len(source.records))
        start = time.monotonic()
        position = await self.storage.get_import_position(source.key) or 0
        todo = [r for r in source.records if r.seq > position]
        report.skipped_done = len(source.records) - len(todo)
        if limit is not None:
            todo = todo[: max(0, limit)]
            report.interrupted = len(todo) < len(source.records) - report.skipped_done
        if progress is not None:
            progress.start(len(todo))
        watermark = _Watermark(position, [r.seq for r in todo])
        sem = asyncio.Semaphore(self.in_flight)
        tasks: set[asyncio.Task[None]] = set()

        async def one(record: Record) -> None:
            try:
                status = await self._import_one(record, report)
            finally:
                sem.release()
            _count(report, status)
            new_position = watermark.done(record.seq)
            if new_position is not None:
                await self.storage.set_import_position(source.key, new_position)
            if progress is not None:
                progress.update()
            if on_record is not None:
                on_record(record, status)

        try:
            for record in todo:
                await sem.acquire()
                task = asyncio.create_task(one(record))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.gather(*tasks)
        except BaseException:
            report.interrupted = True
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            report.seconds = time.monotonic() - start
            if progress is not None:
                progress.close()
        return report

    async def _import_one(self, record: Record, report: ImportReport) -> RecordStatus:
        outcome = await self.ingest.file_record(record.article, alerts=self.alert)
        if outcome.after_restart:
            report.resumed_pending += 1  # stored by an interrupted run, never analysed
        if outcome.status == "refused":
            return "skipped"
        return "failed" if outcome.status == "failed" else "created" if outcome.status == "created" else "duplicate"

    async def _after_analysis(self, article_id: int) -> None:
        for hook in self.on_analyzed:
            try:
                await hook(article_id)
            except Exception:
                log.exception("after-analysis hook failed for article %s", article_id)


def _count(report: ImportReport, status: RecordStatus) -> None:
    if status == "created":
        report.created += 1
    elif status == "duplicate":
        report.duplicate += 1
    elif status == "failed":
        report.failed += 1
    else:
        report.skipped += 1


class _Watermark:
    """The highest position p such that every record numbered <= p is done (records finish out
    of order when several are in flight; only a prefix that is completely done may be saved)."""

    def __init__(self, start: int, seqs: list[int]) -> None:
        self.position = start
        self._pending = sorted(seqs)
        self._i = 0
        self._finished: set[int] = set()

    def done(self, seq: int) -> int | None:
        self._finished.add(seq)
        moved = False
        while self._i < len(self._pending) and self._pending[self._i] in self._finished:
            self.position = self._pending[self._i]
            self._finished.discard(self.position)
            self._i += 1
            moved = True
        return self.position if moved else None


# ---------------------------------------------------------------------------------------------
# Command line entry (`python -m bot import`)
# ---------------------------------------------------------------------------------------------


async def import_path(
    database_url: str,
    path: Path,
    *,
    workers: int,
    alert: bool = False,
    max_chars: int | None = None,
    show_progress: bool = True,
) -> ImportReport:
    """Read ``path`` and import it into the library at ``database_url`` with ``workers`` analysis
    processes (0: in a thread of this process). Raises ImportSourceError if nothing can be read."""
    source = read_source(path)
    if not source.records and not source.bad:
        raise ImportSourceError(f"{path}: no articles found")
    if source.bad:
        first = source.bad[0]
        print(f"malformed record at {first.position}: {first.reason}", file=sys.stderr)
    async with Storage.open(database_url, rules=FILING_RULES) as storage:
        kwargs: dict[str, Any] = {} if max_chars is None else {"max_chars": max_chars}
        async with Analyzer(workers, **kwargs) as analyzer:
            importer = Importer(storage, analyzer, alert=alert)
            progress = Progress(len(source.records), enabled=show_progress)
            return await importer.run(source, progress=progress)


def exit_code(report: ImportReport) -> int:
    """Non-zero only if nothing could be imported (a few bad records are reported, not fatal)."""
    if report.interrupted:
        return 130
    return 1 if report.imported == 0 and report.failed == 0 else 0


__all__ = [
    "BadRecord",
    "ImportReport",
    "ImportSource",
    "ImportSourceError",
    "Importer",
    "Progress",
    "Record",
    "exit_code",
    "import_path",
    "read_folder",
    "read_jsonl",
    "read_source",
    "read_telegram_export",
]
