"""Tags: what the article says it is about, what the lexicon says, and who it is about.

Three origins, because they answer different questions: explicit tags are the site's own filing,
topic tags make "/tags sanctions" work across articles that never use a tag line, actor tags let an
article surface under the people it is mostly about.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analysis.model import Actor, Tag
from analysis.textnorm import fold

if TYPE_CHECKING:
    from analysis.models import Models
    from analysis.state import State

_EXPLICIT_SCORE = 10.0
_TOPIC_BASE = 1.0


def _norm(name: str) -> str:
    return fold(name.replace("#", " "), yo=False)  # tag names keep ё as written


def _topic_tags(lemmas: Sequence[str]) -> list[Tag]:
    try:
        from analysis.topics import match_topics

        hits = match_topics(lemmas)
    except Exception:  # the topic lexicon is optional data: tags still work without it
        return []
    # Squash the lexicon's open-ended score into (1, 2): below explicit tags, above actor tags, order kept.
    return [
        Tag(_norm(h.name), h.label_en, "topic", round(_TOPIC_BASE + max(0.0, s) / (1.0 + max(0.0, s)), 3))
        for h in hits
        for s in (float(h.score),)
    ]


def split_runs(explicit: Sequence[str], names: Sequence[str]) -> list[str]:
    """Cut space-joined capitalised runs ("Германия Польша Клаус Вебер") along known actor names.

    Longest known name first, from the left; a word no name covers becomes its own tag, except in a
    two-word run that matches nothing, which is most likely one name ("Рекс Тиллерсон").
    """
    known = {_norm(n) for n in names}
    out: list[str] = []
    for tag in explicit:
        words = tag.split()
        if len(words) < 2 or not all(w[:1].isupper() for w in words) or _norm(tag) in known:
            out.append(tag)
            continue
        pieces: list[str] = []
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                if _norm(" ".join(words[i:j])) in known:
                    pieces.append(" ".join(words[i:j]))
                    i = j
                    break
            else:
                pieces.append(words[i])
                i += 1
        if len(words) == 2 and len(pieces) == 2 and not any(_norm(p) in known for p in pieces):
            pieces = [tag]
        out.extend(pieces)
    return out


def make_tags(
    explicit: Sequence[str], lemmas: Sequence[str], actors: Sequence[Actor], *, max_actors: int = 4
) -> list[Tag]:
    """Explicit, topic and leading-actor tags, lowercased, deduplicated, best first."""
    tags: list[Tag] = []
    names = [alias for a in actors for alias in (a.name, *a.aliases)]
    for i, name in enumerate(split_runs(explicit, names)):
        tags.append(Tag(_norm(name), None, "explicit", round(_EXPLICIT_SCORE - 0.01 * i, 3)))
    tags.extend(_topic_tags(lemmas))
    if actors:
        top = max(a.mentions for a in actors)
        leading = [a for a in actors[:max_actors] if a.mentions >= 2][:max_actors]
        if len(leading) < 2:
            leading = list(actors[:2])
        for a in leading:
            tags.append(Tag(_norm(a.name), None, "actor", round(0.99 * a.mentions / top, 3)))
    best: dict[str, Tag] = {}
    for tag in tags:
        if not tag.name or len(tag.name) > 60:
            continue
        old = best.get(tag.name)
        if old is None:
            best[tag.name] = tag
        else:
            # Keep the first origin (explicit beats topic beats actor) but the richer label and score.
            best[tag.name] = Tag(old.name, old.label_en or tag.label_en, old.origin, max(old.score, tag.score))
    return sorted(best.values(), key=lambda t: -t.score)


def tag(state: State, models: Models) -> None:
    """Fill state.tags from the page's tag lines, the topic lexicon over the lemmas, and the top actors."""
    lemmas = [t.lemma for t in state.tokens if t.pos != "PUNCT"]
    state.tags = make_tags(state.cleaned.explicit_tags, lemmas, state.ranked)
