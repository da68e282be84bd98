"""Extractive summary: the lead plus the sentences most central to the article.

A news lead already answers who/what; the other picks are the sentences whose content lemmas overlap
most with the rest of the text (one step of TextRank: cheap, deterministic, no model). Only real
sentences qualify: captions, subheadings and the title have no final punctuation or are the title.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from analysis.lexicon import STOP_LEMMAS
from analysis.state import State

if TYPE_CHECKING:
    from analysis.models import Models

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
_ENDS = re.compile(r"[.!?…][\"»”)]*$|[»”]$")


def _eligible(text: str) -> bool:
    words = text.split()
    return 5 <= len(words) <= 80 and bool(_ENDS.search(text.strip()))


def summarize(state: State, models: Models) -> None:
    """Fill state.lead and state.summary (sentences in text order)."""
    state.lead, state.summary = pick(state)


def pick(state: State, *, limit: int = 3) -> tuple[str | None, list[str]]:
    """Return (lead, summary sentences in text order)."""
    sents = [(i, s) for i, s in enumerate(state.sents) if s.start >= state.body_offset]
    candidates = [(i, s) for i, s in sents if _eligible(s.text)]
    if not candidates:
        return None, []
    title = (state.cleaned.title or "").strip().lower()
    candidates = [(i, s) for i, s in candidates if s.text.strip().lower() != title]
    if not candidates:
        return None, []
    bags: dict[int, set[str]] = {}
    for i, s in candidates:
        bags[i] = {
            t.lemma
            for t in state.tokens[s.first_token : s.stop_token]
            if t.pos in _CONTENT_POS and t.lemma not in STOP_LEMMAS and len(t.lemma) > 2
        }
    # Centrality in linear time: how many other sentences share each lemma (df - 1), damped by
    # sentence length so that long sentences do not win by size alone. Quadratic pairwise overlap
    # would cost seconds on a 100k-character paste.
    df: dict[str, int] = {}
    for bag in bags.values():
        for lemma in bag:
            df[lemma] = df.get(lemma, 0) + 1
    scores = {i: sum(df[lemma] - 1 for lemma in bag) / (math.log(len(bag) + 1) + 1.0) for i, bag in bags.items()}
    lead_index, lead = candidates[0]
    rest = sorted((i for i, _ in candidates[1:]), key=lambda i: -scores[i])[: max(0, limit - 1)]
    chosen = sorted([lead_index, *rest])
    text_of = dict(candidates)
    return lead.text.strip(), [text_of[i].text.strip() for i in chosen]
