"""The picture use cases: `/graph NAME [PERIOD]` and `/trend TARGET [TARGET ...] [PERIOD]`.

Parse what the user typed (targets resolved exactly as `/who` and `/tags` resolve them, a trailing
period by `bot.period`), read the numbers from storage (`storage/charts.py`), decide what the
picture shows (which actors, which edges, day or week buckets, rising fast), and have it drawn
off the event loop (`bot/charts/renderer.py`). `graph_data` and `trend_data` return exactly what
gets drawn, so tests compare it with storage.

Pictures are cached by query and library version (`Storage.generation`, which moves on every
committed change of the library): asking twice, or pressing "as a file" after the photo, draws
once per size.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from bot.charts import words
from bot.charts.data import FILE_PX, PHOTO_PX, GraphData, GraphEdge, GraphNode, Lang, TrendData, TrendSeries
from bot.charts.renderer import Renderer, RenderError
from bot.charts.request import MAX_TARGETS, ChartRequest
from bot.charts.series import (
    ROLLING,
    bucket_counts,
    bucket_for,
    bucket_starts,
    rising_fast,
    rolling_mean,
)
from bot.period import Period, PeriodError, split_period, today_utc
from bot.services.matching import Matcher
from bot.services.subscriptions import Candidate, Subscriptions
from storage.records import TargetDates, TargetRef
from storage.repository import Storage

log = logging.getLogger(__name__)

#: Actors around the centre of a network (the issue asks for 15-25).
NEIGHBOURS = 20
#: The library-wide network: candidates by article count, of which the most connected are drawn.
LIBRARY_CANDIDATES = 40
LIBRARY_NODES = 20
#: The library-wide network is counted in the newest this-many articles of the period, so it
#: costs the same at 1,000 articles as at 1,000,000 (the caption says so when it applies).
LIBRARY_WINDOW = 5_000
#: An actor's network is counted in its newest this-many articles of the period (same reason).
EGO_WINDOW = 2_000
#: Besides its tie to the centre, each actor keeps its strongest ties to this many others: all
#: 190 pairs of 20 actors would be a hairball nobody can read.
TIES_PER_NODE = 3
#: Fewer articles than this cannot make a picture; the reply says so in text.
MIN_ARTICLES = 2
#: A default timeline spans at least this many days, ending at its last article.
MIN_DEFAULT_DAYS = 28
#: A timeline whose last article is this recent ends today (it is a live story).
LIVE_DAYS = 30
#: Longest query text considered (a trend of four long names fits easily).
MAX_QUERY_CHARS = 400
#: Without commas, targets are read as runs of up to this many words (`Рекс Тиллерсон санкции`).
MAX_NAME_WORDS = 4
CACHE_SIZE = 64

ChartStatus = Literal[
    "ok", "usage", "not_found", "ambiguous", "too_many", "bad_period", "thin", "no_dates", "empty", "failed",
]


@dataclass(frozen=True, slots=True)
class GraphChart:
    request: ChartRequest
    data: GraphData
    #: The centre's canonical name, None for the library-wide network.
    center: str | None
    #: Articles the network was counted in, and all the articles of the period (differ only when
    #: the library-wide network used its window).
    articles: int
    total: int
    #: The period asked for, or the span of the articles' own dates when none was.
    covered: Period | None
    #: The nearest actors with their shared articles, strongest first (for the caption).
    nearest: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class TrendTarget:
    name: str
    kind: str
    articles: int
    rising: bool


@dataclass(frozen=True, slots=True)
class TrendChart:
    request: ChartRequest
    data: TrendData
    targets: tuple[TrendTarget, ...]
    period: Period
    #: Articles of the targets with no date of their own (pasted texts, documents): not drawn.
    undated: int


@dataclass(frozen=True, slots=True)
class Thin:
    """Why there is no picture: `thin` (under MIN_ARTICLES articles), `no_dates`, `empty`."""

    status: Literal["thin", "no_dates", "empty"]
    names: tuple[str, ...] = ()
    articles: int = 0
    period: Period | None = None


@dataclass(frozen=True, slots=True)
class ChartOutcome:
    status: ChartStatus
    chart: GraphChart | TrendChart | None = None
    png: bytes = b""
    as_file: bool = False
    term: str = ""
    candidates: tuple[Candidate, ...] = ()
    thin: Thin | None = None
    problem: str = ""
    #: For "not_found"/"ambiguous": the period asked for, so a candidate's button keeps it.
    period: Period | None = None


@dataclass
class _Cache:
    size: int
    entries: OrderedDict[tuple[object, ...], tuple[GraphChart | TrendChart | Thin, bytes]] = field(
        default_factory=OrderedDict)

    def get(self, key: tuple[object, ...]) -> tuple[GraphChart | TrendChart | Thin, bytes] | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: tuple[object, ...], value: tuple[GraphChart | TrendChart | Thin, bytes]) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


class Charts:
    def __init__(self, storage: Storage, matcher: Matcher, renderer: Renderer, *,
                 today: Callable[[], date] = today_utc, cache_size: int = CACHE_SIZE) -> None:
        self.storage = storage
        self.queries = storage.charts
        self.resolver = Subscriptions(storage, matcher)
        self.matcher = matcher
        self.renderer = renderer
        self.today = today
        self._cache = _Cache(cache_size)

    # ------------------------------------------------------------------ commands

    async def graph(self, text: str, lang: Lang) -> ChartOutcome:
        """`/graph [NAME] [PERIOD]`."""
        try:
            name, period = split_period(text[:MAX_QUERY_CHARS], today=self.today())
        except PeriodError as exc:
            return ChartOutcome("bad_period", term=exc.text, problem=exc.problem)
        if not name:
            return await self.draw(ChartRequest("graph", (), period), lang)
        match = await self.matcher.resolve_actor(name)
        if match.kind == "none":
            return ChartOutcome("not_found", term=name, period=period,
                                candidates=tuple(Candidate("actor", a.id, a.name) for a in match.actors[:5]))
        if match.kind == "ambiguous":
            return ChartOutcome("ambiguous", term=name, period=period,
                                candidates=tuple(Candidate("actor", a.id, a.name) for a in match.actors))
        return await self.draw(ChartRequest("graph", (TargetRef("actor", match.actor.id),), period), lang)

    async def trend(self, text: str, lang: Lang) -> ChartOutcome:
        """`/trend TARGET [TARGET ...] [PERIOD]`; targets split by commas, or else read as runs of
        words that name a tag or an actor (`/trend Рекс Тиллерсон санкции 30d`)."""
        try:
            rest, period = split_period(text[:MAX_QUERY_CHARS], today=self.today())
        except PeriodError as exc:
            return ChartOutcome("bad_period", term=exc.text, problem=exc.problem)
        if not rest:
            return ChartOutcome("usage")
        found = await self._targets(rest)
        if isinstance(found, ChartOutcome):
            return replace(found, period=period)
        return await self.draw(ChartRequest("trend", tuple(c.ref for c in found), period), lang)

    async def _targets(self, text: str) -> list[Candidate] | ChartOutcome:
        if "," in text or ";" in text:
            parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
            if len(parts) > MAX_TARGETS:
                return ChartOutcome("too_many", term=str(len(parts)))
            out: list[Candidate] = []
            for part in parts:
                resolution = await self.resolver.resolve(part)
                if resolution.status != "exact":
                    return self._unresolved(part, resolution.status, resolution.candidates)
                out.append(resolution.candidates[0])
            return _unique(out)
        tokens = text.split()
        if len(tokens) > MAX_TARGETS * MAX_NAME_WORDS:
            return ChartOutcome("too_many", term=str(len(tokens)))
        out = []
        i = 0
        while i < len(tokens):
            if len(_unique(out)) >= MAX_TARGETS:
                return ChartOutcome("too_many", term=f"{MAX_TARGETS + 1}+")
            # The longest run of words starting here that names one target exactly.
            for j in range(min(len(tokens), i + MAX_NAME_WORDS), i, -1):
                part = " ".join(tokens[i:j])
                resolution = await self.resolver.resolve(part)
                if resolution.status == "exact":
                    out.append(resolution.candidates[0])
                    i = j
                    break
                if j == i + 1:
                    return self._unresolved(part, resolution.status, resolution.candidates)
        return _unique(out)

    @staticmethod
    def _unresolved(term: str, status: str, candidates: tuple[Candidate, ...]) -> ChartOutcome:
        return ChartOutcome("ambiguous" if status == "ambiguous" else "not_found", term=term,
                            candidates=candidates[:8])

    # ------------------------------------------------------------------ drawing

    async def draw(self, request: ChartRequest, lang: Lang, *, as_file: bool = False) -> ChartOutcome:
        """Draw (or take from the cache) the picture for a resolved request."""
        today = self.today()
        if request.period is not None and request.period.start > today:
            return ChartOutcome("bad_period", term=request.period.spec(), problem="future")
        scale = FILE_PX[0] / PHOTO_PX[0] if as_file else 1.0
        key = (request, lang, scale, today, self.storage.generation)
        cached = self._cache.get(key)
        if cached is None:
            chart = await self._chart(request, lang)
            png = b""
            if not isinstance(chart, Thin):
                try:
                    png = await self.renderer.draw(chart.data, scale)
                except RenderError:
                    return ChartOutcome("failed")
            cached = (chart, png)
            self._cache.put(key, cached)
        chart, png = cached
        if isinstance(chart, Thin):
            return ChartOutcome(chart.status, thin=chart)
        return ChartOutcome("ok", chart=chart, png=png, as_file=as_file)

    async def _chart(self, request: ChartRequest, lang: Lang) -> GraphChart | TrendChart | Thin:
        if request.kind == "graph":
            actor = request.targets[0].id if request.targets else None
            return await self.graph_data(actor, request.period, lang)
        return await self.trend_data(request.targets, request.period, lang)

    # ------------------------------------------------------------------ the data behind a picture

    async def graph_data(self, actor_id: int | None, period: Period | None, lang: Lang) -> GraphChart | Thin:
        """What the network shows: nodes with article counts, edges with shared-article counts."""
        span = None if period is None else (period.start_ts, period.end_ts)
        request = ChartRequest("graph", () if actor_id is None else (TargetRef("actor", actor_id),), period)
        if actor_id is None:
            return await self._library_graph(request, span, period, lang)
        actor = await self.storage.get_actor(actor_id)
        if actor is None:
            return Thin("empty")
        rows = await self.queries.ego_network(actor_id, span, NEIGHBOURS, EGO_WINDOW)
        if rows.center_articles < MIN_ARTICLES or not rows.neighbours:
            return Thin("thin", (actor.name,), rows.center_articles, period)
        covered = period or self._covered(await self.queries.target_dates("actor", actor_id))
        nodes = [GraphNode(actor_id, actor.name, actor.kind, rows.sizes.get(actor_id, rows.center_articles), True)]
        nodes += [GraphNode(n.actor_id, n.name, n.kind, rows.sizes.get(n.actor_id, n.articles))
                  for n in rows.neighbours]
        edges = [GraphEdge(actor_id, n.actor_id, n.articles) for n in rows.neighbours]
        edges += _strongest_ties(rows.pairs, TIES_PER_NODE)
        data = GraphData(words.graph_title(actor.name, lang),
                         words.graph_subtitle(rows.considered, rows.center_articles, covered, lang),
                         tuple(nodes), tuple(edges), lang)
        nearest = tuple((n.name, n.articles) for n in rows.neighbours)
        return GraphChart(request, data, actor.name, rows.considered, rows.center_articles, covered, nearest)

    async def _library_graph(self, request: ChartRequest, span: tuple[int, int] | None, period: Period | None,
                             lang: Lang) -> GraphChart | Thin:
        rows = await self.queries.library_network(span, LIBRARY_CANDIDATES, LIBRARY_WINDOW)
        if rows.total == 0:
            return Thin("empty", period=period)
        degree: dict[int, int] = {}
        for (a, b), n in rows.pairs.items():
            degree[a] = degree.get(a, 0) + n
            degree[b] = degree.get(b, 0) + n
        ranked = sorted(rows.actors, key=lambda c: (-degree.get(c.actor_id, 0), -c.articles, c.actor_id))
        chosen = [c for c in ranked if degree.get(c.actor_id, 0) > 0][:LIBRARY_NODES]
        if len(chosen) < 2:
            return Thin("thin", (), rows.total, period)
        ids = {c.actor_id for c in chosen}
        pairs = {pair: n for pair, n in rows.pairs.items() if pair[0] in ids and pair[1] in ids}
        covered = period or self._covered(await self.queries.library_dates())
        nodes = tuple(GraphNode(c.actor_id, c.name, c.kind, c.articles) for c in chosen)
        data = GraphData(words.graph_title(None, lang),
                         words.graph_subtitle(rows.articles, rows.total, covered, lang),
                         nodes, tuple(_strongest_ties(pairs, TIES_PER_NODE + 1)), lang)
        nearest = tuple((c.name, c.articles) for c in chosen)
        return GraphChart(request, data, None, rows.articles, rows.total, covered, nearest)

    @staticmethod
    def _covered(dates: TargetDates) -> Period | None:
        """The span of the articles' own dates, for "the period covered" when none was asked."""
        if dates.first is None or dates.last is None:
            return None
        return Period(_day(dates.first), _day(dates.last))

    async def trend_data(self, refs: tuple[TargetRef, ...], period: Period | None, lang: Lang) -> TrendChart | Thin:
        """What the timeline shows: per target, articles per bucket of the period, by own date."""
        names: list[tuple[TargetRef, str, str]] = []
        for ref in refs:
            found = await self.resolver.candidate(ref.kind, ref.id)
            if found is None:
                return Thin("empty")
            kind = "tag"
            if ref.kind == "actor":
                actor = await self.storage.get_actor(ref.id)
                kind = actor.kind if actor else "person"
            names.append((ref, found.label, kind))
        labels = tuple(n for _, n, _ in names)
        library = await self.queries.library_dates()
        # Undated articles of the targets, for the caption; nothing to count if the library has none.
        articles, undated = (await self.queries.targets_articles(refs) if library.undated
                             else (0, 0))
        if period is None:
            # The span of the targets' own dates is only needed when no period was given.
            spans = [await self.queries.target_dates(ref.kind, ref.id) for ref in refs]
            if not any(s.dated for s in spans):
                return Thin("no_dates", labels, articles)
            period = self._default_period(spans)
        span = (period.start_ts, period.end_ts)
        daily = [await self.queries.daily_counts(ref.kind, ref.id, span) for ref in refs]
        total = sum(sum(d.values()) for d in daily)
        if total < MIN_ARTICLES:
            if library.undated and articles and articles == undated:
                return Thin("no_dates", labels, articles)
            return Thin("thin", labels, total, period)
        bucket = bucket_for(period)
        window = ROLLING[bucket]
        starts = tuple(bucket_starts(period, bucket))
        series: list[TrendSeries] = []
        targets: list[TrendTarget] = []
        for (_, name, kind), days in zip(names, daily, strict=True):
            counts = bucket_counts(days, period, bucket)
            rising = rising_fast(days, period.end)
            series.append(TrendSeries(name, tuple(counts), tuple(rolling_mean(counts, window)), rising))
            targets.append(TrendTarget(name, kind, sum(counts), rising))
        data = TrendData(words.trend_title(bucket, labels, lang),
                         words.trend_subtitle(period, total, undated, lang),
                         bucket, starts, tuple(series), window, lang)
        return TrendChart(ChartRequest("trend", refs, period), data, tuple(targets), period, undated)

    def _default_period(self, spans: list[TargetDates]) -> Period:
        """From the first dated article to the last (or today, for a story still running)."""
        today = self.today()
        first = min(_day(s.first) for s in spans if s.first is not None)
        last = max(_day(s.last) for s in spans if s.last is not None)
        if (today - last).days <= LIVE_DAYS:
            last = today
        last = min(last, today)
        first = min(first, last - timedelta(days=MIN_DEFAULT_DAYS - 1))
        return Period(first, last)

    async def close(self) -> None:
        await self.renderer.close()


def _day(ts: int) -> date:
    return date(1970, 1, 1) + timedelta(days=ts // 86_400)


def _unique(found: list[Candidate]) -> list[Candidate]:
    seen: set[TargetRef] = set()
    out = []
    for c in found:
        if c.ref not in seen:
            seen.add(c.ref)
            out.append(c)
    return out


def _strongest_ties(pairs: dict[tuple[int, int], int], per_node: int) -> list[GraphEdge]:
    """The union of every actor's ``per_node`` strongest ties (ties broken by the other's id)."""
    by_node: dict[int, list[tuple[int, int]]] = {}
    for (a, b), n in pairs.items():
        by_node.setdefault(a, []).append((n, b))
        by_node.setdefault(b, []).append((n, a))
    keep: set[tuple[int, int]] = set()
    for node, ties in by_node.items():
        for _, other in sorted(ties, key=lambda t: (-t[0], t[1]))[:per_node]:
            keep.add((min(node, other), max(node, other)))
    return [GraphEdge(a, b, pairs[(a, b)]) for a, b in sorted(keep)]
