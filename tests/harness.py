"""Running the real Dossier application against the fake Telegram (shared by the e2e tests)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.analyzer import Analyzer
from bot.app import build_application
from bot.config import Settings
from bot.services.container import Services

from fakes.bot_api import FakeBotAPI

OWNER = 1001
MEMBER = 1002
STRANGER = 6666
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class RunningBot:
    api: FakeBotAPI
    app: Any
    settings: Settings

    @property
    def services(self) -> Services:
        services = self.app.bot_data.services
        assert services is not None, "the bot is not running"
        return services

    @property
    def background(self) -> list[asyncio.Task[None]]:
        """The bot's background tasks (the tests "kill" it by cancelling them)."""
        assert self.app.bot_data.background is not None
        return self.app.bot_data.background.tasks


def make_settings(api: FakeBotAPI, db: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.file_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "ALLOWED_USER_IDS": f"{OWNER},{MEMBER}",
        "ANALYSIS_WORKERS": 0,
        "MULTIPART_WINDOW": 0.6,
        "FETCH_ALLOW_PRIVATE": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def run_bot(api: FakeBotAPI, settings: Settings, analyzer: Analyzer | None) -> AsyncIterator[RunningBot]:
    """Start Dossier as `python -m bot run` would (post_init included), poll the fake, stop cleanly."""
    app = build_application(settings, api.token, analyzer=analyzer)
    await app.initialize()
    try:
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5, drop_pending_updates=False)
        running = RunningBot(api, app, settings)
        # Start-up recovery analyses pending articles; a test that files an article through storage
        # (add_article, then save_analysis) must not race it, or recovery re-analyses the raw text.
        for task in running.background:
            if task.get_name() == "dossier.pending":
                await asyncio.wait_for(asyncio.shield(task), 60)
        yield running
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def pg_rows(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (written for SQLite, as the tests' checks are) on a PostgreSQL database,
    through the backend's own translation."""
    import psycopg

    from storage.pg_sql import translate

    translated = translate(sql)
    with psycopg.connect(database_url, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
        return [tuple(r) for r in conn.execute(translated.sql, translated.bind(params)).fetchall()]
