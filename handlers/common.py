"""What every handler shares: the typed context, the user's language, the argument, sending a View."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.callbacks import ButtonKind
from bot.context import Context, chat_state, services_of
from bot.i18n import Lang, lang_of
from bot.keyboards import View
from bot.render import split_message

__all__ = ["Context", "args_text", "chat_state", "lang", "pressed", "reply", "services_of", "show"]


def lang(update: Update) -> Lang:
    user = update.effective_user
    return lang_of(user.language_code if user else None)


def args_text(update: Update) -> str:
    """The command's argument as the user typed it (context.args loses the original spacing)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def reply(update: Update, view: View | str, **kwargs: Any) -> Message | None:
    """Send a view as HTML split to Telegram's limits; the keyboard goes under the last part."""
    chat = update.effective_chat
    if chat is None:
        return None
    if not isinstance(view, View):
        view = View(view)
    parts = split_message(view.text)
    last: Message | None = None
    for index, part in enumerate(parts):
        last = await chat.send_message(
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=view.keyboard if index == len(parts) - 1 else None,
            disable_web_page_preview=True,
            **kwargs,
        )
    return last


async def show(update: Update, view: View) -> None:
    """Edit the message a pager button sits under (when the view fits one message), else reply."""
    query = update.callback_query
    parts = split_message(view.text)
    if query is not None and query.message is not None and len(parts) == 1:
        await query.edit_message_text(parts[0], parse_mode=ParseMode.HTML, reply_markup=view.keyboard,
                                      disable_web_page_preview=True)
        return
    await reply(update, view)


async def pressed(update: Update, kind: ButtonKind) -> tuple[int, ...]:
    """Answer the button press (Telegram's spinner stops) and read its arguments.

    The handler was registered with ``kind.pattern``, so the data parses; anything else is a bug."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    args = kind.parse(query.data)
    if args is None:
        raise ValueError(f"button data {query.data!r} is not of kind {kind.prefix}")
    return args
