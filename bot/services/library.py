"""Query use cases: /who, /claims, /tags, /search, /article, /recent, /stats, /delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from analysis.names import MAX_QUERY_CHARS as NAME_QUERY_CHARS
from analysis.topics import Topic, load_topics
from bot.services.matching import ActorMatch, Matcher, TagMatch, tag_key
from storage.records import (
    ActorBrief,
    ActorDossier,
    ActorRow,
    ArticleBrief,
    ArticleFull,
    ClaimRow,
    LibraryStats,
    SearchHit,
    TagBrief,
)
from storage.repository import SEARCH_CAP, Storage

#: Items per page of the library's lists (recent, claims, a tag's articles, most mentioned).
PAGE = 10
#: Search hits per page (each carries a snippet, so fewer fit one message).
SEARCH_PAGE = 5
#: Tags listed by a bare /tags.
TOP_TAGS = 30
#: Queries longer than this are cut: nobody's name or tag is longer, and it bounds the work.
MAX_QUERY_CHARS = 200


def clean_query(text: str) -> str:
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def name_query(text: str) -> str:
    """A name query is cut just past the name checks' limit, so an over-long one is told so."""
    return " ".join(text.split())[:NAME_QUERY_CHARS + 1]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    offset: int
    #: The total was capped (search counts at most SEARCH_CAP matches): show it as "1000+".
    capped: bool = False
    #: The page size asked for (the pager steps by it).
    limit: int = PAGE

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_prev(self) -> bool:
        return self.offset > 0


@dataclass(frozen=True, slots=True)
class WhoResult:
    match: ActorMatch
    dossier: ActorDossier | None = None


@dataclass(frozen=True, slots=True)
class TagResult:
    match: TagMatch
    tag: TagBrief | None = None
    articles: Page[ArticleBrief] | None = None


DeleteOutcome = Literal["deleted", "missing", "forbidden"]


class Library:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.matcher = Matcher(storage)

    async def who(self, query: str) -> WhoResult:
        match = await self.matcher.resolve_actor(name_query(query))
        if match.kind != "exact":
            return WhoResult(match)
        return WhoResult(match, await self.storage.actor_dossier(match.actor.id))

    async def dossier(self, actor_id: int) -> ActorDossier | None:
        return await self.storage.actor_dossier(actor_id)

    async def actor(self, actor_id: int) -> ActorRow | None:
        return await self.storage.get_actor(actor_id)

    async def top_actors(self, offset: int = 0, limit: int = PAGE) -> Page[ActorBrief]:
        """The most mentioned actors; one more is read to know whether a next page exists."""
        rows = await self.storage.top_actors(limit + 1, offset)
        return Page(rows[:limit], offset + len(rows), offset, limit=limit)

    async def resolve_actor(self, query: str) -> ActorMatch:
        return await self.matcher.resolve_actor(name_query(query))

    async def claims(self, actor_id: int, offset: int = 0, limit: int = PAGE) -> Page[ClaimRow]:
        rows, total = await self.storage.claims_by_actor(actor_id, limit, offset)
        return Page(rows, total, offset, limit=limit)

    async def tag(self, query: str) -> TagResult:
        match = await self.matcher.resolve_tag(clean_query(query))
        if match.kind != "exact":
            return TagResult(match)
        tag = match.tags[0]
        return TagResult(match, tag, await self.tag_articles(tag.id))

    def topic(self, number: int) -> Topic | None:
        """The lexicon topic a button names (its position in the shipped lexicon)."""
        table = load_topics()
        return table[number] if 0 <= number < len(table) else None

    @staticmethod
    def topic_number(topic: Topic) -> int:
        return load_topics().index(topic)

    async def topic_tag(self, topic: Topic) -> TagBrief | None:
        """The library's tag of a lexicon topic, if any article (or a subscription) created it."""
        found = [tg for tg in await self.storage.tags_by_keys([tag_key(topic.name)]) if tg.name == topic.name]
        return found[0] if found else None

    async def tag_articles(self, tag_id: int, offset: int = 0, limit: int = PAGE) -> Page[ArticleBrief]:
        rows, total = await self.storage.articles_by_tag(tag_id, limit, offset)
        return Page(rows, total, offset, limit=limit)

    async def get_tag(self, tag_id: int) -> TagBrief | None:
        return await self.storage.get_tag(tag_id)

    async def top_tags(self, offset: int = 0, limit: int = TOP_TAGS) -> list[TagBrief]:
        return await self.storage.top_tags(limit, offset)

    async def search(self, query: str, offset: int = 0, limit: int = SEARCH_PAGE) -> Page[SearchHit]:
        hits, total = await self.storage.search_articles(clean_query(query), limit, offset)
        return Page(hits, min(total, SEARCH_CAP), offset, capped=total > SEARCH_CAP, limit=limit)

    async def article(self, article_id: int) -> ArticleFull | None:
        return await self.storage.get_article(article_id)

    async def article_text(self, article_id: int) -> str | None:
        return await self.storage.article_text(article_id)

    async def recent(self, offset: int = 0, limit: int = PAGE) -> Page[ArticleBrief]:
        rows = await self.storage.recent_articles(limit + 1, offset)
        total = offset + len(rows)
        return Page(rows[:limit], total, offset, limit=limit)

    async def stats(self) -> LibraryStats:
        return await self.storage.stats()

    async def delete(self, article_id: int, user_id: int, *, is_owner: bool) -> DeleteOutcome:
        full = await self.storage.get_article(article_id)
        if full is None:
            return "missing"
        if not is_owner and full.article.added_by != user_id:
            return "forbidden"
        return "deleted" if await self.storage.delete_article(article_id) else "missing"
