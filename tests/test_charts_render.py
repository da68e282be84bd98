"""Drawing: real PNGs of the promised size, hostile names, timeline arithmetic, the button codec."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from bot.charts.data import FILE_PX, PHOTO_PX, GraphData, GraphEdge, GraphNode, TrendData, TrendSeries
from bot.charts.render import render_graph, render_trend
from bot.charts.request import ChartRequest, from_args, to_args
from bot.charts.series import bucket_counts, bucket_for, bucket_starts, day_number, rising_fast, rolling_mean
from bot.period import Period
from storage.records import TargetRef

HOSTILE = [
    "<b>Ложь & \"правда\"</b> <script>alert(1)</script>",
    "שלום עולם مرحبا بالعالم",  # right-to-left scripts
    "Эмодзи 🚀🔥👨‍👩‍👧 имя",
    "$x^2$ \\frac{1}{0} $ одинокий доллар",
    "Я" * 300,
    "zero\u200bwidth\u200ffmarks\u0301 and\nnewline\ttab",
]


def _decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()  # a truncated or corrupt file fails here, not only at open
    assert image.format == "PNG"
    return image


def _graph(names: list[str]) -> GraphData:
    nodes = [GraphNode(1, names[0], "person", 40, True)]
    nodes += [GraphNode(i + 2, name, ("person", "organization", "location", "other")[i % 4], 5 + i)
              for i, name in enumerate(names[1:])]
    edges = [GraphEdge(1, n.actor_id, 3 + n.actor_id) for n in nodes[1:]]
    edges += [GraphEdge(nodes[i].actor_id, nodes[i + 1].actor_id, 2) for i in range(1, len(nodes) - 1)]
    return GraphData(f"Связи: {names[0]}", "12 статей · 2017", tuple(nodes), tuple(edges), "ru")


def _trend(labels: list[str], points: int = 40) -> TrendData:
    starts = tuple(date(2017, 1, 2) + timedelta(days=7 * i) for i in range(points))
    series = []
    for k, label in enumerate(labels):
        counts = [(i * (k + 1)) % 9 for i in range(points)]
        series.append(TrendSeries(label, tuple(counts), tuple(rolling_mean(counts, 4)), k == 0))
    return TrendData("Articles per week: " + ", ".join(labels), "2017", "week", starts, tuple(series), 4, "en")


@pytest.mark.parametrize("scale,size", [(1.0, PHOTO_PX), (FILE_PX[0] / PHOTO_PX[0], FILE_PX)])
def test_pictures_have_the_promised_size(scale: float, size: tuple[int, int]) -> None:
    graph = _decoded(render_graph(_graph(["Сергей Лавров", "НАТО", "Москва", "Рекс Тиллерсон"]), scale))
    trend = _decoded(render_trend(_trend(["санкции", "Сергей Лавров"]), scale))
    assert graph.size == size and trend.size == size
    assert max(size) <= 2048


def test_hostile_names_draw() -> None:
    graph = render_graph(_graph(["Сергей Лавров", *HOSTILE]))
    assert _decoded(graph).size == PHOTO_PX
    trend = render_trend(_trend(HOSTILE[:4]))
    assert _decoded(trend).size == PHOTO_PX


def test_a_single_bucket_and_a_single_edge_draw() -> None:
    one_day = TrendData("t", "s", "day", (date(2017, 9, 1),), (TrendSeries("x", (3,), (3.0,)),), 7, "ru")
    assert _decoded(render_trend(one_day)).size == PHOTO_PX
    pair = GraphData("t", "s", (GraphNode(1, "A", "person", 2, True), GraphNode(2, "B", "location", 2)),
                     (GraphEdge(1, 2, 2),), "en")
    assert _decoded(render_graph(pair)).size == PHOTO_PX


def test_cyrillic_is_drawn_with_real_glyphs() -> None:
    """DejaVu Sans has Cyrillic: a Cyrillic title must not come out as the same boxes for every letter."""
    def title_pixels(title: str) -> bytes:
        data = TrendData(title, "", "day", (date(2017, 9, 1),), (TrendSeries("x", (1,), (1.0,)),), 7, "ru")
        image = _decoded(render_trend(data)).convert("L")
        return image.crop((0, 0, 900, 60)).tobytes()

    # Same length: missing glyphs would be identical boxes, real letters differ.
    assert title_pixels("Лавров") != title_pixels("Шойгуж")
    assert title_pixels("Лавров") != title_pixels("      ")
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from bot.charts.render import FONT

    charmap = FT2Font(font_manager.findfont(FONT, fallback_to_default=False)).get_charmap()
    assert all(ord(ch) in charmap for ch in "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def test_buckets_and_rolling_means() -> None:
    month = Period(date(2017, 9, 1), date(2017, 9, 30))
    year = Period(date(2017, 1, 1), date(2017, 12, 31))
    assert bucket_for(month) == "day" and bucket_for(year) == "week"
    weeks = bucket_starts(year, "week")
    assert weeks[0] == date(2016, 12, 26) and all(d.weekday() == 0 for d in weeks) and weeks[-1] <= year.end
    daily = {day_number(date(2017, 1, 1)): 2, day_number(date(2017, 1, 2)): 1, day_number(date(2017, 1, 8)): 4,
             day_number(date(2017, 1, 9)): 5, day_number(date(2018, 1, 1)): 99}
    counts = bucket_counts(daily, year, "week")
    assert counts[:3] == [2, 5, 5] and sum(counts) == 12  # 2018 is outside the period
    assert rolling_mean([4, 0, 2, 6], 2) == [4.0, 2.0, 1.0, 4.0]


def test_rising_fast_needs_a_real_jump() -> None:
    end = date(2017, 9, 30)
    base = {day_number(end) - d: 1 for d in range(2, 16)}  # one a day for two weeks
    assert rising_fast({**base, day_number(end): 3, day_number(end) - 1: 2}, end)  # 2.5 a day vs 1
    assert not rising_fast({**base, day_number(end): 1, day_number(end) - 1: 2}, end)  # 1.5 vs 1
    assert not rising_fast({day_number(end): 2}, end)  # from nothing, but only two articles
    assert rising_fast({day_number(end): 2, day_number(end) - 1: 1}, end)  # from nothing to three


def test_button_arguments_round_trip_within_64_bytes() -> None:
    from bot import callbacks

    cases = [(ChartRequest("trend", (TargetRef("tag", 3),), Period(date(2017, 9, 1), date(2017, 12, 31))),
              callbacks.TREND_FILE),
             (ChartRequest("trend", (TargetRef("actor", 9_999_999),)), callbacks.TREND),
             (ChartRequest("graph", (), None), callbacks.GRAPH),
             (ChartRequest("graph", (TargetRef("actor", 7),), Period(date(2017, 1, 1), date(2017, 1, 1))),
              callbacks.GRAPH_FILE)]
    for request, kind in cases:
        args = to_args(request)
        assert args is not None
        data = kind.data(*args)
        assert len(data.encode()) <= 64
        parsed = kind.parse(data)
        assert parsed is not None
        assert from_args(request.kind, parsed) == request
    # Several targets do not fit in a button: the chat remembers them instead.
    assert to_args(ChartRequest("trend", (TargetRef("tag", 1), TargetRef("actor", 2)))) is None
    # Arguments no button of ours writes are refused, not guessed at.
    assert from_args("trend", (0, 0, 0)) is None  # no target
    assert from_args("trend", (3, 20171301, 20171231)) is None  # month 13
    assert from_args("trend", (3, 20171231, 20170101)) is None  # reversed
    assert from_args("graph", (5, 20170101)) is None  # wrong arity
