"""A quote framed by "«...», сказал X" with a comma and no dash, the verbs of judging and ruling
("счёл", "посчитав", "упомянул", "дал понять") and the leads "по заверению X" / "согласно X":
our own prose, a factory opening and a court's ruling.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

FACTORY = """Под Самарой построят завод

Компания «Волгатех» объявила о строительстве нового завода в Самарской области. «Проект важен для всего \
региона. Он даст городу почти тысячу рабочих мест. Мы благодарны властям за поддержку», сказал \
генеральный директор компании Олег Сомов. Завод будет выпускать «детали для станков нового \
поколения», говорит Сомов.

«Первая очередь заработает через год. Вторая будет готова позже», — отметил мэр Самары Пётр Лунин.
"""


def test_comma_framed_quote_keeps_every_sentence(pipeline: Any) -> None:
    res = _run(pipeline, FACTORY)
    whole = _claim(res, "Проект важен для всего региона")
    assert whole.actor == "Олег Сомов" and whole.kind == "quote"
    assert whole.text.endswith("Мы благодарны властям за поддержку")
    assert not any(c.text.startswith("Мы благодарны") for c in res.claims)  # no half of the quote on its own
    assert not any(c.text.startswith("детали для станков") for c in res.claims)  # a phrase, not a quote
    dash = _claim(res, "Первая очередь заработает")
    assert dash.actor == "Пётр Лунин" and "Вторая будет готова позже" in dash.text


COURT = """Выборы в Киргизии перенесут

Конституционный суд Киргизии счел, что голосование можно перенести на осень. Депутат Ирина Колесова \
посчитала, что решение принято слишком поспешно. Её коллега Семён Ардов упомянул, что подобное уже \
случалось в прошлом веке. Каждую неделю, по заверению Ардова, в приёмную приходят десятки жалоб.

Председатель комиссии Антон Ведерников выступил против, посчитав, что перенос подорвёт доверие к власти. \
Премьер Жанна Оморова дала понять, что правительство решение суда примет. Позже она поняла, что спорить \
бесполезно.

Согласно Росстату, цены на продукты выросли на шесть процентов. Согласно закону, выборы проводятся раз \
в пять лет.
"""


def test_verbs_of_judging_and_named_leads(pipeline: Any) -> None:
    res = _run(pipeline, COURT)
    assert _claim(res, "голосование можно перенести").actor == "Конституционный суд"
    assert _claim(res, "решение принято слишком поспешно").actor == "Ирина Колесова"
    assert _claim(res, "подобное уже случалось").actor == "Семён Ардов"
    assert _claim(res, "приходят десятки жалоб").actor == "Семён Ардов"
    assert _claim(res, "перенос подорвёт доверие").actor == "Антон Ведерников"
    assert _claim(res, "правительство решение суда примет").actor == "Жанна Оморова"  # "дала понять"
    assert not any("спорить бесполезно" in c.text for c in res.claims)  # "поняла, что": no speech
    assert _claim(res, "цены на продукты выросли").actor == "Росстат"
    assert not any("раз в пять лет" in c.text for c in res.claims)  # "согласно закону": no speaker


SERIES = """Режиссёр уходит на телевидение

Режиссёр Марк Зотов продал свою студию крупному холдингу. После сделки Зотов, который станет продюсером \
нового «Ледокола», заявил: «Я давно хотел попробовать себя в этом жанре».

Актриса Вера Линькова, которая сыграет главную роль в «Ледоколе», отметила, что съёмки начнутся в марте.

Весной 2019 года, выступление на форуме клуба «Меридиан»: «Мы будем снимать только в России, и никак иначе».
"""


def test_relative_clause_with_a_title_between_subject_and_verb(pipeline: Any) -> None:
    res = _run(pipeline, SERIES)
    assert _claim(res, "попробовать себя в этом жанре").actor == "Марк Зотов"
    assert _claim(res, "съёмки начнутся в марте").actor == "Вера Линькова"
    # a verbless colon frame: the club named inside a place phrase is not the speaker
    assert all("Меридиан" not in (c.speaker or "") for c in res.claims)
