"""Person names as a reader writes them, one actor per person: fixtures of our own text.

Each test stands for one general cause of error found on the factRuEval development books (names
natasha declines by a paradigm they do not have, namesakes, a given name or patronymic used alone,
descriptors glued to a name, common words taken for people).
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis import analyze
from analysis.model import ArticleAnalysis
from analysis.state import Token


def _people(text: str, pipeline: Any) -> list[tuple[str, int]]:
    result = analyze(text, pipeline=pipeline)
    assert isinstance(result, ArticleAnalysis)
    return [(a.name, a.mentions) for a in result.actors if a.kind == "person"]


def test_namesakes_sharing_a_surname_stay_two_people(pipeline: Any) -> None:
    text = (
        "Писатель Илья Каменский родился в Одессе в 1950 году. Каменский рано начал писать стихи.\n\n"
        "Его отец, Семён Каменский, служил на флоте. Каменский погиб в 1956 году.\n\n"
        "Позже Каменский переехал в Ленинград, где работал в журнале."
    )
    people = dict(_people(text, pipeline))
    # The lone surname right after the father's full name is the father; the others are the subject,
    # whom the article introduced first.
    assert people == {"Илья Каменский": 3, "Семён Каменский": 2}


def test_a_given_name_seen_alone_does_not_split_the_full_name(pipeline: Any) -> None:
    text = (
        "Виктор уехал рано утром.\n\n"
        "Виктор Лесницкий, архитектор, построил в городе три моста. Лесницкий не любил интервью."
    )
    assert _people(text, pipeline) == [("Виктор Лесницкий", 3)]


def test_given_names_with_one_surname_are_different_people(pipeline: Any) -> None:
    from analysis.merging import same_given

    assert not same_given("Андрей", "Александр")
    assert same_given("А.", "Александр") and same_given("А.Н.", "Артур")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("В Пушкинском музее открылась выставка картин Моне. Клод Моне писал пруд в Живерни тридцать лет. "
         "Поздние работы Моне сравнивают с абстракцией.", [("Клод Моне", 3)]),
        ("Переговоры с премьер-министром Нидерландов Марком Рютте прошли в Брюсселе.", [("Марк Рютте", 1)]),
        ("Книгу о Рабле написал Михаил Бахтин.", [("Рабле", 1), ("Михаил Бахтин", 1)]),
    ],
)
def test_surnames_that_do_not_decline_keep_their_spelling(pipeline: Any, text: str, expected: Any) -> None:
    assert _people(text, pipeline) == expected


def test_given_name_and_patronymic_join_the_full_name(pipeline: Any) -> None:
    text = "Лев Толстой ушёл из Ясной Поляны осенью. Лев Николаевич оставил жене письмо."
    assert _people(text, pipeline) == [("Лев Толстой", 2)]


def test_lone_given_name_joins_the_one_full_name_with_it(pipeline: Any) -> None:
    text = "Остап Бендер приехал в город утром. Остап сразу направился в гостиницу."
    assert _people(text, pipeline) == [("Остап Бендер", 2)]


def test_nominative_given_name_corrects_a_misread_oblique_full_name(pipeline: Any) -> None:
    text = "Мы навестили Клавдию Ивановну Петухову в деревне. Клавдия Ивановна встретила нас у калитки."
    assert _people(text, pipeline) == [("Клавдия Ивановна Петухова", 2)]


def test_descriptor_noun_before_a_name_is_dropped(pipeline: Any) -> None:
    text = "Под именем Брат Пьеро он выступал в госпиталях всю войну."
    assert _people(text, pipeline) == [("Пьеро", 1)]


def _token(text: str) -> Token:
    return Token(text=text, start=0, stop=len(text), pos="PROPN", feats={}, lemma=text.lower(), sent=0)


@pytest.mark.parametrize(
    ("word", "junk"),
    [("Обернувшиеся", True), ("История", True), ("Дополз", True), ("Кто", True),
     ("Интернет-порно", True), ("Путин", False), ("Кузнецов", False), ("Вандербильт", False),
     ("Остап", False), ("Римский-Корсаков", False)],
)
def test_common_words_are_not_people(pipeline: Any, word: str, junk: bool) -> None:
    from analysis.span_repair import junk_person

    assert junk_person(pipeline.morph_vocab, [_token(word)]) is junk


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Повесть написали Аркадий и Борис Стругацкие.", [("Аркадий Стругацкий", 1), ("Борис Стругацкий", 1)]),
        ("Совладельцами стали Аркадия и Бориса Ротенбергов.", [("Аркадий Ротенберг", 1), ("Борис Ротенберг", 1)]),
    ],
)
def test_two_given_names_share_one_plural_surname(pipeline: Any, text: str, expected: Any) -> None:
    assert _people(text, pipeline) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Депутаты пригласили Андрея Лугового на заседание.", "Андрей Луговой"),
        ("По словам Аси Мелкумовой, встреча прошла спокойно.", "Ася Мелкумова"),
        ("Мы видели Елену Ямпольскую на премьере.", "Елена Ямпольская"),
    ],
)
def test_oblique_names_natasha_left_are_put_in_the_nominative(pipeline: Any, text: str, name: str) -> None:
    assert [n for n, _ in _people(text, pipeline)] == [name]


def test_given_name_cut_off_its_patronymic_and_surname_is_one_name(pipeline: Any) -> None:
    text = "На сцену вышел знаменитый бас — в лице Фёдора Ивановича Шаляпина публика узнала гения."
    assert [n for n, _ in _people(text, pipeline)] == ["Фёдор Иванович Шаляпин"]
