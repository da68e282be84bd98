"""Sliding-window counting: how many events a key had in the last `window` seconds.

A sliding window, not a leaky bucket (aiolimiter): Telegram's limits and ours are "at most N in
any W seconds", and a bucket that refills continuously lets N + rate x W through in the first W.
The clock is injectable so the limits are tested without sleeping.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindow:
    """Timestamps per key, forgotten once older than ``window`` (+ ``margin``) seconds."""

    def __init__(self, window: float, *, margin: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.margin = margin
        self.clock = clock
        self._stamps: dict[Hashable, deque[float]] = {}

    def _live(self, key: Hashable, now: float) -> deque[float]:
        stamps = self._stamps.setdefault(key, deque())
        while stamps and stamps[0] <= now - self.window - self.margin:
            stamps.popleft()
        return stamps

    def count(self, key: Hashable) -> int:
        """Events of ``key`` within the window, now."""
        return len(self._live(key, self.clock()))

    def record(self, key: Hashable) -> int:
        """Count one event of ``key`` now; returns the events within the window, this one included."""
        now = self.clock()
        stamps = self._live(key, now)
        stamps.append(now)
        return len(stamps)

    def wait(self, key: Hashable, limit: int) -> float:
        """Seconds until ``key`` may have another event without exceeding ``limit`` (0 = now)."""
        now = self.clock()
        stamps = self._live(key, now)
        if len(stamps) < limit:
            return 0.0
        return max(0.0, stamps[len(stamps) - limit] + self.window + self.margin - now)
