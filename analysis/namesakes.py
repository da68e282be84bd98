"""Namesakes: a bare surname that two people of the article share is not resolved to either.

A biography names the father and the son ("Николай Вертинский", "Александр Вертинский"), a report two
brothers or a couple; "Вертинский сказал" then says nothing about which of them spoke, and NER's merge
may have folded both into one actor. Crediting the words to the wrong one is the error an analyst
cannot afford, so a surname-only mention of such a person stays text (the surname, no actor).

Two people share a surname when two person actors have the same surname key, or when the text puts
another given name in front of this actor's surname ("Александра Вертинского" beside the actor
"Николай Вертинский"): NER missing the second person must not make the first one certain.
"""

from __future__ import annotations

from analysis.entities import key
from analysis.state import State


def surname_key(word: str) -> str:
    """The surname without its case or gender ending: "Вертинского", "Вертинская" → "вертинск"."""
    k = key(word)
    return k[:-2] if len(k) > 6 else k


def _given_key(word: str) -> str:
    return key(word)[:4]


def ambiguous_surnames(state: State) -> tuple[set[int], set[int]]:
    """Person actors whose surname alone does not say which person is meant: (shared, merged).

    ``shared``: another person actor has the same surname. ``merged``: the text gives this actor's
    surname another given name NER did not take as a second person, so the actor may be two people
    folded into one, and no reference to it but its full name is certain (a pronoun or "артист" that
    resolves to it included).
    """
    people = [
        (i, a.name.split())
        for i, a in enumerate(state.actors)
        if a.kind == "person" and a.name.split()
    ]
    by_surname: dict[str, set[int]] = {}
    for i, parts in people:
        by_surname.setdefault(surname_key(parts[-1]), set()).add(i)
    shared = {i for group in by_surname.values() if len(group) > 1 for i in group}
    out: set[int] = set()
    full = {i: parts for i, parts in people if len(parts) >= 2}
    if not full:
        return shared, out
    wanted = {surname_key(parts[-1]): i for i, parts in full.items()}
    tokens = state.tokens
    places = {i for m in state.mentions if m.kind != "person" for i in range(m.first, m.stop_token)}
    for n in range(1, len(tokens)):
        tok = tokens[n]
        if not tok.text[:1].isupper() or len(tok.text) < 4:
            continue
        actor = wanted.get(surname_key(tok.text))
        if actor is None or actor in out:
            continue
        prev = tokens[n - 1]
        if prev.sent != tok.sent or prev.pos != "PROPN" or not prev.text[:1].isupper() or len(prev.text) < 3:
            continue
        if prev.feats.get("Animacy") != "Anim" or prev.case != tok.case or n - 1 in places:
            continue  # "в Москве Путин": not a given name in front of the surname
        given = {_given_key(word) for word in full[actor][:-1]}
        if _given_key(prev.text) not in given and surname_key(prev.text) != surname_key(tok.text):
            out.add(actor)
    return shared, out
