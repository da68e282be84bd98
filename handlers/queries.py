"""Asking the library: /who, /claims, /tags, /search, /article, /recent, /stats, /delete, their buttons.

Each handler reads its argument, asks `Library` once, and replies with a view of `bot.lists`.
"""

from __future__ import annotations

import re
import time

from telegram import Update

from bot import callbacks, cards, lists
from bot.i18n import t
from bot.keyboards import View
from bot.services.library import DatePeriod
from handlers.common import Context, args_text, chat_state, lang, pressed, reply, services_of, show

_ARTICLE_REF = re.compile(r"#(\d+)")
_DEEP_LINK = re.compile(r"^/article_(\d+)")
#: An article number has at most this many digits (bounds the integer a user can make us parse).
MAX_NUMBER_DIGITS = 9


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
    return int(text) if text.isdigit() and len(text) <= MAX_NUMBER_DIGITS else None


async def _about_article(update: Update, context: Context, number: int, what: lists.AboutArticle) -> None:
    """`/who`, `/tags`, `/claims` without an argument, as a reply to a card: about that article."""
    full = await services_of(context).library.article(number)
    language = lang(update)
    await reply(update, lists.about_article(full, what, language) if full is not None
                else t(language, "article_missing", id=number))


async def who(update: Update, context: Context) -> None:
    language = lang(update)
    library = services_of(context).library
    query = args_text(update)
    if not query:
        replied = _replied_article(update)
        if replied is not None:
            await _about_article(update, context, replied, "actors")
            return
        page = await library.top_actors()
        await reply(update, lists.top_actors(page, language) if page.items else t(language, "empty_library"))
        return
    result = await library.who(query)
    if result.match.problem is not None:
        await reply(update, lists.query_problem(result.match.problem, result.match.query, language))
        return
    if result.match.fixed:
        await reply(update, t(language, "name_fixed", query=lists.shown_query(result.match.query)))
    if result.dossier is not None:
        await reply(update, lists.dossier(result.dossier, language))
    elif result.match.kind == "ambiguous":
        await reply(update, lists.actor_choice(query, result.match.actors, language))
    else:
        await reply(update, lists.actor_unknown(query, result.match.actors, language))


async def claims(update: Update, context: Context) -> None:
    language = lang(update)
    query = args_text(update)
    if not query:
        replied = _replied_article(update)
        if replied is not None:
            await _about_article(update, context, replied, "claims")
            return
        await reply(update, t(language, "usage", usage="/claims " + ("ИМЯ" if language == "ru" else "NAME")))
        return
    match = await services_of(context).library.resolve_actor(query)
    if match.problem is not None:
        await reply(update, lists.query_problem(match.problem, match.query, language))
        return
    if match.kind == "exact":
        await _claims_page(update, context, match.actor.id, 0)
    elif match.kind == "ambiguous":
        await reply(update, lists.actor_choice(query, match.actors, language, claims=True))
    else:
        await reply(update, t(language, "who_none", query=lists.shown_query(query)))


async def _claims_page(update: Update, context: Context, actor_id: int, offset: int) -> None:
    language = lang(update)
    library = services_of(context).library
    actor = await library.actor(actor_id)
    if actor is None:
        await reply(update, t(language, "expired"))
        return
    page = await library.claims(actor_id, offset)
    await show(update, lists.claims_page(actor.name, page, actor_id, language))


async def tags(update: Update, context: Context) -> None:
    language = lang(update)
    query = args_text(update)
    library = services_of(context).library
    if not query:
        replied = _replied_article(update)
        if replied is not None:
            await _about_article(update, context, replied, "tags")
            return
        top = await library.top_tags()
        await reply(update, lists.top_tags(top, language) if top else t(language, "empty_library"))
        return
    result = await library.tag(query)
    topics = result.match.topics
    if result.tag is not None and result.articles is not None and result.tag.articles > 0:
        await reply(update, lists.tag_page(result.tag, result.articles, language, result.period))
    elif len(topics) > 1:
        await reply(update, lists.topic_choice(query, topics, [library.topic_number(tp) for tp in topics], language))
    elif result.match.kind == "ambiguous":
        await reply(update, lists.tag_choice(query, result.match.tags, language))
    elif len(topics) == 1:
        await reply(update, lists.topic_empty(topics[0], library.topic_number(topics[0]), language))
    else:
        await reply(update, lists.tag_unknown(query, language))


async def topic_button(update: Update, context: Context) -> None:
    """A topic chosen from "part of several topics": its articles, or "none yet" with a subscribe button."""
    (number,) = await pressed(update, callbacks.TOPIC)
    language = lang(update)
    library = services_of(context).library
    topic = library.topic(number)
    if topic is None:
        await reply(update, t(language, "expired"))
        return
    tag = await library.topic_tag(topic)
    if tag is not None and tag.articles > 0:
        await show(update, lists.tag_page(tag, await library.tag_articles(tag.id), language))
    else:
        await show(update, lists.topic_empty(topic, number, language))


async def _tag_page(update: Update, context: Context, tag_id: int, offset: int,
                    period: DatePeriod | None = None) -> None:
    language = lang(update)
    library = services_of(context).library
    tag = await library.get_tag(tag_id)
    if tag is None:
        await reply(update, t(language, "expired"))
        return
    await show(update, lists.tag_page(tag, await library.tag_articles(tag_id, offset, period=period), language,
                                      period))


async def search(update: Update, context: Context) -> None:
    language = lang(update)
    query = args_text(update)
    if not query:
        await reply(update, t(language, "usage", usage="/search " + ("ТЕКСТ" if language == "ru" else "TEXT")))
        return
    library = services_of(context).library
    if library.search_needs_words(query):
        await reply(update, t(language, "search_needs_words"))
        return
    chat_state(context).last_search = query
    page = await library.search(query)
    await reply(update, lists.search_page(query, page, language))


async def source(update: Update, context: Context) -> None:
    """`/source NAME`: the articles from an outlet, as the original or the retelling one."""
    language = lang(update)
    query = args_text(update)
    library = services_of(context).library
    if not query:
        outlets = await library.top_outlets()
        await reply(update, lists.source_choice("", outlets, language, matched=False) if outlets
                    else t(language, "source_empty"))
        return
    result = await library.source(query)
    if result.name is None or result.articles is None:
        outlets = result.outlets or await library.top_outlets()
        await reply(update, lists.source_choice(query, outlets, language, matched=bool(result.outlets)) if outlets
                    else t(language, "source_empty"))
        return
    chat_state(context).last_source = result.name
    await reply(update, lists.source_page(result.name, result.articles, language))


async def source_button(update: Update, context: Context) -> None:
    (offset,) = await pressed(update, callbacks.SOURCE)
    name = chat_state(context).last_source
    if not name:
        await reply(update, t(lang(update), "expired"))
        return
    page = await services_of(context).library.outlet_articles(name, offset)
    await show(update, lists.source_page(name, page, lang(update)))


async def article(update: Update, context: Context) -> None:
    """`/article N`, and the `/article_N` links of "already in the library" replies."""
    message = update.effective_message
    raw = args_text(update)
    if not raw and message and message.text:
        deep = _DEEP_LINK.match(message.text)
        raw = deep.group(1) if deep else ""
    number = _parse_number(raw)
    if number is None:
        await reply(update, t(lang(update), "bad_number", example="/article 12"))
        return
    await _card(update, context, number)


async def _card(update: Update, context: Context, number: int) -> None:
    language = lang(update)
    full = await services_of(context).library.article(number)
    if full is None:
        await reply(update, t(language, "article_missing", id=number))
        return
    await reply(update, lists.article_card(full, language))


async def recent(update: Update, context: Context) -> None:
    language = lang(update)
    page = await services_of(context).library.recent()
    await reply(update, lists.recent(page, language) if page.items else t(language, "empty_library"))


async def stats(update: Update, context: Context) -> None:
    await reply(update, cards.stats(await services_of(context).library.stats(), lang(update)))


def _minute() -> int:
    return int(time.time()) // 60


async def delete(update: Update, context: Context) -> None:
    """`/delete N` only asks: the article goes when its confirmation button is pressed in time."""
    language = lang(update)
    svc = services_of(context)
    number = _parse_number(args_text(update))
    user = update.effective_user
    if number is None or user is None:
        await reply(update, t(language, "bad_number", example="/delete 12"))
        return
    access = await svc.access.check(user.id)
    full = await svc.library.article(number)
    if full is None:
        await reply(update, t(language, "article_missing", id=number))
    elif not svc.library.may_delete(full, user.id, is_owner=access.is_owner):
        await reply(update, t(language, "delete_forbidden", id=number))
    else:
        await reply(update, lists.delete_confirmation(full, _minute(), language))


async def delete_button(update: Update, context: Context) -> None:
    article_id, minute = await pressed(update, callbacks.DELETE)
    language = lang(update)
    user = update.effective_user
    if user is None:
        return
    if not 0 <= _minute() - minute <= lists.DELETE_CONFIRM_MINUTES:
        await show(update, View(t(language, "delete_expired", id=article_id)))
        return
    svc = services_of(context)
    access = await svc.access.check(user.id)
    outcome = await svc.library.delete(article_id, user.id, is_owner=access.is_owner)
    key = {"deleted": "deleted", "missing": "article_missing", "forbidden": "delete_forbidden"}[outcome]
    await show(update, View(t(language, key, id=article_id)))


async def delete_cancel_button(update: Update, context: Context) -> None:
    (article_id,) = await pressed(update, callbacks.DELETE_CANCEL)
    await show(update, View(t(lang(update), "delete_kept", id=article_id)))


# ------------------------------------------------------------------------------------ buttons


async def who_button(update: Update, context: Context) -> None:
    (actor_id,) = await pressed(update, callbacks.WHO)
    d = await services_of(context).library.dossier(actor_id)
    await reply(update, cards.dossier(d, lang(update)) if d is not None else t(lang(update), "expired"))


async def top_actors_button(update: Update, context: Context) -> None:
    (offset,) = await pressed(update, callbacks.TOP_ACTORS)
    page = await services_of(context).library.top_actors(offset)
    language = lang(update)
    await reply(update, lists.top_actors(page, language) if page.items or offset else t(language, "empty_library"))


async def claims_button(update: Update, context: Context) -> None:
    actor_id, offset = await pressed(update, callbacks.CLAIMS)
    await _claims_page(update, context, actor_id, offset)


async def tag_button(update: Update, context: Context) -> None:
    tag_id, offset = await pressed(update, callbacks.TAG)
    await _tag_page(update, context, tag_id, offset)


async def tag_period_button(update: Update, context: Context) -> None:
    tag_id, code, offset = await pressed(update, callbacks.TAG_PERIOD)
    period = DatePeriod(*callbacks.period_of(code))
    await _tag_page(update, context, tag_id, offset, period)


async def recent_button(update: Update, context: Context) -> None:
    (offset,) = await pressed(update, callbacks.RECENT)
    page = await services_of(context).library.recent(offset)
    language = lang(update)
    if not page.items and offset == 0:
        await reply(update, t(language, "empty_library"))
        return
    await show(update, lists.recent(page, language))


async def search_button(update: Update, context: Context) -> None:
    (offset,) = await pressed(update, callbacks.SEARCH)
    query = chat_state(context).last_search
    if not query:
        await reply(update, t(lang(update), "expired"))
        return
    page = await services_of(context).library.search(query, offset)
    view = lists.search_page(query, page, lang(update))
    await (show(update, view) if page.items else reply(update, view))


async def card_button(update: Update, context: Context) -> None:
    (article_id,) = await pressed(update, callbacks.CARD)
    await _card(update, context, article_id)


async def _card_part(update: Update, context: Context, article_id: int,
                     draw: lists.CardPart, page_no: int) -> None:
    full = await services_of(context).library.article(article_id)
    if full is None:
        await reply(update, t(lang(update), "article_missing", id=article_id))
        return
    await show(update, draw(full, page_no, lang(update)))


async def card_actors_button(update: Update, context: Context) -> None:
    article_id, page_no = await pressed(update, callbacks.CARD_ACTORS)
    await _card_part(update, context, article_id, lists.card_actors, page_no)


async def card_claims_button(update: Update, context: Context) -> None:
    article_id, page_no = await pressed(update, callbacks.CARD_CLAIMS)
    await _card_part(update, context, article_id, lists.card_claims, page_no)


async def card_back_button(update: Update, context: Context) -> None:
    (article_id,) = await pressed(update, callbacks.CARD_BACK)
    await _card_part(update, context, article_id, lambda full, _page, language: lists.article_card(full, language), 0)


async def full_text_button(update: Update, context: Context) -> None:
    article_id, page_no = await pressed(update, callbacks.FULL_TEXT)
    text = await services_of(context).library.article_text(article_id)
    language = lang(update)
    if text is None:
        await reply(update, t(language, "article_missing", id=article_id))
        return
    await reply(update, lists.full_text(article_id, text, page_no, language))


async def expired_button(update: Update, context: Context) -> None:
    """Any button no kind matches (one from an older version of the bot)."""
    query = update.callback_query
    if query is not None:
        await query.answer()
    await reply(update, t(lang(update), "expired"))
