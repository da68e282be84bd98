"""pytest fixtures for end-to-end tests against :class:`FakeBotAPI`.

Enable in a test module with ``pytest_plugins = ["fakes.fixtures"]`` (or from a root conftest).
Don't also ``import fakes.fixtures`` in that module (pytest could then not assert-rewrite it);
import helpers from :mod:`fakes.ptb` instead.

* ``fake_api``  – a started :class:`FakeBotAPI` (closed after the test).
* ``ptb_app``   – a PTB ``Application`` wired to ``fake_api``, initialized, started and polling.
  Handlers may be added inside the test (PTB allows adding handlers at runtime). Stopped and
  shut down after the test, before ``fake_api`` closes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .bot_api import FakeBotAPI
from .ptb import AnyApplication, ptb_builder, running_application

__all__ = ["fake_api", "ptb_app"]


@pytest_asyncio.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as api:
        yield api


@pytest_asyncio.fixture
async def ptb_app(fake_api: FakeBotAPI) -> AsyncIterator[AnyApplication]:
    app = ptb_builder(fake_api).build()
    async with running_application(app) as running:
        yield running
