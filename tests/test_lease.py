"""The alerts lease in one process: one holder at a time, the holder stops before another starts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from test_alerts import add_article, alerts, subscribe

from bot.lease import Lease, while_held
from storage.errors import StorageError
from storage.protocols import LeaseStore
from storage.repository import Storage

from harness import MEMBER, OWNER, RunningBot


class Unplugged:
    """A lease store whose database can be cut off (for one process only)."""

    def __init__(self, inner: LeaseStore) -> None:
        self.inner = inner
        self.down = False

    async def acquire(self, name: str, holder: str, ttl: float, *, now: float | None = None) -> bool:
        if self.down:
            raise StorageError("database unreachable")
        return await self.inner.acquire(name, holder, ttl, now=now)

    async def release(self, name: str, holder: str) -> bool:
        if self.down:
            raise StorageError("database unreachable")
        return await self.inner.release(name, holder)

    async def holder(self, name: str, *, now: float | None = None) -> str | None:
        return await self.inner.holder(name, now=now)


async def test_a_holder_cut_off_stops_before_the_next_one_starts(tmp_path: Path) -> None:
    events: list[tuple[float, str]] = []
    started = {"A": asyncio.Event(), "B": asyncio.Event()}

    def work(name: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            events.append((time.monotonic(), f"{name} start"))
            started[name].set()
            try:
                await asyncio.Event().wait()
            finally:
                events.append((time.monotonic(), f"{name} stop"))
        return run

    async with Storage.open(f"sqlite:///{tmp_path}/l.db") as storage:
        plug = Unplugged(storage.leases)
        a = Lease(plug, "alerts", "A", ttl=1.2, renew=0.25)
        b = Lease(storage.leases, "alerts", "B", ttl=1.2, renew=0.25)
        assert await a.try_once() and not await b.try_once()
        tasks = [asyncio.create_task(c) for c in (a.run(), b.run(), while_held(a, work("A")), while_held(b, work("B")))]
        try:
            await asyncio.wait_for(started["A"].wait(), 5)
            await asyncio.sleep(1.0)  # several renewals: B never starts while A renews
            assert not started["B"].is_set() and await storage.leases.holder("alerts") == "A"
            plug.down = True
            cut = time.monotonic()
            await asyncio.wait_for(started["B"].wait(), 5)
            took_over = time.monotonic() - cut
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    stops = [t for t, e in events if e == "A stop"]
    b_start = next(t for t, e in events if e == "B start")
    assert stops and stops[0] < b_start, events  # never two senders at once
    assert took_over < 1.2 + 0.25 + 0.5, took_over


async def test_a_clean_stop_hands_the_lease_over_at_once(tmp_path: Path) -> None:
    async with Storage.open(f"sqlite:///{tmp_path}/l.db") as storage:
        a = Lease(storage.leases, "alerts", "A", ttl=15, renew=3)
        b = Lease(storage.leases, "alerts", "B", ttl=15, renew=3)
        running = asyncio.create_task(a.run())
        await asyncio.wait_for(a.wait_held(), 5)
        assert not await b.try_once()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        assert not a.held() and await b.try_once()



async def test_a_process_that_does_not_hold_the_lease_sends_no_alert_and_no_digest(bot: RunningBot) -> None:
    api = bot.api
    sender = bot.services.alerts
    storage = bot.services.storage
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, OWNER, "санкции")
    holding = True
    sender.may_send = lambda: holding  # as bot/lease.py wires it: Lease.held
    holding = False
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 31.")
    await asyncio.wait_for(sender.wait_idle(), 10)
    assert (await storage.outbox_counts()).pending == 1 and not alerts(api, OWNER)
    # Digest time has come for the owner's chat: still nothing while the lease is elsewhere.
    await storage.set_digest_time(OWNER, "00:00", "UTC", 0)
    shown = len(api.texts(OWNER))
    assert await sender.send_due_digests() == 0 and len(api.texts(OWNER)) == shown
    holding = True
    assert await sender.send_due_digests() == 1 and len(api.texts(OWNER)) == shown + 1
    assert (await storage.outbox_counts()).pending == 0
