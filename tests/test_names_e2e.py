"""Issue 12 through the fake Telegram: English names, topics in English, following ahead, bad input.

Articles are fixtures written for this suite (tests/fixtures/forward_*.txt).
"""

from __future__ import annotations

from test_alerts import add_article, alerts, settled, subscribe

from fakes.bot_api import FakeBotAPI
from harness import MEMBER, OWNER, RunningBot


async def ask(bot: RunningBot, user: int, text: str) -> str:
    before = len(bot.api.texts(user))
    bot.api.send_text(user, text)
    texts = await bot.api.wait_for_messages(user, before + 1)
    return texts[before]


def buttons(api: FakeBotAPI, chat_id: int) -> list[tuple[str, str]]:
    msg = api.last_message(chat_id) or {}
    return [(b["text"], b.get("callback_data", "")) for row in msg.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row]


async def test_english_names_find_russian_actors_and_never_a_different_one(bot: RunningBot) -> None:
    await add_article(bot, MEMBER, "forward_london.txt")
    for query in ("Theresa May", "May", "Тереза Мэй", "Мэй"):
        answer = await ask(bot, OWNER, f"/who {query}")
        assert "Тереза Мэй" in answer and "Nobody" not in answer and "Никого" not in answer, (query, answer)
    assert "Великобритания" in await ask(bot, OWNER, "/who Great Britain")
    assert "Великобритания" in await ask(bot, OWNER, "/who UK")
    assert "Борис Джонсон" in await ask(bot, OWNER, "/who Boris Johnson")
    # Key collisions and a surname that is not there: never somebody else's dossier.
    answer = await ask(bot, OWNER, "/who Maya Plisetskaya")
    assert "Тереза Мэй" not in answer.split("\n")[0]


async def test_topics_in_english_offer_several_and_an_empty_topic_offers_to_subscribe(bot: RunningBot) -> None:
    api = bot.api
    answer = await ask(bot, OWNER, "/tags defense")
    labels = [text for text, _ in buttons(api, OWNER)]
    assert "defense" in answer and len(labels) >= 3 and all("defense" in x for x in labels), labels
    # An English synonym of a lexicon topic with no article yet: says so, offers to follow.
    answer = await ask(bot, OWNER, "/tags negotiations")
    assert "пока нет" in answer and "мирные переговоры" in answer
    ((label, data),) = buttons(api, OWNER)
    assert "мирные переговоры" in label
    before = len(api.texts(OWNER))
    msg = api.last_message(OWNER)
    assert msg is not None
    api.press_button(OWNER, msg["message_id"], OWNER, data)
    texts = await api.wait_for_messages(OWNER, before + 1)
    assert "Подписка оформлена" in texts[before] and "пока нет" in texts[before]
    assert any(s.label == "мирные переговоры" for s in await bot.services.subscriptions.list(OWNER))


async def test_subscribe_ahead_to_a_topic_then_one_article_gives_exactly_one_alert(bot: RunningBot) -> None:
    api = bot.api
    answer = await subscribe(bot, OWNER, "нефть")
    assert "Подписка оформлена" in answer and "пока нет" in answer
    # A filter on a topic no article has yet is accepted too (README's own example).
    answer = await subscribe(bot, OWNER, "санкции -нефть")
    assert "Подписка оформлена" in answer and "кроме" in answer
    article = await add_article(bot, MEMBER, "forward_oil_talks.txt")
    await api.wait_for(lambda: len(alerts(api, OWNER)) >= 1, 10, message="the alert")
    await settled(bot)
    (alert,) = alerts(api, OWNER)
    assert f"#{article}" in str(alert.params["text"]) and "нефть" in str(alert.params["text"])


async def test_bad_name_queries_get_a_clear_answer(bot: RunningBot) -> None:
    await add_article(bot, MEMBER, "forward_london.txt")
    assert "коротко" in await ask(bot, OWNER, "/who Ab")
    assert "алфавит" in await ask(bot, OWNER, "/who Ελλάδα")
    assert "алфавит" in await ask(bot, OWNER, "/who ترامب")
    assert "смешивает" in await ask(bot, OWNER, "/who Мэйw")
    assert "длинный" in await ask(bot, OWNER, "/who " + "x" * 5000)
    # A Latin "a" inside a Cyrillic word is read as Cyrillic, and the bot says so.
    before = len(bot.api.texts(OWNER))
    bot.api.send_text(OWNER, "/who Терезa Мэй")
    texts = await bot.api.wait_for_messages(OWNER, before + 2)
    assert "прочитаны как русские" in texts[before] and "Тереза Мэй" in texts[before + 1]
    assert "коротко" in await ask(bot, OWNER, "/claims Ab")


async def test_merge_and_unmerge_with_who_and_when(bot: RunningBot) -> None:
    await add_article(bot, MEMBER, "forward_london.txt")
    # Bad merges: a clear answer, nothing changed.
    assert "уже один" in await ask(bot, OWNER, "/merge Тереза Мэй | Theresa May")
    assert "не объединяю" in await ask(bot, OWNER, "/merge Тереза Мэй | Великобритания")
    assert "не нашлось" in await ask(bot, OWNER, "/merge Тереза Мэй | Зюзюкин")
    assert "ничего не объединяли" in await ask(bot, OWNER, "/unmerge Тереза Мэй")
    assert "Использование" in await ask(bot, OWNER, "/merge")
    # A member merges; the dossier shows the merged names as aliases.
    answer = await ask(bot, MEMBER, "/merge Тереза Мэй | Борис Джонсон")
    assert "теперь часть" in answer or "is now part" in answer
    dossier = await ask(bot, OWNER, "/who Theresa May")
    assert "Джонсон" in dossier
    merges = await bot.services.merging.merges.merge_log()
    assert merges[0].merged_by == MEMBER and merges[0].merged_at > 0
    # The owner may undo another member's merge ...
    assert "отменено" in await ask(bot, OWNER, "/unmerge Тереза Мэй")
    assert "Борис Джонсон" in await ask(bot, OWNER, "/who Boris Johnson")
    assert (await bot.services.merging.merges.merge_log())[0].undone_by == OWNER
    # ... but a member may not undo the owner's.
    assert "теперь часть" in await ask(bot, OWNER, "/merge Тереза Мэй | Борис Джонсон")
    answer = await ask(bot, MEMBER, "/unmerge Theresa May")
    assert "Only they or the owner" in answer or "only they or the owner" in answer
    assert "Джонсон" in await ask(bot, OWNER, "/who Theresa May"), "a refused undo changes nothing"


async def test_subscribe_ahead_to_a_person_then_one_article_gives_exactly_one_alert(bot: RunningBot) -> None:
    api = bot.api
    answer = await subscribe(bot, OWNER, "Theresa May")
    assert "Подписка оформлена" in answer and "пока нет" in answer
    assert "нет" in await ask(bot, OWNER, "/who Theresa May"), "a followed name is not an actor yet"
    article = await add_article(bot, MEMBER, "forward_london.txt")
    await api.wait_for(lambda: len(alerts(api, OWNER)) >= 1, 10, message="the alert")
    await settled(bot)
    (alert,) = alerts(api, OWNER)
    assert f"#{article}" in str(alert.params["text"]) and "Тереза Мэй" in str(alert.params["text"])
    (sub,) = await bot.services.storage.list_subscriptions(OWNER)
    assert sub.label == "Тереза Мэй", "the followed name became the actor"
    assert "Тереза Мэй" in await ask(bot, OWNER, "/who May")
    # The next article about her alerts like any subscription: once per article.
    await add_article(bot, MEMBER, "forward_london.txt", "Обновление.")
    await api.wait_for(lambda: len(alerts(api, OWNER)) >= 2, 10, message="the second alert")
    await settled(bot)
    assert len(alerts(api, OWNER)) == 2


async def test_after_a_merge_a_later_article_with_the_absorbed_full_name_joins_the_survivor(bot: RunningBot) -> None:
    storage = bot.services.storage
    await add_article(bot, MEMBER, "forward_london.txt")
    assert "теперь часть" in await ask(bot, OWNER, "/merge Тереза Мэй | Борис Джонсон")
    article = await add_article(bot, MEMBER, "forward_johnson.txt")
    card = await storage.get_article(article)
    assert card is not None
    assert [a.name for a in card.actors if a.kind == "person"] == ["Тереза Мэй"], card.actors
    dossier = await ask(bot, OWNER, "/who Борис Джонсон")
    assert dossier.startswith(("👤 Тереза Мэй", "Тереза Мэй")) or dossier.split("\n")[0].endswith("Тереза Мэй"), dossier
    assert f"/article_{article}" in dossier, dossier
    # After /unmerge a later article is filed as if the merge never happened.
    assert "отменено" in await ask(bot, OWNER, "/unmerge Тереза Мэй")
    later = await add_article(bot, MEMBER, "forward_johnson.txt", "Обновление.")
    card = await storage.get_article(later)
    assert card is not None and [a.name for a in card.actors if a.kind == "person"] == ["Борис Джонсон"]
    dossier = await ask(bot, OWNER, "/who Борис Джонсон")
    assert "Тереза Мэй" not in dossier.split("\n")[0] and f"/article_{later}" in dossier, dossier
