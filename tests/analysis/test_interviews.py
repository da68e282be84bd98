"""Answers of an interview belong to the interviewee even though no line names them.

Our own texts: a magazine interview without dashes, an interview with two people in the lead
(nobody can be guessed), and an essay with rhetorical questions (no interview at all).
"""

from __future__ import annotations

from typing import Any

from claim_checks import run as _run

MAGAZINE = """Архитектор Лейла Гусейнова: «Город должен принадлежать пешеходам»

Главный архитектор Баку Лейла Гусейнова ответила на вопросы нашего журнала о реконструкции набережной.

Когда закончится реконструкция набережной?

Первую очередь мы сдадим в мае, вторую — через год. Работы идут по графику.

Почему жители жалуются на вырубку деревьев?

Деревья мы не вырубаем, а пересаживаем. На месте каждого старого дерева появятся три новых.

Что будет с парковками?

Парковки уйдут под землю, а наверху появятся скверы.
"""


def test_magazine_interview_answers_go_to_the_interviewee(pipeline: Any) -> None:
    res = _run(pipeline, MAGAZINE)
    answers = [c for c in res.claims if c.speaker_ref == "continuation"]
    assert {c.actor for c in answers} == {"Лейла Гусейнова"}
    texts = " ".join(c.text for c in answers)
    assert "Первую очередь мы сдадим в мае" in texts and "Деревья мы не вырубаем" in texts
    assert "Парковки уйдут под землю" in texts
    assert not any("?" in c.text for c in res.claims)


TWO_GUESTS = """Спор о пенсиях: беседа двух экономистов

Экономисты Олег Крылов и Сергей Ветров в беседе с нашим корреспондентом обсудили пенсионную реформу.

Нужна ли реформа прямо сейчас?

Без неё дефицит фонда вырастет вдвое за пять лет.

Кто за неё заплатит?

Заплатят работающие, другого источника нет.
"""

ESSAY = """Зачем нам столько музеев

Каждый год в стране открываются новые музеи. Кто в них ходит?

Статистика говорит, что посещаемость растёт уже третий год подряд.

А нужны ли они маленьким городам?

Опыт Суздаля и Мышкина показывает, что нужны: туристы приезжают именно ради них.
"""


def test_no_interviewee_no_guess(pipeline: Any) -> None:
    for text in (TWO_GUESTS, ESSAY):
        res = _run(pipeline, text)
        assert not any(c.speaker_ref == "continuation" for c in res.claims), res.claims
