"""SQLite-flavoured SQL of the aggregate modules, as psycopg runs it on PostgreSQL.

The aggregate modules write one portable SQL text for both databases, with sqlite3's parameter
styles. This module turns such a text into psycopg's, once per distinct text (cached), and binds
the parameters. Pure and stateless, so it is tested on its own (tests/storage/test_pg_sql.py).

What it translates, outside quoted strings and comments:

* placeholders: ``?`` -> ``%s``; ``?N`` -> ``%(pN)s`` (a plain ``?`` after a numbered one takes
  the next number, as in SQLite); ``:name`` -> ``%(name)s`` (``::type`` casts are left alone);
* a literal ``%`` (anywhere, strings and comments included: psycopg reads them all) -> ``%%``;
* ``x IN (SELECT value FROM json_each(P))`` -> ``x = ANY(P)`` and ``NOT IN`` -> ``<> ALL(P)``, the
  parameter's JSON list (``storage.db.json_list``) decoded into a Python list, which psycopg
  sends as an array: one constant text with one plan whatever the list's length, as on SQLite;
* the SQLite-only planner hints ``INDEXED BY name`` (dropped) and ``CROSS JOIN t ON ...`` (a join
  order hint on SQLite, a syntax error on PostgreSQL: a plain ``JOIN``).

Everything else (ON CONFLICT, RETURNING, COALESCE, CASE ...) is standard SQL both databases
read alike; what cannot be written portably branches on ``tx.dialect`` in its module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Translated", "translate"]

_PARAM = r"(\?\d*|:[A-Za-z_][A-Za-z0-9_]*)"
_JSON_IN_RE = re.compile(
    r"\b(NOT\s+)?IN\s*\(\s*SELECT\s+value\s+FROM\s+json_each\s*\(\s*" + _PARAM + r"\s*\)\s*\)", re.IGNORECASE
)
_INDEXED_BY_RE = re.compile(r"\s+INDEXED\s+BY\s+[A-Za-z_][A-Za-z0-9_]*", re.IGNORECASE)
_CROSS_JOIN_RE = re.compile(
    r"\bCROSS\s+JOIN(\s+[A-Za-z_][A-Za-z0-9_]*(?:\s+(?:AS\s+)?(?!ON\b)[A-Za-z_][A-Za-z0-9_]*)?\s+ON\b)",
    re.IGNORECASE,
)
#: Marks a placeholder whose value is a JSON list to decode (a private-use character no SQL has).
_JSON_MARK = "\ue000"
#: Brackets of a placeholder until the end tells whether the text is positional or named.
_OPEN, _CLOSE = "\ue001", "\ue002"
_PLACEHOLDER_RE = re.compile(_OPEN + "([A-Za-z0-9_]+)" + _CLOSE)


@dataclass(frozen=True, slots=True)
class Translated:
    """One SQL text in psycopg's dialect and how to bind its parameters."""

    sql: str
    #: True: ``%s`` placeholders bound from a sequence; False: ``%(name)s`` bound from a mapping.
    positional: bool
    #: Positional placeholders (by index) or parameter names whose value is a JSON list to decode.
    json_params: frozenset[int | str]

    def bind(self, params: Sequence[Any] | Mapping[str, Any]) -> list[Any] | dict[str, Any]:
        """The parameters as psycopg takes them for :attr:`sql`."""
        if isinstance(params, Mapping):
            return {k: _value(v, k in self.json_params) for k, v in params.items()}
        if self.positional:
            return [_value(v, i in self.json_params) for i, v in enumerate(params)]
        return {f"p{i}": _value(v, f"p{i}" in self.json_params) for i, v in enumerate(params, 1)}


def _value(value: Any, is_json: bool) -> Any:
    if is_json and isinstance(value, str | bytes):
        return list(json.loads(value))
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")  # PostgreSQL text cannot hold NUL; SQLite kept it silently
    return value


def _rewrite(sql: str) -> str:
    sql = _INDEXED_BY_RE.sub("", sql)
    sql = _CROSS_JOIN_RE.sub(r"JOIN\1", sql)
    return _JSON_IN_RE.sub(
        lambda m: ("<> ALL(" if m.group(1) else "= ANY(") + _JSON_MARK + m.group(2) + ")", sql
    )


@lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    """``sql`` (sqlite3 parameter styles) in psycopg's; cached, the modules' texts are constants."""
    text = _rewrite(sql)
    out: list[str] = []
    json_params: set[int | str] = set()
    positional = 0  # plain ``?`` seen so far
    numbered = False
    named = False
    highest = 0
    pending_json = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":  # a string or quoted identifier: copied, '' and "" escapes included
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(text[i : j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(text[i:j].replace("%", "%%"))
            i = j
        elif c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(text[i:j].replace("%", "%%"))
            i = j
        elif c == _JSON_MARK:
            pending_json = True
            i += 1
        elif c == "%":
            out.append("%%")
            i += 1
        elif c == "?":
            j = i + 1
            while j < n and text[j].isdigit():
                j += 1
            if j > i + 1:
                number = int(text[i + 1 : j])
                numbered = True
            else:
                positional += 1
                number = highest + 1
            highest = max(highest, number)
            name = f"p{number}"
            out.append(f"{_OPEN}{name}{_CLOSE}")
            if pending_json:
                json_params.add(name)
            pending_json = False
            i = j
        elif c == ":" and text.startswith("::", i):
            out.append("::")
            i += 2
        elif c == ":" and i + 1 < n and (text[i + 1].isalpha() or text[i + 1] == "_"):
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            name = text[i + 1 : j]
            named = True
            out.append(f"{_OPEN}{name}{_CLOSE}")
            if pending_json:
                json_params.add(name)
            pending_json = False
            i = j
        else:
            out.append(c)
            i += 1
    result = "".join(out)
    if named and (numbered or positional):
        raise ValueError(f"SQL mixes :name and ? parameters: {sql[:80]!r}")
    if named or numbered:
        return Translated(_PLACEHOLDER_RE.sub(r"%(\1)s", result), False, frozenset(json_params))
    # Only plain ``?``: psycopg's own positional ``%s``, bound from the sequence as it is.
    return Translated(_PLACEHOLDER_RE.sub("%s", result), True,
                      frozenset(int(str(p)[1:]) - 1 for p in json_params))
