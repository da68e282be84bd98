"""Subscription use cases: what a chat follows, with simple include/exclude filters.

`/subscribe санкции -нефть` and `/subscribe Lavrov +Syria`: the words before the first `+`/`-`
name the target, every `+TERM` / `-TERM` narrows it. Terms are resolved to tag or actor ids *at
subscribe time* with the same matching as /who and /tags, so delivery only compares ids (fast,
predictable) and no user text is ever interpreted as a pattern (no regular expressions from users).

Mute, digest and pause are per-chat settings; alerts that wait behind them stay in the outbox and
are released (pulled forward) when the chat lifts the setting, so nothing is lost.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analysis.gazetteer import lookup as gazetteer_lookup
from analysis.keys import search_key
from analysis.names import check_query
from analysis.topics import Topic, find_topic
from bot.services import schedule
from bot.services.matching import Matcher, tag_key
from storage.records import ArticleFull, ChatSettings, SubscriptionRow, TargetKind, TargetRef
from storage.repository import Storage

#: A chat following more than this is better served by reading the library; it also bounds work.
MAX_SUBSCRIPTIONS = 50
MAX_FILTERS = 5
MAX_TERM_CHARS = 80
MAX_MUTE_HOURS = 24 * 30

#: Letters (any script), digits, spaces and the punctuation names carry; everything else is dropped.
_ALLOWED = re.compile(r"[^\w\s.'’\-]", re.UNICODE)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")

Release = Callable[[int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A resolved tag or actor; ``label`` is what the user sees (canonical name)."""

    kind: TargetKind
    id: int
    label: str
    #: For an actor: person, organization or location (the icon on its button; not part of identity).
    sort: str = field(default="", compare=False)

    @property
    def ref(self) -> TargetRef:
        return TargetRef(self.kind, self.id)


@dataclass(frozen=True, slots=True)
class Resolution:
    """``ahead``: the target is a lexicon topic or a name the library has not seen yet, followed by
    its key so the first article that has it alerts."""

    status: Literal["exact", "ambiguous", "none"]
    candidates: tuple[Candidate, ...] = ()
    ahead: bool = False


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    target: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


class ParseError(ValueError):
    """The subscribe text is unusable; ``reason`` is an i18n key."""

    def __init__(self, reason: str, term: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.term = term


SubscribeStatus = Literal["created", "exists", "ambiguous", "not_found", "bad_filter", "too_many", "invalid"]


@dataclass(frozen=True, slots=True)
class SubscribeOutcome:
    status: SubscribeStatus
    target: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    include: tuple[Candidate, ...] = ()
    exclude: tuple[Candidate, ...] = ()
    #: The term that failed (not found / ambiguous filter) or the parse error key.
    term: str = ""
    reason: str = ""
    subscription_id: int | None = None
    #: The target has no article yet: the confirmation says so (alerts come with the first one).
    ahead: bool = False


@dataclass(frozen=True, slots=True)
class UnsubscribeOutcome:
    status: Literal["removed", "not_subscribed", "choose"]
    removed: tuple[str, ...] = ()
    choices: tuple[SubscriptionRow, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Listing:
    """What /subscriptions shows: the chat's settings, its subscriptions, their filters' targets."""

    settings: ChatSettings | None
    rows: list[SubscriptionRow]
    labels: dict[tuple[str, int], Candidate]


def clean_term(text: str) -> str:
    """What is left of a term after dropping characters names never contain."""
    return " ".join(_ALLOWED.sub(" ", text).split())[:MAX_TERM_CHARS]


def parse_subscribe(text: str) -> SubscribeRequest:
    """Split `TARGET [+TERM] [-TERM] ...`; a term may span words until the next `+`/`-`.

    A `-` inside a word (`Нью-Йорк`) is part of the word; only a leading sign starts a filter.
    """
    target: list[str] = []
    terms: list[tuple[str, list[str]]] = []
    for word in text.split():
        sign = word[0] if word[0] in "+-" else ""
        if sign:
            terms.append((sign, [word[1:]] if len(word) > 1 else []))
        elif terms:
            terms[-1][1].append(word)
        else:
            target.append(word)
    name = clean_term(" ".join(target))
    if not name:
        raise ParseError("sub_usage")
    if len(terms) > MAX_FILTERS:
        raise ParseError("sub_too_many_filters")
    include: list[str] = []
    exclude: list[str] = []
    for sign, words in terms:
        term = clean_term(" ".join(words))
        if not term:
            raise ParseError("sub_empty_filter", sign)
        (include if sign == "+" else exclude).append(term)
    return SubscribeRequest(name, tuple(include), tuple(exclude))


def valid_timezone(name: str) -> str | None:
    """The IANA name if Python knows it (`Europe/Moscow`), else None; `UTC` always works."""
    if name.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def parse_clock(text: str) -> str | None:
    """`9:00`, `09.30` -> `09:00` / `09:30` (the storage format), else None."""
    match = _TIME.match(text.strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def article_targets(full: ArticleFull) -> set[TargetRef]:
    return {TargetRef("tag", tg.tag_id) for tg in full.tags} | {TargetRef("actor", a.actor_id) for a in full.actors}


class Subscriptions:
    """Use cases behind /subscribe, /unsubscribe, /subscriptions, /mute, /unmute, /digest, /resume.

    ``release`` (the alert sender's) is awaited when a chat lifts a mute, digest or pause so its
    waiting alerts go out now instead of at their next scheduled re-check.
    """

    def __init__(self, storage: Storage, matcher: Matcher, *, release: Release | None = None,
                 now: Callable[[], float] = time.time) -> None:
        self.storage = storage
        self.matcher = matcher
        self.release = release
        self.now = now

    # ---------------------------------------------------------------- resolution

    async def resolve_ahead(self, query: str) -> Resolution:
        """Like :meth:`resolve`; a lexicon topic with no article yet becomes its (new, empty) tag, so
        the subscription is stored and fires on the first article about it."""
        found = await self.resolve(query)
        if found.status != "none":
            return found
        topic = find_topic(query)
        if topic is not None:
            return Resolution("exact", (await self.topic_candidate(topic),), ahead=True)
        if found.candidates:
            return found  # "did you mean": maybe the user means one of those
        checked = check_query(query)
        if checked.problem is not None:
            return found
        return Resolution("exact", (await self._follow_name(checked.text),), ahead=True)

    async def _follow_name(self, name: str) -> Candidate:
        """A person, organisation or place the library has not seen, followed by its search key: a
        name the gazetteer knows with all its names, anything else as a person with the typed name."""
        places = gazetteer_lookup(name)
        if len(places) == 1:
            place = places[0]
            names = place.names
            kind, label = place.kind, place.ru
        else:
            names = (name,)
            kind, label = "person", name
        aliases = [(n, search_key(n)) for n in names if search_key(n)]
        actor_id = await self.storage.follow_ahead(kind, label, search_key(label) or label.casefold(), aliases)
        return Candidate("actor", actor_id, label, kind)

    async def topic_candidate(self, topic: Topic) -> Candidate:
        """The tag of a lexicon topic, created empty if no article has it yet."""
        tag = await self.storage.ensure_tag(topic.name, topic.label_en, tag_key(topic.name),
                                            search_key(topic.label_en) or None)
        return Candidate("tag", tag.id, tag.name)

    async def resolve(self, query: str) -> Resolution:
        """A tag or an actor, like /tags and /who; a tag that merely repeats an actor yields the actor."""
        tags = await self.matcher.resolve_tag(query)
        actors = await self.matcher.resolve_actor(query)
        tag_cands = tuple(Candidate("tag", tg.id, tg.name) for tg in tags.tags)
        actor_cands = tuple(Candidate("actor", a.id, a.name, a.kind) for a in actors.actors)
        if tags.kind == "exact" and actors.kind == "exact":
            tag, actor = tag_cands[0], actor_cands[0]
            if search_key(tag.label) == search_key(actor.label):
                return Resolution("exact", (actor,))
            # The actor only counts as a rival if the user typed one of its names, not a near miss.
            if search_key(query) not in (search_key(actor.label), *[search_key(w) for w in actor.label.split()]):
                return Resolution("exact", (tag,))
            return Resolution("ambiguous", (tag, actor))
        if tags.kind == "exact":
            return Resolution("exact", tag_cands[:1])
        if actors.kind == "exact":
            return Resolution("exact", actor_cands[:1])
        if tags.kind == "ambiguous" or actors.kind == "ambiguous":
            found = (tag_cands if tags.kind == "ambiguous" else ()) + (
                actor_cands if actors.kind == "ambiguous" else ())
            return Resolution("ambiguous", found[:8])
        # Suggestions ("did you mean") from the fuzzy actor search.
        return Resolution("none", actor_cands[:5])

    # ---------------------------------------------------------------- subscribe

    async def subscribe(self, chat_id: int, user_id: int | None, text: str) -> SubscribeOutcome:
        try:
            request = parse_subscribe(text)
        except ParseError as exc:
            return SubscribeOutcome("invalid", reason=exc.reason, term=exc.term)
        include: list[Candidate] = []
        exclude: list[Candidate] = []
        for terms, into in ((request.include, include), (request.exclude, exclude)):
            for term in terms:
                found = await self.resolve_ahead(term)
                if found.status != "exact":
                    return SubscribeOutcome("bad_filter", term=term, candidates=found.candidates)
                into.append(found.candidates[0])
        target = await self.resolve_ahead(request.target)
        if target.status == "none":
            return SubscribeOutcome("not_found", term=request.target, candidates=target.candidates)
        if target.status == "ambiguous":
            return SubscribeOutcome("ambiguous", term=request.target, candidates=target.candidates,
                                    include=tuple(include), exclude=tuple(exclude))
        outcome = await self.subscribe_to(chat_id, user_id, target.candidates[0], include, exclude)
        if outcome.status == "created" and (target.ahead or await self._empty(target.candidates[0])):
            return dataclasses.replace(outcome, ahead=True)
        return outcome

    async def subscribe_topic(self, chat_id: int, user_id: int | None, topic: Topic) -> SubscribeOutcome:
        """Follow a lexicon topic (a button under "no articles yet"); says "ahead" while it has none."""
        candidate = await self.topic_candidate(topic)
        outcome = await self.subscribe_to(chat_id, user_id, candidate)
        tag = await self.storage.get_tag(candidate.id)
        if outcome.status == "created" and tag is not None and tag.articles == 0:
            return dataclasses.replace(outcome, ahead=True)
        return outcome

    async def subscribe_to(self, chat_id: int, user_id: int | None, target: Candidate,
                           include: Sequence[Candidate] = (), exclude: Sequence[Candidate] = ()) -> SubscribeOutcome:
        """Store a resolved subscription (also the second step after an ambiguity button)."""
        include = [c for c in include if c.ref != target.ref]
        exclude = [c for c in exclude if c.ref != target.ref]
        existing = await self.storage.list_subscriptions(chat_id)
        same = [s for s in existing if s.active and s.target_kind == target.kind and s.target_id == target.id]
        if not same and sum(1 for s in existing if s.active) >= MAX_SUBSCRIPTIONS:
            return SubscribeOutcome("too_many", target=target)
        try:
            sub_id, created = await self.storage.add_subscription(
                chat_id, target.kind, target.id, include=[c.ref for c in include],
                exclude=[c.ref for c in exclude], created_by=user_id, now=int(self.now()))
        except ValueError:  # the target was deleted since it was resolved (an old button)
            return SubscribeOutcome("not_found", term=target.label)
        return SubscribeOutcome("created" if created else "exists", target=target, include=tuple(include),
                                exclude=tuple(exclude), subscription_id=sub_id)

    async def _empty(self, target: Candidate) -> bool:
        """Whether a resolved target has no article yet (a topic or name followed ahead)."""
        if target.kind == "tag":
            tag = await self.storage.get_tag(target.id)
            return tag is not None and tag.articles == 0
        actors = await self.storage.actors_by_ids([target.id])
        return bool(actors) and actors[0].articles == 0

    async def candidate(self, kind: TargetKind, target_id: int) -> Candidate | None:
        """A button's target, re-read (it may have been deleted since the question was asked)."""
        if kind == "tag":
            tag = await self.storage.get_tag(target_id)
            return Candidate("tag", tag.id, tag.name) if tag else None
        actor = await self.storage.get_actor(target_id)
        return Candidate("actor", actor.id, actor.name, actor.kind) if actor else None

    # ---------------------------------------------------------------- unsubscribe / list

    async def list(self, chat_id: int) -> list[SubscriptionRow]:
        return [s for s in await self.storage.list_subscriptions(chat_id) if s.active]

    async def listing(self, chat_id: int) -> Listing:
        """The chat's active subscriptions with their filters resolved to (current) names."""
        rows = await self.list(chat_id)
        labels: dict[tuple[str, int], Candidate] = {}
        for ref in {r for s in rows for r in (*s.include, *s.exclude)}:
            found = await self.candidate(ref.kind, ref.id)
            if found is not None:
                labels[(ref.kind, ref.id)] = found
        return Listing(await self.settings(chat_id), rows, labels)

    async def unsubscribe(self, chat_id: int, text: str) -> UnsubscribeOutcome:
        """By the name as listed in /subscriptions first (cheap, no ambiguity), then by matching."""
        query = clean_term(text)
        subs = await self.list(chat_id)
        key = search_key(query)
        named = [s for s in subs if s.label and search_key(s.label) == key]
        if not named:
            found = await self.resolve(query)
            refs = {c.ref for c in found.candidates} if found.status != "none" else set()
            named = [s for s in subs if TargetRef(s.target_kind, s.target_id) in refs]
        if not named:
            return UnsubscribeOutcome("not_subscribed")
        if len(named) > 1:
            return UnsubscribeOutcome("choose", choices=tuple(named))
        sub = named[0]
        await self.storage.remove_subscription_by_id(chat_id, sub.id)
        return UnsubscribeOutcome("removed", removed=(sub.label or "?",))

    async def unsubscribe_id(self, chat_id: int, sub_id: int) -> str | None:
        """Remove one subscription of this chat; its label, or None if it was not there."""
        subs = {s.id: s for s in await self.list(chat_id)}
        sub = subs.get(sub_id)
        if sub is None or not await self.storage.remove_subscription_by_id(chat_id, sub_id):
            return None
        return sub.label or "?"

    async def unsubscribe_article(self, chat_id: int, article_id: int) -> UnsubscribeOutcome:
        """`/unsubscribe` as a reply to an alert: the subscriptions that article matched."""
        full = await self.storage.get_article(article_id)
        if full is None:
            return UnsubscribeOutcome("not_subscribed")
        present = article_targets(full)
        named = [s for s in await self.list(chat_id) if TargetRef(s.target_kind, s.target_id) in present]
        if not named:
            return UnsubscribeOutcome("not_subscribed")
        if len(named) > 1:
            return UnsubscribeOutcome("choose", choices=tuple(named))
        await self.storage.remove_subscription_by_id(chat_id, named[0].id)
        return UnsubscribeOutcome("removed", removed=(named[0].label or "?",))

    # ---------------------------------------------------------------- delivery settings

    async def settings(self, chat_id: int) -> ChatSettings | None:
        return await self.storage.get_chat_settings(chat_id)

    async def mute(self, chat_id: int, hours: float) -> int:
        """Hold alerts until now + hours; returns the unix time they resume."""
        hours = min(max(hours, 0.0), MAX_MUTE_HOURS)
        until = int(self.now() + hours * 3600)
        await self.storage.set_muted_until(chat_id, until)
        return until

    async def unmute(self, chat_id: int) -> None:
        await self.storage.set_muted_until(chat_id, None)
        await self._release(chat_id)

    async def set_digest(self, chat_id: int, clock: str | None, tz: str = "UTC") -> None:
        """`clock` None switches back to instant alerts (and releases what waited for the digest)."""
        await schedule.set_digest(self.storage.chats, chat_id, clock, tz)
        if clock is None:
            await self._release(chat_id)

    async def pause(self, chat_id: int) -> None:
        await self.storage.set_paused(chat_id, True)

    async def resume(self, chat_id: int) -> bool:
        """Lift a pause set after Telegram's 403; False if the chat was not paused."""
        settings = await self.storage.get_chat_settings(chat_id)
        if settings is None or not settings.paused:
            return False
        await self.storage.set_paused(chat_id, False)
        await self._release(chat_id)
        return True

    async def _release(self, chat_id: int) -> None:
        if self.release is not None:
            await self.release(chat_id)


def chat_zone(settings: ChatSettings | None, default_zone: str) -> str:
    """The zone a chat's times are shown in: the one it named with /digest, else DEFAULT_TIMEZONE
    (a chat that never named one is stored as UTC, so UTC there means "not chosen")."""
    return settings.tz if settings is not None and settings.tz and settings.tz != "UTC" else default_zone


def local_time(ts: float, tz: str) -> str:
    """`HH:MM` of a unix time in the chat's time zone (for confirmations)."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.fromtimestamp(ts, zone).strftime("%d.%m %H:%M")
