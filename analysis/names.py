"""Does this query name that actor? The scoring engine behind ``/who``, subscriptions and merges.

Finding candidates is the search key's job (``analysis.keys``: loose on purpose, so ``Hammond`` and
«Хэммонд» land in one bucket). Deciding is this module's: every candidate form is compared with the
query word by word (:func:`analysis.transcription.same_word`: equal letters in one script, or a Latin
spelling the Russian transcription can come from), and the result is a :class:`Level`, from "every word
meets" down to "only spelled alike". :func:`decide` turns the levels of all candidates into one answer,
and only a real name match may become an exact answer: keys that merely collide (``May``/«МО»,
``Miller``/«Мюллер»), a surname that meets a country, or a prefix inside a word give a list of
candidates or nothing.

Persons get the structure of a name: given names, initials (``Д. Ю. Логунов`` ~ ``Denis Logunov``),
patronymics (ignored unless both sides have one) and the surname; a query with more words than the actor
(``Alexander Lukashenko`` for «Лукашенко») is a partial match, a given name alone (``Theresa``) a weak one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from analysis.transcription import initial_compatible, is_cyrillic, is_latin, normalize_latin, same_word

__all__ = [
    "MAX_QUERY_CHARS",
    "SIMILAR_RATIO",
    "SUGGEST_FLOOR",
    "Candidate",
    "Decision",
    "Level",
    "QueryCheck",
    "check_query",
    "decide",
    "name_words",
    "score",
    "similarity",
]

#: Minimum :func:`similarity` for a "did you mean" suggestion. Below it a suggestion is noise: different
#: names of similar length score 50-75 on transliterations ("obama"/"serbiia" 46, "buzzfeed"/"rossiia" 13).
SUGGEST_FLOOR = 80.0
#: A single candidate this similar (one typo in a long name: "tillersen"/"tillerson" 88.9) is still
#: answered exactly when nothing matches better.
SIMILAR_RATIO = 88.0
_MIN_SIMILAR_LEN = 6


class Level(IntEnum):
    """How well a query names a candidate form; higher is better."""

    NONE = 0
    SIMILAR = 1  # spelled alike (a typo), no word meets
    PREFIX = 2  # the query is the beginning of a name ("Евро" for «Евросоюз»): offered, never answered
    GIVEN = 3  # only given names meet ("Theresa" for «Тереза Мэй»)
    PARTIAL = 4  # the surname meets, the query has given names the actor is not known by
    SURNAME = 5  # the query is the surname (with compatible initials, if any)
    FULL = 6  # every word of the name meets the query


_PATRONYMIC_CYR = re.compile(r"(ович|евич|ьич|овна|евна|ична|инична)$")
_PATRONYMIC_LAT = re.compile(r"(ovich|evich|ovitch|ovna|evna|ichna)$")
_INITIALS_GLUED = re.compile(r"^(?:[^\W\d_]\.){2,}$")
# The Arabic article, which Russian mostly drops (Bashar al-Assad = Башар Асад) and keeps in any of
# its assimilated forms (ас-Сиси, ад-Дин, ар-Рахман).
_ARTICLE = re.compile(r"^(?:al|el|as|ad|ar|at|an|ash|az|аль|ал|эль|ас|ад|ар|ат|ан|аш|аз)[-‐’'](?=[^\W\d_]{2})", re.I)
_WORD = re.compile(r"[^\W\d_]")


def name_words(name: str) -> list[str]:
    """Words of a name; glued initials ("Д.Ю.") are split into one word per initial."""
    out: list[str] = []
    for word in name.replace("\u00a0", " ").split():
        word = word.strip(",;:()\"«»")
        if not word:
            continue
        if _INITIALS_GLUED.match(word):
            out.extend(f"{ch}." for ch in word.split(".") if ch)
        else:
            out.append(_ARTICLE.sub("", word))
    return out


def _letters(word: str) -> str:
    return "".join(ch for ch in word if ch.isalpha())


def _is_initial(word: str) -> bool:
    return len(_letters(word)) == 1


def _is_patronymic(word: str) -> bool:
    low = _letters(word).lower()
    if len(low) < 6:
        return False
    return bool(_PATRONYMIC_CYR.search(low) if is_cyrillic(low) else _PATRONYMIC_LAT.search(low))


def _score_person(q: list[str], n: list[str]) -> Level:
    q_init = [w for w in q if _is_initial(w)]
    q_full = [w for w in q if not _is_initial(w)]
    n_init = [w for w in n if _is_initial(w)]
    n_words = [w for w in n if not _is_initial(w)]
    if not q_full or not n_words:
        return Level.NONE
    # A patronymic stands between the given name and the surname («Янукович» alone is a surname).
    n_pat = {i for i, w in enumerate(n_words) if 0 < i < len(n_words) - 1 and _is_patronymic(w)}
    core = [i for i in range(len(n_words)) if i not in n_pat]
    if not core:
        return Level.NONE
    surname = core[-1]
    matched: set[int] = set()
    unmatched_q: list[str] = []
    for word in q_full:
        hit = next((i for i in range(len(n_words)) if i not in matched and same_word(word, n_words[i])), None)
        if hit is None:
            if _is_patronymic(word) and not n_pat and len(q_full) >= 3:
                continue  # the actor is known without a patronymic: nothing to compare
            unmatched_q.append(word)
        else:
            matched.add(hit)
    # Given names spelled out in the query against initials in the name ("Denis" ~ «Д.»).
    spare_init = list(n_init)
    for word in list(unmatched_q):
        hit_init = next((x for x in spare_init if initial_compatible(x, word)), None)
        if hit_init is not None:
            spare_init.remove(hit_init)
            unmatched_q.remove(word)
    if unmatched_q:
        # "Alexander Lukashenko" for an actor known only as «Лукашенко».
        if len(core) == 1 and surname in matched and same_word(q_full[-1], n_words[surname]):
            return Level.PARTIAL
        return Level.NONE
    rest = [i for i in core if i not in matched]
    # Initials in the query must fit the given names left over, in order.
    for initial in q_init:
        if not rest:
            break
        if rest[0] == surname:
            break
        if not initial_compatible(initial, n_words[rest[0]]):
            return Level.NONE
        rest.pop(0)
    if not rest:
        return Level.FULL
    if surname in matched:
        return Level.SURNAME
    return Level.GIVEN


def _score_thing(q: list[str], n: list[str]) -> Level:
    if not q or len(q) != len(n):
        return Level.NONE
    left = list(n)
    for word in q:
        hit = next((w for w in left if same_word(word, w)), None)
        if hit is None:
            return Level.NONE
        left.remove(hit)
    return Level.FULL


@lru_cache(maxsize=65536)
def _fine(text: str) -> str:
    from analysis.keys import latin

    return " ".join(normalize_latin(w) for w in latin(text).split() if normalize_latin(w))


def similarity(query: str, form: str) -> float:
    """How alike two names are spelled, 0..100, on their Latin letters (Cyrillic transliterated): the
    measure for "did you mean" and for typos. Cross-script spellings that :func:`score` accepts are 100."""
    from rapidfuzz.fuzz import ratio

    a, b = _fine(query), _fine(form)
    if not a or not b:
        return 0.0
    best = float(ratio(a, b))
    if " " not in a and " " in b:  # one word against a full name: its best word ("Tillersen", "Тиллерсон")
        best = max(best, *(float(ratio(a, w)) for w in b.split()))
    return best


def score(query: str, form: str, *, person: bool) -> Level:
    """How well ``query`` names the actor called ``form`` (its name or one of its aliases)."""
    q, n = name_words(query), name_words(form)
    if not q or not n:
        return Level.NONE
    level = _score_person(q, n) if person else _score_thing(q, n)
    if level == Level.NONE and (is_cyrillic(form.replace(" ", "")) or is_cyrillic(query.replace(" ", ""))):
        # A typo in a transcription. Two Latin spellings that differ are different words (Hollande/Holland).
        a = _fine(query)
        words_b = [w for w in _fine(form).split() if len(w) >= _MIN_SIMILAR_LEN]
        if (len(a) >= _MIN_SIMILAR_LEN and any(w[:1] == a[:1] for w in words_b)
                and similarity(query, form) >= SIMILAR_RATIO):
            return Level.SIMILAR
    return level


@dataclass(frozen=True, slots=True)
class Candidate:
    """One actor found by key, with the best :class:`Level` over its forms and its best similarity."""

    actor_id: int
    kind: str
    level: Level
    similarity: float
    mentions: int = 0
    on_name: bool = False  # the level was reached on the actor's canonical name, not only on an alias
    place: str | None = None  # the gazetteer entry the actor was matched through, if any


@dataclass(frozen=True, slots=True)
class Decision:
    """What a look-up answers: ``exact`` (one actor), ``ambiguous`` (candidates to choose from, best first)
    or ``none`` (with ``suggestions`` above :data:`SUGGEST_FLOOR`, maybe empty)."""

    kind: str
    actor_ids: tuple[int, ...] = ()
    suggestions: tuple[int, ...] = ()


def decide(candidates: Sequence[Candidate], *, query_words: int, expected_kinds: frozenset[str] | None = None,
           limit: int = 8) -> Decision:
    """One answer from scored candidates.

    ``expected_kinds``: the kinds the query itself names (a gazetteer hit says "a place"); a candidate of
    another kind can only be offered, never answered. Exact needs exactly one actor at a real-name level
    (PARTIAL or better), or, when several are, one FULL match of a multi-word query (the full name beats
    namesakes that share the surname); a single typo-level match with nothing better is exact too.
    """
    def allowed(c: Candidate) -> bool:
        return expected_kinds is None or c.kind in expected_kinds

    ranked = sorted(candidates, key=lambda c: (-c.level, -c.similarity, -c.mentions, c.actor_id))
    strong = [c for c in ranked if c.level >= Level.PARTIAL and allowed(c)]
    if len(strong) == 1:
        return Decision("exact", (strong[0].actor_id,))
    if strong:
        full = [c for c in strong if c.level == Level.FULL]
        if len(full) == 1 and query_words >= 2:
            return Decision("exact", (full[0].actor_id,))
        named = [c for c in full if c.on_name]
        if len(full) > 1 and len(named) == 1 and query_words >= 2:
            # "Эдвард Сноуден" by name beats a glued NER span that merely lists him among its aliases.
            return Decision("exact", (named[0].actor_id,))
        places = {c.place for c in strong}
        if len(places) == 1 and None not in places:
            # Several actors that the gazetteer says are one body («АНБ», «Агентство национальной
            # безопасности»): the most mentioned answers; /merge makes them one.
            return Decision("exact", (max(strong, key=lambda c: (c.mentions, -c.actor_id)).actor_id,))
        return Decision("ambiguous", tuple(c.actor_id for c in strong[:limit]))
    offered = [c for c in ranked if c.level >= Level.PREFIX]
    similar = [c for c in ranked if c.level == Level.SIMILAR and allowed(c)]
    if not offered and len(similar) == 1 and similar[0].similarity >= SIMILAR_RATIO:
        return Decision("exact", (similar[0].actor_id,))
    if offered:
        rest = [c for c in similar if c not in offered]
        return Decision("ambiguous", tuple(c.actor_id for c in [*offered, *rest][:limit]))
    suggestions = [c for c in ranked if c.similarity >= SUGGEST_FLOOR]
    return Decision("none", (), tuple(c.actor_id for c in suggestions[:5]))


_GREEK_ARABIC = re.compile(r"[\u0370-\u03ff\u0590-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_OTHER_SCRIPT = re.compile(r"[^\W\d_]")
# Latin letters that look like Cyrillic ones: a Latin "a" typed in a Cyrillic word.
_HOMOGLYPHS = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к",
                             "m": "м", "t": "т", "h": "н", "b": "в", "A": "А", "E": "Е", "O": "О", "P": "Р",
                             "C": "С", "X": "Х", "Y": "У", "K": "К", "M": "М", "T": "Т", "H": "Н", "B": "В"})
MAX_QUERY_CHARS = 200


@dataclass(frozen=True, slots=True)
class QueryCheck:
    """A user's name query after the checks: ``text`` to look up, or ``problem`` to tell the user.

    ``problem`` is a code the bot words in the user's language: ``too_short``, ``too_long``,
    ``script`` (Greek, Arabic or another script), ``mixed`` (Latin and Cyrillic inside one word that
    are not look-alikes). ``fixed`` is True when look-alike Latin letters in a Cyrillic word were read as
    Cyrillic (``Лaвров`` with a Latin ``a``), so the bot can say what it searched for."""

    text: str
    problem: str | None = None
    fixed: bool = False


def check_query(query: str) -> QueryCheck:
    """Validate a name query before any look-up, so bad input gets a clear answer and touches nothing."""
    text = " ".join(query.split())
    if len(text) > MAX_QUERY_CHARS:
        return QueryCheck(text[:MAX_QUERY_CHARS], "too_long")
    if _GREEK_ARABIC.search(text):
        return QueryCheck(text, "script")
    words = []
    fixed = False
    for word in text.split():
        letters = [ch for ch in word if _OTHER_SCRIPT.match(ch)]
        has_cyr = any("\u0400" <= ch <= "\u04ff" for ch in letters)
        has_lat = any(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)
        if any(not ("\u0400" <= ch <= "\u04ff" or ch.isascii() or "\u00c0" <= ch <= "\u024f") for ch in letters):
            return QueryCheck(text, "script")
        if has_cyr and has_lat:
            latin_letters = [ch for ch in letters if not ("\u0400" <= ch <= "\u04ff")]
            cyr_count = len(letters) - len(latin_letters)
            if cyr_count >= len(latin_letters) and all(ch.translate(_HOMOGLYPHS) != ch for ch in latin_letters):
                word = word.translate(_HOMOGLYPHS)
                fixed = True
            else:
                return QueryCheck(text, "mixed")
        words.append(word)
    text = " ".join(words)
    if sum(ch.isalpha() for ch in text) < 3 and not _short_ok(text):
        return QueryCheck(text, "too_short")
    return QueryCheck(text, None, fixed)


def _short_ok(text: str) -> bool:
    """Two-letter all-caps abbreviations are names (ЕС, ЦБ, UN, EU); other 1-2 letter queries are not."""
    letters = _letters(text)
    return len(letters) == 2 and letters.isupper() and (is_latin(letters) or is_cyrillic(letters))
