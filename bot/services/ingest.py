"""The ingest use case, the one way in: is this an article, and if so file and analyse it.

Forwards, pasted texts, links, documents, channel feeds, the importer and start-up recovery all
come through `Ingest`: it alone decides what counts as an article (`refusal`), reads links and
documents into text, joins multi-part posts, resumes an article a previous run stored but never
answered, stores the raw text first and analyses it off the loop.

Multi-part posts (a long channel post split into consecutive messages, or an album's captions)
arrive as separate updates within seconds; they are collected for a short window and stored as
one article. Every caller waits for its group to be stored, so the durable inbox marks none of
the parts done before the joined article is safely in the database.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Literal

from analysis.model import Rejection
from bot.analyzer import Analyzer
from bot.services.extract import (
    MAX_DOCUMENT_BYTES,
    TEXT_SUFFIXES,
    ExtractError,
    document_to_text,
    word_count,
)
from bot.services.fetch import FetchPolicy, fetch_page
from bot.services.parts import MAX_PART_GAP, continues, join_parts
from bot.services.queue import AnalysisQueue
from storage.records import ArticleFull, NewArticle, OriginKind
from storage.repository import Storage

log = logging.getLogger(__name__)

#: Shorter than this (after trimming) a pasted, non-forwarded text is not taken for an article.
MIN_PASTE_CHARS = 300
#: Fewer words than this (of two or more letters) and a pasted text is not an article: emoji, symbols,
#: one endless "word" of combining marks or zero-width characters.
MIN_PASTE_WORDS = 30
#: A forwarded post, a document, a feed post or an imported record shorter than this is not filed
#: (channels post short news, so the bar is low), nor one with fewer than MIN_ARTICLE_WORDS words.
MIN_ARTICLE_CHARS = 20
MIN_ARTICLE_WORDS = 3

_URL_ONLY = re.compile(r"^\s*([a-z][a-z0-9+.-]{1,15}://\S+)\s*$", re.I)

OutcomeStatus = Literal["created", "duplicate", "failed", "joined", "refused"]
#: How the text arrived: a paste must look like a whole article, the others only like a post.
Arrival = Literal["forward", "paste", "document", "feed", "import"]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    status: OutcomeStatus
    article_id: int = 0
    article: ArticleFull | None = None
    error: str | None = None
    parts: int = 1
    #: Why a message is not an article (status "refused"): an i18n key.
    reason: str | None = None
    #: Stored by a run that stopped before answering, finished now (the card says so).
    after_restart: bool = False


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a text came from and who gave it to the bot: everything of an article but its text."""

    origin_kind: OriginKind
    added_by: int | None = None
    added_chat_id: int | None = None
    added_message_id: int | None = None
    origin_chat_id: int | None = None
    origin_chat_title: str | None = None
    origin_chat_username: str | None = None
    origin_message_id: int | None = None
    origin_date: int | None = None
    #: Telegram's album id: the captions of one album are one article.
    media_group_id: str | None = None

    def article(self, text: str, *, kind: OriginKind | None = None, url: str | None = None,
                published_at: int | None = None) -> NewArticle:
        return NewArticle(
            text=text, origin_kind=kind or self.origin_kind, added_by=self.added_by, added_at=int(time.time()),
            added_chat_id=self.added_chat_id, added_message_id=self.added_message_id,
            origin_chat_id=self.origin_chat_id, origin_chat_title=self.origin_chat_title,
            origin_chat_username=self.origin_chat_username, origin_message_id=self.origin_message_id,
            origin_date=self.origin_date, url=url, published_at=published_at)


def refusal(text: str, arrival: Arrival) -> str | None:
    """Why ``text`` is not an article (an i18n key), or None if it is one. The only such rule."""
    stripped = text.strip()
    if arrival == "paste":
        if len(stripped) < MIN_PASTE_CHARS or word_count(text, MIN_PASTE_WORDS) < MIN_PASTE_WORDS:
            return "not_understood"
        return None
    if not stripped:
        return "empty_forward" if arrival == "forward" else "extract_no_article"
    if len(stripped) < MIN_ARTICLE_CHARS or word_count(text, MIN_ARTICLE_WORDS) < MIN_ARTICLE_WORDS:
        return "not_understood" if arrival == "forward" else "extract_no_article"
    return None


def document_refusal(file_name: str | None, mime_type: str | None, size: int | None) -> str | None:
    """Why a document is not even downloaded (an i18n key), or None."""
    if not (file_name or "").lower().endswith(TEXT_SUFFIXES) and not (mime_type or "").startswith("text/"):
        return "doc_type"
    if size is not None and size > MAX_DOCUMENT_BYTES:
        return "doc_too_big"
    return None


@dataclass
class _Group:
    key: tuple[object, ...]
    parts: list[NewArticle]
    message_ids: list[int]
    future: asyncio.Future[IngestOutcome]
    timer: asyncio.TimerHandle | None = None
    media_group: str | None = None


AnalyzedHook = Callable[[int], Awaitable[None]]
#: Called once a message is taken for an article, before the slow part (the chat shows "typing").
Working = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


class Ingest:
    def __init__(self, storage: Storage, analyzer: Analyzer, *, window: float = 2.0,
                 fetch_policy: FetchPolicy | None = None, on_analyzed: AnalyzedHook | None = None,
                 queue: AnalysisQueue | None = None) -> None:
        self.storage = storage
        self.analyzer = analyzer
        #: ANALYSIS_MODE=queue: workers analyse; this process queues the article and waits.
        self.queue = queue
        self.window = window
        self.fetch_policy = fetch_policy or FetchPolicy()
        self._groups: dict[tuple[object, ...], _Group] = {}
        self._tasks: set[asyncio.Task[IngestOutcome]] = set()
        #: Called with the article id after an analysis that queued alerts is saved (wakes the sender).
        self.on_analyzed = on_analyzed

    # ------------------------------------------------------------------ what arrived

    async def message(self, text: str, arrival: Arrival, provenance: Provenance,
                      working: Working = _nothing) -> IngestOutcome:
        """A forwarded post, a pasted text (a lone link in it is fetched) or a channel feed post."""
        if arrival == "paste":
            url = _URL_ONLY.match(text)
            if url:
                return await self.link(url.group(1), provenance, working)
        reason = refusal(text, arrival)
        if reason is not None:
            return IngestOutcome("refused", reason=reason)
        await working()
        kind: OriginKind | None = "paste" if arrival == "paste" else None
        media_group = provenance.media_group_id if arrival != "paste" else None
        return await self.submit(provenance.article(text, kind=kind), media_group_id=media_group)

    async def link(self, url: str, provenance: Provenance, working: Working = _nothing) -> IngestOutcome:
        await working()
        try:
            final_url, page = await fetch_page(url, self.fetch_policy)
        except ExtractError as exc:
            return IngestOutcome("refused", reason=f"extract_{exc.reason}")
        # A page whose main text is shorter than a pasted article would need to be (menus, a
        # login wall) is no article.
        if refusal(page.text, "paste") is not None:
            return IngestOutcome("refused", reason="extract_no_article")
        # The page's own date, not the forward's: a link forwarded today to a 2017 article is 2017.
        return await self.submit(provenance.article(page.text, kind="link", url=final_url,
                                                    published_at=page.published_at))

    async def document(self, file_name: str | None, mime_type: str | None, size: int | None,
                       download: Callable[[], Awaitable[bytes]], provenance: Provenance,
                       working: Working = _nothing) -> IngestOutcome:
        """A .txt/.md/.html file: checked before download (type, size), read, then filed."""
        reason = document_refusal(file_name, mime_type, size)
        if reason is not None:
            return IngestOutcome("refused", reason=reason)
        data = await download()
        if len(data) > MAX_DOCUMENT_BYTES:
            return IngestOutcome("refused", reason="doc_too_big")
        try:
            text = document_to_text(data, file_name)
        except ExtractError as exc:
            return IngestOutcome("refused", reason=f"extract_{exc.reason}")
        reason = refusal(text, "document")
        if reason is not None:
            return IngestOutcome("refused", reason=reason)
        await working()
        kind: OriginKind = "channel" if provenance.origin_kind == "channel" else "document"
        return await self.submit(provenance.article(text, kind=kind))

    # ------------------------------------------------------------------ filing

    async def submit(self, article: NewArticle, *, media_group_id: str | None = None) -> IngestOutcome:
        """Store and analyse one article; forwards of consecutive posts are joined first."""
        if self.window <= 0 or (article.origin_message_id is None and media_group_id is None):
            outcome = await self._store_and_analyze(article)
        else:
            outcome = await self._join(article, media_group_id)
        if outcome.status == "duplicate" and _stored_from(outcome, article):
            return await self._finish_interrupted(outcome)
        return outcome

    async def file_record(self, article: NewArticle, *, alerts: bool) -> IngestOutcome:
        """An imported record: refused like a post would be, stored, analysed; one stored but never
        analysed by an interrupted import is analysed now (status "duplicate", after_restart)."""
        reason = refusal(article.text, "import")
        if reason is not None:
            return IngestOutcome("refused", reason=reason)
        article_id, created = await self.storage.add_article(article)
        if created:
            return await self.analyze_stored(article_id, article.text, origin=article.origin_chat_title, alerts=alerts)
        full = await self.storage.get_article(article_id)
        if full is None or full.article.status != "pending":
            return IngestOutcome("duplicate", article_id, full)
        row = full.article
        outcome = await self.analyze_stored(article_id, row.text, origin=row.origin_chat_title, alerts=alerts)
        return replace(outcome, status="duplicate" if outcome.status == "created" else outcome.status,
                       after_restart=True)

    async def _finish_interrupted(self, outcome: IngestOutcome) -> IngestOutcome:
        """This very message was stored by a run that stopped before answering (its update is
        replayed from the inbox): finish it and answer as if it were new."""
        assert outcome.article is not None
        row = outcome.article.article
        if row.status == "pending":
            analysed = await self.analyze_stored(row.id, row.text, origin=row.origin_chat_title)
            return replace(analysed, after_restart=True)
        if row.status == "failed":
            return replace(outcome, status="failed", error=row.error)
        return replace(outcome, status="created")

    async def _join(self, article: NewArticle, media_group_id: str | None) -> IngestOutcome:
        loop = asyncio.get_running_loop()
        key: tuple[object, ...] = (article.added_chat_id, article.added_by, article.origin_chat_id)
        if media_group_id is not None:
            key = (*key, "album", media_group_id)
        group = self._groups.get(key)
        fits = group is not None and (media_group_id is not None
                                      or continues(group.message_ids, article.origin_message_id))
        if group is None or not fits:
            if group is not None:
                self._flush(group)
            group = _Group(key, [], [], loop.create_future(), media_group=media_group_id)
            self._groups[key] = group
            leader = True
        else:
            leader = False
        group.parts.append(article)
        if article.origin_message_id is not None:
            group.message_ids.append(article.origin_message_id)
        if group.timer is not None:
            group.timer.cancel()
        group.timer = loop.call_later(self.window, self._flush, group)
        outcome = await asyncio.shield(group.future)
        return outcome if leader else replace(outcome, status="joined")

    def _flush(self, group: _Group) -> None:
        if self._groups.get(group.key) is group:
            del self._groups[group.key]
        if group.timer is not None:
            group.timer.cancel()
            group.timer = None
        parts = sorted(group.parts, key=lambda a: a.origin_message_id or 0)
        joined = replace(parts[0], text=join_parts(p.text for p in parts))
        task = asyncio.get_running_loop().create_task(self._store_and_analyze(joined, parts=len(parts)))
        self._tasks.add(task)

        def done(t: asyncio.Task[IngestOutcome]) -> None:
            self._tasks.discard(t)
            if group.future.done():
                return
            if t.cancelled():
                group.future.cancel()
            elif t.exception() is not None:
                group.future.set_exception(t.exception())  # type: ignore[arg-type]
            else:
                group.future.set_result(t.result())

        task.add_done_callback(done)

    async def _store_and_analyze(self, article: NewArticle, *, parts: int = 1) -> IngestOutcome:
        article_id, created = await self.storage.add_article(article)
        if not created:
            return IngestOutcome("duplicate", article_id, await self.storage.get_article(article_id), parts=parts)
        outcome = await self.analyze_stored(article_id, article.text, origin=article.origin_chat_title)
        return replace(outcome, parts=parts)

    async def analyze_stored(
        self, article_id: int, text: str, *, origin: str | None = None, alerts: bool = True
    ) -> IngestOutcome:
        """Analyse an article already in the database (new, or left pending by a restart)."""
        if self.queue is not None:
            state = await self.queue.analyse(article_id, alerts=alerts)
            full = await self.storage.get_article(article_id)
            if full is None or full.article.status != "done":
                error = (full.article.error if full is not None else None) or state.last_error or "?"
                return IngestOutcome("failed", article_id, full, error=error)
        else:
            result = await self.analyzer.analyze(text, origin=origin)
            if isinstance(result, Rejection):
                await self.storage.mark_failed(article_id, result.error)
                return IngestOutcome("failed", article_id, await self.storage.get_article(article_id),
                                     error=result.error)
            await self.storage.save_analysis(article_id, result, now=int(time.time()), enqueue_alerts=alerts)
        if alerts and self.on_analyzed is not None:
            try:
                await self.on_analyzed(article_id)
            except Exception:  # an alert problem must not turn a filed article into an error
                log.exception("after-analysis hook failed for article %s", article_id)
        return IngestOutcome("created", article_id, await self.storage.get_article(article_id))


def _stored_from(outcome: IngestOutcome, article: NewArticle) -> bool:
    """True if the "duplicate" is this very message (same chat and message id), i.e. stored by a
    run that stopped before answering: the sender has not had the card yet."""
    row = outcome.article.article if outcome.article is not None else None
    return (row is not None and article.added_message_id is not None
            and row.added_chat_id == article.added_chat_id and row.added_message_id == article.added_message_id)


__all__ = ["MAX_PART_GAP", "Arrival", "Ingest", "IngestOutcome", "Provenance", "document_refusal", "refusal"]
