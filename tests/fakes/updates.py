"""Builders for Bot API JSON objects (User, Chat, Message, Update, files, forward origins).

Pure functions: no ids are allocated here; :class:`fakes.bot_api.FakeBotAPI` owns the counters
and registries and calls these to produce dicts that PTB's ``de_json`` accepts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from .html_check import utf16_len

JSON = dict[str, Any]

__all__ = [
    "chat_json",
    "detect_entities",
    "document_json",
    "infer_chat_type",
    "message_json",
    "origin_channel",
    "origin_chat",
    "origin_hidden_user",
    "origin_user",
    "photo_sizes_json",
    "sticker_json",
    "update_json",
    "user_json",
]


def now() -> int:
    return int(time.time())


def user_json(
    user_id: int,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
    is_premium: bool | None = None,
) -> JSON:
    user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    if is_premium is not None:
        user["is_premium"] = is_premium
    return user


def infer_chat_type(chat_id: int, *, channel: bool = False) -> str:
    """Positive ids are private chats; ``-100…`` ids are supergroups (or channels if
    ``channel``); other negative ids are basic groups."""
    if chat_id > 0:
        return "private"
    if chat_id <= -1_000_000_000_000:
        return "channel" if channel else "supergroup"
    return "channel" if channel else "group"


def chat_json(
    chat_id: int,
    chat_type: str,
    *,
    title: str | None = None,
    username: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    is_forum: bool | None = None,
) -> JSON:
    chat: JSON = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = first_name or f"User{chat_id}"
        if last_name:
            chat["last_name"] = last_name
    else:
        chat["title"] = title or f"Chat {chat_id}"
    if username:
        chat["username"] = username
    if is_forum is not None and chat_type == "supergroup":
        chat["is_forum"] = is_forum
    return chat


def document_json(
    file_id: str,
    file_unique_id: str,
    *,
    file_name: str | None,
    mime_type: str | None,
    file_size: int,
) -> JSON:
    doc: JSON = {"file_id": file_id, "file_unique_id": file_unique_id, "file_size": file_size}
    if file_name:
        doc["file_name"] = file_name
    if mime_type:
        doc["mime_type"] = mime_type
    return doc


def photo_sizes_json(file_id: str, file_unique_id: str, file_size: int) -> list[JSON]:
    """Three PhotoSize entries (thumbnail, medium, full) – the last one is the real file."""
    return [
        {"file_id": f"{file_id}_s", "file_unique_id": f"{file_unique_id}s", "width": 90, "height": 60,
         "file_size": min(file_size, 1500)},
        {"file_id": f"{file_id}_m", "file_unique_id": f"{file_unique_id}m", "width": 320, "height": 213,
         "file_size": min(file_size, 20000)},
        {"file_id": file_id, "file_unique_id": file_unique_id, "width": 1280, "height": 853,
         "file_size": file_size},
    ]  # fmt: skip


def sticker_json(
    file_id: str, file_unique_id: str, *, emoji: str = "👍", set_name: str | None = None
) -> JSON:
    sticker: JSON = {
        "file_id": file_id,
        "file_unique_id": file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "file_size": 24_000,
    }
    if set_name:
        sticker["set_name"] = set_name
    return sticker


def origin_user(sender_user: JSON, date: int) -> JSON:
    return {"type": "user", "date": date, "sender_user": sender_user}


def origin_hidden_user(sender_user_name: str, date: int) -> JSON:
    return {"type": "hidden_user", "date": date, "sender_user_name": sender_user_name}


def origin_chat(sender_chat: JSON, date: int, author_signature: str | None = None) -> JSON:
    origin: JSON = {"type": "chat", "date": date, "sender_chat": sender_chat}
    if author_signature:
        origin["author_signature"] = author_signature
    return origin


def origin_channel(chat: JSON, message_id: int, date: int, author_signature: str | None = None) -> JSON:
    origin: JSON = {"type": "channel", "date": date, "chat": chat, "message_id": message_id}
    if author_signature:
        origin["author_signature"] = author_signature
    return origin


def message_json(
    message_id: int,
    chat: JSON,
    *,
    date: int | None = None,
    from_user: JSON | None = None,
    sender_chat: JSON | None = None,
    text: str | None = None,
    entities: list[JSON] | None = None,
    caption: str | None = None,
    caption_entities: list[JSON] | None = None,
    **extra: Any,
) -> JSON:
    """A Message; ``extra`` keys with value None are dropped."""
    msg: JSON = {"message_id": message_id, "date": now() if date is None else date, "chat": chat}
    if from_user is not None:
        msg["from"] = from_user
    if sender_chat is not None:
        msg["sender_chat"] = sender_chat
    if text is not None:
        msg["text"] = text
        if entities:
            msg["entities"] = entities
    if caption is not None:
        msg["caption"] = caption
        if caption_entities:
            msg["caption_entities"] = caption_entities
    msg.update({k: v for k, v in extra.items() if v is not None})
    return msg


def update_json(update_id: int, kind: str, payload: JSON) -> JSON:
    return {"update_id": update_id, kind: payload}


# ---------------------------------------------------------------------------------------------
# automatic entities (what Telegram adds to incoming user messages)
# ---------------------------------------------------------------------------------------------

_BOT_COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}(?![\w@])")
_HASHTAG_RE = re.compile(r"(?<![\w#])#\w{1,256}(?![\w#])")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w@])")
_URL_RE = re.compile(
    r"(?<![\w@/.-])(?:(?:https?|ftp)://[^\s<>\"«»]+"
    r"|(?:[\w-]+\.)+(?P<tld>[^\W\d_]{2,})(?::\d{1,5})?(?:[/?#][^\s<>\"«»]*)?)",
    re.IGNORECASE,
)
_KNOWN_TLDS = frozenset(
    [
        "com",
        "ru",
        "org",
        "net",
        "info",
        "io",
        "me",
        "su",
        "рф",
        "ua",
        "by",
        "kz",
        "uz",
        "kg",
        "am",
        "ge",
        "md",
        "az",
        "tj",
        "lv",
        "lt",
        "ee",
        "pl",
        "cz",
        "sk",
        "de",
        "fr",
        "it",
        "es",
        "pt",
        "nl",
        "be",
        "ch",
        "at",
        "uk",
        "us",
        "eu",
        "ca",
        "au",
        "jp",
        "cn",
        "in",
        "tv",
        "fm",
        "ly",
        "gl",
        "to",
        "cc",
        "ai",
        "co",
        "biz",
        "pro",
        "news",
        "online",
        "site",
        "app",
        "dev",
        "media",
        "press",
        "live",
        "world",
        "today",
        "space",
        "tech",
        "link",
        "xyz",
        "top",
        "shop",
        "store",
        "moscow",
        "москва",
        "spb",
        "gov",
        "edu",
        "mil",
        "int",
        "agency",
    ]
)
_TRAILING_PUNCT = ".,:;!?'\"»)]}"


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAILING_PUNCT:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def detect_entities(text: str, *, bot_username: str | None = None) -> list[JSON]:
    """Entities Telegram computes for a plain incoming text: bot_command, url, email, mention,
    hashtag.  Offsets in UTF-16 units; overlapping matches resolved earliest/longest first."""
    del bot_username  # Telegram marks /cmd@any_bot as a command regardless of the addressee
    found: list[tuple[int, int, str]] = []  # (start, end) in str indices

    def add(matches: Iterable[re.Match[str]], kind: str) -> None:
        for m in matches:
            found.append((m.start(), m.end(), kind))

    add(_BOT_COMMAND_RE.finditer(text), "bot_command")
    add(_EMAIL_RE.finditer(text), "email")
    for m in _URL_RE.finditer(text):
        tld = m.group("tld")
        if tld is not None and tld.lower() not in _KNOWN_TLDS:
            continue
        url = _trim_url(m.group(0))
        if url:
            found.append((m.start(), m.start() + len(url), "url"))
    add(_MENTION_RE.finditer(text), "mention")
    add(_HASHTAG_RE.finditer(text), "hashtag")

    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    result: list[JSON] = []
    last_end = -1
    for start, end, kind in found:
        if start < last_end:
            continue
        last_end = end
        offset = utf16_len(text[:start])
        result.append({"type": kind, "offset": offset, "length": utf16_len(text[start:end])})
    return result
