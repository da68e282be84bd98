"""The alert sender: drains the outbox into Telegram, once per row, within Telegram's limits.

Why a sender of our own instead of `bot.send_message` through the application's AIORateLimiter:

* AIORateLimiter throttles groups (20/min) and the overall rate, but NOT private chats to one
  message a second; 100 alerts to one user would be refused. `RateLimits` below does all three.
* AIORateLimiter retries a 429 internally (``max_retries``; ``rate_limit_args=0`` does not turn
  that off, PTB reads it as "use the default") and meanwhile blocks EVERY request of the bot, the
  replies to other members included. The sender therefore talks to Telegram through its own plain
  `telegram.Bot` that shares the application's HTTP client but has no rate limiter, sees each
  `RetryAfter` itself and reschedules only the affected row at exactly now + retry_after.
* PTB's `BadRequest` is a subclass of `NetworkError`: it is caught FIRST and recorded as failed
  with Telegram's description (retrying a 400 can never succeed).
* `Forbidden` (blocked, kicked, chat deleted) pauses the chat; its rows are held, never retried
  against Telegram, and go out if the chat resumes.

Exactly once: one sender in the whole fleet (the holder of the ``alerts`` lease, bot/lease.py;
``may_send`` turns false the moment this process may no longer count itself the holder) claims
rows in outbox order, never has two sends for one chat (or one row) in flight, and marks a row
sent only after Telegram returned the message. A row whose send was accepted but whose
`mark_sent` failed is remembered and not sent again. (The one unavoidable gap: a process killed
between Telegram's acceptance and `mark_sent`, or a read timeout on a request Telegram did
accept, re-sends that row after restart or takeover — at-least-once is the only safe side of
that line.)

Daily digests run from the JobQueue every minute and share the sender's per-chat bookkeeping, so
a digest and an instant alert can never both carry one row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import cards, keyboards
from bot.i18n import lang_of
from bot.render import split_message
from bot.services import schedule
from bot.services.ratelimit import SlidingWindow
from storage.records import ArticleFull, ChatSettings, OutboxRow
from storage.repository import Storage

log = logging.getLogger(__name__)

#: Rows of paused or digest chats are looked at again after this long (a cheap DB re-check, no send).
HOLD_SECONDS = 6 * 3600
#: Network errors and 5xx: exponential backoff from BACKOFF_BASE, capped at BACKOFF_MAX ...
BACKOFF_BASE = 2.0
BACKOFF_MAX = 600.0
#: ... and given up once a row is this old and has failed this often (a day of outage keeps alerts).
GIVE_UP_AGE = 24 * 3600
GIVE_UP_FAILURES = 5
#: Seconds a stopping sender waits for its in-flight sends.
STOP_GRACE = 5.0
#: last_error prefix of rows waiting out a 429 (release() must not pull those forward).
RETRY_AFTER_NOTE = "RetryAfter"


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Telegram's documented limits, plus a margin for request latency jitter.

    The limiter stamps a send when it *starts*; Telegram (or the test's fake) sees it a few
    milliseconds later, and those delays vary, so every window is widened by ``margin``.
    """

    per_chat_interval: float = 1.0
    group_per_minute: int = 20
    group_window: float = 60.0
    #: Telegram allows ~30/s per bot; the sender keeps 5/s of that for the replies handlers send at
    #: the same moment (those go through the application's own AIORateLimiter, not this one).
    overall_per_second: int = 25
    overall_window: float = 1.0
    margin: float = 0.05
    #: Sends in flight at once (each to a different chat): real Telegram answers in ~100 ms, so
    #: one-at-a-time would cap the sender far below 30/s.
    concurrency: int = 8


class RateLimiter:
    """Telegram's three windows (per chat, per group, overall) as `SlidingWindow`s, plus 429 holds;
    ``clock`` is injectable for tests."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._chats = SlidingWindow(limits.per_chat_interval, margin=limits.margin, clock=clock)
        self._groups = SlidingWindow(limits.group_window, margin=limits.margin, clock=clock)
        self._overall = SlidingWindow(limits.overall_window, margin=limits.margin, clock=clock)
        self._hold: dict[int, float] = {}

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until ``chat_id`` may receive another message (0 = now)."""
        wait = self._chats.wait(chat_id, 1)
        if chat_id < 0:
            wait = max(wait, self._groups.wait(chat_id, self.limits.group_per_minute))
        hold = self._hold.get(chat_id)
        if hold is not None:
            now = self.clock()
            if hold > now:
                wait = max(wait, hold - now)
            else:
                del self._hold[chat_id]
        return max(0.0, wait)

    def overall_wait(self) -> float:
        return self._overall.wait(None, self.limits.overall_per_second)

    def record(self, chat_id: int) -> None:
        self._overall.record(None)
        self._chats.record(chat_id)
        if chat_id < 0:
            self._groups.record(chat_id)

    def hold(self, chat_id: int, seconds: float) -> None:
        """After a 429: nothing more to this chat before Telegram said so."""
        self._hold[chat_id] = max(self._hold.get(chat_id, 0.0), self.clock() + seconds)


def retry_after_seconds(exc: RetryAfter) -> float:
    """`RetryAfter.retry_after` is an int or a timedelta depending on PTB_TIMEDELTA; read both quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def sending_bot(application: Any) -> Bot:
    """A plain Bot sharing the application's HTTP client and token, without its rate limiter."""
    app_bot = application.bot
    token: str = app_bot.token
    base_url = app_bot.base_url.removesuffix(token)
    base_file_url = app_bot.base_file_url.removesuffix(token)
    return Bot(token, base_url=base_url, base_file_url=base_file_url, request=app_bot.request)


# ------------------------------------------------------------------------------------ the sender


class AlertSender:
    """One per process. ``now`` (unix seconds) drives the outbox and digests; tests replace it."""

    def __init__(
        self,
        storage: Storage,
        bot: Bot,
        *,
        limits: RateLimits | None = None,
        now: Callable[[], float] = time.time,
        clock: Callable[[], float] = time.monotonic,
        poll_interval: float = 5.0,
        batch: int = 200,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        self.storage = storage
        self.bot = bot
        self.limits = limits or RateLimits()
        self.limiter = RateLimiter(self.limits, clock)
        self.now = now
        self.poll_interval = poll_interval
        self.batch = batch
        #: False while this process is not the fleet's one sender (bot/lease.py): start no send.
        self.may_send = may_send
        self._wake = asyncio.Event()
        #: Set while nothing is due and nothing is in flight (tests wait for it before negative checks).
        self._idle = asyncio.Event()
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        self._in_flight: set[int] = set()
        self._busy_chats: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        #: Accepted by Telegram but not yet recorded as sent (a DB hiccup): never send these again.
        self._sent_unmarked: dict[int, int | None] = {}
        self._failures: dict[int, int] = {}
        self._earliest: float | None = None
        self._quiet = False
        self._articles: dict[int, ArticleFull | None] = {}

    # ------------------------------------------------------------ control

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def wait_idle(self) -> None:
        """Until a pass of the sender found nothing it could send now and no send is in flight:
        what is still in the outbox is held (muted, paused, digest) or waits for a retry."""
        await self._idle.wait()

    async def on_analyzed(self, article_id: int) -> None:
        """Ingest hook: the outbox rows of ``article_id`` were just committed."""
        self._articles.pop(article_id, None)
        self.wake()

    async def release(self, chat_id: int) -> None:
        """A chat lifted its mute/digest/pause: pull its held rows forward and send them now."""
        now = int(self.now())
        for row in await self.storage.pending_digest(chat_id):
            # A row waiting out Telegram's retry_after keeps waiting: that time is not ours to cut.
            if row.next_attempt_at > now and not (row.last_error or "").startswith(RETRY_AFTER_NOTE):
                await self.storage.reschedule_alert(row.id, now, "released")
        self.wake()

    async def run(self) -> None:
        """The background loop: drain, then sleep until woken, a retry is due, or the poll."""
        log.info("alert sender started")
        try:
            while True:
                self._wake.clear()
                try:
                    delay = await self.drain_once()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("alert sender pass failed")
                    delay = self.poll_interval
                if delay <= 0:
                    await asyncio.sleep(0)
                    continue
                if self._quiet and not self._tasks and not self._wake.is_set():
                    self._idle.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
        finally:
            # Let sends already on the wire finish and be marked: cancelling one after Telegram
            # accepted it would send it again after the restart. Whoever stops us should await
            # this task before closing the database.
            if self._tasks:
                _, late = await asyncio.wait(list(self._tasks), timeout=STOP_GRACE)
                for task in late:
                    task.cancel()
            log.info("alert sender stopped")

    async def drain_once(self) -> float:
        """Start sends for every due row that may go now; seconds until the next look is useful."""
        await self._flush_unmarked()
        if not self.may_send():
            return self.poll_interval
        now = self.now()
        rows = await self.storage.due_alerts(int(now), limit=self.batch)
        settings: dict[int, ChatSettings | None] = {}
        deferred: set[int] = set()
        soonest = self.poll_interval
        if self._earliest is not None:
            soonest = min(soonest, max(0.0, self._earliest - now))
            if self._earliest <= now:
                self._earliest = None
        started = 0
        self._quiet = False
        for row in rows:
            if row.id in self._in_flight or row.id in self._sent_unmarked or row.chat_id in deferred:
                continue
            if row.chat_id in self._busy_chats:
                deferred.add(row.chat_id)  # keep this chat's order: one send at a time
                continue
            if row.chat_id not in settings:
                settings[row.chat_id] = await self.storage.get_chat_settings(row.chat_id)
            if await self._held(row, settings[row.chat_id]):
                continue
            wait = self.limiter.chat_wait(row.chat_id)
            if wait > 0:
                deferred.add(row.chat_id)
                soonest = min(soonest, wait)
                continue
            overall = self.limiter.overall_wait()
            while overall > 0:
                await asyncio.sleep(overall)
                overall = self.limiter.overall_wait()
            if row.chat_id in self._busy_chats:  # a digest claimed the chat while we slept
                deferred.add(row.chat_id)
                continue
            if not self.may_send():  # the lease lapsed during this pass: another process sends now
                break
            await self._slots.acquire()
            self.limiter.record(row.chat_id)
            self._in_flight.add(row.id)
            self._busy_chats.add(row.chat_id)
            task = asyncio.get_running_loop().create_task(self._deliver(row, settings[row.chat_id]))
            self._tasks.add(task)
            task.add_done_callback(self._done)
            started += 1
        self._quiet = not started and not deferred and not any(r.id in self._sent_unmarked for r in rows)
        if started and len(rows) >= self.batch:
            return 0.0  # more may be waiting beyond this batch
        if started:
            soonest = min(soonest, self.limits.per_chat_interval)
        return soonest

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        self.wake()  # the chat is free again, or a retry time was just set: look again
        if not task.cancelled() and task.exception() is not None:
            log.error("alert delivery crashed", exc_info=task.exception())

    async def _held(self, row: OutboxRow, settings: ChatSettings | None) -> bool:
        """Rows of muted, digest or paused chats wait in the outbox; they are not sent now.

        `due_alerts` already leaves those chats out; this catches a setting changed between that
        query and the send (a /mute typed while the batch was being sent)."""
        if settings is None:
            return False
        now = self.now()
        if settings.paused:
            await self._reschedule(row, now + HOLD_SECONDS, "chat paused")
            return True
        if settings.digest_time:
            await self._reschedule(row, now + HOLD_SECONDS, "waiting for the digest")
            return True
        if settings.muted_until is not None and settings.muted_until > now:
            await self._reschedule(row, settings.muted_until, "muted")
            return True
        return False

    async def _reschedule(self, row: OutboxRow, at: float, error: str) -> None:
        when = math.ceil(at)
        await self.storage.reschedule_alert(row.id, when, error[:500])
        if self._earliest is None or when < self._earliest:
            self._earliest = when

    # ------------------------------------------------------------ one row

    async def _deliver(self, row: OutboxRow, settings: ChatSettings | None) -> None:
        try:
            language = lang_of(settings.language if settings else None)
            full = await self._article(row.article_id)
            try:
                message = await self.bot.send_message(
                    row.chat_id, cards.alert_text(row, full, language), parse_mode=ParseMode.HTML,
                    reply_markup=keyboards.alert_keyboard(row.article_id, language), disable_web_page_preview=True)
            except TelegramError as exc:
                await self._failed(row, exc)
                return
            except Exception as exc:  # not Telegram's answer (e.g. HTTP client closed at shutdown)
                log.warning("alert %s to chat %s not sent: %r", row.id, row.chat_id, exc)
                with contextlib.suppress(Exception):  # back off so a persistent fault cannot spin
                    await self._reschedule(row, self.now() + BACKOFF_MAX / 10, f"{type(exc).__name__}: {exc}")
                return
            self._failures.pop(row.id, None)
            self._sent_unmarked[row.id] = message.message_id
            await self._mark_sent(row.id)
        finally:
            self._in_flight.discard(row.id)
            self._busy_chats.discard(row.chat_id)

    async def _mark_sent(self, row_id: int) -> None:
        try:
            await self.storage.mark_sent(row_id, self._sent_unmarked[row_id], int(self.now()))
        except Exception:
            log.exception("alert %s was delivered but could not be marked; will retry marking", row_id)
            return
        self._sent_unmarked.pop(row_id, None)

    async def _flush_unmarked(self) -> None:
        for row_id in list(self._sent_unmarked):
            if row_id not in self._in_flight:
                await self._mark_sent(row_id)

    async def _failed(self, row: OutboxRow, exc: TelegramError) -> None:
        """Decide a failed send's fate; the order of the checks matters (see the module doc)."""
        now = self.now()
        if isinstance(exc, RetryAfter):
            seconds = retry_after_seconds(exc)
            self.limiter.hold(row.chat_id, seconds)
            log.info("429 for chat %s: alert %s retries in %.0f s", row.chat_id, row.id, seconds)
            await self._reschedule(row, now + seconds, f"{RETRY_AFTER_NOTE} {seconds:g}")
        elif isinstance(exc, Forbidden):
            log.warning("chat %s refused alerts (%s); pausing it", row.chat_id, exc.message)
            await self.storage.set_paused(row.chat_id, True)
            await self._reschedule(row, now + HOLD_SECONDS, f"Forbidden: {exc.message}")
        elif isinstance(exc, ChatMigrated):
            # The group became a supergroup: its subscriptions and pending alerts follow the new id.
            log.info("chat %s migrated to %s; moving its subscriptions", row.chat_id, exc.new_chat_id)
            await self.storage.migrate_chat(row.chat_id, exc.new_chat_id)
            await self._reschedule(row, now, "chat migrated to a supergroup")
        elif isinstance(exc, BadRequest):
            log.warning("alert %s to chat %s rejected: %s", row.id, row.chat_id, exc.message)
            await self.storage.mark_alert_failed(row.id, exc.message[:500], int(now))
        else:
            failures = self._failures.get(row.id, 0) + 1
            self._failures[row.id] = failures
            kind = "network" if isinstance(exc, NetworkError) else type(exc).__name__
            if failures >= GIVE_UP_FAILURES and now - row.created_at > GIVE_UP_AGE:
                self._failures.pop(row.id, None)
                await self.storage.mark_alert_failed(row.id, f"{kind}: {exc.message}"[:500], int(now))
                return
            delay = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (failures - 1))
            log.info("alert %s to chat %s failed (%s: %s); retry in %.0f s", row.id, row.chat_id, kind,
                     exc.message, delay)
            await self._reschedule(row, now + delay, f"{kind}: {exc.message}")

    async def _article(self, article_id: int) -> ArticleFull | None:
        if article_id not in self._articles:
            if len(self._articles) > 256:
                self._articles.clear()
            self._articles[article_id] = await self.storage.get_article(article_id)
        return self._articles[article_id]

    # ------------------------------------------------------------ digests

    async def send_due_digests(self) -> int:
        """One digest per chat whose hour has come; returns how many were sent."""
        now = self.now()
        sent = 0
        if not self.may_send():
            return 0
        for chat in await schedule.chats_due_for_digest(self.storage.chats, int(now)):
            if chat.paused or (chat.muted_until is not None and chat.muted_until > now):
                continue  # due again next minute; goes out once the mute ends
            if chat.chat_id in self._busy_chats:
                continue  # an instant alert to this chat is in flight; next minute
            self._busy_chats.add(chat.chat_id)
            try:
                sent += await self._digest(chat, now)
            except Exception:
                log.exception("digest for chat %s failed", chat.chat_id)
            finally:
                self._busy_chats.discard(chat.chat_id)
        return sent

    async def _digest(self, chat: ChatSettings, now: float) -> int:
        rows = await self.storage.pending_digest(chat.chat_id)
        if not rows:
            await self.storage.mark_digest_sent(chat.chat_id, [], int(now))
            return 0
        language = lang_of(chat.language)
        articles = {row.article_id: await self._article(row.article_id) for row in rows}
        parts = split_message(cards.digest_text(rows, articles, language))
        for index, part in enumerate(parts):
            wait = max(self.limiter.chat_wait(chat.chat_id), self.limiter.overall_wait())
            if wait > 0:
                await asyncio.sleep(wait)
            self.limiter.record(chat.chat_id)
            try:
                await self.bot.send_message(chat.chat_id, part, parse_mode=ParseMode.HTML,
                                            disable_web_page_preview=True)
            except RetryAfter as exc:
                self.limiter.hold(chat.chat_id, retry_after_seconds(exc))
                if index == 0:
                    return 0  # nothing shown yet: the whole digest is due again next minute
                break
            except Forbidden as exc:
                log.warning("chat %s refused its digest (%s); pausing it", chat.chat_id, exc.message)
                await self.storage.set_paused(chat.chat_id, True)
                return 0
            except BadRequest as exc:
                log.warning("digest for chat %s rejected: %s", chat.chat_id, exc.message)
                for row in rows:
                    await self.storage.mark_alert_failed(row.id, exc.message[:500], int(now))
                await self.storage.mark_digest_sent(chat.chat_id, [], int(now))
                return 0
            except TelegramError as exc:
                log.info("digest for chat %s failed (%s); next minute", chat.chat_id, exc.message)
                if index == 0:
                    return 0
                break
        # Once any part is shown the digest counts as sent: re-sending it whole would repeat it.
        await self.storage.mark_digest_sent(chat.chat_id, [row.id for row in rows], int(now))
        return 1
