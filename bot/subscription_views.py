"""Views of /subscribe, /unsubscribe, /subscriptions and the delivery settings (mute, digest)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from bot.i18n import Lang, t
from bot.keyboards import View, pick_keyboard, unsubscribe_keyboard
from bot.render import html, truncate
from bot.services.subscriptions import (
    MAX_FILTERS,
    MAX_SUBSCRIPTIONS,
    Candidate,
    Listing,
    SubscribeOutcome,
    UnsubscribeOutcome,
    local_time,
)

#: The user's subscribe text is echoed back cut to this width.
TERM_CHARS = 60
#: A time zone the user typed is echoed back cut to this width.
ZONE_CHARS = 40


def target(c: Candidate) -> Markup:
    """A tag as `#name`, an actor in bold."""
    return html("#{}", c.label) if c.kind == "tag" else html("<b>{}</b>", c.label)


def _label(kind: str, label: str | None) -> Markup:
    return html("#{}", label or "?") if kind == "tag" else html("<b>{}</b>", label or "?")


def filters(language: Lang, include: Sequence[Candidate], exclude: Sequence[Candidate]) -> Markup:
    text = Markup("")
    if include:
        text += t(language, "sub_with", items=Markup(", ").join(target(c) for c in include))
    if exclude:
        text += t(language, "sub_without", items=Markup(", ").join(target(c) for c in exclude))
    return text


def subscribe_outcome(outcome: SubscribeOutcome, language: Lang, pick: int | None = None) -> View:
    """The answer to /subscribe (or a pick button); ``pick`` numbers the filters waiting for a choice."""
    shown = truncate(outcome.term, TERM_CHARS)
    if outcome.status in ("created", "exists") and outcome.target is not None:
        key = "sub_created" if outcome.status == "created" else "sub_exists"
        if outcome.ahead:
            key = "sub_ahead"
        return View(t(language, key, target=target(outcome.target),
                      filters=filters(language, outcome.include, outcome.exclude)))
    if outcome.status == "ambiguous":
        return View(t(language, "sub_ambiguous", query=shown), pick_keyboard(outcome.candidates, pick or 0))
    if outcome.status == "not_found":
        text = t(language, "sub_not_found", query=shown)
        if outcome.candidates:
            return View(text + Markup("\n") + t(language, "who_suggest"), pick_keyboard(outcome.candidates, pick or 0))
        return View(text)
    if outcome.status == "bad_filter":
        return View(t(language, "sub_bad_filter", query=shown))
    if outcome.status == "too_many":
        return View(t(language, "sub_too_many", max=MAX_SUBSCRIPTIONS))
    return View(t(language, outcome.reason or "sub_usage", max=MAX_FILTERS, sign=outcome.term))


def needs_pick(outcome: SubscribeOutcome) -> bool:
    """Whether the answer offers candidate buttons (then its filters must wait in chat_data)."""
    return outcome.status == "ambiguous" or (outcome.status == "not_found" and bool(outcome.candidates))


def unsubscribe_outcome(outcome: UnsubscribeOutcome, language: Lang) -> View:
    if outcome.status == "removed":
        return View(t(language, "sub_removed", target=", ".join(outcome.removed)))
    if outcome.status == "choose":
        return View(t(language, "sub_choose"), unsubscribe_keyboard(list(outcome.choices)))
    return View(t(language, "sub_not_subscribed"))


def removed(label: str | None, language: Lang) -> View:
    return View(t(language, "sub_removed", target=label) if label is not None else t(language, "sub_not_subscribed"))


def listing(found: Listing, language: Lang, now: float, zone: str = "UTC") -> View:
    """/subscriptions: the chat's delivery state, then each subscription with its filters; a mute's
    end is shown in ``zone`` (the chat's, see :func:`bot.services.subscriptions.chat_zone`)."""
    lines: list[str] = []
    settings = found.settings
    if settings is not None:
        if settings.paused:
            lines.append(t(language, "sub_status_paused"))
        if settings.muted_until and settings.muted_until > now:
            lines.append(t(language, "sub_status_muted", until=local_time(settings.muted_until, zone), tz=zone))
        if settings.digest_time:
            lines.append(t(language, "sub_status_digest", time=settings.digest_time, tz=settings.tz))
    if not found.rows:
        return View("\n".join([*lines, t(language, "sub_list_empty")]))
    lines.insert(0, t(language, "sub_list_head"))
    for s in found.rows:
        extra = ""
        if s.include:
            extra += " +" + " +".join(_ref(found, r.kind, r.id) for r in s.include)
        if s.exclude:
            extra += " −" + " −".join(_ref(found, r.kind, r.id) for r in s.exclude)
        lines.append(f"• {_label(s.target_kind, s.label)}{extra}")
    return View("\n".join(lines), unsubscribe_keyboard(found.rows))


def _ref(found: Listing, kind: str, ref_id: int) -> str:
    c = found.labels.get((kind, ref_id))
    return target(c) if c is not None else "?"


def muted(until: float, zone: str, language: Lang) -> View:
    """The /mute confirmation, with the end in the chat's zone and that zone named."""
    return View(t(language, "muted", until=local_time(until, zone), tz=zone))


def digest_on(clock: str, tz: str, language: Lang) -> View:
    return View(t(language, "digest_on", time=clock, tz=tz))


def bad_zone(zone: str, language: Lang) -> View:
    return View(t(language, "digest_bad_tz", tz=truncate(zone, ZONE_CHARS)))
