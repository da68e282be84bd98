"""Tags: what the article says it is about, what the lexicon says, and who it is about.

Three origins, because they answer different questions: explicit tags are the site's own filing,
topic tags make "/tags sanctions" work across articles that never use a tag line, actor tags let an
article surface under the people it is mostly about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import snowballstemmer  # type: ignore[import-untyped]

from analysis.model import Actor, Tag
from analysis.textnorm import fold

if TYPE_CHECKING:
    from analysis.models import Models
    from analysis.state import State
    from analysis.topics import Topic, TopicHit

_EXPLICIT_SCORE = 10.0
_TOPIC_BASE = 1.0


def _norm(name: str) -> str:
    return fold(name.replace("#", " "), yo=False)  # tag names keep ё as written


def _scored(hits: Sequence[TopicHit]) -> list[Tag]:
    """Squash the lexicon's open-ended score into (1, 2): below explicit tags, above actor tags, order kept."""
    return [
        Tag(_norm(h.name), h.label_en, "topic", round(_TOPIC_BASE + max(0.0, s) / (1.0 + max(0.0, s)), 3))
        for h in hits
        for s in (float(h.score),)
    ]


def _topic_tags(lemmas: Sequence[str]) -> list[Tag]:
    try:
        from analysis.topics import match_topics

        hits = match_topics(lemmas)
    except Exception:  # the topic lexicon is optional data: tags still work without it
        return []
    return _scored(hits)


_EN_TOKEN_RE = re.compile(r"[A-Za-z]+|[.,;:!?()]")
#: English labels longer than this many words are not matched as phrases (the matcher knows word
#: pairs); "detentions and arrests" still matches through its two words.
_MAX_PHRASE_WORDS = 2


@cache
def _english_stemmer() -> Any:
    return snowballstemmer.stemmer("english")


def _stem_en(word: str) -> str:
    return str(_english_stemmer().stemWord(word.lower()))


@cache
def _english_lexicon() -> tuple[Topic, ...]:
    """The topic lexicon seen from English: each topic's signals are the stems of its English label
    ("sanctions" → "sanction"; a label "A and B" gives A and B) and of its English synonyms
    (``synonyms_en``: "restrictive measures", "economic sanctions"; taken whole, since a synonym is
    one phrase), so an English article is tagged with the same Russian topic names as a Russian one.
    Phrases longer than _MAX_PHRASE_WORDS are left out, as for the label."""
    from analysis.topics import Topic, load_topics

    topics: list[Topic] = []
    for topic in load_topics():
        phrases = [p.strip() for p in topic.label_en.split(" and ")] + [p.strip() for p in topic.synonyms_en]
        stems = tuple(dict.fromkeys(
            " ".join(_stem_en(w) for w in p.split()) for p in phrases if 1 <= len(p.split()) <= _MAX_PHRASE_WORDS))
        if stems:
            topics.append(Topic(topic.name, topic.label_en, stems, topic.weight))
    return tuple(topics)


def english_topic_tags(text: str) -> list[Tag]:
    """Topic tags of an English text, scored like the Russian ones (see analysis.topics)."""
    try:
        from analysis.topics import match_topics

        lexicon = _english_lexicon()
        tokens = [tok if not tok.isalpha() else _stem_en(tok) for tok in _EN_TOKEN_RE.findall(text)]
        hits = match_topics(tokens, topics=lexicon)
    except Exception:  # the topic lexicon is optional data: tags still work without it
        return []
    return _scored(hits)


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
    explicit: Sequence[str], lemmas: Sequence[str], actors: Sequence[Actor], *, max_actors: int = 4,
    english: str | None = None,
) -> list[Tag]:
    """Explicit, topic and leading-actor tags, lowercased, deduplicated, best first; ``english``
    is the text of an English article, whose topics come from the lexicon's English labels."""
    tags: list[Tag] = []
    names = [alias for a in actors for alias in (a.name, *a.aliases)]
    for i, name in enumerate(split_runs(explicit, names)):
        tags.append(Tag(_norm(name), None, "explicit", round(_EXPLICIT_SCORE - 0.01 * i, 3)))
    tags.extend(_topic_tags(lemmas))
    if english:
        tags.extend(english_topic_tags(english))
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
