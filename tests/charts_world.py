"""A generated library with known truth, for the chart tests (a plain module, not a conftest).

Articles are built from a seeded random plan: which actors and tags each article has and its own
date (or none, as a pasted text has none). The plan is the ground truth: the tests count from it
in Python, independently of the SQL, and compare with what the chart service says it draws.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from analysis.model import Actor, ArticleAnalysis, Tag
from storage.records import NewArticle
from storage.repository import Storage

#: The world's "today": the last day with articles.
TODAY = date(2017, 12, 31)
FIRST_DAY = date(2017, 9, 1)

PEOPLE = [
    "Сергей Лавров", "Рекс Тиллерсон", "Ангела Меркель", "Эммануэль Макрон", "Дмитрий Песков",
    "Йенс Столтенберг", "Федерика Могерини", "Антониу Гутерриш", "Борис Джонсон", "Мевлют Чавушоглу",
    "Ван И", "Джавад Зариф", "Сигмар Габриэль", "Жан-Ив Ле Дриан", "Кристия Фриланд",
]
ORGS = ["НАТО", "Газпром", "Евросоюз", "ОБСЕ", "Госдепартамент США", "МАГАТЭ"]
PLACES = ["Москва", "Вашингтон", "Берлин", "Париж", "Женева", "Анкара", "Пекин"]
KINDS = {**{p: "person" for p in PEOPLE}, **{o: "organization" for o in ORGS}, **{p: "location" for p in PLACES}}
TAGS = [("санкции", "sanctions"), ("переговоры", "negotiations"), ("нефть", "oil"), ("выборы", "elections")]
CENTER = "Сергей Лавров"


@dataclass(frozen=True)
class Planned:
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    day: date | None  # the article's own date; None: undated (a paste)


def plan(seed: int = 11, n: int = 160) -> list[Planned]:
    rnd = random.Random(seed)
    everyone = list(KINDS)
    out = []
    span = (TODAY - FIRST_DAY).days
    for i in range(n):
        # Lavrov in about half the articles, so his network has more than 20 neighbours to choose from.
        chosen = set(rnd.sample(everyone, rnd.randint(2, 6)))
        if rnd.random() < 0.5:
            chosen.add(CENTER)
        tags = tuple(sorted({rnd.choice(TAGS)[0] for _ in range(rnd.randint(1, 2))}))
        # "нефть" is a story that grows: late in the world it is in many articles.
        if i >= n - 12:
            tags = ("нефть",)
        undated = i % 9 == 4
        offset = span - (i % 2) if i >= n - 12 else rnd.randint(0, span - 3)  # the late ones: last two days
        day = None if undated else date.fromordinal(FIRST_DAY.toordinal() + offset)
        out.append(Planned(tuple(sorted(chosen)), tags, day))
    return out


def _ts(day: date, hour: int) -> int:
    return int(datetime(day.year, day.month, day.day, hour, tzinfo=UTC).timestamp())


async def build(storage: Storage, planned: Iterable[Planned]) -> None:
    filed_at = _ts(TODAY, 12) + 86_400 * 30  # filed long after: a trend by filing date would be one spike
    for i, p in enumerate(planned):
        text = f"Статья номер {i}: " + ", ".join(p.actors) + ". " + "Текст статьи о событиях дня. " * 5
        article = NewArticle(
            text=text, origin_kind="import" if p.day else "paste", added_by=1, added_at=filed_at + i,
            origin_date=_ts(p.day, 8 + i % 12) if p.day else None,
        )
        article_id, created = await storage.add_article(article)
        assert created
        analysis = ArticleAnalysis(
            title=f"Статья {i}", source=None, via=None, lead=None, summary=[],
            actors=[Actor(name, KINDS[name], 1 + (i + j) % 3, None,  # type: ignore[arg-type]
                          (name.split()[-1],) if KINDS[name] == "person" and " " in name else ())
                    for j, name in enumerate(p.actors)],
            claims=[], tags=[Tag(t, dict(TAGS)[t], "topic", 1.0) for t in p.tags], language="ru",
        )
        await storage.save_analysis(article_id, analysis, now=filed_at + i, enqueue_alerts=False)
