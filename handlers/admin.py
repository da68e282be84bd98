"""Membership, owner only: `/allow ID` (or as a reply to a forwarded message), `/revoke ID`, `/members`.

Changes go straight to the database and the access cache is cleared, so they take effect with the
next update, without a restart. The gate already refused strangers; here members are refused too.
"""

from __future__ import annotations

import re

from telegram import Message, MessageOriginHiddenUser, MessageOriginUser, Update

from bot import admin_views
from bot.i18n import t
from handlers.common import Context, args_text, lang, reply, services_of

_ID = re.compile(r"^\s*(\d{1,15})\s*$")


async def _owner(update: Update, context: Context) -> bool:
    """True for the owner; everyone else gets one clear refusal."""
    user = update.effective_user
    if user is None:
        return False
    if (await services_of(context).access.check(user.id)).is_owner:
        return True
    await reply(update, t(lang(update), "owner_only"))
    return False


def _target(message: Message | None, argument: str) -> tuple[int, str | None] | str:
    """(user id, name) from the argument or from the forwarded message replied to; else an i18n key."""
    match = _ID.match(argument)
    if match:
        return int(match.group(1)), None
    if argument:
        return "member_bad_id"
    replied = message.reply_to_message if message is not None else None
    origin = replied.forward_origin if replied is not None else None
    if isinstance(origin, MessageOriginUser):
        if origin.sender_user.is_bot:
            return "member_is_bot"
        return origin.sender_user.id, origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return "member_hidden"
    return "member_no_target"


async def allow(update: Update, context: Context) -> None:
    if not await _owner(update, context):
        return
    language = lang(update)
    target = _target(update.effective_message, args_text(update))
    if isinstance(target, str):
        await reply(update, t(language, target, command="/allow"))
        return
    user_id, name = target
    owner = update.effective_user
    assert owner is not None
    added = await services_of(context).access.allow(user_id, by=owner.id, name=name)
    who = admin_views.person(user_id, name)
    await reply(update, t(language, "member_added" if added else "member_exists", who=who))


async def revoke(update: Update, context: Context) -> None:
    if not await _owner(update, context):
        return
    language = lang(update)
    target = _target(update.effective_message, args_text(update))
    if isinstance(target, str):
        await reply(update, t(language, target, command="/revoke"))
        return
    user_id, name = target
    outcome = await services_of(context).access.revoke(user_id)
    key = {"removed": "member_removed", "absent": "member_absent", "owner": "member_is_owner"}[outcome]
    await reply(update, t(language, key, who=admin_views.person(user_id, name)))


async def members(update: Update, context: Context) -> None:
    if not await _owner(update, context):
        return
    await reply(update, admin_views.members(await services_of(context).access.members(), lang(update)))
