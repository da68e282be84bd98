"""Named entities: natasha NER, repaired, then merged into one actor per real-world entity.

Raw natasha output is per mention: "Тиллерсона", "Тиллерсон", "Рекс Тиллерсон" are three strings,
"Лавровым Тиллерсон" one glued person, "Ф. И. О." a person, "Европейский совет" a truncated org.
A reader wants one "Рекс Тиллерсон" with his mention count; search wants aliases. The repairs are
rules over natasha's own morphology, so they cost no extra model pass. This module runs the steps;
the rules live in :mod:`analysis.span_repair` (spans), :mod:`analysis.name_forms` (names back to
the nominative) and :mod:`analysis.merging` (mentions into actors).
"""

from __future__ import annotations

import contextlib
import itertools
import re
from typing import TYPE_CHECKING, Any

from natasha.norm import normalize
from natasha.shape import recover_shape

from analysis.bodies import find_bodies, find_parts
from analysis.merging import merge
from analysis.model import Actor, ActorKind
from analysis.morph import has_grammeme
from analysis.name_forms import (
    feminine_surname,
    indeclinable_surfaces,
    keep_indeclinable,
    keep_surfaces,
    keep_yo,
    key,
    nominative_known_names,
    nominative_surname,
    singular_surname,
    word_tokens,
)
from analysis.span_repair import (
    clean_org_name,
    cyrillic_before,
    drop_leading_noun,
    given_name_before,
    is_junk,
    is_latin,
    junk_person,
    normalize_org,
    org_pieces,
    org_tail,
    person_not_place,
    split_glued,
    token_range,
    trim,
)
from analysis.state import ActorDraft, Mention, State

if TYPE_CHECKING:
    from analysis.models import Models

__all__ = ["MAX_ACTORS", "aliases", "find_mentions", "key", "merge", "rank_actors", "ranked", "to_actor"]

_KINDS: dict[str, ActorKind] = {"PER": "person", "ORG": "organization", "LOC": "location"}

def find_mentions(state: State, models: Models) -> None:
    """Run NER and turn its spans into repaired, normalised mentions."""
    doc = state.doc
    doc.tag_ner(models.ner_tagger)
    tokens = state.tokens
    starts = [t.start for t in tokens]
    spans: list[tuple[ActorKind, int, int]] = []
    for span in doc.spans:
        kind = _KINDS.get(span.type)
        if kind is None:
            continue
        first, last = token_range(starts, tokens, span.start, span.stop)
        spans.append((kind, first, last))
    spans = find_parts(tokens, find_bodies(tokens, _join_patronymics(state, models, spans)))
    taken = {i for _, first, last in spans for i in range(first, last)}
    given = {key(word_tokens(tokens[f:e])[0].text)
             for k, f, e in spans if k == "person" and len(word_tokens(tokens[f:e])) >= 2}
    spans = [(k, given_name_before(tokens, f, taken, given) if k == "person" else f, e) for k, f, e in spans]

    # Surnames seen inside multi-word person spans tell glued pairs apart from first+last names.
    surnames: set[str] = set()
    for kind, first, last in spans:
        words = word_tokens(tokens[first:last])
        if kind == "person" and len(words) >= 2 and not any(t.case != words[0].case for t in words):
            surnames.add(words[-1].lemma)
        elif kind == "person" and len(words) == 1:
            surnames.add(words[0].lemma)

    fixed = indeclinable_surfaces([tokens[f:e] for k, f, e in spans if k == "person"], models.morph_vocab)
    mentions: list[Mention] = []
    for kind, first, last in spans:
        span_tokens = trim(tokens[first:last], state.text)
        if not span_tokens:
            continue
        if kind == "person":
            span_tokens = drop_leading_noun(models, state, span_tokens)
        pieces = split_glued(models, span_tokens, surnames) if kind == "person" else org_pieces(span_tokens)
        for piece in pieces:
            piece = trim(piece, state.text)
            if not piece:
                continue
            if (
                mentions
                and is_latin(piece)
                and mentions[-1].stop <= piece[0].start
                and cyrillic_before(state.text, mentions[-1], piece[0].start)
            ):
                # "Андрес Восман (Andres Vosman)": the original spelling is an alias, not a second person.
                mentions[-1].alias = state.text[piece[0].start : piece[-1].stop]
                continue
            p_first = first + next(i for i, t in enumerate(tokens[first:last]) if t is piece[0])
            p_stop = p_first + len(piece)
            if kind == "location" and piece[0].text.islower():
                name = normalize_org(piece, models.morph_vocab)  # "востоке Украины" -> "восток Украины"
            elif kind == "organization":
                name = clean_org_name(normalize_org(piece, models.morph_vocab))
                tail_stop = org_tail(state, p_stop, taken, models.morph_vocab)
                if tail_stop > p_stop:
                    name += " " + state.text[tokens[p_stop].start : tokens[tail_stop - 1].stop]
                    p_stop = tail_stop
            else:
                name = str(normalize(models.morph_vocab, piece))
                if len(piece) == 1 and piece[0].case not in (None, "Nom") and key(name) == key(piece[0].text):
                    # natasha could not inflect a rare name ("Обамы"); the contextual lemma usually can.
                    name = str(recover_shape(piece[0].lemma, piece[0].text))
                name = feminine_surname(keep_indeclinable(nominative_surname(name, piece), piece), piece)
                if kind == "person":
                    name = nominative_known_names(name, piece, models.morph_vocab)
                name = keep_yo(keep_surfaces(name, piece, fixed), piece)
            name = re.sub(r"\s+", " ", name).strip()
            if kind == "person":
                name = re.sub(r"^([A-ZА-ЯЁ])\.(?=[A-ZА-ЯЁ][a-zа-яё])", r"\1. ", name)  # "Н.Прянишников"
            if is_junk(kind, piece, name) or (kind == "person" and junk_person(models.morph_vocab, piece)):
                continue
            start, stop = tokens[p_first].start, tokens[p_stop - 1].stop
            back = p_first - 1
            if back > 0 and tokens[back].text == ".":
                back -= 1  # "пр. Вернадского"
            before = tokens[back] if back >= 0 else None
            if kind == "location" and person_not_place(models.morph_vocab, piece, name, before):
                kind_here: ActorKind = "person"
            else:
                kind_here = kind
            mention = Mention(kind_here, name, start, stop, p_first, p_stop, piece[0].sent)
            mention.nominative = all(t.case in (None, "Nom") for t in word_tokens(piece))
            mentions.append(mention)
    state.mentions = _shared_surnames(mentions, state, models)


def _join_patronymics(
    state: State, models: Models, spans: list[tuple[ActorKind, int, int]]
) -> list[tuple[ActorKind, int, int]]:
    """ "Фёдора | Ивановича Шаляпина": NER cuts a given name off the patronymic and surname that follow it.
    A one-word given name right before a person span that opens with a patronymic in the same case is
    one name."""
    from analysis.merging import is_patronymic

    tokens = state.tokens
    out: list[tuple[ActorKind, int, int]] = []
    for span in spans:
        kind, first, last = span
        if out and kind == "person" and out[-1][0] == "person":
            _, p_first, p_last = out[-1]
            given, patr = tokens[p_last - 1], tokens[first]
            if (p_last == first and p_last - p_first == 1 and state.text[given.stop : patr.start] == " "
                    and is_patronymic(patr.text) and given.case == patr.case
                    and has_grammeme(models.morph_vocab, given.text, "Name")):
                out[-1] = ("person", p_first, last)
                continue
        out.append(span)
    return out


def _shared_surnames(mentions: list[Mention], state: State, models: Models) -> list[Mention]:
    """ "Аркадия и Бориса Ротенбергов": NER finds "Аркадия" and "Бориса Ротенбергов", two people
    sharing one plural surname. Each gets the surname in the singular."""
    tokens = state.tokens
    for a, b in itertools.pairwise(mentions):
        if a.kind != "person" or b.kind != "person" or len(a.name.split()) != 1 or len(b.name.split()) != 2:
            continue
        if state.text[a.stop : b.start].strip() != "и":
            continue
        last = tokens[b.stop_token - 1]
        plural = last.feats.get("Number") == "Plur" or (
            b.name.endswith(("ы", "и")) and last.text.lower().endswith(("ов", "ев", "ых", "их", "ы", "и", "ам", "ами"))
        )
        if not plural or not has_grammeme(models.morph_vocab, a.name, "Name"):
            continue
        surname = singular_surname(b.name.split()[1])
        a.name = f"{a.name} {surname}"
        b.name = f"{b.name.split()[0]} {surname}"
    return mentions

#: More actors than this in one article are noise for a reader (and for storage).
MAX_ACTORS = 100

def _latin() -> Any:
    try:
        from analysis.keys import latin

        return latin
    except Exception:  # aliases lose their Latin spelling, nothing else
        return lambda text: text

def rank_actors(state: State, models: Models) -> None:
    """Fill state.ranked: the article's actors by salience, its own outlets left out."""
    latin = _latin()
    state.ranked = [to_actor(state.actors[i], latin) for i in ranked(state, exclude=state.outlets)][:MAX_ACTORS]

def ranked(state: State, *, exclude: set[str]) -> list[int]:
    """Actor indexes by salience: mention count, then first appearance."""
    skip = {key(x) for x in exclude}
    order = [i for i, a in enumerate(state.actors) if key(a.name) not in skip]
    return sorted(order, key=lambda i: (-state.actors[i].mentions, state.actors[i].first))

def aliases(actor: ActorDraft, latin: Any) -> tuple[str, ...]:
    """Names a user may type: full name, surname, their Latin spellings, and forms seen in the text."""
    names = [actor.name]
    if actor.kind == "person" and len(actor.name.split()) >= 2:
        names.append(actor.name.split()[-1])
    for name in list(names):
        with contextlib.suppress(Exception):  # a transliteration bug must not cost the whole analysis
            names.append(str(latin(name)))
    names.extend(actor.variants)
    seen: set[str] = set()
    out: list[str] = []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return tuple(out)

def to_actor(actor: ActorDraft, latin: Any) -> Actor:
    return Actor(
        name=actor.name,
        kind=actor.kind,
        mentions=actor.mentions,
        role=actor.role,
        aliases=aliases(actor, latin),
        actions=tuple(actor.actions),
    )
