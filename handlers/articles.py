"""Getting articles in: forwards, pasted texts, documents, links, channel posts."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot import cards
from bot.i18n import Lang, t
from bot.render import esc, truncate
from bot.services.extract import MAX_DOCUMENT_BYTES, TEXT_SUFFIXES, ExtractError, document_to_text, word_count
from bot.services.fetch import fetch_article
from bot.services.ingest import MIN_ARTICLE_CHARS, MIN_PASTE_CHARS, IngestOutcome
from handlers import basic
from handlers.common import lang, reply, services
from storage.records import NewArticle, OriginKind

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

_URL_ONLY = re.compile(r"^\s*([a-z][a-z0-9+.-]{1,15}://\S+)\s*$", re.I)
#: Fewer words than this (of two or more letters) and a pasted text is not an article: emoji, symbols,
#: one endless "word" of combining marks or zero-width characters.
MIN_PASTE_WORDS = 30
#: A forwarded post or a document needs a few real words too.
MIN_ARTICLE_WORDS = 3


def card_keyboard(article_id: int, language: Lang) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(t(language, "full_text"), callback_data=f"full:{article_id}:0")
    return InlineKeyboardMarkup([[button]])


def _origin(message: Message) -> dict[str, object]:
    """Provenance of a forwarded message, as NewArticle fields."""
    origin = message.forward_origin
    fields: dict[str, object] = {"origin_kind": "paste"}
    if isinstance(origin, MessageOriginChannel):
        fields.update(origin_kind="channel", origin_chat_id=origin.chat.id, origin_chat_title=origin.chat.title,
                      origin_chat_username=origin.chat.username, origin_message_id=origin.message_id)
    elif isinstance(origin, MessageOriginChat):
        fields.update(origin_kind="chat", origin_chat_id=origin.sender_chat.id,
                      origin_chat_title=origin.sender_chat.title,
                      origin_chat_username=origin.sender_chat.username)
    elif isinstance(origin, MessageOriginUser):
        fields.update(origin_kind="user", origin_chat_title=origin.sender_user.full_name)
    elif isinstance(origin, MessageOriginHiddenUser):
        fields.update(origin_kind="hidden_user", origin_chat_title=origin.sender_user_name)
    if origin is not None:
        fields["origin_date"] = int(origin.date.timestamp())
    return fields


def _new_article(message: Message, text: str, kind: OriginKind | None = None, **extra: object) -> NewArticle:
    fields = _origin(message)
    if kind is not None:
        fields["origin_kind"] = kind
    fields.update(extra)
    user = message.from_user
    return NewArticle(
        text=text,
        added_by=user.id if user else None,
        added_at=int(time.time()),
        added_chat_id=message.chat_id,
        added_message_id=message.message_id,
        **fields,  # type: ignore[arg-type]
    )


async def _file(update: Update, context: ContextTypes.DEFAULT_TYPE, article: NewArticle,
                media_group_id: str | None = None) -> None:
    """Store, analyse, and answer with the card (or why not)."""
    svc = services(context)
    language = lang(update)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_action(ChatAction.TYPING)
    outcome = await svc.ingest.submit(article, media_group_id=media_group_id)
    note: str | None = None
    if outcome.status == "duplicate" and _stored_from(outcome, article):
        outcome, note = await _finish_interrupted(svc, outcome, language)
    await send_outcome(update, outcome, language, note)


def _stored_from(outcome: IngestOutcome, article: NewArticle) -> bool:
    """True if the "duplicate" is this very message, stored by a run that stopped before answering
    (its update is replayed from the inbox): the sender has not had the card yet."""
    row = outcome.article.article if outcome.article is not None else None
    return (row is not None and article.added_message_id is not None
            and row.added_chat_id == article.added_chat_id and row.added_message_id == article.added_message_id)


async def _finish_interrupted(svc: Services, outcome: IngestOutcome,
                              language: Lang) -> tuple[IngestOutcome, str | None]:
    assert outcome.article is not None
    row = outcome.article.article
    if row.status == "pending":
        analysed = await svc.ingest.analyze_stored(row.id, row.text, origin=row.origin_chat_title)
        return analysed, t(language, "after_restart")
    if row.status == "failed":
        return replace(outcome, status="failed", error=row.error), None
    return replace(outcome, status="created"), None


async def send_outcome(update: Update, outcome: IngestOutcome, language: Lang, note: str | None = None) -> None:
    if outcome.status == "joined":
        return
    if outcome.status == "duplicate":
        await reply(update, t(language, "duplicate", id=str(outcome.article_id)))
        return
    if outcome.status == "failed":
        await reply(update, t(language, "analysis_failed", id=str(outcome.article_id),
                              error=esc(truncate(outcome.error or "?", 200))))
        return
    if outcome.article is not None:
        await reply(update, cards.card(outcome.article, language, note=note),
                    keyboard=card_keyboard(outcome.article_id, language))


async def forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    text = message.text or message.caption or ""
    if len(text.strip()) < MIN_ARTICLE_CHARS or word_count(text, MIN_ARTICLE_WORDS) < MIN_ARTICLE_WORDS:
        await reply(update, t(lang(update), "empty_forward" if not text.strip() else "not_understood"))
        return
    await _file(update, context, _new_article(message, text), media_group_id=message.media_group_id)


async def pasted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain message: a link to fetch, a long pasted article, or too short to be either."""
    message = update.effective_message
    if message is None:
        return
    text = message.text or message.caption or ""
    url = _URL_ONLY.match(text)
    if url:
        await _link(update, context, url.group(1))
        return
    if text.startswith("/"):  # a "command" too long or odd for Telegram to mark as one
        await basic.unknown_command(update, context)
        return
    if len(text.strip()) < MIN_PASTE_CHARS or word_count(text, MIN_PASTE_WORDS) < MIN_PASTE_WORDS:
        await reply(update, t(lang(update), "not_understood"))
        return
    await _file(update, context, _new_article(message, text, kind="paste"))


async def _link(update: Update, context: ContextTypes.DEFAULT_TYPE, url: str) -> None:
    svc = services(context)
    message = update.effective_message
    assert message is not None
    chat = update.effective_chat
    if chat is not None:
        await chat.send_action(ChatAction.TYPING)
    try:
        final_url, text = await fetch_article(url, svc.fetch_policy)
    except ExtractError as exc:
        await reply(update, t(lang(update), f"extract_{exc.reason}"))
        return
    await _file(update, context, _new_article(message, text, kind="link", url=final_url))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.document is None:
        return
    language = lang(update)
    doc = message.document
    name = doc.file_name or ""
    if not name.lower().endswith(TEXT_SUFFIXES) and not (doc.mime_type or "").startswith("text/"):
        await reply(update, t(language, "doc_type"))
        return
    if doc.file_size is not None and doc.file_size > MAX_DOCUMENT_BYTES:
        await reply(update, t(language, "doc_too_big", mb=str(MAX_DOCUMENT_BYTES // 1_000_000)))
        return
    file = await doc.get_file()
    data = bytes(await file.download_as_bytearray())
    if len(data) > MAX_DOCUMENT_BYTES:
        await reply(update, t(language, "doc_too_big", mb=str(MAX_DOCUMENT_BYTES // 1_000_000)))
        return
    try:
        text = document_to_text(data, name)
    except ExtractError as exc:
        await reply(update, t(language, f"extract_{exc.reason}"))
        return
    if len(text.strip()) < MIN_ARTICLE_CHARS or word_count(text, MIN_ARTICLE_WORDS) < MIN_ARTICLE_WORDS:
        await reply(update, t(language, "extract_no_article"))
        return
    kind: OriginKind = "channel" if message.forward_origin is not None and isinstance(
        message.forward_origin, MessageOriginChannel) else "document"
    await _file(update, context, _new_article(message, text, kind=kind))
