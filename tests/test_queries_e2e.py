"""End to end: the query commands' UX (lists, buttons, pagination, replies to cards)."""

from __future__ import annotations

import json
import re

from analysis.model import Actor, ArticleAnalysis, Claim, Tag
from storage.records import NewArticle

from harness import MEMBER, OWNER, RunningBot, fixture_text
from test_articles_e2e import CHANNEL, article_number, ask, forward


def buttons(bot: RunningBot, chat_id: int) -> list[tuple[str, str, int]]:
    """(text, callback_data, message_id) of the inline buttons under the bot's last message."""
    sent = bot.api.sent(chat_id)[-1]
    markup = sent.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup["inline_keyboard"] if markup else []
    return [(b["text"], b["callback_data"], int(sent["message_id"])) for row in rows for b in row]


async def seed_library(bot: RunningBot, count: int, *, speaker: str = "Сергей Лавров") -> None:
    """Articles straight through storage: fast, and precise about what the library holds."""
    storage = bot.services.storage
    for i in range(count):
        article_id, _ = await storage.add_article(NewArticle(
            text=f"Статья номер {i} о {speaker}. Министр заявил о переговорах.", origin_kind="paste",
            added_by=OWNER, added_at=1_700_000_000 + i, added_chat_id=OWNER))
        analysis = ArticleAnalysis(
            title=f"Заголовок {i}", source="ТАСС", via=None, lead=None, summary=[f"Сводка {i}."],
            actors=[Actor(speaker, "person", 2, "министр иностранных дел", (speaker, speaker.split()[-1])),
                    Actor("Россия", "location", 1)],
            claims=[Claim(speaker, f"Заявление номер {i}", "quote", speaker)],
            tags=[Tag("дипломатия", "diplomacy", "topic", 1.5)], language="ru")
        await storage.save_analysis(article_id, analysis)


async def test_lists_without_arguments(bot: RunningBot) -> None:
    empty = await ask(bot, MEMBER, "/who")
    assert "library is empty" in empty
    await forward(bot, OWNER, "forward_diplomacy.txt", 501)
    top = await ask(bot, MEMBER, "/who")
    assert top.startswith("Most mentioned") and "Рекс Тиллерсон" in top
    tags = await ask(bot, MEMBER, "/tags")
    assert tags.startswith("Top tags") and "дипломатия / diplomacy" in tags
    recent = await ask(bot, OWNER, "/recent")
    assert "Лавров и Тиллерсон" in recent
    stats = await ask(bot, OWNER, "/stats")
    assert "Статей: 1" in stats and "Заявлений: 4" in stats


async def test_claims_paginate_with_buttons_that_edit_the_message(bot: RunningBot) -> None:
    await seed_library(bot, 23)
    first = await ask(bot, MEMBER, "/claims Lavrov")
    assert first.startswith("Claims by Сергей Лавров (23)")
    assert "Заявление номер 22" in first and "Заявление номер 12" not in first
    _, data, message_id = next(b for b in buttons(bot, MEMBER) if b[0] == "Next ›")
    assert len(data.encode()) < 64
    bot.api.press_button(MEMBER, message_id, MEMBER, data)
    await bot.api.wait_for(lambda: "Заявление номер 12" in (bot.api.message(MEMBER, message_id) or {}).get("text", ""))
    edited = bot.api.message(MEMBER, message_id)
    assert edited is not None and "Заявление номер 22" not in edited["text"]
    assert not bot.api.rejected


async def test_who_dossier_has_roles_counts_claims_and_co_mentions(bot: RunningBot) -> None:
    await seed_library(bot, 7)
    dossier = await ask(bot, OWNER, "/who лавров")
    assert dossier.startswith("Сергей Лавров · человек")
    assert "министр иностранных дел (7)" in dossier
    assert "Статей: 7" in dossier
    assert "«Заявление номер 6»" in dossier
    assert "Россия (7)" in dossier
    label, data, _ = buttons(bot, OWNER)[-1]
    assert label == "Все заявления (7)" and data.startswith("cl:")


async def test_ambiguous_name_offers_buttons(bot: RunningBot) -> None:
    await seed_library(bot, 1, speaker="Джон Смит")
    await seed_library(bot, 1, speaker="Адам Смит")
    answer = await ask(bot, MEMBER, "/who Smith")
    assert "Several match" in answer
    options = buttons(bot, MEMBER)
    assert {o[0] for o in options} >= {"👤 Джон Смит — министр иностранных дел",
                                       "👤 Адам Смит — министр иностранных дел"}
    _, data, message_id = options[0]
    bot.api.press_button(MEMBER, message_id, MEMBER, data)
    texts = await bot.api.wait_for_messages(MEMBER, 2)
    assert re.match(r"(Джон|Адам) Смит · person", texts[-1])


async def test_no_match_suggests_the_closest_names(bot: RunningBot) -> None:
    await seed_library(bot, 1)
    answer = await ask(bot, MEMBER, "/who Lavrenko")
    assert "Nobody like “Lavrenko”" in answer


async def test_reply_to_a_card_answers_about_that_article(bot: RunningBot) -> None:
    card = await forward(bot, OWNER, "forward_diplomacy.txt", 501)
    number = article_number(card)
    card_id = int(bot.api.sent(OWNER)[-1]["message_id"])
    bot.api.send_text(OWNER, "/who", reply_to_message_id=card_id)
    texts = await bot.api.wait_for_messages(OWNER, 2)
    assert texts[-1].startswith(f"Действующие лица статьи #{number}") and "Роберт Хэммонд" in texts[-1]
    bot.api.send_text(OWNER, "/tags", reply_to_message_id=card_id)
    texts = await bot.api.wait_for_messages(OWNER, 3)
    assert "дипломатия / diplomacy" in texts[-1]
    bot.api.send_text(OWNER, "/claims", reply_to_message_id=card_id)
    texts = await bot.api.wait_for_messages(OWNER, 4)
    assert "«Две ведущие ядерные державы" in texts[-1]


async def test_full_text_button_pages_through_a_long_article(bot: RunningBot) -> None:
    long_text = fixture_text("forward_sanctions.txt") + "\n\n" + "\n".join(
        f"Абзац {i}: эксперты продолжают обсуждать последствия решения." for i in range(150))
    bot.api.forward_from_channel(MEMBER, long_text, channel_id=CHANNEL, channel_title="Европа", message_id=42)
    await bot.api.wait_for_messages(MEMBER, 1, timeout=20)
    label, data, message_id = buttons(bot, MEMBER)[-1]
    assert label == "Full text"
    bot.api.press_button(MEMBER, message_id, MEMBER, data)
    texts = await bot.api.wait_for_messages(MEMBER, 2)
    assert texts[-1].startswith("#1 (1/3)")
    _, data, message_id = buttons(bot, MEMBER)[0]
    bot.api.press_button(MEMBER, message_id, MEMBER, data)
    texts = await bot.api.wait_for_messages(MEMBER, 3)
    assert texts[-1].startswith("#1 (2/3)")
    assert not bot.api.rejected


async def test_article_deep_link_command(bot: RunningBot) -> None:
    await forward(bot, OWNER, "forward_diplomacy.txt", 501)
    again = await forward(bot, OWNER, "forward_diplomacy.txt", 501)
    assert "/article_1" in again
    card = await ask(bot, OWNER, "/article_1")
    assert card.startswith("Лавров и Тиллерсон")
