"""Views of the owner's commands: members (/allow, /revoke, /members) and channel feeds (/feed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from markupsafe import Markup

from bot.i18n import Lang, t
from bot.keyboards import View
from bot.render import esc, html, truncate
from storage.records import Feed, Member

#: Names of people and channels are cut to this width.
NAME_CHARS = 60


def person(user_id: int, name: str | None) -> Markup:
    """`Name (<code>id</code>)`, or the id alone."""
    shown = html("<code>{}</code>", user_id)
    return html("{} ({})", truncate(name, NAME_CHARS), shown) if name else shown


def channel(chat_id: int, username: str | None, title: str | None) -> Markup:
    if username:
        return esc("@" + username)
    return esc(truncate(title, NAME_CHARS)) if title else html("<code>{}</code>", chat_id)


def members(listed: Sequence[Member], language: Lang) -> View:
    lines: list[str] = [t(language, "members_head", count=len(listed))]
    for member in listed:
        since = datetime.fromtimestamp(member.added_at, UTC).strftime("%Y-%m-%d")
        role = t(language, "role_owner" if member.role == "owner" else "role_member")
        lines.append(html("• {} — {}, {}", person(member.user_id, member.name), role, since))
    lines.extend(("", t(language, "members_foot")))
    return View("\n".join(lines))


def feeds(enabled: Sequence[Feed], language: Lang) -> View:
    if not enabled:
        return View(t(language, "feed_list_empty"))
    lines: list[str] = [t(language, "feed_list_head")]
    lines.extend(html("• {} · <code>{}</code>", channel(f.channel_id, f.username, f.title), f.channel_id)
                 for f in enabled)
    return View("\n".join(lines))
