"""The analysis job queue and leases (migration 010): claims, expiry, attempts, filing once."""

from __future__ import annotations

import asyncio

from storage_helpers import T0, TEXT1, TEXT2, analysis1, new_article

from bot.services.identity import FILING_RULES
from storage.repository import Storage


async def _queued(db: Storage, text: str, *, alerts: bool = True) -> int:
    article_id, created = await db.add_article(new_article(text))
    assert created
    await db.jobs.enqueue(article_id, alerts=alerts, now=T0)
    return article_id


async def test_two_workers_never_claim_one_job_and_a_dead_workers_job_is_retried(db: Storage) -> None:
    first = await _queued(db, TEXT1)
    second = await _queued(db, TEXT2)
    a = await db.jobs.claim("A", ttl=10, max_attempts=3, now=T0)
    b = await db.jobs.claim("B", ttl=10, max_attempts=3, now=T0)
    assert a is not None and b is not None
    assert (a.article_id, b.article_id) == (first, second)
    assert a.text == TEXT1 and a.attempts == 1 and a.alerts
    assert await db.jobs.claim("C", ttl=10, max_attempts=3, now=T0 + 5) is None  # both held

    # A renews, B goes silent: after B's claim runs out, its job goes to C, with one more attempt.
    assert await db.jobs.renew(first, "A", ttl=10, now=T0 + 9)
    c = await db.jobs.claim("C", ttl=10, max_attempts=3, now=T0 + 11)
    assert c is not None and c.article_id == second and c.attempts == 2
    assert not await db.jobs.renew(second, "B", ttl=10, now=T0 + 12), "B lost its claim"
    (state,) = await db.jobs.states([second])
    assert state.status == "queued" and "worker B stopped answering" in (state.last_error or "")


async def test_an_article_analysed_twice_is_filed_once(db: Storage) -> None:
    article_id = await _queued(db, TEXT1)
    assert await db.jobs.claim("A", ttl=1, max_attempts=3, now=T0) is not None
    assert await db.jobs.claim("B", ttl=10, max_attempts=3, now=T0 + 2) is not None  # A presumed dead
    outbox = await db.finish_job(article_id, "B", analysis1(), now=T0 + 3)
    assert outbox == []
    late = await db.finish_job(article_id, "A", analysis1(), now=T0 + 4)
    assert late is None, "the late result files nothing"
    full = await db.get_article(article_id)
    assert full is not None and full.article.status == "done"
    assert sorted(a.name for a in full.actors) == sorted({a.name for a in analysis1().actors})
    (state,) = await db.jobs.states([article_id])
    assert state.status == "done"
    # A failure reported after the filing changes nothing either.
    assert not await db.jobs.fail(article_id, "A", "late timeout")
    assert (await db.get_article(article_id)).article.status == "done"  # type: ignore[union-attr]


async def test_a_job_out_of_attempts_fails_with_its_reason(db: Storage) -> None:
    article_id = await _queued(db, TEXT1)
    for attempt in range(2):
        job = await db.jobs.claim(f"W{attempt}", ttl=1, max_attempts=2, now=T0 + 10 * attempt)
        assert job is not None and job.attempts == attempt + 1
    assert await db.jobs.claim("W9", ttl=1, max_attempts=2, now=T0 + 30) is None
    full = await db.get_article(article_id)
    assert full is not None and full.article.status == "failed"
    assert "after 2 attempt(s)" in (full.article.error or "") and "W1" in (full.article.error or "")
    assert (await db.jobs.counts()).failed == 1
    assert await db.pending_articles() == []


async def test_released_job_is_claimed_again_and_a_clean_stop_costs_no_attempt(db: Storage) -> None:
    article_id = await _queued(db, TEXT1, alerts=False)
    job = await db.jobs.claim("A", ttl=60, max_attempts=2, now=T0)
    assert job is not None and not job.alerts
    await db.jobs.release(article_id, "A", None, count_attempt=False)
    again = await db.jobs.claim("B", ttl=60, max_attempts=2, now=T0 + 1)
    assert again is not None and again.attempts == 1
    await db.jobs.release(article_id, "B", "analysis child died", count_attempt=True)
    third = await db.jobs.claim("C", ttl=60, max_attempts=2, now=T0 + 2)
    assert third is not None and third.attempts == 2
    assert await db.jobs.fail(article_id, "C", "analysis timed out after 5 s")
    full = await db.get_article(article_id)
    assert full is not None and full.article.status == "failed" and full.article.error == "analysis timed out after 5 s"


async def test_a_job_whose_article_was_filed_otherwise_is_skipped(db: Storage) -> None:
    article_id = await _queued(db, TEXT1)
    other = await _queued(db, TEXT2)
    await db.save_analysis(article_id, analysis1(), now=T0)  # e.g. a bot in ANALYSIS_MODE=local
    job = await db.jobs.claim("A", ttl=10, max_attempts=3, now=T0)
    assert job is not None and job.article_id == other
    assert [s.status for s in await db.jobs.states([article_id])] == ["done"]


async def test_recovery_adopts_only_articles_no_live_bot_waits_for(db: Storage) -> None:
    waited = await _queued(db, TEXT1)
    await db.jobs.enqueue(waited, alerts=True, waiter="bot-1", wait_ttl=20, now=T0)
    orphan, _ = await db.add_article(new_article(TEXT2))  # stored, never queued (a crash in between)
    assert not await db.jobs.adopt(waited, alerts=True, waiter="bot-2", wait_ttl=20, now=T0 + 5)
    assert await db.jobs.adopt(orphan, alerts=True, waiter="bot-2", wait_ttl=20, now=T0 + 5)
    assert await db.jobs.renew_waits("bot-1", 20, now=T0 + 10) == 1
    assert not await db.jobs.adopt(waited, alerts=True, waiter="bot-2", wait_ttl=20, now=T0 + 25)
    assert await db.jobs.adopt(waited, alerts=True, waiter="bot-2", wait_ttl=20, now=T0 + 31), "bot-1 died"
    assert {s.article_id for s in await db.jobs.states([waited, orphan])} == {waited, orphan}


async def test_leases_have_one_holder_and_pass_on_when_they_run_out(db: Storage) -> None:
    assert await db.leases.acquire("alerts", "A", 15, now=T0)
    assert not await db.leases.acquire("alerts", "B", 15, now=T0 + 1)
    assert await db.leases.acquire("alerts", "A", 15, now=T0 + 10), "the holder renews"
    assert await db.leases.holder("alerts", now=T0 + 20) == "A"
    assert not await db.leases.acquire("alerts", "B", 15, now=T0 + 24)
    assert await db.leases.acquire("alerts", "B", 15, now=T0 + 26), "A stopped renewing"
    assert not await db.leases.acquire("alerts", "A", 15, now=T0 + 27)
    assert not await db.leases.release("alerts", "A"), "only the holder releases"
    assert await db.leases.release("alerts", "B")
    assert await db.leases.holder("alerts", now=T0 + 28) is None
    assert await db.leases.acquire("alerts", "A", 15, now=T0 + 28)


async def test_claims_from_two_processes_worth_of_connections_are_exclusive(database_url: str) -> None:
    """Two Storage objects (two sets of connections, as two worker processes have) claiming at once:
    the write lock on SQLite, FOR UPDATE SKIP LOCKED on PostgreSQL."""
    url = database_url
    async with Storage.open(url, rules=FILING_RULES) as one, Storage.open(url, rules=FILING_RULES) as two:
        ids = [await _queued(one, f"{TEXT1} Выпуск {i}.") for i in range(20)]

        async def drain(store: Storage, name: str) -> list[int]:
            got = []
            while (job := await store.jobs.claim(name, ttl=60, max_attempts=3)) is not None:
                got.append(job.article_id)
            return got

        a, b = await asyncio.gather(drain(one, "A"), drain(two, "B"))
        assert sorted(a + b) == ids and not set(a) & set(b)
