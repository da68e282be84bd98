"""Reported speech: "X заявил, что ...", "по словам X, ...", "как отмечает X, ...", "..., считает X".

The passes over sentences that find statements told in the reporter's words (quotes are `claims`'s),
on top of `speakers.SpeakerFinder`, which says whose words they are. `add` turns a found span into a
draft claim (cleaned, cut, negation read from the frame) for every pass, quotes included.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.fiction import LiteraryContext
from analysis.lexicon import CITING_VERBS, ROLE_MODIFIERS, ROLE_NOUNS, STANCE_NOUNS
from analysis.model import ClaimKind, SpeakerRef
from analysis.speaker_core import ADDRESSEES
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

if TYPE_CHECKING:
    from analysis.models import Models


#: "Согласно IDC, ...", "согласно Росстату": a lead whose source is named directly, with no noun of
#: words; taken only when a name begins right after it (see ``_name_at``).
_BARE_ACCORDING = re.compile(r"(?<![\w-])[Сс]огласно\s+(?=[«\"A-ZА-ЯЁ])")
#: "С таким заявлением выступил X", "С подобным призывом обратился X": the words just reported are X's.
_SUCH_WORDS = re.compile(
    r"(?:С|Со)\s+(?:таким|этим|подобным|соответствующим|этими|такими)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:заявлением|заявлениями|словами|призывом|предупреждением|обращением|утверждением|комментарием)\s+"
)


class ReportedSpeech(SpeakerFinder):
    """Drafts claims; the reported-speech passes."""

    def __init__(self, state: State, models: Models, outlets: set[str]) -> None:
        super().__init__(state, models, outlets)
        self.fiction = LiteraryContext(state, self.in_quote)

    def unnamed_speaker(self, start: int, verb: int | None) -> Speaker | None:
        """The last resort for a frame the rules found nobody for; none here, `UnnamedSources` names
        the unnamed source ("сообщается, что", "— рассказали агентству")."""
        return None

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
        if speaker is None:
            speaker = self.unnamed_speaker(start, verb)
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
        sent = self._sent_of(start)
        if kind == "quote" and self.fiction.not_a_statement(sent, text, verb is not None):
            return
        if kind == "reported" and self.fiction.framed_as_fiction(sent, verb is not None):
            return
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS].rsplit(" ", 1)[0] + "…"
        draft = Draft(start, speaker[0], speaker[1], text, kind, ref or speaker[2], self._negated(verb))
        self.drafts.append(draft)

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
        if self._with_such_words(n):
            return True
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

    def _with_such_words(self, n: int) -> bool:
        """ "С таким заявлением выступил президент X": the previous sentence is X's statement."""
        sent = self.state.sents[n]
        m = _SUCH_WORDS.match(sent.text)
        prev = self.state.sents[n - 1]
        if not m or prev.start < self.state.body_offset or "\n\n" in self.text[prev.stop : sent.start + 1]:
            return False
        comma = sent.text.find(",", m.end())
        stop = sent.start + (comma if comma > 0 else len(sent.text))
        spk = self.speaker(sent.start + m.end(), stop)
        if spk is None or spk[1] is None:
            return False
        if not any(prev.start <= d.start < prev.stop for d in self.drafts):
            self.add(prev.start, spk, prev.text, "reported")
        return True

    def _by_words_of(self, start: int, stop: int) -> None:
        """По словам X, ... / По мнению экспертов, ..."""
        sent = self.text[start:stop]
        leads = list(REPORTED_LEADS.finditer(sent))
        leads += [b for b in _BARE_ACCORDING.finditer(sent) if self._name_at(start + b.end())]
        for m in sorted(leads, key=lambda lead: lead.start()):
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
            pron = re.match(r"(?i:(?:по|согласно)\s+(его|её|ее|их)\s)", m.group(0))
            spk = self._pronoun(start + m.start(), pron.group(1).lower()) if pron else self.speaker(s_start, s_stop)
            lead = sent[: m.start()].rstrip(" ,")
            claim = sent[comma + 1 :] if not lead or len(lead.split()) <= 1 else lead + " " + sent[comma + 1 :]
            self.add(start + m.start(), spk, claim, "reported")

    def _name_at(self, pos: int) -> bool:
        """Whether a name of a person, organisation or outlet begins at pos: "согласно IDC, ..." is a
        lead, "согласно закону, ..." or "согласно плану, ..." is not."""
        return any(m.start == pos and m.kind != "location" for m in self.state.mentions)

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
            if self._says_this(start + comma + 1, stop):
                continue  # "Как передает DW, она заявила это в интервью ...": no content of its own
            self.add(start + m.start(), spk, sent[comma + 1 :], "reported", verb)

    def _says_this(self, start: int, stop: int) -> bool:
        """Whether the words only report that something was said ("она заявила это в интервью",
        "он сказал об этом журналистам"): a speech verb with "это" as its object, no clause of its own."""
        rng = list(self._tok_range(start, stop))
        for n, k in enumerate(rng[:6]):
            if not is_speech(self.tokens[k]):
                continue
            near = [self.tokens[j].lemma for j in rng[max(0, n - 2) : n + 3] if j != k]
            if "это" in near and not any(self.tokens[j].lemma in ("что", ":") for j in rng[n + 1 : n + 3]):
                return True
        return False

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
            framing = is_speech(tok) or gerund or self._gave_to_understand(v)
            if not framing or v in self.used_verbs or self.in_quote[v]:
                continue
            j = v + 1
            while j < stop and j - v <= 7 and self.tokens[j].text not in (",", ":") and not self._clause_verb(j):
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
                and t.lemma.lower() not in ADDRESSEES  # "заявлял СМИ, что": told to, not a direct object
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

    def _gave_to_understand(self, v: int) -> bool:
        """ "дал понять, что ...": the infinitive carries the frame, "дать" is only its light verb (a
        bare "понял, что" is someone's insight, not speech, so "понять" is not a speech verb)."""
        tok = self.tokens[v]
        return tok.lemma == "понять" and v > 0 and self.tokens[v - 1].lemma == "дать"

    def _clause_verb(self, k: int) -> bool:
        """A verb that opens another clause; a participle ("на закрытом заседании") only modifies a noun."""
        tok = self.tokens[k]
        return tok.pos == "VERB" and tok.feats.get("VerbForm", "Fin") in ("Fin", "Inf", "Conv")

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
        """..., считает Андрес Восман. (attribution after the claim, at the end of the sentence), and the
        same frame set off by commas inside the sentence: "Тем не менее, пишет РБК, закон не примут",
        "Присоединение Крыма, заметил политик, было использовано ..." (the claim is the sentence
        without the frame; a lead of connectives only, "Кроме того", "Так", is left out)."""
        for v in range(first + 2, stop):
            tok = self.tokens[v]
            if not is_speech(tok) or v in self.used_verbs or self.in_quote[v]:
                continue
            prev = self.tokens[v - 1]
            if prev.text in DASH and v >= 2:
                prev = self.tokens[v - 2]
            if prev.text != ",":
                continue
            end = v + 1
            while end < stop and not self._ends_frame(end):
                end += 1
            inserted = self._parenthetical(v, end, stop)
            if not inserted and v - first < 3:
                continue
            # "..., процитировали её участники заседания": whom they cite is the speaker, not who cites.
            spk = None if tok.lemma in CITING_VERBS else self._subject(v, v, stop)
            if spk is None and end - v > 8:
                continue
            spk = spk or self.speaker(tok.stop, self.tokens[end - 1].stop if end > v + 1 else tok.stop, v)
            if spk is None:
                continue
            claim_start = self.tokens[first].start
            self.used_verbs.add(v)
            if not inserted and any(k in self.used_verbs for k in range(first, v - 1)):
                # "..., считает канцлер Меркель, пишут «Ведомости»": the outlet reports a statement
                # that already has its speaker; it is not the outlet's own claim.
                continue
            claim = self.text[claim_start : prev.start]
            if inserted:
                lead = self.tokens[first : v - 1]
                rest_stop = self._next_frame(end + 1, stop)
                rest = self.text[self.tokens[end + 1].start : self.tokens[rest_stop - 1].stop]
                content = any(t.pos in ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "AUX") for t in lead)
                joined = self.tokens[end + 1].pos in ("CCONJ", "SCONJ") or self.tokens[end + 1].lemma == "однако"
                claim = (claim + (", " if joined else " ") + rest) if content else rest
            self.add(claim_start, spk, claim, "reported", v)

    def _ends_frame(self, k: int) -> bool:
        """Whether token k ends a trailing frame: punctuation, but not the dot inside "NEWSru.com"."""
        tok = self.tokens[k]
        if tok.text not in (",", ".", ";", ":", "!", "?", "(", "—"):
            return False
        if tok.text == "." and k + 1 < len(self.tokens):
            nxt = self.tokens[k + 1]
            return not (nxt.start == tok.stop and nxt.text[:1].isalnum() and tok.start == self.tokens[k - 1].stop)
        return True

    def _parenthetical(self, verb: int, end: int, stop: int) -> bool:
        """ ", пишет РБК, ...": the frame closes with a comma and the sentence goes on with words of its own
        (not "что ...", which makes it a frame of what follows)."""
        if end >= stop - 2 or self.tokens[end].text != "," or end == verb + 1:
            return False
        nxt = self.tokens[end + 1]
        if nxt.lemma in ("что", "чтобы", "как", "будто", "якобы", "и", "а", "но") or nxt.pos == "PUNCT":
            return False
        words = [t for t in self.tokens[end + 1 : stop] if t.pos != "PUNCT"]
        return len(words) >= MIN_WORDS

    def _inside_quote(self, pos: int) -> bool:
        return any(qs < pos < qe for qs, qe in self.quotes)
