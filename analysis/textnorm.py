"""The one text normalisation: lowercase, ё -> е, whitespace runs squeezed to one space.

Every layer compares names, lemmas, tags and texts through these functions, so "Ёлкин" typed by a
user, "ёлкин" lemmatised by natasha and "Елкин" in a stored key meet. Pure and dependency-free
(the standard library only, no state, no I/O), exactly like ``analysis/model.py``: that is why
storage may import it too (its full-text index and duplicate hash must normalise exactly as the
queries do) without breaking the rule that storage depends on nothing of analysis but its values.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "squeeze"]


def squeeze(text: str) -> str:
    """Whitespace runs (any kind, line breaks included) to one space, ends stripped."""
    return " ".join(text.split())


def fold(text: str, *, yo: bool = True, compat: bool = False) -> str:
    """Lowercased and squeezed; ``yo``: ё as е (the default; a few callers keep ё because what
    they produce was stored with it); ``compat``: NFKC first, so a non-breaking space, a
    full-width letter or a ligature reads as its plain form (what users paste from the web)."""
    if compat:
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if yo:
        text = text.replace("ё", "е")
    return " ".join(text.split())
