"""The one rule for multi-part posts: which messages are parts of one article, and how they join.

Telegram splits a long channel post into consecutive messages and gives an album's captions one
`media_group_id`. The bot (forwards and feed posts arriving within seconds) and the importer
(a chat export read at once) both ask `continues` and glue the parts with `join_parts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Parts of one post may arrive out of order (updates are handled concurrently): allow this gap
#: between message ids. An export lists messages in order, so the importer asks for a gap of 1.
MAX_PART_GAP = 2
#: In an export, consecutive messages of one author at most this many seconds apart are one post
#: (the bot has its own clock for that: the multi-part window).
MAX_PART_SECONDS = 5


def continues(group_ids: Sequence[int], message_id: int | None, *, gap: int = MAX_PART_GAP) -> bool:
    """Whether a message continues a group: its id lies next to the group's ids (within ``gap``,
    on either side) and is not one of them."""
    if message_id is None or not group_ids:
        return False
    return min(group_ids) - gap <= message_id <= max(group_ids) + gap and message_id not in group_ids


def join_parts(texts: Iterable[str]) -> str:
    """The parts' texts, trimmed, blank ones dropped, one blank line between them."""
    return "\n\n".join(text.strip() for text in texts if text.strip())
