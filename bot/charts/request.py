"""A picture's query as a value: what a button or "as a file" needs to draw it again.

Buttons carry it as plain integers (the one callback codec, `bot.callbacks`, takes at most three
18-digit integers per button): a network is (actor id or 0 for the whole library, first day, last
day), a one-target timeline (target, first day, last day) with the target as ``2 * id + 1`` for an
actor and ``2 * id`` for a tag, and days as YYYYMMDD (0, 0: no period). Such a button works after a
restart and holds no server-side state. A timeline of several targets does not fit: its buttons
carry the number under which the chat remembers the request (`bot.context.ChatData.charts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.period import Period
from storage.records import TargetRef

ChartKind = Literal["graph", "trend"]

#: At most this many series on one timeline (more lines cannot be told apart).
MAX_TARGETS = 4


@dataclass(frozen=True, slots=True)
class ChartRequest:
    kind: ChartKind
    #: Empty for `/graph` alone (the library's network); one actor for a network; 1-4 for a trend.
    targets: tuple[TargetRef, ...]
    period: Period | None = None


def _ref_code(ref: TargetRef) -> int:
    return 2 * ref.id + (1 if ref.kind == "actor" else 0)


def _ref_of(code: int) -> TargetRef:
    return TargetRef("actor" if code % 2 else "tag", code // 2)


def _day_code(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _day_of(code: int) -> date:
    return date(code // 10_000, code // 100 % 100, code % 100)


def to_args(request: ChartRequest) -> tuple[int, int, int] | None:
    """The button arguments that draw ``request`` again; None for a trend of several targets."""
    first, last = (0, 0) if request.period is None else (_day_code(request.period.start),
                                                          _day_code(request.period.end))
    if request.kind == "graph":
        return (request.targets[0].id if request.targets else 0, first, last)
    if len(request.targets) != 1:
        return None
    return (_ref_code(request.targets[0]), first, last)


def from_args(kind: ChartKind, args: tuple[int, ...]) -> ChartRequest | None:
    """The request a button's arguments name, or None for arguments no button of ours writes."""
    if len(args) != 3:
        return None
    head, first, last = args
    period: Period | None = None
    if first or last:
        try:
            period = Period(_day_of(first), _day_of(last))
        except ValueError:
            return None
        if period.start > period.end:
            return None
    if kind == "graph":
        return ChartRequest("graph", (TargetRef("actor", head),) if head else (), period)
    if head < 2:
        return None
    return ChartRequest("trend", (_ref_of(head),), period)
