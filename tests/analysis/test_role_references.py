"""Role nouns whose head differs from the title, titles the parser must find, offices with no titled holder.

Each text is our own prose in a different layout (a summit report, a regulator's report, a forum
opening, a debate); none is copied from the evaluation articles.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

SUMMIT = """Аргентина и Испания подписали зерновое соглашение

Президент Аргентины Хавьер Ортега провёл в Мадриде переговоры с премьер-министром Испании Лусией Мартин. \
Встреча продолжалась почти четыре часа.

«Мы договорились о поставках зерна на ближайшие пять лет», — сказал глава государства журналистам после встречи.

Глава правительства Испании отметила, что соглашение вступит в силу в марте. Министр иностранных дел Чили \
Рауль Пинто, присутствовавший на переговорах как наблюдатель, назвал их образцом регионального сотрудничества. \
Глава МИД заявил, что Чили готова присоединиться к договору.
"""


def test_head_of_state_government_and_diplomacy_resolve_to_the_titled_person(pipeline: Any) -> None:
    """ "глава государства" is the president, "глава правительства" the premier, "глава МИД" the foreign minister."""
    res = _run(pipeline, SUMMIT)
    deal = _claim(res, "договорились о поставках зерна")
    assert deal.actor == "Хавьер Ортега" and deal.speaker_ref == "role"
    march = _claim(res, "вступит в силу в марте")
    assert march.actor is not None and march.actor.endswith("Мартин") and march.speaker_ref == "role"
    chile = _claim(res, "готова присоединиться к договору")
    assert chile.actor == "Рауль Пинто" and chile.speaker_ref == "role"


REGULATOR = """Совет по этике предложил новые правила для клиник

Председатель Национального совета по медицинской этике (НСМЭ) Ольга Кравец представила доклад о работе \
частных клиник. По данным совета, жалоб пациентов за год стало вдвое больше.

Глава НСМЭ подчеркнула, что правила должны стать обязательными для всех клиник страны.

Журналисты и главные редакторы отраслевых изданий на встрече с президентом Латвии Эдгаром Озолсом обсудили \
свободу прессы. Российский президент в этой встрече не участвовал.
"""


def test_titles_with_an_abbreviation_and_titles_in_apposition(pipeline: Any) -> None:
    """A title keeps its "(НСМЭ)"; the title is the noun the name stands beside, not a plural noun before it."""
    res = _run(pipeline, REGULATOR)
    actors = {a.name: a for a in res.actors}
    assert actors["Ольга Кравец"].role == "председатель Национального совета по медицинской этике (НСМЭ)"
    assert actors["Эдгар Озолс"].role == "президент Латвии"
    assert actors["Эдгар Озолс"].mentions == 1  # "Российский президент" is somebody else
    rules = _claim(res, "правила должны стать обязательными")
    assert rules.actor == "Ольга Кравец" and rules.speaker_ref == "role"


FORUM = """В Казани открылся форум молодых инженеров

Дмитрий Корнеев выступил на открытии форума, который собрал более двух тысяч участников из сорока регионов.

Форум продлится три дня. Участники представят около трёхсот проектов, лучшие получат гранты на развитие.

«Инженеры сегодня нужны стране больше, чем юристы и экономисты», — заявил министр, открывая пленарную сессию.
"""

DEBATE = """Два кандидата спорят о бюджете города

Анна Лисицына и Павел Громов встретились на дебатах в городской библиотеке. Зал был полон.

«Мы урежем расходы на чиновников вдвое», — пообещал министр.
"""


def test_an_office_nobody_holds_by_title_goes_to_the_one_untitled_person(pipeline: Any) -> None:
    res = _run(pipeline, FORUM)
    quote = _claim(res, "Инженеры сегодня нужны стране")
    assert quote.actor == "Дмитрий Корнеев" and quote.speaker_ref == "role"


def test_an_office_with_two_untitled_candidates_stays_text(pipeline: Any) -> None:
    res = _run(pipeline, DEBATE)
    quote = _claim(res, "урежем расходы")
    assert quote.actor is None and quote.speaker == "министр"
