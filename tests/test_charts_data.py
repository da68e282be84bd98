"""The data behind each picture equals what the library holds (counted from the plan, not SQL)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.charts.renderer import Renderer
from bot.charts.series import day_number
from bot.period import Period
from bot.services.charts import NEIGHBOURS, Charts, GraphChart, Thin, TrendChart
from bot.services.identity import FILING_RULES
from bot.services.matching import Matcher
from storage.records import NewArticle, TargetRef
from storage.repository import Storage

from charts_world import CENTER, FIRST_DAY, KINDS, TODAY, Planned, build, plan

PLAN = plan()


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Storage, Charts]]:
    async with Storage.open(f"sqlite:///{tmp_path / 'charts.db'}", rules=FILING_RULES) as storage:
        await build(storage, PLAN)
        charts = Charts(storage, Matcher(storage), Renderer(0), today=lambda: TODAY)
        try:
            yield storage, charts
        finally:
            await charts.close()


def _in(p: Planned, period: Period | None) -> bool:
    if period is None:
        return True
    return p.day is not None and period.start <= p.day <= period.end


async def _actor_id(storage: Storage, name: str) -> int:
    found = [a for a in await storage.top_actors(limit=100) if a.name == name]
    assert len(found) == 1, name
    return found[0].id


async def _tag_id(storage: Storage, name: str) -> int:
    found = [t for t in await storage.top_tags(limit=100) if t.name == name]
    assert len(found) == 1, name
    return found[0].id


@pytest.mark.parametrize("period", [None, Period(date(2017, 10, 1), date(2017, 11, 30))])
async def test_actor_network_matches_the_articles(world: tuple[Storage, Charts], period: Period | None) -> None:
    storage, charts = world
    center_id = await _actor_id(storage, CENTER)
    chart = await charts.graph_data(center_id, period, "ru")
    assert isinstance(chart, GraphChart)
    articles = [p for p in PLAN if _in(p, period) and CENTER in p.actors]
    assert chart.articles == len(articles)
    shared = Counter(name for p in articles for name in p.actors if name != CENTER)
    sizes = Counter(name for p in PLAN for name in p.actors)  # node size: articles in the whole library
    nodes = {n.name: n for n in chart.data.nodes}
    ids = {n.actor_id: n.name for n in chart.data.nodes}
    assert nodes[CENTER].center and nodes[CENTER].articles == sizes[CENTER]
    drawn = [name for name in nodes if name != CENTER]
    assert len(drawn) == min(NEIGHBOURS, len(shared))
    # The drawn neighbours are the most co-mentioned ones: none left out has more shared articles.
    left_out = [n for name, n in shared.items() if name not in nodes]
    assert min(shared[name] for name in drawn) >= max(left_out, default=0)
    for name in drawn:
        assert nodes[name].articles == sizes[name], name
        assert nodes[name].kind == KINDS[name]
    weights = chart.data.weights()
    for name in drawn:  # every neighbour is tied to the centre, with the shared-article count
        assert weights[frozenset((nodes[CENTER].actor_id, nodes[name].actor_id))] == shared[name]
    others = [e for e in chart.data.edges if nodes[CENTER].actor_id not in (e.a, e.b)]
    assert others, "ties between the neighbours are drawn too"
    for edge in others:  # counted inside the centre's articles
        a, b = ids[edge.a], ids[edge.b]
        assert edge.weight == sum(1 for p in articles if a in p.actors and b in p.actors), (a, b)
    assert chart.data.title == f"Связи: {CENTER}"
    covered = period or Period(min(p.day for p in articles if p.day), max(p.day for p in articles if p.day))
    assert chart.covered == covered
    assert covered.label() in chart.data.subtitle


async def test_library_network_is_the_most_connected(world: tuple[Storage, Charts]) -> None:
    _, charts = world
    chart = await charts.graph_data(None, None, "en")
    assert isinstance(chart, GraphChart)
    assert chart.center is None and chart.articles == chart.total == len(PLAN)
    sizes = Counter(name for p in PLAN for name in p.actors)
    ids = {n.actor_id: n.name for n in chart.data.nodes}
    assert 2 <= len(ids) <= 20
    for node in chart.data.nodes:
        assert node.articles == sizes[node.name]
    for edge in chart.data.edges:
        a, b = ids[edge.a], ids[edge.b]
        assert edge.weight == sum(1 for p in PLAN if a in p.actors and b in p.actors)
    assert chart.data.title == "The library's most connected actors"


async def test_trend_counts_per_day_and_week_by_the_articles_own_date(world: tuple[Storage, Charts]) -> None:
    storage, charts = world
    refs = (TargetRef("tag", await _tag_id(storage, "санкции")), TargetRef("actor", await _actor_id(storage, CENTER)))
    for period, bucket in ((Period(date(2017, 11, 1), date(2017, 11, 30)), "day"),
                           (Period(FIRST_DAY, TODAY), "week")):
        chart = await charts.trend_data(refs, period, "en")
        assert isinstance(chart, TrendChart)
        assert chart.data.bucket == bucket
        assert chart.data.starts[0] <= period.start
        for series, match in zip(chart.data.series, (lambda p: "санкции" in p.tags, lambda p: CENTER in p.actors),
                                 strict=True):
            expected = [0] * len(chart.data.starts)
            for p in PLAN:
                if match(p) and _in(p, period):
                    assert p.day is not None
                    index = (p.day - chart.data.starts[0]).days // (1 if bucket == "day" else 7)
                    expected[index] += 1
            assert list(series.counts) == expected
            window = chart.data.window
            for i in range(len(expected)):
                part = expected[max(0, i - window + 1): i + 1]
                assert series.rolling[i] == pytest.approx(sum(part) / len(part))
        assert chart.undated == sum(1 for p in PLAN if p.day is None and ("санкции" in p.tags or CENTER in p.actors))
        assert [s.label for s in chart.data.series] == ["санкции", CENTER]
        assert period.label() in chart.data.subtitle


async def test_rising_fast_marks_the_growing_story_only(world: tuple[Storage, Charts]) -> None:
    storage, charts = world
    oil, sanctions = await _tag_id(storage, "нефть"), await _tag_id(storage, "санкции")
    chart = await charts.trend_data((TargetRef("tag", oil), TargetRef("tag", sanctions)), None, "ru")
    assert isinstance(chart, TrendChart)
    rising = {t.name: t.rising for t in chart.targets}
    recent = sum(1 for p in PLAN if "нефть" in p.tags and p.day and p.day >= TODAY - timedelta(days=1))
    assert recent >= 8
    assert rising == {"нефть": True, "санкции": False}
    # Default period: from the first dated article to today (the story is live).
    assert chart.period.end == TODAY
    assert chart.period.start == min(p.day for p in PLAN if p.day and ("нефть" in p.tags or "санкции" in p.tags))


async def test_thin_and_undated_data_get_no_picture(world: tuple[Storage, Charts]) -> None:
    storage, charts = world
    center = await _actor_id(storage, CENTER)
    one_day = next(p.day for p in PLAN if p.day and CENTER in p.actors
                   and sum(1 for q in PLAN if q.day == p.day and CENTER in q.actors) == 1)
    thin = await charts.graph_data(center, Period(one_day, one_day), "en")
    assert isinstance(thin, Thin) and thin.status == "thin" and thin.articles == 1
    empty_period = Period(date(2016, 1, 1), date(2016, 1, 31))
    thin_trend = await charts.trend_data((TargetRef("actor", center),), empty_period, "en")
    assert isinstance(thin_trend, Thin) and thin_trend.status == "thin" and thin_trend.articles == 0


async def test_a_library_without_dates_says_so(tmp_path: Path) -> None:
    undated = [Planned(("Сергей Лавров", "НАТО"), ("санкции",), None), Planned(("Сергей Лавров",), ("санкции",), None)]
    async with Storage.open(f"sqlite:///{tmp_path / 'undated.db'}", rules=FILING_RULES) as storage:
        await build(storage, undated)
        charts = Charts(storage, Matcher(storage), Renderer(0), today=lambda: TODAY)
        outcome = await charts.trend("санкции", "en")
        assert outcome.status == "no_dates" and outcome.thin is not None and outcome.thin.articles == 2
        # The network needs no dates: all time works, a period finds nothing dated.
        assert (await charts.graph("Лавров", "en")).status == "ok"
        assert (await charts.graph("Лавров 2017", "en")).status == "thin"
        await charts.close()


async def test_published_at_comes_from_the_posts_own_date(world: tuple[Storage, Charts], tmp_path: Path) -> None:
    await world[0].close()  # flush: read the file as any other tool would
    con = sqlite3.connect(tmp_path / "charts.db")
    try:
        rows = con.execute("SELECT published_at, origin_date, added_at FROM articles ORDER BY id").fetchall()
    finally:
        con.close()
    assert len(rows) == len(PLAN)
    for (published, origin, added), p in zip(rows, PLAN, strict=True):
        assert published == origin
        if p.day is None:
            assert published is None
        else:
            assert day_number(p.day) == published // 86400 and published < added


async def test_an_explicit_page_date_wins_and_the_card_can_read_it(tmp_path: Path) -> None:
    async with Storage.open(f"sqlite:///{tmp_path / 'dates.db'}") as storage:
        link, _ = await storage.add_article(NewArticle(
            text="Страница со своей датой. " * 10, origin_kind="link", added_by=1, added_at=2_000_000_000,
            url="https://example.org/a", published_at=1_500_000_000))
        post, _ = await storage.add_article(NewArticle(
            text="Пост канала со своей датой. " * 10, origin_kind="channel", added_by=1, added_at=2_000_000_000,
            origin_date=1_400_000_000))
        paste, _ = await storage.add_article(NewArticle(
            text="Вставленный текст без даты. " * 10, origin_kind="paste", added_by=1, added_at=2_000_000_000))
        dates = {}
        for article_id in (link, post, paste):
            full = await storage.get_article(article_id)
            assert full is not None
            dates[article_id] = full.article.published_at
        assert dates == {link: 1_500_000_000, post: 1_400_000_000, paste: None}
