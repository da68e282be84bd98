"""End to end: a link that cannot be read says why and what to do; a question gets a command."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest_asyncio
from aiohttp import web
from test_card_e2e import add, long_analysis

from bot.services.fetch import FetchPolicy

from harness import MEMBER, OWNER, RunningBot
from test_articles_e2e import ask


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_asyncio.fixture
async def site() -> AsyncIterator[str]:
    async def menu(_: web.Request) -> web.Response:
        return web.Response(text="<html><body><nav>Главная · Новости · Контакты</nav></body></html>",
                            content_type="text/html")

    app = web.Application()
    app.router.add_get("/menu", menu)
    runner = web.AppRunner(app)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    try:
        yield f"127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_a_refused_link_says_so_and_suggests_pasting_the_text(bot: RunningBot) -> None:
    port = closed_port()
    bot.services.ingest.fetch_policy = FetchPolicy(timeout=2, trusted=frozenset({f"127.0.0.1:{port}"}))
    answer = await ask(bot, MEMBER, f"http://127.0.0.1:{port}/news")
    assert "refused the connection" in answer and "Copy the article's text" in answer


async def test_a_page_without_an_article_says_it_is_not_one(bot: RunningBot, site: str) -> None:
    bot.services.ingest.fetch_policy = FetchPolicy(timeout=2, trusted=frozenset({site}))
    answer = await ask(bot, OWNER, f"http://{site}/menu")
    assert "это не статья" in answer and "Скопируйте текст статьи" in answer


async def test_a_private_address_is_named_and_pasting_suggested(bot: RunningBot) -> None:
    answer = await ask(bot, MEMBER, "http://10.1.2.3/news")
    assert "private network address" in answer and "Copy the article's text" in answer


async def test_a_short_question_suggests_the_command(bot: RunningBot) -> None:
    analysis = long_analysis(2, 1)
    analysis.actors[0] = type(analysis.actors[0])("Сергей Лавров", "person", 5, "министр")
    await add(bot, analysis)
    assert "/who Лавров" in await ask(bot, OWNER, "что нового по Лаврову?")
    assert "/who Tillerson" in await ask(bot, MEMBER, "any news on Tillerson?")
    plain = await ask(bot, MEMBER, "привет")
    assert "too short to be an article" in plain
