"""Full-text search over titles and texts (FTS5 over stems; see storage.text)."""

from __future__ import annotations

import asyncio

from storage.db import Database, Tx
from storage.records import SearchHit
from storage.text import match_expression, query_terms, snippet

#: /search ranks (bm25) and counts at most this many matches: the newest SEARCH_CAP of them. A word
#: in every article would otherwise be scored in all 100,000 rows on every query; past this many
#: hits nobody pages through the results, they refine the query (the UI shows "1000+").
SEARCH_CAP = 1000

# The innermost select walks the match newest-first (FTS5 iterates its doclist by rowid, in
# either direction) and stops after ?2 rows; only those are scored; only the page's rows are then
# joined to articles for their text.
SQL_SEARCH = """
SELECT ar.id, ar.title, ar.added_at, ar.text
FROM (SELECT id, score FROM (
          SELECT rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score
          FROM articles_fts WHERE articles_fts MATCH ?1
          ORDER BY rowid DESC LIMIT ?2)
      ORDER BY score, id DESC LIMIT ?3 OFFSET ?4) hit
JOIN articles ar ON ar.id = hit.id
ORDER BY hit.score, hit.id DESC
"""

SQL_SEARCH_COUNT = "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?1 LIMIT ?2)"


class SqliteSearch:
    """:class:`storage.protocols.SearchStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def search_articles(self, query: str, limit: int = 10, offset: int = 0) -> tuple[list[SearchHit], int]:
        """Full-text search over titles and texts, matching inflections; any input is safe.

        The MATCH expression is built from word tokens only (storage.text.query_terms), so FTS5
        query syntax typed by a user (quotes, AND/OR/NOT, NEAR, column:, *, parentheses) is just
        text. Every term must match (implicit AND); ranked by bm25 with titles weighted up.
        Returns ([], 0) when the query has no words.

        Bounded at scale: only the newest SEARCH_CAP matches are ranked (so pages end there), and
        the total is exact up to SEARCH_CAP; a total of SEARCH_CAP + 1 means "more than
        SEARCH_CAP" (shown as "1000+").
        """
        terms = query_terms(query)
        expr = match_expression(terms)
        if expr is None:
            return [], 0
        cap = SEARCH_CAP  # read at call time: tests shrink it

        def page(tx: Tx) -> tuple[list[tuple[int, str | None, int, str]], int]:
            rows = tx.all(SQL_SEARCH, (expr, cap, max(0, limit), max(0, offset)))
            total = tx.scalar(SQL_SEARCH_COUNT, (expr, cap + 1))
            return [(r[0], r[1], r[2], r[3]) for r in rows], int(total or 0)

        rows, total = await self._db.read(page)
        # Snippets cost CPU, not the database: built off the reader thread so it is free again.
        hits = await asyncio.to_thread(
            lambda: [SearchHit(i, title, at, snippet(text, terms)) for i, title, at, text in rows]
        )
        return hits, total
