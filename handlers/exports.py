"""/export [json|csv] [PERIOD]: the library as a document in the chat (members only, like every
command: the gate lets no stranger through)."""

from __future__ import annotations

import time

from telegram import Update
from telegram.constants import ChatAction

from bot import lists
from bot.i18n import t
from bot.services.exporting import parse_export
from handlers.common import Context, args_text, lang, reply, services_of


async def export(update: Update, context: Context) -> None:
    language = lang(update)
    chat = update.effective_chat
    if chat is None:
        return
    request = parse_export(args_text(update), int(time.time()))
    if request.unknown:
        await reply(update, t(language, "export_usage"))
        return
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    made = await services_of(context).library.export(request)
    if made.articles == 0:
        await reply(update, t(language, "export_empty"))
        return
    if made.too_big:
        await reply(update, t(language, "export_too_big"))
        return
    await chat.send_document(made.data, filename=made.name, caption=lists.export_caption(made, request, language),
                             parse_mode="HTML")
