"""Role nouns and descriptors after long quotes, in the lead, and frames that add no statement.

Our own prose: a mayoral race (a descriptor after a three-sentence quote, a rival named only in the
instrumental), a sports minister introduced by surname alone ("Министр отметил" after his quote), a
researcher referred to as "исследовательница", a chancellor named in the lead before her name, an
outlet reporting a statement that already has its speaker, "С таким заявлением выступил X", and
straight quotes nested in straight quotes.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

RACE = """Кандидат в мэры собрал деньги на кампанию

Кандидат в мэры Самары Олег Ветров собрал на кампанию 12 млн рублей. Ветров подчеркнул, что примет участие \
в дебатах. При этом он не стал говорить, о чём хочет спросить действующего мэра Игоря Клёнова.

"Если Клёнов придёт на дебаты, там и узнает. Вопросов накопилось много. Люди ждут ответов", - цитирует \
«Самарское обозрение» оппозиционера.
"""


def test_a_descriptor_after_a_long_quote_is_the_subject_of_the_passage(pipeline: Any) -> None:
    res = _run(pipeline, RACE)
    debate = _claim(res, "там и узнает")
    assert debate.actor == "Олег Ветров" and debate.speaker_ref == "role"


SPORT = """Министр спорта ответил на обвинения

Газета Daily Courier обвинила лабораторию в сокрытии проб. "Наши успехи многим не по душе. Мы открыты для \
любой проверки. Лаборатория работает по международным правилам. Никаких нарушений не было", - цитирует \
заявление Игоря Сомова агентство «Спорт-Информ».

Министр отметил, что проверка начнётся уже в марте. Тренеры сборной Анна Липина и Павел Крюков от \
комментариев отказались.
"""


def test_an_office_nobody_holds_by_title_goes_to_who_just_spoke(pipeline: Any) -> None:
    res = _run(pipeline, SPORT)
    check = _claim(res, "проверка начнётся уже в марте")
    assert check.actor == "Игорь Сомов" and check.speaker_ref == "role"


RESEARCH = """Историк о древних культах

Статья Марии Левандовской о культах плодородия вышла в 1930-х. Очевидно, Левандовская не верила в \
богов. Но исследовательница говорит: «Боги рождаются из ритуала, а не ритуал из богов».

Её коллега Пётр Зорин с ней спорил. Исследовательница, по словам Зорина, преувеличивала роль ритуала.
"""


def test_a_feminine_descriptor_refers_only_to_a_woman(pipeline: Any) -> None:
    res = _run(pipeline, RESEARCH)
    gods = _claim(res, "Боги рождаются из ритуала")
    assert gods.actor == "Мария Левандовская" and gods.speaker_ref == "role"


LEAD = """Канцлер против новых расходов

Канцлер считает, что бюджет армии расти не должен.

Рост расходов на оборону сейчас не нужен, заявила канцлер Австрии Мартина Хольцер журналистам. Как передает \
агентство APA, она заявила это на встрече с профсоюзами. Хольцер уверена, что экономика выйдет из спада к \
осени, пишет Wiener Zeitung.
"""


def test_a_role_in_the_lead_points_forward_and_outer_outlet_frames_add_nothing(pipeline: Any) -> None:
    res = _run(pipeline, LEAD)
    army = _claim(res, "бюджет армии расти не должен")
    assert army.actor == "Мартина Хольцер" and army.speaker_ref == "role"
    assert not any("заявила это на встрече" in c.text for c in res.claims)  # says only that she said it
    autumn = [c for c in res.claims if "выйдет из спада" in c.text]
    assert autumn and all(c.actor == "Мартина Хольцер" for c in autumn), [(c.speaker, c.text) for c in autumn]


def test_with_such_words_and_nested_straight_quotes(pipeline: Any) -> None:
    text = (
        "Премьер пообещал реформу\n\n"
        "Налоговая реформа начнётся уже весной. С таким заявлением на съезде партии выступил премьер-министр "
        "Словакии Марек Грушка, сообщает агентство TASR.\n\n"
        'Грушка добавил: "Мы не можем сказать людям "подождите ещё год" - так не бывает. Решение принято", - '
        "отметил премьер."
    )
    res = _run(pipeline, text)
    spring = _claim(res, "Налоговая реформа начнётся уже весной")
    assert spring.actor == "Марек Грушка"
    assert not any(c.speaker == "TASR" for c in res.claims)
    said = _claim(res, "так не бывает")
    assert said.actor == "Марек Грушка" and said.text.startswith("Мы не можем сказать")


def test_a_short_parenthetical_between_subject_and_verb(pipeline: Any) -> None:
    text = (
        "Встреча в Вильнюсе\n\n"
        "Министр финансов Литвы Гинтарас Шимкус встретился с мэром Каунаса Ромасом Будрисом. Мэр Каунаса, в "
        "свою очередь, отметил, что городу не хватает денег на дороги.\n\n"
        '"Когда мост открыли, пробки исчезли за неделю", - обратил внимание мэр.'
    )
    res = _run(pipeline, text)
    roads = _claim(res, "не хватает денег на дороги")
    assert roads.actor is not None and roads.actor.startswith("Ромас Будрис") and roads.speaker_ref == "role"
    bridge = _claim(res, "пробки исчезли за неделю")
    assert bridge.actor == roads.actor
