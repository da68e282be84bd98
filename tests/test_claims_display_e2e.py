"""End to end: /who and /claims show how a claim was attributed, its negation, and (in /who) what
is reported about the actor under its own heading, apart from what they said."""

from __future__ import annotations

from analysis.model import Actor, ArticleAnalysis, Claim
from storage.records import NewArticle

from harness import MEMBER, OWNER, RunningBot
from test_articles_e2e import ask

SPEAKER = "Габриэла Штайнер"


async def _seed(bot: RunningBot) -> None:
    storage = bot.services.storage
    article_id, _ = await storage.add_article(NewArticle(
        text="Глава комиссии Габриэла Штайнер выступила в парламенте. Она не думает, что канцлер сказал правду.",
        origin_kind="paste", added_by=OWNER, added_at=1_700_000_000, added_chat_id=OWNER))
    analysis = ArticleAnalysis(
        title="Комиссия продолжит проверку", source=None, via=None, lead=None, summary=["Сводка."],
        actors=[Actor(SPEAKER, "person", 3, "глава комиссии", (SPEAKER, "Штайнер"),
                      actions=("Габриэла Штайнер выступила в парламенте.",))],
        claims=[
            Claim(SPEAKER, "канцлер сказал всю правду", "reported", SPEAKER, 1, "pronoun", True),
            Claim(SPEAKER, "Мы продолжим проверку", "quote", SPEAKER, 2, "name", False),
        ],
        tags=[], language="ru")
    await storage.save_analysis(article_id, analysis)


async def test_who_has_a_separate_heading_for_what_is_reported(bot: RunningBot) -> None:
    await _seed(bot)
    dossier = await ask(bot, OWNER, "/who Штайнер")
    said, _, reported = dossier.partition("Что о них сообщается")
    assert reported, dossier
    assert "Габриэла Штайнер выступила в парламенте." in reported
    assert "выступила в парламенте" not in said
    assert "отрицает: канцлер сказал всю правду" in said and "(по контексту)" in said
    assert "«Мы продолжим проверку»" in said
    english = await ask(bot, MEMBER, "/who Steiner")
    assert "What is reported about them" in english and "denies: канцлер сказал всю правду" in english
    assert not bot.api.rejected


async def test_claims_page_marks_negation_and_resolved_speakers(bot: RunningBot) -> None:
    await _seed(bot)
    page = await ask(bot, MEMBER, "/claims Штайнер")
    lines = [line for line in page.splitlines() if line.startswith("•")]
    denied = next(line for line in lines if "канцлер сказал всю правду" in line)
    assert "denies:" in denied and "(from context)" in denied
    plain = next(line for line in lines if "Мы продолжим проверку" in line)
    assert "denies" not in plain and "from context" not in plain
    assert not bot.api.rejected
