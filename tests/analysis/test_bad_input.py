"""analyze() must never raise: hostile, empty and odd inputs give a Rejection or a thin analysis."""

from __future__ import annotations

import time
from typing import Any

import pytest

from analysis import ArticleAnalysis, Rejection, analyze

RU = (
    "Министр иностранных дел России Сергей Лавров заявил, что Москва готова к переговорам. "
    "«Мы открыты для диалога», — сказал Лавров журналистам.\n\n"
)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t  \n", "\u200b\u200b\u00a0", "12345 ... !!!", "🙂🙂🙂"])
def test_empty_like_input_is_rejected(pipeline: Any, text: str) -> None:
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, Rejection)
    assert res.error


def test_binary_junk_is_rejected(pipeline: Any) -> None:
    junk = bytes(range(256)).decode("latin-1") * 50
    res = analyze(junk, pipeline=pipeline)
    assert isinstance(res, Rejection)
    assert "двоичн" in res.error


def test_bytes_input_does_not_raise(pipeline: Any) -> None:
    res = analyze(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 100, pipeline=pipeline)  # type: ignore[arg-type]
    assert isinstance(res, Rejection)


def test_english_text_gets_no_russian_actors(pipeline: Any) -> None:
    text = (
        "Secretary of State Rex Tillerson met Russian Foreign Minister Sergei Lavrov in New York. "
        '"We had a frank exchange", a State Department spokesman said. The talks lasted two hours.'
    )
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert res.language == "en"
    assert res.actors == [] and res.claims == []
    assert res.summary


def test_no_letters_of_any_known_script(pipeline: Any) -> None:
    res = analyze("東京で会議が開かれた。" * 20, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert res.language == "unknown"
    assert res.actors == []


def test_huge_text_is_cut_and_bounded(pipeline: Any) -> None:
    text = RU * (1_000_000 // len(RU))
    start = time.perf_counter()
    res = analyze(text, pipeline=pipeline, max_chars=20_000)
    elapsed = time.perf_counter() - start
    assert isinstance(res, ArticleAnalysis)
    assert res.truncated and res.chars <= 20_000
    assert any("обрезан" in note for note in res.notes)
    assert elapsed < 60  # generous: a loaded 2-core machine, about 10x the typical time


def test_default_limit_on_one_megabyte(pipeline: Any) -> None:
    text = RU * (1_000_000 // len(RU))
    start = time.perf_counter()
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert res.truncated and res.chars <= 100_000
    assert time.perf_counter() - start < 120  # generous: a loaded 2-core machine, 10x the typical time


def test_one_endless_line(pipeline: Any) -> None:
    text = ("слово Лавров Москва " * 60_000).strip()
    start = time.perf_counter()
    res = analyze(text, pipeline=pipeline, max_chars=30_000)
    assert isinstance(res, (ArticleAnalysis, Rejection))
    if isinstance(res, ArticleAnalysis):
        assert res.truncated
    assert time.perf_counter() - start < 60  # generous, as above


def test_html_markup_is_stripped(pipeline: Any) -> None:
    html = (
        "<html><head><style>p {color: red}</style><script>var x = '<b>';</script></head><body>"
        "<h1>Лавров прибыл в Анкару</h1><p>Министр иностранных дел России Сергей Лавров прибыл в Анкару "
        "для переговоров.</p><p>«Мы&nbsp;обсудим Сирию», — сказал Лавров.</p></body></html>"
    )
    res = analyze(html, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert res.title == "Лавров прибыл в Анкару"
    blob = " ".join([*res.summary, *(c.text for c in res.claims), *(a.name for a in res.actors)])
    assert "<" not in blob and "color" not in blob and "var x" not in blob
    assert any(c.actor == "Сергей Лавров" for c in res.claims)


def test_zero_width_and_control_characters_removed(pipeline: Any) -> None:
    text = "Сер\u200bгей Лав\u00adров\x07 заявил\u200d, что Россия\x1b готова к переговорам с Украиной."
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert "Сергей Лавров" in {a.name for a in res.actors}
    assert all("\u200b" not in s and "\x07" not in s for s in res.summary)


def test_origin_is_a_fallback_source(pipeline: Any) -> None:
    res = analyze(RU, origin="Коммерсантъ", pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert res.source == "Коммерсантъ"
    res = analyze(RU, origin="ИноСМИ", pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert res.via == "ИноСМИ" and res.source is None


def test_result_is_json_serialisable(pipeline: Any, fixture_text: Any) -> None:
    import json

    res = analyze(fixture_text("guardian_retelling.txt"), pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    json.dumps(res.to_json(), ensure_ascii=False)
