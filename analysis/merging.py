"""Mentions into actors: one actor per real-world entity of the article.

"Тиллерсона", "Тиллерсон", "Рекс Тиллерсон" are one man; "РФ" and "Россия" one country. Full names
are filed first so that a lone surname anywhere finds its owner; places and bodies meet through a
small table of the names news texts call them by.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from analysis.model import ActorKind
from analysis.name_forms import INITIAL_RE, key, nominative_from_surname, similar_surname, sub_run
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
    # Full names first, so that a lone surname anywhere in the text finds its owner.
    for m in sorted(persons, key=lambda m: (-len(m.name.split()), m.start)):
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
        if len(parts) >= 2:
            found = None
            for idx in person_full:
                aparts = actors[idx].name.split()
                if (similar_surname(aparts[-1], parts[-1]) and (
                    key(aparts[0]) == key(parts[0]) or key(aparts[0])[:1] == key(parts[0])[:1]
                )) or (len(aparts) > len(parts) and sub_run(parts, aparts)):
                    found = idx
                    break
            if found is None:
                found = new_actor(m.name, "person", m)
                person_full.append(found)
            attach(found, m, m.name)
            continue
        word = parts[0]
        candidates = [i for i in person_full if similar_surname(actors[i].name.split()[-1], word)]
        if candidates:
            attach(max(candidates, key=lambda i: actors[i].mentions), m, m.name)
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
        if pool:
            actor.name = max(
                pool,
                # A form with the given name beats a particle surname ("фон дер Ляйен").
                key=lambda n: (n[:1].isupper(), not INITIAL_RE.match(n.split()[0]), nominal[idx][n], forms[idx][n],
                               -abs(len(n.split()) - 2),
                               -len(n)),
            )
            actor.name = nominative_from_surname(actor.name, [n for n in nominal[idx] if len(n.split()) == 1])
    state.actors = actors
