"""The mutable working state the pipeline steps hand to each other.

natasha's own design: one document object that every step enriches. Keeping it in one place means
a step never re-runs an upstream model (the morph pass is the expensive part) and tests can feed a
step a hand-made state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.model import Actor, ActorKind, Claim, Tag


@dataclass(slots=True)
class Token:
    """A word with the morphology natasha assigned in context."""

    text: str
    start: int
    stop: int
    pos: str
    feats: dict[str, str]
    lemma: str
    sent: int
    #: Syntax (filled by `parse.parse_syntax`): index of the head token in State.tokens, -1 for the root.
    head: int = -1
    rel: str = ""

    @property
    def case(self) -> str | None:
        return self.feats.get("Case")


@dataclass(slots=True)
class Sentence:
    start: int
    stop: int
    text: str
    first_token: int
    stop_token: int


@dataclass(slots=True)
class Mention:
    """One NER span after repair: normalised name, kind, token range [first, stop)."""

    kind: ActorKind
    name: str
    start: int
    stop: int
    first: int
    stop_token: int
    sent: int
    actor: int = -1
    alias: str | None = None
    nominative: bool = False


@dataclass(slots=True)
class ActorDraft:
    """An actor while mentions are still being merged into it."""

    name: str
    kind: ActorKind
    first: int
    mentions: int = 0
    variants: list[str] = field(default_factory=list)
    role: str | None = None
    actions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Cleaned:
    """What `clean` learned from the raw text besides the body itself."""

    title: str | None
    body: str
    source: str | None
    via: str | None
    explicit_tags: list[str]
    notes: list[str]


@dataclass(slots=True)
class State:
    """Everything known about one article; each step reads what earlier ones wrote."""

    text: str
    body_offset: int
    cleaned: Cleaned
    tokens: list[Token] = field(default_factory=list)
    sents: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    actors: list[ActorDraft] = field(default_factory=list)
    #: natasha's Doc (tokens, morphology, syntax, NER spans) for the steps that need the raw model output.
    doc: Any = None
    #: Outlets named by the page (source, via): reported speech of theirs is not an actor's claim.
    outlets: set[str] = field(default_factory=set)
    #: Results, filled by the last steps.
    claims: list[Claim] = field(default_factory=list)
    ranked: list[Actor] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    lead: str | None = None
    summary: list[str] = field(default_factory=list)

    def tokens_between(self, start: int, stop: int) -> list[Token]:
        return [t for t in self.tokens if t.start >= start and t.stop <= stop]
