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
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.render import to_plain
from storage.urls import shown_url

CONSOLE_TOKEN = "100000:console-token-not-used-for-anything"
BOT_USER = {"id": 100000, "is_bot": True, "first_name": "Dossier", "username": "dossier_console_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

BANNER = """Dossier console — the bot without Telegram.
Database: {database}
Type a command (/help, /who Лавров, /tags sanctions ...), or paste an article (blank lines inside are
fine; end it with a line holding a single "." or just pause: a second without input ends it).
Buttons under a reply are numbered: type :1, :2 ... to press one. Matches are shown as *word*.
Ctrl-D quits. Another database: make console ARGS="--database sqlite:///path/to/other.db"."""


def shown_database(url: str) -> str:
    """The database URL as the banner prints it (storage.urls.shown_url: no password)."""
    return shown_url(url)


def marked(html_text: str, *, tty: bool) -> str:
    """Bold (search matches, headers) as the terminal can show it: ANSI bold on a terminal,
    *word* in a pipe or a file."""
    on, off = ("\033[1m", "\033[0m") if tty else ("*", "*")
    return html_text.replace("<b>", on).replace("</b>", off)


class ConsoleRequest(BaseRequest):
    """Answers the Bot API calls the bot makes, printing the messages it sends."""

    def __init__(self, user: dict[str, Any], write: Callable[[str], None] = print, *, tty: bool = False,
                 files: Path | None = None) -> None:
        self.user = user
        self.write = write
        self.tty = tty
        #: Where pictures and files the bot sends are saved (the charts folder); None: not saved.
        self.files = files
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
        elif api in ("sendPhoto", "sendDocument"):
            self._show(str(params.get("caption") or ""), params.get("reply_markup"))
            saved = self._save(request_data)
            self.write(f"[{'picture' if api == 'sendPhoto' else 'file'} saved: {saved}]" if saved else "[document]")
            result = self._message(int(str(params.get("chat_id", self.user["id"]))))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _save(self, request_data: RequestData | None) -> Path | None:
        """Write an uploaded picture or file under the charts folder; its path, or None."""
        if request_data is None or self.files is None:
            return None
        for name, content in request_data.multipart_data.items():
            filename, data = str(content[0] or name), content[1]
            if not isinstance(data, bytes):
                continue
            self.files.mkdir(parents=True, exist_ok=True)
            stem, _, suffix = Path(filename).name.rpartition(".")
            path = self.files / f"{stem or 'file'}-{time.strftime('%Y%m%d-%H%M%S')}.{suffix or 'bin'}"
            n = 2
            while path.exists():
                path = self.files / f"{stem or 'file'}-{time.strftime('%Y%m%d-%H%M%S')}-{n}.{suffix or 'bin'}"
                n += 1
            path.write_bytes(data)
            return path
        return None

    def _show(self, html_text: str, markup: Any) -> None:
        self.write("")
        self.write(to_plain(marked(html_text, tty=self.tty)))
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


#: A paste arrives in one burst; a pause this long after its last line ends the article.
PASTE_PAUSE = 1.0


class _Lines:
    """Lines from a text stream, read on a thread so the event loop keeps running."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        # A daemon thread: a blocked readline must not keep the process alive after Ctrl-C.
        threading.Thread(target=self._pump, name="console-input", daemon=True).start()

    def _pump(self) -> None:
        while True:
            line = self.source.readline()
            try:
                self.loop.call_soon_threadsafe(self.queue.put_nowait, line)
            except RuntimeError:  # the loop closed (the console is quitting)
                return
            if not line:
                return

    async def next(self, wait: float | None = None) -> str | None:
        """The next line (empty at end of input), or None if nothing came within ``wait`` seconds."""
        try:
            return await asyncio.wait_for(self.queue.get(), wait)
        except TimeoutError:
            return None


async def run_console(settings: Settings, *, language: str = "ru", lines: Any = None,
                      pause: float | None = None) -> None:
    """Read commands and pasted articles; an article ends at a line with a single `.`, at the next
    command, at the end of input, or when no line came for ``pause`` seconds (PASTE_PAUSE in a
    terminal; a pasted article arrives in one burst, so the pause is the paste's end)."""
    from bot.app import build_application

    user_id = settings.allowed_user_ids[0] if settings.allowed_user_ids else 1
    user = {"id": user_id, "is_bot": False, "first_name": "Console", "language_code": language}
    interactive = lines is None and sys.stdin.isatty()
    from bot.chart_cli import charts_dir

    request = ConsoleRequest(user, tty=sys.stdout.isatty(), files=charts_dir(settings))
    application = build_application(settings, CONSOLE_TOKEN, request=request)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    services = application.bot_data.services
    assert services is not None
    if await services.storage.get_member(user_id) is None:
        owner = await services.storage.owner()
        await services.storage.add_member(user_id, "member" if owner else "owner", None, "console")
    await application.start()
    print(BANNER.format(database=shown_database(settings.database_url)))
    ids = itertools.count(int(time.time()))
    source = lines if lines is not None else sys.stdin
    wait = pause if pause is not None else (PASTE_PAUSE if interactive else None)
    reader = _Lines(source)

    async def send(payload: dict[str, Any]) -> None:
        await application.process_update(Update.de_json(payload, application.bot))

    try:
        buffer: list[str] = []
        while True:
            if interactive:
                sys.stdout.write("\n> " if not buffer else "")
                sys.stdout.flush()
            raw = await reader.next(wait if buffer else None)
            if raw is None or raw == "" or raw.strip() == ".":
                if buffer and any(b.strip() for b in buffer):
                    await send(_update(next(ids), user, "\n".join(buffer).strip()))
                buffer = []
                if raw == "":
                    break
                continue
            line = raw.rstrip("\n")
            if line.startswith("/") or (line.startswith(":") and line[1:].isdigit()):
                if any(b.strip() for b in buffer):
                    await send(_update(next(ids), user, "\n".join(buffer).strip()))
                buffer = []
                if line.startswith("/"):
                    await send(_update(next(ids), user, line))
                    continue
                index = int(line[1:]) - 1
                if 0 <= index < len(request.buttons):
                    await send(_press(next(ids), user, request.buttons[index]))
                else:
                    print("no such button")
                continue
            if buffer or line.strip():
                buffer.append(line)
    finally:
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
