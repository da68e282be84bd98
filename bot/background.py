"""What runs beside the handlers: replaying the inbox, finishing interrupted analyses."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import cards
from bot.alerts import start_alerts
from bot.i18n import lang_of, t
from bot.inbox import DurableApplication, InboxRequest
from bot.render import split_message

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


async def start_background(services: Services, application: Any) -> None:
    request = application.bot_data.get("dossier.inbox_request")
    if isinstance(application, DurableApplication):
        await application.replay_inbox(services.storage, request if isinstance(request, InboxRequest) else None)
    services.background.append(asyncio.get_running_loop().create_task(_finish_pending(services, application)))
    services.background.extend(await start_alerts(services, application))


async def _finish_pending(services: Services, application: Any) -> None:
    """Analyse articles stored before a crash, and tell whoever sent them."""
    try:
        rows = await services.storage.pending_articles()
        for row in rows:
            outcome = await services.ingest.analyze_stored(row.id, row.text, origin=row.origin_chat_title)
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
