"""Topic tags from a bilingual lexicon shipped as data (``analysis/data/topics.tsv``).

The lexicon is data, not code, so editors can add a topic or a signal word without touching the
matcher, and the same file serves both directions: tagging an article (its Russian lemmas) and resolving
a user's ``/tags sanctions`` / ``/tags санкций`` to one topic.

Lemmas in the file are exactly what natasha's ``MorphVocab`` produces (lowercase, ё as е), including its
quirks ("вооруженный конфликт" is stored as "вооружить конфликт"): matching is plain set membership on the
lemmas the analysis pipeline already computed, so a lemma spelled "correctly" but differently from
natasha would silently never match.

Scoring is deliberately simple and explainable: hits per topic (a bigram counts more than a word,
being far less ambiguous), multiplied by the topic's weight, divided by the square root of the text
length in units of :data:`LENGTH_UNIT` tokens. The square root is the compromise between two failure
modes: raw counts let any long article collect every topic from stray words; per-token density
punishes long articles whose main topic is mentioned often but is diluted by many other words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from analysis.keys import search_key, strip_case_ending
from analysis.textnorm import fold, squeeze

__all__ = [
    "BIGRAM_WEIGHT",
    "LENGTH_UNIT",
    "MIN_SCORE",
    "Topic",
    "TopicHit",
    "TopicsFileError",
    "en_fold",
    "find_topic",
    "find_topics",
    "load_topics",
    "match_topics",
]

#: A lemma bigram hit counts this many unigram hits ("ядерный оружие" says more than "оружие").
BIGRAM_WEIGHT = 1.5
#: Texts shorter than this many word tokens are scored as if they had this length, so a one-line text
#: is not rated as "dense" with a topic on a single word; it is also the unit of the length penalty.
LENGTH_UNIT = 60
#: Default threshold of :func:`match_topics`. With the normalisation above, one plain word hit passes
#: only in a text of at most ~60 tokens (a headline or a short note); in a 200-token text a topic needs
#: two hits, in a 1000-token article about four: one stray word in a long article is never a topic.
MIN_SCORE = 1.0

_HEADER = ("name_ru", "label_en", "lemmas", "weight")
_HEADER_SYNONYMS = (*_HEADER, "synonyms_en")
_WORDLIKE = re.compile(r"\w")
_MIN_KEY = 3


class TopicsFileError(ValueError):
    """The topics file is malformed; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: Russian tag as shown, English label, the lemmas (and lemma bigrams) that signal it,
    and the other English words readers use for it (``synonyms_en``: "talks" for peace talks)."""

    name: str
    label_en: str
    lemmas: tuple[str, ...]
    weight: float
    synonyms_en: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicHit:
    """A topic found in a text, with its score (higher is stronger; comparable within one text)."""

    name: str
    label_en: str
    score: float


def _parse(text: str, origin: str) -> tuple[Topic, ...]:
    lines = text.splitlines()
    header = tuple(c.strip() for c in lines[0].split("\t")) if lines else ()
    if header not in (_HEADER, _HEADER_SYNONYMS):
        raise TopicsFileError(f"{origin}:1: header must be {'<TAB>'.join(_HEADER_SYNONYMS)}")
    topics: list[Topic] = []
    names: dict[str, int] = {}
    labels: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{origin}:{number}"
        if len(cells) not in (3, 4, 5):
            raise TopicsFileError(f"{where}: expected 3 to 5 tab-separated columns, got {len(cells)}")
        name, label, lemma_cell = (c.strip() for c in cells[:3])
        weight_cell = cells[3].strip() if len(cells) >= 4 else ""
        synonyms = tuple(dict.fromkeys(x.strip() for x in (cells[4] if len(cells) == 5 else "").split(",")
                                       if x.strip()))
        if any(x != x.lower() for x in synonyms):
            raise TopicsFileError(f"{where}: synonyms_en must be lowercase")
        if not name or name != name.lower():
            raise TopicsFileError(f"{where}: name_ru must be non-empty lowercase, got {name!r}")
        if not label or label != label.lower():
            raise TopicsFileError(f"{where}: label_en must be non-empty lowercase, got {label!r}")
        lemmas = tuple(dict.fromkeys(x.strip() for x in lemma_cell.split(",") if x.strip()))
        if not lemmas:
            raise TopicsFileError(f"{where}: topic {name!r} has no lemmas")
        for lemma in lemmas:
            if lemma != lemma.lower() or "ё" in lemma or len(lemma.split()) > 2 or "  " in lemma:
                raise TopicsFileError(
                    f"{where}: lemma {lemma!r} must be one or two lowercase words, ё written as е"
                )
        try:
            weight = float(weight_cell) if weight_cell else 1.0
        except ValueError:
            raise TopicsFileError(f"{where}: weight {weight_cell!r} is not a number") from None
        if not math.isfinite(weight) or weight <= 0:
            raise TopicsFileError(f"{where}: weight must be a positive number, got {weight_cell!r}")
        if name in names:
            raise TopicsFileError(f"{where}: duplicate name_ru {name!r} (first on line {names[name]})")
        if label in labels:
            raise TopicsFileError(f"{where}: duplicate label_en {label!r} (first on line {labels[label]})")
        names[name] = labels[label] = number
        topics.append(Topic(name=name, label_en=label, lemmas=lemmas, weight=weight, synonyms_en=synonyms))
    return tuple(topics)


@cache
def _load_shipped() -> tuple[Topic, ...]:
    resource = resources.files("analysis").joinpath("data/topics.tsv")
    return _parse(resource.read_text(encoding="utf-8"), "analysis/data/topics.tsv")


@cache
def _load_path(path: Path) -> tuple[Topic, ...]:
    return _parse(path.read_text(encoding="utf-8"), str(path))


def load_topics(path: Path | None = None) -> tuple[Topic, ...]:
    """The topic lexicon: the shipped file by default (works from a wheel too), or ``path`` (tests).

    Cached per path; raises :class:`TopicsFileError` naming the line of a malformed row.
    """
    return _load_shipped() if path is None else _load_path(Path(path))


@dataclass(frozen=True, slots=True)
class _Index:
    unigrams: dict[str, tuple[int, ...]]
    bigrams: dict[str, tuple[int, ...]]


@cache
def _index(topics: tuple[Topic, ...]) -> _Index:
    unigrams: dict[str, list[int]] = {}
    bigrams: dict[str, list[int]] = {}
    for i, topic in enumerate(topics):
        for lemma in topic.lemmas:
            (bigrams if " " in lemma else unigrams).setdefault(lemma, []).append(i)
    return _Index(
        unigrams={k: tuple(v) for k, v in unigrams.items()},
        bigrams={k: tuple(v) for k, v in bigrams.items()},
    )


def _normalise(lemma: str) -> str:
    return fold(lemma)


def match_topics(
    lemmas: Sequence[str],
    *,
    limit: int = 8,
    min_score: float = MIN_SCORE,
    topics: tuple[Topic, ...] | None = None,
) -> list[TopicHit]:
    """Topics of a text given its lemmas in text order (punctuation tokens may be left in).

    Punctuation tokens break bigrams but do not count towards the length. Best first; ties by name.
    """
    table = load_topics() if topics is None else topics
    index = _index(table)
    norm = [_normalise(x) for x in lemmas]
    words = sum(1 for x in norm if _WORDLIKE.search(x))
    if not words:
        return []
    weighted: dict[int, float] = {}
    # A matched phrase owns its words: "нота протеста" is diplomacy, not a protest; "сектор Газа" is
    # not gas. So words inside a bigram hit are not counted again as unigrams.
    consumed: set[int] = set()
    for i in range(len(norm) - 1):
        for t in index.bigrams.get(f"{norm[i]} {norm[i + 1]}", ()):
            weighted[t] = weighted.get(t, 0.0) + BIGRAM_WEIGHT
            consumed.update((i, i + 1))
    for i, lemma in enumerate(norm):
        if i not in consumed:
            for t in index.unigrams.get(lemma, ()):
                weighted[t] = weighted.get(t, 0.0) + 1.0
    scale = math.sqrt(max(words, LENGTH_UNIT) / LENGTH_UNIT)
    found = [
        TopicHit(name=table[t].name, label_en=table[t].label_en, score=round(w * table[t].weight / scale, 3))
        for t, w in weighted.items()
    ]
    found = [h for h in found if h.score >= min_score]
    found.sort(key=lambda h: (-h.score, h.name))
    return found[: max(limit, 0)]


def _text_forms(query: str) -> list[str]:
    """The query and its guessed nominative/singular forms, lowercased, ё as е."""
    text = squeeze(_normalise(query).replace("/", " ")).lstrip("#")
    if not text:
        return []
    forms = [text]
    words = text.split()
    stripped = [strip_case_ending(w, nouns=True) or [w] for w in words]
    forms.append(" ".join(options[0] for options in stripped))
    if len(words) == 1:
        forms.extend(stripped[0])
    if re.fullmatch(r"[a-z0-9' -]+", text):  # English plural/possessive: "tariff" for "tariffs"
        for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("'s", "")):
            if text.endswith(suffix):
                forms.append(text[: -len(suffix)] + repl)
        forms.extend((text + "s", text + "es"))
    return list(dict.fromkeys(forms))


@dataclass(frozen=True, slots=True)
class _Lookup:
    exact: dict[str, int]
    keys: dict[str, tuple[int, ...]]
    lemma_exact: dict[str, int]
    lemma_keys: dict[str, tuple[int, ...]]


def _unique(pairs: Iterable[tuple[str, int]]) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for key, i in pairs:
        if key and i not in out.setdefault(key, []):
            out[key].append(i)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _lookup(topics: tuple[Topic, ...]) -> _Lookup:
    exact: dict[str, int] = {}
    for i, t in enumerate(topics):
        exact.setdefault(t.name, i)
        exact.setdefault(t.label_en, i)
        exact.setdefault(en_fold(t.label_en), i)
    # Synonyms after every label, so a label always wins over another topic's synonym.
    for i, t in enumerate(topics):
        for synonym in t.synonyms_en:
            exact.setdefault(en_fold(synonym), i)
    # A lemma may signal several topics: it resolves to the topic that lists it earliest (its "own"
    # word, e.g. "санкция" is first for санкции), ties broken by file order.
    ranked = sorted(
        ((pos, i, lemma) for i, t in enumerate(topics) for pos, lemma in enumerate(t.lemmas)),
    )
    lemma_exact: dict[str, int] = {}
    for _, i, lemma in ranked:
        lemma_exact.setdefault(lemma, i)
    return _Lookup(
        exact=exact,
        keys=_unique((search_key(text), i) for i, t in enumerate(topics) for text in (t.name, t.label_en)),
        lemma_exact=lemma_exact,
        lemma_keys=_unique((search_key(lemma), i) for lemma, i in lemma_exact.items()),
    )


def find_topic(query_key_or_word: str, *, topics: tuple[Topic, ...] | None = None) -> Topic | None:
    """Resolve what a user typed after ``/tags`` to one topic, or None.

    Tries, in order of trust: the exact Russian name or English label, also after cutting a Russian
    case ending or an English plural; a topic's signal lemma ("эмбарго" -> санкции, "ии" -> AI); then
    equal search keys of names/labels and of lemmas (so spelling, ё, transliteration and many
    inflections meet: "санкций" and "санкции" share a key). A key shared by several topics is
    ambiguous and skipped rather than guessed; exact text comes first for that reason ("crime" is
    преступность although its key equals that of "крым").
    """
    table = load_topics() if topics is None else topics
    lookup = _lookup(table)
    forms = _text_forms(query_key_or_word)
    # Keys under 3 letters are too unspecific to trust ("ии" and "iaea" both squeeze to "a").
    keys = list(dict.fromkeys(k for k in (search_key(f) for f in forms) if len(k) >= _MIN_KEY))
    for form in forms:
        for candidate in (form, en_fold(form)):
            if candidate in lookup.exact:
                return table[lookup.exact[candidate]]
    for form in forms:
        if form in lookup.lemma_exact:
            return table[lookup.lemma_exact[form]]
    if sum(ch.isalpha() for ch in query_key_or_word) < _MIN_KEY:
        return None  # two letters meet too much by key ("ab" -> «обсе»); exact words were tried above
    for key in keys:
        if len(found := lookup.keys.get(key, ())) == 1:
            return table[found[0]]
    for key in keys:
        if len(found := lookup.lemma_keys.get(key, ())) == 1:
            return table[found[0]]
    return None


# British and American spellings meet (defence/defense, labour/labor, centre/center, -ise/-ize).
_EN_SPELLING: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"(?<=[a-z])ence$", "ense"),  # defence, offence, licence
    (r"(?<=[a-z]{2})our$", "or"),  # labour, armour (not "four", "hour")
    (r"(?<=[a-z]{2})our(?=ed$|ing$|s$)", "or"),  # armoured, labouring
    (r"(?<=[a-z]{3})is(?=e$|ed$|es$|ing$|ation$|ations$)", "iz"),  # organise, militarisation
    (r"(?<=[a-z]{2})tre$", "ter"),  # centre
    (r"(?<=[a-z]{3})ogue$", "og"),  # dialogue
    (r"ll(?=ed$|ing$)", "l"),  # travelled
))


def _en_word(word: str) -> str:
    for pattern, repl in _EN_SPELLING:
        word = pattern.sub(repl, word)
    return word


def en_fold(text: str) -> str:
    """English text in one spelling: lowercase, hyphens as spaces, British spellings as American."""
    words = re.sub(r"[-_/]+", " ", _normalise(text)).split()
    return " ".join(_en_word(w) for w in words)


def _singular(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ses", "s"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + repl
    return word


@cache
def _word_index(topics: tuple[Topic, ...]) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for i, t in enumerate(topics):
        for phrase in (t.label_en, *t.synonyms_en):
            for word in en_fold(phrase).split():
                if len(word) >= _MIN_KEY and i not in out.setdefault(_singular(word), []):
                    out[_singular(word)].append(i)
    return {k: tuple(v) for k, v in out.items()}


def find_topics(query: str, *, limit: int = 8, topics: tuple[Topic, ...] | None = None) -> list[Topic]:
    """Every topic a ``/tags`` query may mean, best first: the one :func:`find_topic` resolves to, then
    topics whose English label or synonyms contain all the query's English words ("defense" -> air
    defense, defense spending, defense industry). One result means the query is not ambiguous."""
    table = load_topics() if topics is None else topics
    found: list[int] = []
    first = find_topic(query, topics=table)
    words = [_singular(w) for w in en_fold(query).split() if len(w) >= _MIN_KEY]
    if first is not None:
        found.append(table.index(first))
        label_words = {_singular(w) for p in (first.label_en, *first.synonyms_en) for w in en_fold(p).split()}
        # An exact label or synonym ("peace talks", "intelligence") still shows its word-mates, unless the
        # query named a topic in Russian.
        if not words or not re.fullmatch(r"[a-z0-9 '-]+", _normalise(query)) or not set(words) <= label_words:
            return [first]
    if words:
        index = _word_index(table)
        sets = [set(index.get(w, ())) for w in words]
        common = set.intersection(*sets) if sets else set()
        found.extend(i for i in sorted(common) if i not in found)
    return [table[i] for i in found[: max(limit, 0)]]
