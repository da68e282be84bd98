"""Periods as users type them: `30d`, `12w`, `6m`, `1y`, `2017`, `2017-09`, `2017-09-01..2017-12-31`.

One small parser for every command that filters by date (`/graph`, `/trend`, and later `/search`
and `/tags`), so `30d` means the same everywhere. A period is a span of whole UTC days, both ends
included; relative forms end today. Russian unit letters work too (`30д`, `12н`, `6м`, `1г`), and
dates may be written the Russian way (`01.09.2017`).

Rules a user would expect: a period that starts after today is refused ("future"), one whose end
comes before its start is refused ("reversed"); a period that merely runs past today (`2026` in
2026) is cut at today, because nothing after today can be in the library.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

PeriodProblem = Literal["invalid", "reversed", "future", "too_long"]

#: The longest relative period accepted (`36500d` is a century; more is a typo, not a question).
MAX_DAYS = 36_600
#: Years outside this range are typos (`20177`), not periods anyone has articles for.
MIN_YEAR, MAX_YEAR = 1900, 2999

_UNITS = r"(d|w|m|y|д|н|м|г|days?|weeks?|months?|years?)"
_RELATIVE = re.compile(r"^(\d{1,5})\s*" + _UNITS + "$", re.IGNORECASE)
_UNIT_DAYS = {"d": 1, "д": 1, "day": 1, "days": 1, "w": 7, "н": 7, "week": 7, "weeks": 7}
_MONTH_UNITS = {"m": 1, "м": 1, "month": 1, "months": 1, "y": 12, "г": 12, "year": 12, "years": 12}
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RU = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$")
#: Anything shaped like a period (digits, dashes, dots, a unit letter): used to tell a period from
#: a name at the end of a command, so `/trend Лавров 2017-13-01` says "bad period", not "no Лавров 2017-13-01".
_SPACED_RANGE = re.compile(r"\s*\.\.\s*")
_SHAPE = re.compile(r"^[\d.\-]*\d[\d.\-]*$")


class PeriodError(ValueError):
    """A period that cannot be used; ``problem`` says why (for a translated reply)."""

    def __init__(self, problem: PeriodProblem, text: str) -> None:
        super().__init__(f"{problem}: {text!r}")
        self.problem = problem
        self.text = text


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> int:
        """Unix seconds of the first moment of ``start`` (UTC)."""
        return _ts(self.start)

    @property
    def end_ts(self) -> int:
        """Unix seconds just after ``end``: the period is ``start_ts <= t < end_ts``."""
        return _ts(self.end + timedelta(days=1))

    def contains(self, ts: int) -> bool:
        return self.start_ts <= ts < self.end_ts

    def label(self) -> str:
        """`2017-09-01 – 2017-12-31`, or one date for a one-day period."""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def spec(self) -> str:
        """A form ``parse_period`` reads back to this very period (for buttons and cache keys)."""
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _ts(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def today_utc() -> date:
    return datetime.now(UTC).date()


def _months_back(today: date, months: int) -> date:
    """The day after the same date ``months`` months ago (`1m` on 31 March starts on 1 March)."""
    index = today.year * 12 + (today.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(today.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=1)


def _bounds(text: str) -> tuple[date, date]:
    """First and last day of one date form: a year, a month or a day, ISO or Russian."""
    iso = _ISO.match(text)
    if iso is not None:
        year, month, day = int(iso.group(1)), iso.group(2), iso.group(3)
        m = int(month) if month else None
        d = int(day) if day else None
    else:
        ru = _RU.match(text)
        if ru is None:
            raise PeriodError("invalid", text)
        d = int(ru.group(1)) if ru.group(1) else None
        m, year = int(ru.group(2)), int(ru.group(3))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError("invalid", text)
    try:
        if m is None:
            return date(year, 1, 1), date(year, 12, 31)
        if d is None:
            return date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1])
        day_ = date(year, m, d)
    except ValueError:
        raise PeriodError("invalid", text) from None
    return day_, day_


def parse_period(text: str, *, today: date | None = None) -> Period:
    """The period ``text`` names, relative forms counted back from ``today`` (default: today, UTC).

    Raises PeriodError("invalid" | "reversed" | "future" | "too_long").
    """
    today = today or today_utc()
    raw = " ".join(text.split())
    if not raw:
        raise PeriodError("invalid", text)
    relative = _RELATIVE.match(raw)
    if relative is not None:
        count, unit = int(relative.group(1)), relative.group(2).lower()
        if count <= 0:
            raise PeriodError("invalid", text)
        if unit in _UNIT_DAYS:
            days = count * _UNIT_DAYS[unit]
            if days > MAX_DAYS:
                raise PeriodError("too_long", text)
            return Period(today - timedelta(days=days - 1), today)
        months = count * _MONTH_UNITS[unit]
        if months * 31 > MAX_DAYS:
            raise PeriodError("too_long", text)
        return Period(_months_back(today, months), today)
    if ".." in raw:
        left, _, right = raw.partition("..")
        left, right = left.strip(), right.strip()
        if not left or ".." in right:
            raise PeriodError("invalid", text)
        start = _bounds(left)[0]
        end = _bounds(right)[1] if right else today
    else:
        start, end = _bounds(raw)
    if start > end:
        raise PeriodError("reversed", text)
    if start > today:
        raise PeriodError("future", text)
    return Period(start, min(end, today))


def looks_like_period(token: str) -> bool:
    """Whether ``token`` is meant as a period (even a wrong one) rather than part of a name."""
    token = token.strip()
    if not token:
        return False
    if ".." in token:
        return True
    return bool(_SHAPE.match(token) or _RELATIVE.match(token))


def split_period(args: str, *, today: date | None = None) -> tuple[str, Period | None]:
    """Split a trailing period off a command's arguments: `Лавров 30d` -> ("Лавров", 30 days).

    A last word shaped like a period but wrong raises PeriodError, so the user hears about the
    period instead of "no such name".
    """
    words = _SPACED_RANGE.sub("..", args).split()
    if not words or not looks_like_period(words[-1]):
        return " ".join(words), None
    return " ".join(words[:-1]), parse_period(words[-1], today=today)
