"""Labelled transcripts and interviews read as turns (analysis.turns).

Our own texts in several layouts: a regional meeting transcript with initials labels, a press
conference with full-name, surname-only and capitalised labels and a moderator, a magazine
interview with dash turns and a multi-paragraph answer, a `Вопрос:`/`Ответ:` interview ending in
chrome, and a news item where label-like lines are chrome. What is asserted is what a reader of
the card sees: who said it, how the text named them, where the words start and end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from claim_checks import run as _run

from analysis import ArticleAnalysis, Claim


def _claim(res: ArticleAnalysis, start: str) -> Claim:
    found = [c for c in res.claims if c.text.startswith(start)]
    assert len(found) == 1, (start, res.claims)
    return found[0]


def _no_questions(res: ArticleAnalysis) -> None:
    for c in res.claims:
        assert "?" not in c.text, c


def test_meeting_transcript_with_initials(pipeline: Any, fixture_text: Callable[[str], str]) -> None:
    res = _run(pipeline, fixture_text("transcript_meeting.txt"))
    first = _claim(res, "Андрей Павлович, к началу сезона отремонтированы")
    assert (first.actor, first.speaker_ref) == ("Елена Лебедева", "name")
    assert first.text.endswith("до первого октября.")  # one paragraph, no label, nothing of the next
    for start in ("Запас угля на складах", "Отдельная проблема — износ теплосетей"):
        c = _claim(res, start)
        assert (c.actor, c.speaker_ref) == ("Елена Лебедева", "continuation")
    answer = _claim(res, "По нашей оценке, около трёх миллиардов")
    assert (answer.actor, answer.speaker_ref) == ("Елена Лебедева", "name")
    # The mayor, whom the lead names in the instrumental, is the one "И.Сомов" label.
    mayor = _claim(res, "В этом году город может выделить")
    assert mayor.speaker_ref == "name" and mayor.speaker is not None and mayor.speaker.startswith("Игорь Сомов")
    assert _claim(res, "Мы уже подали заявку").speaker == mayor.speaker
    chair = _claim(res, "Хорошо. Прошу подготовить")
    assert (chair.actor, chair.speaker_ref) == ("Андрей Морозов", "name")
    # The article's own paragraph after the transcript is not one more paragraph of the last turn.
    after = _claim(res, "Без федеральных денег")
    assert after.speaker_ref == "name" and after.speaker == mayor.speaker
    assert not any("федеральных денег" in c.text for c in res.claims if c.actor == "Андрей Морозов")
    _no_questions(res)
    assert not any("Коллеги, добрый день" in c.text for c in res.claims)  # the chair's question turn
    assert not any(c.text.startswith(("Е.Лебедева", "А.Морозов")) for c in res.claims)


def test_press_conference_labels_and_moderator(pipeline: Any, fixture_text: Callable[[str], str]) -> None:
    res = _run(pipeline, fixture_text("transcript_press.txt"))
    assert {c.actor for c in res.claims} == {"Павел Гречко"}
    assert _claim(res, "Главная причина — нехватка техников").speaker_ref == "name"
    assert _claim(res, "Вторая причина — ограничения").speaker_ref == "continuation"
    assert _claim(res, "Штрафы уже предусмотрены законом").speaker_ref == "name"  # "ГРЕЧКО:"
    assert _claim(res, "Добавлю, что пассажиры").speaker_ref == "name"  # "Павел Гречко (руководитель ...):"
    texts = " ".join(c.text for c in res.claims)
    for asked in ("Добрый день, коллеги", "Следующий вопрос", "Этим летом рейсы задерживались", "штрафовать"):
        assert asked not in texts  # the moderator and the journalists (outlet in parentheses)
    _no_questions(res)


def test_dash_interview_multi_paragraph_answer(pipeline: Any, fixture_text: Callable[[str], str]) -> None:
    res = _run(pipeline, fixture_text("interview_dash.txt"))
    answers = [c for c in res.claims if c.speaker_ref == "continuation"]
    assert {c.actor for c in answers} == {"Тимур Алиев"}  # not the correspondent named in the lead
    assert [c.text.split()[0] for c in answers] == ["Опасно", "Сходить", "Его", "Половину"]
    # A prompt that is not a question ("Расскажите ...") is the interviewer's, not an answer.
    assert not any("Расскажите" in c.text for c in res.claims)
    assert _claim(res, "Опасно не число людей").text.endswith("остаются на них.")
    # The narrative after the interview is the article's own frame, not one more answer.
    closing = next(c for c in res.claims if "билеты онлайн" in c.text)
    assert (closing.actor, closing.speaker_ref) == ("Тимур Алиев", "name")
    _no_questions(res)


def test_question_answer_labels_and_trailing_chrome(pipeline: Any, fixture_text: Callable[[str], str]) -> None:
    res = _run(pipeline, fixture_text("interview_labels.txt"))
    assert [c.text.split()[0] for c in res.claims] == ["Семь", "Первые", "Чувствуем,"]
    assert {(c.actor, c.speaker_ref) for c in res.claims} == {("Ольга Шилова", "continuation")}
    assert not any(c.text.startswith(("Ответ", "Вопрос")) for c in res.claims)
    assert not any("Ершов" in c.text or "сыроделие" in c.text for c in res.claims)
    _no_questions(res)


def test_chrome_labels_are_not_speakers(pipeline: Any, fixture_text: Callable[[str], str]) -> None:
    res = _run(pipeline, fixture_text("chrome_labels.txt"))
    speakers = {c.speaker for c in res.claims}
    assert not speakers & {"Фото", "Источник", "Теги", "Читайте также", "Иван Соколов"}
    assert not any(c.text.startswith(("Иван Соколов", "пресс-служба", "мосты", "Как строили")) for c in res.claims)
    # One "Краснов: ..." line is a headline's shape, not a transcript: it starts no turn, and the
    # next paragraph is not glued onto it.
    assert not any("четыре тысячи тонн" in c.text and c.actor == "Олег Краснов" for c in res.claims)


TWO_SURNAMES = """Братья Орловы о семейном деле

Владелец фабрики Пётр Орлов и его брат, технолог Семён Орлов, встретились с поставщиками.

П.Орлов: Цены на шерсть выросли на треть, и мы пересмотрим весь ассортимент.

Орлов: Я бы не торопился с этим решением, склад полон до весны.

С.Орлов: Поставщики обещали скидку, если мы подпишем договор на два года.
"""


def test_initials_tell_namesakes_apart_and_a_bare_shared_surname_guesses_nobody(pipeline: Any) -> None:
    res = _run(pipeline, TWO_SURNAMES)
    assert _claim(res, "Цены на шерсть").actor == "Пётр Орлов"
    assert _claim(res, "Поставщики обещали скидку").actor == "Семён Орлов"
    assert _claim(res, "Я бы не торопился").actor is None  # "Орлов:" is either brother


def test_bad_input_turns_are_bounded(pipeline: Any) -> None:
    lead = "Министр транспорта Олег Зимин и его заместитель Анна Руднева провели совещание.\n\n"
    many = "".join(
        f"О.Зимин: Пункт {i} нашего плана выполнен в срок.\n\nА.Руднева: Пункт {i} проверен комиссией.\n\n"
        for i in range(300)
    )
    long_turn = "О.Зимин: " + "Мы продолжим ремонт дорог во всех районах области. " * 400 + "\n\nА.Руднева: Согласна.\n"
    pair = "— Вопрос номер {0} к вам?\n\n— Ответ номер {0} такой, и он окончательный.\n\n"
    no_intro = "".join(pair.format(i) for i in range(200))
    results = []
    # Generous limits (typically 3 s, 1.5 s and 0.3 s): a loaded 2-core machine runs 10-20x slower.
    for text, limit in ((lead + many, 120.0), (lead + long_turn, 60.0), (no_intro, 60.0)):
        began = time.perf_counter()
        res = _run(pipeline, text)
        assert time.perf_counter() - began < limit
        names = {a.name for a in res.actors}
        assert all(c.actor is None or c.actor in names for c in res.claims)
        assert all(len(c.text) <= 601 for c in res.claims)
        results.append(res)
    assert sum(c.actor == "Олег Зимин" for c in results[0].claims) >= 250
    assert not any(c.speaker_ref == "continuation" for c in results[2].claims)  # no interviewee: nobody


SEVERAL_IN_LEAD = """Министр культуры: «Театрам нужны не дворцы, а труппы»

Наш корреспондент беседовал с министром культуры края Сергеем Лавровским о судьбе драмтеатра.
Театр в прошлом году возглавил режиссёр Павел Орехов, и зрителей стало вдвое больше.

Будет ли новое здание у драмтеатра?

Здание будет, но сначала мы поднимем зарплаты актёрам. Без труппы стены ничего не стоят.

Что вы думаете о работе нового худрука?

Он вернул в театр молодёжь, и это главное.
"""


def test_interviewee_among_several_is_the_one_the_cue_sentence_frames(pipeline: Any) -> None:
    res = _run(pipeline, SEVERAL_IN_LEAD)
    answers = [c for c in res.claims if c.speaker_ref == "continuation"]
    assert [c.text.split()[0] for c in answers] == ["Здание", "Он"]
    assert {c.actor for c in answers} == {"Сергей Лавровский"}
    _no_questions(res)


OUTLET_ASKS = """Рустам Галиев: «Грузовикам нужны свои полосы»

Глава транспортной компании «Севтрансавто» Рустам Галиев ответил на вопросы «Делового вестника».

«Деловой вестник»: Сколько машин компания купила в этом году?

Сорок новых тягачей, почти все отечественные. Старые машины мы продали в регионы.

ДВ: Почему не импортные?

Запчасти к импортным ждать по три месяца, а грузовик не может столько стоять.
"""


def test_an_outlet_label_asks_and_the_unlabelled_answers_are_the_interviewee(pipeline: Any) -> None:
    res = _run(pipeline, OUTLET_ASKS)
    answers = [c for c in res.claims if c.speaker_ref == "continuation"]
    assert [c.text.split()[0] for c in answers] == ["Сорок", "Запчасти"]
    assert {c.actor for c in answers} == {"Рустам Галиев"}
    _no_questions(res)
