"""Who said what: direct quotes and reported speech, with the speaker resolved to an actor.

The patterns are the handful Russian news use over and over: «...», — сообщил X; X: «...»;
«..., — сказал X. — ...»; по словам X, ...; как утверждает X, ...; X заявил, что ...; ..., считает X.
Matching runs over natasha's tokens (speech verbs by lemma, names by the merged mentions), so an
inflected "Роберта Хэммонда" resolves to the actor "Роберт Хэммонд" without another lookup. Unnamed
sources ("анонимный источник из дипломатических кругов") are kept as the text words them, in the
nominative, with no actor: a reader still wants to see them, search must not pretend they are people.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import TYPE_CHECKING

from analysis.lexicon import (
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    STANCE_NOUNS,
)
from analysis.model import Claim, ClaimKind, SpeakerRef
from analysis.speakers import (
    DASH,
    MAX_CHARS,
    MIN_WORDS,
    OPENERS,
    REPORTED_LEADS,
    Draft,
    Speaker,
    SpeakerFinder,
    is_speech,
    is_speech_gerund,
)
from analysis.state import State
from analysis.turns import read_turns

if TYPE_CHECKING:
    from analysis.models import Models


class _Finder(SpeakerFinder):
    """The passes that find statements: quotes, block quotes, reported speech, continuations."""

    def add(
        self,
        start: int,
        speaker: Speaker | None,
        text: str,
        kind: ClaimKind,
        verb: int | None = None,
        *,
        ref: SpeakerRef | None = None,
    ) -> None:
        if speaker is None or (speaker[0] is None and speaker[1] is None) or self._question(verb):
            return
        text = re.sub(r"\s+", " ", text).strip(" ,;:—–-\n")
        text = re.sub(r"^(?:что|чтобы)\s+(?=\S)", "", text, flags=re.I) if kind == "reported" else text
        if kind == "reported" and text[:1] in "«„“\"" and text.rstrip(".")[-1:] in "»“”\"":
            text = text.rstrip(".")
            inner = text[1:-1]
            if inner and not any(ch in inner for ch in "«»„“”\""):
                text = inner  # "отметил, что «...»": the whole claim is a quote
        if text[:1] in OPENERS and OPENERS[text[0]] not in text[1:]:
            text = text[1:].lstrip()  # a quote mark the source never closed
        if text[-1:] in "»“”" and not any(o in text[:-1] for o, c in OPENERS.items() if c == text[-1]):
            text = text[:-1].rstrip()
        if len(text.split()) < MIN_WORDS:
            return
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS].rsplit(" ", 1)[0] + "…"
        draft = Draft(start, speaker[0], speaker[1], text, kind, ref or speaker[2], self._negated(verb))
        self.drafts.append(draft)

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
        spk = self.speaker(a_start, a_stop, verb)
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
        if not m:
            return False
        a_start = qe + m.end()
        stop_m = re.search(r"[.!?:;«\n]|\s[—–-]\s", self.text[a_start : a_start + 300])
        a_stop = a_start + (stop_m.start() if stop_m else min(300, len(self.text) - a_start))
        verb = self._speech_verb(self._tok_range(a_start, a_stop))
        if verb is None:
            return False
        self.used_verbs.add(verb)
        self.add(qs, self.speaker(a_start, a_stop, verb), inner, "quote", verb)
        return True

    def _attribution_before(self, qs: int, qe: int, inner: str) -> bool:
        before = self.text[max(0, qs - 300) : qs]
        colon = re.search(r":\s*$", before)
        if not colon:
            return False
        region_stop = qs - (len(before) - colon.start())
        cut = max(before.rfind(ch, 0, colon.start()) for ch in ".!?»\n")
        region_start = qs - len(before) + cut + 1
        rng = self._tok_range(region_start, region_stop)
        verb = self._speech_verb(rng)
        if verb is not None:
            self.used_verbs.add(verb)
        spk = self.speaker(region_start, region_stop, verb)
        if spk is None or (verb is None and spk[1] is None):
            return False
        self.add(qs, spk, inner, "quote", verb)
        return True

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
            if lead and re.match(r"(?i:по\s+(его|её|ее|их)\s)", lead.group(0)):
                spk = self._pronoun(line_start + lead.start(), lead.group(0).split()[1].lower())
            else:
                spk = self.speaker(region_start, region_stop, verb)
            nxt = m.group("next").strip()
            if nxt[:1] in OPENERS and nxt[-1:] in '»“”".':
                nxt = nxt.strip('«»„“”"')
            self.used_verbs.add(verb)
            self.add(m.start("next"), spk, nxt, "quote", verb)

    # ------------------------------------------------------------------ reported speech

    def reported_pass(self) -> None:
        for n, sent in enumerate(self.state.sents):
            if sent.start < self.state.body_offset:
                continue
            if n > 0 and self._about_this(n):
                continue
            self._by_words_of(sent.start, sent.stop)
            self._as_says(sent.start, sent.stop)
            self._says_that(sent.first_token, sent.stop_token)
            self._trailing(sent.first_token, sent.stop_token)

    def _about_this(self, n: int) -> bool:
        """ "Об этом сообщил анонимный источник." attributes the previous sentence."""
        sent = self.state.sents[n]
        m = re.match(r"(?:Об этом|Это|Об этом же)\s+", sent.text)
        if not m:
            return False
        rng = self._tok_range(sent.start + m.end(), sent.stop)
        # "Об этом заявил X", and with the subject first: "Об этом он заявил", "Об этом X сообщил".
        verb = next((i for i in rng[:5] if is_speech(self.tokens[i])), None)
        if verb is None or any(self.tokens[i].pos in ("VERB", "PUNCT") for i in range(rng[0], verb)):
            return False
        end = re.search(r"[,:.;(]|\s(?:со ссылкой|в интервью)\s", self.text[self.tokens[verb].stop : sent.stop])
        s_stop = self.tokens[verb].stop + (end.start() if end else sent.stop - self.tokens[verb].stop)
        spk = None
        if verb > rng[0]:
            spk = self.speaker(self.tokens[rng[0]].start, self.tokens[verb].start, verb)
        spk = spk or self.speaker(self.tokens[verb].stop, s_stop, verb)
        prev = self.state.sents[n - 1]
        if prev.start < self.state.body_offset or self.text[prev.start : prev.stop].rstrip().endswith(":"):
            return False
        if any(prev.start <= d.start < prev.stop for d in self.drafts):
            self.used_verbs.add(verb)
            return True  # the previous sentence has its own frame ("X заявил, что ... Об этом он написал")
        self.used_verbs.add(verb)
        self.add(prev.start, spk, prev.text, "reported", verb)
        return True

    def _by_words_of(self, start: int, stop: int) -> None:
        """По словам X, ... / По мнению экспертов, ..."""
        sent = self.text[start:stop]
        for m in REPORTED_LEADS.finditer(sent):
            if self._inside_quote(start + m.start()):
                continue
            comma = sent.find(",", m.end())
            if comma < 0 or comma - m.end() > 150:
                continue
            s_start, s_stop = start + m.end(), start + comma
            if self._framed(start + comma + 1, stop):
                continue  # "По их словам, канцлер напомнила, что ...": the inner frame says whose words they are
            # "По словам Роберта Хэммонда, помощника Тиллерсона, ...": skip the apposition.
            after = self._tok_range(start + comma + 1, start + comma + 40)
            first_after = self.tokens[after[0]] if after else None
            if first_after and first_after.lemma in ROLE_NOUNS | ROLE_MODIFIERS and first_after.case != "Nom":
                nxt = sent.find(",", comma + 1)
                if 0 < nxt - comma <= 120:
                    comma = nxt
            pron = re.match(r"(?i:по\s+(его|её|ее|их)\s)", m.group(0))
            spk = self._pronoun(start + m.start(), pron.group(1).lower()) if pron else self.speaker(s_start, s_stop)
            lead = sent[: m.start()].rstrip(" ,")
            claim = sent[comma + 1 :] if not lead or len(lead.split()) <= 1 else lead + " " + sent[comma + 1 :]
            self.add(start + m.start(), spk, claim, "reported")

    def _framed(self, start: int, stop: int) -> bool:
        """Whether the words from start open with their own speech frame ("канцлер напомнила, что")."""
        rng = self._tok_range(start, stop)
        for i in list(rng)[:7]:
            tok = self.tokens[i]
            if tok.pos == "PUNCT" and tok.text != "-":
                return False
            if is_speech(tok) and i + 2 < len(self.tokens) and self.tokens[i + 1].text in (",", ":"):
                return self.tokens[i + 1].text == ":" or self.tokens[i + 2].lemma == "что"
        return False

    def _as_says(self, start: int, stop: int) -> None:
        """Как утверждает X, ... / ..., как сообщил X, ..."""
        sent = self.text[start:stop]
        for m in re.finditer(r"(?i:(?<![\w-])как\s+)", sent):
            rng = self._tok_range(start + m.end(), start + m.end() + 1)
            if not rng or self._inside_quote(start + m.start()):
                continue
            verb = rng[0]
            if not is_speech(self.tokens[verb]):
                continue
            comma = sent.find(",", m.end())
            if comma < 0 or comma - m.end() > 150:
                continue
            v_stop = self.tokens[verb].stop
            spk = self.speaker(v_stop, start + comma, verb)
            self.used_verbs.add(verb)
            self.add(start + m.start(), spk, sent[comma + 1 :], "reported", verb)

    def _clause_start(self, first: int, verb: int) -> int:
        i = verb - 1
        while i >= first:
            tok = self.tokens[i]
            if tok.text in (",", ";", ":", "(", "—", "–") or tok.lemma in ("но", "а", "однако"):
                return i + 1
            i -= 1
        return first

    def _says_that(self, first: int, stop: int) -> None:
        """X заявил, что ... / Эксперты полагают: ..."""
        for v in range(first, stop):
            tok = self.tokens[v]
            gerund = is_speech_gerund(tok)
            if not (is_speech(tok) or gerund) or v in self.used_verbs or self.in_quote[v]:
                continue
            j = v + 1
            while j < stop and j - v <= 5 and self.tokens[j].text not in (",", ":") and self.tokens[j].pos != "VERB":
                j += 1
            if j >= stop - 1:
                continue
            sep = self.tokens[j].text
            if sep == "," and self.tokens[j + 1].lemma != "что":
                continue
            if gerund and sep != ",":
                continue
            if sep == ":" and self.tokens[j + 1].text in OPENERS:
                continue
            if sep not in (",", ":"):
                continue
            # "Эстония считает Россию угрозой, что ..." is not speech: a direct object sits in between.
            between = self.tokens[v + 1 : j]
            if any(
                t.pos in ("NOUN", "PROPN")
                and t.case in ("Acc", "Ins")
                and (k == 0 or between[k - 1].pos != "ADP")
                and t.lemma not in STANCE_NOUNS
                for k, t in enumerate(between)
            ):
                continue
            c_start = self._clause_start(first, v)
            if c_start >= v:
                s_start, s_stop = tok.stop, self.tokens[j].start
            else:
                s_start, s_stop = self.tokens[c_start].start, tok.start
            spk = self._subject(v, c_start, j)
            if gerund and spk is None:
                continue  # a gerund names no speaker of its own
            spk = spk or self.speaker(s_start, s_stop, v)
            if spk is None and c_start < v:
                spk = self.speaker(tok.stop, self.tokens[j].start, v)
            if spk is None:
                spk = self._same_speaker(first, v)
            claim_from = self.tokens[j + 2].start if sep == "," and j + 2 < stop else self.tokens[j + 1].start
            claim_stop = self._next_frame(j + 1, stop)
            self.used_verbs.add(v)
            self.add(
                self.tokens[c_start].start, spk, self.text[claim_from : self.tokens[claim_stop - 1].stop], "reported", v
            )

    def _same_speaker(self, first: int, verb: int) -> Speaker | None:
        """ "X напомнила, что ..., а также добавила, что ...": a frame joined by "и"/"а" to an earlier
        frame of the same sentence has that frame's speaker."""
        back = verb - 1
        while back > first and self.tokens[back].lemma in ("также", "еще", "ещё", "затем", "потом", "тоже", "не"):
            back -= 1
        if back <= first or self.tokens[back].lemma not in ("и", "а", "но"):
            return None
        sent_start = self.tokens[first].start
        earlier = [d for d in self.drafts if sent_start <= d.start < self.tokens[back].start]
        if not earlier:
            return None
        d = max(earlier, key=lambda d: d.start)
        return d.speaker, d.actor, d.ref

    def _next_frame(self, begin: int, stop: int) -> int:
        """Where a second speech frame of the same sentence starts ("..., и отметил, что ..."), else stop."""
        for k in range(begin + 1, stop - 1):
            tok = self.tokens[k]
            if not is_speech(tok) or self.in_quote[k] or self.tokens[k + 1].text not in (",", ":"):
                continue
            back = k - 1
            if self.tokens[back].lemma == "не" and back - 1 > begin:
                back -= 1  # "..., но не сообщил, кому ..."
            if self.tokens[back].lemma in ("также", "еще", "ещё", "затем", "потом", "тоже") and back - 1 > begin:
                back -= 1  # "..., а также добавила, что ..."
            if self.tokens[back].lemma in ("и", "а", "но") and back > begin:
                return back
        return stop

    def _trailing(self, first: int, stop: int) -> None:
        """..., считает Андрес Восман. (attribution after the claim, at the end of the sentence)."""
        for v in range(first + 3, stop):
            tok = self.tokens[v]
            if not is_speech(tok) or v in self.used_verbs or self.in_quote[v]:
                continue
            prev = self.tokens[v - 1]
            if prev.text in DASH and v >= 2:
                prev = self.tokens[v - 2]
            if prev.text != ",":
                continue
            end = v + 1
            while end < stop and self.tokens[end].text not in (",", ".", ";", ":", "!", "?", "(", "—"):
                end += 1
            spk = self._subject(v, v, stop)
            if spk is None and end - v > 8:
                continue
            spk = spk or self.speaker(tok.stop, self.tokens[end - 1].stop if end > v + 1 else tok.stop, v)
            if spk is None:
                continue
            claim_start = self.tokens[first].start
            self.used_verbs.add(v)
            self.add(claim_start, spk, self.text[claim_start : prev.start], "reported", v)

    def continuation_pass(self) -> None:
        """A paragraph that is all quote, with no speech verb, right after a speaker's quote continues it.

        Russian typography opens « at every paragraph of a long quote and closes it only at the end, so
        the paragraph may have no closing mark. An interviewer's question (a paragraph ending in "?")
        never continues an answer, and nothing follows across a heading or an unrelated paragraph.
        """
        text = self.text
        paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        by_start = sorted(self.drafts, key=lambda d: d.start)
        starts = [d.start for d in by_start]
        for (p_start, _), (n_start, n_stop) in itertools.pairwise(paras):
            if n_start < self.state.body_offset:
                continue
            body = text[n_start:n_stop].strip()
            if body[:1] not in OPENERS or body.rstrip(".…").endswith("?"):
                continue
            closer = OPENERS[body[0]]
            end = body.rfind(closer, 1)
            tail = body[end + 1 :].strip() if end > 0 else ""
            if tail.strip(".…!?") or body.count(closer) > (1 if closer != body[0] else 2):
                continue  # something follows the quote (an attribution) or several quotes: not a continuation
            i = bisect.bisect_left(starts, n_start)
            if i < len(starts) and starts[i] < n_stop:
                continue  # already attributed
            prev = by_start[i - 1] if i > 0 and starts[i - 1] >= p_start else None
            if prev is None or prev.kind != "quote" or prev.speaker is None:
                continue
            inner = body[1:end] if end > 0 else body[1:]
            draft_count = len(self.drafts)
            self.add(n_start, (prev.speaker, prev.actor, "continuation"), inner, "quote")
            if len(self.drafts) > draft_count:
                by_start.insert(i, self.drafts[-1])
                starts.insert(i, n_start)
                if prev.actor:
                    actor = next((k for k, a in enumerate(self.state.actors) if a.name == prev.actor), None)
                    if actor is not None:
                        self.resolver.count(actor, n_start)

    def quote_sentence_pass(self) -> None:
        """A sentence that is all quote, with no attribution, right after a statement in the same
        paragraph goes on with that statement ("Меркель подчеркнула, что ... «Quote.»").

        Questions never continue, and nothing continues across a paragraph break here (the
        paragraph rule above is stricter about that).
        """
        text = self.text
        quote_end = {qs: qe for qs, qe in self.quotes}
        for qs, qe in self.quotes:
            if qs < self.state.body_offset:
                continue
            inner = text[qs + 1 : qe - 1].strip()
            if len(inner.split()) < MIN_WORDS or inner.rstrip(" .…»\"”").endswith("?"):
                continue
            lead = text[:qs].rstrip(" \t")
            if not lead or lead[-1] not in ".!?…»\"”":
                continue  # not the start of a sentence inside a paragraph
            if not re.match(r"[.!?…]?(?:[ \t]*(?:\n|$)|[ \t]+[А-ЯЁA-Z«\"„“])", text[qe : qe + 4]):
                continue  # an attribution or more words follow the quote
            if any(qs <= d.start < qe or inner[:40] in d.text for d in self.drafts):
                continue
            sent = self._sent_of(qs)
            before = [d for d in self.drafts if d.start < qs and "\n" not in text[d.start : qs]]
            if not before:
                continue
            prev = max(before, key=lambda d: d.start)
            end = quote_end.get(prev.start, prev.start + 1) - 1 if prev.kind == "quote" else prev.start
            if sent - self._sent_of(end) != 1 or (prev.actor is None and prev.speaker is None):
                continue
            count = len(self.drafts)
            self.add(qs, (prev.speaker, prev.actor, "continuation"), inner, "quote")
            if len(self.drafts) > count and prev.actor:
                actor = next((k for k, a in enumerate(self.state.actors) if a.name == prev.actor), None)
                if actor is not None:
                    self.resolver.count(actor, qs)

    def _inside_quote(self, pos: int) -> bool:
        return any(qs < pos < qe for qs, qe in self.quotes)

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


def find_claims(state: State, models: Models) -> None:
    """Fill state.claims from quotes, block quotes and reported speech, in text order."""
    finder = _Finder(state, models, state.outlets)
    finder.quotes_pass()
    finder.block_quotes_pass()
    finder.reported_pass()
    finder.continuation_pass()
    finder.quote_sentence_pass()
    read_turns(finder, finder.add)  # transcripts' labelled turns and interview answers (analysis.turns)
    state.claims = finder.result()
    for actor, n in finder.resolver.resolved.items():
        state.actors[actor].mentions += n
