"""Pictures end to end through the fake Telegram: /graph, /trend, their buttons, bad input.

The fake validates sendPhoto and sendDocument as Telegram does, so a picture it would refuse (not
an image, too large, bad dimensions, a caption with broken HTML or over 1,024 characters) fails
these tests. The library is the generated world of `charts_world` (known truth, own dates).
"""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image

from analysis.model import Actor, ArticleAnalysis, Tag
from bot.charts.data import FILE_PX, PHOTO_PX
from storage.records import NewArticle

from charts_world import CENTER, PLACES, TODAY, build, plan
from harness import MEMBER, OWNER, RunningBot

PLAN = plan()


def _last(bot: RunningBot, chat: int) -> dict[str, Any]:
    return bot.api.sent(chat)[-1]


def _buttons(sent: dict[str, Any]) -> dict[str, str]:
    markup = sent.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return {b["text"]: b["callback_data"] for row in (markup or {}).get("inline_keyboard", []) for b in row}


def _image(bot: RunningBot, sent: dict[str, Any], field: str) -> Image.Image:
    file_id = sent[field]["file_id"]
    image = Image.open(io.BytesIO(bot.api.file_content(file_id)))
    image.load()
    assert image.format == "PNG"
    return image


async def _command(bot: RunningBot, user: int, text: str) -> dict[str, Any]:
    """Send a command and wait for the bot's answer (a photo, a document or a message)."""
    before = len(bot.api.sent(user))
    bot.api.send_text(user, text)
    await bot.api.wait_for(lambda: len(bot.api.sent(user)) > before, 60, message=f"an answer to {text}")
    return _last(bot, user)


async def _press(bot: RunningBot, user: int, sent: dict[str, Any], label: str) -> dict[str, Any]:
    before = len(bot.api.sent(user))
    bot.api.press_button(user, int(sent["message_id"]), user, _buttons(sent)[label])
    await bot.api.wait_for(lambda: len(bot.api.sent(user)) > before, 60, message=f"an answer to {label}")
    return _last(bot, user)


def _caption(sent: dict[str, Any]) -> str:
    return str(sent.get("caption") or sent.get("text") or "")


async def test_graph_and_trend_photos_with_their_file_and_buttons(bot: RunningBot) -> None:
    await build(bot.services.storage, PLAN)
    center_articles = sum(1 for p in PLAN if CENTER in p.actors)

    graph = await _command(bot, MEMBER, f"/graph {CENTER}")
    assert graph["method"] == "sendPhoto"
    assert _image(bot, graph, "photo").size == PHOTO_PX
    caption = _caption(graph)
    covered = f"{min(p.day for p in PLAN if p.day and CENTER in p.actors)} – "
    assert CENTER in caption and f"{center_articles} articles" in caption and covered in caption
    full = await _press(bot, MEMBER, graph, "📎 As a file (full size)")
    assert full["method"] == "sendDocument"
    assert _image(bot, full, "document").size == FILE_PX
    assert full["document"]["file_name"].startswith("graph-") and full["document"]["file_name"].endswith(".png")

    trend = await _command(bot, OWNER, f"/trend санкции, {CENTER} 2017-10-01..2017-11-30")
    assert trend["method"] == "sendPhoto" and _image(bot, trend, "photo").size == PHOTO_PX
    text = _caption(trend)
    sanctions = sum(1 for p in PLAN if "санкции" in p.tags and p.day and "2017-10-01" <= str(p.day) <= "2017-11-30")
    assert "2017-10-01 – 2017-11-30" in text and "Статей в день" in text
    assert f"санкции — {sanctions} " in text and CENTER in text
    # Two targets do not fit in a button's 64 bytes: the chat remembers them for "as a file".
    trend_file = await _press(bot, OWNER, trend, "📎 Файлом (полный размер)")
    assert trend_file["method"] == "sendDocument" and _image(bot, trend_file, "document").size == FILE_PX

    # "Rising fast" is said in the caption, for the story that grows at the end.
    rising = await _command(bot, OWNER, "/trend нефть санкции")
    assert "быстрый рост" in _caption(rising).split("санкции")[0]
    assert "нефть — " in _caption(rising)

    # Under /who: Graph and Trend; under /tags TAG: Trend.
    dossier = await _command(bot, MEMBER, f"/who {CENTER}")
    assert {"🕸 Graph", "📈 Trend"} <= set(_buttons(dossier))
    from_who = await _press(bot, MEMBER, dossier, "📈 Trend")
    assert from_who["method"] == "sendPhoto" and CENTER in _caption(from_who)
    graph_again = await _press(bot, MEMBER, dossier, "🕸 Graph")
    assert graph_again["method"] == "sendPhoto" and CENTER in _caption(graph_again)
    tag = await _command(bot, MEMBER, "/tags санкции")
    from_tag = await _press(bot, MEMBER, tag, "📈 Trend")
    assert from_tag["method"] == "sendPhoto" and "санкции" in _caption(from_tag)

    library = await _command(bot, MEMBER, "/graph")
    assert library["method"] == "sendPhoto" and "most connected" in _caption(library)
    assert not bot.api.rejected, bot.api.dump()


async def test_bad_input_gets_a_clear_text_answer_and_no_photo(bot: RunningBot) -> None:
    await build(bot.services.storage, PLAN)
    # A tag with exactly one article.
    storage = bot.services.storage
    article_id, _ = await storage.add_article(NewArticle(
        text="Единственная статья о космосе. " * 5, origin_kind="import", added_by=OWNER, added_at=1_600_000_000,
        origin_date=1_510_000_000))
    await storage.save_analysis(article_id, ArticleAnalysis(
        title="Космос", source=None, via=None, lead=None, summary=[], actors=[Actor("Москва", "location", 1)],
        claims=[], tags=[Tag("космос", "space", "topic", 1.0)], language="ru"), enqueue_alerts=False)
    cases = {
        "/graph Зюзюкин Пётр": "Nothing called “Зюзюкин Пётр”",
        "/trend Зюзюкин": "Nothing called “Зюзюкин”",
        "/trend санкции 2030": "is in the future",
        f"/graph {CENTER} 2031-01-01..2031-02-01": "is in the future",
        "/trend санкции 2017-12-31..2017-01-01": "ends before it starts",
        "/trend санкции 2017-13-01": "can't read the period",
        "/trend " + " ".join(PLACES * 8): "At most four targets",
        "/trend " + ", ".join(PLACES[:5]): "At most four targets on one timeline (you gave 5)",
        "/trend космос": "A timeline needs at least two",
        "/trend": "Usage: <code>/trend",
        f"/graph {CENTER} 2016": "a network needs at least two articles",
    }
    for command, expected in cases.items():
        sent = await _command(bot, MEMBER, command)
        assert sent["method"] == "sendMessage", (command, sent)
        assert expected in _caption(sent), (command, _caption(sent))
    assert not bot.api.calls_of("sendPhoto")
    assert not bot.api.rejected, bot.api.dump()


async def test_a_library_without_dates_says_so(bot: RunningBot) -> None:
    storage = bot.services.storage
    for i in range(3):
        article_id, _ = await storage.add_article(NewArticle(
            text=f"Вставленный текст {i} о санкциях. " * 5, origin_kind="paste", added_by=OWNER,
            added_at=1_600_000_000 + i))
        await storage.save_analysis(article_id, ArticleAnalysis(
            title=f"Текст {i}", source=None, via=None, lead=None, summary=[],
            actors=[Actor(CENTER, "person", 1), Actor("НАТО", "organization", 1)], claims=[],
            tags=[Tag("санкции", "sanctions", "topic", 1.0)], language="ru"), enqueue_alerts=False)
    sent = await _command(bot, OWNER, "/trend санкции")
    assert sent["method"] == "sendMessage" and "нет своей даты" in _caption(sent)
    # The network does not need dates.
    graph = await _command(bot, OWNER, f"/graph {CENTER}")
    assert graph["method"] == "sendPhoto"


HOSTILE = [
    "<b>Ложь & «правда»</b> </i><script>",
    "שלום עולם مرحبا بالعالم",
    "Эмодзи 🚀🔥👨‍👩‍👧 Имярек",
    "$x^2$ \\frac{1}{0} Доллар",
    "Я" * 300,
]


async def test_hostile_names_draw_and_captions_stay_valid(bot: RunningBot) -> None:
    storage = bot.services.storage
    for i in range(6):
        article_id, _ = await storage.add_article(NewArticle(
            text=f"Статья {i} с враждебными именами. " * 5, origin_kind="import", added_by=OWNER,
            added_at=1_600_000_000 + i, origin_date=1_510_000_000 + 86_400 * i))
        actors = [Actor(name, "person" if j % 2 else "organization", 1) for j, name in enumerate(HOSTILE)]
        await storage.save_analysis(article_id, ArticleAnalysis(
            title=f"Т {i}", source=None, via=None, lead=None, summary=[], actors=[Actor(CENTER, "person", 1), *actors],
            claims=[], tags=[Tag("<b>тег</b> & «x»", None, "explicit", 1.0)], language="ru"), enqueue_alerts=False)
    for command in (f"/graph {CENTER}", "/graph", f"/trend {CENTER}, <b>тег</b> & «x»"):
        sent = await _command(bot, OWNER, command)
        assert sent["method"] == "sendPhoto", (command, _caption(sent))
        assert _image(bot, sent, "photo").size == PHOTO_PX
        assert len(_caption(sent)) <= 1024
    assert not bot.api.rejected, bot.api.dump()
    assert TODAY  # the world's dates are in the past: the default period comes from the data
