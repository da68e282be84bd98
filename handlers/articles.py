"""Getting articles in: forwards, pasted texts (and links in them), documents.

Each handler reads the message (text, provenance, the file) and hands it to `Ingest`, which
decides whether it is an article and files it; the reply is `lists.ingest_outcome`'s view.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.constants import ChatAction

from bot import lists
from bot.services.ingest import Arrival, IngestOutcome, Provenance, Working
from handlers.basic import unknown_command
from handlers.common import Context, lang, reply, services_of

log = logging.getLogger(__name__)


def provenance(message: Message) -> Provenance:
    """Where a message's text comes from (its forward origin) and who gave it to the bot."""
    origin = message.forward_origin
    user = message.from_user
    base = Provenance("paste", added_by=user.id if user else None, added_chat_id=message.chat_id,
                      added_message_id=message.message_id, media_group_id=message.media_group_id,
                      origin_date=int(origin.date.timestamp()) if origin is not None else None)
    if isinstance(origin, MessageOriginChannel):
        return replace(base, origin_kind="channel", origin_chat_id=origin.chat.id, origin_chat_title=origin.chat.title,
                       origin_chat_username=origin.chat.username, origin_message_id=origin.message_id)
    if isinstance(origin, MessageOriginChat):
        return replace(base, origin_kind="chat", origin_chat_id=origin.sender_chat.id,
                       origin_chat_title=origin.sender_chat.title, origin_chat_username=origin.sender_chat.username)
    if isinstance(origin, MessageOriginUser):
        return replace(base, origin_kind="user", origin_chat_title=origin.sender_user.full_name)
    if isinstance(origin, MessageOriginHiddenUser):
        return replace(base, origin_kind="hidden_user", origin_chat_title=origin.sender_user_name)
    return base


def typing(update: Update) -> Working:
    async def working() -> None:
        if update.effective_chat is not None:
            await update.effective_chat.send_action(ChatAction.TYPING)

    return working


async def _answer(update: Update, outcome: IngestOutcome) -> None:
    view = lists.ingest_outcome(outcome, lang(update))
    if view is not None:
        await reply(update, view)


async def _message(update: Update, context: Context, arrival: Arrival) -> None:
    message = update.effective_message
    if message is None:
        return
    text = message.text or message.caption or ""
    services = services_of(context)
    outcome = await services.ingest.message(text, arrival, provenance(message), typing(update))
    if outcome.status == "refused" and outcome.reason == "not_understood" and arrival == "paste":
        hint = await services.library.question_hint(text)  # a question is answered by a command
        if hint is not None:
            await reply(update, lists.question_hint(hint, lang(update)))
            return
    await _answer(update, outcome)


async def forwarded(update: Update, context: Context) -> None:
    await _message(update, context, "forward")


async def pasted(update: Update, context: Context) -> None:
    """A plain message: a link to fetch, a long pasted article, or too short to be either."""
    message = update.effective_message
    if message is not None and (message.text or "").startswith("/"):
        await unknown_command(update, context)  # a "command" too long or odd for Telegram to mark
        return
    await _message(update, context, "paste")


async def document(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.document is None:
        return
    doc = message.document

    async def download() -> bytes:
        file = await doc.get_file()
        return bytes(await file.download_as_bytearray())

    ingest = services_of(context).ingest
    outcome = await ingest.document(doc.file_name, doc.mime_type, doc.file_size, download, provenance(message),
                                    typing(update))
    await _answer(update, outcome)
