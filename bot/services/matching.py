"""Resolving what a user typed to actors and tags: exact key, then prefix, then fuzzy.

Users type `Tillerson`, `тиллерсон`, `Тиллерсона`, `Tilerson`; all of these become search keys
(`analysis.keys`), and the keys are looked up in storage. Fuzzy matching runs in memory over
the alias index, which is cached until the library changes (`Storage.generation`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from rapidfuzz import fuzz, process

from analysis.keys import FUZZY_THRESHOLD, query_variants, search_key
from analysis.topics import find_topic
from storage.records import ActorBrief, TagBrief
from storage.repository import Storage

MatchKind = Literal["exact", "ambiguous", "none"]
#: Below the typo threshold but still worth offering as "did you mean".
SUGGEST_THRESHOLD = 60.0


@dataclass(frozen=True, slots=True)
class ActorMatch:
    kind: MatchKind
    actors: list[ActorBrief] = field(default_factory=list)

    @property
    def actor(self) -> ActorBrief:
        return self.actors[0]


@dataclass(frozen=True, slots=True)
class TagMatch:
    kind: MatchKind
    tags: list[TagBrief] = field(default_factory=list)


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


def variants(query: str) -> list[str]:
    return [v for v in query_variants(query, lemmatize) if v]


class Matcher:
    """Name and tag resolution over one library."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._alias_generation = -1
        self._alias_keys: list[str] = []
        self._alias_actor: dict[str, set[int]] = {}

    async def _aliases(self) -> list[str]:
        if self._alias_generation != self.storage.generation:
            generation = self.storage.generation
            index = await self.storage.alias_index()
            by_key: dict[str, set[int]] = {}
            for key, actor_id in index:
                by_key.setdefault(key, set()).add(actor_id)
            self._alias_actor = by_key
            self._alias_keys = list(by_key)
            self._alias_generation = generation
        return self._alias_keys

    async def _fuzzy(self, keys: list[str], threshold: float, limit: int = 5) -> list[ActorBrief]:
        choices = await self._aliases()
        if not choices:
            return []
        found: dict[str, float] = {}
        for key in keys:
            for choice, score, _ in process.extract(
                key, choices, scorer=fuzz.ratio, score_cutoff=threshold, limit=limit
            ):
                found[choice] = max(score, found.get(choice, 0.0))
        if not found:
            return []
        ranked = sorted(found, key=lambda k: -found[k])
        actors = await self.storage.actors_by_keys(ranked)
        return actors[:limit]

    async def resolve_actor(self, query: str) -> ActorMatch:
        keys = variants(query)
        if not keys:
            return ActorMatch("none")
        exact = await self.storage.actors_by_keys(keys)
        if not exact:
            longest = max(keys, key=len)
            if len(longest) >= 4:
                exact = await self.storage.actors_by_key_prefix(longest, limit=6)
        if not exact:
            exact = await self._fuzzy(keys, FUZZY_THRESHOLD)
        if not exact:
            return ActorMatch("none", await self._fuzzy(keys, SUGGEST_THRESHOLD))
        if len(exact) == 1:
            return ActorMatch("exact", exact)
        # A full-name match beats surname matches of namesakes.
        full = [a for a in exact if search_key(a.name) in keys]
        if len(full) == 1:
            return ActorMatch("exact", full)
        return ActorMatch("ambiguous", exact[:8])

    async def resolve_tag(self, query: str) -> TagMatch:
        keys = variants(query)
        topic = find_topic(query)
        if topic is not None:
            keys = [search_key(topic.name), *keys]
        if not keys:
            return TagMatch("none")
        tags = await self.storage.tags_by_keys(keys)
        if topic is not None:
            exact_topic = [t for t in tags if t.name == topic.name]
            if exact_topic:
                return TagMatch("exact", exact_topic)
        if len(tags) == 1:
            return TagMatch("exact", tags)
        if tags:
            return TagMatch("ambiguous", tags[:8])
        return TagMatch("none")
