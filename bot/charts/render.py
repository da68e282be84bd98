"""Drawing the pictures: GraphData / TrendData in, PNG bytes out.

matplotlib's object-oriented API on the Agg canvas only (`Figure`, never `pyplot`): pyplot keeps
every figure in a global registry until it is closed, which leaks in a long-running process, and
its backend switching is global state. Each call builds one Figure, saves it and drops it.
networkx lays the network out. This module runs in the render process (`bot/charts/renderer.py`),
never on the bot's event loop.

Text: DejaVu Sans (it ships with matplotlib) covers Latin, Cyrillic, Greek, Hebrew and Arabic
letters; a glyph it lacks (most emoji) is drawn as a box instead of failing. Names are passed
through `_plain` so a `$` in a name is never read as mathtext.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no GUI toolkit is ever imported, whatever the environment says

import networkx as nx
import numpy as np
from matplotlib import dates as mdates
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from bot.charts.data import GraphData, GraphNode, Lang, TrendData

FONT = "DejaVu Sans"
#: Inches of the figure; the pixel size comes from the dpi (100 -> 1280x800, 160 -> 2048x1280).
FIG_INCHES = (12.8, 8.0)
BASE_DPI = 100

#: One colour and one marker per kind, so the kind reads in greyscale too.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "person": ("#3b6ea8", "o"),
    "organization": ("#d9822b", "s"),
    "location": ("#3f9b5a", "^"),
}
_OTHER_STYLE = ("#888888", "D")
SERIES_COLOURS = ("#3b6ea8", "#d9822b", "#3f9b5a", "#b8405e")
#: Longest label drawn in full; longer names are cut with an ellipsis (the caption has them whole).
LABEL_CHARS = 34

_TEXT = {
    "person": {"ru": "люди", "en": "people"},
    "organization": {"ru": "организации", "en": "organisations"},
    "location": {"ru": "места", "en": "places"},
    "graph_note": {"ru": "размер — число статей, толщина линии — общие статьи",
                   "en": "size: articles · line width: articles in common"},
    "per_day": {"ru": "статей в день", "en": "articles per day"},
    "per_week": {"ru": "статей в неделю", "en": "articles per week"},
    "rolling_day": {"ru": "жирная линия — среднее за {n} дн.", "en": "thick line: {n}-day average"},
    "rolling_week": {"ru": "жирная линия — среднее за {n} нед.", "en": "thick line: {n}-week average"},
    "rising": {"ru": "быстрый рост", "en": "rising fast"},
}


def _say(key: str, lang: Lang, **values: object) -> str:
    return _TEXT[key][lang].format(**values)


def _plain(text: str) -> str:
    """Text matplotlib draws as written: one line, no mathtext."""
    return " ".join(text.split()).replace("$", r"\$")


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _figure() -> Figure:
    fig = Figure(figsize=FIG_INCHES, dpi=BASE_DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure, scale: float) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # "Glyph ... missing from font": an emoji in a name is drawn as a box, which is fine.
        warnings.simplefilter("ignore", UserWarning)
        fig.savefig(buffer, format="png", dpi=BASE_DPI * scale, facecolor="white")
    fig.clear()
    return buffer.getvalue()


def _titles(fig: Figure, title: str, subtitle: str) -> None:
    fig.text(0.02, 0.965, _plain(_cut(title, 90)), fontsize=17, fontweight="bold", family=FONT, va="top")
    fig.text(0.02, 0.915, _plain(_cut(subtitle, 140)), fontsize=11.5, color="#555555", family=FONT, va="top")


# ------------------------------------------------------------------------------------ network


def _layout(data: GraphData) -> dict[int, np.ndarray]:
    """Spring layout (stronger ties pull closer), the centre in the middle, scaled to [-1, 1]."""
    graph = nx.Graph()
    for node in data.nodes:
        graph.add_node(node.actor_id)
    strongest = max((e.weight for e in data.edges), default=1)
    for edge in data.edges:
        graph.add_edge(edge.a, edge.b, pull=0.2 + edge.weight / strongest)
    center = next((n.actor_id for n in data.nodes if n.center), None)
    k = 1.6 / math.sqrt(max(1, graph.number_of_nodes()))
    pos = nx.spring_layout(graph, k=k, weight="pull", iterations=200, seed=7)
    points = {node: np.asarray(xy, dtype=float) for node, xy in pos.items()}
    if center is not None and center in points:
        origin = points[center].copy()
        points = {node: xy - origin for node, xy in points.items()}
    extent = max((float(np.abs(xy).max()) for xy in points.values()), default=1.0) or 1.0
    return {node: xy / extent for node, xy in points.items()}


def _spread(points: dict[int, np.ndarray], boxes: dict[int, tuple[float, float, float]], fixed: int | None,
            rounds: int = 150) -> None:
    """Push apart nodes whose marker-and-label boxes overlap, in place.

    A box is (half width, half height, vertical offset of its centre from the node), in data
    units. Each round separates every overlapping pair along the axis that needs the smaller move;
    the centre (``fixed``) stays where it is. A few dozen rounds untangle 25 labels.
    """
    ids = list(points)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                (wa, ha, oa), (wb, hb, ob) = boxes[a], boxes[b]
                pa, pb = points[a], points[b]
                dx = float(pb[0] - pa[0])
                dy = float((pb[1] + ob) - (pa[1] + oa))
                ox, oy = wa + wb - abs(dx), ha + hb - abs(dy)
                if ox <= 0 or oy <= 0:
                    continue
                moved = True
                if ox / (wa + wb) < oy / (ha + hb):
                    step = np.array([(ox / 2 + 1e-3) * (1.0 if dx >= 0 else -1.0), 0.0])
                else:
                    step = np.array([0.0, (oy / 2 + 1e-3) * (1.0 if dy >= 0 else -1.0)])
                if a == fixed:
                    points[b] = pb + 2 * step
                elif b == fixed:
                    points[a] = pa - 2 * step
                else:
                    points[a], points[b] = pa - step, pb + step
        if not moved:
            return


def render_graph(data: GraphData, scale: float = 1.0) -> bytes:
    fig = _figure()
    _titles(fig, data.title, data.subtitle)
    ax = fig.add_axes((0.01, 0.07, 0.98, 0.82))
    ax.set_axis_off()
    points = _layout(data)
    center = next((n.actor_id for n in data.nodes if n.center), None)
    largest = max((n.articles for n in data.nodes), default=1) or 1
    areas = {n.actor_id: _area(n, largest) for n in data.nodes}
    # Boxes in data units: the axes show about [-1.25, 1.25] x [-1.2, 1.2] on 1254 x 656 px.
    unit_x, unit_y = 2.5 / (0.98 * FIG_INCHES[0] * BASE_DPI), 2.4 / (0.82 * FIG_INCHES[1] * BASE_DPI)
    labels = {n.actor_id: _cut(n.name) for n in data.nodes}
    boxes: dict[int, tuple[float, float, float]] = {}
    for node in data.nodes:
        font_px = _font(node) * BASE_DPI / 72
        radius_px = math.sqrt(areas[node.actor_id]) / 2 * BASE_DPI / 72
        label_w = len(labels[node.actor_id]) * font_px * 0.6 + 8
        label_h = font_px * 1.5
        half_w = max(label_w, 2 * radius_px) / 2
        half_h = (2 * radius_px + label_h) / 2
        boxes[node.actor_id] = (half_w * unit_x, half_h * unit_y, (radius_px - half_h) * unit_y)
    _spread(points, boxes, center)
    extent_x = max((abs(float(xy[0])) + boxes[n][0] for n, xy in points.items()), default=1.0)
    low = min((float(xy[1]) + boxes[n][2] - boxes[n][1] for n, xy in points.items()), default=-1.0)
    high = max((float(xy[1]) + boxes[n][2] + boxes[n][1] for n, xy in points.items()), default=1.0)
    ax.set_xlim(-max(1.02, extent_x), max(1.02, extent_x))
    ax.set_ylim(min(-1.02, low), max(1.02, high))

    strongest = max((e.weight for e in data.edges), default=1)
    segments = [(points[e.a], points[e.b]) for e in data.edges]
    widths = [0.6 + 7.0 * e.weight / strongest for e in data.edges]
    colours = ["#6b7785" if center in (e.a, e.b) else "#aab2bb" for e in data.edges]
    ax.add_collection(LineCollection(segments, linewidths=widths, colors=colours, alpha=0.55, zorder=1))

    for kind in (*KIND_STYLE, "other"):
        group = [n for n in data.nodes if (n.kind if n.kind in KIND_STYLE else "other") == kind]
        if not group:
            continue
        colour, marker = KIND_STYLE.get(kind, _OTHER_STYLE)
        xy = np.array([points[n.actor_id] for n in group])
        ax.scatter(xy[:, 0], xy[:, 1], s=[areas[n.actor_id] for n in group], c=colour, marker=marker, alpha=0.9,
                   edgecolors=["#222222" if n.center else "white" for n in group],
                   linewidths=[2.5 if n.center else 1.0 for n in group], zorder=2)
    for node in data.nodes:
        x, y = points[node.actor_id]
        radius_pt = math.sqrt(areas[node.actor_id]) / 2
        ax.annotate(_plain(labels[node.actor_id]), xy=(x, y), xytext=(0, -radius_pt - 1), textcoords="offset points",
                    ha="center", va="top", family=FONT, fontsize=_font(node),
                    fontweight="bold" if node.center else "normal", zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    kinds = [k for k in KIND_STYLE if any(n.kind == k for n in data.nodes)]
    handles = [Line2D([], [], linestyle="none", marker=KIND_STYLE[k][1], markersize=11,
                      markerfacecolor=KIND_STYLE[k][0], markeredgecolor="white", label=_say(k, data.lang))
               for k in kinds]
    if handles:
        fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.99, 0.985), frameon=False,
                   prop={"family": FONT, "size": 11})
    fig.text(0.02, 0.025, _say("graph_note", data.lang), fontsize=10, color="#777777", family=FONT)
    return _png(fig, scale)


def _font(node: GraphNode) -> float:
    return 12.5 if node.center else 10.0


def _area(node: GraphNode, largest: int) -> float:
    base = 2200.0 if node.center else 1500.0
    return 160.0 + base * math.sqrt(max(node.articles, 0) / largest)


# ------------------------------------------------------------------------------------ timeline


def _date_axis(axis: Axis, lang: Lang) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
    if lang == "ru":
        # strftime month names follow the process locale (English here): numeric dates read right.
        formatter = mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
            locator, formats=["%Y", "%m.%Y", "%d.%m", "%H:%M", "%H:%M", "%S"],
            zero_formats=["", "%Y", "%m.%Y", "%d.%m", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%m.%Y", "%d.%m.%Y", "%d.%m.%Y", "%d.%m.%Y %H:%M"])
    else:
        formatter = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    axis.set_major_locator(locator)
    axis.set_major_formatter(formatter)


def render_trend(data: TrendData, scale: float = 1.0) -> bytes:
    fig = _figure()
    _titles(fig, data.title, data.subtitle)
    ax = fig.add_axes((0.07, 0.12, 0.9, 0.74))
    xs = np.array(data.starts, dtype="datetime64[D]")
    markers = len(xs) <= 60
    for i, series in enumerate(data.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        label = _plain(_cut(series.label, 40)) + (f"  ↑ {_say('rising', data.lang)}" if series.rising else "")
        ax.plot(xs, series.counts, color=colour, linewidth=1.0, alpha=0.45,
                marker="o" if markers else None, markersize=3.5)
        ax.plot(xs, series.rolling, color=colour, linewidth=2.8, label=label)
    ax.set_ylim(bottom=0, top=max(1.0, _peak(data)) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _date_axis(ax.xaxis, data.lang)
    if len(xs) == 1:
        pad = np.timedelta64(3 if data.bucket == "day" else 14, "D")
        ax.set_xlim(xs[0] - pad, xs[0] + pad)
    ax.set_ylabel(_say("per_day" if data.bucket == "day" else "per_week", data.lang), family=FONT, fontsize=12)
    ax.grid(True, axis="y", color="#e3e3e3")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=11)
    legend = ax.legend(loc="upper left", frameon=False, prop={"family": FONT, "size": 12})
    legend.set_zorder(5)
    note = "rolling_day" if data.bucket == "day" else "rolling_week"
    fig.text(0.07, 0.025, _say(note, data.lang, n=data.window), fontsize=10, color="#777777", family=FONT)
    return _png(fig, scale)


def _peak(data: TrendData) -> float:
    values: Sequence[float] = [v for s in data.series for v in (*s.counts, *s.rolling)]
    return float(max(values, default=1.0))
