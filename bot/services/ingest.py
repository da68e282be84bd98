"""The ingest use case: store the raw article first, analyse it off the loop, file the result.

Multi-part posts (a long channel post split into consecutive messages, or an album's captions)
arrive as separate updates within seconds; they are collected for a short window and stored as
one article. Every caller waits for its group to be stored, so the durable inbox marks none of
the parts done before the joined article is safely in the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Literal

from analysis.model import Rejection
from bot.analyzer import Analyzer
from storage.records import ArticleFull, NewArticle
from storage.repository import Storage

log = logging.getLogger(__name__)

#: Shorter than this (after trimming) a pasted, non-forwarded text is not taken for an article.
MIN_PASTE_CHARS = 300
#: A forwarded post shorter than this is still filed (channels post short news), but not empty ones.
MIN_ARTICLE_CHARS = 20

OutcomeStatus = Literal["created", "duplicate", "failed", "joined"]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    status: OutcomeStatus
    article_id: int
    article: ArticleFull | None = None
    error: str | None = None
    parts: int = 1


@dataclass
class _Group:
    key: tuple[object, ...]
    parts: list[NewArticle]
    message_ids: list[int]
    future: asyncio.Future[IngestOutcome]
    timer: asyncio.TimerHandle | None = None
    media_group: str | None = None


#: Parts of one post may arrive out of order (updates are handled concurrently); allow this gap.
MAX_PART_GAP = 2


def _adjacent(group: _Group, message_id: int | None) -> bool:
    """Whether a post continues a group: its id is next to the group's ids, on either side."""
    if message_id is None or not group.message_ids:
        return False
    return min(group.message_ids) - MAX_PART_GAP <= message_id <= max(group.message_ids) + MAX_PART_GAP \
        and message_id not in group.message_ids


AnalyzedHook = Callable[[int], Awaitable[None]]


class Ingest:
    def __init__(self, storage: Storage, analyzer: Analyzer, *, window: float = 2.0) -> None:
        self.storage = storage
        self.analyzer = analyzer
        self.window = window
        self._groups: dict[tuple[object, ...], _Group] = {}
        self._tasks: set[asyncio.Task[IngestOutcome]] = set()
        #: Called with the article id after an analysis is saved (wakes the alert sender).
        self.on_analyzed: list[AnalyzedHook] = []

    async def submit(self, article: NewArticle, *, media_group_id: str | None = None) -> IngestOutcome:
        """Store and analyse one article; forwards of consecutive posts are joined first."""
        if self.window <= 0 or (article.origin_message_id is None and media_group_id is None):
            return await self._store_and_analyze(article)
        return await self._join(article, media_group_id)

    async def _join(self, article: NewArticle, media_group_id: str | None) -> IngestOutcome:
        loop = asyncio.get_running_loop()
        key: tuple[object, ...] = (article.added_chat_id, article.added_by, article.origin_chat_id)
        if media_group_id is not None:
            key = (*key, "album", media_group_id)
        group = self._groups.get(key)
        fits = group is not None and (media_group_id is not None or _adjacent(group, article.origin_message_id))
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
        first = parts[0]
        joined = replace(first, text="\n\n".join(p.text.strip() for p in parts))
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
        result = await self.analyzer.analyze(text, origin=origin)
        if isinstance(result, Rejection):
            await self.storage.mark_failed(article_id, result.error)
            return IngestOutcome("failed", article_id, await self.storage.get_article(article_id),
                                 error=result.error)
        await self.storage.save_analysis(article_id, result, now=int(time.time()), enqueue_alerts=alerts)
        for hook in self.on_analyzed:
            try:
                await hook(article_id)
            except Exception:  # an alert problem must not turn a filed article into an error
                log.exception("after-analysis hook failed for article %s", article_id)
        return IngestOutcome("created", article_id, await self.storage.get_article(article_id))

