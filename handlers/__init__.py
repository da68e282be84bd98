"""Thin Telegram handlers; `register_handlers` is the one place that wires them."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import articles, basic, feeds, gate, queries, subscriptions

#: Group -1 runs before all others: the access gate.
GATE_GROUP = -1


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, gate.gate), group=GATE_GROUP)

    commands = {
        "start": basic.start,
        "help": basic.help_command,
        "who": queries.who,
        "claims": queries.claims,
        "tags": queries.tags,
        "search": queries.search,
        "article": queries.article,
        "recent": queries.recent,
        "stats": queries.stats,
        "delete": queries.delete,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback))
    subscriptions.register(application)  # before the catch-all button and unknown-command handlers
    feeds.register(application)
    from handlers import admin  # owner-only membership commands: /allow, /revoke, /members

    admin.register(application)
    application.add_handler(MessageHandler(filters.Regex(r"^/article_\d+"), queries.article))
    application.add_handler(CallbackQueryHandler(queries.button))

    private_or_group = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(private_or_group & filters.COMMAND, basic.unknown_command))
    application.add_handler(MessageHandler(private_or_group & filters.FORWARDED & ~filters.Document.ALL,
                                           articles.forwarded))
    application.add_handler(MessageHandler(private_or_group & filters.Document.ALL, articles.document))
    private_text = filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)
    application.add_handler(MessageHandler(private_or_group & private_text, articles.pasted))
    application.add_handler(MessageHandler(private_or_group & filters.ChatType.PRIVATE, basic.unsupported))
    application.add_error_handler(basic.error_handler)
