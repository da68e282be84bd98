"""The SQLite-to-psycopg translation (storage/pg_sql.py) and the tsquery builder, without a server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.pg_sql import translate
from storage.query import parse_query, tsquery_expression


def test_plain_placeholders_stay_positional_and_percent_is_doubled() -> None:
    t = translate("SELECT id FROM actors WHERE key NOT LIKE 'ahead:%' AND kind = ? LIMIT ?")
    assert t.sql == "SELECT id FROM actors WHERE key NOT LIKE 'ahead:%%' AND kind = %s LIMIT %s"
    assert t.positional and t.bind(["person", 5]) == ["person", 5]


def test_numbered_placeholders_become_named_and_repeat() -> None:
    t = translate("SELECT ?1, ?2, ?1, ?")
    assert t.sql == "SELECT %(p1)s, %(p2)s, %(p1)s, %(p3)s"  # a bare ? after ?2 is ?3, as in SQLite
    assert t.bind(["a", "b", "c"]) == {"p1": "a", "p2": "b", "p3": "c"}


def test_named_placeholders_and_casts() -> None:
    t = translate("SELECT x::jsonb FROM t WHERE a = :actor AND b < :end")
    assert t.sql == "SELECT x::jsonb FROM t WHERE a = %(actor)s AND b < %(end)s"
    assert t.bind({"actor": 1, "end": 2}) == {"actor": 1, "end": 2}


def test_quoted_text_and_comments_are_not_parameters() -> None:
    t = translate("SELECT '?', 'it''s :x', \"odd?\" -- why? 5%\nFROM t WHERE a = ?")
    assert t.sql == "SELECT '?', 'it''s :x', \"odd?\" -- why? 5%%\nFROM t WHERE a = %s"


def test_json_lists_become_arrays() -> None:
    t = translate("DELETE FROM tags WHERE id IN (SELECT value FROM json_each(?)) "
                  "AND kind NOT IN (SELECT value FROM json_each(?)) AND n = ?")
    assert t.sql == "DELETE FROM tags WHERE id = ANY(%s) AND kind <> ALL(%s) AND n = %s"
    assert t.bind(["[1, 2]", '["a"]', 3]) == [[1, 2], ["a"], 3]
    named = translate("SELECT 1 WHERE x IN (SELECT value FROM json_each(:ids))")
    assert named.bind({"ids": "[]"}) == {"ids": []}


def test_sqlite_planner_hints_are_dropped() -> None:
    t = translate("SELECT 1 FROM mentions m INDEXED BY mentions_actor CROSS JOIN articles a ON a.id = m.article_id")
    assert t.sql == "SELECT 1 FROM mentions m JOIN articles a ON a.id = m.article_id"


def test_nul_characters_are_dropped_from_text() -> None:
    assert translate("SELECT ?").bind(["a\x00b"]) == ["ab"]


def test_mixing_named_and_question_marks_is_refused() -> None:
    with pytest.raises(ValueError, match="mixes"):
        translate("SELECT :a, ?")


def test_translations_are_cached() -> None:
    assert translate("SELECT ? + 1") is translate("SELECT ? + 1")


def test_tsquery_of_words_phrases_prefixes_and_exclusions() -> None:
    q = parse_query('разрядка "новые санкции" -нефть ес', 0)
    assert tsquery_expression(q) == "'разрядк':* & 'ес' & ('нов':* <-> 'санкц':*) & !('нефт':*)"
    assert tsquery_expression(parse_query("-нефть", 0)) is None


@given(st.text(max_size=200))
def test_any_input_gives_only_quoted_lexemes(text: str) -> None:
    expr = tsquery_expression(parse_query(text, 0))
    if expr is None:
        return
    # Outside the quotes only operators, parentheses and spaces: no user text is tsquery syntax.
    outside = "".join(part for i, part in enumerate(expr.split("'")) if i % 2 == 0)
    assert set(outside) <= set(" &!()<->:*")
