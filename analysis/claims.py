"""Who said what: direct quotes and reported speech, with the speaker resolved to an actor.

The patterns are the handful Russian news use over and over: «...», — сообщил X; X: «...»;
«..., — сказал X. — ...»; по словам X, ...; как утверждает X, ...; X заявил, что ...; ..., считает X.
Matching runs over natasha's tokens (speech verbs by lemma, names by the merged mentions), so an
inflected "Роберта Хэммонда" resolves to the actor "Роберт Хэммонд" without another lookup. Unnamed
sources ("анонимный источник из дипломатических кругов") are kept as the text words them, in the
nominative, with no actor: a reader still wants to see them, search must not pretend they are people.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.continuations import ContinuationPasses
from analysis.lexicon import KIN_NOUNS, ROLE_NOUNS
from analysis.model import Claim
from analysis.references import OUTLET_NOUNS
from analysis.speakers import (
    BODY_NOUNS,
    MIN_WORDS,
    OPENERS,
    REPORTED_LEADS,
    Speaker,
    is_speech,
)
from analysis.state import Mention, State
from analysis.turns import read_turns

if TYPE_CHECKING:
    from analysis.models import Models


class _Finder(ContinuationPasses):
    """The passes that find statements: quotes and block quotes (reported speech is `ReportedSpeech`'s,
    unnamed sources `UnnamedSources`', frameless continuations `ContinuationPasses`')."""

    # ------------------------------------------------------------------ quotes

    def quotes_pass(self) -> None:
        text = self.text
        for qs, qe in self.quotes:
            if qs < self.state.body_offset:
                continue
            inner = text[qs + 1 : qe - 1]
            if len(inner.split()) < MIN_WORDS:
                continue
            if self._interrupted(qs, qe):
                continue
            if self._attribution_after(qs, qe, inner):
                continue
            self._attribution_before(qs, qe, inner)

    def _interrupted(self, qs: int, qe: int) -> bool:
        """«Полагаю, в этом есть смысл, — сообщила изданию Стент. — Объект ...»."""
        inner_start = qs + 1
        inner = self.text[inner_start : qe - 1]
        m = re.search(r"([,!?…])\s*(?:[—–]|-(?=\s))\s*([^—–«»„“]{3,150}?)[.,:]\s*(?:[—–]|-(?=\s))\s*", inner)
        if not m:
            return False
        a_start, a_stop = inner_start + m.start(2), inner_start + m.end(2)
        verb = self._speech_verb_any(self._tok_range(a_start, a_stop))
        if verb is None:
            return False
        self.anchor = qs
        spk = self.speaker(a_start, a_stop, verb)
        self.anchor = None
        self.used_verbs.add(verb)
        ended = inner[m.end(2) : m.end(2) + 1]
        joint = ". " if ended == "." and m.group(1) == "," else m.group(1) + " "
        self.add(qs, spk, inner[: m.start(1)] + joint + inner[m.end() :], "quote", verb)
        return True

    def _speech_verb_any(self, rng: range) -> int | None:
        for i in rng:
            tok = self.tokens[i]
            if is_speech(tok):
                return i
        return None

    def _attribution_after(self, qs: int, qe: int, inner: str) -> bool:
        m = re.match(r"[,.!?…]?\s*(?:[—–]|-(?=\s))\s*", self.text[qe : qe + 5])
        # "«...», сказал X" with a comma and no dash only when the quote opens its sentence: a quoted
        # phrase inside a sentence ("направлен на «...», говорит X") is the author's, framed by the
        # sentence's own verb.
        opens = re.search(r"(?:^|[.!?…:]\s|\n)\s*$", self.text[max(0, qs - 3) : qs]) is not None
        bare = None if m or not opens else re.match(r",[ \t]*", self.text[qe : qe + 3])
        found = m or bare
        if found is None:
            return False
        a_start = qe + found.end()
        # A dot inside a domain ("NEWSru.com") and a short quoted title ("РИА «Новости»") do not end
        # the attribution.
        stop_m = re.search(
            r"\.(?![A-Za-zА-Яа-яЁё0-9])|[!?:;\n]|«(?![^«»\n]{1,40}»)|\s[—–-]\s", self.text[a_start : a_start + 300]
        )
        a_stop = a_start + (stop_m.start() if stop_m else min(300, len(self.text) - a_start))
        rng = self._tok_range(a_start, a_stop)
        verb = self._speech_verb(rng)
        if verb is None:
            return False
        # "«...», сказал X" with a comma and no dash: the frame must open with its verb, so a quoted
        # name or title followed by a clause ("«Известия», которые ...") is not read as a quote.
        if bare and (not rng or verb not in rng[:2]):
            return False
        self.used_verbs.add(verb)
        self.anchor = qs  # a role noun after a long quote refers back from where the quote began
        spk = self.speaker(a_start, a_stop, verb)
        self.anchor = None
        self.add(qs, spk, inner, "quote", verb)
        return True

    def _attribution_before(self, qs: int, qe: int, inner: str) -> bool:
        before = self.text[max(0, qs - 300) : qs]
        colon = re.search(r":\s*$", before)
        if not colon:
            return False
        region_stop = qs - (len(before) - colon.start())
        # A short quoted title ("продюсер «Ледокола», заявил:", "«Ведомости» распространили:") does not
        # end the frame: only a longer quote does. A verbless frame spans the title only when a name in
        # the nominative (its subject) is there, not "выступление на заседании клуба «...»:".
        masked = re.sub(r"«[^«»\n]{1,40}»", lambda t: " " * len(t.group()), before)
        for lead in (masked, before):
            cut = max(lead.rfind(ch, 0, colon.start()) for ch in ".!?»\n")
            region_start = qs - len(before) + cut + 1
            rng = self._tok_range(region_start, region_stop)
            verb = self._speech_verb(rng)
            if verb is not None or any(self._subject_name(m) for m in self._mentions_in(region_start, region_stop)):
                break
        if verb is not None:
            self.used_verbs.add(verb)
        spk = self.speaker(region_start, region_stop, verb)
        if spk is None or (verb is None and spk[1] is None):
            return False
        self.add(qs, spk, inner, "quote", verb)
        return True

    def _subject_name(self, m: Mention) -> bool:
        """A name in the nominative that hangs on no noun or preposition before it ("«Ведомости»
        распространили"), unlike the genitive title of "на форуме клуба «...»"."""
        if self.tokens[m.first].case != "Nom":
            return False
        k = m.first - 1
        while k >= 0 and self.tokens[k].text in ("«", '"', "„", "“"):
            k -= 1
        return k < 0 or self.tokens[k].pos not in ("NOUN", "ADP", "ADJ", "PROPN")

    def block_quotes_pass(self) -> None:
        """A paragraph ending in "X сказал:" quotes the next paragraph, with or without quote marks."""
        text = self.text
        for m in re.finditer(r"[^\n]*:[ \t]*\n+(?P<next>[^\n]+)", text):
            line_start = m.start()
            if line_start < self.state.body_offset:
                continue
            region_stop = text.rfind(":", line_start, m.start("next"))
            line = text[line_start:region_stop]
            ends = list(re.finditer(r"[.!?…][»\"”]?\s", line))
            region_start = line_start + (ends[-1].end() if ends else 0)
            verb = self._speech_verb(self._tok_range(region_start, region_stop))
            if verb is None or verb in self.used_verbs:
                continue
            lead = REPORTED_LEADS.search(line)
            spk: Speaker | None
            if lead and re.match(r"(?i:(?:по|согласно)\s+(его|её|ее|их)\s)", lead.group(0)):
                spk = self._pronoun(line_start + lead.start(), lead.group(0).split()[1].lower())
            else:
                spk = self.speaker(region_start, region_stop, verb)
            nxt = m.group("next").strip()
            if nxt[:1] in OPENERS and nxt[-1:] in '»“”".':
                nxt = nxt.strip('«»„“”"')
            self.used_verbs.add(verb)
            self.add(m.start("next"), spk, nxt, "quote", verb)

    def result(self) -> list[Claim]:
        seen: set[tuple[str | None, str]] = set()
        out: list[Claim] = []
        for d in sorted(self.drafts, key=lambda d: d.start):
            k = (d.actor or d.speaker, d.text.lower())
            if k in seen or any(d.text in c.text and (d.actor or d.speaker) == (c.actor or c.speaker) for c in out):
                continue
            seen.add(k)
            out.append(
                Claim(
                    speaker=d.speaker,
                    text=d.text,
                    kind=d.kind,
                    actor=d.actor,
                    sentence=self._sent_of(d.start),
                    speaker_ref=d.ref,
                    negated=d.negated,
                )
            )
        return out


def _common_role_nouns(state: State) -> None:
    """A role noun the tagger read as a proper name ("Канцлер также заявила" at a sentence start) or,
    for a rare word, as a verb ("исследовательница говорит") is a common noun again when NER did not
    take it into a name: the reference rules look for nouns. A verb reading has no case; in its
    dictionary form it is the nominative."""
    named = {i for m in state.mentions for i in range(m.first, m.stop_token)}
    nouns = ROLE_NOUNS | OUTLET_NOUNS | BODY_NOUNS | KIN_NOUNS
    for i, tok in enumerate(state.tokens):
        if i in named or tok.lemma not in nouns:
            continue
        if tok.pos == "PROPN":
            tok.pos = "NOUN"
        elif tok.pos == "VERB" and tok.text.lower() == tok.lemma:
            tok.pos = "NOUN"
            tok.feats = {"Case": "Nom", "Number": "Sing", "Animacy": "Anim"}


def find_claims(state: State, models: Models) -> None:
    """Fill state.claims from quotes, block quotes and reported speech, in text order."""
    _common_role_nouns(state)
    finder = _Finder(state, models, state.outlets)
    finder.quotes_pass()
    finder.block_quotes_pass()
    finder.reported_pass()
    finder.unnamed_pass()  # data leads and verb-phrase frames with no speech verb (analysis.impersonal)
    finder.continuation_pass()  # frameless quotes going on with a statement (analysis.continuations)
    finder.quote_sentence_pass()
    read_turns(finder, finder.add)  # transcripts' labelled turns and interview answers (analysis.turns)
    state.claims = finder.result()
    for actor, n in finder.resolver.resolved.items():
        state.actors[actor].mentions += n
