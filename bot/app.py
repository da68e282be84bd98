"""Application wiring, in one place: builder settings, lifecycle hooks, the command menu."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.analyzer import Analyzer
from bot.config import Settings
from bot.i18n import COMMANDS
from bot.inbox import INBOX_REQUEST_KEY, DurableApplication, InboxRequest
from bot.services import Services, open_services
from handlers import register_handlers
from handlers.common import SERVICES_KEY

log = logging.getLogger(__name__)

_STACK_KEY = "dossier.exit_stack"
_SETTINGS_KEY = "dossier.settings"
_ANALYZER_KEY = "dossier.analyzer"


def build_application(
    settings: Settings,
    token: str,
    *,
    request: BaseRequest | None = None,
    analyzer: Analyzer | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the bot. ``request`` replaces HTTP (the console); ``analyzer`` may be shared (tests)."""
    builder = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    inbox_request: InboxRequest | None = None
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Every fetched update is written to the database before Telegram is told it was received.
        inbox_request = InboxRequest()
        builder = builder.get_updates_request(inbox_request)
    application = builder.build()
    application.bot_data[INBOX_REQUEST_KEY] = inbox_request
    application.bot_data[_SETTINGS_KEY] = settings
    if analyzer is not None:
        application.bot_data[_ANALYZER_KEY] = analyzer
    register_handlers(application)
    return application


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    settings: Settings = application.bot_data[_SETTINGS_KEY]
    stack = AsyncExitStack()
    application.bot_data[_STACK_KEY] = stack
    services: Services = await stack.enter_async_context(
        open_services(settings, analyzer=application.bot_data.get(_ANALYZER_KEY))
    )
    application.bot_data[SERVICES_KEY] = services
    request = application.bot_data.get(INBOX_REQUEST_KEY)
    if isinstance(request, InboxRequest):
        request.attach(services.storage)
    await set_commands(application)
    await services.start_background(application)
    log.info("Dossier started as @%s", application.bot.username)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    stack: AsyncExitStack | None = application.bot_data.pop(_STACK_KEY, None)
    application.bot_data.pop(SERVICES_KEY, None)
    if stack is not None:
        await stack.aclose()
    log.info("Dossier stopped")


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Register the command menu in Russian and English (Telegram picks by the user's language)."""
    menu = [c for c in COMMANDS if c.menu]
    await application.bot.set_my_commands([BotCommand(c.name, c.en) for c in menu])
    await application.bot.set_my_commands([BotCommand(c.name, c.en) for c in menu], language_code="en")
    await application.bot.set_my_commands([BotCommand(c.name, c.ru) for c in menu], language_code="ru")
