"""Name look-up over a library's actors, in memory: find candidates by key, score them, decide.

The service layer builds a :class:`NameIndex` from the stored aliases (once per library generation) and
asks it; tests and ``eval/`` build one from plain rows. Keeping the whole decision here, pure, means the
bot, the subscription matcher and the measurements all answer the same way.

Candidates come from four places, cheapest first: equal search keys of the whole query, equal keys of a
single query word (so ``Alexander Lukashenko`` reaches «Лукашенко» and ``May`` reaches «Тереза Мэй»),
the gazetteer's names for the place or body the query names, and, only when none of these gave a real
match, spelling similarity for typos and "did you mean". :mod:`analysis.names` then scores every
candidate and :func:`analysis.names.decide` answers.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from analysis.gazetteer import fold
from analysis.gazetteer import lookup as gazetteer_lookup
from analysis.keys import query_variants, search_key
from analysis.names import SUGGEST_FLOOR, Candidate, Decision, Level, decide, name_words, score, similarity

__all__ = ["IndexedActor", "NameIndex"]

#: A query word shared by more actors than this is not a useful way in (a common given name).
_MAX_WORD_FANOUT = 400
_MIN_WORD_KEY = 2
_FUZZY_LIMIT = 12
_MAX_CANDIDATES = 600
#: A query key this long may be the beginning of longer names ("евро" -> «Евросоюз»): they are offered.
_MIN_PREFIX = 4
_MAX_PREFIX_KEYS = 40


@dataclass(frozen=True, slots=True)
class IndexedActor:
    """What the index needs of an actor: id, kind, canonical name, every alias, mention count."""

    actor_id: int
    kind: str
    name: str
    aliases: tuple[str, ...]
    mentions: int = 0

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *(a for a in self.aliases if a != self.name))


class NameIndex:
    """Candidates by key for every actor of a library, and the decision over them."""

    def __init__(self, actors: Iterable[IndexedActor]) -> None:
        self.actors: dict[int, IndexedActor] = {}
        self._by_key: dict[str, set[int]] = {}
        self._by_word: dict[str, set[int]] = {}
        self._by_len: dict[int, list[str]] = {}
        self._sorted: list[str] | None = None
        for actor in actors:
            self.add(actor)

    def add(self, actor: IndexedActor) -> None:
        self.actors[actor.actor_id] = actor
        for form in actor.forms:
            key = search_key(form)
            if not key:
                continue
            if key not in self._by_key:
                self._by_len.setdefault(len(key), []).append(key)
                self._sorted = None
            self._by_key.setdefault(key, set()).add(actor.actor_id)
            for word in key.split():
                if len(word) >= _MIN_WORD_KEY:
                    self._by_word.setdefault(word, set()).add(actor.actor_id)

    def __len__(self) -> int:
        return len(self.actors)

    # -- candidates --------------------------------------------------------------------------

    def _fuzzy_keys(self, key: str, cutoff: float) -> list[str]:
        from rapidfuzz import fuzz, process

        size = len(key)
        choices: list[str] = []
        for n, group in self._by_len.items():
            if 200.0 * min(size, n) / (size + n) >= cutoff - 1e-9:
                choices.extend(group)
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=_FUZZY_LIMIT)
        return [choice for choice, _, _ in found]

    def _prefixed(self, key: str) -> set[int]:
        """Actors with a key that starts with ``key`` (a binary search in the sorted keys)."""
        if self._sorted is None:
            self._sorted = sorted(self._by_key)
        ids: set[int] = set()
        start = bisect.bisect_left(self._sorted, key)
        for found in self._sorted[start:start + _MAX_PREFIX_KEYS]:
            if not found.startswith(key):
                break
            if found != key:
                ids |= self._by_key[found]
        return ids

    def _gather(self, keys: Sequence[str], query: str) -> set[int]:
        ids: set[int] = set()
        for key in keys:
            ids |= self._by_key.get(key, set())
        # Single words of the query: the surname of a full-name query, or a one-word query inside names.
        words = {w for w in search_key(query).split() if len(w) >= _MIN_WORD_KEY}
        # A mute initial h (Hollande/Олланд, Hernandez/Эрнандес) is not in the Russian key.
        words |= {w[1:] for w in words if w.startswith("h") and len(w) > _MIN_WORD_KEY}
        for key in [k for k in keys if k.startswith("h")]:
            ids |= self._by_key.get(key[1:], set())
        for word in words:
            hits = self._by_word.get(word, set())
            if len(hits) <= _MAX_WORD_FANOUT:
                ids |= hits
        return ids

    # -- decision ----------------------------------------------------------------------------

    def candidates(self, query: str, texts: Sequence[str], ids: Iterable[int],
                   place_names: dict[str, str] | None = None, prefix: str = "") -> list[Candidate]:
        """Score each actor: best level over (query forms x actor forms), best similarity."""
        out: list[Candidate] = []
        for actor_id in list(ids)[:_MAX_CANDIDATES]:
            actor = self.actors.get(actor_id)
            if actor is None:
                continue
            person = actor.kind == "person"
            level = Level.NONE
            best_sim = 0.0
            on_name = False
            place = None
            for form in actor.forms:
                if place_names and not person and fold(form) in place_names:
                    level = Level.FULL
                    place = place_names[fold(form)]
                if prefix and level < Level.PREFIX and search_key(form).startswith(prefix) \
                        and search_key(form) != prefix:
                    level = Level.PREFIX
                for text in texts:
                    form_level = score(text, form, person=person)
                    if (person and form_level == Level.FULL and len(name_words(form)) == 1
                            and len(name_words(actor.name)) > 1):
                        form_level = Level.SURNAME  # the surname alias of a full name
                    if form == actor.name and form_level == Level.FULL:
                        on_name = True
                    level = max(level, form_level)
                best_sim = max(best_sim, similarity(query, form))
            if place_names and level > Level.GIVEN and not (not person and any(
                    fold(f) in place_names for f in actor.forms)):
                # The query names a place or body the gazetteer knows: another actor that merely
                # transcribes like it (Oman/«Амман», Spain/«Шпан») can be offered, never answered.
                level = Level.GIVEN
            if level == Level.FULL:
                best_sim = 100.0
            out.append(Candidate(actor_id, actor.kind, level, best_sim, actor.mentions, on_name, place))
        return out

    def resolve(self, query: str, lemmatize: Callable[[str], str] | None = None) -> Decision:
        """What ``/who query`` answers over this library (see :func:`analysis.names.decide`)."""
        keys = [k for k in query_variants(query, lemmatize) if k]
        if not keys:
            return Decision("none")
        texts = _query_texts(query, lemmatize)
        places = gazetteer_lookup(query, texts[1:])
        expected: frozenset[str] | None = None
        place_names: dict[str, str] = {}
        ids = self._gather(keys, query)
        if places:
            expected = frozenset({"location", "organization"})
            place_names = {fold(n): p.en for p in places for n in p.names}
            for place in places:
                for name in place.names:
                    ids |= self._by_key.get(search_key(name), set())
        scored = self.candidates(query, texts, ids, place_names)
        words = len([w for w in name_words(query) if len(w.strip(".")) > 1])
        decision = decide(scored, query_words=words, expected_kinds=expected)
        if decision.kind == "exact":
            return decision
        # The query as the beginning of longer names: candidates, never an answer by itself.
        prefix = keys[0] if len(keys[0]) >= _MIN_PREFIX and " " not in keys[0] else ""
        prefixed = self._prefixed(prefix) - ids if prefix else set()
        if prefixed:
            ids = ids | prefixed
            scored = self.candidates(query, texts, ids, place_names, prefix)
            decision = decide(scored, query_words=words, expected_kinds=expected)
        if decision.kind != "none" or decision.suggestions:
            return decision
        # Nothing met: typos and "did you mean", by spelling similarity of keys.
        fuzzy_ids: set[int] = set()
        for key in keys[:3]:
            for found in self._fuzzy_keys(key, SUGGEST_FLOOR - 10):
                fuzzy_ids |= self._by_key.get(found, set())
        if not fuzzy_ids - ids:
            return decision
        scored = self.candidates(query, texts, fuzzy_ids | ids, place_names)
        return decide(scored, query_words=words, expected_kinds=expected)


def _query_texts(query: str, lemmatize: Callable[[str], str] | None) -> list[str]:
    """The query as typed, then with every Russian word in its dictionary form (Лаврова -> Лавров)."""
    texts = [" ".join(query.split())]
    if lemmatize is not None:
        lemmas = " ".join(_keep_case(w, lemmatize(w)) for w in query.split())
        if lemmas not in texts:
            texts.append(lemmas)
    else:
        from analysis.keys import strip_case_ending

        words = query.split()
        options = [strip_case_ending(w) or [w] for w in words]
        alt = " ".join(o[0] for o in options)
        if alt not in texts:
            texts.append(alt)
        if len(words) == 1:
            texts.extend(o for o in options[0] if o not in texts)
    return texts


def _keep_case(word: str, lemma: str) -> str:
    return lemma[:1].upper() + lemma[1:] if word[:1].isupper() else lemma
