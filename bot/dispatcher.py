"""The per-chat dispatcher of a webhook replica: claims inbox updates and handles them in order.

Every replica runs one. It claims the oldest pending update of each chat that no live replica is
handling (a lease: ``claimed_by`` + ``claimed_until``, `storage/inbox.py`), hands it to
python-telegram-bot, marks it done and claims the chat's next one; so a chat's updates are handled
one after another, in Telegram's order, by one replica at a time, while different chats run side
by side. A run of forwarded parts (which Ingest joins into one article) is claimed together. The
leases of running updates are renewed while their handlers work; a replica that dies stops
renewing, its claims expire after INBOX_CLAIM_TIMEOUT and another replica handles those updates.

It wakes at once for updates this replica stored (`wake`) and polls briefly for the others'.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable

from storage.records import Claimed
from storage.repository import Storage

log = logging.getLogger(__name__)

#: How often a replica looks for updates other replicas stored.
POLL_INTERVAL = 0.25
#: Updates (so chats, mostly) one replica handles at once.
CONCURRENCY = 32
#: A graceful stop waits this long for running handlers before giving their claims back.
STOP_GRACE = 15.0

Handle = Callable[[Claimed], Awaitable[None]]


def replica_name() -> str:
    """This process among all replicas: host, pid and a random tail (a pid is reused after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class ChatDispatcher:
    """Claims and handles inbox updates per chat until `stop`."""

    def __init__(self, storage: Storage, handle: Handle, *, lease: float, replica: str | None = None,
                 poll_interval: float = POLL_INTERVAL, concurrency: int = CONCURRENCY) -> None:
        self.storage = storage
        self.handle = handle
        self.replica = replica or replica_name()
        self.lease_ms = max(1, int(lease * 1000))
        self.poll_interval = poll_interval
        self.concurrency = concurrency
        self.handled = 0
        self._wake = asyncio.Event()
        self._running: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._failing = False
        self._done: list[tuple[int, asyncio.Future[None]]] = []
        self._marking: asyncio.Task[None] | None = None
        self._loop_ended: asyncio.Event | None = None  # set once `run` can start no more handlers

    def wake(self) -> None:
        """An update was stored here: claim it now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        ended = self._loop_ended = asyncio.Event()
        renewer = asyncio.get_running_loop().create_task(self._renew(), name="dossier.inbox-renew")
        try:
            while not self._stopping:
                self._wake.clear()
                room = self.concurrency - len(self._running)
                if room > 0:
                    claimed = await self._claim(room)
                    if self._stopping:
                        break  # stopped while claiming: `stop` gives these back, nothing starts now
                    for one in claimed:
                        self._start(one)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        finally:
            ended.set()
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)

    async def stop(self) -> None:
        """Claim nothing more, let running handlers finish (up to STOP_GRACE), give back the rest."""
        self._stopping = True
        self._wake.set()
        if self._loop_ended is not None:
            # A claim in flight when stop was called must not start a handler after the wait below
            # (it would run on into a closed storage): wait for the loop to leave first.
            await self._loop_ended.wait()
        running = list(self._running.values())
        if running:
            _, late = await asyncio.wait(running, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        try:
            released = await self.storage.inbox_release(self.replica)
        except Exception as exc:
            log.warning("could not give back the inbox claims of %s: %s", self.replica, exc)
            return
        if released:
            log.info("gave back %d unfinished update(s) for another replica", released)

    async def _claim(self, room: int) -> list[Claimed]:
        try:
            claimed = await self.storage.inbox_claim(self.replica, limit=room, lease_ms=self.lease_ms)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not self._failing:  # once per outage, not every 250 ms
                log.error("cannot claim inbox updates (retrying): %s", exc)
            self._failing = True
            return []
        if self._failing:
            log.info("claiming inbox updates works again")
            self._failing = False
        return claimed

    def _start(self, claimed: Claimed) -> None:
        task = asyncio.get_running_loop().create_task(self._process(claimed),
                                                      name=f"dossier.update-{claimed.update_id}")
        self._running[claimed.update_id] = task

        def finished(_: asyncio.Task[None]) -> None:
            self._running.pop(claimed.update_id, None)
            self._wake.set()  # the chat's next update may be claimable now

        task.add_done_callback(finished)

    async def _process(self, claimed: Claimed) -> None:
        try:
            await self.handle(claimed)
        except asyncio.CancelledError:
            raise  # a stop cut it short: its claim is given back, it runs again elsewhere
        except Exception:
            # The application reports handler errors itself; this is a bug around it. Marking the
            # update done keeps one bad update from blocking its chat for ever.
            log.exception("update %s failed outside its handlers; marking it done", claimed.update_id)
        try:
            await self._mark_done(claimed.update_id)
            self.handled += 1
        except Exception as exc:  # storage closing under a shutdown: its claim expires, it runs again
            log.warning("could not mark update %s done: %s", claimed.update_id, exc)

    async def _mark_done(self, update_id: int) -> None:
        """Mark done in one transaction with the others finishing meanwhile (one commit for many
        on PostgreSQL); returns once this one is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._done.append((update_id, future))
        if self._marking is None or self._marking.done():
            self._marking = loop.create_task(self._mark_batches(), name="dossier.inbox-done")
        await future

    async def _mark_batches(self) -> None:
        while self._done:
            batch, self._done = self._done, []
            try:
                await self.storage.inbox_done_many([uid for uid, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, future in batch:
                if not future.done():
                    future.set_result(None)

    async def _renew(self) -> None:
        """Keep the claims of running handlers alive (a third of the lease, so one missed beat is fine)."""
        while True:
            await asyncio.sleep(self.lease_ms / 3000)
            if not self._running:
                continue
            try:
                await self.storage.inbox_renew(self.replica, lease_ms=self.lease_ms)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("could not renew inbox claims: %s", exc)
