"""The access gate: runs before every other handler, for every kind of update.

One gate instead of a check in each handler means a new handler cannot forget it: strangers'
messages, commands, forwards and button presses all stop here, and nothing of theirs is stored.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.i18n import Lang, t
from bot.render import to_plain
from handlers.common import Context, lang, reply, services_of

log = logging.getLogger(__name__)



async def gate(update: Update, context: Context) -> None:
    svc = services_of(context)
    user = update.effective_user
    chat = update.effective_chat
    if update.channel_post is not None or update.edited_channel_post is not None:
        post = update.channel_post
        if post is None or chat is None or not await svc.feeds.is_enabled(chat.id):
            if chat is not None:
                _log_once(context, f"channel {chat.id}", "ignoring posts of channel %s (not an enabled feed)")
            raise ApplicationHandlerStop
        return
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if update.edited_message is not None or update.edited_business_message is not None:
        # An edit is not a new request: PTB's CommandHandler would run "/delete 5" typed into an old
        # message again, and an edited article was already filed in its first version.
        raise ApplicationHandlerStop
    message = update.effective_message
    # Ownership is claimed only by a /start in a private chat: not by someone in a group the bot is in.
    first_word = (message.text.split(maxsplit=1) or [""])[0] if message and message.text else ""
    is_start = first_word.split("@")[0] == "/start" and chat is not None and chat.type == ChatType.PRIVATE
    access = await svc.access.check(user.id, name=user.full_name, claim_if_ownerless=is_start)
    if not access.is_member:
        await _refuse(update, context)
        raise ApplicationHandlerStop
    if access.became_owner:
        await reply(update, t(lang(update), "became_owner"))
    if chat is not None and chat.type != ChatType.CHANNEL:
        await svc.access.note_chat(chat.id, chat.type, chat.title or chat.full_name, user.language_code)
    if not _within_rate(context, user.id, svc.settings.user_rate_limit, is_article=_is_submission(update),
                        language=lang(update)):
        raise ApplicationHandlerStop


def _is_submission(update: Update) -> bool:
    """Whether the message goes to Ingest (a forward, a document, a non-command text): those are
    never rate-limited, so no article is lost; whether it IS an article, Ingest alone decides."""
    message = update.message
    if message is None:
        return False
    return bool(message.forward_origin or message.document or
                (message.text and not message.text.startswith("/")))


def _within_rate(context: Context, user_id: int, limit: int, *, is_article: bool,
                 language: Lang = "en") -> bool:
    """Members' commands and buttons are rate-limited; their articles never are (nothing lost).

    Refused commands count too, so a member who keeps hammering stays slowed down."""
    if is_article:
        return True
    count = services_of(context).command_rate.record(user_id)
    if count <= limit:
        return True
    if count == limit + 1:
        context.application.create_task(_slow_down(context, user_id, language))
    return False


async def _slow_down(context: Context, user_id: int, language: Lang) -> None:
    try:
        await context.bot.send_message(user_id, t(language, "too_fast"))
    except Exception:
        log.info("could not send the rate-limit notice to %s", user_id)


async def _refuse(update: Update, context: Context) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None:
        return
    text = t(lang(update), "stranger", user_id=user.id)
    if update.callback_query is not None:
        await update.callback_query.answer(to_plain(text), show_alert=True)  # an alert shows no HTML
        return
    if chat is not None and chat.type == ChatType.PRIVATE:
        await reply(update, text)
    # In groups strangers are ignored silently: answering would spam the group.


def _log_once(context: Context, key: str, message: str) -> None:
    seen = context.bot_data.logged_once
    if key not in seen:
        seen.add(key)
        log.info(message, key)
