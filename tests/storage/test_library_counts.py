"""/stats totals kept by triggers (migration 011) stay exact through every write path."""

from __future__ import annotations

from storage_helpers import TEXT1, TEXT2, analysis1, analysis2, database, filed

from storage.db import Tx
from storage.repository import Storage


async def _counted(db: Storage) -> tuple[int, int, int, int]:
    def count(tx: Tx) -> tuple[int, int, int, int]:
        a, b, c, d = (int(tx.scalar(f"SELECT count(*) FROM {t}")) for t in ("articles", "actors", "claims", "tags"))
        return a, b, c, d

    return await database(db).read(count)


async def _stats(db: Storage) -> tuple[int, int, int, int]:
    s = await db.stats()
    return s.articles, s.actors, s.claims, s.tags


async def test_totals_follow_filing_reanalysis_merges_and_deletes(db: Storage) -> None:
    assert await _stats(db) == (0, 0, 0, 0)
    first = await filed(db, TEXT1, analysis1())
    second = await filed(db, TEXT2, analysis2())
    assert await _stats(db) == await _counted(db) != (0, 0, 0, 0)
    await db.save_analysis(first, analysis2())  # re-analysis replaces claims, may drop orphan actors
    assert await _stats(db) == await _counted(db)
    top = await db.top_actors(limit=2)
    await db.merges.merge_actors(top[0].id, top[1].id, by=1, now=1)
    assert await _stats(db) == await _counted(db)
    assert await db.delete_article(second)  # cascades to claims, drops orphan actors and tags
    assert await _stats(db) == await _counted(db)


async def test_a_missing_total_is_counted_instead(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    await database(db).write(lambda tx: tx.run("DELETE FROM library_counts WHERE name IN ('claims', 'tags')"))
    assert await _stats(db) == await _counted(db)
