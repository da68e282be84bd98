"""/subscribe, /unsubscribe, /subscriptions, /mute, /unmute, /digest, /resume and their buttons.

Everything is per CHAT: a member subscribing in a group subscribes the group (the group gets the
alerts). The pick buttons of an ambiguous /subscribe carry the target and the number of its
filters waiting in `ChatData.picks` (see `bot.callbacks`).
"""

from __future__ import annotations

import re

from telegram import Update

from bot import callbacks, keyboards, subscription_views
from bot.i18n import t
from bot.keyboards import View
from bot.services.subscriptions import SubscribeOutcome, chat_zone, parse_clock, valid_timezone
from handlers.common import Context, args_text, chat_state, lang, pressed, reply, services_of

_ALERT_REF = re.compile(r"#(\d+)")
#: Runs after the regular handlers, so the "alerts are paused" note follows the normal answer.
NOTICE_GROUP = 1
DEFAULT_DIGEST_TIME = "09:00"
#: Words of /digest that switch it off or on (at the time set before, or DEFAULT_DIGEST_TIME).
DIGEST_OFF = ("off", "выкл", "нет")
DIGEST_ON = ("daily", "on", "ежедневно", "вкл")
#: /mute takes at most this many hours (the service caps it further).
MAX_MUTE_INPUT_HOURS = 10_000


def _chat_id(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def _answer_subscribe(update: Update, context: Context, outcome: SubscribeOutcome) -> None:
    pick = None
    if subscription_views.needs_pick(outcome):
        pick = chat_state(context).remember_pick((outcome.include, outcome.exclude))
    await reply(update, subscription_views.subscribe_outcome(outcome, lang(update), pick))


async def subscribe(update: Update, context: Context) -> None:
    chat_id = _chat_id(update)
    text = args_text(update)
    if chat_id is None:
        return
    if not text:
        await reply(update, t(lang(update), "sub_usage"))
        return
    outcome = await services_of(context).subscriptions.subscribe(chat_id, _user_id(update), text)
    await _answer_subscribe(update, context, outcome)


def _replied_alert(update: Update) -> int | None:
    """The article number of the bot's alert this command replies to.

    Read from the alert's card button first: the text's "#N" could be preceded by a "#" in a title.
    """
    message = update.effective_message
    target = message.reply_to_message if message else None
    if target is None or target.from_user is None or not target.from_user.is_bot:
        return None
    found = keyboards.card_of(target.reply_markup)
    if found is not None:
        return found
    numbers = _ALERT_REF.findall(target.text or "")
    return int(numbers[-1]) if numbers else None


async def unsubscribe(update: Update, context: Context) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    text = args_text(update)
    subs = services_of(context).subscriptions
    if text:
        await reply(update, subscription_views.unsubscribe_outcome(await subs.unsubscribe(chat_id, text),
                                                                   lang(update)))
        return
    article_id = _replied_alert(update)
    if article_id is not None:
        outcome = await subs.unsubscribe_article(chat_id, article_id)
        await reply(update, subscription_views.unsubscribe_outcome(outcome, lang(update)))
        return
    await list_subscriptions(update, context)


async def list_subscriptions(update: Update, context: Context) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    subs = services_of(context).subscriptions
    found = await subs.listing(chat_id)
    zone = chat_zone(found.settings, services_of(context).settings.default_timezone)
    await reply(update, subscription_views.listing(found, lang(update), subs.now(), zone))


def _hours(text: str) -> float | None:
    raw = text.strip().lower().rstrip("hч").replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0 < value < MAX_MUTE_INPUT_HOURS else None


async def mute(update: Update, context: Context) -> None:
    chat_id = _chat_id(update)
    hours = _hours(args_text(update))
    if chat_id is None:
        return
    if hours is None:
        await reply(update, t(lang(update), "mute_usage"))
        return
    subs = services_of(context).subscriptions
    until = await subs.mute(chat_id, hours)
    zone = chat_zone(await subs.settings(chat_id), services_of(context).settings.default_timezone)
    await reply(update, subscription_views.muted(until, zone, lang(update)))


async def unmute(update: Update, context: Context) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    await services_of(context).subscriptions.unmute(chat_id)
    await reply(update, t(lang(update), "unmuted"))


async def digest(update: Update, context: Context) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    language = lang(update)
    subs = services_of(context).subscriptions
    words = args_text(update).split()
    if not words:
        await reply(update, t(language, "digest_usage"))
        return
    settings = await subs.settings(chat_id)
    if words[0].lower() in DIGEST_OFF:
        await subs.set_digest(chat_id, None)
        await reply(update, t(language, "digest_off"))
        return
    clock = (settings.digest_time if settings else None) or DEFAULT_DIGEST_TIME
    # A chat that never named a zone (stored as UTC) follows DEFAULT_TIMEZONE.
    tz = chat_zone(settings, services_of(context).settings.default_timezone)
    rest = words[1:]
    if words[0].lower() not in DIGEST_ON:
        parsed = parse_clock(words[0])
        if parsed is None:
            await reply(update, t(language, "digest_usage"))
            return
        clock = parsed
    if rest:
        zone = valid_timezone(rest[0])
        if zone is None:
            await reply(update, subscription_views.bad_zone(rest[0], language))
            return
        tz = zone
    await subs.set_digest(chat_id, clock, tz)
    await reply(update, subscription_views.digest_on(clock, tz, language))


async def resume(update: Update, context: Context) -> None:
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    resumed = await services_of(context).subscriptions.resume(chat_id)
    context.bot_data.paused_noticed.discard(chat_id)
    await reply(update, t(lang(update), "resumed" if resumed else "not_paused"))


async def paused_notice(update: Update, context: Context) -> None:
    """Tell a paused chat (once per run) that alerts stopped after a 403, with a Resume button.

    Registered in group NOTICE_GROUP, i.e. after the gate let the update through and after the
    regular handler answered.
    """
    chat = update.effective_chat
    if chat is None or update.message is None or chat.type == chat.CHANNEL:
        return
    noticed = context.bot_data.paused_noticed
    if chat.id in noticed:
        return
    settings = await services_of(context).subscriptions.settings(chat.id)
    if settings is None or not settings.paused:
        return
    noticed.add(chat.id)
    language = lang(update)
    await reply(update, View(t(language, "paused_notice"), keyboards.resume_keyboard(language)))


# ------------------------------------------------------------------------------------ buttons


async def resume_button(update: Update, context: Context) -> None:
    await pressed(update, callbacks.RESUME)
    await resume(update, context)


async def unsubscribe_button(update: Update, context: Context) -> None:
    (sub_id,) = await pressed(update, callbacks.UNSUBSCRIBE)
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    label = await services_of(context).subscriptions.unsubscribe_id(chat_id, sub_id)
    await reply(update, subscription_views.removed(label, lang(update)))


async def _pick(update: Update, context: Context, kind: callbacks.ButtonKind) -> None:
    target_id, number = await pressed(update, kind)
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    subs = services_of(context).subscriptions
    candidate = await subs.candidate("tag" if kind is callbacks.PICK_TAG else "actor", target_id)
    filters = chat_state(context).picks.get(number)
    if candidate is None or filters is None:
        await reply(update, t(lang(update), "expired"))
        return
    include, exclude = filters
    await _answer_subscribe(update, context, await subs.subscribe_to(chat_id, _user_id(update), candidate,
                                                                     include, exclude))


async def subscribe_topic_button(update: Update, context: Context) -> None:
    """"Subscribe" under a lexicon topic that has no article yet."""
    (number,) = await pressed(update, callbacks.SUB_TOPIC)
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    services = services_of(context)
    topic = services.library.topic(number)
    if topic is None:
        await reply(update, t(lang(update), "expired"))
        return
    await _answer_subscribe(update, context, await services.subscriptions.subscribe_topic(chat_id, _user_id(update),
                                                                                          topic))


async def pick_tag_button(update: Update, context: Context) -> None:
    await _pick(update, context, callbacks.PICK_TAG)


async def pick_actor_button(update: Update, context: Context) -> None:
    await _pick(update, context, callbacks.PICK_ACTOR)
