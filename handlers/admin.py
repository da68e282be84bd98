"""Membership, owner only: `/allow ID` (or as a reply to a forwarded message), `/revoke ID`, `/members`.

Changes go straight to the database and the access cache is cleared, so they take effect with the
next update, without a restart. The gate already refused strangers; here members are refused too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from telegram import Message, MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.i18n import Lang, t
from bot.render import esc, truncate
from handlers.common import args_text, lang, reply, services

_ID = re.compile(r"^\s*(\d{1,15})\s*$")


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("allow", allow))
    application.add_handler(CommandHandler("revoke", revoke))
    application.add_handler(CommandHandler("members", members))


async def _owner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True for the owner; everyone else gets one clear refusal."""
    user = update.effective_user
    if user is None:
        return False
    if (await services(context).access.check(user.id)).is_owner:
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


def _who(user_id: int, name: str | None) -> str:
    shown = f"<code>{user_id}</code>"
    return f"{esc(truncate(name, 60))} ({shown})" if name else shown


async def allow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _owner(update, context):
        return
    language = lang(update)
    target = _target(update.effective_message, args_text(update, context))
    if isinstance(target, str):
        await reply(update, t(language, target, command="/allow"))
        return
    user_id, name = target
    owner = update.effective_user
    assert owner is not None
    added = await services(context).access.allow(user_id, by=owner.id, name=name)
    await reply(update, t(language, "member_added" if added else "member_exists", who=_who(user_id, name)))


async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _owner(update, context):
        return
    language = lang(update)
    target = _target(update.effective_message, args_text(update, context))
    if isinstance(target, str):
        await reply(update, t(language, target, command="/revoke"))
        return
    user_id, name = target
    outcome = await services(context).access.revoke(user_id)
    key = {"removed": "member_removed", "absent": "member_absent", "owner": "member_is_owner"}[outcome]
    await reply(update, t(language, key, who=_who(user_id, name)))


def _role(role: str, language: Lang) -> str:
    return t(language, "role_owner" if role == "owner" else "role_member")


async def members(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _owner(update, context):
        return
    language = lang(update)
    listed = await services(context).access.members()
    lines = [t(language, "members_head", count=str(len(listed)))]
    for member in listed:
        since = datetime.fromtimestamp(member.added_at, UTC).strftime("%Y-%m-%d")
        lines.append(f"• {_who(member.user_id, member.name)} — {_role(member.role, language)}, {since}")
    lines.append("")
    lines.append(t(language, "members_foot"))
    await reply(update, "\n".join(lines))
