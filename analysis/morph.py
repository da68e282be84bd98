"""Small morphology helpers on top of natasha's MorphVocab (pymorphy2 with natasha's patches).

pymorphy2's MorphAnalyzer cannot be built directly on Python 3.11; MorphVocab can, and it caches
parses, so every word-level question goes through it.
"""

from __future__ import annotations

from typing import Any, Protocol

from natasha.shape import recover_shape


class _Form(Protocol):
    word: str
    tag: Any
    pos: str
    feats: dict[str, str]

    def inflect(self, grams: set[str]) -> Any: ...


class Vocab(Protocol):
    """What we use of natasha.MorphVocab (typed here because natasha ships no annotations)."""

    def __call__(self, word: str) -> list[Any]: ...

    def lemmatize(self, word: str, pos: str, feats: dict[str, str]) -> str: ...


_CASE_OC = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}


def _select(forms: list[Any], pos: str, feats: dict[str, str]) -> Any | None:
    """The parse that agrees with the tagger's reading in context (case, number, gender)."""
    want_pos = "NOUN" if pos == "PROPN" else pos
    best: Any | None = None
    best_score = -1
    for form in forms:
        form_pos = "NOUN" if form.pos == "PROPN" else form.pos
        score = 3 * (form_pos == want_pos)
        for key in ("Case", "Number", "Gender"):
            if key in feats and form.feats.get(key) == feats[key]:
                score += 1
        if score > best_score:
            best, best_score = form, score
    return best if best_score >= 3 else None


def to_nominative(vocab: Vocab, text: str, pos: str, feats: dict[str, str]) -> str:
    """The word in the nominative, keeping number, gender and letter case of the original.

    natasha's span.normalize lowercases and folds ё; for roles and speaker phrases we want the words
    exactly as a reader would write them.
    """
    if pos not in ("NOUN", "PROPN", "ADJ", "DET", "NUM", "VERB") or feats.get("Case") in (None, "Nom"):
        return text
    try:
        form = _select(vocab(text.lower()), pos, feats)
        if form is None:
            return text
        # MorphForm.inflect takes UD grammemes and maps them to OpenCorpora itself.
        grams = {"Nom"}
        if feats.get("Number") == "Plur":
            grams.add("Plur")
        inflected = form.inflect(grams)
        if inflected is None:
            return text
        word = str(inflected.word)
    except Exception:  # pymorphy raises on some rare paradigms; the original word is still fine
        return text
    return str(recover_shape(word, text))


def has_grammeme(vocab: Vocab, word: str, grammeme: str, *, min_score: float = 0.1) -> bool:
    """Whether any reasonably likely parse of the word carries the pymorphy grammeme ("Name"...)."""
    try:
        return any(grammeme in form.tag and form.score >= min_score for form in vocab(word.lower()))
    except Exception:
        return False
