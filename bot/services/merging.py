"""/merge and /unmerge: analysts correct the library when one real actor was filed as two.

``/merge A B`` makes B part of A (A's name stays; B's names become A's aliases; mentions, claims and
subscriptions move; later articles naming B reach A through those aliases, a full name by identity
rule 1b). ``/unmerge A`` undoes the latest merge into A. Every merge is logged with who and when (the
``actor_merges`` table, and one log line), members may merge, and only the owner may undo a merge someone else made.

Refused, with a reason and nothing changed: an actor with itself, a person with a place or body
(different kinds of thing; an organisation and a place may merge, NER often confuses them), names that
do not resolve to exactly one actor each, and undoing what was never merged.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.services.matching import ActorMatch, Matcher
from storage.merges import MergeRow
from storage.protocols import MergeStore
from storage.records import ActorBrief
from storage.repository import Storage

log = logging.getLogger(__name__)

#: Explicit separators between the two names of /merge ("Тереза Мэй | Theresa May").
_SEPARATOR = re.compile(r"\s*(?:\||,|;|→|->|\s\+\s|\sи\s|\sand\s|\sс\s|\swith\s)\s*", re.IGNORECASE)
MAX_MERGE_CHARS = 300

MergeStatus = Literal["merged", "usage", "same", "kinds", "not_found", "ambiguous", "split"]
UnmergeStatus = Literal["unmerged", "usage", "not_found", "ambiguous", "never", "forbidden"]


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    status: MergeStatus
    survivor: ActorBrief | None = None
    absorbed: ActorBrief | None = None
    term: str = ""
    candidates: tuple[ActorBrief, ...] = ()
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class UnmergeOutcome:
    status: UnmergeStatus
    survivor: ActorBrief | None = None
    merge: MergeRow | None = None
    term: str = ""
    candidates: tuple[ActorBrief, ...] = ()
    problem: str | None = None


def _kinds_compatible(a: str, b: str) -> bool:
    return a == b or (a != "person" and b != "person")


class Merging:
    """The use cases behind /merge and /unmerge."""

    def __init__(self, storage: Storage, matcher: Matcher, *, now: Callable[[], float] = time.time) -> None:
        self.storage = storage
        self.matcher = matcher
        self.merges: MergeStore = storage.merges
        self.now = now

    async def _split(self, text: str) -> tuple[tuple[str, ActorMatch], tuple[str, ActorMatch]] | MergeOutcome:
        """The two names: by an explicit separator, else the one split point where both halves name
        exactly one actor each."""
        parts = [p for p in _SEPARATOR.split(text, maxsplit=1) if p.strip()]
        if len(parts) == 2:
            a, b = parts
            return (a, await self.matcher.resolve_actor(a)), (b, await self.matcher.resolve_actor(b))
        words = text.split()
        if len(words) < 2:
            return MergeOutcome("usage")
        found = []
        for cut in range(1, len(words)):
            a, b = " ".join(words[:cut]), " ".join(words[cut:])
            ma, mb = await self.matcher.resolve_actor(a), await self.matcher.resolve_actor(b)
            if ma.kind == "exact" and mb.kind == "exact":
                found.append(((a, ma), (b, mb)))
        if len(found) == 1:
            return found[0]
        if not found and len(words) == 2:
            a, b = words
            return (a, await self.matcher.resolve_actor(a)), (b, await self.matcher.resolve_actor(b))
        return MergeOutcome("split")

    async def merge(self, text: str, user_id: int | None) -> MergeOutcome:
        text = " ".join(text.split())
        if not text:
            return MergeOutcome("usage")
        if len(text) > MAX_MERGE_CHARS:
            return MergeOutcome("usage", problem="too_long")
        split = await self._split(text)
        if isinstance(split, MergeOutcome):
            return split
        for term, match in split:
            if match.problem is not None:
                return MergeOutcome("not_found", term=term, problem=match.problem)
            if match.kind == "ambiguous":
                return MergeOutcome("ambiguous", term=term, candidates=tuple(match.actors))
            if match.kind != "exact":
                return MergeOutcome("not_found", term=term, candidates=tuple(match.actors))
        survivor, absorbed = split[0][1].actor, split[1][1].actor
        if survivor.id == absorbed.id:
            return MergeOutcome("same", survivor, absorbed)
        if not _kinds_compatible(survivor.kind, absorbed.kind):
            return MergeOutcome("kinds", survivor, absorbed)
        merge_id = await self.merges.merge_actors(survivor.id, absorbed.id, by=user_id, now=int(self.now()))
        log.info("merge %d: user %s merged actor %d into %d", merge_id, user_id, absorbed.id, survivor.id)
        refreshed = await self.storage.actors_by_ids([survivor.id])
        return MergeOutcome("merged", refreshed[0] if refreshed else survivor, absorbed)

    async def unmerge(self, text: str, user_id: int | None, *, is_owner: bool) -> UnmergeOutcome:
        text = " ".join(text.split())
        if not text:
            return UnmergeOutcome("usage")
        match = await self.matcher.resolve_actor(text)
        if match.problem is not None:
            return UnmergeOutcome("not_found", term=text, problem=match.problem)
        if match.kind == "ambiguous":
            return UnmergeOutcome("ambiguous", term=text, candidates=tuple(match.actors))
        if match.kind != "exact":
            return UnmergeOutcome("not_found", term=text, candidates=tuple(match.actors))
        actor = match.actor
        merges = await self.merges.active_merges(actor.id)
        if not merges:
            return UnmergeOutcome("never", actor, term=text)
        latest = merges[0]
        if latest.merged_by != user_id and not is_owner:
            return UnmergeOutcome("forbidden", actor, latest, term=text)
        if not await self.merges.unmerge(latest.id, by=user_id, now=int(self.now())):
            return UnmergeOutcome("never", actor, term=text)
        log.info("unmerge %d: user %s split actor %d from %d", latest.id, user_id, latest.absorbed_id, actor.id)
        return UnmergeOutcome("unmerged", actor, latest, term=text)
