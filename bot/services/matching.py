"""Resolving what a user typed to actors and tags.

Users type `Tillerson`, `тиллерсон`, `Тиллерсона`, `Tilerson`, `Theresa May`, `Great Britain`. Actor
look-up is :class:`analysis.lookup.NameIndex` (candidates by search key, then a word-by-word name
match with transcription reversal and the gazetteer, then a decision that never answers with a
different actor), built in memory from every stored alias and cached until the library changes
(`Storage.generation`). A query is checked first (:func:`analysis.names.check_query`): one or two
letters, Greek or Arabic, a word mixing scripts get a clear answer and touch nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from analysis.keys import query_variants, search_key
from analysis.lookup import IndexedActor, NameIndex
from analysis.names import check_query
from analysis.topics import Topic, find_topic, find_topics
from storage.records import ActorBrief, TagBrief
from storage.repository import Storage

MatchKind = Literal["exact", "ambiguous", "none"]


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """``actors``: the answer (exact), the choices (ambiguous) or "did you mean" suggestions (none).

    ``problem`` says why a query was not looked up at all (``too_short``, ``too_long``, ``script``,
    ``mixed``: see :class:`analysis.names.QueryCheck`); ``query`` is what was looked up (look-alike
    Latin letters in a Cyrillic word read as Cyrillic, then ``fixed`` is True)."""

    kind: MatchKind
    actors: list[ActorBrief] = field(default_factory=list)
    problem: str | None = None
    query: str = ""
    fixed: bool = False

    @property
    def actor(self) -> ActorBrief:
        return self.actors[0]


@dataclass(frozen=True, slots=True)
class TagMatch:
    """``tags`` found in the library; ``topics``: the lexicon topics the query names (several when it
    names part of several: "defense"), so a topic with no article yet can still be answered."""

    kind: MatchKind
    tags: list[TagBrief] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)


@cache
def _morph() -> object:
    from natasha import MorphVocab

    return MorphVocab()


def lemmatize(word: str) -> str:
    """Dictionary form of a Russian word (`Лаврова` -> `лавров`); other scripts pass through."""
    if not any("а" <= ch <= "я" or ch == "ё" for ch in word.lower()):
        return word
    parses = _morph().parse(word)  # type: ignore[attr-defined]
    return str(parses[0].normal) if parses else word


def tag_key(name: str) -> str:
    """The stored key of a tag name (as filing computes it: the search key, or the folded text)."""
    return search_key(name) or " ".join(name.casefold().split())


def variants(query: str) -> list[str]:
    return [v for v in query_variants(query, lemmatize) if v]


class Matcher:
    """Name and tag resolution over one library."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._generation = -1
        self._index = NameIndex(())

    async def index(self) -> NameIndex:
        """The name index of the library as it is now (rebuilt after any content change)."""
        if self._generation != self.storage.generation:
            generation = self.storage.generation
            rows = await self.storage.alias_rows()
            actors: dict[int, tuple[str, str, int, list[str]]] = {}
            for actor_id, kind, name, mentions, alias in rows:
                actors.setdefault(actor_id, (kind, name, mentions, []))[3].append(alias)
            self._index = NameIndex(IndexedActor(i, kind, name, tuple(aliases), mentions)
                                    for i, (kind, name, mentions, aliases) in actors.items())
            self._generation = generation
        return self._index

    async def resolve_actor(self, query: str) -> ActorMatch:
        checked = check_query(query)
        if checked.problem is not None:
            return ActorMatch("none", problem=checked.problem, query=checked.text)
        index = await self.index()
        decision = index.resolve(checked.text, lemmatize)
        if decision.kind == "none":
            suggestions = await self.storage.actors_by_ids(decision.suggestions)
            return ActorMatch("none", suggestions, query=checked.text, fixed=checked.fixed)
        actors = await self.storage.actors_by_ids(decision.actor_ids)
        if not actors:
            return ActorMatch("none", query=checked.text, fixed=checked.fixed)
        kind: MatchKind = "exact" if decision.kind == "exact" else "ambiguous"
        return ActorMatch(kind, actors[:1] if kind == "exact" else actors, query=checked.text, fixed=checked.fixed)

    async def resolve_tag(self, query: str) -> TagMatch:
        # A key of one or two letters says nothing ("ab" would meet «обсе»); short topics like «ИИ»
        # are still found by find_topic below, by their exact lemma.
        keys = [k for k in variants(query) if len(k.replace(" ", "")) >= 3]
        topics = find_topics(query)
        topic = find_topic(query)
        if topic is not None:
            keys = [search_key(topic.name), *keys]
        keys += [search_key(t.name) for t in topics if search_key(t.name) not in keys]
        if not keys:
            return TagMatch("none")
        tags = await self.storage.tags_by_keys(keys)
        if len(topics) > 1:
            # The query names part of several topics ("defense"): offer them, those in the library first.
            named = {t.name for t in topics}
            in_library = [t for t in tags if t.name in named]
            return TagMatch("ambiguous", in_library[:8], topics)
        if topic is not None:
            exact_topic = [t for t in tags if t.name == topic.name]
            if exact_topic:
                return TagMatch("exact", exact_topic, [topic])
            if not tags:
                return TagMatch("none", [], [topic])  # a lexicon topic with no article yet
        if len(tags) == 1:
            return TagMatch("exact", tags, topics)
        if tags:
            return TagMatch("ambiguous", tags[:8], topics)
        return TagMatch("none", [], topics)
