"""Typed results of article analysis.

These dataclasses are the only thing the rest of Dossier knows about the NLP: storage persists
them, the renderer prints them, `python -m bot analyze --json` serialises them. They are plain,
picklable values so they can cross the process boundary from an analysis worker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ActorKind = Literal["person", "organization", "location"]
ClaimKind = Literal["quote", "reported"]
#: How the text referred to a claim's speaker (a contract of `analyze --json`).
SpeakerRef = Literal["name", "pronoun", "role", "continuation", "outlet", "anonymous"]
TagOrigin = Literal["explicit", "topic", "actor"]

#: Text beyond this many characters is not analysed (the article is still stored whole).
DEFAULT_MAX_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Actor:
    """One real-world actor of an article, all its mentions merged."""

    name: str
    kind: ActorKind
    mentions: int
    role: str | None = None
    aliases: tuple[str, ...] = ()
    #: What the article reports the actor doing (sentences where it is the subject), not what it says.
    actions: tuple[str, ...] = ()
    #: The English form a reader of the English interface sees first (``analysis.english``): a
    #: Latin form the text gives or the gazetteer's English name (``name_en_attested``), else the
    #: transcription of the Russian name; None when there is neither.
    name_en: str | None = None
    name_en_attested: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """Something an actor (or an unnamed source) said or is reported to have said.

    ``speaker`` is the speaker as a reader should see it: the canonical actor name when the speaker
    was resolved to an actor, else the source as the text words it ("анонимный источник").
    ``actor`` is the canonical actor name, or None for unnamed sources.
    ``speaker_ref`` says how the text referred to the speaker ("добавил он" is "pronoun"), so a
    reader can weigh a resolved reference; ``negated`` is True when the frame denies the statement
    ("не думает, что ...", "опроверг, что ..."): the text is what was denied.
    """

    speaker: str | None
    text: str
    kind: ClaimKind
    actor: str | None = None
    sentence: int = 0
    speaker_ref: SpeakerRef = "name"
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Tag:
    """A lowercase tag; ``name`` is Russian for topics, ``label_en`` the English label if known."""

    name: str
    label_en: str | None
    origin: TagOrigin
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """Everything Dossier files about one article."""

    title: str | None
    source: str | None
    via: str | None
    lead: str | None
    summary: list[str]
    actors: list[Actor]
    claims: list[Claim]
    tags: list[Tag]
    language: str
    truncated: bool = False
    chars: int = 0
    notes: list[str] = field(default_factory=list)
    #: The text the analysis read: the page's chrome (stamps, share prompts, trailing blocks)
    #: removed. Stored beside the raw text so search indexes and quotes it, never the chrome.
    body: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `analyze --json` shape (a contract: fields may be added, never renamed)."""
        data = asdict(self)
        data["actors"] = [{**asdict(a), "aliases": list(a.aliases), "actions": list(a.actions)} for a in self.actors]
        data.pop("body", None)  # the whole text again: not part of the JSON Lines shape
        return data


@dataclass(frozen=True, slots=True)
class Rejection:
    """Input that cannot be analysed at all (empty, binary...), with a reason a user can read."""

    error: str

    def to_json(self) -> dict[str, Any]:
        return {"error": self.error}


AnalysisResult = ArticleAnalysis | Rejection
