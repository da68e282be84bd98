"""Period parsing shared by /graph, /trend (and later /search, /tags filters)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.period import Period, PeriodError, looks_like_period, parse_period, split_period

TODAY = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("30d", date(2026, 3, 2), TODAY),
        ("1d", TODAY, TODAY),
        ("12w", date(2026, 1, 7), TODAY),
        ("30д", date(2026, 3, 2), TODAY),
        ("2н", date(2026, 3, 18), TODAY),
        ("1m", date(2026, 3, 1), TODAY),  # 31 March minus one month: from 1 March
        ("1м", date(2026, 3, 1), TODAY),
        ("6m", date(2025, 10, 1), TODAY),
        ("1y", date(2025, 4, 1), TODAY),
        ("2г", date(2024, 4, 1), TODAY),
        ("2017", date(2017, 1, 1), date(2017, 12, 31)),
        ("2017-09", date(2017, 9, 1), date(2017, 9, 30)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("2017-09-05", date(2017, 9, 5), date(2017, 9, 5)),
        ("2017-09-01..2017-12-31", date(2017, 9, 1), date(2017, 12, 31)),
        ("2017..2018", date(2017, 1, 1), date(2018, 12, 31)),
        ("2017-09..2017-10", date(2017, 9, 1), date(2017, 10, 31)),
        ("01.09.2017..31.12.2017", date(2017, 9, 1), date(2017, 12, 31)),
        ("09.2017", date(2017, 9, 1), date(2017, 9, 30)),
        ("2026-03-01..", date(2026, 3, 1), TODAY),
        # Runs past today: cut at today (nothing later can be in the library).
        ("2026", date(2026, 1, 1), TODAY),
        ("2025-12-01..2027-01-01", date(2025, 12, 1), TODAY),
    ],
)
def test_periods_parse(text: str, start: date, end: date) -> None:
    period = parse_period(text, today=TODAY)
    assert (period.start, period.end) == (start, end)
    assert period.days == (end - start).days + 1
    # The canonical spec reads back to the same period (buttons and cache keys rely on it).
    assert parse_period(period.spec(), today=TODAY) == period


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2030", "future"),
        ("2026-04-01..2026-05-01", "future"),
        ("2017-12-31..2017-09-01", "reversed"),
        ("2018..2017", "reversed"),
        ("2017-13-01", "invalid"),
        ("2017-02-30", "invalid"),
        ("0d", "invalid"),
        ("..2017", "invalid"),
        ("2017..2018..2019", "invalid"),
        ("20177", "invalid"),
        ("1800", "invalid"),
        ("", "invalid"),
        ("99999d", "too_long"),
        ("999y", "too_long"),
    ],
)
def test_bad_periods_say_why(text: str, problem: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text, today=TODAY)
    assert info.value.problem == problem


def test_period_timestamps_cover_whole_days() -> None:
    period = Period(date(2017, 9, 1), date(2017, 9, 2))
    assert period.start_ts == 1504224000  # 2017-09-01T00:00:00Z
    assert period.end_ts - period.start_ts == 2 * 86400
    assert period.contains(period.start_ts)
    assert period.contains(period.end_ts - 1)
    assert not period.contains(period.end_ts)
    assert period.label() == "2017-09-01 – 2017-09-02"
    assert Period(date(2017, 9, 1), date(2017, 9, 1)).label() == "2017-09-01"


@pytest.mark.parametrize("token", ["30d", "12w", "2017", "2017-09-01..2017-12-31", "2017-13-99", "01.09.2017", "6м"])
def test_period_shapes(token: str) -> None:
    assert looks_like_period(token)


@pytest.mark.parametrize("token", ["Лавров", "G20", "5G", "COVID-19", "Путина", "d", ""])
def test_names_are_not_periods(token: str) -> None:
    assert not looks_like_period(token)


def test_split_period_takes_only_a_trailing_period() -> None:
    assert split_period("Рекс Тиллерсон 30d", today=TODAY) == ("Рекс Тиллерсон", parse_period("30d", today=TODAY))
    assert split_period("санкции", today=TODAY) == ("санкции", None)
    assert split_period("", today=TODAY) == ("", None)
    name, period = split_period("Лавров 2017-09-01 .. 2017-12-31", today=TODAY)
    assert name == "Лавров"
    assert period == Period(date(2017, 9, 1), date(2017, 12, 31))
    # A period-shaped but wrong last word is reported, not taken for part of a name.
    with pytest.raises(PeriodError) as info:
        split_period("Лавров 2017-12-31..2017-01-01", today=TODAY)
    assert info.value.problem == "reversed"
