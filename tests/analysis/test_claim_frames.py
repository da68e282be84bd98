"""Frames of reported speech beyond the plain "X заявил, что": our own prose in varied layouts.

A farmers' protest (typewriter quotes with a hyphen, "Об этом он написал", a relative clause between
subject and verb, a gerund frame, a ministry referred to as "ведомство", a quote sentence going on
from a statement), an economists' poll ("по их словам" continuing many speakers), a closed session
retold by its participants (an inner frame inside "по их словам"), a newspaper report with a Latin
title, and a surname that never declines.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

PROTEST = """Фермеры Молдавии требуют отсрочки по кредитам

Глава ассоциации фермеров Молдавии Игорь Ткаченко провёл пресс-конференцию в Кишинёве. Засуха уничтожила \
треть урожая, сообщил он журналистам. "Без отсрочки половина хозяйств не доживёт до весны. Мы просим \
правительство услышать нас", - сказал он.

Министерство сельского хозяйства Молдавии пока не ответило на обращение. В ведомстве уточнили, что вопрос \
будет рассмотрен на следующей неделе. Власти выделили на компенсации всего 12 миллионов леев.

Экономист Андрей Гуцу, который консультирует ассоциацию, заявил, что без помощи цены на хлеб вырастут на \
пятую часть. Об этом он написал в своём блоге. Ранее фермеры провели акцию протеста у здания парламента, \
заверив, что продолжат протесты до конца месяца.

Агентство «Молдпрес» цитирует заявление Ткаченко: «Мы не уйдём, пока не получим ответа». Лидер фермеров \
подчеркнул, что ассоциация готова к переговорам. «Мы не хотим конфликта. Мы хотим, чтобы нас услышали».
"""


def test_protest_frames(pipeline: Any) -> None:
    res = _run(pipeline, PROTEST)
    hyphen = _claim(res, "половина хозяйств не доживёт")
    assert hyphen.actor == "Игорь Ткаченко" and hyphen.speaker_ref == "pronoun" and hyphen.kind == "quote"
    body = _claim(res, "будет рассмотрен на следующей неделе")
    assert body.actor is not None and body.actor.startswith("Министерство сельского хозяйства")
    assert body.speaker_ref == "role"
    bread = _claim(res, "цены на хлеб вырастут")
    assert bread.actor == "Андрей Гуцу" and bread.text.startswith("без помощи")
    assert not any("который консультирует" in c.text for c in res.claims)
    gerund = _claim(res, "продолжат протесты до конца месяца")
    assert gerund.actor is None and gerund.speaker == "фермеры"
    talks = _claim(res, "ассоциация готова к переговорам")
    assert talks.actor == "Игорь Ткаченко" and talks.speaker_ref == "role"  # "лидер фермеров": the association's head
    more = _claim(res, "Мы не хотим конфликта")
    assert more.actor == "Игорь Ткаченко" and more.speaker_ref == "continuation"
    assert {a.name for a in res.actors if a.kind == "person"} >= {"Игорь Ткаченко", "Андрей Гуцу"}


POLL = """Аналитики ждут снижения ставки

Опрошенные агентством экономисты полагают, что центральный банк снизит ставку уже в апреле. По их словам, \
инфляция замедляется быстрее, чем ожидалось. Они также считают, что рубль останется стабильным до лета.

В министерстве финансов Сербии заявили, что бюджет будет исполнен без дефицита. По их словам, доходы от \
экспорта выросли на треть.
"""


def test_plural_pronouns_continue_unnamed_many(pipeline: Any) -> None:
    res = _run(pipeline, POLL)
    for fragment in ("инфляция замедляется", "рубль останется стабильным"):
        claim = _claim(res, fragment)
        assert claim.speaker == "экономисты" and claim.actor is None and claim.speaker_ref == "pronoun"
    exports = _claim(res, "доходы от экспорта выросли")
    assert exports.speaker == "министерство финансов Сербии" and exports.actor is None


SESSION = """Премьер Норвегии настаивает на новых квотах

Премьер-министр Норвегии Ингрид Сольберг выступила на закрытом заседании парламента. Об этом рассказали \
несколько депутатов. По их словам, премьер напомнила, что рыбные запасы сокращаются уже пятый год, а также \
добавила, что квоты придется урезать.
"""


def test_an_inner_frame_inside_po_ikh_slovam_names_the_speaker(pipeline: Any) -> None:
    res = _run(pipeline, SESSION)
    stocks = _claim(res, "рыбные запасы сокращаются")
    assert stocks.actor == "Ингрид Сольберг" and "квоты" not in stocks.text
    quotas = _claim(res, "квоты придется урезать")
    assert quotas.actor == "Ингрид Сольберг"
    assert not any(c.speaker == "их" for c in res.claims)


SHIPYARD = """Датская газета рассказала о планах верфи

В статье газеты Nordic Times уточняется, что верфь в Оденсе закроется к осени. Руководство компании \
ситуацию не комментирует.

«Заказов нет с прошлого года», — приводит её издание. Речь идёт о словах бывшего инженера верфи Метте \
Йенсен, которая проработала там двадцать лет.
"""


def test_document_of_a_latin_titled_outlet_and_an_unresolved_object_pronoun(pipeline: Any) -> None:
    res = _run(pipeline, SHIPYARD)
    yard = _claim(res, "верфь в Оденсе закроется")
    assert yard.speaker == "Nordic Times" and yard.speaker_ref == "outlet"
    orders = _claim(res, "Заказов нет")
    assert orders.actor is None  # "её" points forward to a person named later: no guess


def test_surnames_in_o_do_not_decline(pipeline: Any) -> None:
    """pymorphy reads an oblique "Бутко" as an adjective ("Буткий"): the same man must stay one actor."""
    text = (
        "Министр Бутко выступил в парламенте. Слова Бутко цитирует агентство. "
        "«Мы не отступим», — цитирует заявление Бутко ТАСС."
    )
    res = _run(pipeline, text)
    names = [a.name for a in res.actors if a.kind == "person"]
    assert names == ["Бутко"], names
    assert _claim(res, "Мы не отступим").actor == "Бутко"


def test_womens_surnames_and_a_noun_glued_in_front_of_a_name(pipeline: Any) -> None:
    """ "вернуть Ирину Соколову" is "Ирина Соколова"; "Заявление Гелетея прозвучало" names one man, not two."""
    text = (
        "Совет директоров решил вернуть на пост Ирину Соколову. Ранее компанией руководил Олег Дятлов.\n\n"
        "Министр обороны Валерий Гелетей выступил в Раде.\n\n"
        "Заявление Гелетея прозвучало после встречи с генштабом."
    )
    res = _run(pipeline, text)
    names = sorted(a.name for a in res.actors if a.kind == "person")
    assert names == ["Валерий Гелетей", "Ирина Соколова", "Олег Дятлов"], names
