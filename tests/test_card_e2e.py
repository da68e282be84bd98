"""End to end: the card's "All actors" / "All claims" pages, lists that open articles, /delete asks."""

from __future__ import annotations

from test_queries_e2e import buttons

from analysis.model import Actor, ArticleAnalysis, Claim, Tag
from storage.records import NewArticle

from harness import MEMBER, OWNER, RunningBot
from test_articles_e2e import article_number, ask, forward

KINDS = ("person", "organization", "location")


def long_analysis(actors: int, claims: int) -> ArticleAnalysis:
    """An article with more actors and claims than a card has room for, roles long on purpose."""
    people = [Actor(f"Персона{i} Фамилия{i}", KINDS[i % 3], 50 - i,
                    f"директор по исследованиям Европейского совета по международным отношениям номер {i}")
              for i in range(actors)]
    said = [Claim(people[i % actors].name, f"Высказывание номер {i} " + "с подробностями " * 12, "quote",
                  people[i % actors].name, i) for i in range(claims)]
    return ArticleAnalysis(
        title="Длинная статья", source="Коммерсантъ", via="ИноСМИ", lead="Первое предложение статьи.",
        summary=["Первое предложение статьи о переговорах в Женеве.",
                 "Первое предложение статьи о переговорах в Женеве, повторённое.",
                 "Он сказал: «Мы готовы.", "Стороны договорились встретиться снова."],
        actors=people, claims=said, tags=[Tag("дипломатия", "diplomacy", "topic", 1.5)], language="ru")


async def add(bot: RunningBot, analysis: ArticleAnalysis, *, added_by: int = OWNER, origin_date: int | None = None,
              text: str = "Текст статьи о переговорах.") -> int:
    storage = bot.services.storage
    article_id, _ = await storage.add_article(NewArticle(
        text=text, origin_kind="channel", added_by=added_by, added_at=1_700_000_000, added_chat_id=added_by,
        origin_date=origin_date, origin_chat_username="kommersant", origin_message_id=77))
    await storage.save_analysis(article_id, analysis)
    return article_id


async def page_through(bot: RunningBot, user: int, label_start: str) -> list[str]:
    """Press the card's button starting with ``label_start``, then "Next ›" until the last page;
    every page must replace the card in the same message."""
    _, data, message_id = next(b for b in buttons(bot, user) if b[0].startswith(label_start))
    pages: list[str] = []
    while True:
        before = (bot.api.message(user, message_id) or {}).get("text", "")
        bot.api.press_button(user, message_id, user, data)
        await bot.api.wait_for(lambda old=before: (bot.api.message(user, message_id) or {}).get("text", "") != old)
        edited = bot.api.message(user, message_id)
        assert edited is not None
        pages.append(edited["text"])
        markup = edited.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        nexts = [b for row in rows for b in row if b["text"].startswith("Next")]
        if not nexts:
            return pages
        data = nexts[0]["callback_data"]
        assert len(data.encode()) <= 64


async def test_every_actor_and_claim_of_a_long_article_is_reachable_from_its_card(bot: RunningBot) -> None:
    analysis = long_analysis(40, 30)
    number = await add(bot, analysis, origin_date=1_504_224_000)  # 1 September 2017
    card = await ask(bot, MEMBER, f"/article {number}")
    assert card.startswith("Длинная статья")
    assert "Коммерсантъ · via ИноСМИ · 01.09.2017" in card
    assert "Original: https://t.me/kommersant/77" in card
    assert "People: " in card and "Organisations: " in card and "Places: " in card
    # Whole roles, never cut mid-phrase.
    assert "(директор по исследованиям Европейского совета по международным отношениям номер 0)" in card
    # The summary drops the repetition and the sentence cut inside a quotation.
    assert "повторённое" not in card and "«Мы готовы" not in card
    assert "Стороны договорились встретиться снова." in card
    labels = [b[0] for b in buttons(bot, MEMBER)]
    assert labels[:2] == ["All actors (40)", "All claims (30)"]

    actor_pages = await page_through(bot, MEMBER, "All actors")
    assert len(actor_pages) >= 2
    seen = "\n".join(actor_pages)
    for actor in analysis.actors:
        assert f"{actor.name} — {actor.role}" in seen, actor.name

    # "‹ Card" brings the card back into the same message, and the claims page through as well.
    _, data, message_id = next(b for b in buttons_of_message(bot, MEMBER) if b[0] == "‹ Card")
    bot.api.press_button(MEMBER, message_id, MEMBER, data)
    await bot.api.wait_for(lambda: (bot.api.message(MEMBER, message_id) or {}).get("text", "").startswith("Длинная"))
    claim_pages = await page_through(bot, MEMBER, "All claims")
    seen = " ".join(" ".join(claim_pages).split())
    for claim in analysis.claims:
        assert " ".join(claim.text.split()) in seen, claim.text[:30]
    assert not bot.api.rejected


def buttons_of_message(bot: RunningBot, user: int) -> list[tuple[str, str, int]]:
    """Buttons of the last message the bot sent, as it is now (after edits)."""
    sent = bot.api.sent(user)[-1]
    message_id = int(sent["message_id"])
    now = bot.api.message(user, message_id) or sent
    markup = now.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [(b["text"], b["callback_data"], message_id) for row in rows for b in row]


async def test_recent_opens_an_article_by_its_button_and_by_its_command(bot: RunningBot) -> None:
    first = await add(bot, long_analysis(3, 2))
    recent = await ask(bot, MEMBER, "/recent")
    assert f"/article_{first}" in recent
    _, data, message_id = next(b for b in buttons(bot, MEMBER) if b[0] == f"#{first}")
    before = len(bot.api.texts(MEMBER))
    bot.api.press_button(MEMBER, message_id, MEMBER, data)
    texts = await bot.api.wait_for_messages(MEMBER, before + 1)
    assert texts[-1].startswith("Длинная статья") and f"#{first}" in texts[-1]
    tapped = await ask(bot, MEMBER, f"/article_{first}")
    assert tapped.startswith("Длинная статья")


async def test_delete_asks_first_and_removes_only_when_confirmed(bot: RunningBot) -> None:
    number = await add(bot, long_analysis(3, 2))
    asked = await ask(bot, OWNER, f"/delete {number}")
    assert f"#{number}" in asked and "Длинная статья" in asked
    confirm, keep = buttons(bot, OWNER)
    assert confirm[0] == f"🗑 Удалить #{number} «Длинная статья»"
    still = await ask(bot, OWNER, f"/article {number}")
    assert still.startswith("Длинная статья")
    # "Keep it" leaves it; the confirmation then no longer shows.
    bot.api.press_button(OWNER, keep[2], OWNER, keep[1])
    await bot.api.wait_for(lambda: "осталась" in (bot.api.message(OWNER, keep[2]) or {}).get("text", ""))
    assert (await bot.services.library.article(number)) is not None
    await ask(bot, OWNER, f"/delete {number}")
    confirm, _ = buttons(bot, OWNER)
    bot.api.press_button(OWNER, confirm[2], OWNER, confirm[1])
    await bot.api.wait_for(lambda: "удалена" in (bot.api.message(OWNER, confirm[2]) or {}).get("text", ""))
    gone = await ask(bot, OWNER, f"/article {number}")
    assert f"Статьи #{number} нет" in gone


async def test_an_old_delete_confirmation_expires_and_removes_nothing(bot: RunningBot) -> None:
    number = await add(bot, long_analysis(3, 2))
    await ask(bot, OWNER, f"/delete {number}")
    (_, data, message_id), _ = buttons(bot, OWNER)
    prefix, article, minute = data.split(":")
    stale = f"{prefix}:{article}:{int(minute) - 11}"  # the same button, as if sent 11 minutes ago
    bot.api.press_button(OWNER, message_id, OWNER, stale, check=False)
    await bot.api.wait_for(lambda: "устарело" in (bot.api.message(OWNER, message_id) or {}).get("text", ""))
    assert (await bot.services.library.article(number)) is not None


async def test_a_member_cannot_even_be_asked_to_delete_anothers_article(bot: RunningBot) -> None:
    number = await add(bot, long_analysis(3, 2), added_by=OWNER)
    refused = await ask(bot, MEMBER, f"/delete {number}")
    assert "Only the member who added it or the owner" in refused
    assert not buttons(bot, MEMBER)


async def test_the_english_interface_shows_english_name_forms_first(bot: RunningBot) -> None:
    # A Russian article forwarded as a user would: the English forms come from the analysis alone.
    card = await forward(bot, MEMBER, "forward_vienna_talks.txt", 610)  # MEMBER's Telegram is in English
    assert "Sergey Lavrov (Сергей Лавров) (министр иностранных дел России)" in card, card
    assert "Vienna (Вена)" in card and "António Guterres (Антониу Гутерреш)" in card, card
    number = article_number(card)
    russian = await ask(bot, OWNER, f"/article {number}")
    assert "Сергей Лавров (министр иностранных дел России)" in russian and "Sergey" not in russian
    for query in ("Лавров", "Lavrov"):  # /who finds the actor by either script, as before
        dossier = await ask(bot, MEMBER, f"/who {query}")
        assert dossier.startswith("Sergey Lavrov (Сергей Лавров) · person"), dossier
    assert (await ask(bot, OWNER, "/who Lavrov")).startswith("Сергей Лавров ·")
    assert (await ask(bot, MEMBER, "/who Вена")).startswith("Vienna (Вена) · ")


async def test_a_transcribed_english_form_gives_way_to_one_the_text_gives_and_never_back(bot: RunningBot) -> None:
    def guterres(name_en: str, attested: bool) -> ArticleAnalysis:
        analysis = long_analysis(2, 1)
        analysis.actors[0] = Actor("Антониу Гутерреш", "person", 9, "генеральный секретарь ООН",
                                   ("Антониу Гутерреш", "Гутерреш"), name_en=name_en, name_en_attested=attested)
        return analysis

    await add(bot, guterres("Antoniu Guterresh", False))
    assert (await ask(bot, MEMBER, "/who Гутерреш")).startswith("Antoniu Guterresh (Антониу Гутерреш)")
    await add(bot, guterres("António Guterres", True), text="Вторая статья о переговорах.")
    await add(bot, guterres("Antoniu Guterresh", False), text="Третья статья о переговорах.")
    assert (await ask(bot, MEMBER, "/who Гутерреш")).startswith("António Guterres (Антониу Гутерреш)")
