"""English names for the actors of an article: the pipeline step that adds them to ``Actor.aliases``.

Two kinds of evidence, nothing else (an alias is a claim that a name means this actor, so it needs a
source):

* **the gazetteer** (``analysis.gazetteer``) for places and organisations: «Великобритания» gets
  ``United Kingdom``, ``UK``, ``Britain``…, because translated names cannot be guessed from spelling;
* **the text** for anyone: a Latin form in parentheses right after a Russian name
  (``Пекка Вильякайнен (Pekka Viljakainen)``, ``Атлантический совет (Atlantic Council)``). For a
  person the Latin surname must be a spelling the Russian one transcribes
  (:func:`analysis.transcription.same_word`), so ``Тереза Мэй (BBC)`` gives Theresa May nothing.

The Latin transliteration (``Tereza Mey``) stays among the aliases for search; English forms come
first so a reader sees them first.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from analysis.gazetteer import english_names as gazetteer_names
from analysis.model import Actor
from analysis.names import Level, score

if TYPE_CHECKING:
    from analysis.models import Models
    from analysis.state import State

__all__ = ["add_english_aliases", "english_names", "latin_only"]

_PAREN_LATIN = re.compile(r"\(\s*([A-Z][A-Za-z\u00c0-\u024f'’.\-]*(?:\s+[A-Za-z\u00c0-\u024f'’.\-&]+){0,5})\s*[,;)]")
_WINDOW = 80
_MAX_PARENS = 200


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _parens(text: str) -> list[tuple[str, str]]:
    """Each Latin form in parentheses with the folded text just before it (at most _MAX_PARENS)."""
    out: list[tuple[str, str]] = []
    for m in _PAREN_LATIN.finditer(text):
        latin = " ".join(m.group(1).split()).strip(".")
        out.append((latin, _fold(text[max(0, m.start() - _WINDOW): m.start()]).rstrip(" ,")))
        if len(out) >= _MAX_PARENS:
            break
    return out


def _latin_forms(actor: Actor, parens: list[tuple[str, str]]) -> list[str]:
    forms = [_fold(f) for f in (actor.name, *actor.aliases) if re.search(r"[\u0400-\u04ff]", f)]
    found: list[str] = []
    for latin, before in parens:
        if not any(before.endswith(f) for f in forms if f):
            continue
        # For a person the Latin name must transcribe the Russian one, at least by its surname.
        if actor.kind == "person" and not any(
            score(latin, f, person=True) >= Level.SURNAME or score(f, latin, person=True) >= Level.SURNAME
            for f in (actor.name, *actor.aliases)
        ):
            continue
        if latin not in found:
            found.append(latin)
    return found


def add_english_aliases(actors: list[Actor], text: str) -> list[Actor]:
    """The actors with their English names (from the gazetteer and from the text) first among aliases."""
    out: list[Actor] = []
    parens = _parens(text) if "(" in text else []
    for actor in actors:
        english = [*(_latin_forms(actor, parens)), *gazetteer_names(actor.name, actor.kind)]
        if not english:
            name_en, attested = _unattested_form(actor)
            out.append(dataclasses.replace(actor, name_en=name_en, name_en_attested=attested)
                       if name_en else actor)
            continue
        aliases = list(dict.fromkeys([*english, *actor.aliases]))
        if actor.name in aliases:
            aliases.remove(actor.name)
            aliases.insert(0, actor.name)
        out.append(dataclasses.replace(actor, aliases=tuple(aliases), name_en=english[0], name_en_attested=True))
    return out


def latin_only(name: str) -> bool:
    """A name written in Latin letters only, accents allowed ("Sergey Lavrov", "António Guterres")."""
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)


def _unattested_form(actor: Actor) -> tuple[str | None, bool]:
    """The English form when neither a checked text form nor the gazetteer gives one: a whole Latin
    name the text itself wrote for this actor (one of its variants, so attested), else the
    transcription of the Russian name (not attested: a later filing may bring a better one)."""
    if latin_only(actor.name):
        return None, False
    words = len(actor.name.split())
    whole = [a for a in actor.aliases if latin_only(a) and len(a.split()) == words]
    if not whole:
        return None, False
    transcribed = _transcriptions(actor)
    given = [a for a in whole if a not in transcribed]
    return (given[0], True) if given else (whole[0], False)


def _transcriptions(actor: Actor) -> set[str]:
    try:
        from analysis.keys import latin
    except Exception:  # pragma: no cover - the transliteration library is a dependency
        return set()
    return {latin(a) for a in (actor.name, *actor.aliases) if not latin_only(a)}


def english_names(state: State, models: Models) -> None:
    """Pipeline step: the ranked actors get their English names (see the module docstring)."""
    state.ranked = add_english_aliases(state.ranked, state.text)
