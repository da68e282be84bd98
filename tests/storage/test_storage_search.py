"""Full-text search: inflections meet, snippets mark the original words, and no input can break it."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storage_helpers import T0, TEXT1, TEXT2, analysis1, analysis2, filed, new_article

from storage.repository import Storage
from storage.text import match_expression, query_terms, snippet, stem_text


@pytest.mark.parametrize("form", ["разрядка", "разрядки", "разрядку", "разрядкой", "РАЗРЯДКЕ", "разрядк"])
async def test_inflections_meet(db: Storage, form: str) -> None:
    aid = await filed(db, TEXT1, analysis1())
    hits, total = await db.search_articles(form)
    assert total == 1 and hits[0].article_id == aid


async def test_snippet_marks_the_original_word(db: Storage) -> None:
    aid, _ = await db.add_article(new_article("Долгое вступление. " * 20 + "Стороны обсудили разрядку и санкции."))
    hits, total = await db.search_articles("разрядка")
    assert total == 1 and hits[0].article_id == aid
    segments = hits[0].snippet
    assert ("разрядку", True) in segments
    assert segments[0][0].startswith("…") and not segments[0][1]  # cut in the middle of the text
    assert "".join(text for text, _ in segments).count("вступление") < 20  # a window, not the whole text


async def test_all_words_must_match_and_titles_rank_higher(db: Storage) -> None:
    a1 = await filed(db, TEXT1, analysis1())
    a2 = await filed(db, TEXT2, analysis2())
    _, total = await db.search_articles("санкции")
    assert total == 2
    hits, total = await db.search_articles("санкции скромной")
    assert total == 1 and hits[0].article_id == a1
    # "допустил" only in article 2's title; "Тиллерсон" in both texts.
    hits, _ = await db.search_articles("Тиллерсон допустил")
    assert [h.article_id for h in hits] == [a2]
    hits, total = await db.search_articles("санкции", limit=1, offset=1)
    assert total == 2 and len(hits) == 1


async def test_pending_articles_are_searchable(db: Storage) -> None:
    aid, _ = await db.add_article(new_article("Переговоры о разоружении продолжатся"))
    hits, _ = await db.search_articles("разоружение")
    assert [h.article_id for h in hits] == [aid] and hits[0].title is None and hits[0].added_at == T0


async def test_latin_words_are_stemmed_too(db: Storage) -> None:
    aid, _ = await db.add_article(new_article("The new sanctions were announced"))
    hits, _ = await db.search_articles("sanction")
    assert [h.article_id for h in hits] == [aid]


HOSTILE = [
    '"',
    '""',
    "AND OR NOT (",
    "*",
    "NEAR(",
    "NEAR(a b, 2)",
    "title:x",
    "body:разрядка",
    "'; DROP TABLE articles; --",
    "",
    "   ",
    "(((",
    ")",
    "^разрядка",
    "a -b +c",
    "x" * 5000,
    "разрядка " * 1000,
    "🙂🙃 санкции 💥",
    "\x00\x01",
    "OR",
    "NOT разрядка",
    "{title body}: x",
    "ё Ё",
]


@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_queries_never_raise(db: Storage, query: str) -> None:
    await filed(db, TEXT1, analysis1())
    hits, total = await db.search_articles(query)
    assert total >= len(hits) >= 0
    assert (await db.stats()).articles == 1  # still there


async def test_empty_query_after_sanitizing(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    for q in ["", "  ", "!!!", "🙂", '"*"', "()"]:
        assert await db.search_articles(q) == ([], 0)


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2')")
    con.execute("INSERT INTO t (rowid, title, body) VALUES (1, ?, ?)", (stem_text("Заголовок"), stem_text(TEXT1)))
    return con


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_builds_a_valid_match_expression(fts: sqlite3.Connection, query: str) -> None:
    terms = query_terms(query)
    expr = match_expression(terms)
    if expr is None:
        assert terms == []
        return
    fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expr,)).fetchone()
    fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expr,)).fetchone()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.text(max_size=40))
def test_snippet_never_raises_and_only_quotes_the_text(text: str, query: str) -> None:
    segments = snippet(text, query_terms(query))
    for segment, is_match in segments:
        assert segment
        if is_match:
            assert segment in text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "*", "(", ")", "AND", "OR", "NOT", "NEAR", ":", "^", "-", "+", "x",
                                 "разрядка", "{", "}", ",", " "]), max_size=30))
def test_operator_soup_is_safe(fts: sqlite3.Connection, parts: list[str]) -> None:
    expr = match_expression(query_terms("".join(parts)))
    if expr is not None:
        fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expr,)).fetchone()


def test_query_terms_are_capped() -> None:
    terms = query_terms(" ".join(f"слово{i}" for i in range(100)))
    assert 0 < len(terms) <= 12
    assert all(len(t.stem) <= 64 for t in query_terms("я" * 5000))


async def test_search_ranks_and_counts_only_the_newest_cap_matches(
    db: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.search as search

    monkeypatch.setattr(search, "SEARCH_CAP", 3)
    ids = [(await db.add_article(new_article(f"статья {i} о разрядке", added_at=T0 + i)))[0] for i in range(5)]
    hits, total = await db.search_articles("разрядка", limit=10)
    assert total == 4  # SEARCH_CAP + 1: "more than 3"
    assert sorted(h.article_id for h in hits) == sorted(ids[-3:])  # the newest three, ranked
    _, total = await db.search_articles("статья 1")  # "1" only in one article: exact count
    assert total == 1
