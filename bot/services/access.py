"""Who may use the library: members listed in ALLOWED_USER_IDS or added by the owner.

Membership lives in the database so `/allow` and `/revoke` take effect at once. With no list
configured, the first person to send /start becomes the owner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from storage.records import Member
from storage.repository import Storage

Role = Literal["owner", "member", "stranger"]


@dataclass(frozen=True, slots=True)
class Access:
    role: Role
    became_owner: bool = False

    @property
    def is_member(self) -> bool:
        return self.role != "stranger"

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


class AccessControl:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._cache: dict[int, tuple[Role, str | None]] = {}
        self._cache_generation = -1
        self._chats: dict[int, tuple[str, str | None, str | None]] = {}

    async def seed(self, allowed_ids: tuple[int, ...]) -> None:
        if allowed_ids:
            await self.storage.seed_members(allowed_ids, now=int(time.time()))
        self._cache.clear()

    async def check(self, user_id: int, *, name: str | None = None, claim_if_ownerless: bool = False) -> Access:
        """The user's role; with ``claim_if_ownerless`` (a /start) the first user becomes owner.

        A member's Telegram name is recorded when it is new or changed (for /members); strangers'
        names are never stored.
        """
        if self._cache_generation != self.storage.generation:
            self._cache.clear()
            self._cache_generation = self.storage.generation
        if user_id not in self._cache:
            member = await self.storage.get_member(user_id)
            self._cache[user_id] = (member.role, member.name) if member is not None else ("stranger", None)
        role, known_name = self._cache[user_id]
        if role == "stranger" and claim_if_ownerless and await self.storage.claim_ownership(user_id, name):
            self._cache.clear()
            return Access("owner", became_owner=True)
        if role != "stranger" and name and name != known_name:
            await self.storage.add_member(user_id, role, None, name)  # an existing member: only the name
            self._cache[user_id] = (role, name)
        return Access(role)

    async def note_chat(self, chat_id: int, chat_type: str, title: str | None, language: str | None) -> None:
        """Remember a member's chat (type, title, language) for alerts and digests; never a stranger's.

        Called for every update, so it writes only when something changed since the last call."""
        seen = (chat_type, title, language)
        if self._chats.get(chat_id) == seen:
            return
        await self.storage.upsert_chat(chat_id, chat_type, title, language)
        self._chats[chat_id] = seen

    async def allow(self, user_id: int, by: int, name: str | None = None) -> bool:
        """Add a member; False if they already were one."""
        if await self.storage.get_member(user_id) is not None:
            return False
        await self.storage.add_member(user_id, "member", by, name)
        self._cache.clear()
        return True

    async def revoke(self, user_id: int) -> Literal["removed", "absent", "owner"]:
        member = await self.storage.get_member(user_id)
        if member is None:
            return "absent"
        if member.role == "owner":
            return "owner"
        await self.storage.remove_member(user_id)
        self._cache.clear()
        return "removed"

    async def members(self) -> list[Member]:
        return await self.storage.list_members()
