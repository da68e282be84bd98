"""A durable inbox: no update is lost between Telegram and the handlers.

Telegram forgets an update once a later `getUpdates` asks for a higher offset, and PTB's
Updater polls again before the handlers of the previous batch have run. A SIGKILL in between
would lose those updates. So every fetched update is written to the database *inside* the
`getUpdates` call, before the Updater can confirm it, and marked done only after its handlers
finished. On start-up the unfinished ones are replayed; an update Telegram delivers again after
it was already handled is skipped.

When the database is unreachable (a PostgreSQL server lost while running) nothing can be stored,
so nothing is handed to PTB either: the `getUpdates` answer is replaced by an empty one, the
offset does not move, and Telegram keeps the updates until the database is back (retried with a
growing pause, one log line when it goes and one when it returns, no traceback per poll).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application
from telegram.request import HTTPXRequest, RequestData

from bot.lanes import lane_of
from storage.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from storage.repository import Storage

log = logging.getLogger(__name__)

#: Where the application keeps its InboxRequest (bot_data), for start-up to attach storage and replay.
INBOX_REQUEST_KEY = "dossier.inbox_request"
#: The pause before asking Telegram again while the database is away: doubling up to this.
MAX_DATABASE_PAUSE = 30.0
_NO_UPDATES = b'{"ok": true, "result": []}'


class InboxRequest(HTTPXRequest):
    """The HTTP client of `getUpdates`, writing each update to the inbox before returning it."""

    def __init__(self) -> None:
        # One connection suffices for long polling; PTB uses the same default for getUpdates.
        super().__init__(connection_pool_size=1, read_timeout=10.0)
        self.storage: Storage | None = None
        #: Update ids Telegram delivered again although an earlier run already stored them.
        self.seen_before: set[int] = set()
        #: Update ids this process wrote to the inbox. A getUpdates repeated with the same offset
        #: (an error after some were stored, e.g. a locked database) returns them again: they are
        #: not "seen before", and the application's own bookkeeping handles each of them once.
        self._stored_here: set[int] = set()
        #: getUpdates answers in a row whose updates could not be stored (the database is away).
        self._database_failures = 0

    def attach(self, storage: Storage) -> None:
        self.storage = storage

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if self.storage is not None and code == 200 and url.endswith("/getUpdates"):
            body = json.loads(payload)
            results = body.get("result") or []
            poisoned = False
            for index, raw in enumerate(results):
                update_id = int(raw["update_id"])
                if update_id not in self._stored_here:
                    chat_id, part = lane_of(raw)
                    try:
                        created = await self.storage.inbox_put(update_id, json.dumps(raw, ensure_ascii=False),
                                                               chat_id=chat_id, part=part)
                    except DatabaseUnavailable as exc:
                        await self._database_away(exc)
                        return code, _NO_UPDATES
                    if created:
                        self._stored_here.add(update_id)
                    else:
                        self.seen_before.add(update_id)
                if not _parses(raw):
                    # PTB would fail on the whole batch and fetch it again forever: the bot would
                    # be stuck. Hand PTB an empty update with the same id instead (no handler
                    # takes it, the offset moves on); the raw update stays in the inbox.
                    log.warning("update %s cannot be read by python-telegram-bot; skipped", update_id)
                    results[index] = {"update_id": update_id}
                    poisoned = True
            if self._database_failures:
                log.warning("database available again after %d failed poll(s); handling updates",
                            self._database_failures)
                self._database_failures = 0
            if poisoned:
                payload = json.dumps(body).encode()
            if len(self._stored_here) > 20_000:  # Telegram redelivers only recent updates
                floor = max(self._stored_here) - 10_000
                self._stored_here = {uid for uid in self._stored_here if uid > floor}
        return code, payload

    async def _database_away(self, exc: DatabaseUnavailable) -> None:
        """Nothing was handed to PTB: wait (doubling, at most MAX_DATABASE_PAUSE) before the next poll."""
        self._database_failures += 1
        if self._database_failures == 1:
            log.error("%s; updates stay with Telegram until the database is back", exc)
        await asyncio.sleep(min(MAX_DATABASE_PAUSE, 0.5 * 2 ** min(self._database_failures - 1, 8)))


def _parses(raw: dict[str, Any]) -> bool:
    try:
        Update.de_json(raw, None)
    except Exception:
        return False
    return True


class DurableApplication(Application):  # type: ignore[type-arg]
    """Marks each update done in the inbox after its handlers ran; replays unfinished ones."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.storage: Storage | None = None
        self.inbox_request: InboxRequest | None = None
        self._in_flight: set[int] = set()
        self._handled: set[int] = set()
        self._replayed: set[int] = set()
        self._replay_left: set[int] = set()
        #: Set once every replayed update was handled; re-analysis of pending articles waits for it
        #: so an article is analysed by its replayed update or by the re-analysis, never by both.
        self.replay_finished = asyncio.Event()

    async def replay_inbox(self, storage: Storage, request: InboxRequest | None) -> int:
        """Queue the updates a previous run fetched but did not finish; returns how many."""
        self.storage = storage
        self.inbox_request = request
        pending = await storage.inbox_pending()
        for update_id, payload in pending:
            try:
                update = Update.de_json(json.loads(payload), self.bot)
            except Exception:
                log.exception("inbox update %s cannot be decoded; dropping it", update_id)
                await storage.inbox_done(update_id)
                continue
            self._replayed.add(update_id)
            self._replay_left.add(update_id)
            await self.update_queue.put(update)
        if pending:
            log.info("replaying %d update(s) left unfinished by the previous run", len(pending))
        if not self._replay_left:
            self.replay_finished.set()
        return len(pending)

    def is_replayed(self, update_id: int) -> bool:
        return update_id in self._replayed

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update) or self.storage is None:
            await super().process_update(update)
            return
        update_id = update.update_id
        if update_id in self._in_flight or update_id in self._handled:
            return  # replayed from the inbox and delivered again by Telegram: handle once
        request = self.inbox_request
        if request is not None and update_id in request.seen_before:
            request.seen_before.discard(update_id)
            if update_id not in self._replayed:
                return  # a previous run finished it; Telegram had not yet heard that
        self._in_flight.add(update_id)
        finished = False
        try:
            await super().process_update(update)
            finished = True
        finally:
            self._in_flight.discard(update_id)
            if finished:
                # Only a finished update is done: one cancelled by a shutdown stays pending and
                # is replayed by the next run. (Handler errors are finished: PTB reported them.)
                self._remember(update_id)
                try:
                    await self.storage.inbox_done(update_id)
                except Exception as exc:  # storage closing under a shutdown: it is replayed, once
                    log.warning("could not mark update %s done: %s", update_id, exc)
            if update_id in self._replay_left:
                self._replay_left.discard(update_id)
                if not self._replay_left:
                    self.replay_finished.set()

    def _remember(self, update_id: int) -> None:
        self._handled.add(update_id)
        if len(self._handled) > 20_000:  # Telegram redelivers only recent updates
            floor = max(self._handled) - 10_000
            self._handled = {uid for uid in self._handled if uid > floor}
