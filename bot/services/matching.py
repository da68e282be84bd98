"""Resolving what a user typed to actors and tags: exact key, then prefix, then fuzzy.

Users type `Tillerson`, `тиллерсон`, `Тиллерсона`, `Tilerson`; all of these become search keys
(`analysis.keys`), and the keys are looked up in storage. Fuzzy matching runs in memory over
the alias index, which is cached until the library changes (`Storage.generation`).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
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
        # Alias keys grouped by length (each group in _alias_keys order) and each key's position in
        # _alias_keys: the fuzzy search only scores lengths that can reach the cutoff.
        self._alias_by_len: dict[int, list[str]] = {}
        self._alias_pos: dict[str, int] = {}

    async def _aliases(self) -> list[str]:
        if self._alias_generation != self.storage.generation:
            generation = self.storage.generation
            index = await self.storage.alias_index()
            by_key: dict[str, set[int]] = {}
            for key, actor_id in index:
                by_key.setdefault(key, set()).add(actor_id)
            by_len: dict[int, list[str]] = {}
            for key in by_key:
                by_len.setdefault(len(key), []).append(key)
            self._alias_actor = by_key
            self._alias_keys = list(by_key)
            self._alias_by_len = by_len
            self._alias_pos = {key: i for i, key in enumerate(self._alias_keys)}
            self._alias_generation = generation
        return self._alias_keys

    def _candidates(self, key: str, cutoff: float) -> list[str]:
        """Alias keys whose length allows fuzz.ratio >= cutoff against ``key``.

        fuzz.ratio is 200 * LCS / (len(a) + len(b)) and LCS <= the shorter length, so a key of
        length n can score at most 200 * min(len(key), n) / (len(key) + n): at 88 a 8-letter query
        only needs keys of 7..10 letters, roughly a third of the index.
        """
        size = len(key)
        out: list[str] = []
        for n, group in self._alias_by_len.items():
            if 200.0 * min(size, n) / (size + n) >= cutoff - 1e-9:
                out.extend(group)
        return out

    async def _fuzzy_scores(self, keys: list[str], cutoff: float, limit: int = 5) -> list[tuple[str, float]]:
        """For each key its ``limit`` best alias keys scoring >= ``cutoff`` (ties: index order, as
        rapidfuzz's own extract), merged as (alias key, best score). One pass at the lowest cutoff
        serves both the typo and the suggestion threshold: the top ``limit`` above a higher
        threshold are exactly the entries of this list at or above it."""
        if not await self._aliases():
            return []
        found: dict[str, float] = {}
        for key in keys:
            choices = self._candidates(key, cutoff)
            scored = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
            best = heapq.nlargest(limit, scored, key=itemgetter(1))
            if not best:
                continue
            # Candidates are grouped by length, so break ties at the edge by global index order.
            edge = best[-1][1]
            tied = [r for r in scored if r[1] >= edge]
            tied.sort(key=lambda r: (-r[1], self._alias_pos[r[0]]))
            for choice, score, _ in tied[:limit]:
                found[choice] = max(score, found.get(choice, 0.0))
        return list(found.items())

    async def _fuzzy(self, scores: list[tuple[str, float]], threshold: float, limit: int = 5) -> list[ActorBrief]:
        found = {choice: score for choice, score in scores if score >= threshold}
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
            scores = await self._fuzzy_scores(keys, min(FUZZY_THRESHOLD, SUGGEST_THRESHOLD))
            exact = await self._fuzzy(scores, FUZZY_THRESHOLD)
            if not exact:
                return ActorMatch("none", await self._fuzzy(scores, SUGGEST_THRESHOLD))
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
