"""Channel feeds: `/feed add|list|remove` (owner, private chat) and the posts of enabled channels.

The gate already drops `channel_post` updates of channels that are not enabled (and logs each such
channel once), so `channel_post` below only ever sees enabled feeds. A post becomes an article
exactly like a forward of it would (origin = the channel and its message id, so a member
forwarding the same post later gets "already in the library"); multi-part posts and albums are
joined by the ingest collector. Nothing is ever written into the channel.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from telegram import Chat, ChatFullInfo, MessageOriginChannel, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.i18n import t
from bot.render import esc, truncate
from bot.services.ingest import MIN_ARTICLE_CHARS
from handlers.common import args_text, lang, reply, services
from storage.records import NewArticle

log = logging.getLogger(__name__)

_ADMIN = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def _name(chat_id: int, username: str | None, title: str | None) -> str:
    if username:
        return esc("@" + username)
    return esc(truncate(title, 60)) if title else f"<code>{chat_id}</code>"


async def feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    if not (await services(context).access.check(user.id)).is_owner:
        await reply(update, t(language, "owner_only"))
        return
    words = args_text(update, context).split()
    action = words[0].lower() if words else ""
    if action == "list":
        await _list(update, context)
    elif action == "add":
        if chat.type != ChatType.PRIVATE:
            await reply(update, t(language, "feed_private"))
            return
        await _add(update, context, words[1] if len(words) > 1 else None)
    elif action in ("remove", "rm", "delete") and len(words) > 1:
        await _remove(update, context, words[1])
    else:
        await reply(update, t(language, "feed_usage"))


async def _add(update: Update, context: ContextTypes.DEFAULT_TYPE, ref: str | None) -> None:
    """By @username, or as a reply to a post forwarded from the channel."""
    language = lang(update)
    message = update.effective_message
    replied = message.reply_to_message if message else None
    origin = replied.forward_origin if replied else None
    user_id = update.effective_user.id if update.effective_user else None
    if ref is None and isinstance(origin, MessageOriginChannel):
        channel: Chat | ChatFullInfo = origin.chat
    elif ref is not None:
        target: str | int = int(ref) if ref.lstrip("-").isdigit() else "@" + ref.lstrip("@")
        try:
            channel = await context.bot.get_chat(target)
        except TelegramError:
            await reply(update, t(language, "feed_not_found", channel=esc(truncate(str(target), 60))))
            return
    else:
        await reply(update, t(language, "feed_usage"))
        return
    shown = _name(channel.id, channel.username, channel.title)
    if channel.type != ChatType.CHANNEL:
        await reply(update, t(language, "feed_not_channel", channel=shown))
        return
    try:
        member = await context.bot.get_chat_member(channel.id, context.bot.id)
        is_admin = member.status in _ADMIN
    except TelegramError:
        is_admin = False
    if not is_admin:
        await reply(update, t(language, "feed_not_admin", channel=shown))
        return
    created = await services(context).feeds.add(channel.id, channel.username, channel.title, user_id)
    await reply(update, t(language, "feed_added" if created else "feed_exists", channel=shown))


async def _remove(update: Update, context: ContextTypes.DEFAULT_TYPE, ref: str) -> None:
    language = lang(update)
    removed = await services(context).feeds.remove(ref)
    shown = esc(truncate(ref, 60))
    await reply(update, t(language, "feed_removed" if removed else "feed_missing", channel=shown))


async def _list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    feeds = await services(context).feeds.enabled()
    if not feeds:
        await reply(update, t(language, "feed_list_empty"))
        return
    lines = [t(language, "feed_list_head")]
    lines.extend(f"• {_name(f.channel_id, f.username, f.title)} · <code>{f.channel_id}</code>" for f in feeds)
    await reply(update, "\n".join(lines))


async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A post of an enabled channel: file it like a forward; alerts follow from the analysis."""
    post = update.channel_post
    if post is None:
        return
    text = (post.text or post.caption or "").strip()
    if len(text) < MIN_ARTICLE_CHARS:
        return
    chat = post.chat
    article = NewArticle(
        text=text,
        origin_kind="feed",
        added_by=None,
        added_at=int(time.time()),
        origin_chat_id=chat.id,
        origin_chat_title=chat.title,
        origin_chat_username=chat.username,
        origin_message_id=post.message_id,
        origin_date=int(post.date.timestamp()) if post.date else None,
    )
    outcome = await services(context).ingest.submit(article, media_group_id=post.media_group_id)
    log.info("feed %s post %s: %s (article %s)", chat.id, post.message_id, outcome.status, outcome.article_id)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("feed", feed))
    application.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST, channel_post))
