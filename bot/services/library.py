"""Query use cases: /who, /claims, /tags, /search, /article, /recent, /stats, /delete."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from rapidfuzz import fuzz

from analysis.keys import search_key, strip_case_ending
from analysis.names import MAX_QUERY_CHARS as NAME_QUERY_CHARS
from analysis.topics import Topic, load_topics
from bot.services.exporting import Exporter, ExportFile, ExportRequest
from bot.services.matching import ActorMatch, Matcher, TagMatch, tag_key
from bot.services.questions import question_subject
from storage.query import parse_period, parse_query
from storage.records import (
    ActorBrief,
    ActorDossier,
    ActorRow,
    ArticleBrief,
    ArticleFull,
    ClaimRow,
    LibraryStats,
    Period,
    SearchHit,
    TagBrief,
)
from storage.repository import SEARCH_CAP, Storage

#: A period of article dates, as handlers and views name it (they never import storage).
DatePeriod = Period

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
    #: The period of article dates the query asked for (`/tags sanctions 30d`).
    period: Period = field(default_factory=Period)


@dataclass(frozen=True, slots=True)
class SourceResult:
    """`/source NAME`: the outlet it resolved to and its articles, or the candidates."""

    outlets: list[tuple[str, int]]
    name: str | None = None
    articles: Page[ArticleBrief] | None = None


#: An outlet matches a misspelt query at this rapidfuzz score, like names (see bot.services.matching).
OUTLET_FUZZ = 88


def match_outlets(query: str, outlets: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Outlets for ``query`` the way /who resolves names: the same search key (any script, any
    case), else outlets whose key starts with it, else close spellings; most articles first."""
    key = search_key(query)
    if not key:
        return []
    keyed = [(search_key(name), name, n) for name, n in outlets]
    exact = [(name, n) for k, name, n in keyed if k == key]
    if exact:
        return exact
    prefix = [(name, n) for k, name, n in keyed if k and len(key) >= 3 and k.startswith(key)]
    if prefix:
        return prefix
    return [(name, n) for k, name, n in keyed if k and fuzz.ratio(k, key) >= OUTLET_FUZZ]


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
        """The tag named in ``query`` and its articles; date filters (`since:`, `until:`, a
        trailing `30d`) are taken out of the name and restrict the articles."""
        period, words = parse_period(clean_query(query).split(), int(time.time()))
        match = await self.matcher.resolve_tag(" ".join(words))
        if match.kind != "exact":
            return TagResult(match, period=period)
        tag = match.tags[0]
        return TagResult(match, tag, await self.tag_articles(tag.id, period=period), period)

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

    async def tag_articles(self, tag_id: int, offset: int = 0, limit: int = PAGE,
                           period: Period | None = None) -> Page[ArticleBrief]:
        rows, total = await self.storage.articles_by_tag(tag_id, limit, offset, period)
        return Page(rows, total, offset, limit=limit)

    async def question_hint(self, text: str) -> str | None:
        """For a short question-like message, the command that answers it: `/who Лавров` when
        it asks about an actor, `/tags санкции` about a tag, else `/search WORD`; None when the
        message is no question."""
        subject = question_subject(text)
        if subject is None:
            return None
        match = await self.matcher.resolve_actor(clean_query(subject))
        if match.kind == "exact":
            name = match.actor.name
            return "/who " + (name.split()[-1] if len(subject.split()) == 1 else name)
        tag = await self.matcher.resolve_tag(clean_query(subject))
        if tag.kind == "exact":
            return "/tags " + tag.tags[0].name
        guesses = strip_case_ending(subject) if len(subject.split()) == 1 else []
        word = guesses[0] if guesses else subject
        return ("/who " if word[:1].isupper() else "/search ") + word

    async def source(self, query: str, offset: int = 0, limit: int = PAGE) -> SourceResult:
        """`/source NAME` (the outlet resolved like /who) and its articles, or the candidates."""
        found = match_outlets(clean_query(query), await self.storage.outlets())
        if len(found) != 1:
            return SourceResult(found)
        return SourceResult(found, found[0][0], await self.outlet_articles(found[0][0], offset, limit))

    async def outlet_articles(self, name: str, offset: int = 0, limit: int = PAGE) -> Page[ArticleBrief]:
        rows, total = await self.storage.articles_by_outlet(name, limit, offset)
        return Page(rows, total, offset, limit=limit)

    async def top_outlets(self, limit: int = TOP_TAGS) -> list[tuple[str, int]]:
        return (await self.storage.outlets())[:limit]

    async def export(self, request: ExportRequest) -> ExportFile:
        """The library (or a period of it) as a JSON or CSV file, built off the event loop."""
        return await Exporter(self.storage).export(request)

    @staticmethod
    def search_needs_words(query: str) -> bool:
        """True for a query with text but no word that must occur (`-нефть` alone, `30d` alone)."""
        return bool(query.strip()) and not parse_query(clean_query(query), int(time.time())).searchable

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

    @staticmethod
    def may_delete(full: ArticleFull, user_id: int, *, is_owner: bool) -> bool:
        """The owner may delete any article, a member the ones they added."""
        return is_owner or full.article.added_by == user_id

    async def delete(self, article_id: int, user_id: int, *, is_owner: bool) -> DeleteOutcome:
        full = await self.storage.get_article(article_id)
        if full is None:
            return "missing"
        if not self.may_delete(full, user_id, is_owner=is_owner):
            return "forbidden"
        return "deleted" if await self.storage.delete_article(article_id) else "missing"
