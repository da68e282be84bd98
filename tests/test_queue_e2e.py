"""ANALYSIS_MODE=queue end to end: the bot stores and queues, `python -m bot worker` analyses, the
bot sends the card; a bot killed while it waits answers each article once after its restart."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from fleet_processes import WorkerProcess, rows, wait_until, worker_env
from test_access import CHANNEL, article_text, article_title
from test_durability import OWNER, bot_env, bot_process, cards_for, wait_polling

from bot.i18n import t

from fakes.bot_api import FakeBotAPI

SLOW = "МЕДЛЕННАЯ-СТАТЬЯ"


def waiter(db: str, article_id: int) -> str | None:
    found = rows(db, "SELECT waiter FROM analysis_jobs WHERE article_id = ?", (article_id,))
    return str(found[0][0]) if found and found[0][0] is not None else None


def claimed(db: str, article_id: int) -> bool:
    return bool(rows(db, "SELECT 1 FROM analysis_jobs WHERE article_id = ? AND claimed_by IS NOT NULL "
                            "AND status = 'queued'", (article_id,)))


def job_status(db: str) -> dict[int, str]:
    return {int(r[0]): str(r[1]) for r in rows(db, "SELECT article_id, status FROM analysis_jobs")}


@pytest.mark.timeout(180)
async def test_queue_mode_cards_come_once_also_across_a_bot_killed_while_waiting(
    fake_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    db = database_url
    env = bot_env(fake_api, tmp_path / "unused.db", ANALYSIS_MODE="queue", DATABASE_URL=db)
    wenv = worker_env(db, DOSSIER_TEST_ANALYSIS_DELAY=f"{SLOW}=8")
    log = tmp_path / "bot.log"
    worker = WorkerProcess(wenv, tmp_path, tmp_path / "worker.log")
    await worker.start()
    try:
        async with bot_process(env, tmp_path, log) as first:
            await wait_polling(fake_api, first, 0.0, timeout=30)
            await wait_until(worker.ready, 90, "the worker to load its models")
            fake_api.forward_from_channel(OWNER, article_text(0), channel_id=CHANNEL, channel_title="Новости",
                                          message_id=10)
            await fake_api.wait_for(lambda: cards_for(fake_api, article_title(0)), 40, message="the first card")
            assert "analysis ready" not in first.output(), "a queue-mode bot loads no models"

            # No worker now: two more forwards are stored and queued, and the bot waits for them.
            assert await worker.stop() == 0
            fake_api.forward_from_channel(OWNER, article_text(1), channel_id=CHANNEL, channel_title="Новости",
                                          message_id=20)
            # One after the other, so the slow one is queued (and claimed) second.
            await wait_until(lambda: len(job_status(db)) == 2, 30, "the second article queued")
            fake_api.forward_from_channel(OWNER, f"{article_text(2)}\n\n{SLOW}", channel_id=CHANNEL,
                                          channel_title="Новости", message_id=30)
            await wait_until(lambda: len(job_status(db)) == 3, 30, "both new articles queued")
            await first.kill()

        # A worker files the second article while the bot is down, and is frozen holding the slow one.
        worker = WorkerProcess(wenv, tmp_path, tmp_path / "worker2.log")
        await worker.start()
        fast, slow = (int(r[0]) for r in rows(
            db, "SELECT id FROM articles WHERE origin_message_id IN (20, 30) ORDER BY origin_message_id"))
        await wait_until(lambda: job_status(db).get(fast) == "done", 90, "the worker to file the second article")
        await wait_until(lambda: waiter(db, slow) is not None and claimed(db, slow), 30, "the slow one claimed")
        worker.signal_group(signal.SIGSTOP)
        first_waiter = waiter(db, slow)
        restarted = time.monotonic()
        async with bot_process(env, tmp_path, log) as second:
            await wait_polling(fake_api, second, restarted, timeout=30)
            # The restarted bot replays both updates: the filed one is answered at once, the pending
            # one is waited for (its name replaces the dead bot's on the job) until the worker files it.
            await fake_api.wait_for(lambda: cards_for(fake_api, article_title(1)), 30, message="the filed one's card")
            await wait_until(lambda: waiter(db, slow) != first_waiter, 30, "the new bot to wait for the slow one")
            assert not cards_for(fake_api, article_title(2))
            worker.signal_group(signal.SIGCONT)
            await fake_api.wait_for(lambda: cards_for(fake_api, article_title(2)), 60, message="the late card")
            await wait_until(lambda: job_status(db).get(slow) == "done", 30, "the slow article filed")
            assert await second.stop() == 0, second.output()
        assert await worker.stop() == 0
    finally:
        if worker.proc is not None and worker.proc.returncode is None:
            await worker.kill()

    for i in range(3):
        assert len(cards_for(fake_api, article_title(i))) == 1, (i, fake_api.texts(OWNER))
    (late,) = cards_for(fake_api, article_title(2))
    assert t("ru", "after_restart") in late, "still pending at the restart: the card says it is late"
    assert rows(db, "SELECT count(*), min(status), max(status) FROM articles") == [(3, "done", "done")]
    assert not fake_api.rejected
