"""Thin Telegram handlers; `register_handlers` is the one place that wires them.

What lives here: one module per area (articles, queries, subscriptions, feeds, admin, basic) of
small `async def`s that parse the update, call one service, and reply with a view, plus the
access gate. Handlers may import `telegram`, `bot.context`, `bot.callbacks`, the services and the
views (`bot.cards`, `bot.lists`, `bot.keyboards`, ...); never `storage` or `analysis`.

Commands are registered from `COMMANDS`, buttons from `BUTTONS`: one `CallbackQueryHandler`
per button kind of `bot.callbacks`, matched by the kind's own pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
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

from bot import callbacks
from bot.callbacks import ButtonKind
from handlers import admin, articles, basic, charts, exports, feeds, gate, merge, queries, subscriptions
from handlers.common import Context

#: Group -1 runs before all others: the access gate.
GATE_GROUP = -1

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

COMMANDS: dict[str, Handler] = {
    "start": basic.start,
    "help": basic.help_command,
    "who": queries.who,
    "claims": queries.claims,
    "tags": queries.tags,
    "search": queries.search,
    "article": queries.article,
    "source": queries.source,
    "recent": queries.recent,
    "stats": queries.stats,
    "export": exports.export,
    "delete": queries.delete,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
    "subscriptions": subscriptions.list_subscriptions,
    "mute": subscriptions.mute,
    "unmute": subscriptions.unmute,
    "digest": subscriptions.digest,
    "resume": subscriptions.resume,
    "feed": feeds.feed,
    "allow": admin.allow,
    "revoke": admin.revoke,
    "members": admin.members,
    "merge": merge.merge,
    "unmerge": merge.unmerge,
    "graph": charts.graph,
    "trend": charts.trend,
}

BUTTONS: dict[ButtonKind, Handler] = {
    callbacks.WHO: queries.who_button,
    callbacks.TOP_ACTORS: queries.top_actors_button,
    callbacks.CLAIMS: queries.claims_button,
    callbacks.TAG: queries.tag_button,
    callbacks.TAG_PERIOD: queries.tag_period_button,
    callbacks.RECENT: queries.recent_button,
    callbacks.SEARCH: queries.search_button,
    callbacks.SOURCE: queries.source_button,
    callbacks.CARD: queries.card_button,
    callbacks.FULL_TEXT: queries.full_text_button,
    callbacks.CARD_ACTORS: queries.card_actors_button,
    callbacks.CARD_CLAIMS: queries.card_claims_button,
    callbacks.CARD_BACK: queries.card_back_button,
    callbacks.DELETE: queries.delete_button,
    callbacks.DELETE_CANCEL: queries.delete_cancel_button,
    callbacks.PICK_TAG: subscriptions.pick_tag_button,
    callbacks.PICK_ACTOR: subscriptions.pick_actor_button,
    callbacks.UNSUBSCRIBE: subscriptions.unsubscribe_button,
    callbacks.RESUME: subscriptions.resume_button,
    callbacks.TOPIC: queries.topic_button,
    callbacks.SUB_TOPIC: subscriptions.subscribe_topic_button,
    callbacks.GRAPH: charts.graph_button,
    callbacks.GRAPH_FILE: charts.graph_file_button,
    callbacks.TREND: charts.trend_button,
    callbacks.TREND_FILE: charts.trend_file_button,
    callbacks.SAVED_CHART: charts.saved_chart_button,
}


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, gate.gate), group=GATE_GROUP)
    for name, command in COMMANDS.items():
        application.add_handler(CommandHandler(name, command))
    for kind, pressed in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(pressed, pattern=kind.pattern))
    application.add_handler(CallbackQueryHandler(queries.expired_button))  # data of no known kind
    application.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST, feeds.channel_post))
    application.add_handler(MessageHandler(filters.Regex(r"^/article_\d+"), queries.article))

    private_or_group = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(private_or_group & filters.COMMAND, basic.unknown_command))
    application.add_handler(MessageHandler(private_or_group & filters.FORWARDED & ~filters.Document.ALL,
                                           articles.forwarded))
    application.add_handler(MessageHandler(private_or_group & filters.Document.ALL, articles.document))
    private_text = filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)
    application.add_handler(MessageHandler(private_or_group & private_text, articles.pasted))
    application.add_handler(MessageHandler(private_or_group & filters.ChatType.PRIVATE, basic.unsupported))
    application.add_handler(TypeHandler(Update, subscriptions.paused_notice), group=subscriptions.NOTICE_GROUP)
    application.add_error_handler(basic.error_handler)
