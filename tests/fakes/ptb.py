"""Helpers to run a real PTB ``Application`` against :class:`FakeBotAPI`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from telegram.ext import Application, ApplicationBuilder

from .bot_api import FakeBotAPI

__all__ = ["AnyApplication", "ptb_builder", "running_application"]

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def ptb_builder(api: FakeBotAPI) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ``ApplicationBuilder`` pointed at the fake server; add your own settings and build()."""
    return ApplicationBuilder().token(api.token).base_url(api.base_url).base_file_url(api.file_url)


@contextlib.asynccontextmanager
async def running_application(
    app: AnyApplication,
    *,
    allowed_updates: Sequence[str] | None = None,
    long_poll_timeout: int = 10,
) -> AsyncIterator[AnyApplication]:
    """initialize → start → start_polling; on exit updater.stop → stop → shutdown.

    ``poll_interval=0``: no sleep between polls. The fake answers a long poll the moment an
    update is injected, so the long-poll ``timeout`` only matters for idle periods; stopping is
    fast anyway because PTB cancels the in-flight getUpdates and the fake drops such polls.
    """
    await app.initialize()
    try:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0,
            timeout=long_poll_timeout,
            allowed_updates=allowed_updates,
            drop_pending_updates=False,
        )
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
