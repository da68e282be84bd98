"""Hostile layouts for the claim finder: bounded work, no exception, no invented speakers.

Each text is built here (no real articles): hundreds of quotes, unbalanced and deeply nested quotes,
one enormous quote, pronouns with nobody to refer to, and an article that is one long interview.
"""

from __future__ import annotations

from typing import Any

from analysis import ArticleAnalysis, analyze

LEAD = "Министр финансов Германии Кристиан Линднер выступил в Бундестаге.\n\n"


def _names(res: ArticleAnalysis) -> set[str]:
    return {a.name for a in res.actors}


def _ok(res: object) -> ArticleAnalysis:
    assert isinstance(res, ArticleAnalysis), res
    return res


def _no_invented_speakers(res: ArticleAnalysis) -> None:
    """Every claim credited to an actor names an actor of the article."""
    names = _names(res)
    for claim in res.claims:
        assert claim.actor is None or claim.actor in names or claim.speaker_ref == "outlet", claim


def test_hundreds_of_quotes(pipeline: Any) -> None:
    body = "".join(f"«Пункт номер {i} нашего плана будет выполнен», — сказал Линднер.\n" for i in range(300))
    res = _ok(analyze(LEAD + body, pipeline=pipeline))
    _no_invented_speakers(res)
    assert len(res.claims) >= 250
    assert {c.actor for c in res.claims} == {"Кристиан Линднер"}


def test_unbalanced_quotes(pipeline: Any) -> None:
    text = LEAD + "«Мы не отступим, — сказал Линднер. Бюджет будет принят.\n\n" * 20 + "» « » «« »"
    res = _ok(analyze(text, pipeline=pipeline))
    _no_invented_speakers(res)
    for claim in res.claims:
        assert "\n" not in claim.text


def test_nested_quotes_three_deep(pipeline: Any) -> None:
    text = LEAD + (
        "«Коллега сказал мне: „Министр повторил: «Мы не повысим налоги в этом году»“, и я ему верю», "
        "— заявил Линднер."
    )
    res = _ok(analyze(text, pipeline=pipeline))
    _no_invented_speakers(res)
    claim = next(c for c in res.claims if c.actor == "Кристиан Линднер")
    assert "Мы не повысим налоги" in claim.text and claim.text.startswith("Коллега сказал мне")


def test_twenty_thousand_character_quote(pipeline: Any) -> None:
    long_quote = "«" + "Мы будем добиваться снижения дефицита бюджета. " * 440 + "», — сказал Линднер."
    assert len(long_quote) > 20_000
    res = _ok(analyze(LEAD + long_quote, pipeline=pipeline))
    _no_invented_speakers(res)
    assert res.claims and all(len(c.text) <= 601 for c in res.claims)
    assert res.claims[0].actor == "Кристиан Линднер"


def test_pronouns_with_no_antecedent(pipeline: Any) -> None:
    text = (
        "Заседание продлилось до позднего вечера.\n\n"
        "«Мы не согласны с этим решением», — сказал он.\n\n"
        "По её словам, голосование пройдёт в среду.\n\n"
        "Они считают, что документ нужно доработать."
    )
    res = _ok(analyze(text, pipeline=pipeline))
    assert [c.actor for c in res.claims] == [None] * len(res.claims)
    assert res.claims, "the statements are kept, with the pronoun as the speaker"
    assert {c.speaker_ref for c in res.claims} == {"pronoun"}
    assert {c.speaker for c in res.claims} <= {"он", "она", "её", "ее", "они"}


def test_pronoun_of_the_wrong_gender_is_not_resolved(pipeline: Any) -> None:
    text = LEAD + "«Налоги останутся прежними», — сказала она."
    res = _ok(analyze(text, pipeline=pipeline))
    assert res.claims and res.claims[0].actor is None and res.claims[0].speaker == "она"


def test_long_question_and_answer_interview(pipeline: Any) -> None:
    qa = "".join(
        f"— Вопрос номер {i}: что будет с налогами?\n\n— Ответ номер {i}: налоги не вырастут, мы это обещали.\n\n"
        for i in range(150)
    )
    text = "Интервью министра финансов\n\nКристиан Линднер ответил на вопросы читателей.\n\n" + qa
    res = _ok(analyze(text, pipeline=pipeline))
    _no_invented_speakers(res)
    assert not any("что будет с налогами" in c.text for c in res.claims)
