"""A subject pronoun ("..., — заявил он") continues the subject of the preceding text, not a person
named in an oblique case beside it ("провёл переговоры с премьером X").

Our own prose (a fisheries visit, a regional council meeting); none is copied from the evaluation articles.
"""

from __future__ import annotations

from typing import Any

from claim_checks import claim_with as _claim
from claim_checks import run as _run

VISIT = """Эстония добивается пересмотра рыболовных квот

Министр сельского хозяйства Эстонии Тоомас Раудсепп прибыл в Ригу во вторник утром. \
Днём он провёл переговоры с премьер-министром Латвии Андрисом Калныньшем.

«Квоты на вылов салаки должны быть пересмотрены до начала осенней путины», — заявил он журналистам после встречи.
"""

COUNCIL = """В облсовете обсудили ремонт дорог

Депутат Игорь Седов и депутат Павел Лунин в пятницу встретились с губернатором области Олегом Бобровым.

«Ремонт трассы на север нужно закончить до первого снега», — сказал он по итогам разговора.
"""


def test_subject_pronoun_prefers_the_nominative_subject_to_a_nearer_oblique_name(pipeline: Any) -> None:
    res = _run(pipeline, VISIT)
    quota = _claim(res, "должны быть пересмотрены")
    assert quota.actor == "Тоомас Раудсепп" and quota.speaker_ref == "pronoun"


def test_two_nominative_people_leave_the_pronoun_unresolved(pipeline: Any) -> None:
    """Two subjects and an oblique name: nobody is a safe guess, so the pronoun stays as text."""
    res = _run(pipeline, COUNCIL)
    road = _claim(res, "закончить до первого снега")
    assert road.actor is None and road.speaker == "он"
