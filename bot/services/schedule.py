"""Digest slots and time zones: when a chat in digest mode is due.

A chat in digest mode gets one message a day at its local ``HH:MM`` (zoneinfo, so daylight saving
moves the slot in UTC, not on the wall clock). Storage only keeps the chosen time, zone and the
time of the last digest; the arithmetic is here.
"""

from __future__ import annotations

import re
from datetime import datetime
from time import time as wall_clock
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.protocols import ChatStore
from storage.records import ChatSettings

_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def digest_slot(now: int, digest_time: str, tz: str) -> int:
    """Unix time of today's digest slot in the chat's local time zone (DST-aware via zoneinfo)."""
    m = _HHMM_RE.match(digest_time)
    if m is None:
        raise ValueError(f"digest time {digest_time!r} is not HH:MM")
    local = datetime.fromtimestamp(now, _zone(tz))
    slot = local.replace(hour=int(m.group(1)), minute=int(m.group(2)), second=0, microsecond=0)
    return int(slot.timestamp())


def check_digest(time: str | None, tz: str) -> None:
    """Raise ValueError for a malformed 'HH:MM' (24 h) or an unknown time zone."""
    if time is not None and not _HHMM_RE.match(time):
        raise ValueError(f"digest time must be HH:MM (24h), got {time!r}")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc


async def set_digest(
    chats: ChatStore, chat_id: int, time: str | None, tz: str = "UTC", *, now: int | None = None
) -> None:
    """Switch the chat to one daily digest at local ``time`` ('HH:MM') in ``tz``, or back to
    immediate alerts with None. Enabling stamps last_digest_at=now so a slot that already passed
    today does not fire at once with everything queued so far.

    Raises ValueError for a malformed time or an unknown time zone.
    """
    check_digest(time, tz)
    await chats.set_digest_time(chat_id, time, tz, int(wall_clock()) if now is None else int(now))


def is_due(chat: ChatSettings, now: int) -> bool:
    """The chat's local time has passed today's slot and it has had no digest since."""
    if chat.digest_time is None:
        return False
    try:
        slot = digest_slot(now, chat.digest_time, chat.tz)
    except ValueError:
        return False
    return now >= slot and (chat.last_digest_at is None or chat.last_digest_at < slot)


async def chats_due_for_digest(chats: ChatStore, now: int) -> list[ChatSettings]:
    """Digest chats due at ``now``. Paused and muted chats wait (their queue is kept for a later
    digest)."""
    return [chat for chat in await chats.digest_chats(now) if is_due(chat, now)]
