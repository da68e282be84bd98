"""Asking the library: /who, /claims, /tags, /search, /article, /recent, /stats, /delete, buttons."""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import cards
from bot.i18n import Lang, t
from bot.render import esc, split_message, truncate
from bot.services.library import Page
from handlers.articles import card_keyboard
from handlers.common import args_text, lang, reply, services

FULL_TEXT_PAGE = 3500
_ARTICLE_REF = re.compile(r"#(\d+)")


def _pager(prefix: str, page: Page[Any], language: Lang, size: int) -> list[InlineKeyboardButton]:
    buttons = []
    if page.has_prev:
        previous = max(0, page.offset - size)
        buttons.append(InlineKeyboardButton(t(language, "prev"), callback_data=f"{prefix}:{previous}"))
    if page.has_next:
        buttons.append(InlineKeyboardButton(t(language, "next"), callback_data=f"{prefix}:{page.offset + size}"))
    return buttons


def _replied_article(update: Update) -> int | None:
    """The article number of the card this command replies to, if any."""
    message = update.effective_message
    target = message.reply_to_message if message else None
    if target is None or not target.from_user or not target.from_user.is_bot:
        return None
    match = _ARTICLE_REF.search(target.text or "")
    return int(match.group(1)) if match else None


def _parse_number(text: str) -> int | None:
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 10 else None


async def who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    library = services(context).library
    query = args_text(update, context)
    if not query:
        replied = _replied_article(update)
        if replied is not None:
            await _article_context(update, context, replied, "actors")
            return
        await _top_actors(update, context, 0)
        return
    result = await library.who(query)
    match = result.match
    shown = esc(truncate(query, 60))
    if result.dossier is not None:
        d = result.dossier
        buttons = []
        if d.claims_total > len(d.claims):
            buttons.append(InlineKeyboardButton(t(language, "all_claims", total=str(d.claims_total)),
                                                callback_data=f"cl:{d.actor.id}:0"))
        await reply(update, cards.dossier(d, language),
                    keyboard=InlineKeyboardMarkup([buttons]) if buttons else None)
        return
    if match.kind == "ambiguous":
        rows = [[InlineKeyboardButton(truncate(f"{a.name} — {a.role}" if a.role else a.name, 60),
                                      callback_data=f"who:{a.id}")] for a in match.actors]
        await reply(update, t(language, "who_ambiguous", query=shown), keyboard=InlineKeyboardMarkup(rows))
        return
    text = t(language, "who_none", query=shown)
    if match.actors:
        rows = [[InlineKeyboardButton(truncate(a.name, 60), callback_data=f"who:{a.id}")] for a in match.actors]
        await reply(update, text + "\n" + t(language, "who_suggest"), keyboard=InlineKeyboardMarkup(rows))
        return
    await reply(update, text)


async def _top_actors(update: Update, context: ContextTypes.DEFAULT_TYPE, offset: int) -> None:
    language = lang(update)
    actors = await services(context).library.top_actors(offset, limit=11)
    if not actors and offset == 0:
        await reply(update, t(language, "empty_library"))
        return
    page = Page(actors[:10], offset + len(actors), offset)
    lines = [t(language, "who_top"), *(cards.actor_line(a, language) for a in page.items)]
    rows = [[InlineKeyboardButton(truncate(a.name, 40), callback_data=f"who:{a.id}")] for a in page.items[:10]]
    nav = _pager("top", page, language, 10)
    await reply(update, "\n".join(lines), keyboard=InlineKeyboardMarkup([*rows, nav] if nav else rows))


async def claims(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    query = args_text(update, context)
    if not query:
        replied = _replied_article(update)
        if replied is not None:
            await _article_context(update, context, replied, "claims")
            return
        await reply(update, t(language, "usage", usage="/claims " + ("ИМЯ" if language == "ru" else "NAME")))
        return
    match = await services(context).library.resolve_actor(query)
    if match.kind != "exact":
        shown = esc(truncate(query, 60))
        if match.kind == "ambiguous":
            rows = [[InlineKeyboardButton(truncate(a.name, 60), callback_data=f"cl:{a.id}:0")] for a in match.actors]
            await reply(update, t(language, "who_ambiguous", query=shown), keyboard=InlineKeyboardMarkup(rows))
        else:
            await reply(update, t(language, "who_none", query=shown))
        return
    await _claims_page(update, context, match.actor.id, 0, edit=False)


async def _claims_page(update: Update, context: ContextTypes.DEFAULT_TYPE, actor_id: int, offset: int,
                       *, edit: bool) -> None:
    language = lang(update)
    library = services(context).library
    actor = await library.actor(actor_id)
    if actor is None:
        await reply(update, t(language, "expired"))
        return
    page = await library.claims(actor_id, offset)
    lines = [t(language, "claims_of", name=esc(actor.name), total=str(page.total))]
    if not page.items:
        lines.append(cards.L["no_claims"][language])
    lines.extend(cards.claim_line(c, language) for c in page.items)
    nav = _pager(f"cl:{actor_id}", page, language, 10)
    await _show(update, "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None, edit=edit)


async def _show(update: Update, text: str, keyboard: InlineKeyboardMarkup | None, *, edit: bool) -> None:
    """Edit the message a pager button sits under, or send a new reply."""
    query = update.callback_query
    parts = split_message(text)
    if edit and query is not None and query.message is not None and len(parts) == 1:
        await query.edit_message_text(parts[0], parse_mode="HTML", reply_markup=keyboard,
                                      disable_web_page_preview=True)
        return
    await reply(update, text, keyboard=keyboard)


async def tags(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    query = args_text(update, context)
    library = services(context).library
    if not query:
        replied = _replied_article(update)
        if replied is not None:
            await _article_context(update, context, replied, "tags")
            return
        top = await library.top_tags(0, limit=30)
        if not top:
            await reply(update, t(language, "empty_library"))
            return
        await reply(update, "\n".join([t(language, "tags_top"), *(cards.tag_line(tag) for tag in top)]))
        return
    result = await library.tag(query)
    shown = esc(truncate(query, 60))
    if result.tag is not None and result.articles is not None:
        await _tag_page(update, context, result.tag.id, 0, edit=False)
        return
    if result.match.kind == "ambiguous":
        rows = [[InlineKeyboardButton(truncate(tg.name, 60), callback_data=f"tg:{tg.id}:0")]
                for tg in result.match.tags]
        await reply(update, t(language, "who_ambiguous", query=shown), keyboard=InlineKeyboardMarkup(rows))
        return
    await reply(update, t(language, "tag_none", query=shown))


async def _tag_page(update: Update, context: ContextTypes.DEFAULT_TYPE, tag_id: int, offset: int,
                    *, edit: bool) -> None:
    language = lang(update)
    library = services(context).library
    tag = await library.get_tag(tag_id)
    if tag is None:
        await reply(update, t(language, "expired"))
        return
    page = await library.tag_articles(tag_id, offset)
    name = esc(tag.name) + (f" / {esc(tag.label_en)}" if tag.label_en and tag.label_en != tag.name else "")
    lines = [t(language, "tag_articles", name=name, total=str(page.total))]
    lines.extend(cards.article_line(a, language) for a in page.items)
    nav = _pager(f"tg:{tag_id}", page, language, 10)
    await _show(update, "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None, edit=edit)


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    query = args_text(update, context)
    if not query:
        await reply(update, t(language, "usage", usage="/search " + ("ТЕКСТ" if language == "ru" else "TEXT")))
        return
    if context.chat_data is not None:
        context.chat_data["search"] = query
    await _search_page(update, context, query, 0, edit=False)


async def _search_page(update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, offset: int,
                       *, edit: bool) -> None:
    language = lang(update)
    page = await services(context).library.search(query, offset, limit=5)
    shown = esc(truncate(query, 60))
    if not page.items:
        await reply(update, t(language, "search_none", query=shown))
        return
    total = f"{page.total}+" if page.capped else str(page.total)
    lines = [t(language, "search_head", query=shown, total=total)]
    for hit in page.items:
        lines.append("")
        lines.append(cards.search_hit(hit, language))
    nav = _pager("sr", page, language, 5)
    await _show(update, "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None, edit=edit)


async def article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    message = update.effective_message
    raw = args_text(update, context)
    if not raw and message and message.text:
        deep = re.match(r"^/article_(\d+)", message.text)
        raw = deep.group(1) if deep else ""
    number = _parse_number(raw)
    if number is None:
        await reply(update, t(language, "bad_number", example="/article 12"))
        return
    await _card(update, context, number)


async def _card(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    language = lang(update)
    full = await services(context).library.article(number)
    if full is None:
        await reply(update, t(language, "article_missing", id=str(number)))
        return
    await reply(update, cards.card(full, language), keyboard=card_keyboard(number, language))


async def _article_context(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, what: str) -> None:
    """`/who`, `/tags`, `/claims` sent as a reply to a card: about that article."""
    language = lang(update)
    full = await services(context).library.article(number)
    if full is None:
        await reply(update, t(language, "article_missing", id=str(number)))
        return
    if what == "actors":
        lines = [t(language, "context_actors", id=str(number))]
        lines.extend(f"• <b>{esc(a.name)}</b>" + (f" — {esc(a.role)}" if a.role else "") + f" · {a.mentions}"
                     for a in full.actors)
        rows = [[InlineKeyboardButton(truncate(a.name, 40), callback_data=f"who:{a.actor_id}")]
                for a in full.actors[:8]]
        await reply(update, "\n".join(lines), keyboard=InlineKeyboardMarkup(rows) if rows else None)
    elif what == "tags":
        lines = [t(language, "context_tags", id=str(number))]
        lines.extend(f"• {esc(tg.name)}" + (f" / {esc(tg.label_en)}" if tg.label_en else "") for tg in full.tags)
        rows = [[InlineKeyboardButton(truncate(tg.name, 40), callback_data=f"tg:{tg.tag_id}:0")]
                for tg in full.tags[:8]]
        await reply(update, "\n".join(lines), keyboard=InlineKeyboardMarkup(rows) if rows else None)
    else:
        lines = [t(language, "context_claims", id=str(number))]
        for c in full.claims:
            body = f"«{esc(c.text)}»" if c.kind == "quote" else esc(c.text)
            lines.append(f"• {esc(c.speaker or '?')}: {body}")
        await reply(update, "\n".join(lines))


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _recent_page(update, context, 0, edit=False)


async def _recent_page(update: Update, context: ContextTypes.DEFAULT_TYPE, offset: int, *, edit: bool) -> None:
    language = lang(update)
    page = await services(context).library.recent(offset)
    if not page.items and offset == 0:
        await reply(update, t(language, "empty_library"))
        return
    lines = [t(language, "recent_head"), *(cards.article_line(a, language) for a in page.items)]
    nav = _pager("rc", page, language, 10)
    await _show(update, "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None, edit=edit)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, cards.stats(await services(context).library.stats(), lang(update)))


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update)
    svc = services(context)
    number = _parse_number(args_text(update, context))
    user = update.effective_user
    if number is None or user is None:
        await reply(update, t(language, "bad_number", example="/delete 12"))
        return
    access = await svc.access.check(user.id)
    outcome = await svc.library.delete(number, user.id, is_owner=access.is_owner)
    key = {"deleted": "deleted", "missing": "article_missing", "forbidden": "delete_forbidden"}[outcome]
    await reply(update, t(language, key, id=str(number)))


async def full_text(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, page_no: int) -> None:
    language = lang(update)
    text = await services(context).library.article_text(number)
    if text is None:
        await reply(update, t(language, "article_missing", id=str(number)))
        return
    pages = max(1, -(-len(text) // FULL_TEXT_PAGE))
    page_no = min(max(0, page_no), pages - 1)
    chunk = text[page_no * FULL_TEXT_PAGE:(page_no + 1) * FULL_TEXT_PAGE]
    header = f"<b>#{number}</b> ({page_no + 1}/{pages})"
    keyboard = None
    if page_no + 1 < pages:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t(language, "next"),
                                                               callback_data=f"full:{number}:{page_no + 1}")]])
    await reply(update, header + "\n" + esc(chunk), keyboard=keyboard)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """All inline buttons: `kind:arg[:offset]`, short enough for Telegram's 64-byte limit."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    parts = (query.data or "").split(":")
    kind, nums = parts[0], [int(p) for p in parts[1:] if p.isdigit()]
    if kind == "who" and nums:
        d = await services(context).library.dossier(nums[0])
        if d is None:
            await reply(update, t(lang(update), "expired"))
        else:
            await reply(update, cards.dossier(d, lang(update)))
    elif kind == "top" and nums:
        await _top_actors(update, context, nums[0])
    elif kind == "cl" and nums:
        await _claims_page(update, context, nums[0], nums[1] if len(nums) > 1 else 0, edit=True)
    elif kind == "tg" and nums:
        await _tag_page(update, context, nums[0], nums[1] if len(nums) > 1 else 0, edit=True)
    elif kind == "rc" and nums:
        await _recent_page(update, context, nums[0], edit=True)
    elif kind == "sr" and nums:
        saved = context.chat_data.get("search") if context.chat_data is not None else None
        if saved:
            await _search_page(update, context, str(saved), nums[0], edit=True)
        else:
            await reply(update, t(lang(update), "expired"))
    elif kind == "art" and nums:
        await _card(update, context, nums[0])
    elif kind == "full" and nums:
        await full_text(update, context, nums[0], nums[1] if len(nums) > 1 else 0)
    else:
        await reply(update, t(lang(update), "expired"))
