"""Reading a search query: words, "phrases", -exclusions, since:/until: and a trailing period."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.query import fts5_expression, parse_period, parse_query
from storage.text import stem_word

NOW = int(datetime(2017, 10, 1, 12, tzinfo=UTC).timestamp())


def ts(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> int:
    return int(datetime(y, m, d, h, mi, s, tzinfo=UTC).timestamp())


def test_words_phrases_and_exclusions() -> None:
    q = parse_query('санкции "военное сотрудничество" -нефть -"черное море"', NOW)
    assert [t.stem for t in q.terms] == [stem_word("санкции")]
    assert [[t.stem for t in p] for p in q.phrases] == [[stem_word("военное"), stem_word("сотрудничество")]]
    excluded = sorted([t.stem for t in g] for g in q.excluded)
    assert excluded == sorted([[stem_word("нефть")], [stem_word("черное"), stem_word("море")]])
    assert q.searchable


def test_guillemets_are_phrases_too_and_an_unclosed_quote_runs_to_the_end() -> None:
    assert len(parse_query("«военное сотрудничество»", NOW).phrases) == 1
    assert len(parse_query('"военное сотрудничество', NOW).phrases) == 1


def test_exclusions_alone_are_not_a_search() -> None:
    assert not parse_query("-нефть", NOW).searchable
    assert fts5_expression(parse_query("-нефть 30d", NOW)) is None
    assert fts5_expression(parse_query("", NOW)) is None


def test_the_fts_expression_is_always_quoted_tokens() -> None:
    expr = fts5_expression(parse_query('a" OR b NEAR(c) -"d e"* col:x', NOW))
    assert expr is not None
    assert "OR b" not in expr and "NEAR(" not in expr and "col:" not in expr
    assert " NOT (" in expr


def test_since_until_and_a_trailing_period() -> None:
    period, rest = parse_period(["санкции", "since:2017-09-01", "until:2017-09"], NOW)
    assert rest == ["санкции"]
    assert period.since == ts(2017, 9, 1) and period.until == ts(2017, 9, 30, 23, 59, 59)
    period, rest = parse_period(["санкции", "30d"], NOW)
    assert rest == ["санкции"] and period.since == NOW - 30 * 86400 and period.until is None
    period, _ = parse_period(["2w"], NOW)
    assert period.since == NOW - 14 * 86400
    period, _ = parse_period(["until:2016"], NOW)
    assert period.until == ts(2016, 12, 31, 23, 59, 59)
    # Only at the end, and only real dates: anything else stays a word.
    period, rest = parse_period(["30d", "санкции", "since:2017-13-45"], NOW)
    assert period.open and rest == ["30d", "санкции", "since:2017-13-45"]


def test_parse_query_keeps_the_rest_for_tag_names() -> None:
    q = parse_query("санкции since:2017-09-01", NOW)
    assert q.rest == "санкции" and q.period.since == ts(2017, 9, 1)
