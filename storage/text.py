"""Text normalisation for full-text search: stemming, safe MATCH expressions, snippets.

Pure functions, no database: the FTS index and the queries must go through exactly the same
normalisation or inflected forms stop meeting, so it lives in one place and is tested on its own.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

from analysis.textnorm import fold

#: A word is a run of letters/digits; "_" and punctuation separate words (as FTS5 unicode61 does).
WORD_RE = re.compile(r"[^\W_]+")
_CYRILLIC_RE = re.compile(r"[а-я]")

#: User queries are cut to this many characters and terms: a 5000-character paste must not turn
#: into a 700-term FTS query, and nobody means more than a handful of words.
MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 12
MAX_TERM_CHARS = 64

# Snowball stemmer objects keep per-call state (current string, cursors), so sharing one across
# the threads asyncio.to_thread uses would corrupt stems. One pair per thread.
_local = threading.local()


def _stemmers() -> tuple[Any, Any]:
    pair: tuple[Any, Any] | None = getattr(_local, "pair", None)
    if pair is None:
        pair = (snowballstemmer.stemmer("russian"), snowballstemmer.stemmer("english"))
        _local.pair = pair
    return pair


def normalize(text: str) -> str:
    """NFKC + lowercase + ё->е (+ squeezed spaces, which words do not see): what both the index
    and the queries see."""
    return fold(text, compat=True)


def normalized_text_hash(text: str) -> str:
    """sha256 of NFKC-normalised, lowercased, whitespace-collapsed text.

    Used as the duplicate key: the same article pasted twice, or with different line wrapping
    or a stray non-breaking space (NFKC folds it to a plain space), is filed once.
    """
    norm = fold(text, compat=True, yo=False)  # ё kept: stored hashes were computed with it
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """Stem of one already-normalised word. Cached: news vocabulary repeats heavily and the pure
    Python stemmer costs ~20 µs a word, which adds up over a 100k-character article."""
    ru, en = _stemmers()
    if _CYRILLIC_RE.search(word):
        return str(ru.stemWord(word))
    if word.isascii() and word.isalpha():
        return str(en.stemWord(word))
    return word


def stem_text(text: str | None) -> str:
    """Space-separated stems of every word of ``text`` (what goes into the FTS table)."""
    if not text:
        return ""
    return " ".join(stem_word(w) for w in WORD_RE.findall(normalize(text)))


@dataclass(frozen=True, slots=True)
class QueryTerm:
    stem: str
    prefix: bool

    def matches(self, stem: str) -> bool:
        return stem.startswith(self.stem) if self.prefix else stem == self.stem


def query_terms(query: str) -> list[QueryTerm]:
    """Word tokens of a user query, stemmed, deduplicated, capped.

    Only word characters survive, so quotes, parentheses, ``*``, ``:`` and ``^`` never reach FTS5;
    operator words (AND, OR, NOT, NEAR) become ordinary search words once quoted. Stems of three
    letters or more are prefix-matched so a query stem shorter than the indexed one still meets it;
    shorter ones are exact, or "в"* would match half the library.
    """
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    for word in WORD_RE.findall(normalize(query[:MAX_QUERY_CHARS])):
        stem = stem_word(word[:MAX_TERM_CHARS])
        if not stem or stem in seen:
            continue
        seen.add(stem)
        terms.append(QueryTerm(stem, prefix=len(stem) >= 3))
        if len(terms) >= MAX_QUERY_TERMS:
            break
    return terms


def match_expression(terms: list[QueryTerm]) -> str | None:
    """An FTS5 MATCH string that is always syntactically valid: each term a quoted string
    (embedded quotes doubled, although WORD_RE admits none), optionally ``*``-prefixed, joined by
    spaces (implicit AND). None when there is nothing to search for."""
    if not terms:
        return None
    return " ".join('"' + t.stem.replace('"', '""') + '"' + ("*" if t.prefix else "") for t in terms)


_SPACE_RE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE_RE.sub(" ", text)


def snippet(
    text: str, terms: list[QueryTerm], *, window: int = 28, lead: int = 5, max_chars: int = 320
) -> tuple[tuple[str, bool], ...]:
    """A short excerpt of the ORIGINAL ``text`` around the densest cluster of query words, as
    (segment, is_match) pairs. Words are matched by stem, so "разрядку" in the text is marked for
    the query "разрядка". No HTML here: the renderer escapes each segment and bolds matches."""
    tokens: list[tuple[int, int, int]] = []  # (start, end, index of matching term or -1)
    for m in WORD_RE.finditer(text):
        stem = stem_word(normalize(m.group())[:MAX_TERM_CHARS])
        hit = next((i for i, t in enumerate(terms) if t.matches(stem)), -1)
        tokens.append((m.start(), m.end(), hit))
    if not tokens:
        return ((_squash(text[:max_chars]).strip(), False),) if text.strip() else ()

    best_start, best_score = 0, (0, 0)
    hits = [i for i, tok in enumerate(tokens) if tok[2] >= 0]
    for p in hits[:2000]:
        in_window = [tokens[j][2] for j in range(p, min(p + window - lead, len(tokens))) if tokens[j][2] >= 0]
        score = (len(set(in_window)), len(in_window))
        if score > best_score:
            best_start, best_score = p, score
    start = max(0, best_start - lead) if hits else 0
    if tokens[start][0] <= 40:  # an ellipsis to skip a few words reads worse than the words
        start = 0
    end = min(len(tokens), start + window)

    segments: list[tuple[str, bool]] = []

    def add(segment: str, is_match: bool) -> None:
        if not segment:
            return
        if segments and segments[-1][1] == is_match:
            segments[-1] = (segments[-1][0] + segment, is_match)
        else:
            segments.append((segment, is_match))

    if start > 0:
        add("…", False)
    pos = tokens[start][0]
    used = 0
    for s, e, hit in tokens[start:end]:
        gap = _squash(text[pos:s]) if pos < s else ""
        word = text[s:e]
        if used + len(gap) + len(word) > max_chars and used > 0:
            end = -1  # force the trailing ellipsis
            break
        add(gap, False)
        add(word, hit >= 0)
        used += len(gap) + len(word)
        pos = e
    if end == len(tokens):
        add(_squash(text[pos:]).rstrip()[: max(0, max_chars - used)], False)
    else:
        add("…", False)
    return tuple(segments)
