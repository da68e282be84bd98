"""What the card chooses to show: summary sentences, actor groups, claim order, pages."""

from __future__ import annotations

from bot.card_parts import grouped_actors, paginate, quotes_closed, ranked_claims, summary_sentences
from storage.records import ArticleActor, ArticleClaim


def test_quotes_closed_knows_every_quote_style() -> None:
    assert quotes_closed("Он сказал: «Мы готовы», и ушёл.")
    assert quotes_closed("„Лапки“ и «ёлочки «внутри» тоже».")
    assert quotes_closed('He said "yes" twice.')
    assert not quotes_closed("Он сказал: «Мы готовы.")
    assert not quotes_closed("и мы пойдём дальше».")
    assert not quotes_closed('He said "yes.')


def test_summary_drops_repeats_and_open_quotations_and_keeps_order() -> None:
    summary = ["Министры обсудили санкции против Ирана в Вене.",
               "Министры в Вене обсудили санкции против Ирана.",
               "Глава МИД заявил: «Мы не отступим.",
               "Следующая встреча пройдёт в марте.",
               "Эксперты ждут решения к лету.",
               "Ещё одно предложение о другом."]
    assert summary_sentences(summary) == [summary[0], summary[3], summary[4]]


def test_summary_falls_back_to_the_lead() -> None:
    assert summary_sentences(["«Открыта, но не закрыта."], "Лид статьи.") == ["Лид статьи."]
    assert summary_sentences([], None) == []


def test_actors_grouped_people_organisations_places() -> None:
    actors = [ArticleActor(1, "Москва", "location", None, 9), ArticleActor(2, "НАТО", "organization", None, 1),
              ArticleActor(3, "Б", "person", None, 1), ArticleActor(4, "А", "person", "министр", 5)]
    groups = grouped_actors(actors)
    assert [(k, [a.name for a in m]) for k, m in groups] == [
        ("person", ["А", "Б"]), ("organization", ["НАТО"]), ("location", ["Москва"])]


def test_strongest_claims_first() -> None:
    actors = [ArticleActor(1, "Главный", "person", None, 9), ArticleActor(2, "Второй", "person", None, 2)]
    claims = [ArticleClaim(10, None, "источник", "слух", "reported", 0),
              ArticleClaim(11, 2, "Второй", "цитата второго", "quote", 1),
              ArticleClaim(12, 1, "Главный", "пересказ главного", "reported", 2),
              ArticleClaim(13, 1, "Главный", "цитата главного", "quote", 3)]
    assert [c.id for c in ranked_claims(claims, actors)] == [13, 11, 12, 10]


def test_paginate_puts_every_item_on_exactly_one_page() -> None:
    sizes = [100, 2000, 5000, 10, 10, 10, 900, 900, 900, 900]
    paged = paginate(sizes, budget=3000, max_items=3)
    flat = [i for page in paged.pages for i in page]
    assert flat == list(range(len(sizes)))
    for page in paged.pages:
        assert len(page) <= 3
        assert len(page) == 1 or sum(sizes[i] for i in page) <= 3000
    assert paginate([], budget=10, max_items=2).pages == ((),)
