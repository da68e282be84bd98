"""/subscribe, /unsubscribe, /subscriptions, /mute, /unmute, /digest, /resume and their buttons.

Everything is per CHAT: a member subscribing in a group subscribes the group (the group gets the
alerts). Button data stays far below Telegram's 64 bytes: `sub:<t|a>:<id>:<n>` (n indexes the
filters waiting in chat_data), `uns:<subscription id>`, `resume`.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    TypeHandler,
)

from bot.alerts import ALERTS_KEY, AlertSender
from bot.i18n import Lang, t
from bot.render import esc, truncate
from bot.services.subscriptions import (
    MAX_FILTERS,
    MAX_SUBSCRIPTIONS,
    Candidate,
    SubscribeOutcome,
    Subscriptions,
    UnsubscribeOutcome,
    local_time,
    parse_clock,
    valid_timezone,
)
from handlers.common import args_text, lang, reply, services
from storage.records import SubscriptionRow, TargetKind, TargetRef

_PICKS_KEY = "dossier.subpick"
_NOTICED_KEY = "dossier.paused_noticed"
_ALERT_REF = re.compile(r"#(\d+)")
_KIND_CODE: dict[TargetKind, str] = {"tag": "t", "actor": "a"}
_CODE_KIND: dict[str, TargetKind] = {"t": "tag", "a": "actor"}
_CARD_BUTTON = re.compile(r"^art:(\d+)$")
#: Runs after the regular handlers, so the "alerts are paused" note follows the normal answer.
NOTICE_GROUP = 1
DEFAULT_DIGEST_TIME = "09:00"


def subscriptions(context: ContextTypes.DEFAULT_TYPE) -> Subscriptions:
    svc = services(context)
    sender: AlertSender | None = context.application.bot_data.get(ALERTS_KEY)
    return Subscriptions(svc.storage, svc.library.matcher, release=sender.release if sender else None)


def _chat_id(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def _show(c: Candidate) -> str:
    return f"#{esc(c.label)}" if c.kind == "tag" else f"<b>{esc(c.label)}</b>"


def _filters(language: Lang, include: tuple[Candidate, ...], exclude: tuple[Candidate, ...]) -> str:
    text = ""
    if include:
        text += t(language, "sub_with", items=", ".join(_show(c) for c in include))
    if exclude:
        text += t(language, "sub_without", items=", ".join(_show(c) for c in exclude))
    return text


def _pick_buttons(context: ContextTypes.DEFAULT_TYPE, outcome: SubscribeOutcome) -> InlineKeyboardMarkup:
    """Remember the resolved filters under a small number and offer each candidate as a button."""
    picks: dict[int, tuple[tuple[Candidate, ...], tuple[Candidate, ...]]] = (
        context.chat_data.setdefault(_PICKS_KEY, {}) if context.chat_data is not None else {})
    number = (max(picks) + 1) % 1000 if picks else 0
    picks[number] = (outcome.include, outcome.exclude)
    while len(picks) > 20:
        del picks[min(picks)]
    rows = []
    for c in outcome.candidates:
        mark = "#" if c.kind == "tag" else "👤 "
        rows.append([InlineKeyboardButton(truncate(mark + c.label, 60),
                                          callback_data=f"sub:{_KIND_CODE[c.kind]}:{c.id}:{number}")])
    return InlineKeyboardMarkup(rows)


async def _answer_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: SubscribeOutcome) -> None:
    language = lang(update)
    shown = esc(truncate(outcome.term, 60))
    if outcome.status in ("created", "exists") and outcome.target is not None:
        key = "sub_created" if outcome.status == "created" else "sub_exists"
        await reply(update, t(language, key, target=_show(outcome.target),
                              filters=_filters(language, outcome.include, outcome.exclude)))
    elif outcome.status == "ambiguous":
        await reply(update, t(language, "sub_ambiguous", query=shown), keyboard=_pick_buttons(context, outcome))
    elif outcome.status == "not_found":
        text = t(language, "sub_not_found", query=shown)
        if outcome.candidates:
            await reply(update, text + "\n" + t(language, "who_suggest"), keyboard=_pick_buttons(context, outcome))
        else:
            await reply(update, text)
    elif outcome.status == "bad_filter":
        await reply(update, t(language, "sub_bad_filter", query=shown))
    elif outcome.status == "too_many":
        await reply(update, t(language, "sub_too_many", max=str(MAX_SUBSCRIPTIONS)))
    else:
        # str.format ignores the values a template does not use.
        await reply(update, t(language, outcome.reason or "sub_usage", max=str(MAX_FILTERS), sign=esc(outcome.term)))


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = _chat_id(update)
    text = args_text(update, context)
    if chat_id is None:
        return
    if not text:
        await reply(update, t(lang(update), "sub_usage"))
        return
    await _answer_subscribe(update, context, await subscriptions(context).subscribe(chat_id, _user_id(update), text))


def _replied_alert(update: Update) -> int | None:
    """The article number of the bot's alert this command replies to.

    Read from the alert's card button first: the text's "#N" could be preceded by a "#" in a title.
    """
    message = update.effective_message
    target = message.reply_to_message if message else None
    if target is None or target.from_user is None or not target.from_user.is_bot:
        return None
    markup = target.reply_markup
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            found = _CARD_BUTTON.match(str(button.callback_data or ""))
            if found:
                return int(found.group(1))
    numbers = _ALERT_REF.findall(target.text or "")
    return int(numbers[-1]) if numbers else None


async def _answer_unsubscribe(update: Update, outcome: UnsubscribeOutcome) -> None:
    language = lang(update)
    if outcome.status == "removed":
        await reply(update, t(language, "sub_removed", target=", ".join(esc(r) for r in outcome.removed)))
    elif outcome.status == "choose":
        await reply(update, t(language, "sub_choose"), keyboard=_unsubscribe_buttons(list(outcome.choices)))
    else:
        await reply(update, t(language, "sub_not_subscribed"))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    text = args_text(update, context)
    subs = subscriptions(context)
    if text:
        await _answer_unsubscribe(update, await subs.unsubscribe(chat_id, text))
        return
    article_id = _replied_alert(update)
    if article_id is not None:
        await _answer_unsubscribe(update, await subs.unsubscribe_article(chat_id, article_id))
        return
    await list_subscriptions(update, context)


def _unsubscribe_buttons(rows: list[SubscriptionRow]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("✖ " + truncate(s.label or "?", 50),
                                                       callback_data=f"uns:{s.id}")] for s in rows])


async def _ref_label(context: ContextTypes.DEFAULT_TYPE, ref: TargetRef) -> str:
    candidate = await subscriptions(context).candidate(ref.kind, ref.id)
    return _show(candidate) if candidate else "?"


async def list_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    language = lang(update)
    subs = subscriptions(context)
    rows = await subs.list(chat_id)
    lines: list[str] = []
    settings = await subs.settings(chat_id)
    if settings is not None:
        if settings.paused:
            lines.append(t(language, "sub_status_paused"))
        if settings.muted_until and settings.muted_until > subs.now():
            lines.append(t(language, "sub_status_muted", until=local_time(settings.muted_until, "UTC")))
        if settings.digest_time:
            lines.append(t(language, "sub_status_digest", time=settings.digest_time, tz=esc(settings.tz)))
    if not rows:
        await reply(update, "\n".join([*lines, t(language, "sub_list_empty")]))
        return
    lines.insert(0, t(language, "sub_list_head"))
    for s in rows:
        name = f"#{esc(s.label or '?')}" if s.target_kind == "tag" else f"<b>{esc(s.label or '?')}</b>"
        extra = ""
        if s.include:
            extra += " +" + " +".join([await _ref_label(context, r) for r in s.include])
        if s.exclude:
            extra += " −" + " −".join([await _ref_label(context, r) for r in s.exclude])
        lines.append(f"• {name}{extra}")
    await reply(update, "\n".join(lines), keyboard=_unsubscribe_buttons(rows))


def _hours(text: str) -> float | None:
    raw = text.strip().lower().rstrip("hч").replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0 < value < 10_000 else None


async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = _chat_id(update)
    hours = _hours(args_text(update, context))
    if chat_id is None:
        return
    if hours is None:
        await reply(update, t(lang(update), "mute_usage"))
        return
    until = await subscriptions(context).mute(chat_id, hours)
    await reply(update, t(lang(update), "muted", until=local_time(until, "UTC")))


async def unmute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    await subscriptions(context).unmute(chat_id)
    await reply(update, t(lang(update), "unmuted"))


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    language = lang(update)
    subs = subscriptions(context)
    words = args_text(update, context).split()
    if not words:
        await reply(update, t(language, "digest_usage"))
        return
    settings = await subs.settings(chat_id)
    if words[0].lower() in ("off", "выкл", "нет"):
        await subs.set_digest(chat_id, None)
        await reply(update, t(language, "digest_off"))
        return
    clock = (settings.digest_time if settings else None) or DEFAULT_DIGEST_TIME
    tz = settings.tz if settings else "UTC"
    rest = words[1:]
    if words[0].lower() not in ("daily", "on", "ежедневно", "вкл"):
        parsed = parse_clock(words[0])
        if parsed is None:
            await reply(update, t(language, "digest_usage"))
            return
        clock = parsed
    if rest:
        zone = valid_timezone(rest[0])
        if zone is None:
            await reply(update, t(language, "digest_bad_tz", tz=esc(truncate(rest[0], 40))))
            return
        tz = zone
    await subs.set_digest(chat_id, clock, tz)
    await reply(update, t(language, "digest_on", time=clock, tz=esc(tz)))


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    resumed = await subscriptions(context).resume(chat_id)
    _noticed(context).discard(chat_id)
    await reply(update, t(lang(update), "resumed" if resumed else "not_paused"))


def _noticed(context: ContextTypes.DEFAULT_TYPE) -> set[int]:
    noticed: set[int] = context.application.bot_data.setdefault(_NOTICED_KEY, set())
    return noticed


async def paused_notice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell a paused chat (once per run) that alerts stopped after a 403, with a Resume button.

    Registered in group NOTICE_GROUP, i.e. after the gate let the update through and after the
    regular handler answered; the gate may instead call it directly.
    """
    chat = update.effective_chat
    if chat is None or update.message is None or chat.type == chat.CHANNEL:
        return
    noticed = _noticed(context)
    if chat.id in noticed:
        return
    settings = await subscriptions(context).settings(chat.id)
    if settings is None or not settings.paused:
        return
    noticed.add(chat.id)
    language = lang(update)
    button = InlineKeyboardButton(t(language, "resume_button"), callback_data="resume")
    await reply(update, t(language, "paused_notice"), keyboard=InlineKeyboardMarkup([[button]]))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat_id = _chat_id(update)
    if query is None or chat_id is None:
        return
    await query.answer()
    language = lang(update)
    parts = (query.data or "").split(":")
    subs = subscriptions(context)
    if parts[0] == "resume":
        await resume(update, context)
    elif parts[0] == "uns" and len(parts) == 2 and parts[1].isdigit():
        label = await subs.unsubscribe_id(chat_id, int(parts[1]))
        await reply(update, t(language, "sub_removed", target=esc(label)) if label is not None
                    else t(language, "sub_not_subscribed"))
    elif parts[0] == "sub" and len(parts) == 4 and parts[1] in _CODE_KIND and parts[2].isdigit():
        candidate = await subs.candidate(_CODE_KIND[parts[1]], int(parts[2]))
        picks: dict[int, Any] = context.chat_data.get(_PICKS_KEY, {}) if context.chat_data is not None else {}
        filters = picks.get(int(parts[3])) if parts[3].isdigit() else None
        if candidate is None or filters is None:
            await reply(update, t(language, "expired"))
            return
        include, exclude = filters
        outcome = await subs.subscribe_to(chat_id, _user_id(update), candidate, include, exclude)
        await _answer_subscribe(update, context, outcome)
    else:
        await reply(update, t(language, "expired"))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the handlers; call BEFORE the catch-all CallbackQueryHandler and unknown-command handler."""
    commands = {
        "subscribe": subscribe,
        "unsubscribe": unsubscribe,
        "subscriptions": list_subscriptions,
        "mute": mute,
        "unmute": unmute,
        "digest": digest,
        "resume": resume,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(button, pattern=r"^(sub:|uns:|resume$)"))
    application.add_handler(TypeHandler(Update, paused_notice), group=NOTICE_GROUP)
