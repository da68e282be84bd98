"""`python -m bot console`: the real application in a terminal, without Telegram.

The same Application, handlers, services and database run; only the HTTP layer is replaced by
`ConsoleRequest`, which answers Bot API calls locally and prints what the bot sends. So what the
console shows is what a Telegram user would get, as plain text.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.render import to_plain

CONSOLE_TOKEN = "100000:console-token-not-used-for-anything"
BOT_USER = {"id": 100000, "is_bot": True, "first_name": "Dossier", "username": "dossier_console_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

BANNER = """Dossier console — the bot without Telegram.
Type a command (/help, /who Лавров, /tags sanctions ...), or paste an article and finish it with an
empty line. Buttons under a reply are numbered: type :1, :2 ... to press one. Ctrl-D quits."""


class ConsoleRequest(BaseRequest):
    """Answers the Bot API calls the bot makes, printing the messages it sends."""

    def __init__(self, user: dict[str, Any], write: Callable[[str], None] = print) -> None:
        self.user = user
        self.write = write
        self.buttons: list[str] = []
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def _message(self, chat_id: int, text: str | None = None) -> dict[str, Any]:
        return {"message_id": next(self._ids), "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private", "first_name": self.user["first_name"]},
                **({"text": text} if text is not None else {})}

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: Any = True
        if api == "getMe":
            result = BOT_USER
        elif api == "getUpdates":
            await asyncio.sleep(1)
            result = []
        elif api in ("sendMessage", "editMessageText"):
            self._show(str(params.get("text", "")), params.get("reply_markup"))
            result = self._message(int(str(params.get("chat_id", self.user["id"]))), str(params.get("text", "")))
        elif api == "sendDocument":
            self.write("[document]")
            result = self._message(int(str(params.get("chat_id", self.user["id"]))))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _show(self, html_text: str, markup: Any) -> None:
        self.write("")
        self.write(to_plain(html_text))
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        self.buttons = []
        labels = []
        for row in rows:
            for button in row:
                if "callback_data" in button:
                    self.buttons.append(button["callback_data"])
                    labels.append(f":{len(self.buttons)} {button['text']}")
        if labels:
            self.write("   " + "   ".join(labels))


def _update(update_id: int, user: dict[str, Any], text: str) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": update_id, "date": int(time.time()), "from": user,
                               "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
                               "text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": update_id, "message": message}


def _press(update_id: int, user: dict[str, Any], data: str) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "from": user, "chat_instance": "console", "data": data,
        "message": {"message_id": 1, "date": int(time.time()), "from": BOT_USER, "text": "…",
                    "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]}}}}


async def run_console(settings: Settings, *, language: str = "ru", lines: Any = None) -> None:
    from bot.app import build_application
    from handlers.common import SERVICES_KEY

    user_id = settings.allowed_user_ids[0] if settings.allowed_user_ids else 1
    user = {"id": user_id, "is_bot": False, "first_name": "Console", "language_code": language}
    request = ConsoleRequest(user)
    application = build_application(settings, CONSOLE_TOKEN, request=request)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    services = application.bot_data[SERVICES_KEY]
    if await services.storage.get_member(user_id) is None:
        owner = await services.storage.owner()
        await services.storage.add_member(user_id, "member" if owner else "owner", None, "console")
    await application.start()
    print(BANNER)
    ids = itertools.count(int(time.time()))
    source = lines if lines is not None else sys.stdin
    try:
        buffer: list[str] = []
        while True:
            if lines is None:
                sys.stdout.write("\n> " if not buffer else "… ")
                sys.stdout.flush()
            line = await asyncio.to_thread(source.readline)
            if not line:
                if buffer:
                    await application.process_update(Update.de_json(_update(next(ids), user, "\n".join(buffer)),
                                                                    application.bot))
                break
            line = line.rstrip("\n")
            if not buffer and line.startswith(":") and line[1:].isdigit():
                index = int(line[1:]) - 1
                if 0 <= index < len(request.buttons):
                    payload = _press(next(ids), user, request.buttons[index])
                    await application.process_update(Update.de_json(payload, application.bot))
                else:
                    print("no such button")
                continue
            if not buffer and line.startswith("/"):
                await application.process_update(Update.de_json(_update(next(ids), user, line), application.bot))
                continue
            if line.strip():
                buffer.append(line)
                continue
            if buffer:
                text, buffer = "\n".join(buffer), []
                await application.process_update(Update.de_json(_update(next(ids), user, text), application.bot))
    finally:
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
