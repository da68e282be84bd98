"""Words that claim nothing, and a surname two people share: our own essays in varied layouts.

A portrait of a (made-up) bard quotes his verse run into one line, a line of a novel by its
character, an anecdote told over three sentences and an interviewer's questions; his own words
around them must stay. A family history names a father and a son with one surname: "Гордеев сказал"
is then neither of them for certain.
"""

from __future__ import annotations

from typing import Any

from claim_checks import run as _run

from analysis import ArticleAnalysis
from analysis.fiction import mostly_questions, verse_layout


def _texts(res: ArticleAnalysis) -> list[str]:
    return [c.text for c in res.claims]


BARD = """Поэт с гитарой: к юбилею Матвея Ларина

Матвей Ларин начинал в подвальных клубах Свердловска. Его первую пластинку запретили. После армии Ларин \
сочинил знаменитую «Колыбельную»:

Спи, мой город, в дыму и в снегу, Я тебя сберечь не смогу, Только ветер споёт за меня.

Песни Ларина переписывали на магнитофоны по всей стране. «Я никогда не писал о политике, — говорил Ларин \
журналистам. — Я писал о людях, которым холодно».

В романе Веры Огнёвой «Дальний свет» есть герой, похожий на Ларина. Её Кирилл Вешнев, выпив, заявляет: \
«Все поэты врут, и я вру лучше всех!»

Про Ларина ходили анекдоты. В одном из них рассказывалось, как он приходит в райком с гитарой. Секретарь \
смотрит на него и вздыхает. «Опять вы со своей гитарой!» — восклицает секретарь райкома.

Журналист спросил его однажды: «Почему вы не уехали? Разве вам не предлагали?» Ларин ответил, что уезжать \
ему было некуда.
"""


def test_verse_novels_jokes_and_questions_are_not_claims(pipeline: Any) -> None:
    res = _run(pipeline, BARD)
    texts = _texts(res)
    assert not any("сберечь не смогу" in t for t in texts), texts  # verse, run into one line
    assert not any("Все поэты врут" in t for t in texts), texts  # a novel's character
    assert not any("со своей гитарой" in t for t in texts), texts  # an anecdote
    assert not any("Почему вы не уехали" in t for t in texts), texts  # the interviewer's questions
    own = [c for c in res.claims if "писал о людях" in c.text or "никогда не писал о политике" in c.text]
    assert own and own[0].actor == "Матвей Ларин", texts  # his own words, after a sentence about songs
    nowhere = [c for c in res.claims if "уезжать ему было некуда" in c.text]
    assert nowhere and nowhere[0].actor == "Матвей Ларин", texts


def test_verse_layout_and_questions_by_shape() -> None:
    assert verse_layout("Спи, мой город, в дыму и в снегу, Я тебя сберечь не смогу, Только ветер споёт", set())
    assert verse_layout("Над рекой туман\nНад рекой туман и дым\nИ никто не ждёт", set())
    assert not verse_layout("Мы встретились с Петровым, Ивановым и Сидоровым, Затем уехали", {"Ивановым", "Затем"})
    assert not verse_layout("Бюджет будет исполнен. Дефицита не будет.", set())
    assert mostly_questions("Влияет ли реклама на выбор покупателей?")
    assert mostly_questions("Кто виноват? Что делать? Кому это выгодно?")
    assert not mostly_questions("Кто виноват? Что делать? Ответ один: работать.")
    assert not mostly_questions("Можно долго спорить о цифрах, но возникает вопрос: а кому это выгодно?")
    assert not mostly_questions("Мы это сделаем. Разве есть выбор? Нет, выбора нет.")


FAMILY = """Династия мостостроителей

Инженер Павел Гордеев построил первый мост через Каму в 1950-х. Его сын Илья Гордеев продолжил дело отца \
и возглавил проектный институт.

«Мост должен стоять сто лет, иначе это не мост», — любил повторять Гордеев. Коллеги вспоминают, что \
Гордеев никогда не подписывал чертежи, не проверив расчёты сам.

Илья Гордеев заявил, что институт завершит проект нового моста к весне.
"""


def test_a_surname_shared_by_father_and_son_stays_text(pipeline: Any) -> None:
    res = _run(pipeline, FAMILY)
    bare = [c for c in res.claims if "сто лет" in c.text]
    assert bare and bare[0].actor is None and bare[0].speaker == "Гордеев", [(c.speaker, c.text) for c in res.claims]
    full = [c for c in res.claims if "завершит проект нового моста" in c.text]
    assert full and full[0].actor == "Илья Гордеев"


def test_a_second_given_name_ner_missed_still_blocks_the_surname(pipeline: Any) -> None:
    """NER may fold "Александра Вертова" into the actor "Николай Вертов": the given names disagree."""
    text = (
        "Судьба певца\n\n"
        "Отец певца, врач Николай Вертов, умер рано. Детство Александра Вертова прошло у тётки в Киеве.\n\n"
        "«Я рос на улице и пел за хлеб», — вспоминал Вертов. Позже он признавался, что пению его никто не учил."
    )
    res = _run(pipeline, text)
    for claim in res.claims:
        assert claim.actor != "Николай Вертов", (claim.speaker, claim.text)
