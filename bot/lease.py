"""Exactly one alert sender and digest scheduler across every bot process: a lease.

Telegram's limits are per bot, not per process, so of all the replicas sharing a database only the
holder of the ``alerts`` lease (storage/leases.py) runs `bot.alerts.AlertSender`'s drain loop and
the digest job. Every process tries to take the lease every LEASE_RENEW seconds; the holder's try
renews it for LEASE_TTL seconds; when the holder dies its lease runs out and the next try of
another process takes it: takeover within LEASE_TTL + LEASE_RENEW (18 s with the defaults).

A holder that cannot renew (database unreachable) must stop before anyone else can start, so it
counts itself the holder only until ``LEASE_TTL - 2 * LEASE_RENEW`` seconds after its last
successful renewal *began*: the remaining ``2 * LEASE_RENEW`` seconds (6 s) are for its in-flight
sends to finish before the lease is free. A clean stop releases the lease at once, after the
sender has stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from storage.protocols import LeaseStore

log = logging.getLogger(__name__)

#: The lease that guards the alert sender and the digest job (one holder for both: they share
#: the sender's per-chat bookkeeping).
ALERTS_LEASE = "alerts"


class Lease:
    """One process's view of a named lease: take or renew it in `run`, ask `held()` before acting."""

    def __init__(self, store: LeaseStore, name: str, holder: str, *, ttl: float, renew: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if renew * 2 >= ttl:
            raise ValueError("the renew interval must be less than half the lease's TTL")
        self.store = store
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.renew = renew
        self.clock = clock
        self._valid_until = 0.0
        self._held = False
        self._changed = asyncio.Event()

    def held(self) -> bool:
        """True while this process may act as the holder."""
        return self._held and self.clock() < self._valid_until

    def _set(self, held: bool) -> None:
        if held != self._held:
            self._held = held
            log.info("%s the %r lease as %s", "took" if held else "lost", self.name, self.holder)
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()

    async def try_once(self) -> bool:
        """Take or renew the lease now; returns `held()`."""
        started = self.clock()
        try:
            ok = await self.store.acquire(self.name, self.holder, self.ttl)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("could not renew the %r lease: %s", self.name, exc)
            self._set(self.held())
            return self.held()
        if ok:
            self._valid_until = started + self.ttl - 2 * self.renew
        self._set(ok)
        return self.held()

    async def run(self) -> None:
        """Keep trying every `renew` seconds (sooner if our hold is about to lapse); release on exit."""
        try:
            while True:
                await self.try_once()
                pause = self.renew
                if self._held:
                    pause = max(0.0, min(pause, self._valid_until - self.clock()))
                await asyncio.sleep(pause)
                if self._held and not self.held():
                    self._set(False)  # renewals kept failing: we are no longer the holder
        finally:
            if self._held:
                self._set(False)
                with contextlib.suppress(Exception):
                    await asyncio.shield(self.store.release(self.name, self.holder))

    async def wait_held(self) -> None:
        while not self.held():
            await self._changed.wait()

    async def wait_lost(self) -> None:
        while self.held():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), max(0.01, self._valid_until - self.clock()))


async def while_held(lease: Lease, work: Callable[[], Awaitable[None]]) -> None:
    """Run ``work()`` whenever ``lease`` is held; cancel it (letting it clean up) when the lease is lost."""
    while True:
        await lease.wait_held()
        task = asyncio.ensure_future(work())
        lost = asyncio.ensure_future(lease.wait_lost())
        try:
            await asyncio.wait({task, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (task, lost):
                t.cancel()
            await asyncio.gather(task, lost, return_exceptions=True)
        if not task.cancelled():  # it ended by itself (it should not): do not spin
            if task.exception() is not None:
                log.error("the lease holder's work failed", exc_info=task.exception())
            await asyncio.sleep(lease.renew)
