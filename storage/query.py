"""What a user's search query means: words, "quoted phrases", -exclusions and a date period.

Pure (no database), so every backend reads a query the same way: SQLite turns a `SearchQuery` into
an FTS5 MATCH expression (`fts5_expression`), PostgreSQL the same value into a tsquery
(`tsquery_expression`: `&`, `<->` for phrases, `:*` for prefixes, `!` for exclusions). Words are
stemmed exactly as the index is (`storage.text`), so inflected forms still meet.

Syntax, kept to what people already type into search boxes:

* ``word`` — must occur (any inflection; a stem of three letters or more also matches longer words);
* ``"two words"`` — must occur next to each other, in this order;
* ``-word`` or ``-"two words"`` — must not occur;
* ``since:2017-09-01`` / ``until:2017-09-30`` (also ``2017-09`` or ``2017``), or one trailing
  period ``30d`` / ``2w`` / ``6m`` / ``1y`` (``д``/``н``/``м``/``г`` in Russian): the article's
  own date must fall inside.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from storage.records import Period
from storage.text import MAX_QUERY_CHARS, MAX_QUERY_TERMS, MAX_TERM_CHARS, WORD_RE, QueryTerm, normalize, stem_word

_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_DATE_RE = re.compile(r"^(since|until|с|до|from|to):(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$", re.IGNORECASE)
_PERIOD_RE = re.compile(r"^(\d{1,4})([dwmyднмг])$", re.IGNORECASE)
_PERIOD_DAYS = {"d": 1, "д": 1, "w": 7, "н": 7, "m": 30, "м": 30, "y": 365, "г": 365}
#: A period longer than this is read as "everything" (and keeps the arithmetic in range).
MAX_PERIOD_DAYS = 365 * 200
_SINCE = ("since", "с", "from")
#: Quotation marks people type or paste, folded to the plain double quote before parsing.
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: every term and phrase must match, no excluded one may, inside ``period``."""

    terms: tuple[QueryTerm, ...] = ()
    phrases: tuple[tuple[QueryTerm, ...], ...] = ()
    excluded: tuple[tuple[QueryTerm, ...], ...] = ()
    period: Period = field(default_factory=Period)
    #: The query with its date filters taken out (what /tags resolves as a tag name).
    rest: str = ""

    @property
    def positive(self) -> tuple[QueryTerm, ...]:
        """Every word that must occur (for marking matches in snippets)."""
        return self.terms + tuple(t for phrase in self.phrases for t in phrase)

    @property
    def searchable(self) -> bool:
        """A query needs at least one word that must occur: exclusions alone would list everything."""
        return bool(self.terms or self.phrases)


def _terms(text: str) -> tuple[QueryTerm, ...]:
    out = []
    for word in WORD_RE.findall(normalize(text)):
        stem = stem_word(word[:MAX_TERM_CHARS])
        if stem:
            out.append(QueryTerm(stem, prefix=len(stem) >= 3))
    return tuple(out)


def _date(year: int, month: int | None, day: int | None, *, end: bool) -> int | None:
    """Start (or end) of the day, month or year given, in UTC; None when it is no date."""
    try:
        if month is None:
            moment = datetime(year, 12, 31, 23, 59, 59, tzinfo=UTC) if end else datetime(year, 1, 1, tzinfo=UTC)
        elif day is None:
            last = calendar.monthrange(year, month)[1]
            moment = (datetime(year, month, last, 23, 59, 59, tzinfo=UTC) if end
                      else datetime(year, month, 1, tzinfo=UTC))
        else:
            moment = datetime(year, month, day, tzinfo=UTC) + (timedelta(days=1, seconds=-1) if end else timedelta())
    except ValueError:
        return None
    return int(moment.timestamp())


def parse_period(words: list[str], now: int) -> tuple[Period, list[str]]:
    """Take ``since:``/``until:`` words anywhere and one period (``30d``) at the end out of
    ``words``: (the period, the words left)."""
    since: int | None = None
    until: int | None = None
    left: list[str] = []
    for word in words:
        match = _DATE_RE.match(word)
        if match:
            kind, year, month, day = match.groups()
            is_since = kind.lower() in _SINCE
            ts = _date(int(year), int(month) if month else None, int(day) if day else None, end=not is_since)
            if ts is not None:
                if is_since:
                    since = ts
                else:
                    until = ts
                continue
        left.append(word)
    if left:
        match = _PERIOD_RE.match(left[-1])
        if match:
            days = min(int(match.group(1)) * _PERIOD_DAYS[match.group(2).lower()], MAX_PERIOD_DAYS)
            start = datetime.fromtimestamp(now, UTC) - timedelta(days=days)
            since = max(since or 0, int(start.timestamp()))
            left.pop()
    return Period(since, until), left


def parse_query(query: str, now: int) -> SearchQuery:
    """Read ``query`` (any text is safe: only word characters reach the index)."""
    text = query[:MAX_QUERY_CHARS].translate(_QUOTES)
    plain: list[str] = []
    groups: list[tuple[bool, bool, str]] = []  # (excluded, phrase, text)
    for match in _TOKEN_RE.finditer(text):
        minus, quoted, bare = match.groups()
        if bare is None:
            groups.append((bool(minus), True, quoted))
        else:
            plain.append(bare)
    period, words = parse_period(plain, now)
    for word in words:
        excluded = word.startswith("-") and len(word) > 1
        groups.append((excluded, False, word[1:] if excluded else word))
    terms: list[QueryTerm] = []
    phrases: list[tuple[QueryTerm, ...]] = []
    excluded_groups: list[tuple[QueryTerm, ...]] = []
    seen: set[str] = set()
    count = 0
    for is_excluded, is_phrase, chunk in groups:
        found = _terms(chunk)
        if not found:
            continue
        count += len(found)
        if count > MAX_QUERY_TERMS:
            break
        if is_excluded:
            excluded_groups.append(found)  # a word of several tokens ("-co-op") is excluded as a phrase
        elif is_phrase and len(found) > 1:
            phrases.append(found)
        else:
            for term in found:
                if term.stem not in seen:
                    seen.add(term.stem)
                    terms.append(term)
    rest = " ".join(words)
    return SearchQuery(tuple(terms), tuple(phrases), tuple(excluded_groups), period, rest)


def _fts_string(term: QueryTerm) -> str:
    return '"' + term.stem.replace('"', '""') + '"' + ("*" if term.prefix else "")


def _fts_group(group: tuple[QueryTerm, ...]) -> str:
    # FTS5: "a"* + "b"* is the phrase "a b" with each token prefix-matched.
    return " + ".join(_fts_string(t) for t in group)


def fts5_expression(query: SearchQuery) -> str | None:
    """The FTS5 MATCH string of ``query``, always syntactically valid (every token a quoted
    string of word characters); None when nothing must occur."""
    if not query.searchable:
        return None
    positive = [_fts_string(t) for t in query.terms] + [_fts_group(p) for p in query.phrases]
    expr = " AND ".join(positive)
    if query.excluded:
        expr = f"({expr}) NOT ({' OR '.join(_fts_group(g) for g in query.excluded)})"
    return expr


def _ts_lexeme(term: QueryTerm) -> str:
    # A quoted lexeme: whatever the stem holds is a literal, never tsquery syntax.
    return "'" + term.stem.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if term.prefix else "")


def _ts_group(group: tuple[QueryTerm, ...]) -> str:
    return "(" + " <-> ".join(_ts_lexeme(t) for t in group) + ")"


def tsquery_expression(query: SearchQuery) -> str | None:
    """The PostgreSQL ``to_tsquery('simple', ...)`` text of ``query``, meaning what
    :func:`fts5_expression` means on SQLite (all terms and phrases, none of the excluded ones);
    every lexeme quoted, so any input is safe. None when nothing must occur."""
    if not query.searchable:
        return None
    positive = [_ts_lexeme(t) for t in query.terms] + [_ts_group(p) for p in query.phrases]
    return " & ".join(positive + [f"!{_ts_group(g)}" for g in query.excluded])
