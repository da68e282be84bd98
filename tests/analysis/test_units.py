"""Unit tests of the rule steps that need no models."""

from __future__ import annotations

from typing import Any

from analysis.clean import clean, normalize, split_tags
from analysis.language import detect
from analysis.model import Actor
from analysis.speakers import find_quotes
from analysis.tagging import make_tags


def test_find_quotes_nested_and_mixed() -> None:
    text = '«Он сказал: „Да“ и ушёл», — отметил он. “English” and "straight one" here.'
    spans = [text[a:b] for a, b in find_quotes(text)]
    assert spans == ["«Он сказал: „Да“ и ушёл»", "“English”", '"straight one"']


def test_unbalanced_quote_does_not_swallow_text() -> None:
    text = "«не закрыта\nследующая строка «ок»"
    assert [text[a:b] for a, b in find_quotes(text)] == ["«ок»"]


def test_normalize_removes_invisible_and_markup() -> None:
    assert normalize("<p>Раз\u200b\u00a0два</p>\x00<br>три") == "Раз два\n\nтри"
    assert normalize("Раз\u200bдва\x07 \u00a0три\r\nчетыре") == "Раздва три\nчетыре"


def test_split_tags() -> None:
    assert split_tags("санкции, Рекс Тиллерсон; США") == ["санкции", "Рекс Тиллерсон", "США"]
    assert split_tags("дипломатия Рекс Тиллерсон санкции США") == ["дипломатия", "Рекс Тиллерсон", "санкции", "США"]


def test_clean_reads_outlets_and_drops_chrome() -> None:
    text = normalize(
        "inosmi.ruПосмотреть оригиналмарт 31-го, 2016\n\nЗаголовок статьи без точки\n\n"
        "Текст статьи, пишет The New York Times. Ещё одно предложение.\n"
        "Читайте также\nПодписывайтесь на наш канал\n#политика"
    )
    c = clean(text)
    assert c.title == "Заголовок статьи без точки"
    assert c.source == "The New York Times" and c.via == "ИноСМИ"
    assert "Подписывайтесь" not in c.body and "Читайте" not in c.body and "inosmi" not in c.body
    assert c.explicit_tags == ["политика"]


def test_language_detection() -> None:
    assert detect("Это русский текст о политике и экономике страны.") == "ru"
    assert detect("This is an English text about politics and the economy.") == "en"
    assert detect("12345 !!!") == "unknown"


def test_topic_tags_come_from_match_topics(monkeypatch: Any) -> None:
    import analysis.topics as topics

    class Hit:
        def __init__(self, name: str, label_en: str, score: float) -> None:
            self.name, self.label_en, self.score = name, label_en, score

    monkeypatch.setattr(topics, "match_topics", lambda lemmas, *, limit=8: [Hit("санкции", "sanctions", 3.0)])
    actors = [Actor("Рекс Тиллерсон", "person", 5), Actor("Россия", "location", 3)]
    tags = make_tags(["Дипломатия", "#санкции"], ["санкция"], actors)
    by_name = {t.name: t for t in tags}
    assert by_name["дипломатия"].origin == "explicit"
    assert by_name["санкции"].origin == "explicit" and by_name["санкции"].label_en == "sanctions"
    assert by_name["рекс тиллерсон"].origin == "actor"
    assert tags[0].origin == "explicit"


def test_particle_surname_joins_the_full_name(pipeline: Any) -> None:
    from analysis import analyze
    from analysis.model import ArticleAnalysis

    result = analyze(
        "Глава Еврокомиссии Урсула фон дер Ляйен прибыла в Киев. «Мы будем помогать и дальше», — "
        "заявила фон дер Ляйен журналистам. Позже фон дер Ляйен встретилась с премьером.",
        pipeline=pipeline,
    )
    assert isinstance(result, ArticleAnalysis)
    people = [a for a in result.actors if a.kind == "person"]
    assert [(a.name, a.mentions) for a in people] == [("Урсула фон дер Ляйен", 3)]
    assert people[0].role == "глава Еврокомиссии"
    assert [c.speaker for c in result.claims] == ["Урсула фон дер Ляйен"]
