"""Statements from unnamed and impersonal sources: kept, with the source as the text words it and no actor.

Our own texts: a wire report built on "сообщается" and unnamed sources, a company press release
retold with "в компании заявили", and a market note with "аналитики полагают" and "участники сошлись
во мнении". An organisation is credited only when the frame names it; a place never speaks; no
person is ever invented.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

from analysis.model import Claim


def _anonymous(claim: Claim) -> bool:
    return claim.actor is None and claim.speaker_ref == "anonymous" and bool(claim.speaker)


WIRE = """Сеть кофеен закроет тридцать заведений

Сообщается, что сеть закроет около тридцати кофеен в регионах до конца года.

Источник, знакомый с ситуацией, сообщил, что покупателем региональных точек может стать крупный фонд.

По неофициальным данным, сделка оценивается в пять миллиардов рублей.

«Сеть будет продана целиком, без раздела на части», — рассказали агентству в отрасли.

Переговорщики, как сообщается, обсудят условия сделки уже в пятницу.

По данным за прошлый год, выручка сети выросла на десять процентов.
"""


def test_wire_report_impersonal_and_unnamed_sources(pipeline: Any) -> None:
    res = _run(pipeline, WIRE)
    said = _claim(res, "закроет около тридцати кофеен")
    assert _anonymous(said)
    source = _claim(res, "покупателем региональных точек")
    assert _anonymous(source) and source.speaker == "источник"
    data = _claim(res, "оценивается в пять миллиардов")
    assert _anonymous(data) and data.speaker == "неофициальные данные"
    assert _anonymous(_claim(res, "будет продана целиком"))
    assert _anonymous(_claim(res, "обсудят условия сделки"))
    assert not any("выручка сети выросла" in c.text for c in res.claims)  # data of a year, not a source
    assert not any(a.kind == "person" for a in res.actors)


RELEASE = """«Северсталь» увеличит выпуск проката

В «Северстали» заявили, что компания увеличит выпуск холоднокатаного проката на пятую часть.

Как сообщили в компании, новое оборудование запустят в феврале.

Это следует из пресс-релиза. Как говорится в опубликованном пресс-релизе, компания готова выплатить \
дивиденды за третий квартал.

В Германии отмечают, что спрос на сталь в Европе остаётся слабым.
"""


def test_press_release_credits_the_named_company_only(pipeline: Any) -> None:
    res = _run(pipeline, RELEASE)
    output = _claim(res, "выпуск холоднокатаного проката")
    assert output.actor is not None and "Северсталь" in output.actor
    launch = _claim(res, "новое оборудование запустят")
    assert launch.actor in (None, output.actor)
    release = _claim(res, "готова выплатить дивиденды")
    assert _anonymous(release) and release.speaker == "пресс-релиз"
    abroad = _claim(res, "спрос на сталь в Европе")
    assert _anonymous(abroad) and abroad.speaker == "в Германии"  # a place is not a speaker


MARKET = """Рынок общепита

Аналитики полагают, что рынок общественного питания продолжит сокращаться.

Участники рынка сошлись во мнении, что спрос восстановится не раньше осени.

СМИ отмечают, что владельцы сетей давно ищут покупателей.

По данным СМИ, первая сделка может быть закрыта в марте.

Эта информация должна быть проверена, говорится в докладе.

Но, как говорится, «всё течёт, всё меняется».
"""


def test_market_note_collective_sources(pipeline: Any) -> None:
    res = _run(pipeline, MARKET)
    assert _claim(res, "продолжит сокращаться").speaker == "аналитики"
    agreed = _claim(res, "спрос восстановится не раньше осени")
    assert _anonymous(agreed) and agreed.speaker == "участники рынка"
    assert _claim(res, "владельцы сетей давно ищут").speaker == "СМИ"
    assert _claim(res, "первая сделка может быть закрыта").speaker == "СМИ"
    assert _claim(res, "должна быть проверена").speaker == "доклад"
    assert not any("всё течёт" in c.text for c in res.claims)  # a saying, not a source
    assert all(c.actor is None for c in res.claims)


def test_a_pronoun_subject_speaks_not_the_person_it_talks_about(pipeline: Any) -> None:
    text = """Композитор о джазе

Композитор Андрей Соколов много писал о музыке. Вот что он пишет о пианисте Телониусе Монке: \
«Его аккорды звучат так, будто кто-то рубит лёд».
"""
    res = _run(pipeline, text)
    assert _claim(res, "рубит лёд").actor == "Андрей Соколов"


def test_hearsay_with_no_source_is_not_a_statement(pipeline: Any) -> None:
    text = """Легенда о певце

Рассказывали, что певец любил петь по ночам в пустом зале. Многие считают, что это выдумка.
"""
    res = _run(pipeline, text)
    assert not any("любил петь по ночам" in c.text for c in res.claims)
    assert not any(c.speaker == "неназванный источник" for c in res.claims)
