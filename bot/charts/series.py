"""Timeline arithmetic: day or week buckets, rolling means, "rising fast".

Pure functions over {day number: articles} maps (day number = unix seconds // 86400, UTC), so the
rules can be tested without a database or a figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from bot.charts.data import Bucket
from bot.period import Period

_EPOCH = date(1970, 1, 1)

#: Up to this many days a timeline counts per day; longer spans count per week (a 2-year line
#: of 730 daily points is noise, 104 weekly points show the shape).
DAILY_UP_TO_DAYS = 92
#: Rolling means: a week of days, or four weeks.
ROLLING = {"day": 7, "week": 4}
#: "Rising fast": the last RECENT_DAYS average at least RISE_FACTOR times the BASELINE_DAYS before
#: them, with at least RISE_MIN_ARTICLES articles in the recent days (one article after a quiet
#: fortnight is not a story growing).
RECENT_DAYS = 2
BASELINE_DAYS = 14
RISE_FACTOR = 2.0
RISE_MIN_ARTICLES = 3


def day_number(day: date) -> int:
    return (day - _EPOCH).days


def day_of(number: int) -> date:
    return _EPOCH + timedelta(days=number)


def bucket_for(period: Period) -> Bucket:
    return "day" if period.days <= DAILY_UP_TO_DAYS else "week"


def bucket_starts(period: Period, bucket: Bucket) -> list[date]:
    """First day of every bucket covering the period. Weeks start on Monday (ISO), the first
    bucket on the Monday on or before the period's start."""
    if bucket == "day":
        return [period.start + timedelta(days=i) for i in range(period.days)]
    first = period.start - timedelta(days=period.start.weekday())
    out = []
    day = first
    while day <= period.end:
        out.append(day)
        day += timedelta(days=7)
    return out


def bucket_counts(daily: Mapping[int, int], period: Period, bucket: Bucket) -> list[int]:
    """Articles per bucket; days outside the period are ignored."""
    starts = bucket_starts(period, bucket)
    first, last = day_number(period.start), day_number(period.end)
    base = day_number(starts[0])
    size = 1 if bucket == "day" else 7
    counts = [0] * len(starts)
    for day, n in daily.items():
        if first <= day <= last:
            counts[(day - base) // size] += n
    return counts


def rolling_mean(counts: Sequence[int], window: int) -> list[float]:
    """Mean of each bucket and the ``window - 1`` before it (fewer at the start)."""
    out: list[float] = []
    total = 0
    for i, n in enumerate(counts):
        total += n
        if i >= window:
            total -= counts[i - window]
        out.append(total / min(i + 1, window))
    return out


def rising_fast(daily: Mapping[int, int], end: date) -> bool:
    """Whether the last RECENT_DAYS days up to ``end`` are well above the BASELINE_DAYS before."""
    last = day_number(end)
    recent = sum(daily.get(d, 0) for d in range(last - RECENT_DAYS + 1, last + 1))
    baseline = sum(daily.get(d, 0) for d in range(last - RECENT_DAYS - BASELINE_DAYS + 1, last - RECENT_DAYS + 1))
    if recent < RISE_MIN_ARTICLES:
        return False
    return recent / RECENT_DAYS >= RISE_FACTOR * (baseline / BASELINE_DAYS)
