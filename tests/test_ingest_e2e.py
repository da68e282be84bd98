"""End to end: every way an article gets in (multi-part forwards, documents, links, other origins)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web

from bot.analyzer import Analyzer

from fakes.bot_api import FakeBotAPI
from harness import MEMBER, OWNER, RunningBot, fixture_text, make_settings, run_bot

CHANNEL = -1009876543210


async def test_three_consecutive_posts_of_a_channel_become_one_article(bot: RunningBot) -> None:
    text = fixture_text("forward_diplomacy.txt")
    paragraphs = text.split("\n\n")
    parts = ["\n\n".join(paragraphs[:2]), "\n\n".join(paragraphs[2:4]), "\n\n".join(paragraphs[4:])]
    for offset, part in enumerate(parts):
        bot.api.forward_from_channel(OWNER, part, channel_id=CHANNEL, channel_title="Дипломатия",
                                     channel_username="diplo", message_id=300 + offset)
    texts = await bot.api.wait_for_messages(OWNER, 1, timeout=20)
    stats = await bot.services.library.stats()
    assert stats.articles == 1
    assert "Лавров и Тиллерсон" in texts[0]
    full = await bot.services.library.article(1)
    assert full is not None
    assert "Две ведущие ядерные державы" in full.article.text and "Встреча продолжалась" in full.article.text
    # only one card for the three parts
    await bot.api.wait_for(lambda: len(bot.api.texts(OWNER)) >= 1)
    assert len(bot.api.texts(OWNER)) == 1


async def test_album_captions_join_into_one_article(bot: RunningBot) -> None:
    paragraphs = fixture_text("forward_sanctions.txt").split("\n\n")
    for i, part in enumerate(["\n\n".join(paragraphs[:3]), "\n\n".join(paragraphs[3:])]):
        bot.api.forward_from_channel(MEMBER, part, channel_id=CHANNEL, channel_title="Европа", message_id=900 + i * 5,
                                     media_group_id="album-1", caption=True)
    await bot.api.wait_for_messages(MEMBER, 1, timeout=20)
    assert (await bot.services.library.stats()).articles == 1


async def test_non_consecutive_posts_stay_separate(bot: RunningBot) -> None:
    bot.api.forward_from_channel(OWNER, fixture_text("forward_diplomacy.txt"), channel_id=CHANNEL,
                                 channel_title="Дипломатия", message_id=10)
    bot.api.forward_from_channel(OWNER, fixture_text("forward_sanctions.txt"), channel_id=CHANNEL,
                                 channel_title="Дипломатия", message_id=20)
    await bot.api.wait_for_messages(OWNER, 2, timeout=20)
    assert (await bot.services.library.stats()).articles == 2


async def test_forward_from_a_user_and_a_hidden_user_is_filed(bot: RunningBot) -> None:
    bot.api.forward_from_user(OWNER, fixture_text("forward_diplomacy.txt"), original_user_id=4242,
                              original_first_name="Иван")
    bot.api.forward_from_hidden_user(MEMBER, fixture_text("forward_sanctions.txt"), sender_user_name="Аноним")
    await bot.api.wait_for_messages(OWNER, 1, timeout=20)
    await bot.api.wait_for_messages(MEMBER, 1, timeout=20)
    recent = await bot.services.library.recent()
    assert {a.origin_chat_title for a in recent.items} == {"Иван", "Аноним"}


async def test_pasted_long_text_is_an_article(bot: RunningBot) -> None:
    bot.api.send_text(MEMBER, fixture_text("forward_sanctions.txt"))
    (card,) = await bot.api.wait_for_messages(MEMBER, 1, timeout=20)
    assert card.startswith("Евросоюз готовит новый пакет санкций")
    # MEMBER's interface is English: the English form first, then the Russian name, then the whole role.
    assert "Annalena Berbok (Анналена Бербок) (министр иностранных дел Германии)" in card, card


async def test_cp1251_text_document_is_read(bot: RunningBot) -> None:
    data = fixture_text("forward_sanctions.txt").encode("cp1251")
    bot.api.send_document(OWNER, data, "sanctions.txt", "text/plain")
    (card,) = await bot.api.wait_for_messages(OWNER, 1, timeout=20)
    assert "Евросоюз готовит новый пакет санкций" in card


def article_html(text: str) -> str:
    title, *paragraphs = text.split("\n\n")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Главная</a> | <a href='/x'>Политика</a>"
            f"</nav><article><h1>{title}</h1>{body}</article><footer>© Редакция, все права защищены</footer>"
            "</body></html>")


async def test_html_document_is_reduced_to_the_article(bot: RunningBot) -> None:
    page = article_html(fixture_text("forward_diplomacy.txt")).encode("utf-8")
    bot.api.send_document(MEMBER, page, "article.html", "text/html")
    (card,) = await bot.api.wait_for_messages(MEMBER, 1, timeout=20)
    assert "Лавров и Тиллерсон" in card
    full = await bot.services.library.article(1)
    assert full is not None and "Главная" not in full.article.text and "<p>" not in full.article.text


@pytest_asyncio.fixture
async def news_site() -> AsyncIterator[str]:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=article_html(fixture_text("forward_sanctions.txt")), content_type="text/html")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/news/1")

    app = web.Application()
    app.router.add_get("/news/1", page)
    app.router.add_get("/short", moved)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_link_is_fetched_and_filed_when_private_addresses_are_allowed(
    fake_api: FakeBotAPI, tmp_path: Path, shared_analyzer: Analyzer, news_site: str
) -> None:
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    settings = make_settings(fake_api, tmp_path / "d.db", FETCH_ALLOW_PRIVATE=True)
    async with run_bot(fake_api, settings, shared_analyzer) as bot:
        bot.api.send_text(OWNER, f"{news_site}/short")
        (card,) = await bot.api.wait_for_messages(OWNER, 1, timeout=20)
        assert "Евросоюз готовит новый пакет санкций" in card
        assert f"{news_site}/news/1" in card


async def test_link_to_a_local_address_is_refused_by_default(bot: RunningBot, news_site: str) -> None:
    bot.api.send_text(OWNER, f"{news_site}/news/1")
    (answer,) = await bot.api.wait_for_messages(OWNER, 1, timeout=20)
    assert "внутреннюю сеть" in answer
    assert (await bot.services.library.stats()).articles == 0


@pytest.mark.parametrize("text", ["", "   "])
async def test_empty_caption_forward_is_explained(bot: RunningBot, text: str) -> None:
    bot.api.send_photo(MEMBER, caption=None)
    (answer,) = await bot.api.wait_for_messages(MEMBER, 1, timeout=10)
    assert "Send an article's text" in answer or "no text" in answer
