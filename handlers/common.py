"""Small helpers every handler uses: the service container, the user's language, safe replies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.i18n import Lang, lang_of
from bot.render import split_message

if TYPE_CHECKING:
    from bot.services import Services

SERVICES_KEY = "dossier.services"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]  # type: ignore[no-any-return]


def lang(update: Update) -> Lang:
    user = update.effective_user
    return lang_of(user.language_code if user else None)


def args_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The command's argument as the user typed it (context.args loses the original spacing)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def reply(
    update: Update,
    html_text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    **kwargs: Any,
) -> Message | None:
    """Send an HTML reply split to Telegram's limits; the keyboard goes under the last part."""
    chat = update.effective_chat
    if chat is None:
        return None
    parts = split_message(html_text)
    last: Message | None = None
    for index, part in enumerate(parts):
        markup = keyboard if index == len(parts) - 1 else None
        last = await chat.send_message(
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            disable_web_page_preview=True,
            **kwargs,
        )
    return last
