"""The composition root: the one place that builds the bot and everything it runs.

`build_application` configures python-telegram-bot (typed context, durable inbox, rate limiter,
handlers); its `post_init` opens every service once (`open_services`: database, analysis pool,
ingest, library, access, feeds, subscriptions, alert sender) and starts what runs beside the
handlers (`bot.background`: inbox replay, pending articles, inbox pruning, alert sender, digest
job); `post_shutdown` stops and closes all of it in reverse order. Nothing else constructs a
service, so a handler, the console and the tests all see the same wiring.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from telegram import Bot, BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot import cards
from bot.alerts import AlertSender, sending_bot
from bot.analyzer import Analyzer
from bot.background import start_background
from bot.charts.renderer import Renderer
from bot.config import Settings
from bot.context import CONTEXT_TYPES, BotData
from bot.i18n import COMMANDS
from bot.inbox import DurableApplication, InboxRequest
from bot.services.access import AccessControl
from bot.services.charts import Charts
from bot.services.container import Services
from bot.services.feeds import Feeds
from bot.services.fetch import FetchPolicy
from bot.services.identity import FILING_RULES
from bot.services.ingest import Ingest
from bot.services.library import Library
from bot.services.merging import Merging
from bot.services.queue import AnalysisQueue
from bot.services.ratelimit import SlidingWindow
from bot.services.subscriptions import Subscriptions
from handlers import register_handlers
from storage.repository import Storage

log = logging.getLogger(__name__)

DossierApplication = Application[Any, Any, Any, Any, Any, Any]
#: USER_RATE_LIMIT counts a member's commands over this many seconds.
COMMAND_WINDOW = 60.0


def build_application(
    settings: Settings,
    token: str,
    *,
    request: BaseRequest | None = None,
    analyzer: Analyzer | None = None,
    webhook: bool = False,
) -> DurableApplication:
    """Build the bot. ``request`` replaces HTTP (the console); ``analyzer`` may be shared (tests);
    ``webhook``: no Updater and no polling inbox, updates come from the webhook dispatcher."""
    cards.set_display_zone(settings.zone)  # shown dates follow DEFAULT_TIMEZONE
    builder = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .context_types(CONTEXT_TYPES)
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    inbox_request: InboxRequest | None = None
    if webhook:
        builder = builder.updater(None)  # the webhook ingress stores updates, the dispatcher feeds them
    elif request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Every fetched update is written to the database before Telegram is told it was received.
        inbox_request = InboxRequest()
        builder = builder.get_updates_request(inbox_request)
    application = builder.build()
    assert isinstance(application, DurableApplication)
    data: BotData = application.bot_data
    data.settings = settings
    data.inbox_request = inbox_request
    data.webhook = webhook
    data.shared_analyzer = analyzer
    register_handlers(application)
    return application


@asynccontextmanager
async def open_services(settings: Settings, bot: Bot, *, analyzer: Analyzer | None = None) -> AsyncIterator[Services]:
    """Open the database (running migrations) and the analysis workers, and build every service
    on them; close both on exit. ``bot`` is what the alert sender sends with."""
    async with AsyncExitStack() as stack:
        storage = await stack.enter_async_context(Storage.open(
            settings.database_url, rules=FILING_RULES, connect_attempts=settings.database_connect_attempts))
        queue: AnalysisQueue | None = None
        if settings.analysis_mode == "queue":
            # Workers analyse: this process loads no models (an idle Analyzer starts nothing).
            queue = AnalysisQueue(storage)
            log.info("ANALYSIS_MODE=queue: articles are analysed by `python -m bot worker` processes")
            stack.push_async_callback(queue.close)
            analyzer = analyzer or Analyzer(0, max_chars=settings.max_article_chars)
        elif analyzer is None:
            analyzer = await stack.enter_async_context(
                Analyzer(settings.analysis_workers, max_chars=settings.max_article_chars))
        access = AccessControl(storage)
        await access.seed(settings.allowed_user_ids)
        alerts = AlertSender(storage, bot)
        library = Library(storage)
        charts = Charts(storage, library.matcher, Renderer(1))
        stack.push_async_callback(charts.close)
        fetch_policy = FetchPolicy(timeout=settings.fetch_timeout, max_bytes=settings.fetch_max_bytes,
                                   allow_private=settings.fetch_allow_private)
        yield Services(
            settings=settings,
            storage=storage,
            analyzer=analyzer,
            ingest=Ingest(storage, analyzer, window=settings.multipart_window, fetch_policy=fetch_policy,
                          on_analyzed=alerts.on_analyzed, queue=queue),
            library=library,
            access=access,
            feeds=Feeds(storage),
            subscriptions=Subscriptions(storage, library.matcher, release=alerts.release),
            alerts=alerts,
            merging=Merging(storage, library.matcher),
            charts=charts,
            command_rate=SlidingWindow(COMMAND_WINDOW),
            queue=queue,
        )


async def _post_init(application: DossierApplication) -> None:
    data: BotData = application.bot_data
    assert data.settings is not None
    stack = AsyncExitStack()
    data.exit_stack = stack
    services = await stack.enter_async_context(
        open_services(data.settings, sending_bot(application), analyzer=data.shared_analyzer))
    data.services = services
    if data.inbox_request is not None:
        data.inbox_request.attach(services.storage)
    await set_commands(application)
    # Closed before the services (the stack unwinds in reverse): in-flight sends finish first.
    data.background = await start_background(application, services, data.inbox_request, webhook=data.webhook)
    stack.push_async_callback(data.background.stop)
    log.info("Dossier started as @%s", application.bot.username)


async def _post_shutdown(application: DossierApplication) -> None:
    data: BotData = application.bot_data
    stack, data.exit_stack = data.exit_stack, None
    data.services = None
    if stack is not None:
        await stack.aclose()
    log.info("Dossier stopped")


async def set_commands(application: DossierApplication) -> None:
    """Register the command menu in Russian and English (Telegram picks by the user's language)."""
    menu = [c for c in COMMANDS if c.menu]
    await application.bot.set_my_commands([BotCommand(c.name, c.en) for c in menu])
    await application.bot.set_my_commands([BotCommand(c.name, c.en) for c in menu], language_code="en")
    await application.bot.set_my_commands([BotCommand(c.name, c.ru) for c in menu], language_code="ru")
