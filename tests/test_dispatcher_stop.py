"""A replica's dispatcher stopping while a claim is in flight: nothing starts after `stop` returns.

The race behind it: `stop` waited for the handlers running when it was called, but an inbox claim
that was still in flight then came back and started a handler afterwards, which ran on into a
storage the replica had already closed (a Traceback in the log of a replica stopped mid-burst).
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from bot.dispatcher import ChatDispatcher
from storage.records import Claimed
from storage.repository import Storage


class _Inbox:
    """The inbox calls the dispatcher makes, with a claim that returns only when told to."""

    def __init__(self) -> None:
        self.claiming = asyncio.Event()
        self.answer: asyncio.Future[list[Claimed]] = asyncio.get_running_loop().create_future()
        self.released: list[str] = []
        self.done: list[int] = []

    async def inbox_claim(self, replica: str, *, limit: int, lease_ms: int) -> list[Claimed]:
        self.claiming.set()
        return await self.answer

    async def inbox_release(self, replica: str) -> int:
        self.released.append(replica)
        return 1

    async def inbox_done_many(self, update_ids: list[int]) -> None:
        self.done.extend(update_ids)

    async def inbox_renew(self, replica: str, *, lease_ms: int) -> None:
        return None


async def test_an_update_claimed_while_stopping_is_given_back_not_handled() -> None:
    inbox = _Inbox()
    handled: list[int] = []

    async def handle(claimed: Claimed) -> None:
        handled.append(claimed.update_id)

    dispatcher = ChatDispatcher(cast(Storage, cast(Any, inbox)), handle, lease=30, replica="r1")
    running = asyncio.create_task(dispatcher.run())
    await inbox.claiming.wait()  # the claim is in flight
    stopping = asyncio.create_task(dispatcher.stop())
    await asyncio.sleep(0)
    assert not stopping.done(), "stop must wait for the claim in flight"
    inbox.answer.set_result([Claimed(update_id=7, chat_id=1, payload="{}")])
    await asyncio.wait_for(stopping, 5)
    await asyncio.wait_for(running, 5)
    for _ in range(3):
        await asyncio.sleep(0)
    assert handled == [] and inbox.done == [], "an update claimed during the stop ran after it"
    assert inbox.released == ["r1"], "its claim is given back for another replica"


async def test_stop_without_run_returns_at_once() -> None:
    inbox = _Inbox()

    async def handle(claimed: Claimed) -> None:
        raise AssertionError("nothing to handle")

    dispatcher = ChatDispatcher(cast(Storage, cast(Any, inbox)), handle, lease=30, replica="r2")
    await asyncio.wait_for(dispatcher.stop(), 5)
    assert inbox.released == ["r2"]
