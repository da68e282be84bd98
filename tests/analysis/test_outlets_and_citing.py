"""Outlets named inside the sentence and speakers named by the outlet that quotes them: our own prose.

A shipping note retold from three outlets (a frame set off by commas: ", пишет X,", a trailing
", передает X." with a domain name, "По сообщению X", "согласно заявлению X"), a mayor's quote cited
with the person as the object ("— цитирует «Вечерний курьер» главу города"), a short adjective of
conviction ("уверена, что") and a role noun the tagger reads as a name at a sentence start.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

PORT = """Порт Клайпеды теряет грузы

Грузооборот порта Клайпеда за девять месяцев снизился на восьмую часть. Кроме того, пишет Baltic Shipping, \
два терминала перешли на сокращённую неделю. Причиной называют падение транзита удобрений, передает \
portnews.lt.

По сообщению Lloyd's List , оператор контейнерного терминала ищет нового инвестора. Согласно заявлению \
Министерства транспорта Литвы, дноуглубительные работы завершатся к марту.

Речь о закрытии порта не идёт, отмечает «Морской вестник», однако профсоюзы готовят акцию протеста.
"""


def test_outlets_framed_inside_and_after_the_sentence(pipeline: Any) -> None:
    res = _run(pipeline, PORT)
    week = _claim(res, "два терминала перешли на сокращённую неделю")
    assert week.speaker == "Baltic Shipping" and not week.text.startswith("Кроме того")
    transit = _claim(res, "падение транзита удобрений")
    assert transit.speaker == "portnews.lt" and transit.speaker_ref == "outlet"
    investor = _claim(res, "ищет нового инвестора")
    assert investor.speaker == "Lloyd's List"
    dredging = _claim(res, "дноуглубительные работы завершатся")
    assert dredging.actor is not None and dredging.actor.startswith("Министерство транспорта")
    closing = _claim(res, "профсоюзы готовят акцию протеста")
    assert closing.speaker == "Морской вестник" and closing.text.startswith("Речь о закрытии порта")


def test_a_frame_between_commas_keeps_a_lead_with_content(pipeline: Any) -> None:
    text = (
        "Сенатор Ирма Кальвиньо выступила в Мадриде.\n\n"
        "Налоговая реформа, заметила сенатор, ударит прежде всего по малому бизнесу. Пенсионная система, "
        "продолжает Кальвиньо, требует пересмотра уже в этом году."
    )
    res = _run(pipeline, "Реформа в Испании\n\n" + text)
    tax = _claim(res, "ударит прежде всего по малому бизнесу")
    assert tax.actor == "Ирма Кальвиньо" and tax.text.startswith("Налоговая реформа ударит")
    pensions = _claim(res, "требует пересмотра")
    assert pensions.actor == "Ирма Кальвиньо" and "продолжает" not in pensions.text


CITED = """Мэр Тарту против закрытия школ

Мэр Тарту Урмас Клаас выступил на заседании городского совета. «Мы не закроем ни одной сельской школы, \
пока в ней учатся хотя бы десять детей», — цитирует «Вечерний курьер» главу города.

Депутат совета Кадри Сепп с ним не согласна. "Содержать полупустые здания город больше не может", - цитирует \
ERR.ee Сепп. Сепп уверена, что деньги лучше потратить на школьные автобусы.

Клаас в ответ заметил, что автобусы не решат проблему. Глава города также заявил, что вопрос вынесут на \
референдум.
"""


def test_the_person_an_outlet_quotes_is_the_speaker(pipeline: Any) -> None:
    res = _run(pipeline, CITED)
    schools = _claim(res, "не закроем ни одной сельской школы")
    assert schools.actor == "Урмас Клаас" and schools.speaker_ref == "role"
    buildings = _claim(res, "Содержать полупустые здания")
    assert buildings.actor == "Кадри Сепп"
    buses = _claim(res, "деньги лучше потратить на школьные автобусы")
    assert buses.actor == "Кадри Сепп" and buses.kind == "reported"
    vote = _claim(res, "вынесут на референдум")
    assert vote.actor == "Урмас Клаас"


def test_a_role_noun_opening_a_sentence_is_still_a_role(pipeline: Any) -> None:
    text = (
        "Канцлер Австрии Леопольд Майр провёл переговоры в Берлине. Стороны обсудили энергетику.\n\n"
        "Канцлер также подчеркнул, что Австрия не откажется от нейтралитета."
    )
    res = _run(pipeline, "Переговоры в Берлине\n\n" + text)
    neutral = _claim(res, "не откажется от нейтралитета")
    assert neutral.actor == "Леопольд Майр" and neutral.speaker_ref == "role"


CYBER = """Хакеры заявили о взломе базы данных

Группировка опубликовала список адресов сотрудников портовых властей. Компания SecureLine Analytics, \
которая изучает киберугрозы, сообщила агентству, что утечка выглядит подлинной. В Канаде отмечают, что \
похожая атака уже была весной.

Министр безопасности Канады Дэниел Огилви 5 мая заявил на закрытом совещании в парламенте, что \
ответственные будут найдены. Об этом рассказали несколько участников совещания. Базы данных придётся \
перенести на новые серверы, процитировали его участники совещания.

Как заметил один из опрошенных Огилви экспертов, такие атаки стали обычным делом.
"""


def test_names_places_and_objects_in_the_frame(pipeline: Any) -> None:
    res = _run(pipeline, CYBER)
    leak = _claim(res, "утечка выглядит подлинной")
    assert leak.actor == "SecureLine Analytics"  # "компания X": the company's own name, not "компания"
    spring = _claim(res, "похожая атака уже была весной")
    assert spring.actor is None and spring.speaker == "в Канаде"  # where it was said, not who
    found = _claim(res, "ответственные будут найдены")
    assert found.actor == "Дэниел Огилви"  # a participle ("закрытом") inside the frame
    servers = _claim(res, "перенести на новые серверы")
    assert servers.actor == "Дэниел Огилви" and servers.speaker_ref == "pronoun"  # whom they cite
    usual = _claim(res, "такие атаки стали обычным делом")
    assert usual.actor is None and usual.speaker.startswith("один из опрошенных")  # not the agent "Огилви"


def test_a_subject_pronoun_beats_a_name_in_the_genitive(pipeline: Any) -> None:
    text = (
        "Критик о джазе\n\n"
        "Рэй Кольер много лет вёл колонку о джазе в вечерней газете. Вот что он пишет о трубаче Луисе Армстронге: "
        "«Его звук похож на солнечный свет, пробившийся сквозь дым»."
    )
    res = _run(pipeline, text)
    sound = _claim(res, "похож на солнечный свет")
    assert sound.actor == "Рэй Кольер" and sound.speaker_ref == "pronoun"


def test_addressees_between_verb_and_chto_and_relatives_who_speak(pipeline: Any) -> None:
    text = (
        "Производитель телефонов теряет рынок\n\n"
        "Глава компании Nordtel Ари Лехтинен заявлял прессе, что падение продаж связано с нехваткой чипов. "
        "Замминистра связи Ирина Колосова высказывала опасения, что к осени закроется треть салонов связи.\n\n"
        "Отец Лехтинена сказал, что сын работает без выходных."
    )
    res = _run(pipeline, text)
    chips = _claim(res, "падение продаж связано с нехваткой чипов")
    assert chips.actor == "Ари Лехтинен"  # "прессе": told to, not a direct object
    shops = _claim(res, "закроется треть салонов связи")
    assert shops.actor == "Ирина Колосова"
    son = _claim(res, "сын работает без выходных")
    assert son.actor is None and son.speaker is not None and son.speaker.startswith("отец")
