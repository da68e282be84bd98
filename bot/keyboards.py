"""Inline keyboards, and `View`: what a handler sends (HTML text plus an optional keyboard).

Every button's callback data comes from `bot.callbacks`, so the kinds a handler reads are the
kinds a view writes. Labels are cut to named widths so no button is refused for length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.callbacks import ButtonKind
from bot.i18n import Lang, plain, t
from bot.render import truncate
from bot.services.library import Page
from bot.services.subscriptions import Candidate
from storage.records import SubscriptionRow

#: Width of a button label naming one thing (an actor, a tag, a subscription).
LABEL_CHARS = 60
#: Narrower labels where up to eight buttons stack under one list.
SHORT_LABEL_CHARS = 40
#: Buttons offered under an article's actors or tags.
MAX_CONTEXT_BUTTONS = 8


@dataclass(frozen=True, slots=True)
class View:
    """A reply: Telegram HTML (split to messages when sent) and the keyboard under its last part."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def markup(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """A keyboard of the non-empty ``rows``, or None when there is no button at all."""
    kept = [list(row) for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def button(label: str, kind: ButtonKind, *args: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=kind.data(*args))


def pager(page: Page[Any], language: Lang, kind: ButtonKind, *lead: int) -> list[InlineKeyboardButton]:
    """‹ Back / Next › for ``page``; the offset is the kind's last argument, after ``lead``."""
    buttons = []
    if page.has_prev:
        buttons.append(button(t(language, "prev"), kind, *lead, max(0, page.offset - page.limit)))
    if page.has_next:
        buttons.append(button(t(language, "next"), kind, *lead, page.offset + page.limit))
    return buttons


ButtonSpec = tuple[str, ButtonKind, tuple[int, ...]]


def one_per_row(items: Iterable[ButtonSpec], width: int) -> list[list[InlineKeyboardButton]]:
    return [[button(truncate(label, width), kind, *args)] for label, kind, args in items]


def card_keyboard(article_id: int, language: Lang, *, actors: int = 0, claims: int = 0) -> InlineKeyboardMarkup:
    """Under an article card: every actor, every claim (pages that replace the card), the full text."""
    lists = []
    if actors:
        lists.append(button(plain(language, "all_actors", total=actors), callbacks.CARD_ACTORS, article_id, 0))
    if claims:
        lists.append(button(plain(language, "all_claims", total=claims), callbacks.CARD_CLAIMS, article_id, 0))
    rows = [lists] if lists else []
    rows.append([button(t(language, "full_text"), callbacks.FULL_TEXT, article_id, 0)])
    return InlineKeyboardMarkup(rows)


def card_page_keyboard(kind: ButtonKind, article_id: int, page_no: int, pages: int,
                       language: Lang) -> InlineKeyboardMarkup:
    """Under a page of a card's actors or claims: back / next through the pages, and the card."""
    nav = []
    if page_no > 0:
        nav.append(button(t(language, "prev"), kind, article_id, page_no - 1))
    if page_no + 1 < pages:
        nav.append(button(t(language, "next"), kind, article_id, page_no + 1))
    rows = [nav] if nav else []
    rows.append([button(t(language, "back_to_card"), callbacks.CARD_BACK, article_id)])
    return InlineKeyboardMarkup(rows)


def open_buttons(article_ids: Sequence[int], per_row: int = 5) -> list[list[InlineKeyboardButton]]:
    """One button per listed article ("#12"), opening its card; rows of ``per_row``."""
    items = [button(f"#{i}", callbacks.CARD, i) for i in article_ids]
    return [items[i:i + per_row] for i in range(0, len(items), per_row)]


def delete_keyboard(article_id: int, minute: int, title: str, language: Lang) -> InlineKeyboardMarkup:
    """Confirm (naming the article) or keep it."""
    label = plain(language, "delete_button", id=article_id, title=truncate(title, SHORT_LABEL_CHARS))
    return InlineKeyboardMarkup([
        [button(truncate(label, LABEL_CHARS), callbacks.DELETE, article_id, minute)],
        [button(plain(language, "delete_keep"), callbacks.DELETE_CANCEL, article_id)],
    ])


def alert_keyboard(article_id: int, language: Lang) -> InlineKeyboardMarkup:
    """Under an alert: the article's card (also how /unsubscribe finds the alert's article)."""
    return InlineKeyboardMarkup([[button(t(language, "open_card"), callbacks.CARD, article_id)]])


def card_of(keyboard: InlineKeyboardMarkup | None) -> int | None:
    """The article an alert's keyboard opens, if it is one."""
    for row in keyboard.inline_keyboard if keyboard else ():
        for b in row:
            found = callbacks.CARD.parse(b.callback_data)
            if found is not None:
                return found[0]
    return None


#: The icon of each kind of actor on buttons and in lists.
KIND_ICONS = {"person": "👤", "organization": "🏛", "location": "📍"}


def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "•")


def pick_keyboard(candidates: Sequence[Candidate], number: int) -> InlineKeyboardMarkup | None:
    """One button per candidate target of a /subscribe; ``number`` names its waiting filters."""
    rows = []
    for c in candidates:
        kind = callbacks.PICK_TAG if c.kind == "tag" else callbacks.PICK_ACTOR
        mark = "#" if c.kind == "tag" else kind_icon(c.sort) + " "
        rows.append([button(truncate(mark + c.label, LABEL_CHARS), kind, c.id, number)])
    return markup(rows)


def unsubscribe_keyboard(rows: Sequence[SubscriptionRow]) -> InlineKeyboardMarkup | None:
    return markup([[button("✖ " + truncate(s.label or "?", LABEL_CHARS - 10), callbacks.UNSUBSCRIBE, s.id)]
                   for s in rows])


def resume_keyboard(language: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(t(language, "resume_button"), callbacks.RESUME)]])
