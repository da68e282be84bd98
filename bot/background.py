"""What runs beside the handlers: replaying the inbox, finishing interrupted analyses."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import cards
from bot.alerts import start_alerts
from bot.i18n import lang_of, t
from bot.inbox import INBOX_REQUEST_KEY, DurableApplication, InboxRequest
from bot.render import split_message

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

#: How long re-analysis of pending articles waits for the replayed updates to be handled.
REPLAY_WAIT = 120.0
#: Handled updates are kept this long to recognise Telegram's redeliveries (it keeps updates 24 h).
INBOX_KEEP = 2 * 24 * 3600
INBOX_PRUNE_EVERY = 6 * 3600


async def start_background(services: Services, application: Any) -> None:
    request = application.bot_data.get(INBOX_REQUEST_KEY)
    if isinstance(application, DurableApplication):
        await application.replay_inbox(services.storage, request if isinstance(request, InboxRequest) else None)
    loop = asyncio.get_running_loop()
    services.background.append(loop.create_task(_finish_pending(services, application)))
    services.background.append(loop.create_task(_prune_inbox(services)))
    services.background.extend(await start_alerts(services, application))


async def _finish_pending(services: Services, application: Any) -> None:
    """Analyse articles stored before a crash, and tell whoever sent them.

    Waits for the replayed updates first: an article whose update is replayed is finished (and
    answered) by that update's handler, so it must not be analysed here a second time.
    """
    try:
        if isinstance(application, DurableApplication):
            try:
                await asyncio.wait_for(application.replay_finished.wait(), REPLAY_WAIT)
            except TimeoutError:
                log.warning("replayed updates still running after %.0f s; finishing pending articles now",
                            REPLAY_WAIT)
        rows = await services.storage.pending_articles()
        for row in rows:
            # An import interrupted mid-way leaves pending articles too; imports alert only on request,
            # so finishing them here must not alert either.
            outcome = await services.ingest.analyze_stored(row.id, row.text, origin=row.origin_chat_title,
                                                           alerts=row.origin_kind != "import")
            if row.added_chat_id is None or outcome.article is None:
                continue
            settings = await services.storage.get_chat_settings(row.added_chat_id)
            language = lang_of(settings.language if settings else None)
            note = t(language, "after_restart")
            for part in split_message(cards.card(outcome.article, language, note=note)):
                try:
                    await application.bot.send_message(row.added_chat_id, part, parse_mode=ParseMode.HTML,
                                                       disable_web_page_preview=True)
                except TelegramError as exc:
                    log.warning("could not send the card of article %s: %s", row.id, exc)
                    break
        if rows:
            log.info("finished %d article(s) left pending by the previous run", len(rows))
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("finishing pending articles failed")


async def _prune_inbox(services: Services) -> None:
    """Forget handled updates older than INBOX_KEEP, so raw messages do not pile up forever."""
    while True:
        try:
            removed = await services.storage.inbox_prune(int(time.time()) - INBOX_KEEP)
            if removed:
                log.info("pruned %d handled update(s) from the inbox", removed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("pruning the inbox failed")
        await asyncio.sleep(INBOX_PRUNE_EVERY)
