"""What is reported about an actor, not what it says: sentences where it is the grammatical subject.

"Тиллерсон поддержал идею встречи", "Москва дала сигнал": an analyst reading /who wants these next
to (and apart from) the actor's claims. natasha's syntax parser says which word is the subject
(``nsubj``) of which verb; a mention whose head word is the subject of a finite verb that is not a
speech verb (speech is a claim, found by `analysis.claims`) gives the actor that sentence. Quoted
words are someone's claim, never a report of an action, so they are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.lexicon import SPEECH_VERBS
from analysis.speakers import find_quotes
from analysis.state import State

if TYPE_CHECKING:
    from analysis.models import Models

#: Per actor: a reader wants the gist, not every sentence of a long article.
MAX_ACTIONS = 8
_MAX_WORDS = 60


def find_actions(state: State, models: Models) -> None:
    """Fill ActorDraft.actions with the sentences (in text order) where the actor acts."""
    tokens = state.tokens
    quoted = [False] * len(state.text)
    for qs, qe in find_quotes(state.text):
        quoted[qs:qe] = [True] * (qe - qs)
    seen: dict[int, set[int]] = {}
    for m in state.mentions:
        if m.actor < 0 or m.start < state.body_offset or quoted[m.start]:
            continue
        inside = range(m.first, m.stop_token)
        heads = [i for i in inside if tokens[i].head not in inside]
        if not heads:
            continue
        word = tokens[heads[0]]
        if word.rel in ("appos", "flat:name") and word.head >= 0 and word.head not in inside:
            word = tokens[word.head]  # "Бывший канцлер Клаус Райнер выступил": the title is the subject
        if word.rel not in ("nsubj", "nsubj:pass") or word.head < 0:
            continue
        verb = tokens[word.head]
        finite = verb.pos == "VERB" and verb.feats.get("VerbForm", "Fin") == "Fin"
        if not finite or verb.lemma in SPEECH_VERBS or quoted[verb.start]:
            continue
        sent = state.sents[m.sent]
        text = " ".join(sent.text.split())
        if len(text.split()) > _MAX_WORDS or len(text.split()) < 3:
            continue
        done = seen.setdefault(m.actor, set())
        actor = state.actors[m.actor]
        if m.sent in done or len(actor.actions) >= MAX_ACTIONS:
            continue
        done.add(m.sent)
        actor.actions.append(text)
