"""A fake Telegram Bot API HTTP server (aiohttp) for end-to-end tests with the real PTB stack.

Usage::

    async with FakeBotAPI() as api:
        app = (
            ApplicationBuilder().token(api.token).base_url(api.base_url)
            .base_file_url(api.file_url).build()
        )
        ...
        api.send_text(42, "/start")
        assert await api.wait_for_messages(42, 1) == ["Hello!"]

The server validates requests the way Telegram does (HTML entity parsing, text limits in UTF-16
units, inline keyboard limits, unknown chats/messages, "message is not modified", expired
callback queries, ...) and answers with Telegram's error descriptions, so PTB raises the same
``BadRequest`` / ``Forbidden`` / ``RetryAfter`` it would raise in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final

from aiohttp import web

from . import updates as U
from .errors import ApiError, Origin, bad_request
from .html_check import ParsedText, check_caption, check_message_text
from .photo_check import check_photo, photo_sizes
from .webhook import SECRET_RE, Delivery, WebhookDeliverer, WebhookState

JSON = dict[str, Any]
Handler = Callable[[JSON, dict[str, "Upload"]], Awaitable[Any]]

__all__ = ["Call", "Delivery", "FakeBotAPI", "StoredFile", "Upload", "WebhookState"]

# Parameters that are strings in the Bot API even if they look like JSON/numbers. Everything else
# sent as a form field is JSON-decoded when possible (PTB sends ints as "123", bools as "true",
# objects/arrays such as reply_markup/entities/commands/allowed_updates as JSON strings).
STRING_PARAMS: Final = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "language_code",
        "file_id",
        "action",
        "url",
        "secret_token",
        "business_connection_id",
        "message_effect_id",
        "emoji",
        "question",
        "description",
        "short_description",
        "name",
        "title",
        "custom_title",
        "sender_user_name",
        "ip_address",
        "switch_pm_text",
        "switch_pm_parameter",
        "next_offset",
        "game_short_name",
        "invite_link",
        "query",
        "sticker_set_name",
        "set_name",
        "format",
        "payload",
        "provider_token",
        "currency",
        "start_parameter",
        "first_name",
        "last_name",
        "phone_number",
        "vcard",
        "address",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "performer",
        "file_name",
        "quote",
        "icon_custom_emoji_id",
        "document",
        "photo",
        "audio",
        "video",
        "animation",
        "voice",
        "video_note",
        "sticker",
        "thumbnail",
        "cover",
        "explanation",
        "explanation_parse_mode",
        "question_parse_mode",
    ]
)
DEFAULT_EXCLUDED_UPDATES: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CHAT_ACTIONS: Final = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
INLINE_BUTTON_ACTIONS: Final = (
    "callback_data", "url", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "callback_game", "pay", "web_app", "copy_text",
)  # fmt: skip
COMMAND_SCOPES: Final = frozenset(
    [
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    ]
)
MAX_DOWNLOAD_SIZE: Final = 20 * 1024 * 1024
MAX_UPLOAD_SIZE: Final = 50 * 1024 * 1024
_STATUS_PHRASES: Final = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}  # fmt: skip
_TOKEN_RE: Final = re.compile(r"^\d+:[\w-]+$")
_COMMAND_RE: Final = re.compile(r"^[a-z0-9_]{1,32}$")


def _telegram_method_names() -> dict[str, str]:
    """lower-case -> canonical name of every real Bot API method (taken from PTB's camelCase
    aliases), so that real-but-unimplemented methods answer 501 instead of 404."""
    try:
        from telegram import Bot
    except ImportError:  # pragma: no cover
        return {}
    return {
        name.lower(): name
        for name in dir(Bot)
        if name[:1].islower() and any(ch.isupper() for ch in name) and callable(getattr(Bot, name, None))
    }


@dataclass
class Call:
    """One HTTP call the bot made. ``at`` is ``time.monotonic()`` when the request arrived."""

    method: str
    params: JSON
    at: float
    status: int
    response: JSON
    origin: Origin = "ok"
    chat_id: int | None = None  # resolved target chat, when the method has one

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        desc = self.response.get("description")
        return desc if isinstance(desc, str) else None

    def __str__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k not in ("reply_markup",)}
        text = json.dumps(shown, ensure_ascii=False, default=str)
        if len(text) > 300:
            text = text[:300] + "…"
        tail = "" if self.ok else f" -> {self.description}"
        return f"{self.method} [{self.status}] {text}{tail}"


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content: bytes
    content_type: str | None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str | None
    kind: str = "document"
    file_path: str | None = None

    def document(self) -> JSON:
        return U.document_json(
            self.file_id,
            self.file_unique_id,
            file_name=self.file_name,
            mime_type=self.mime_type,
            file_size=len(self.content),
        )


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    parameters: JSON | None
    chat_id: int | None
    remaining: int


@dataclass
class _CallbackQuery:
    query_id: str
    created: float
    answered: bool = False
    answer: JSON | None = None


@dataclass
class _ChatInfo:
    chat: JSON
    bot_status: str = "member"
    members: dict[int, str] = field(default_factory=dict)  # user_id -> status


class FakeBotAPI:
    """In-process fake of ``api.telegram.org`` for one bot token."""

    def __init__(
        self,
        token: str = "123:TEST",
        *,
        username: str = "dossier_test_bot",
        first_name: str = "Dossier",
        host: str = "127.0.0.1",
        strict_html: bool = True,
        callback_query_ttl: float = 15.0,
        max_long_poll: float = 50.0,
    ) -> None:
        if not _TOKEN_RE.match(token):
            raise ValueError(f"malformed bot token {token!r}")
        self.token: str = token
        self.bot_id: int = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.host = host
        self.strict_html = strict_html
        self.callback_query_ttl = callback_query_ttl
        self.max_long_poll = max_long_poll
        self.port: int = 0

        self.calls: list[Call] = []
        self.callback_answers: dict[str, JSON] = {}
        self.injected: list[JSON] = []  # every update ever queued, in order
        self.downloads: list[str] = []  # file_path of every served file download
        #: setWebhook's settings, the test-only load balancer (``webhook.targets``) and every delivery.
        self.webhook = WebhookState()

        self._runner: web.AppRunner | None = None
        self._closing = False
        self._users: dict[int, JSON] = {}
        self._chats: dict[int, _ChatInfo] = {}
        self._blocked: set[int] = set()
        self._messages: dict[tuple[int, int], JSON] = {}
        self._deleted: set[tuple[int, int]] = set()
        self._bot_messages: set[tuple[int, int]] = set()
        self._reactions: dict[tuple[int, int], list[JSON]] = {}
        self._msg_counters: dict[int, int] = {}
        self._files: dict[str, StoredFile] = {}
        self._file_paths: dict[str, StoredFile] = {}
        self._file_seq = itertools.count(1)
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._callback_seq = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._faults: list[_Fault] = []
        self._pending: list[JSON] = []
        self._update_seq = itertools.count(700_000_001)
        self._allowed_updates: list[str] = []
        self._update_event = asyncio.Event()
        self._poll_seq = 0
        self._waiting_seq: int | None = None
        self._bot_user = U.user_json(self.bot_id, first_name, username=username, is_bot=True)
        self._deliverer = WebhookDeliverer(self.webhook, self._deliverable, self._confirm,
                                           lambda: self._update_event)

        self._methods: dict[str, tuple[str, Handler]] = {}
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "getFile": self._get_file,
            "setMessageReaction": self._set_message_reaction,
        }
        for name, handler in handlers.items():
            self._methods[name.lower()] = (name, handler)
        self._known_methods = _telegram_method_names()

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """Pass to ``ApplicationBuilder().base_url(...)`` (PTB appends the token)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """Pass to ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> JSON:
        return dict(self._bot_user)

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application(client_max_size=MAX_UPLOAD_SIZE + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away (PTB cancels the in-flight
        # getUpdates on Updater.stop()) is cancelled instead of lingering until its timeout.
        runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runner = runner
        self._closing = False
        addresses = runner.addresses
        self.port = int(addresses[0][1])

    async def close(self) -> None:
        """Stop the server. Waiting long polls return ``[]`` immediately."""
        self._closing = True
        self._wake()
        await self._deliverer.stop()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ------------------------------------------------------------------ registries

    def register_user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        language_code: str | None = "ru",
        username: str | None = None,
        last_name: str | None = None,
        is_premium: bool | None = None,
    ) -> JSON:
        """Register a user (and their private chat with the bot). Returns the User JSON."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = U.user_json(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_premium=is_premium,
        )
        self._users[user_id] = user
        chat = U.chat_json(user_id, "private", first_name=first_name, last_name=last_name, username=username)
        info = self._chats.get(user_id)
        if info is None:
            self._chats[user_id] = _ChatInfo(chat)
        else:
            info.chat = chat
        return dict(user)

    def register_chat(
        self,
        chat_id: int,
        type: str | None = None,
        title: str | None = None,
        username: str | None = None,
        *,
        admins: Sequence[int] = (),
        members: Sequence[int] = (),
        bot_status: str | None = None,
        is_forum: bool | None = None,
    ) -> JSON:
        """Register a group/supergroup/channel. ``type`` defaults from the id (see
        :func:`updates.infer_chat_type`). ``admins[0]`` becomes the creator. Returns Chat JSON."""
        chat_type = type or U.infer_chat_type(chat_id)
        if chat_type not in ("private", "group", "supergroup", "channel"):
            raise ValueError(f"bad chat type {chat_type!r}")
        if (chat_type == "private") != (chat_id > 0):
            raise ValueError("private chats have positive ids, groups/channels negative ones")
        if chat_type == "private":
            return self.register_user(chat_id, title or f"User{chat_id}", username=username)
        chat = U.chat_json(chat_id, chat_type, title=title, username=username, is_forum=is_forum)
        info = self._chats.get(chat_id)
        if info is None:
            info = _ChatInfo(chat)
            self._chats[chat_id] = info
        else:
            info.chat = chat
        info.bot_status = bot_status or ("administrator" if chat_type == "channel" else "member")
        for index, admin in enumerate(admins):
            self._ensure_user(admin)
            info.members[admin] = "creator" if index == 0 else "administrator"
        for member in members:
            self._ensure_user(member)
            info.members.setdefault(member, "member")
        return dict(chat)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """status: creator | administrator | member | left | kicked (user_id may be the bot)."""
        if status not in ("creator", "administrator", "member", "left", "kicked"):
            raise ValueError(status)
        info = self._chat_info_or_register(chat_id)
        if user_id == self.bot_id:
            info.bot_status = status
        else:
            self._ensure_user(user_id)
            info.members[user_id] = status

    def block_chat(self, chat_id: int) -> None:
        """From now on sends to the chat fail with 403 (blocked by the user / bot kicked)."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def add_file(
        self,
        file_id: str | None,
        content: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
        *,
        kind: str = "document",
    ) -> JSON:
        """Register downloadable bytes; returns a Document JSON to put into an update."""
        stored = self._store_file(content, file_name, mime_type, kind=kind, file_id=file_id)
        return stored.document()

    def file_content(self, file_id: str) -> bytes:
        """Bytes of a registered or uploaded file."""
        return self._files[file_id].content

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (optionally only those targeting ``chat_id``)
        fail with ``status``.  429 gets ``parameters.retry_after`` (default 1) and the description
        ``Too Many Requests: retry after N``."""
        canonical = self._canonical(method)
        if canonical is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        parameters: JSON = {}
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            elif migrate_to_chat_id is not None:
                description = "Bad Request: group chat was upgraded to a supergroup chat"
            else:
                description = _STATUS_PHRASES.get(status, "Error")
        self._faults.append(_Fault(canonical, status, description, parameters or None, chat_id, times))

    def clear_faults(self) -> None:
        """Drop every fault still queued by `fail_next` (Telegram is healthy again)."""
        self._faults.clear()

    # ------------------------------------------------------------------ recorder helpers

    def calls_of(self, method: str, *, ok: bool | None = None) -> list[Call]:
        canonical = self._canonical(method) or method
        return [c for c in self.calls if c.method == canonical and (ok is None or c.ok == ok)]

    @property
    def rejected(self) -> list[Call]:
        """Calls Telegram would have rejected because the request itself was wrong (4xx
        validation errors; injected faults, blocked chats and poll conflicts are not included)."""
        return [c for c in self.calls if c.origin == "validation"]

    def sent(self, chat_id: int | None = None) -> list[JSON]:
        """Params of accepted sendMessage/sendDocument/sendPhoto/copyMessage/forwardMessage
        calls, plus ``message_id`` and ``method``."""
        out: list[JSON] = []
        for call in self.calls:
            if not call.ok or call.method not in (
                "sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage",
            ):  # fmt: skip
                continue
            if chat_id is not None and call.chat_id != chat_id:
                continue
            result = call.result if isinstance(call.result, dict) else {}
            out.append({**call.params, "message_id": result.get("message_id"), "method": call.method})
        return out

    def texts(self, chat_id: int | None = None, *, raw: bool = False) -> list[str]:
        """Texts of accepted sendMessage calls: the visible text (entities parsed, as the user
        sees it) or, with ``raw=True``, the ``text`` parameter as sent (e.g. with HTML tags)."""
        out: list[str] = []
        for call in self.calls:
            if call.method != "sendMessage" or not call.ok:
                continue
            if chat_id is not None and call.chat_id != chat_id:
                continue
            out.append(str(call.params.get("text")) if raw else str(call.result.get("text")))
        return out

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[JSON]:
        """Current state (after edits/deletes) of the bot's messages in a chat, oldest first."""
        out = []
        for (cid, mid), msg in sorted(self._messages.items()):
            if cid != chat_id or (cid, mid) in self._deleted:
                continue
            if include_user or (cid, mid) in self._bot_messages:
                out.append(msg)
        return out

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """Stored message (bot's or injected), or None if unknown/deleted."""
        if (chat_id, message_id) in self._deleted:
            return None
        return self._messages.get((chat_id, message_id))

    def last_message(self, chat_id: int) -> JSON | None:
        msgs = self.messages(chat_id)
        return msgs[-1] if msgs else None

    def reactions(self, chat_id: int, message_id: int) -> list[JSON]:
        return list(self._reactions.get((chat_id, message_id), []))

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON] | None:
        """Commands set via setMyCommands for that scope/language (None if never set)."""
        key = (self._scope_key(scope or {"type": "default"}, resolve=False), language_code)
        found = self._commands.get(key)
        return None if found is None else [dict(c) for c in found]

    @property
    def polls(self) -> int:
        """How many getUpdates calls arrived so far."""
        return self._poll_seq

    @property
    def long_polling(self) -> bool:
        """The latest getUpdates is waiting: it found nothing to deliver (the event tests wait
        for before saying "nothing more arrives")."""
        return self._waiting_seq is not None and self._waiting_seq == self._poll_seq

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return list(self._pending)

    def dump(self, last: int = 30) -> str:
        interesting = [c for c in self.calls if not (c.method == "getUpdates" and c.ok and not c.result)]
        return "\n".join(str(c) for c in interesting[-last:]) or "(no calls)"

    def clear_calls(self) -> None:
        self.calls.clear()

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109
        *,
        message: str = "",
    ) -> None:
        """Poll ``predicate`` until true; on timeout raise AssertionError with recent calls."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                what = message or getattr(predicate, "__name__", "condition")
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}\nrecent Bot API calls:\n{self.dump()}"
                )
            await asyncio.sleep(0.005)

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[str]:  # noqa: ASYNC109
        """Wait until at least ``count`` messages were sent to the chat; returns their texts."""
        await self.wait_for(
            lambda: len(self.texts(chat_id)) >= count,
            timeout,
            message=f"{count} message(s) to chat {chat_id} (have {len(self.texts(chat_id))})",
        )
        return self.texts(chat_id)

    async def wait_for_call(
        self,
        method: str,
        *,
        count: int = 1,
        ok: bool | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[Call]:
        await self.wait_for(
            lambda: len(self.calls_of(method, ok=ok)) >= count, timeout, message=f"{count}x {method}"
        )
        return self.calls_of(method, ok=ok)

    # ------------------------------------------------------------------ update injection

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        *,
        reply_to_message_id: int | None = None,
        entities: list[JSON] | None = None,
    ) -> int:
        """A user sends a text message (to the private chat unless ``chat_id``). Bot commands,
        URLs, mentions, hashtags and e-mails get entities automatically unless ``entities``."""
        chat = self._incoming_chat(user_id, chat_id)
        msg = self._user_message(
            user_id,
            chat,
            text=text,
            entities=self._auto_entities(text, entities),
            reply_to_message=self._reply_target(chat["id"], reply_to_message_id),
        )
        return self._push("message", msg)

    def forward_from_channel(
        self,
        user_id: int,
        text: str,
        *,
        channel_id: int,
        channel_title: str,
        channel_username: str | None = None,
        message_id: int,
        date: int | None = None,
        caption: bool = False,
        media_group_id: str | None = None,
        entities: list[JSON] | None = None,
        author_signature: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        """A user forwards a channel post (MessageOriginChannel). With ``caption`` or
        ``media_group_id`` the forwarded message is a photo and ``text`` its caption."""
        if channel_id >= 0:
            raise ValueError("channel ids are negative (-100…)")
        channel = U.chat_json(channel_id, "channel", title=channel_title, username=channel_username)
        origin = U.origin_channel(channel, message_id, date or U.now() - 3600, author_signature)
        return self._push_forward(user_id, chat_id, text, origin, caption, media_group_id, entities)

    def forward_from_user(
        self,
        user_id: int,
        text: str,
        *,
        original_user_id: int,
        original_first_name: str = "Someone",
        original_username: str | None = None,
        date: int | None = None,
        entities: list[JSON] | None = None,
        chat_id: int | None = None,
    ) -> int:
        original = self._users.get(original_user_id) or U.user_json(
            original_user_id, original_first_name, username=original_username
        )
        origin = U.origin_user(dict(original), date or U.now() - 3600)
        return self._push_forward(user_id, chat_id, text, origin, False, None, entities)

    def forward_from_hidden_user(
        self,
        user_id: int,
        text: str,
        *,
        sender_user_name: str,
        date: int | None = None,
        entities: list[JSON] | None = None,
        chat_id: int | None = None,
    ) -> int:
        origin = U.origin_hidden_user(sender_user_name, date or U.now() - 3600)
        return self._push_forward(user_id, chat_id, text, origin, False, None, entities)

    def forward_from_chat(
        self,
        user_id: int,
        text: str,
        *,
        from_chat_id: int,
        chat_title: str,
        chat_type: str = "supergroup",
        chat_username: str | None = None,
        author_signature: str | None = None,
        date: int | None = None,
        entities: list[JSON] | None = None,
        chat_id: int | None = None,
    ) -> int:
        """Forward of a message sent on behalf of a group (anonymous admin): origin type "chat"."""
        sender_chat = U.chat_json(from_chat_id, chat_type, title=chat_title, username=chat_username)
        origin = U.origin_chat(sender_chat, date or U.now() - 3600, author_signature)
        return self._push_forward(user_id, chat_id, text, origin, False, None, entities)

    def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str | None = None,
        *,
        chat_id: int | None = None,
        caption: str | None = None,
        file_id: str | None = None,
    ) -> int:
        """A user sends a file; its bytes are downloadable via getFile. Returns update_id
        (the file id is in ``api.injected[-1]["message"]["document"]["file_id"]``)."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self._store_file(content, file_name, mime, kind="document", file_id=file_id)
        chat = self._incoming_chat(user_id, chat_id)
        msg = self._user_message(
            user_id,
            chat,
            caption=caption,
            caption_entities=self._auto_entities(caption, None) if caption else None,
            document=stored.document(),
        )
        return self._push("message", msg)

    def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        content: bytes = b"\x89PNG\r\n\x1a\n fake photo",
        media_group_id: str | None = None,
    ) -> int:
        stored = self._store_file(content, None, "image/jpeg", kind="photo")
        chat = self._incoming_chat(user_id, chat_id)
        msg = self._user_message(
            user_id,
            chat,
            caption=caption,
            caption_entities=self._auto_entities(caption, None) if caption else None,
            photo=U.photo_sizes_json(stored.file_id, stored.file_unique_id, len(content)),
            media_group_id=media_group_id,
        )
        return self._push("message", msg)

    def send_sticker(self, user_id: int, *, chat_id: int | None = None, emoji: str = "👍") -> int:
        stored = self._store_file(b"RIFF fake webp sticker", None, "image/webp", kind="sticker")
        chat = self._incoming_chat(user_id, chat_id)
        msg = self._user_message(
            user_id, chat, sticker=U.sticker_json(stored.file_id, stored.file_unique_id, emoji=emoji)
        )
        return self._push("message", msg)

    def press_button(
        self, user_id: int, message_id: int, chat_id: int, data: str, *, check: bool = True
    ) -> str:
        """The user presses an inline button with ``callback_data == data`` on a bot message.
        Returns the callback query id. With ``check`` (default) the message must exist, be the
        bot's and carry such a button — otherwise ValueError (a real client couldn't press it)."""
        msg = self.message(chat_id, message_id)
        if check:
            if msg is None or (chat_id, message_id) not in self._bot_messages:
                raise ValueError(f"no bot message {message_id} in chat {chat_id}")
            available = [
                b.get("callback_data")
                for row in msg.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
                if "callback_data" in b
            ]
            if data not in available:
                raise ValueError(
                    f"message {message_id} has no button with callback_data={data!r}: {available}"
                )
        user = self._ensure_user(user_id)
        query_id = f"{self.bot_id}{next(self._callback_seq):08d}"
        self._callbacks[query_id] = _CallbackQuery(query_id, time.monotonic())
        payload: JSON = {
            "id": query_id,
            "from": dict(user),
            "chat_instance": f"{abs(chat_id) * 7919 % 10**12}",
            "data": data,
        }
        if msg is not None:
            payload["message"] = msg
        self._push("callback_query", payload)
        return query_id

    def press_button_text(self, user_id: int, message_id: int, chat_id: int, button_text: str) -> str:
        """Like :meth:`press_button` but finds the callback button by its visible text."""
        msg = self.message(chat_id, message_id) or {}
        for row in msg.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button.get("text") == button_text and "callback_data" in button:
                    return self.press_button(user_id, message_id, chat_id, button["callback_data"])
        raise ValueError(f"no callback button {button_text!r} on message {message_id} in chat {chat_id}")

    def channel_post(
        self,
        channel_id: int,
        text: str,
        message_id: int | None = None,
        media_group_id: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
        entities: list[JSON] | None = None,
    ) -> int:
        """A post in a channel where the bot is admin (``channel_post`` update)."""
        info = self._chats.get(channel_id)
        if info is None or info.chat["type"] != "channel":
            self.register_chat(channel_id, "channel", title, username)
            info = self._chats[channel_id]
        chat = info.chat
        mid = self._next_message_id(channel_id, message_id)
        ents = self._auto_entities(text, entities)
        if media_group_id is not None:
            stored = self._store_file(b"fake channel photo", None, "image/jpeg", kind="photo")
            msg = U.message_json(
                mid,
                dict(chat),
                sender_chat=dict(chat),
                caption=text or None,
                caption_entities=ents,
                photo=U.photo_sizes_json(stored.file_id, stored.file_unique_id, 18),
                media_group_id=media_group_id,
            )
        else:
            msg = U.message_json(mid, dict(chat), sender_chat=dict(chat), text=text, entities=ents)
        self._messages[(channel_id, mid)] = msg
        return self._push("channel_post", msg)

    def edited_message(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        entities: list[JSON] | None = None,
    ) -> int:
        """The user edits their earlier text message."""
        old = self.message(chat_id, message_id)
        if old is None or old.get("from", {}).get("id") != user_id:
            raise ValueError(f"user {user_id} has no message {message_id} in chat {chat_id}")
        new = {**old, "text": text, "edit_date": U.now()}
        new.pop("entities", None)
        ents = self._auto_entities(text, entities)
        if ents:
            new["entities"] = ents
        self._messages[(chat_id, message_id)] = new
        return self._push("edited_message", new)

    def raw_update(self, update: JSON) -> int:
        """Queue an arbitrary update (poll, message_reaction, my_chat_member, ...). ``update_id``
        is assigned if missing. Note Telegram's default allowed_updates excludes chat_member,
        message_reaction and message_reaction_count."""
        update = dict(update)
        kinds = [k for k in update if k != "update_id"]
        if len(kinds) != 1:
            raise ValueError(f"an update has exactly one payload field, got {kinds}")
        if "update_id" in update:
            self._pending.append(update)
            self.injected.append(update)
            self._wake()
            return int(update["update_id"])
        return self._push(kinds[0], update[kinds[0]])

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        at = time.monotonic()
        token = request.match_info["token"]
        raw_method = request.match_info["method"]
        try:
            params, files = await self._read_params(request)
        except ApiError as err:
            return web.json_response(err.to_json(), status=err.code)
        if not _TOKEN_RE.match(token):
            return self._record(raw_method, params, at, ApiError(404, "Not Found", origin="auth"))
        if token != self.token:
            return self._record(raw_method, params, at, ApiError(401, "Unauthorized", origin="auth"))
        entry = self._methods.get(raw_method.lower())
        if entry is None:
            known = self._known_methods.get(raw_method.lower())
            if known is not None:
                missing = ApiError(
                    501, f"Not Implemented: FakeBotAPI does not implement {known}", origin="unimplemented"
                )
                return self._record(known, params, at, missing)
            return self._record(raw_method, params, at, ApiError(404, "Not Found", origin="auth"))
        name, handler = entry
        chat_id = self._lookup_chat_id(params.get("chat_id"))
        fault = self._take_fault(name, chat_id)
        if fault is not None:
            return self._record(name, params, at, fault, chat_id=chat_id)
        try:
            result = await handler(params, files)
        except ApiError as err:
            return self._record(name, params, at, err, chat_id=chat_id)
        if isinstance(result, dict) and isinstance(result.get("chat"), dict):
            chat_id = result["chat"].get("id", chat_id)
        return self._record(name, params, at, result, chat_id=chat_id)

    def _record(
        self, method: str, params: JSON, at: float, outcome: Any, *, chat_id: int | None = None
    ) -> web.Response:
        if isinstance(outcome, ApiError):
            status, body, origin = outcome.code, outcome.to_json(), outcome.origin
        else:
            status, body, origin = 200, {"ok": True, "result": outcome}, "ok"
        self.calls.append(Call(method, params, at, status, body, origin, chat_id))
        return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        stored = self._file_paths.get(request.match_info["file_path"])
        if stored is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        self.downloads.append(request.match_info["file_path"])
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    async def _read_params(self, request: web.Request) -> tuple[JSON, dict[str, Upload]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError as exc:
                    raise bad_request("can't parse JSON encoded request") from exc
                if not isinstance(body, dict):
                    raise bad_request("JSON object expected")
                raw.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = Upload(value.filename, value.file.read(), value.content_type)
                    else:
                        raw[key] = value if isinstance(value, str) else bytes(value).decode()
        return {key: _decode_param(key, value) for key, value in raw.items()}, files

    # ------------------------------------------------------------------ internals

    def _canonical(self, method: str) -> str | None:
        entry = self._methods.get(method.lower())
        if entry is not None:
            return entry[0]
        return self._known_methods.get(method.lower())

    def _take_fault(self, method: str, chat_id: int | None) -> ApiError | None:
        for fault in self._faults:
            if fault.method != method or (fault.chat_id is not None and fault.chat_id != chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return ApiError(fault.status, fault.description, parameters=fault.parameters, origin="fault")
        return None

    def _wake(self) -> None:
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()

    def _push(self, kind: str, payload: JSON) -> int:
        update_id = next(self._update_seq)
        update = U.update_json(update_id, kind, payload)
        self._pending.append(update)
        self.injected.append(update)
        self._wake()
        return update_id

    def _ensure_user(self, user_id: int) -> JSON:
        user = self._users.get(user_id)
        if user is None:
            self.register_user(user_id, f"User{user_id}")
            user = self._users[user_id]
        return user

    def _chat_info_or_register(self, chat_id: int, *, channel: bool = False) -> _ChatInfo:
        info = self._chats.get(chat_id)
        if info is None:
            if chat_id > 0:
                self._ensure_user(chat_id)
            else:
                self.register_chat(chat_id, U.infer_chat_type(chat_id, channel=channel))
            info = self._chats[chat_id]
        return info

    def _incoming_chat(self, user_id: int, chat_id: int | None) -> JSON:
        self._ensure_user(user_id)
        target = user_id if chat_id is None else chat_id
        if target > 0 and target != user_id:
            raise ValueError("a user can only write to their own private chat with the bot")
        info = self._chat_info_or_register(target)
        if info.chat["type"] == "channel":
            raise ValueError("users don't post into channels; use channel_post()")
        if target < 0:
            info.members.setdefault(user_id, "member")
        return dict(info.chat)

    def _next_message_id(self, chat_id: int, wanted: int | None = None) -> int:
        current = self._msg_counters.get(chat_id, 0)
        mid = current + 1 if wanted is None else wanted
        self._msg_counters[chat_id] = max(current, mid)
        return mid

    def _user_message(self, user_id: int, chat: JSON, **fields: Any) -> JSON:
        mid = self._next_message_id(chat["id"])
        msg = U.message_json(mid, chat, from_user=dict(self._users[user_id]), **fields)
        self._messages[(chat["id"], mid)] = msg
        return msg

    def _auto_entities(self, text: str | None, entities: list[JSON] | None) -> list[JSON] | None:
        if entities is not None:
            return entities or None
        if not text:
            return None
        return U.detect_entities(text, bot_username=self.username) or None

    def _reply_target(self, chat_id: int, message_id: int | None) -> JSON | None:
        if message_id is None:
            return None
        msg = self.message(chat_id, message_id)
        if msg is None:
            raise ValueError(f"no message {message_id} in chat {chat_id} to reply to")
        return {k: v for k, v in msg.items() if k != "reply_to_message"}

    def _push_forward(
        self,
        user_id: int,
        chat_id: int | None,
        text: str,
        origin: JSON,
        as_media: bool,
        media_group_id: str | None,
        entities: list[JSON] | None,
    ) -> int:
        chat = self._incoming_chat(user_id, chat_id)
        ents = self._auto_entities(text, entities)
        if as_media or media_group_id is not None:
            stored = self._store_file(b"fake forwarded photo", None, "image/jpeg", kind="photo")
            msg = self._user_message(
                user_id,
                chat,
                forward_origin=origin,
                caption=text or None,
                caption_entities=ents,
                photo=U.photo_sizes_json(stored.file_id, stored.file_unique_id, 20),
                media_group_id=media_group_id,
            )
        else:
            msg = self._user_message(user_id, chat, forward_origin=origin, text=text, entities=ents)
        return self._push("message", msg)

    def _store_file(
        self,
        content: bytes,
        file_name: str | None,
        mime_type: str | None,
        *,
        kind: str,
        file_id: str | None = None,
    ) -> StoredFile:
        seq = next(self._file_seq)
        prefix = {"document": "BQAC", "photo": "AgAC", "sticker": "CAAC"}.get(kind, "BQAC")
        fid = file_id or f"{prefix}AgIAAxkBAAI{seq:06d}fake{kind}"
        stored = StoredFile(fid, f"AQAD{seq:06d}", bytes(content), file_name, mime_type, kind)
        self._files[fid] = stored
        return stored

    def _lookup_chat_id(self, raw: Any) -> int | None:
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str):
            if raw.startswith("@"):
                name = raw[1:].lower()
                for cid, info in self._chats.items():
                    if str(info.chat.get("username", "")).lower() == name:
                        return cid
                return None
            with contextlib.suppress(ValueError):
                return int(raw)
        return None

    def _resolve_chat(self, raw: Any) -> JSON:
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat_id = self._lookup_chat_id(raw)
        info = self._chats.get(chat_id) if chat_id is not None else None
        if info is None:
            raise bad_request("chat not found")
        return info.chat

    def _check_can_write(self, chat: JSON) -> None:
        chat_id = chat["id"]
        info = self._chats[chat_id]
        kicked = info.bot_status in ("left", "kicked")
        if chat_id not in self._blocked and not kicked:
            return
        reason = {
            "private": "bot was blocked by the user",
            "group": "bot was kicked from the group chat",
            "supergroup": "bot was kicked from the supergroup chat",
            "channel": "bot is not a member of the channel chat",
        }[chat["type"]]
        raise ApiError(403, f"Forbidden: {reason}", origin="blocked")

    def _int_param(self, params: JSON, name: str) -> int:
        value = params.get(name)
        if value is None or value == "":
            raise bad_request(
                f"{name} is empty" if name != "message_id" else "message identifier is not specified"
            )
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"invalid {name} specified")
        return value

    def _check_reply_markup(self, markup: Any) -> JSON | None:
        """Validate reply_markup; returns the inline keyboard (the only kind kept on a Message)."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
                )
            for row in rows:
                for button in row:
                    _check_inline_button(button)
            return {"inline_keyboard": [[dict(b) for b in row] for row in rows]}
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
            for row in rows:
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text.strip():
                        raise bad_request("BUTTON_TEXT_INVALID")
            return None
        if "remove_keyboard" in markup or "force_reply" in markup:
            return None
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _reply_to(self, chat: JSON, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target_chat = self._lookup_chat_id(reply.get("chat_id")) or chat["id"]
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id") is not None:
            target_chat = chat["id"]
            message_id = params.get("reply_to_message_id")
            allow = bool(params.get("allow_sending_without_reply"))
        else:
            return None
        msg = self.message(target_chat, message_id) if isinstance(message_id, int) else None
        if msg is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in msg.items() if k != "reply_to_message"}

    def _bot_message(self, chat: JSON, **fields: Any) -> JSON:
        chat_id = chat["id"]
        mid = self._next_message_id(chat_id)
        if chat["type"] == "channel":
            msg = U.message_json(mid, dict(chat), sender_chat=dict(chat), **fields)
        else:
            msg = U.message_json(mid, dict(chat), from_user=self.bot_user, **fields)
        self._messages[(chat_id, mid)] = msg
        self._bot_messages.add((chat_id, mid))
        return msg

    def _message_for_edit(self, params: JSON) -> tuple[JSON, JSON]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._resolve_chat(params.get("chat_id"))
        message_id = self._int_param(params, "message_id")
        self._check_can_write(chat)
        msg = self.message(chat["id"], message_id)
        if msg is None:
            raise bad_request("message to edit not found")
        if (chat["id"], message_id) not in self._bot_messages:
            raise bad_request("message can't be edited")
        return chat, msg

    # ------------------------------------------------------------------ Bot API methods

    async def _true(self, params: JSON, files: dict[str, Upload]) -> Any:
        return True

    async def _get_me(self, params: JSON, files: dict[str, Upload]) -> Any:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @property
    def webhook_url(self) -> str:
        return self.webhook.url

    async def _set_webhook(self, params: JSON, files: dict[str, Upload]) -> Any:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if url and len(url) <= len("https://"):
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_RE.match(str(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        max_connections = params.get("max_connections", 40)
        if not isinstance(max_connections, int) or not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed]
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook.url = url
        self.webhook.secret = None if secret is None else str(secret)
        self.webhook.max_connections = max_connections
        self._wake()  # a long poll still waiting ends with 409, as on Telegram
        if url:
            self._deliverer.start()
        else:
            await self._deliverer.stop()
        return True

    async def _delete_webhook(self, params: JSON, files: dict[str, Upload]) -> Any:
        self.webhook.url = ""
        self.webhook.secret = None
        await self._deliverer.stop()
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _get_webhook_info(self, params: JSON, files: dict[str, Upload]) -> Any:
        info: JSON = {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._deliverable()),
        }
        if self.webhook.url:
            info["max_connections"] = self.webhook.max_connections
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
        if self.webhook.last_error_message is not None:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error_message
        return info

    def _check_no_webhook(self) -> None:
        if self.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
                origin="conflict",
            )

    def _confirm(self, update_id: int) -> None:
        """The webhook answered 2xx: Telegram forgets the update."""
        self._pending = [u for u in self._pending if int(u["update_id"]) != update_id]

    def _deliverable(self) -> list[JSON]:
        """Pending updates the bot subscribed to; the others are dropped (never delivered)."""
        allowed = set(self._allowed_updates)

        def wanted(update: JSON) -> bool:
            kind = next((k for k in update if k != "update_id"), "")
            return (kind in allowed) if allowed else (kind not in DEFAULT_EXCLUDED_UPDATES)

        self._pending = [u for u in self._pending if wanted(u)]
        return list(self._pending)

    async def _get_updates(self, params: JSON, files: dict[str, Upload]) -> Any:
        self._check_no_webhook()
        offset = params.get("offset")
        limit = params.get("limit", 100)
        timeout = params.get("timeout", 0)
        allowed = params.get("allowed_updates")
        limit = max(1, min(100, limit if isinstance(limit, int) and not isinstance(limit, bool) else 100))
        timeout = (
            float(timeout) if isinstance(timeout, int | float) and not isinstance(timeout, bool) else 0.0
        )
        timeout = max(0.0, min(timeout, self.max_long_poll))
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed]
        if isinstance(offset, int) and not isinstance(offset, bool):
            if offset < 0:
                self._pending = self._pending[offset:]
            elif offset:
                self._pending = [u for u in self._pending if int(u["update_id"]) >= offset]

        self._poll_seq += 1
        my_seq = self._poll_seq
        self._wake()  # a poller still waiting is superseded (409), like on Telegram
        deadline = time.monotonic() + timeout
        while True:
            self._check_no_webhook()
            if my_seq != self._poll_seq:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                    origin="conflict",
                )
            ready = self._deliverable()
            remaining = deadline - time.monotonic()
            if ready or self._closing or remaining <= 0:
                return ready[:limit]
            event = self._update_event
            self._waiting_seq = my_seq
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
            finally:
                if self._waiting_seq == my_seq:
                    self._waiting_seq = None

    async def _send_message(self, params: JSON, files: dict[str, Upload]) -> Any:
        markup = self._check_reply_markup(params.get("reply_markup"))
        parsed = check_message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"), strict_html=self.strict_html
        )
        chat = self._resolve_chat(params.get("chat_id"))
        self._check_can_write(chat)
        reply = self._reply_to(chat, params)
        return self._public(
            self._bot_message(
                chat,
                text=parsed.text,
                entities=parsed.entities or None,
                reply_markup=markup,
                reply_to_message=reply,
                link_preview_options=params.get("link_preview_options"),
            )
        )

    def _media_file(self, params: JSON, files: dict[str, Upload], field_name: str, kind: str) -> StoredFile:
        value = params.get(field_name)
        upload = files.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request(f'can\'t find attached file "{value}"')
        if upload is not None:
            if not upload.content:
                raise bad_request("file must be non-empty")
            if len(upload.content) > MAX_UPLOAD_SIZE:
                raise ApiError(413, "Request Entity Too Large")
            return self._store_file(upload.content, upload.filename, upload.content_type, kind=kind)
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            if re.match(r"^https?://", value):
                name = value.rstrip("/").rsplit("/", 1)[-1] or None
                return self._store_file(
                    b"downloaded by telegram from " + value.encode(), name, None, kind=kind
                )
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {field_name} in the request")

    async def _send_document(self, params: JSON, files: dict[str, Upload]) -> Any:
        markup = self._check_reply_markup(params.get("reply_markup"))
        caption = self._caption(params)
        chat = self._resolve_chat(params.get("chat_id"))
        stored = self._media_file(params, files, "document", "document")
        params["document"] = _describe_file(params.get("document"), stored)
        self._check_can_write(chat)
        reply = self._reply_to(chat, params)
        return self._public(
            self._bot_message(
                chat,
                document=stored.document(),
                caption=caption.text if caption else None,
                caption_entities=(caption.entities or None) if caption else None,
                reply_markup=markup,
                reply_to_message=reply,
            )
        )

    async def _send_photo(self, params: JSON, files: dict[str, Upload]) -> Any:
        markup = self._check_reply_markup(params.get("reply_markup"))
        caption = self._caption(params)
        chat = self._resolve_chat(params.get("chat_id"))
        uploaded = params.get("photo") is None or str(params.get("photo")).startswith("attach://")
        stored = self._media_file(params, files, "photo", "photo")
        # An upload is checked as Telegram checks it; a file_id re-sends a photo Telegram already has.
        width, height = check_photo(stored.content) if uploaded else (1280, 853)
        params["photo"] = _describe_file(params.get("photo"), stored)
        self._check_can_write(chat)
        reply = self._reply_to(chat, params)
        return self._public(
            self._bot_message(
                chat,
                photo=photo_sizes(stored.file_id, stored.file_unique_id, width, height, len(stored.content)),
                caption=caption.text if caption else None,
                caption_entities=(caption.entities or None) if caption else None,
                reply_markup=markup,
                reply_to_message=reply,
            )
        )

    def _caption(self, params: JSON) -> ParsedText | None:
        return check_caption(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            strict_html=self.strict_html,
        )

    async def _copy_message(self, params: JSON, files: dict[str, Upload]) -> Any:
        markup = self._check_reply_markup(params.get("reply_markup"))
        chat = self._resolve_chat(params.get("chat_id"))
        source_chat = self._resolve_chat(params.get("from_chat_id"))
        source = self.message(source_chat["id"], self._int_param(params, "message_id"))
        if source is None:
            raise bad_request("message to copy not found")
        self._check_can_write(chat)
        content = {
            k: v
            for k, v in source.items()
            if k in ("text", "entities", "document", "photo", "sticker", "caption", "caption_entities")
        }
        if "caption" in params:
            caption = self._caption(params)
            content.pop("caption", None)
            content.pop("caption_entities", None)
            if caption:
                content["caption"] = caption.text
                if caption.entities:
                    content["caption_entities"] = caption.entities
        msg = self._bot_message(
            chat, reply_markup=markup, reply_to_message=self._reply_to(chat, params), **content
        )
        return {"message_id": msg["message_id"]}

    async def _forward_message(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        source_chat = self._resolve_chat(params.get("from_chat_id"))
        source = self.message(source_chat["id"], self._int_param(params, "message_id"))
        if source is None:
            raise bad_request("message to forward not found")
        self._check_can_write(chat)
        if "forward_origin" in source:
            origin = source["forward_origin"]
        elif source_chat["type"] == "channel":
            origin = U.origin_channel(dict(source_chat), source["message_id"], source["date"])
        elif "from" in source:
            origin = U.origin_user(source["from"], source["date"])
        else:
            origin = U.origin_chat(dict(source_chat), source["date"])
        content = {
            k: v
            for k, v in source.items()
            if k in ("text", "entities", "document", "photo", "sticker", "caption", "caption_entities")
        }
        return self._public(self._bot_message(chat, forward_origin=origin, **content))

    async def _edit_message_text(self, params: JSON, files: dict[str, Upload]) -> Any:
        markup = self._check_reply_markup(params.get("reply_markup"))
        parsed = check_message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"), strict_html=self.strict_html
        )
        chat, msg = self._message_for_edit(params)
        if "text" not in msg:
            raise bad_request("there is no text in the message to edit")
        new_entities = parsed.entities or None
        if (
            msg.get("text") == parsed.text
            and msg.get("entities") == new_entities
            and msg.get("reply_markup") == markup
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message"
            )
        new = {k: v for k, v in msg.items() if k not in ("entities", "reply_markup")}
        new["text"] = parsed.text
        new["edit_date"] = U.now()
        if new_entities:
            new["entities"] = new_entities
        if markup:
            new["reply_markup"] = markup
        self._messages[(chat["id"], msg["message_id"])] = new
        return self._public(new)

    async def _edit_message_caption(self, params: JSON, files: dict[str, Upload]) -> Any:
        markup = self._check_reply_markup(params.get("reply_markup"))
        caption = self._caption(params)
        chat, msg = self._message_for_edit(params)
        if "text" in msg:
            raise bad_request("there is no caption in the message to edit")
        new_text = caption.text if caption else None
        new_entities = (caption.entities or None) if caption else None
        if (
            msg.get("caption") == new_text
            and msg.get("caption_entities") == new_entities
            and msg.get("reply_markup") == markup
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message"
            )
        new = {k: v for k, v in msg.items() if k not in ("caption", "caption_entities", "reply_markup")}
        new["edit_date"] = U.now()
        if new_text:
            new["caption"] = new_text
        if new_entities:
            new["caption_entities"] = new_entities
        if markup:
            new["reply_markup"] = markup
        self._messages[(chat["id"], msg["message_id"])] = new
        return self._public(new)

    async def _edit_message_reply_markup(self, params: JSON, files: dict[str, Upload]) -> Any:
        markup = self._check_reply_markup(params.get("reply_markup"))
        chat, msg = self._message_for_edit(params)
        if msg.get("reply_markup") == markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message"
            )
        new = {k: v for k, v in msg.items() if k != "reply_markup"}
        new["edit_date"] = U.now()
        if markup:
            new["reply_markup"] = markup
        self._messages[(chat["id"], msg["message_id"])] = new
        return self._public(new)

    async def _delete_message(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        message_id = self._int_param(params, "message_id")
        self._check_can_write(chat)
        if self.message(chat["id"], message_id) is None:
            raise bad_request("message to delete not found")
        self._deleted.add((chat["id"], message_id))
        return True

    async def _delete_messages(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be an array of 1-100 message identifiers")
        self._check_can_write(chat)
        for message_id in ids:
            if isinstance(message_id, int) and self.message(chat["id"], message_id) is not None:
                self._deleted.add((chat["id"], message_id))
        return True

    async def _answer_callback_query(self, params: JSON, files: dict[str, Upload]) -> Any:
        query_id = params.get("callback_query_id")
        query = self._callbacks.get(str(query_id)) if query_id else None
        if query is None or query.answered or time.monotonic() - query.created > self.callback_query_ttl:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        self.callback_answers[query.query_id] = query.answer
        return True

    async def _send_chat_action(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._check_can_write(chat)
        return True

    def _scope_key(self, scope: Any, *, resolve: bool = True) -> str:
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("can't parse BotCommandScope: unsupported scope type")
        normalized: JSON = {"type": scope["type"]}
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            if resolve:
                normalized["chat_id"] = self._resolve_chat(scope.get("chat_id"))["id"]
            else:
                normalized["chat_id"] = self._lookup_chat_id(scope.get("chat_id"))
        if scope["type"] == "chat_member":
            normalized["user_id"] = scope.get("user_id")
        return json.dumps(normalized, sort_keys=True)

    def _language(self, params: JSON) -> str:
        lang = params.get("language_code") or ""
        if lang and not re.fullmatch(r"[a-z]{2}", str(lang)):
            raise bad_request("invalid language_code specified")
        return str(lang)

    async def _set_my_commands(self, params: JSON, files: dict[str, Upload]) -> Any:
        commands = params.get("commands", [])
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        clean: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand: BotCommand must be an Object")
            for required in ("command", "description"):
                if required not in command:
                    raise bad_request(f"can't parse BotCommand: Can't find field \"{required}\"")
            name, description = str(command["command"]), str(command["description"])
            if not _COMMAND_RE.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not description.strip():
                raise bad_request("command description must be non-empty")
            if len(description) > 256:
                raise bad_request("command description is too long")
            clean.append({"command": name, "description": description})
        key = (self._scope_key(params.get("scope")), self._language(params))
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JSON, files: dict[str, Upload]) -> Any:
        key = (self._scope_key(params.get("scope")), self._language(params))
        return [dict(c) for c in self._commands.get(key, [])]

    async def _delete_my_commands(self, params: JSON, files: dict[str, Upload]) -> Any:
        key = (self._scope_key(params.get("scope")), self._language(params))
        self._commands.pop(key, None)
        return True

    async def _get_chat(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        full = {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        if chat["type"] == "private":
            user = self._users.get(chat["id"])
            if user is not None:
                full["first_name"] = user["first_name"]
        return full

    def _member_json(self, user: JSON, status: str) -> JSON:
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            rights = [
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
                "can_post_messages",
                "can_edit_messages",
                "can_pin_messages",
            ]
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": user.get("id") == self.bot_id,
                "is_anonymous": False,
                "can_promote_members": False,
                **dict.fromkeys(rights, True),
            }
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        return {"status": status, "user": user}

    async def _get_chat_member(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        user_id = self._int_param(params, "user_id")
        if user_id == self.bot_id:
            status = "member" if chat["type"] == "private" else self._chats[chat["id"]].bot_status
            return self._member_json(self.bot_user, status)
        user = self._users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if chat["type"] == "private":
            if user_id != chat["id"]:
                raise bad_request("user not found")
            return self._member_json(dict(user), "member")
        status = self._chats[chat["id"]].members.get(user_id, "left")
        return self._member_json(dict(user), status)

    async def _get_chat_administrators(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        info = self._chats[chat["id"]]
        admins = [
            self._member_json(dict(self._users[uid]), status)
            for uid, status in info.members.items()
            if status in ("creator", "administrator")
        ]
        if info.bot_status == "administrator":
            admins.append(self._member_json(self.bot_user, "administrator"))
        return admins

    async def _get_chat_member_count(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat["type"] == "private":
            return 2
        info = self._chats[chat["id"]]
        return 1 + sum(1 for s in info.members.values() if s in ("creator", "administrator", "member"))

    async def _get_file(self, params: JSON, files: dict[str, Upload]) -> Any:
        file_id = params.get("file_id")
        stored = self._files.get(str(file_id)) if file_id else None
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if len(stored.content) > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        if stored.file_path is None:
            folder = {"photo": "photos", "sticker": "stickers"}.get(stored.kind, "documents")
            ext = ""
            if stored.file_name and "." in stored.file_name:
                ext = "." + stored.file_name.rsplit(".", 1)[1]
            stored.file_path = f"{folder}/file_{len(self._file_paths)}{ext}"
            self._file_paths[stored.file_path] = stored
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _set_message_reaction(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._resolve_chat(params.get("chat_id"))
        message_id = self._int_param(params, "message_id")
        reaction = params.get("reaction") or []
        if not isinstance(reaction, list):
            raise bad_request("can't parse reaction types JSON object")
        if len(reaction) > 1:
            raise bad_request("REACTIONS_TOO_MANY")
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") not in ("emoji", "custom_emoji", "paid"):
                raise bad_request("can't parse ReactionType: unsupported reaction type")
            if item["type"] == "emoji" and item.get("emoji") not in _allowed_reactions():
                raise bad_request("REACTION_INVALID")
            # PTB turns any str that is not a ReactionEmoji into ReactionTypeCustomEmoji(str)
            if item["type"] == "custom_emoji" and not str(item.get("custom_emoji_id", "")).isdigit():
                raise bad_request("REACTION_INVALID")
        self._check_can_write(chat)
        if self.message(chat["id"], message_id) is None:
            raise bad_request("MESSAGE_ID_INVALID")
        self._reactions[(chat["id"], message_id)] = [dict(r) for r in reaction]
        return True

    @staticmethod
    def _public(msg: JSON) -> JSON:
        return dict(msg)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
    if not isinstance(button["text"], str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in INLINE_BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        from .html_check import checked_link

        if not isinstance(button["url"], str) or checked_link(button["url"]) is None:
            raise bad_request("BUTTON_URL_INVALID")


_REACTIONS_CACHE: list[frozenset[str]] = []


def _allowed_reactions() -> frozenset[str]:
    if not _REACTIONS_CACHE:
        try:
            from telegram.constants import ReactionEmoji

            _REACTIONS_CACHE.append(frozenset(str(e.value) for e in ReactionEmoji))
        except ImportError:  # pragma: no cover
            _REACTIONS_CACHE.append(frozenset({"👍", "👎", "❤", "🔥", "🎉", "🤔", "😢", "👏"}))
    return _REACTIONS_CACHE[0]


def _describe_file(value: Any, stored: StoredFile) -> Any:
    """What gets recorded in Call.params for an uploaded file."""
    if isinstance(value, str) and not value.startswith("attach://"):
        return value
    return {
        "upload": True,
        "file_id": stored.file_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "size": len(stored.content),
    }


def _decode_param(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        if key in STRING_PARAMS and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value
    if key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
