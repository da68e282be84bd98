"""/start, /help, unknown commands, messages we cannot use, and the global error handler."""

from __future__ import annotations

import logging

from telegram import Update

from bot.i18n import help_text, t
from bot.render import truncate
from handlers.common import Context, lang, reply

log = logging.getLogger(__name__)

#: An unknown command is echoed back cut to this width.
MAX_COMMAND_CHARS = 64


async def start(update: Update, context: Context) -> None:
    language = lang(update)
    await reply(update, t(language, "start") + "\n\n" + help_text(language))


async def help_command(update: Update, context: Context) -> None:
    await reply(update, help_text(lang(update)))


async def unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    words = (message.text or "").split(maxsplit=1) if message else []
    word = words[0] if words else "/?"
    await reply(update, t(lang(update), "unknown_command", command=truncate(word, MAX_COMMAND_CHARS)))


async def unsupported(update: Update, context: Context) -> None:
    await reply(update, t(lang(update), "unsupported"))


async def error_handler(update: object, context: Context) -> None:
    """Log every failure with its update id and never leave the user without an answer."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %r", update_id, context.error, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    chat = update.effective_chat
    if chat.type == chat.CHANNEL:
        return
    try:
        await reply(update, t(lang(update), "internal_error"))
    except Exception:  # the chat may be gone or the bot blocked; nothing else to tell anyone
        log.warning("could not tell chat %s about the failure of update %s", chat.id, update_id)
