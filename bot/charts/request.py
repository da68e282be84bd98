"""A picture's query as a value: what a button or "as a file" needs to draw it again.

Encoded into callback data (`ch:g:a12:20170901-20171231`) so a button works after a restart and
holds no server-side state; the encoding stays under Telegram's 64-byte limit for the largest
request (four targets with seven-digit ids and a period).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.period import Period
from storage.records import TargetKind, TargetRef

ChartKind = Literal["graph", "trend"]

#: At most this many series on one timeline (more lines cannot be told apart).
MAX_TARGETS = 4

PREFIX = "ch"
_KIND_CODE = {"graph": "g", "trend": "t"}
_CODE_KIND: dict[str, ChartKind] = {"g": "graph", "t": "trend"}
_REF_CODE: dict[TargetKind, str] = {"actor": "a", "tag": "t"}
_CODE_REF: dict[str, TargetKind] = {"a": "actor", "t": "tag"}
_DATA = re.compile(r"^ch:(?P<mode>[pf]):(?P<kind>[gt]):(?P<refs>[at0-9.]*):(?P<period>\d{8}-\d{8}|-)$")
_REF = re.compile(r"^([at])(\d{1,12})$")


@dataclass(frozen=True, slots=True)
class ChartRequest:
    kind: ChartKind
    #: Empty for `/graph` alone (the library's network); one actor for a network; 1-4 for a trend.
    targets: tuple[TargetRef, ...]
    period: Period | None = None


def encode(request: ChartRequest, *, as_file: bool = False) -> str:
    """Callback data for a button that draws ``request`` (as a photo, or as a full-size file)."""
    refs = ".".join(f"{_REF_CODE[r.kind]}{r.id}" for r in request.targets)
    period = "-" if request.period is None else (
        f"{request.period.start:%Y%m%d}-{request.period.end:%Y%m%d}")
    data = f"{PREFIX}:{'f' if as_file else 'p'}:{_KIND_CODE[request.kind]}:{refs}:{period}"
    if len(data.encode()) > 64:  # only reachable with ids beyond any library's size
        raise ValueError("chart request does not fit in callback data")
    return data


def decode(data: str) -> tuple[ChartRequest, bool] | None:
    """(request, as_file) from callback data, or None for anything malformed or foreign."""
    m = _DATA.match(data)
    if m is None:
        return None
    refs: list[TargetRef] = []
    for part in filter(None, m.group("refs").split(".")):
        ref = _REF.match(part)
        if ref is None:
            return None
        refs.append(TargetRef(_CODE_REF[ref.group(1)], int(ref.group(2))))
    kind = _CODE_KIND[m.group("kind")]
    if len(refs) > MAX_TARGETS or (kind == "trend" and not refs) or (kind == "graph" and len(refs) > 1):
        return None
    period: Period | None = None
    if m.group("period") != "-":
        first, last = m.group("period").split("-")
        try:
            period = Period(_day(first), _day(last))
        except ValueError:
            return None
        if period.start > period.end:
            return None
    return ChartRequest(kind, tuple(refs), period), m.group("mode") == "f"


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))
