"""Quotes with no frame of their own continue the statement before them (`speaker_ref` "continuation").

Our own texts, in the layouts Russian news use: a feature story whose quote runs over paragraphs
(each opening «, only the last closing), a second quote after the attribution's dash, a bare
connective before a colon ("Или: «...»"), a quote a few sentences after reported speech, and a
pronoun chain across paragraphs. Questions, quotes with their own attribution, and quotes after
another person was named are not continuations.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

FEATURE = """Тракторный завод в Липецке возобновит выпуск

Директор завода Игорь Мальцев рассказал о планах предприятия на следующий год.

Игорь Мальцев заявил: «Мы вложили в новую линию почти два миллиарда рублей.

«Первые машины сойдут с конвейера в марте, заказы уже есть от трёх областей.

«Если спрос сохранится, к осени откроем вторую смену».

Губернатор области поддержал проект и пообещал субсидии.

Станет ли завод прибыльным?

«Это зависит от цен на металл, а они растут».
"""


def test_a_quote_over_paragraphs_stays_with_its_speaker(pipeline: Any) -> None:
    res = _run(pipeline, FEATURE)
    first = _claim(res, "почти два миллиарда рублей")
    assert first.actor == "Игорь Мальцев"
    for fragment in ("Первые машины сойдут с конвейера", "откроем вторую смену"):
        claim = _claim(res, fragment)
        assert claim.actor == "Игорь Мальцев" and claim.speaker_ref == "continuation"
    # after a question and a narration paragraph naming nobody who spoke, nothing is guessed
    assert not any("цен на металл" in c.text and c.actor for c in res.claims)


FAIR = """Министр сельского хозяйства посетила ярмарку

Министр сельского хозяйства Ольга Петренко открыла осеннюю ярмарку в Туле.

«Цены на овощи в этом году ниже, чем в прошлом», — сказала Петренко журналистам. — «Урожай оказался \
рекордным почти во всех областях».

Она также сообщила, что ярмарки будут проходить каждую неделю до декабря.

По её словам, фермеры получат места бесплатно. «Мы не берём с них плату за торговлю».
"""


def test_a_second_quote_after_the_attribution_dash(pipeline: Any) -> None:
    res = _run(pipeline, FAIR)
    second = _claim(res, "Урожай оказался рекордным")
    assert second.actor == "Ольга Петренко" and second.speaker_ref == "continuation"
    after_reported = _claim(res, "Мы не берём с них плату")
    assert after_reported.actor == "Ольга Петренко" and after_reported.speaker_ref == "continuation"


ESSAY = """Писатель и его деревня

Писатель Игорь Скворцов часто возвращается в книгах к детству. Вот что он пишет о родной деревне: \
«Там время текло медленнее, чем где-либо ещё». Или: «Я до сих пор помню запах свежего хлеба по утрам».

Критики любят эти страницы больше всего.
"""


def test_a_connective_and_a_colon_continue_the_quote_before(pipeline: Any) -> None:
    res = _run(pipeline, ESSAY)
    first = _claim(res, "время текло медленнее")
    assert first.actor == "Игорь Скворцов"
    more = _claim(res, "запах свежего хлеба")
    assert more.actor == "Игорь Скворцов" and more.speaker_ref == "continuation"


REPORT = """Врач о сне подростков

По мнению сомнолога Анны Лебедевой, подросткам нужно спать не меньше девяти часов. Недосып, считает она, \
сказывается на памяти.

Школьники ложатся всё позже, а уроки начинаются всё раньше. Это особенно заметно зимой. «К счастью, режим \
сна восстанавливается быстро. Достаточно двух недель без телефона перед сном».

Министр образования Павел Орлов с этим не согласен. «Телефон тут ни при чём, дело в нагрузке».
"""


def test_a_quote_a_few_sentences_on_continues_when_nobody_else_is_named(pipeline: Any) -> None:
    res = _run(pipeline, REPORT)
    sleep = _claim(res, "режим сна восстанавливается быстро")
    assert sleep.actor == "Анна Лебедева" and sleep.speaker_ref == "continuation"
    phone = [c for c in res.claims if "Телефон тут ни при чём" in c.text]
    assert all(c.actor != "Анна Лебедева" for c in phone)  # another person was named in between


CHAIN = """Посол о переговорах

Посол Норвегии Эрик Хансен провёл в Москве две встречи.

Он заявил, что стороны договорились продолжить консультации. «Мы слышим друг друга, и это уже немало».

«Следующий раунд пройдёт в Осло, скорее всего весной».

По его словам, в делегацию войдут и представители бизнеса.
"""


def test_a_pronoun_chain_across_paragraphs(pipeline: Any) -> None:
    res = _run(pipeline, CHAIN)
    assert _claim(res, "стороны договорились продолжить").actor == "Эрик Хансен"
    for fragment in ("Мы слышим друг друга", "Следующий раунд пройдёт в Осло"):
        claim = _claim(res, fragment)
        assert claim.actor == "Эрик Хансен" and claim.speaker_ref == "continuation"
    assert _claim(res, "представители бизнеса").actor == "Эрик Хансен"


def test_own_attribution_and_questions_are_not_continuations(pipeline: Any) -> None:
    text = """Спор о бюджете

«Бюджет будет сбалансирован», — сказал министр финансов Олег Крылов.

«Откуда возьмутся деньги на дороги?»

«Дороги пока подождут до весны», — ответил депутат Сергей Ветров.
"""
    res = _run(pipeline, text)
    assert not any("Откуда возьмутся" in c.text for c in res.claims)
    roads = _claim(res, "Дороги пока подождут")
    assert roads.actor == "Сергей Ветров" and roads.speaker_ref != "continuation"


def test_hundreds_of_frameless_quotes_bounded_and_uninvented(pipeline: Any) -> None:
    import time

    body = "".join(f"«Это замечание номер {n} о погоде и урожае».\n\n" for n in range(400))
    text = "Заголовок о погоде\n\n" + body + "«Неоконченная цитата без закрывающей кавычки\n\n" + "«" * 50
    start = time.perf_counter()
    res = _run(pipeline, text)
    assert time.perf_counter() - start < 60
    assert all(c.actor is None for c in res.claims)  # nobody was named: no speaker invented


def test_a_long_unclosed_quote_after_a_frame(pipeline: Any) -> None:
    import time

    text = (
        "Длинное выступление\n\nЭкономист Павел Котов заявил: «"
        + "Рынок будет расти, если ставки снизятся. " * 500
        + "\n\n«"
        + "Банкам придётся ждать. " * 300
        + "»\n\nНа форуме выступили и другие."
    )
    start = time.perf_counter()
    res = _run(pipeline, text)
    assert time.perf_counter() - start < 60
    for claim in res.claims:
        assert claim.actor in (None, "Павел Котов")
        assert len(claim.text) <= 601
