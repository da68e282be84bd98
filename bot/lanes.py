"""Which lane of the inbox an update belongs to: its chat, and whether it is a part of a post.

Webhook replicas handle a chat's updates one after another, in Telegram's order, and never two
at once (`bot/dispatcher.py`), so each update is filed under its chat when it arrives. Forwards,
album captions and channel posts are *parts*: Ingest joins consecutive parts of one post into one
article while a short window is open, so a run of parts is handled side by side by one replica.
This reads the raw JSON (the ingress stores updates before python-telegram-bot parses them).
"""

from __future__ import annotations

from typing import Any

#: Update kinds whose payload is a Message (its ``chat`` is the lane).
_MESSAGE_KINDS = frozenset({"message", "edited_message", "channel_post", "edited_channel_post",
                            "business_message", "edited_business_message"})
#: Lane of the few updates with neither a chat nor a user (they share it, in order).
NO_CHAT = 0


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def lane_of(update: dict[str, Any]) -> tuple[int, bool]:
    """(chat id, is a part) of a raw update: the chat it happens in, else the user who caused it
    (inline queries, poll answers), else :data:`NO_CHAT`."""
    kind, payload = next(((k, v) for k, v in update.items() if k != "update_id" and isinstance(v, dict)),
                         ("", {}))
    chat = payload.get("chat")
    if kind == "callback_query":
        message = payload.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
    chat_id = _int(chat.get("id")) if isinstance(chat, dict) else None
    if chat_id is None:
        user = payload.get("from") or payload.get("user")
        chat_id = _int(user.get("id")) if isinstance(user, dict) else None
    part = kind == "channel_post" or (kind == "message" and bool(payload.get("forward_origin")
                                                                 or payload.get("media_group_id")))
    return (NO_CHAT if chat_id is None else chat_id), part
