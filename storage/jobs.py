"""The analysis job queue: claims with ``FOR UPDATE SKIP LOCKED`` on our own table (migration 010).

Why our own table and not a job-queue library (procrastinate, pgqueuer): both are
PostgreSQL-only, and Dossier must run the same queue on one SQLite file; the queue needs exactly
four operations (enqueue, claim, renew, file-once), each one short transaction here.

* **claim** (``serialize=False``): the oldest queued job nobody holds (no claim, or a claim that
  ran out because its worker died) gets ``claimed_by`` / ``claimed_until`` and one more attempt.
  On PostgreSQL the candidate row is locked ``FOR UPDATE SKIP LOCKED``, so two workers never
  wait for, or take, the same row; on SQLite the write transaction (``BEGIN IMMEDIATE``) already
  makes the read-then-update atomic across processes. A job out of attempts is failed there,
  with the reason, instead of being claimed.
* **renew**: a live worker pushes its claim forward while it analyses, so the claim's TTL can be
  short (a dead worker's job is retried soon) while an analysis may take longer than the TTL.
* **finish / fail**: the job leaves ``queued`` in the same transaction that files the analysis
  (or marks the article failed), and only if it is still queued and the article still pending:
  a worker presumed dead that finishes late finds the job done and files nothing. That is the
  whole of "an article analysed twice is saved once".

Timestamps here are unix seconds as floats (claims live for seconds, not minutes).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from analysis.model import ArticleAnalysis
from storage.articles import PreparedAnalysis, prepare_analysis, save_analysis_tx
from storage.db import Database, Tx
from storage.protocols import FilingRules
from storage.records import ClaimedJob, JobCounts, JobState, JobStatus

#: Jobs failed per claim transaction for running out of attempts (the rest wait for the next claim).
_SPENT_BATCH = 20
#: Queued jobs whose article was filed some other way, skipped per claim transaction.
_STALE_BATCH = 20


def _now(now: float | None) -> float:
    return time.time() if now is None else float(now)


def _skip_locked(tx: Tx) -> str:
    return " FOR UPDATE SKIP LOCKED" if tx.dialect == "postgresql" else ""


def _fail_tx(tx: Tx, article_id: int, error: str, worker: str | None, ts: float) -> bool:
    """The job and its article fail together; False if the job was no longer queued."""
    n, _ = tx.run(
        """UPDATE analysis_jobs SET status = 'failed', last_error = ?, finished_at = ?, finished_by = ?,
               claimed_until = NULL
           WHERE article_id = ? AND status = 'queued'""",
        (error, int(ts), worker, article_id),
    )
    if not n:
        return False
    tx.run(
        "UPDATE articles SET status = 'failed', error = ?, analyzed_at = ? WHERE id = ? AND status = 'pending'",
        (error, int(ts), article_id),
    )
    return True


def _enqueue_tx(tx: Tx, article_id: int, alerts: bool, waiter: str | None, waiter_until: float | None,
                ts: float) -> None:
    tx.run(
        """INSERT INTO analysis_jobs (article_id, alerts, waiter, waiter_until, created_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (article_id) DO UPDATE SET waiter = excluded.waiter, waiter_until = excluded.waiter_until""",
        (article_id, int(alerts), waiter, waiter_until, int(ts)),
    )


def _claim_tx(tx: Tx, worker: str, ttl: float, max_attempts: int, ts: float) -> ClaimedJob | None:
    lock = _skip_locked(tx)
    free = "(claimed_until IS NULL OR claimed_until < ?)"
    spent = tx.all(
        f"""SELECT article_id, attempts, last_error, claimed_by FROM analysis_jobs
            WHERE status = 'queued' AND attempts >= ? AND {free}
            ORDER BY article_id LIMIT {_SPENT_BATCH}{lock}""",
        (max_attempts, ts),
    )
    for r in spent:
        # Still claimed: its last worker died holding it. Released: the worker said why.
        last = f"worker {r['claimed_by']} stopped answering" if r["claimed_by"] else r["last_error"]
        reason = f"analysis abandoned after {int(r['attempts'])} attempt(s)" + (f": {last}" if last else "")
        _fail_tx(tx, int(r["article_id"]), reason[:500], worker, ts)
    for _ in range(_STALE_BATCH):
        row = tx.one(
            f"""SELECT article_id, attempts, alerts, claimed_by FROM analysis_jobs
                WHERE status = 'queued' AND attempts < ? AND {free}
                ORDER BY article_id LIMIT 1{lock}""",
            (max_attempts, ts),
        )
        if row is None:
            return None
        article_id = int(row["article_id"])
        article = tx.one("SELECT text, origin_chat_title, status FROM articles WHERE id = ?", (article_id,))
        if article is None or article["status"] != "pending":
            # Filed (or failed) some other way, e.g. by a bot in ANALYSIS_MODE=local: nothing to do.
            tx.run("UPDATE analysis_jobs SET status = 'done', finished_at = ?, claimed_until = NULL "
                   "WHERE article_id = ?", (int(ts), article_id))
            continue
        previous = row["claimed_by"]
        note = f"worker {previous} stopped answering" if previous is not None else None
        tx.run(
            """UPDATE analysis_jobs SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1,
                   last_error = coalesce(?, last_error)
               WHERE article_id = ?""",
            (worker, ts + ttl, note, article_id),
        )
        return ClaimedJob(article_id, str(article["text"]), article["origin_chat_title"], bool(row["alerts"]),
                          int(row["attempts"]) + 1)
    return None


def _finish_tx(tx: Tx, article_id: int, worker: str, analysis: ArticleAnalysis, prepared: PreparedAnalysis,
               rules: FilingRules, ts: float) -> list[int] | None:
    # Locked on PostgreSQL: a claim failing this job for running out of attempts (a transaction that
    # is not serialized with filings) either finishes first, and this sees "failed", or waits.
    lock = " FOR UPDATE" if tx.dialect == "postgresql" else ""
    job = tx.one(f"SELECT status, alerts FROM analysis_jobs WHERE article_id = ?{lock}", (article_id,))
    if job is None or job["status"] != "queued":
        return None  # filed already (a worker presumed dead finished late) or given up
    status = tx.scalar("SELECT status FROM articles WHERE id = ?", (article_id,))
    outbox_ids: list[int] = []
    if status == "pending":
        outbox_ids = save_analysis_tx(tx, article_id, analysis, prepared, rules, int(ts), bool(job["alerts"]))
    tx.run(
        """UPDATE analysis_jobs SET status = 'done', finished_at = ?, finished_by = ?, claimed_until = NULL
           WHERE article_id = ?""",
        (int(ts), worker, article_id),
    )
    return outbox_ids if status == "pending" else None


class SqliteJobs:
    """:class:`storage.protocols.JobStore` on a :class:`storage.db.Database` (portable SQL)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(self, article_id: int, *, alerts: bool, waiter: str | None = None,
                      wait_ttl: float = 0.0, now: float | None = None) -> None:
        """Queue the article's analysis (once: a second call only names the new waiter).
        ``waiter`` is the bot process that will send the card, for ``wait_ttl`` seconds."""
        ts = _now(now)
        until = ts + wait_ttl if waiter is not None else None
        await self._db.write(lambda tx: _enqueue_tx(tx, article_id, alerts, waiter, until, ts),
                             content=False, serialize=False)

    async def claim(self, worker: str, *, ttl: float, max_attempts: int,
                    now: float | None = None) -> ClaimedJob | None:
        """The next job for ``worker``, claimed for ``ttl`` seconds; None if the queue is empty."""
        ts = _now(now)
        return await self._db.write(lambda tx: _claim_tx(tx, worker, ttl, max(1, max_attempts), ts),
                                    content=True, serialize=False)

    async def renew(self, article_id: int, worker: str, *, ttl: float, now: float | None = None) -> bool:
        """Push the claim forward; False if the job is no longer this worker's (taken over, filed)."""
        ts = _now(now)
        n, _ = await self._db.write(
            lambda tx: tx.run(
                """UPDATE analysis_jobs SET claimed_until = ?
                   WHERE article_id = ? AND claimed_by = ? AND status = 'queued'""",
                (ts + ttl, article_id, worker),
            ),
            content=False, serialize=False,
        )
        return n > 0

    async def finish(self, article_id: int, worker: str, analysis: ArticleAnalysis, rules: FilingRules,
                     *, now: float | None = None) -> list[int] | None:
        """File the analysis and close the job in one transaction; returns the new outbox ids, or
        None if the job was already closed (nothing filed: the article is saved once)."""
        ts = _now(now)
        prepared = await asyncio.to_thread(prepare_analysis, analysis, rules)
        return await self._db.write(lambda tx: _finish_tx(tx, article_id, worker, analysis, prepared, rules, ts))

    async def fail(self, article_id: int, worker: str, error: str, *, now: float | None = None) -> bool:
        """The analysis failed for good (a timeout, a rejection): job and article fail with ``error``."""
        ts = _now(now)
        return await self._db.write(lambda tx: _fail_tx(tx, article_id, error[:500], worker, ts))

    async def release(self, article_id: int, worker: str, error: str | None, *, count_attempt: bool) -> None:
        """Give a claimed job back to the queue (the analysis child died, or the worker is stopping:
        then ``count_attempt=False`` and the try does not count)."""
        undo = 0 if count_attempt else 1
        await self._db.write(
            lambda tx: tx.run(
                """UPDATE analysis_jobs SET claimed_by = NULL, claimed_until = NULL,
                       last_error = coalesce(?, last_error), attempts = attempts - ?
                   WHERE article_id = ? AND claimed_by = ? AND status = 'queued'""",
                (error, undo, article_id, worker),
            ),
            content=False, serialize=False,
        )

    async def states(self, article_ids: Sequence[int]) -> list[JobState]:
        """The jobs of these articles (one query; articles with no job are left out)."""
        ids = [int(i) for i in article_ids]
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = await self._db.read(lambda tx: tx.all(
            f"SELECT article_id, status, attempts, last_error FROM analysis_jobs WHERE article_id IN ({marks})",
            ids))
        return [JobState(int(r["article_id"]), _status(r["status"]), int(r["attempts"]), r["last_error"])
                for r in rows]

    async def renew_waits(self, waiter: str, ttl: float, *, now: float | None = None) -> int:
        """Keep ``waiter``'s claim on the cards of its queued articles alive."""
        ts = _now(now)
        n, _ = await self._db.write(
            lambda tx: tx.run("UPDATE analysis_jobs SET waiter_until = ? WHERE waiter = ? AND status = 'queued'",
                              (ts + ttl, waiter)),
            content=False, serialize=False,
        )
        return n

    async def adopt(self, article_id: int, *, alerts: bool, waiter: str, wait_ttl: float,
                    now: float | None = None) -> bool:
        """Start-up recovery: become the one to answer a pending article, unless a live bot process
        already waits for it. Queues the job if there is none. True if it is ours now."""
        ts = _now(now)

        def adopt(tx: Tx) -> bool:
            row = tx.one("SELECT waiter, waiter_until, status FROM analysis_jobs WHERE article_id = ?",
                         (article_id,))
            if row is not None and row["waiter"] not in (None, waiter) and (row["waiter_until"] or 0) >= ts:
                return False
            _enqueue_tx(tx, article_id, alerts, waiter, ts + wait_ttl, ts)
            return True

        return await self._db.write(adopt, content=False, serialize=False)

    async def counts(self) -> JobCounts:
        ts = time.time()
        row = await self._db.read(lambda tx: tx.one(
            """SELECT coalesce(sum(CASE WHEN status = 'queued' AND (claimed_until IS NULL OR claimed_until < ?)
                                        THEN 1 ELSE 0 END), 0),
                      coalesce(sum(CASE WHEN status = 'queued' AND claimed_until >= ? THEN 1 ELSE 0 END), 0),
                      coalesce(sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0),
                      coalesce(sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0)
               FROM analysis_jobs""", (ts, ts)))
        assert row is not None
        return JobCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def _status(value: object) -> JobStatus:
    if value == "done":
        return "done"
    if value == "failed":
        return "failed"
    return "queued"
