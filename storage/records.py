"""Plain values that storage hands out and takes in.

Every row type is a frozen, slotted dataclass so callers (service layer, renderer, alert worker)
can cache and share them without worrying that someone mutates a row behind their back, and so
nothing outside storage/ ever sees a sqlite3.Row or a column name. Timestamps are unix seconds.
Collections are tuples for the same immutability reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OriginKind = Literal["channel", "user", "hidden_user", "chat", "paste", "document", "link", "import", "feed"]
ArticleStatus = Literal["pending", "done", "failed"]
MemberRole = Literal["owner", "member"]
TargetKind = Literal["tag", "actor"]
OutboxStatus = Literal["pending", "sent", "failed"]


# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A raw article as received, saved BEFORE analysis so nothing is lost if analysis crashes.

    ``origin_*`` describe where the text first appeared (the forwarded-from channel/user);
    ``added_*`` describe the message through which a member gave it to the bot.
    """

    text: str
    origin_kind: OriginKind
    added_by: int | None
    added_at: int
    added_chat_id: int | None = None
    added_message_id: int | None = None
    origin_chat_id: int | None = None
    origin_chat_title: str | None = None
    origin_chat_username: str | None = None
    origin_message_id: int | None = None
    origin_date: int | None = None
    url: str | None = None
    title: str | None = None
    #: The article's own date when the writer knows it better than ``origin_date`` (a link's page
    #: date); None takes ``origin_date`` (migration 007's trigger).
    published_at: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One stored article with its raw text and provenance (what re-analysis needs)."""

    id: int
    text: str
    text_hash: str
    title: str | None
    source: str | None
    via: str | None
    lead: str | None
    summary: tuple[str, ...]
    language: str | None
    truncated: bool
    origin_kind: OriginKind
    origin_chat_id: int | None
    origin_chat_title: str | None
    origin_chat_username: str | None
    origin_message_id: int | None
    origin_date: int | None
    url: str | None
    added_by: int | None
    added_chat_id: int | None
    added_message_id: int | None
    added_at: int
    analyzed_at: int | None
    status: ArticleStatus
    error: str | None
    #: When the article itself appeared (the post's date, a link's page date); None for a pasted
    #: text or a document. Timelines use it; ``added_at`` is only when it was filed.
    published_at: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleBrief:
    """Enough to list an article in a result page without loading its text."""

    id: int
    title: str | None
    source: str | None
    added_at: int
    status: ArticleStatus
    origin_chat_title: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleActor:
    """An actor as it appears in one article: role in THAT article, mention count there."""

    actor_id: int
    name: str
    kind: str
    role: str | None
    mentions: int
    #: What the article reports the actor doing (sentences where it is the subject), in text order.
    actions: tuple[str, ...] = ()
    #: The actor's English form (migration 008; the English interface shows it first).
    name_en: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleClaim:
    """A claim inside one article, in text order."""

    id: int
    actor_id: int | None
    speaker: str | None
    text: str
    kind: str
    position: int
    #: How the text referred to the speaker: name, pronoun, role, continuation, outlet, anonymous.
    speaker_ref: str = "name"
    #: The frame denies the stored words ("не думает, что ...").
    negated: bool = False


@dataclass(frozen=True, slots=True)
class ArticleTag:
    tag_id: int
    name: str
    label_en: str | None
    origin: str
    score: float


@dataclass(frozen=True, slots=True)
class ArticleFull:
    """An article with everything the card shows (actors by mentions desc, claims in text order)."""

    article: ArticleRow
    actors: tuple[ArticleActor, ...]
    claims: tuple[ArticleClaim, ...]
    tags: tuple[ArticleTag, ...]


@dataclass(frozen=True, slots=True)
class LibraryStats:
    articles: int
    actors: int
    claims: int
    tags: int
    last_added_at: int | None
    pending: int
    failed: int


# --------------------------------------------------------------------------------------------
# Actors & claims
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActorBrief:
    """An actor with library-wide counts: ``articles`` distinct articles, ``mentions`` summed."""

    id: int
    kind: str
    name: str
    role: str | None
    articles: int
    mentions: int
    #: The actor's English form (migration 008; the English interface shows it first).
    name_en: str | None = None


@dataclass(frozen=True, slots=True)
class ActorRow:
    """An actor and all its stored aliases (original spelling)."""

    id: int
    kind: str
    name: str
    role: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim with the article it came from, for dossiers and claim listings."""

    id: int
    article_id: int
    article_title: str | None
    article_added_at: int
    actor_id: int | None
    speaker: str | None
    text: str
    kind: str
    position: int
    speaker_ref: str = "name"
    negated: bool = False


@dataclass(frozen=True, slots=True)
class ActionRow:
    """Something an article reports an actor doing (not saying), with the article it came from."""

    article_id: int
    article_title: str | None
    article_added_at: int
    text: str


@dataclass(frozen=True, slots=True)
class RoleCount:
    role: str
    articles: int


@dataclass(frozen=True, slots=True)
class CoMention:
    """Another actor appearing in the same articles; ``articles`` = shared article count."""

    actor_id: int
    name: str
    kind: str
    articles: int


@dataclass(frozen=True, slots=True)
class ActorDossier:
    actor: ActorBrief
    aliases: tuple[str, ...]
    roles: tuple[RoleCount, ...]
    articles: int
    first_seen: int | None
    last_seen: int | None
    claims: tuple[ClaimRow, ...]
    claims_total: int
    co_mentioned: tuple[CoMention, ...]
    latest_articles: tuple[ArticleBrief, ...]
    actions: tuple[ActionRow, ...] = ()


# --------------------------------------------------------------------------------------------
# Tags & search
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagBrief:
    id: int
    name: str
    label_en: str | None
    articles: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result. ``snippet`` is a list of (text, is_match) segments of the ORIGINAL text,
    so the renderer escapes every segment and bolds the matches itself (no HTML from storage)."""

    article_id: int
    title: str | None
    added_at: int
    snippet: tuple[tuple[str, bool], ...]


# --------------------------------------------------------------------------------------------
# Members, chats, subscriptions, outbox
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    role: MemberRole
    name: str | None
    added_by: int | None
    added_at: int


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """Per-chat delivery settings. ``digest_time`` set => alerts wait for the daily digest."""

    chat_id: int
    type: str | None
    title: str | None
    language: str | None
    muted_until: int | None
    digest_time: str | None
    tz: str
    paused: bool
    last_digest_at: int | None


@dataclass(frozen=True, slots=True)
class TargetRef:
    """A subscription target or include/exclude condition: a tag id or an actor id."""

    kind: TargetKind
    id: int


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    """A subscription; ``label`` is the tag name or actor name (None if the target vanished)."""

    id: int
    chat_id: int
    target_kind: TargetKind
    target_id: int
    label: str | None
    include: tuple[TargetRef, ...]
    exclude: tuple[TargetRef, ...]
    created_by: int | None
    created_at: int
    active: bool


@dataclass(frozen=True, slots=True)
class MatchedTarget:
    """Why an alert fires: one subscribed target present on the article."""

    kind: TargetKind
    id: int
    label: str


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One alert to deliver: article ``article_id`` to chat ``chat_id``, at most once."""

    id: int
    chat_id: int
    article_id: int
    article_title: str | None
    matched: tuple[MatchedTarget, ...]
    status: OutboxStatus
    attempts: int
    next_attempt_at: int
    last_error: str | None
    created_at: int
    sent_at: int | None
    telegram_message_id: int | None


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int
    sent: int
    failed: int


# --------------------------------------------------------------------------------------------
# Filing an analysis: the values bot/services compute for storage (keys, decisions, alerts)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActorKeys:
    """Look-up keys of one analysed actor, computed by the identity service (storage never
    computes a key). ``key`` is the canonical name's key and never empty; ``aliases`` are the
    (alias text, key) pairs to record, the name included; ``alias_keys`` the keys of the aliases
    only; ``surname_keys`` the keys a surname-only actor of this person would carry."""

    key: str
    aliases: tuple[tuple[str, str], ...]
    alias_keys: tuple[str, ...] = ()
    surname_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TagKeys:
    """A tag as stored: its normalised ``name``, the ``key`` of the name, ``key_en`` of the
    English label (None without one)."""

    name: str
    key: str
    key_en: str | None


@dataclass(frozen=True, slots=True)
class ActorDecision:
    """Which stored actor an analysed actor is: ``actor_id`` None files a new one; ``rename``
    gives the existing actor the analysed actor's name and key (a surname-only actor absorbed by
    the full name)."""

    actor_id: int | None
    rename: bool = False


@dataclass(frozen=True, slots=True)
class SubscriptionCandidate:
    """An active subscription whose target is on the article being filed."""

    id: int
    chat_id: int
    target: TargetRef
    include: tuple[TargetRef, ...]
    exclude: tuple[TargetRef, ...]
    chat_paused: bool


@dataclass(frozen=True, slots=True)
class Alert:
    """One outbox row to create: the article goes to ``chat_id`` because of ``matched``."""

    chat_id: int
    matched: tuple[MatchedTarget, ...]


# --------------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feed:
    channel_id: int
    username: str | None
    title: str | None
    enabled: bool
    added_by: int | None
    added_at: int


JobStatus = Literal["queued", "done", "failed"]


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """An analysis job a worker just claimed: what it needs to analyse the article."""

    article_id: int
    text: str
    origin: str | None
    alerts: bool
    #: Claims so far, this one included (1 on the first try).
    attempts: int


@dataclass(frozen=True, slots=True)
class JobState:
    """Where an article's analysis job stands (the bot side waits for it to leave "queued")."""

    article_id: int
    status: JobStatus
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class JobCounts:
    queued: int
    claimed: int
    done: int
    failed: int


__all__ = [
    "ActionRow",
    "ActorBrief",
    "ActorDecision",
    "ActorDossier",
    "ActorKeys",
    "ActorRow",
    "Alert",
    "ArticleActor",
    "ArticleBrief",
    "ArticleClaim",
    "ArticleFull",
    "ArticleRow",
    "ArticleStatus",
    "ArticleTag",
    "ChatSettings",
    "ClaimRow",
    "ClaimedJob",
    "CoMention",
    "Feed",
    "JobCounts",
    "JobState",
    "JobStatus",
    "LibraryStats",
    "MatchedTarget",
    "Member",
    "MemberRole",
    "NewArticle",
    "OriginKind",
    "OutboxCounts",
    "OutboxRow",
    "OutboxStatus",
    "Period",
    "RoleCount",
    "SearchHit",
    "SubscriptionCandidate",
    "SubscriptionRow",
    "TagBrief",
    "TagKeys",
    "TargetKind",
    "TargetRef",
]


@dataclass(frozen=True, slots=True)
class Period:
    """Article dates from ``since`` to ``until`` (unix seconds, inclusive; None: open)."""

    since: int | None = None
    until: int | None = None

    @property
    def open(self) -> bool:
        return self.since is None and self.until is None

    def contains(self, ts: int | None) -> bool:
        if ts is None:
            return self.open
        return (self.since is None or ts >= self.since) and (self.until is None or ts <= self.until)


# ------------------------------------------------------------------------------------ pictures

#: A span of the articles' own dates in unix seconds, ``start <= published_at < end``.
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ActorCount:
    """An actor of a network with the number of articles behind it (shared with the centre for an
    actor's network, in the window for the library-wide one)."""

    actor_id: int
    name: str
    kind: str
    articles: int


@dataclass(frozen=True, slots=True)
class EgoRows:
    """An actor's network as stored: the centre's article count, its most co-mentioned actors,
    the pairs among them (counted in the centre's articles), every node's article count."""

    center_articles: int
    #: The centre's articles the network was counted in (its newest, at most the window).
    considered: int
    neighbours: list[ActorCount]
    pairs: dict[tuple[int, int], int]
    sizes: dict[int, int]


@dataclass(frozen=True, slots=True)
class LibraryRows:
    """The library-wide network: the most mentioned actors of the window and their pairs."""

    articles: int  # articles the network was counted in (at most the window)
    total: int  # articles in the span (or the library)
    actors: list[ActorCount]
    pairs: dict[tuple[int, int], int]


@dataclass(frozen=True, slots=True)
class TargetDates:
    """When a target's (or the library's) dated articles start and end, and how many are undated."""

    first: int | None
    last: int | None
    dated: int
    total: int

    @property
    def undated(self) -> int:
        return self.total - self.dated


@dataclass(frozen=True, slots=True)
class Claimed:
    """An inbox update a replica's dispatcher now holds: it handles it, then marks it done."""

    update_id: int
    chat_id: int
    payload: str


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A raw update to store in the inbox, with its lane (see bot/lanes.py)."""

    update_id: int
    payload: str
    chat_id: int = 0
    part: bool = False
