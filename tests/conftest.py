"""Shared fixtures: a fake Telegram, and the real Dossier application running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.analyzer import Analyzer

from fakes.bot_api import FakeBotAPI
from harness import MEMBER, OWNER, STRANGER, RunningBot, make_settings, run_bot

pytest_plugins = ["fakes.fixtures", "backends"]


@pytest.fixture(scope="session")
def shared_analyzer() -> Iterator[Analyzer]:
    """One in-process analyzer for the whole run: the natasha models load once (~1 s)."""
    yield Analyzer(0)


@pytest_asyncio.fixture
async def bot(
    fake_api: FakeBotAPI, tmp_path: Path, shared_analyzer: Analyzer, backend: str, database_url: str
) -> AsyncIterator[RunningBot]:
    """Dossier on each backend (tests/backends.py): every end-to-end test runs on SQLite and on
    PostgreSQL."""
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    fake_api.register_user(MEMBER, first_name="Max", language_code="en")
    fake_api.register_user(STRANGER, first_name="Eve", language_code="en")
    db = tmp_path / "dossier.db"
    settings = make_settings(fake_api, db, DATABASE_URL=f"sqlite:///{db}" if backend == "sqlite" else database_url)
    async with run_bot(fake_api, settings, shared_analyzer) as running:
        yield running
