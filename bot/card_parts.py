"""What goes on an article card, decided apart from how it is drawn (no HTML here).

The analysis hands over summary sentences, actors and claims as it found them; a card has room for
a few of each. These pure functions choose: summary sentences that add something and close every
quotation they open, actors grouped by kind, claims strongest first, and pages of "all actors" /
"all claims" cut to fit one Telegram message so that every item is reachable by paging.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storage.records import ArticleActor, ArticleClaim

#: At most this many summary sentences on a card.
MAX_SUMMARY_SENTENCES = 3
#: Two summary sentences sharing this share of the shorter one's words say the same thing.
REPEAT_OVERLAP = 0.6
#: The order of the card's actor groups: people carry the claims, then organisations, then places.
KIND_ORDER: tuple[str, ...] = ("person", "organization", "location")

_OPENING = {"«": "»", "„": "“", "“": "”"}
_WORD_CHARS = 3
_STEM_CHARS = 5
_WORD_RE = re.compile(r"[^\W\d_]+")


def _words(sentence: str) -> set[str]:
    """Word starts (five letters stand in for a stem, so inflected forms still meet)."""
    return {w.lower().replace("ё", "е")[:_STEM_CHARS] for w in _WORD_RE.findall(sentence) if len(w) >= _WORD_CHARS}


def quotes_closed(sentence: str) -> bool:
    """True when every quotation ``sentence`` opens is closed in it (and none closes unopened).

    Straight double quotes open and close alike, so an odd number of them is an open quotation."""
    stack: list[str] = []
    for ch in sentence:
        if ch in _OPENING and not (ch == "“" and stack and stack[-1] == "“"):
            stack.append(_OPENING[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif ch in ("»", "”") and not stack:
            return False
    return not stack and sentence.count('"') % 2 == 0


def summary_sentences(summary: Sequence[str], lead: str | None = None) -> list[str]:
    """Up to three summary sentences, in order, none repeating an earlier one, none cut inside a
    quotation. Falls back to the lead when every sentence was dropped."""
    chosen: list[str] = []
    bags: list[set[str]] = []
    for sentence in summary:
        text = " ".join(sentence.split())
        if not text or not quotes_closed(text):
            continue
        bag = _words(text)
        if any(bag and other and len(bag & other) / min(len(bag), len(other)) >= REPEAT_OVERLAP
               for other in bags):
            continue
        chosen.append(text)
        bags.append(bag)
        if len(chosen) == MAX_SUMMARY_SENTENCES:
            break
    if not chosen and lead and quotes_closed(lead):
        chosen.append(" ".join(lead.split()))
    return chosen


def grouped_actors(actors: Sequence[ArticleActor]) -> list[tuple[str, list[ArticleActor]]]:
    """(kind, actors by mentions) for people, organisations, places, then any other kind."""
    kinds = list(KIND_ORDER) + sorted({a.kind for a in actors} - set(KIND_ORDER))
    groups = []
    for kind in kinds:
        members = sorted((a for a in actors if a.kind == kind), key=lambda a: (-a.mentions, a.name))
        if members:
            groups.append((kind, members))
    return groups


def ranked_claims(claims: Sequence[ArticleClaim], actors: Sequence[ArticleActor]) -> list[ArticleClaim]:
    """Strongest first: a named speaker before an unnamed source, a direct quote before reported
    speech, a speaker the article mentions more before a minor one; ties keep text order."""
    mentions = {a.actor_id: a.mentions for a in actors}

    def strength(claim: ArticleClaim) -> tuple[int, int, int, int]:
        named = 0 if claim.actor_id is not None else 1
        quote = 0 if claim.kind == "quote" else 1
        weight = mentions.get(claim.actor_id, 0) if claim.actor_id is not None else 0
        return (named, quote, -weight, claim.position)

    return sorted(claims, key=strength)


@dataclass(frozen=True, slots=True)
class Paged:
    """Items cut into pages that each fit one message: ``pages[i]`` holds indexes into the items."""

    pages: tuple[tuple[int, ...], ...]

    @property
    def count(self) -> int:
        return len(self.pages)


def paginate(sizes: Sequence[int], *, budget: int, max_items: int) -> Paged:
    """Greedy pages of at most ``max_items`` items and ``budget`` characters (an item larger than
    the budget gets a page of its own), so every item lands on exactly one page."""
    pages: list[tuple[int, ...]] = []
    current: list[int] = []
    used = 0
    for index, size in enumerate(sizes):
        if current and (used + size > budget or len(current) >= max_items):
            pages.append(tuple(current))
            current, used = [], 0
        current.append(index)
        used += size
    if current:
        pages.append(tuple(current))
    return Paged(tuple(pages) or ((),))
