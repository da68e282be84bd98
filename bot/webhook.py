"""`python -m bot run --webhook`: an HTTP ingress Telegram posts updates to, beside the dispatcher.

Built like python-telegram-bot's custom-webhook example (an aiohttp server next to an
``Application`` without an Updater, ``Application.process_update`` for each update), with one
difference: an update is not handed to the application when it arrives but written to the shared
inbox (keyed by ``update_id``, so a repeated delivery is recognised) and answered 200 at once;
the per-chat dispatcher (`bot/dispatcher.py`) of whichever replica claims it handles it. So any
number of replicas behind a load balancer share the work, a chat's updates keep their order, and
an update accepted by a replica that then dies is handled by another.

Requests are checked before anything is stored: the ``X-Telegram-Bot-Api-Secret-Token`` header
must equal WEBHOOK_SECRET (compared in constant time; 401 otherwise) and the body must be a JSON
object with an integer ``update_id`` of at most MAX_BODY bytes (400 otherwise, Telegram does not
retry a 4xx). A storage failure answers 503, which Telegram retries.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import time
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.config import Settings, require_webhook
from bot.dispatcher import ChatDispatcher
from bot.lanes import lane_of
from storage.records import Claimed, InboxItem
from storage.repository import Storage

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Larger bodies are refused. Telegram's updates are a few KB (a 4096-character text, entities).
MAX_BODY = 1024 * 1024
#: Telegram's default set (what getUpdates without allowed_updates delivers), named explicitly.
ALLOWED_UPDATES = [kind for kind in Update.ALL_TYPES
                   if kind not in (Update.CHAT_MEMBER, Update.MESSAGE_REACTION, Update.MESSAGE_REACTION_COUNT)]
#: A rejected request is logged the first time for its reason, then at most once a minute with a count.
REJECTION_LOG_EVERY = 60.0


class _Rejections:
    """Logs rejected requests without letting a flood of them flood the log."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def note(self, reason: str, remote: str | None) -> None:
        now = time.monotonic()
        last = self._last.get(reason)
        if last is not None and now - last < REJECTION_LOG_EVERY:
            self._suppressed[reason] = self._suppressed.get(reason, 0) + 1
            return
        more = self._suppressed.pop(reason, 0)
        self._last[reason] = now
        tail = f" ({more} more since the last report)" if more else ""
        log.warning("webhook request from %s refused: %s%s", remote or "?", reason, tail)


class _InboxWriter:
    """Writes the updates of requests that arrive together in one transaction: while one batch
    commits, the next requests queue for the following one. One commit (one fsync on
    PostgreSQL) then serves many requests, and each is still answered only after its commit."""

    MAX_BATCH = 200

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._queue: list[tuple[InboxItem, asyncio.Future[bool]]] = []
        self._task: asyncio.Task[None] | None = None

    async def put(self, item: InboxItem) -> bool:
        """True if stored now, False if the inbox already had it; raises if the write failed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._queue.append((item, future))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain(), name="dossier.inbox-writer")
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self.MAX_BATCH], self._queue[self.MAX_BATCH :]
            try:
                created = await self.storage.inbox_put_many([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), stored in zip(batch, created, strict=True):
                if not future.done():
                    future.set_result(stored)


class WebhookIngress:
    """The aiohttp handlers: POST an update (to WEBHOOK_URL's path), GET /healthz."""

    def __init__(self, storage: Storage, secret: str, path: str, dispatcher: ChatDispatcher) -> None:
        self.storage = storage
        self._secret = secret.encode()
        self.path = path
        self.dispatcher = dispatcher
        self._writer = _InboxWriter(storage)
        self.accepted = 0
        self.duplicates = 0
        self._rejections = _Rejections()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self.receive)
        app.router.add_get("/healthz", self.health)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self._rejections.note("missing secret token" if not given else "wrong secret token", request.remote)
            return web.Response(status=401, text="wrong or missing secret token")
        update, problem = await _read_update(request)
        if update is None:
            self._rejections.note(problem, request.remote)
            return web.Response(status=400, text=problem)
        update_id = int(update["update_id"])
        chat_id, part = lane_of(update)
        try:
            created = await self._writer.put(InboxItem(update_id, json.dumps(update, ensure_ascii=False),
                                                       chat_id=chat_id, part=part))
        except Exception as exc:  # the database is unreachable or locked: Telegram retries a 5xx
            log.error("could not store update %s: %s", update_id, exc)
            return web.Response(status=503, text="cannot store the update now")
        if created:
            self.accepted += 1
            self.dispatcher.wake()
        else:
            self.duplicates += 1  # a repeated delivery: it is (being) handled already
        return web.Response(status=200)

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "replica": self.dispatcher.replica, "accepted": self.accepted,
                                  "duplicates": self.duplicates, "handled": self.dispatcher.handled})


async def _read_update(request: web.Request) -> tuple[dict[str, Any] | None, str]:
    """The update, or None and why the body is not one."""
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return None, f"body larger than {MAX_BODY} bytes"
    try:
        update = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, "body is not JSON"
    if not isinstance(update, dict):
        return None, "body is not a JSON object"
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        return None, "no integer update_id"
    return update, ""


def webhook_path(url: str) -> str:
    """The path of WEBHOOK_URL, which the load balancer forwards as is ("/" if it has none)."""
    return urlsplit(url).path or "/"


async def serve_webhook(settings: Settings, token: str) -> int:
    """Run one replica until SIGTERM/SIGINT: the application, the dispatcher, the HTTP ingress."""
    from bot.app import build_application

    url, secret = require_webhook(settings)
    application = build_application(settings, token, webhook=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await application.initialize()
    runner: web.AppRunner | None = None
    dispatcher: ChatDispatcher | None = None
    dispatching: asyncio.Task[None] | None = None
    try:
        assert application.post_init is not None
        await application.post_init(application)
        await application.start()
        services = application.bot_data.services
        assert services is not None

        async def handle(claimed: Claimed) -> None:
            try:
                update = Update.de_json(json.loads(claimed.payload), application.bot)
            except Exception:
                log.warning("update %s cannot be read by python-telegram-bot; skipped", claimed.update_id)
                return
            await application.process_update(update)

        dispatcher = ChatDispatcher(services.storage, handle, lease=settings.inbox_claim_timeout)
        dispatching = loop.create_task(dispatcher.run(), name="dossier.dispatcher")

        def dispatcher_ended(task: asyncio.Task[None]) -> None:
            if not task.cancelled() and task.exception() is not None:
                log.error("the dispatcher stopped: %s; stopping the replica", task.exception())
                stop.set()  # a replica that accepts updates but handles none must not stay up

        dispatching.add_done_callback(dispatcher_ended)
        ingress = WebhookIngress(services.storage, secret, webhook_path(url), dispatcher)
        runner = web.AppRunner(ingress.app(), access_log=None)
        await runner.setup()
        host, port = settings.listen_address
        await web.TCPSite(runner, host, port).start()
        log.info("webhook replica %s listening on %s:%d%s", dispatcher.replica, host, port, ingress.path)
        # Every replica sets the same webhook: harmless, and whichever starts first makes it work.
        await application.bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                                          drop_pending_updates=False)
        log.info("webhook set to %s", url)
        await stop.wait()
        log.info("stopping the webhook replica")
    finally:
        if runner is not None:
            await runner.cleanup()  # no new updates here; Telegram sends them to the other replicas
        if dispatcher is not None and dispatching is not None:
            await dispatcher.stop()
            await asyncio.gather(dispatching, return_exceptions=True)
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return 0
