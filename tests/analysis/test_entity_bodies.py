"""Organisations as a reader names them: government bodies with their place, no legal form, whole
quotes, no adverbial tail. Fixtures are our own text."""

from __future__ import annotations

from typing import Any

import pytest

from analysis import analyze
from analysis.model import ArticleAnalysis
from analysis.span_repair import clean_org_name


def _orgs(text: str, pipeline: Any) -> list[str]:
    result = analyze(text, pipeline=pipeline)
    assert isinstance(result, ArticleAnalysis)
    return [a.name for a in result.actors if a.kind == "organization"]


def _places(text: str, pipeline: Any) -> list[str]:
    result = analyze(text, pipeline=pipeline)
    assert isinstance(result, ArticleAnalysis)
    return [a.name for a in result.actors if a.kind == "location"]


def test_body_noun_with_a_place_is_one_organisation(pipeline: Any) -> None:
    text = ("В четверг МИД России выразил протест. Представитель правительства Великобритании ответил, "
            "что российские власти нарушили договор.")
    assert sorted(_orgs(text, pipeline)) == ["МИД России", "правительство Великобритании", "российские власти"]
    # The countries are still named in the article.
    assert {"Россия", "Великобритания"} <= set(_places(text, pipeline))


def test_abbreviated_body_takes_its_country(pipeline: Any) -> None:
    assert _orgs("Вчера ФРС США повысила ставку на четверть пункта.", pipeline) == ["ФРС США"]


def test_place_adjective_before_a_body_noun(pipeline: Any) -> None:
    text = "Французское правительство и белорусское министерство энергетики подписали соглашение."
    assert set(_orgs(text, pipeline)) == {"белорусское министерство энергетики", "Французское правительство"}


def test_common_noun_body_takes_its_po_tail_a_proper_name_does_not(pipeline: Any) -> None:
    text = ("Совет по правам человека провёл заседание. Microsoft по льготной цене продаёт программы школам. "
            "Госдума по традиции приняла закон.")
    assert _orgs(text, pipeline) == ["Совет по правам человека", "Microsoft", "Госдума"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("ОАО «НК «Роснефть", "НК «Роснефть»"), ("ЗАО «Акадо-Столица»", "Акадо-Столица"),
     ('ООО "Си Прод', "Си Прод"), ("РИА «Новости", "РИА «Новости»"), ("Газпром", "Газпром"), ("АО", "АО")],
)
def test_org_names_lose_the_legal_form_and_keep_whole_quotes(raw: str, clean: str) -> None:
    assert clean_org_name(raw) == clean


def test_a_place_keeps_its_library_name_however_the_article_writes_it(pipeline: Any) -> None:
    result = analyze("Власти страны ответили на санкции. В РФ готовят новый закон о связи.", pipeline=pipeline)
    assert isinstance(result, ArticleAnalysis)
    (place,) = [a for a in result.actors if a.kind == "location"]
    # Only "РФ" in the text: the card and the library still say "Россия" (one name across articles),
    # and the article's own "РФ" stays an alias.
    assert place.name == "Россия" and "РФ" in place.aliases
    both = analyze("Россия и РФ: в России и РФ готовят закон.", pipeline=pipeline)
    assert isinstance(both, ArticleAnalysis)
    assert [a.name for a in both.actors if a.kind == "location"] == ["Россия"]


def test_part_of_a_place_is_a_place(pipeline: Any) -> None:
    places = _places("Бои на востоке Украины продолжаются, а в центре Парижа прошла акция.", pipeline)
    assert {"восток Украины", "центр Парижа", "Украина", "Париж"} <= set(places)


def test_a_writer_ner_calls_a_place_is_a_person(pipeline: Any) -> None:
    result = analyze("Роман написан в духе Пруста. На улице Вернадского открыли кафе.", pipeline=pipeline)
    assert isinstance(result, ArticleAnalysis)
    kinds = {a.name: a.kind for a in result.actors}
    assert kinds.get("Пруст") == "person"
    assert kinds.get("Вернадского", "location") == "location"
