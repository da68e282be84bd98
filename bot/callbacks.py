"""The one callback-data codec: every inline button's data is built and read here.

A button kind is a prefix and a fixed number of integer arguments, `prefix:1:2`, far below
Telegram's 64 bytes. The kind gives the `pattern` its `CallbackQueryHandler` is registered with
(`handlers.BUTTONS`), builds the data (`WHO.data(actor_id)`) and reads it back
(`WHO.parse(query.data)`), so no module spells a prefix or splits a string by hand. Data of an
unknown shape (a button of an older version) matches no kind and is answered "expired".

Imports nothing of the project: views build buttons with it, handlers read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Telegram refuses callback data longer than this (in bytes).
MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True, slots=True)
class ButtonKind:
    """One kind of inline button: ``prefix`` followed by ``arity`` non-negative integers."""

    prefix: str
    arity: int

    @property
    def pattern(self) -> re.Pattern[str]:
        """What `CallbackQueryHandler(pattern=...)` matches for this kind, and nothing else."""
        return re.compile("^" + re.escape(self.prefix) + r"(?::\d{1,18})" + f"{{{self.arity}}}$")

    def data(self, *args: int) -> str:
        if len(args) != self.arity or any(a < 0 for a in args):
            raise ValueError(f"{self.prefix}: expected {self.arity} non-negative integers, got {args}")
        data = ":".join([self.prefix, *(str(a) for a in args)])
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    def parse(self, data: object) -> tuple[int, ...] | None:
        """The arguments of ``data`` if it is a button of this kind, else None."""
        if not isinstance(data, str) or not self.pattern.match(data):
            return None
        return tuple(int(part) for part in data[len(self.prefix) + 1:].split(":")) if self.arity else ()


DAY = 86_400


def day_number(ts: int | None) -> int:
    """A date as a small button argument: days since 1970 plus one; 0 for "open"."""
    return 0 if ts is None or ts < 0 else ts // DAY + 1


def day_start(number: int) -> int | None:
    return None if number <= 0 else (number - 1) * DAY


def day_end(number: int) -> int | None:
    return None if number <= 0 else number * DAY - 1


#: Day numbers stay below this (the year 2243), so two of them pack into one argument.
_DAYS = 100_000


def period_code(since: int | None, until: int | None) -> int:
    """A period of days as one button argument: first day * 100000 + last day (0: open end)."""
    return min(day_number(since), _DAYS - 1) * _DAYS + min(day_number(until), _DAYS - 1)


def period_of(code: int) -> tuple[int | None, int | None]:
    """The (since, until) timestamps of a `period_code`."""
    return day_start(code // _DAYS), day_end(code % _DAYS)


# Library buttons (handlers/queries.py)
WHO = ButtonKind("who", 1)  # actor id: their dossier
TOP_ACTORS = ButtonKind("top", 1)  # offset into the most mentioned
CLAIMS = ButtonKind("cl", 2)  # actor id, offset
TAG = ButtonKind("tg", 2)  # tag id, offset
TAG_PERIOD = ButtonKind("tgp", 3)  # tag id, period (see period_code), offset
RECENT = ButtonKind("rc", 1)  # offset
SEARCH = ButtonKind("sr", 1)  # offset into the chat's last /search
SOURCE = ButtonKind("so", 1)  # offset into the chat's last /source outlet
CARD = ButtonKind("art", 1)  # article id: its card (under alerts)
FULL_TEXT = ButtonKind("full", 2)  # article id, page
TOPIC = ButtonKind("tp", 1)  # a lexicon topic (its position in analysis/data/topics.tsv)
CARD_ACTORS = ButtonKind("aa", 2)  # article id, page of all its actors (edits the card)
CARD_CLAIMS = ButtonKind("ac", 2)  # article id, page of all its claims (edits the card)
CARD_BACK = ButtonKind("cv", 1)  # article id: the card again, in place of the page
DELETE = ButtonKind("del", 2)  # article id, minute the confirmation was asked (it expires)
DELETE_CANCEL = ButtonKind("delx", 1)  # article id
# Subscription buttons (handlers/subscriptions.py)
PICK_TAG = ButtonKind("sub:t", 2)  # tag id, number of the filters waiting in chat_data
PICK_ACTOR = ButtonKind("sub:a", 2)  # actor id, same
UNSUBSCRIBE = ButtonKind("uns", 1)  # subscription id
RESUME = ButtonKind("resume", 0)
SUB_TOPIC = ButtonKind("sub:p", 1)  # subscribe to a lexicon topic (its position), maybe before any article
# Picture buttons (handlers/charts.py); arguments from bot.charts.request.to_args
GRAPH = ButtonKind("gr", 3)  # actor id (0: the whole library), period first day, last day (YYYYMMDD, 0: none)
GRAPH_FILE = ButtonKind("grf", 3)  # the same, as a full-size file
TREND = ButtonKind("tr", 3)  # one target (2 * id + 1 for an actor, 2 * id for a tag), period first, last day
TREND_FILE = ButtonKind("trf", 3)  # the same, as a full-size file
SAVED_CHART = ButtonKind("chs", 2)  # a trend of several targets remembered in chat_data by number; 1: as a file

ALL_KINDS: tuple[ButtonKind, ...] = (WHO, TOP_ACTORS, CLAIMS, TAG, TAG_PERIOD, RECENT, SEARCH, SOURCE, CARD,
                                     FULL_TEXT, CARD_ACTORS, CARD_CLAIMS, CARD_BACK, DELETE, DELETE_CANCEL,
                                     PICK_TAG, PICK_ACTOR, UNSUBSCRIBE, RESUME, TOPIC, SUB_TOPIC,
                                     GRAPH, GRAPH_FILE, TREND, TREND_FILE, SAVED_CHART)
