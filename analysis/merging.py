"""Mentions into actors: one actor per real-world entity of the article.

"Тиллерсона", "Тиллерсон", "Рекс Тиллерсон" are one man; "РФ" and "Россия" one country. Full names
are filed first so that a lone surname anywhere finds its owner; places and bodies meet through a
small table of the names news texts call them by.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from analysis.model import ActorKind
from analysis.morph import has_grammeme
from analysis.name_forms import INITIAL_RE, feminine_form, key, nominative_from_surname, similar_surname, sub_run
from analysis.state import ActorDraft, Mention, State

if TYPE_CHECKING:
    from analysis.models import Models

#: Canonical names for the places and bodies that news texts call many ways.
ALIASES: dict[str, tuple[str, ActorKind]] = {}

def _alias(canonical: str, kind: ActorKind, *variants: str) -> None:
    for v in (canonical, *variants):
        ALIASES[key(v)] = (canonical, kind)

for _canon, _kind, _vars in (
    ("Россия", "location", ("РФ", "Российская Федерация", "Russia")),
    ("США", "location", ("Штаты", "Соединенные Штаты", "Соединенные Штаты Америки", "Америка", "USA", "US")),
    ("Евросоюз", "organization", ("ЕС", "Европейский союз", "Евросоюза", "EU")),
    ("Великобритания", "location", ("Британия", "Соединенное Королевство", "UK")),
    ("ООН", "organization", ("Организация Объединенных Наций",)),
    ("НАТО", "organization", ("Североатлантический альянс", "NATO")),
    ("Китай", "location", ("КНР", "Китайская Народная Республика")),
    ("Германия", "location", ("ФРГ",)),
    ("Украина", "location", ()),
    ("КНДР", "location", ("Северная Корея",)),
    ("Госдепартамент США", "organization", ("Госдеп", "Госдепартамент", "Государственный департамент")),
    ("Минобороны", "organization", ("Министерство обороны",)),
    ("МИД", "organization", ("Министерство иностранных дел",)),
    ("Генассамблея ООН", "organization", ("Генассамблея", "Генеральная Ассамблея ООН")),
    ("Совбез ООН", "organization", ("Совет Безопасности ООН", "СБ ООН")),
    ("ЦРУ", "organization", ()),
    ("Кремль", "organization", ()),
    ("Белый дом", "organization", ()),
    ("Конгресс США", "organization", ("Конгресс",)),
):
    _alias(_canon, _kind, *_vars)  # type: ignore[arg-type]

def same_given(a: str, b: str) -> bool:
    """Whether two given names may be one person's: equal, or one is an initial of the other.

    Only an initial stands for any name with its letter ("А. Вертинский" is "Александр Вертинский");
    "Андрей" and "Александр" with one surname are two people (a father and a son, brothers).
    """
    ka, kb = key(a), key(b)
    if ka == kb:
        return True
    if _INITIALS.match(a) or _INITIALS.match(b):
        return ka[:1] == kb[:1]
    return False


_INITIALS = re.compile(r"^(?:[A-ZА-ЯЁ]\.?)+$")
_PATRONYMIC = re.compile(r"(?:(?:ович|евич|ьич)(?:а|у|ем|е)?|(?:овн|евн|ичн)(?:а|ы|е|у|ой))$")


def is_patronymic(word: str) -> bool:
    """ "Николаевич", "Ивановна", "Ивановича": the shape of a Russian patronymic in any case (long enough
    not to be a surname stem)."""
    return len(word) >= 6 and word[:1].isupper() and bool(_PATRONYMIC.search(word.lower()))


def _given_owner(actors: list[ActorDraft], full: list[int], parts: list[str], vocab: Any) -> int | None:
    """The one full-name actor a lone given name ("Остап"), or a given name with a patronymic ("Лев
    Николаевич"), refers to: the only one with that given name (and that patronymic, if both have one).

    A lone word counts only when morphology knows it as a given name; two actors with the name make it
    ambiguous, and it stays its own actor.
    """
    if len(parts) == 1 and not (has_grammeme(vocab, parts[0], "Name") and not has_grammeme(vocab, parts[0], "Surn")):
        return None
    owners = []
    for i in full:
        aparts = actors[i].name.split()
        if len(aparts) < 2 or key(aparts[0]) != key(parts[0]):
            continue
        patronymics = [p for p in aparts[1:-1] if is_patronymic(p)]
        if len(parts) >= 2 and patronymics and key(patronymics[0]) != key(parts[1]):
            continue
        owners.append(i)
    return owners[0] if len(owners) == 1 else None


def _nearest(candidates: list[int], actors: list[ActorDraft], full_sents: dict[int, list[int]], sent: int) -> int:
    """Which of several full-name actors a lone surname means.

    One candidate: that one. Namesakes ("Николай Вертинский" and his son "Александр Вертинский"): the
    one named in full in this sentence or the one before; otherwise the one the article introduced
    first (a biography names its subject before the relatives).
    """
    names = {key(actors[i].name) for i in candidates}
    if len(names) == 1 or len(candidates) == 1:
        return max(candidates, key=lambda i: actors[i].mentions)
    near = [(max(s for s in full_sents.get(i, []) if s <= sent), i) for i in candidates
            if any(sent - 1 <= s <= sent for s in full_sents.get(i, []))]
    if near:
        return max(near)[1]
    return min(candidates, key=lambda i: actors[i].first)


def merge(state: State, models: Models) -> None:
    """Group mentions into actors: full names absorb surnames; aliases unify places and bodies."""
    actors: list[ActorDraft] = []
    by_key: dict[str, int] = {}
    person_full: list[int] = []
    forms: dict[int, Counter[str]] = {}
    nominal: dict[int, Counter[str]] = {}

    def new_actor(name: str, kind: ActorKind, m: Mention) -> int:
        actors.append(ActorDraft(name=name, kind=kind, first=m.start))
        forms[len(actors) - 1] = Counter()
        nominal[len(actors) - 1] = Counter()
        return len(actors) - 1

    def attach(index: int, m: Mention, form: str) -> None:
        if m.nominative:
            # A form seen in the nominative is trusted over one natasha had to inflect back.
            nominal[index][form] += 1
        a = actors[index]
        a.mentions += 1
        a.first = min(a.first, m.start)
        if form not in a.variants:
            a.variants.append(form)
        forms[index][form] += 1
        m.actor = index

    persons = [m for m in state.mentions if m.kind == "person"]
    vocab = models.morph_vocab
    #: Sentences where each full-name actor is named in full: a lone surname shared by namesakes
    #: goes to the one named nearest before it.
    full_sents: dict[int, list[int]] = {}
    # Full names first, so that a lone surname anywhere in the text finds its owner; a given name with a
    # patronymic ("Лев Николаевич") after them, since it joins the one full name it can be.
    ordered = sorted(persons, key=lambda m: (-len(m.name.split()), m.start))
    given_refs = [m for m in ordered if 2 <= len(m.name.split()) <= 3 and is_patronymic(m.name.split()[-1])]
    refs = set(map(id, given_refs))
    multi = [m for m in ordered if id(m) not in refs and len(m.name.split()) >= 2]
    for m in multi + given_refs + [m for m in ordered if len(m.name.split()) == 1]:
        parts = m.name.split()
        if len(parts) >= 2 and parts[0][:1].islower():
            # A surname with a particle ("фон дер Ляйен", "де Мистура"): joins the full name that
            # ends with it, like a bare surname does.
            tail = [key(p) for p in parts]
            owners = [i for i in person_full if len(actors[i].name.split()) > len(parts)
                      and [key(p) for p in actors[i].name.split()[-len(parts):-1]] == tail[:-1]
                      and similar_surname(actors[i].name.split()[-1], parts[-1])]
            if owners:
                attach(max(owners, key=lambda i: actors[i].mentions), m, m.name)
                continue
        if id(m) in refs:
            owner = _given_owner(actors, person_full, parts, vocab)
            if owner is not None:
                attach(owner, m, m.name)
                continue
        if len(parts) >= 2:
            found = None
            for idx in person_full:
                aparts = actors[idx].name.split()
                if (similar_surname(aparts[-1], parts[-1]) and same_given(aparts[0], parts[0])) or (
                    len(aparts) > len(parts) and sub_run(parts, aparts)
                ):
                    found = idx
                    break
            if found is None:
                found = new_actor(m.name, "person", m)
                person_full.append(found)
            attach(found, m, m.name)
            full_sents.setdefault(found, []).append(m.sent)
            continue
        word = parts[0]
        exact = [i for i in person_full if key(actors[i].name.split()[-1]) == key(word)]
        owner = _given_owner(actors, person_full, [word], vocab) if not exact else None
        if owner is not None:
            attach(owner, m, m.name)
            continue
        candidates = exact or [i for i in person_full if similar_surname(actors[i].name.split()[-1], word)]
        if candidates:
            attach(_nearest(candidates, actors, full_sents, m.sent), m, m.name)
            continue
        slot = "per:" + key(word)
        found_idx = by_key.get(slot)
        if found_idx is None:
            found_idx = next(
                (i for k, i in by_key.items() if k.startswith("per:") and similar_surname(k[4:], word)), None
            )
        if found_idx is None:
            found_idx = new_actor(word, "person", m)
            by_key[slot] = found_idx
        attach(found_idx, m, m.name)

    for m in state.mentions:
        if m.kind == "person":
            continue
        canonical, kind = ALIASES.get(key(m.name), (m.name, m.kind))
        slot = "nam:" + key(canonical)
        place = by_key.get(slot)
        if place is None:
            place = new_actor(canonical, kind, m)
            by_key[slot] = place
        attach(place, m, m.name)

    for m in state.mentions:
        if m.alias and m.actor >= 0 and m.alias not in actors[m.actor].variants:
            actors[m.actor].variants.append(m.alias)

    # Name a person by its most trusted full form: seen in the nominative, then frequent, then the
    # plain "first last" shape ("Владимир Путин" over "Владимир Владимирович Путин").
    for idx, actor in enumerate(actors):
        if actor.kind != "person":
            continue
        width = max(len(n.split()) for n in forms[idx]) if forms[idx] else 1
        pool = [n for n in forms[idx] if (len(n.split()) >= 2) == (width >= 2)]
        if width == 1:
            # "Бетховена" beside "Бетховен": a one-word form that is another plus a case ending is that
            # other one declined (the tagger called it nominative by mistake).
            pool = [n for n in pool if not any(n != o and n.startswith(o) and n[len(o):] in ("а", "у", "ом", "е")
                                               for o in pool)] or pool
        if pool:
            actor.name = max(
                pool,
                # A form with the given name beats a particle surname ("фон дер Ляйен").
                key=lambda n: (n[:1].isupper(), not is_patronymic(n.split()[-1]), not INITIAL_RE.match(n.split()[0]),
                               nominal[idx][n], forms[idx][n],
                               -abs(len(n.split()) - 2),
                               -len(n)),
            )
            actor.name = nominative_from_surname(actor.name, [n for n in nominal[idx] if len(n.split()) == 1])
            actor.name = _given_from_nominative(actor.name, [n for n in nominal[idx] if is_patronymic(n.split()[-1])])
    state.actors = actors


def _given_from_nominative(name: str, given_refs: list[str]) -> str:
    """ "Клавдий Ивановну Петухов" (natasha misread an accusative) with "Клавдия Ивановна" in the
    nominative elsewhere in the article: the given name and patronymic as the article writes them, and
    a Russian-style surname in the feminine when the patronymic is a woman's (-овна, -евна, -ична)."""
    parts = name.split()
    if len(parts) < 2 or not given_refs:
        return name
    ref = given_refs[0].split()
    if key(ref[0])[:4] != key(parts[0])[:4] or len(ref) != 2:
        return name
    surname = parts[-1]
    if ref[1].lower().endswith(("вна", "чна")):
        # The masculine base of an oblique feminine form ("Петухову" -> "Петухов", "Вертинской" ->
        # "Вертинский"), then its feminine nominative.
        base = re.sub(r"(?<=ск|цк)(?:ую|ой|ая)$", "ий", re.sub(r"(?<=[оеёиы]в|[иы]н)(?:у|ой|а)$", "", surname))
        surname = feminine_form(base)
    middle = [ref[1]] if len(parts) == 3 else []
    return " ".join([ref[0], *middle, surname])
