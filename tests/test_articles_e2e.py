"""End to end: forward an article, get the card, then ask about it."""

from __future__ import annotations

import json
import re

from harness import MEMBER, OWNER, RunningBot, fixture_text

CHANNEL = -1001234567890


async def forward(bot: RunningBot, user: int, name: str, message_id: int) -> str:
    before = len(bot.api.texts(user))
    bot.api.forward_from_channel(user, fixture_text(name), channel_id=CHANNEL, channel_title="Новости Европы",
                                 channel_username="euronews_ru", message_id=message_id)
    texts = await bot.api.wait_for_messages(user, before + 1, timeout=30)
    return texts[before]


def article_number(card: str) -> int:
    match = re.search(r"#(\d+)\b", card)
    assert match, card
    return int(match.group(1))


async def ask(bot: RunningBot, user: int, text: str) -> str:
    before = len(bot.api.texts(user))
    bot.api.send_text(user, text)
    texts = await bot.api.wait_for_messages(user, before + 1, timeout=15)
    return "\n".join(texts[before:])


async def test_forward_gives_a_card_with_actors_roles_claims_and_link(bot: RunningBot) -> None:
    card = await forward(bot, OWNER, "forward_diplomacy.txt", 501)
    assert card.startswith("Лавров и Тиллерсон обсудили в Москве ситуацию в Сирии")
    assert "Рекс Тиллерсон (государственный секретарь США)" in card and "Сергей Лавров" in card
    assert "Роберт Хэммонд (помощник госсекретаря)" in card
    assert "Роберт Хэммонд: «Нам удалось откровенно обменяться мнениями" in card
    assert "https://t.me/euronews_ru/501" in card
    assert "#дипломатия" in card
    actions = bot.api.calls_of("sendChatAction")
    assert actions and actions[0].params["action"] == "typing"
    full = await bot.services.library.article(article_number(card))
    assert full is not None
    assert full.article.origin_chat_title == "Новости Европы" and full.article.origin_message_id == 501


async def test_same_post_forwarded_again_is_not_stored_twice(bot: RunningBot) -> None:
    card = await forward(bot, OWNER, "forward_diplomacy.txt", 501)
    number = article_number(card)
    again = await forward(bot, MEMBER, "forward_diplomacy.txt", 501)
    assert "already in the library" in again and f"/article_{number}" in again
    stats = await bot.services.library.stats()
    assert stats.articles == 1


async def test_who_tags_search_article_delete(bot: RunningBot) -> None:
    first = article_number(await forward(bot, OWNER, "forward_diplomacy.txt", 501))
    second = article_number(await forward(bot, MEMBER, "forward_sanctions.txt", 777))

    latin = await ask(bot, MEMBER, "/who Tillerson")
    assert "Рекс Тиллерсон" in latin and "«Две ведущие ядерные державы" in latin and f"/article_{first}" in latin
    cyrillic = await ask(bot, OWNER, "/who Лаврова")
    assert cyrillic.startswith("Сергей Лавров") and "министр иностранных дел" in cyrillic
    typo = await ask(bot, OWNER, "/who Tilerson")
    assert typo.startswith("Рекс Тиллерсон")

    english = await ask(bot, MEMBER, "/tags sanctions")
    assert "санкции" in english and f"/article_{second}" in english and f"/article_{first} " not in english
    russian = await ask(bot, OWNER, "/tags санкций")
    assert f"/article_{second}" in russian

    found = await ask(bot, OWNER, "/search переговоры")
    assert f"/article_{first}" in found
    raw = bot.api.texts(OWNER, raw=True)[-1]
    assert "<b>" in raw

    again = await ask(bot, MEMBER, f"/article {first}")
    assert again.startswith("Лавров и Тиллерсон")

    refused = await ask(bot, MEMBER, f"/delete {first}")
    assert "Only the member who added it or the owner" in refused
    asked = await ask(bot, OWNER, f"/delete {first}")
    assert f"#{first}" in asked
    sent = bot.api.sent(OWNER)[-1]
    markup = sent["reply_markup"]
    confirm = (json.loads(markup) if isinstance(markup, str) else markup)["inline_keyboard"][0][0]
    bot.api.press_button(OWNER, int(sent["message_id"]), OWNER, confirm["callback_data"])
    await bot.api.wait_for(lambda: "удалена" in (bot.api.message(OWNER, int(sent["message_id"])) or {}).get("text", ""))
    gone = await ask(bot, MEMBER, "/who Tillerson")
    assert "Nobody like" in gone
    assert not bot.api.rejected


async def test_who_answers_while_a_batch_is_being_analysed(bot: RunningBot) -> None:
    await forward(bot, OWNER, "forward_diplomacy.txt", 501)
    for i in range(6):
        text = fixture_text("forward_sanctions.txt") + f"\n\nОбновление {i}: " + "подробности. " * (50 + i)
        bot.api.send_text(MEMBER, text)
    await bot.api.wait_for(lambda: any(c.method == "sendChatAction" and c.chat_id == MEMBER for c in bot.api.calls),
                           10, message="the batch being analysed")
    started = len(bot.api.texts(MEMBER))
    bot.api.send_text(OWNER, "/who Лавров")
    owner_before = len(bot.api.texts(OWNER))
    await bot.api.wait_for_messages(OWNER, owner_before + 1, timeout=15)
    cards_done = len(bot.api.texts(MEMBER)) - started
    assert cards_done < 6, "the /who answer should arrive before the batch finished"
    await bot.api.wait_for_messages(MEMBER, started + 6, timeout=60)
