"""`python -m bot worker` for real: processes sharing one queue, killed, frozen and hung mid-job."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fleet_processes import queue_articles, rows, store_articles, wait_until, worker_env, workers
from test_access import article_text

from bot.services.identity import FILING_RULES
from storage.repository import Storage

from backends import PgTestDatabase
from pg_proxy import TcpProxy, through

SLOW = "МЕДЛЕННАЯ-СТАТЬЯ"
HUNG = "ЗАВИСШАЯ-СТАТЬЯ"


def jobs(db: str) -> dict[int, tuple[str, int, str | None, str | None]]:
    """article id -> (status, attempts, finished_by, last_error)."""
    return {int(r[0]): (str(r[1]), int(r[2]), r[3], r[4]) for r in
            rows(db, "SELECT article_id, status, attempts, finished_by, last_error FROM analysis_jobs")}


def statuses(db: str) -> dict[int, tuple[str, str | None]]:
    return {int(r[0]): (str(r[1]), r[2]) for r in rows(db, "SELECT id, status, error FROM articles")}


def claimed_by(db: str, article_id: int) -> str | None:
    found = rows(db, "SELECT claimed_by FROM analysis_jobs WHERE article_id = ? AND status = 'queued'", (article_id,))
    return str(found[0][0]) if found and found[0][0] is not None else None


@pytest.mark.timeout(180)
async def test_two_workers_share_the_queue_and_a_killed_workers_job_is_retried_once(
    tmp_path: Path, database_url: str
) -> None:
    db = database_url
    texts = [article_text(i) if i != 4 else f"{article_text(i)}\n\n{SLOW}" for i in range(9)]
    ids = await store_articles(db, texts, queue=False)
    slow = ids[4]  # claimed in article order: both workers file some before one of them takes it
    env = worker_env(db, ANALYSIS_CLAIM_TTL="2", DOSSIER_TEST_ANALYSIS_DELAY=f"{SLOW}=6")
    async with workers(env, tmp_path, 2) as (one, two):
        async with Storage.open(db, rules=FILING_RULES) as storage:
            await queue_articles(storage, ids)
        await wait_until(lambda: claimed_by(db, slow) is not None, 30, "the slow article to be claimed")
        holder = claimed_by(db, slow)
        victim, survivor = (one, two) if holder is not None and holder.endswith(f":{one.pid}") else (two, one)
        assert holder is not None and holder.endswith(f":{victim.pid}")
        await victim.kill()  # SIGKILL, analysis child included: the claim is left to run out

        await wait_until(lambda: all(s == "done" for s, *_ in jobs(db).values()) and len(jobs(db)) == len(ids),
                         120, "every job done")
        assert await survivor.stop() == 0, survivor.output()

    assert {s for s, _ in statuses(db).values()} == {"done"}
    state = jobs(db)
    assert state[slow][1] == 2, "the killed worker's job was claimed a second time"
    assert state[slow][2] is not None and state[slow][2].endswith(f":{survivor.pid}")
    assert "stopped answering" in (state[slow][3] or "")
    filed = victim.filed() + survivor.filed()
    assert sorted(filed) == ids, "each article filed once, across both workers"
    assert slow not in victim.filed()
    print(f"victim filed {victim.filed()}, survivor {survivor.filed()}")
    counts = rows(db, "SELECT article_id, count(*) FROM mentions GROUP BY article_id")
    assert {int(r[0]) for r in counts} == set(ids)


@pytest.mark.timeout(180)
async def test_a_late_result_of_a_worker_presumed_dead_is_dropped(
    tmp_path: Path, database_url: str
) -> None:
    db = database_url
    ids = await store_articles(db, [f"{article_text(3)}\n\n{SLOW}", article_text(4)], queue=False)
    slow = ids[0]
    env = worker_env(db, ANALYSIS_CLAIM_TTL="2", DOSSIER_TEST_ANALYSIS_DELAY=f"{SLOW}=4")
    async with workers(env, tmp_path, 2) as (one, two):
        async with Storage.open(db, rules=FILING_RULES) as storage:
            await queue_articles(storage, ids)
        await wait_until(lambda: claimed_by(db, slow) is not None, 30, "the slow article to be claimed")
        holder = claimed_by(db, slow)
        frozen, other = (one, two) if holder is not None and holder.endswith(f":{one.pid}") else (two, one)
        frozen.signal_group(signal.SIGSTOP)  # alive but silent: its claim runs out
        try:
            await wait_until(lambda: jobs(db).get(slow, ("",))[0] == "done", 60, "the other worker to file it")
        finally:
            frozen.signal_group(signal.SIGCONT)
        await wait_until(lambda: slow in frozen.dropped(), 60, "the late result to be dropped")
        assert await frozen.stop() == 0 and await other.stop() == 0

    assert other.filed().count(slow) == 1 and slow not in frozen.filed()
    assert sorted(one.filed() + two.filed()) == ids
    assert jobs(db)[slow][2] is not None and str(jobs(db)[slow][2]).endswith(f":{other.pid}")


@pytest.mark.timeout(150)
async def test_a_hung_article_fails_with_its_reason_and_the_queue_goes_on(
    tmp_path: Path, database_url: str
) -> None:
    db = database_url
    ids = await store_articles(db, [article_text(5), f"{article_text(6)}\n\n{HUNG}", article_text(7)], queue=True)
    env = worker_env(db, ANALYSIS_TIMEOUT="3", DOSSIER_TEST_ANALYSIS_DELAY=f"{HUNG}=3600")
    async with workers(env, tmp_path, 1) as (worker,):
        await wait_until(lambda: len(jobs(db)) == 3 and all(s != "queued" for s, *_ in jobs(db).values()), 90,
                         "all three jobs closed")
        assert await worker.stop() == 0, worker.output()
    articles = statuses(db)
    assert articles[ids[0]] == ("done", None) and articles[ids[2]] == ("done", None)
    assert articles[ids[1]] == ("failed", "analysis timed out after 3 s")
    assert jobs(db)[ids[1]][0] == "failed"
    assert "the analysis process was replaced" in worker.output()


@pytest.mark.postgresql_only
@pytest.mark.timeout(150)
async def test_a_worker_rides_out_a_lost_database_and_goes_on_when_it_returns(
    tmp_path: Path, backend: str, pg_database: PgTestDatabase
) -> None:
    pg_database.empty()
    db = pg_database.url
    proxy = TcpProxy(urlsplit(db).port or 5432)
    await proxy.start()
    try:
        async with workers(worker_env(through(proxy, db)), tmp_path, 1) as (worker,):
            first = await store_articles(db, [article_text(1)], queue=True)
            await wait_until(lambda: jobs(db).get(first[0], ("",))[0] == "done", 60, "the first article filed")
            await proxy.cut()
            later = await store_articles(db, [article_text(2), article_text(3)], queue=True)
            await wait_until(lambda: "cannot claim a job" in worker.output(), 60, "the worker to notice")
            assert all(jobs(db)[i][0] == "queued" for i in later)
            await proxy.start()
            await wait_until(lambda: all(jobs(db)[i][0] == "done" for i in later), 90, "the rest filed")
            assert worker.proc is not None and worker.proc.returncode is None, "the worker never stopped"
            assert await worker.stop() == 0, worker.output()
    finally:
        with contextlib.suppress(Exception):
            await proxy.cut()
    assert sorted(worker.filed()) == first + later
    assert "Traceback" not in worker.output()


@pytest.mark.timeout(120)
async def test_sigterm_mid_job_stops_at_once_and_gives_the_job_back_for_free(
    tmp_path: Path, database_url: str
) -> None:
    db = database_url
    (article,) = await store_articles(db, [f"{article_text(8)}\n\n{HUNG}"], queue=True)
    env = worker_env(db, DOSSIER_TEST_ANALYSIS_DELAY=f"{HUNG}=3600")  # ANALYSIS_TIMEOUT stays 300 s
    async with workers(env, tmp_path, 1) as (worker,):
        await wait_until(lambda: claimed_by(db, article) is not None, 30, "the article claimed")
        assert worker.proc is not None
        worker.proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(worker.proc.wait(), 15)  # not the 300 s the analysis could still take
        assert worker.proc.returncode == 0, worker.output()
    assert jobs(db)[article][:2] == ("queued", 0), "back in the queue, the attempt not counted"
    assert claimed_by(db, article) is None
    assert "worker" in worker.output() and " stopped" in worker.output()
