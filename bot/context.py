"""Typed state of the running bot, as in python-telegram-bot's `contexttypesbot.py` example.

`ContextTypes(bot_data=BotData, chat_data=ChatData)` makes PTB create these instead of dicts, so
every handler reads `context.bot_data.services` and `context.chat_data.last_search` with types
checked by mypy, and no state travels under string keys.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.analyzer import Analyzer
from bot.background import Background
from bot.charts.request import ChartRequest
from bot.config import Settings
from bot.inbox import InboxRequest
from bot.services.container import Services
from bot.services.subscriptions import Candidate

#: The filters of a /subscribe waiting for the user to pick its target: (include, exclude).
PendingFilters = tuple[tuple[Candidate, ...], tuple[Candidate, ...]]
#: How many pending /subscribe picks a chat keeps (older buttons answer "expired").
MAX_PENDING_PICKS = 20


@dataclass
class BotData:
    """Application-wide state; `services` exists between post_init and post_shutdown."""

    settings: Settings | None = None
    #: The HTTP client of getUpdates that writes the durable inbox (None in the console).
    inbox_request: InboxRequest | None = None
    #: A `run --webhook` replica: the webhook dispatcher handles the inbox, nothing is replayed here.
    webhook: bool = False
    #: The analysis pool to use instead of starting one (tests share one across bots).
    shared_analyzer: Analyzer | None = None
    services: Services | None = None
    #: What post_shutdown closes: the background tasks, then the services.
    exit_stack: AsyncExitStack | None = None
    #: The tasks running beside the handlers (started in post_init, stopped in post_shutdown).
    background: Background | None = None
    #: Paused chats already told so in this run (the notice is sent once per chat and run).
    paused_noticed: set[int] = field(default_factory=set)
    #: Keys logged once per run (ignored channels), so the log is not flooded.
    logged_once: set[str] = field(default_factory=set)


@dataclass
class ChatData:
    """Per-chat state (in memory; lost on restart, which makes old buttons answer "expired")."""

    #: The last /search of this chat, for its pager buttons (a query does not fit in 64 bytes).
    last_search: str | None = None
    #: The outlet of the last /source, for its pager buttons.
    last_source: str | None = None
    #: Pending /subscribe filters by their number in the pick buttons.
    picks: dict[int, PendingFilters] = field(default_factory=dict)
    #: Trends of several targets under their photos' buttons (four ids and a period do not fit
    #: in 64 bytes of callback data); the oldest beyond MAX_PENDING_PICKS are forgotten.
    charts: dict[int, ChartRequest] = field(default_factory=dict)

    def remember_chart(self, request: ChartRequest) -> int:
        number = (max(self.charts) + 1) % 1000 if self.charts else 0
        self.charts[number] = request
        while len(self.charts) > MAX_PENDING_PICKS:
            del self.charts[min(self.charts)]
        return number

    def remember_pick(self, filters: PendingFilters) -> int:
        """Keep ``filters`` under a small number for the buttons; the oldest beyond the cap go."""
        number = (max(self.picks) + 1) % 1000 if self.picks else 0
        self.picks[number] = filters
        while len(self.picks) > MAX_PENDING_PICKS:
            del self.picks[min(self.picks)]
        return number


Context = CallbackContext[ExtBot[None], dict[Any, Any], ChatData, BotData]
CONTEXT_TYPES: ContextTypes[Context, dict[Any, Any], ChatData, BotData] = ContextTypes(
    context=CallbackContext, bot_data=BotData, chat_data=ChatData)


def chat_state(context: Context) -> ChatData:
    """This chat's state; an update without a chat gets a fresh one that nobody keeps."""
    return context.chat_data if context.chat_data is not None else ChatData()


def services_of(context: Context) -> Services:
    """The running bot's services (started in post_init, before any update is handled)."""
    services = context.bot_data.services
    if services is None:
        raise RuntimeError("the bot's services are not started (post_init has not run)")
    return services
