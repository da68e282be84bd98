"""Channel feeds: `/feed add|list|remove` (owner, private chat) and the posts of enabled channels.

The gate already drops `channel_post` updates of channels that are not enabled (and logs each such
channel once), so `channel_post` below only ever sees enabled feeds. A post becomes an article
exactly like a forward of it would (origin = the channel and its message id, so a member
forwarding the same post later gets "already in the library"); multi-part posts and albums are
joined by the ingest collector. Nothing is ever written into the channel.
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatFullInfo, MessageOriginChannel, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import admin_views
from bot.i18n import t
from bot.render import truncate
from bot.services.ingest import Provenance
from handlers.common import Context, args_text, lang, reply, services_of

log = logging.getLogger(__name__)

_ADMIN = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def feed(update: Update, context: Context) -> None:
    language = lang(update)
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    if not (await services_of(context).access.check(user.id)).is_owner:
        await reply(update, t(language, "owner_only"))
        return
    words = args_text(update).split()
    action = words[0].lower() if words else ""
    if action == "list":
        await reply(update, admin_views.feeds(await services_of(context).feeds.enabled(), language))
    elif action == "add":
        if chat.type != ChatType.PRIVATE:
            await reply(update, t(language, "feed_private"))
            return
        await _add(update, context, words[1] if len(words) > 1 else None)
    elif action in ("remove", "rm", "delete") and len(words) > 1:
        removed = await services_of(context).feeds.remove(words[1])
        shown = truncate(words[1], admin_views.NAME_CHARS)
        await reply(update, t(language, "feed_removed" if removed else "feed_missing", channel=shown))
    else:
        await reply(update, t(language, "feed_usage"))


async def _add(update: Update, context: Context, ref: str | None) -> None:
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
            shown = truncate(str(target), admin_views.NAME_CHARS)
            await reply(update, t(language, "feed_not_found", channel=shown))
            return
    else:
        await reply(update, t(language, "feed_usage"))
        return
    shown_channel = admin_views.channel(channel.id, channel.username, channel.title)
    if channel.type != ChatType.CHANNEL:
        await reply(update, t(language, "feed_not_channel", channel=shown_channel))
        return
    try:
        member = await context.bot.get_chat_member(channel.id, context.bot.id)
        is_admin = member.status in _ADMIN
    except TelegramError:
        is_admin = False
    if not is_admin:
        await reply(update, t(language, "feed_not_admin", channel=shown_channel))
        return
    created = await services_of(context).feeds.add(channel.id, channel.username, channel.title, user_id)
    await reply(update, t(language, "feed_added" if created else "feed_exists", channel=shown_channel))


async def channel_post(update: Update, context: Context) -> None:
    """A post of an enabled channel: filed like a forward; alerts follow from the analysis."""
    post = update.channel_post
    if post is None:
        return
    chat = post.chat
    provenance = Provenance("feed", origin_chat_id=chat.id, origin_chat_title=chat.title,
                            origin_chat_username=chat.username, origin_message_id=post.message_id,
                            origin_date=int(post.date.timestamp()) if post.date else None,
                            media_group_id=post.media_group_id)
    text = (post.text or post.caption or "").strip()
    outcome = await services_of(context).ingest.message(text, "feed", provenance)
    log.info("feed %s post %s: %s (article %s)", chat.id, post.message_id, outcome.status, outcome.article_id)
