"""Webhook delivery for the fake Bot API: what Telegram does once `setWebhook` is called.

Telegram POSTs every queued update as JSON to the webhook URL with the secret in the
``X-Telegram-Bot-Api-Secret-Token`` header, in order, and keeps an update until an answer is
2xx; on any other answer or a connection error it records ``last_error_message`` and retries
later, waiting longer each time. So does this fake, one update at a time. For tests,
``targets`` replaces the (https) webhook URL with several plain-http addresses that are tried
round-robin, one per attempt: a load balancer in front of several replicas, which sends the next
attempt to the next replica when one is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp

JSON = dict[str, Any]

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass
class Delivery:
    """One POST attempt: which update, where, and what came back (``status`` None: no answer)."""

    update_id: int
    target: str
    at: float
    status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class WebhookState:
    """What setWebhook configured, the test-only load balancer and the delivery log."""

    url: str = ""
    secret: str | None = None
    max_connections: int = 40
    #: Test-only: deliver to these URLs round-robin instead of ``url`` (see the module docstring).
    targets: list[str] = field(default_factory=list)
    #: First wait after a failed attempt; it doubles up to ``retry_max``.
    retry_delay: float = 0.05
    retry_max: float = 1.0
    #: Every attempt, in order.
    deliveries: list[Delivery] = field(default_factory=list)
    last_error_date: int | None = None
    last_error_message: str | None = None


class WebhookDeliverer:
    """The delivery task: started by setWebhook, stopped by deleteWebhook or close()."""

    def __init__(self, state: WebhookState, take: Callable[[], list[JSON]], confirm: Callable[[int], None],
                 wait: Callable[[], asyncio.Event]) -> None:
        self.state = state
        self._take = take  # deliverable pending updates, oldest first
        self._confirm = confirm  # an update Telegram may forget (answered 2xx)
        self._wait = wait  # set when a new update is queued
        self._task: asyncio.Task[None] | None = None
        self._round = itertools.count()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="fake-webhook-delivery")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _target(self) -> str:
        targets = self.state.targets or [self.state.url]
        return targets[next(self._round) % len(targets)]

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            delay = self.state.retry_delay
            while self.state.url:
                ready = self._take()
                if not ready:
                    waiter = asyncio.ensure_future(self._wait().wait())
                    try:
                        await asyncio.wait({waiter}, timeout=0.5)
                    finally:
                        waiter.cancel()
                    continue
                update = ready[0]
                if await self._post(session, update):
                    self._confirm(int(update["update_id"]))
                    delay = self.state.retry_delay
                else:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.state.retry_max)

    async def _post(self, session: aiohttp.ClientSession, update: JSON) -> bool:
        target = self._target()
        attempt = Delivery(int(update["update_id"]), target, time.monotonic())
        self.state.deliveries.append(attempt)
        headers = {"Content-Type": "application/json"}
        if self.state.secret:
            headers[SECRET_HEADER] = self.state.secret
        try:
            async with session.post(target, data=json.dumps(update, ensure_ascii=False).encode(),
                                    headers=headers) as response:
                attempt.status = response.status
                await response.read()
                if not attempt.ok:
                    attempt.error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            attempt.error = "Connection refused" if isinstance(exc, aiohttp.ClientConnectorError) else str(exc)
            attempt.error = attempt.error or type(exc).__name__
        if attempt.error is not None:
            self.state.last_error_date = int(time.time())
            self.state.last_error_message = attempt.error
        return attempt.ok
