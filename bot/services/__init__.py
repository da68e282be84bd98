"""The use-case layer and its container: one `Services` per running bot, with a lifecycle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.analyzer import Analyzer
from bot.config import Settings
from bot.services.access import AccessControl
from bot.services.feeds import Feeds
from bot.services.fetch import FetchPolicy
from bot.services.ingest import Ingest
from bot.services.library import Library
from storage.repository import Storage

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    storage: Storage
    analyzer: Analyzer
    ingest: Ingest
    library: Library
    access: AccessControl
    feeds: Feeds
    fetch_policy: FetchPolicy
    background: list[Any] = field(default_factory=list)

    async def start_background(self, application: Any) -> None:
        """Start what runs beside the handlers: replay of the inbox, re-analysis, alert delivery."""
        from bot.background import start_background

        await start_background(self, application)


@asynccontextmanager
async def open_services(settings: Settings, *, analyzer: Analyzer | None = None) -> AsyncIterator[Services]:
    """Open the database (running migrations) and the analysis workers; close both on exit."""
    async with AsyncExitStack() as stack:
        storage = await stack.enter_async_context(Storage.open(settings.database_url))
        if analyzer is None:
            analyzer = Analyzer(settings.analysis_workers, max_chars=settings.max_article_chars)
            await stack.enter_async_context(analyzer)
        access = AccessControl(storage)
        await access.seed(settings.allowed_user_ids)
        services = Services(
            settings=settings,
            storage=storage,
            analyzer=analyzer,
            ingest=Ingest(storage, analyzer, window=settings.multipart_window),
            library=Library(storage),
            access=access,
            feeds=Feeds(storage),
            fetch_policy=FetchPolicy(
                timeout=settings.fetch_timeout,
                max_bytes=settings.fetch_max_bytes,
                allow_private=settings.fetch_allow_private,
            ),
        )
        try:
            yield services
        finally:
            for task in services.background:
                task.cancel()
            # Let in-flight sends finish and be recorded before the database closes.
            await asyncio.gather(*services.background, return_exceptions=True)
