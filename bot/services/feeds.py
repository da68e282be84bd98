"""Channel feeds: channels whose posts are filed like forwards (the owner enables them)."""

from __future__ import annotations

import time

from storage.records import Feed
from storage.repository import Storage


class Feeds:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def add(self, channel_id: int, username: str | None, title: str | None, added_by: int | None) -> bool:
        """Enable a channel; False if it already was."""
        return await self.storage.add_feed(channel_id, username, title, added_by, now=int(time.time()))

    async def remove(self, ref: str) -> bool:
        """Disable a channel named by its numeric id or its @username."""
        key: int | str = int(ref) if ref.lstrip("-").isdigit() else ref.lstrip("@")
        return await self.storage.remove_feed(key)

    async def enabled(self) -> list[Feed]:
        return [f for f in await self.storage.list_feeds() if f.enabled]

    async def is_enabled(self, channel_id: int) -> bool:
        return await self.storage.feed_enabled(channel_id)
