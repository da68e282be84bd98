"""What runs beside the handlers: inbox replay, interrupted analyses, inbox pruning, alerts, digests
(the last two only in the one process of the fleet that holds the alerts lease).

`start_background` is called once by the composition root (`bot.app`) and returns the coroutine
that stops it all again; it takes its dependencies as arguments and is imported by nobody else.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from bot.i18n import lang_of, t
from bot.inbox import DurableApplication, InboxRequest
from bot.lease import ALERTS_LEASE, Lease, while_held
from bot.lists import article_card
from bot.render import split_message
from bot.services.container import Services
from bot.services.queue import process_name
from storage.records import ArticleRow

log = logging.getLogger(__name__)

#: How long re-analysis of pending articles waits for the replayed updates to be handled.
REPLAY_WAIT = 120.0
#: Handled updates are kept this long to recognise Telegram's redeliveries (it keeps updates 24 h).
INBOX_KEEP = 2 * 24 * 3600
INBOX_PRUNE_EVERY = 6 * 3600
DIGEST_JOB = "dossier.digest"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Background:
    """The running background tasks and the digest job; `stop` ends them (post_shutdown)."""

    tasks: list[asyncio.Task[None]]
    job_queue: Any
    #: Renews the alerts lease; stopped last, so the lease is released only once no send is in flight.
    lease_task: asyncio.Task[None] | None = None

    async def stop(self) -> None:
        if self.job_queue is not None:
            for job in self.job_queue.get_jobs_by_name(DIGEST_JOB):
                job.schedule_removal()
        for task in self.tasks:
            task.cancel()
        # Let in-flight sends finish and be recorded before the database closes.
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.lease_task is not None:
            self.lease_task.cancel()
            await asyncio.gather(self.lease_task, return_exceptions=True)


async def start_background(application: AnyApplication, services: Services,
                           inbox_request: InboxRequest | None, *, webhook: bool = False) -> Background:
    """Replay the inbox, then start the background tasks and the digest job.

    A webhook replica replays nothing and finishes no pending article: its dispatcher claims the
    inbox's unfinished updates (an article's update stays pending until its card is sent, so a
    replica that died mid-analysis leaves an update another replica handles again), and an article
    pending right now may be in the middle of its analysis on another replica.
    """
    if not webhook and isinstance(application, DurableApplication):
        await application.replay_inbox(services.storage, inbox_request)
    loop = asyncio.get_running_loop()
    settings = services.settings
    # One sender and one digest scheduler for the whole fleet: the holder of the alerts lease.
    lease = Lease(services.storage.leases, ALERTS_LEASE, process_name(), ttl=settings.lease_ttl,
                  renew=settings.lease_renew)
    services.alerts.may_send = lease.held
    await lease.try_once()  # a lone bot sends from its first second
    tasks = []
    if not webhook:
        tasks.append(loop.create_task(_finish_pending(services, application), name="dossier.pending"))
    tasks += [
        loop.create_task(_prune_inbox(services), name="dossier.prune"),
        loop.create_task(while_held(lease, services.alerts.run), name="dossier.alerts"),
    ]
    job_queue = application.job_queue
    if job_queue is not None:
        async def digest_job(_: CallbackContext[Any, Any, Any, Any]) -> None:
            if lease.held():
                await services.alerts.send_due_digests()

        first = 60 - time.time() % 60  # on the minute, so "09:00" means 09:00:0x
        job_queue.run_repeating(digest_job, interval=60, first=first, name=DIGEST_JOB)
    else:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]): daily digests are off")
    return Background(tasks, job_queue, loop.create_task(lease.run(), name="dossier.lease"))


async def _finish_pending(services: Services, application: AnyApplication) -> None:
    """Analyse articles stored before a crash, and tell whoever sent them.

    Waits for the replayed updates first: an article whose update is replayed is finished (and
    answered) by that update's handler, so it must not be analysed here a second time.
    """
    try:
        if isinstance(application, DurableApplication):
            try:
                await asyncio.wait_for(application.replay_finished.wait(), REPLAY_WAIT)
            except TimeoutError:
                log.warning("replayed updates still running after %.0f s; finishing pending articles now",
                            REPLAY_WAIT)
        rows = await services.storage.pending_articles()
        queue = services.queue
        finished = 0
        if queue is None:
            for row in rows:
                await _finish_one(services, application, row)
                finished += 1
        else:
            # Several bot processes may share the queue: answer only the articles no live one waits
            # for (queueing them all first, so the workers take them in parallel). One whose waiter
            # looks alive is looked at again once that waiter's claim ran out: if it died meanwhile
            # (a restart of this very process within WAIT_TTL), the article is ours then.
            later: list[ArticleRow] = []
            for attempt in range(2):
                if attempt:
                    await asyncio.sleep(queue.wait_ttl + 1)
                    still = {row.id for row in await services.storage.pending_articles()}
                    rows = [row for row in later if row.id in still]
                adopted: list[ArticleRow] = []
                later = []
                for row in rows:
                    (adopted if await queue.adopt(row.id, alerts=row.origin_kind != "import") else later).append(row)
                for row in adopted:
                    await _finish_one(services, application, row)
                    finished += 1
                if not later:
                    break
        if finished:
            log.info("finished %d article(s) left pending by the previous run", finished)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("finishing pending articles failed")


async def _finish_one(services: Services, application: AnyApplication, row: ArticleRow) -> None:
    """Analyse one pending article and send its card with the after-restart note."""
    # An import interrupted mid-way leaves pending articles too; imports alert only on request,
    # so finishing them here must not alert either.
    outcome = await services.ingest.analyze_stored(row.id, row.text, origin=row.origin_chat_title,
                                                   alerts=row.origin_kind != "import")
    if row.added_chat_id is None or outcome.article is None:
        return
    settings = await services.storage.get_chat_settings(row.added_chat_id)
    language = lang_of(settings.language if settings else None)
    note = t(language, "after_restart")
    # The same card and buttons ("All actors", "All claims"…) as a card sent by the handler.
    view = article_card(outcome.article, language, note=note)
    parts = split_message(view.text)
    for i, part in enumerate(parts):
        try:
            await application.bot.send_message(
                row.added_chat_id, part, parse_mode=ParseMode.HTML, disable_web_page_preview=True,
                reply_markup=view.keyboard if i == len(parts) - 1 else None)
        except TelegramError as exc:
            log.warning("could not send the card of article %s: %s", row.id, exc)
            break


async def _prune_inbox(services: Services) -> None:
    """Forget handled updates older than INBOX_KEEP, so raw messages do not pile up forever."""
    while True:
        try:
            removed = await services.storage.inbox_prune(int(time.time()) - INBOX_KEEP)
            if removed:
                log.info("pruned %d handled update(s) from the inbox", removed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("pruning the inbox failed")
        await asyncio.sleep(INBOX_PRUNE_EVERY)
