"""Unnamed and impersonal sources: "сообщается, что", "в компании заявили", "по неофициальным данным".

Russian news attribute much of what they report to nobody in particular: an impersonal verb
("сообщается", "говорится в докладе"), a verb in the third person plural with no subject ("— рассказали
агентству", "в Британии отмечают"), a lead naming data rather than a person ("по неофициальным данным"),
a common noun that is not a name ("СМИ отмечают", "интернет-компании рассказали", "участники рынка
сошлись во мнении"). These are statements an analyst wants to see, with the source as the text words
it and no actor (`speaker_ref` "anonymous"): inventing a person would be the one unforgivable error.
An organisation is credited only when the frame names it ("в «Газпроме» заявили" → Газпром); a place
is never a speaker here ("в Британии отмечают" stays "в Британии").

`UnnamedSources` is a layer over `ReportedSpeech`: it answers a locative frame before the general speaker
rules run, and gives every frame nobody was found for a last resort (`unnamed_speaker`).
"""

from __future__ import annotations

import re

from analysis.lexicon import (
    COMPANY_NOUNS,
    DOCUMENT_NOUNS,
    GOVERNMENT_BODY_NOUNS,
    IMPERSONAL_VERBS,
    SERVICE_NOUNS,
    SOURCE_NOUNS,
)
from analysis.morph import to_nominative
from analysis.reported import ReportedSpeech
from analysis.speakers import OPENERS, Speaker, is_speech
from analysis.state import Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: What the card shows when the text names no source at all ("сообщается, что", "— рассказали агентству").
NO_SOURCE = "неназванный источник"
#: Nouns after "в"/"на" that say where or when something was said, not who said it.
_NOT_SOURCES = _words(
    """
    интервью эфир беседа заявление статья сообщение публикация комментарий материал пресс-релиз
    брифинг пресс-конференция конференция встреча заседание форум саммит выступление ход рамка связь
    случай частность итог целое конец начало середина момент ответ очередь время день неделя месяц
    год понедельник вторник среда четверг пятница суббота воскресенье утро вечер ночь январь
    февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь условие сеть соцсеть
    блог канал телеграм-канал твиттер страница сайт письмо документ доклад обращение отчёт отчет
    """
) | DOCUMENT_NOUNS
#: Unnamed collective sources beyond the shared lexicon's: heads of a subject noun phrase ("СМИ отмечают").
_COLLECTIVE_SOURCES = frozenset({"сми", "пресса", "медиа", "власть", "участник", "аналитик", "автор", "истец"})
#: "по неофициальным данным": a data lead with only an adjective, no source named.
_DATA_LEAD = re.compile(
    r"(?i:по\s+(?P<adj>[а-яё]+(?:ым|им|ой|ей))\s+(?P<noun>данным|информации|сведениям|оценкам|подсчётам|подсчетам)\s*,)"
)
#: Adjectives of such a lead that say the words come from somewhere ("по неподтверждённым данным").
_SOURCE_ADJECTIVES = re.compile(
    r"(?i:^(?:не)?(?:официальн|подтвержд|проверенн)|^(?:предварительн|последн|имеющ|уточн))"
)
#: Verb phrases that frame a statement without a speech verb: "сошлись во мнении, что", "пришли к выводу, что".
_PHRASE_FRAMES: dict[str, tuple[str, frozenset[str]]] = {
    "сойтись": ("в", frozenset({"мнение"})),
    "прийти": ("к", frozenset({"вывод", "мнение", "заключение"})),
    "приходить": ("к", frozenset({"вывод", "мнение", "заключение"})),
    "высказать": ("", frozenset({"мнение", "предположение", "опасение", "уверенность", "надежда"})),
    "высказывать": ("", frozenset({"мнение", "предположение", "опасение", "уверенность", "надежда"})),
}


def _plural_finite(tok: Token) -> bool:
    """ "заявили", "сообщают": a finite verb in the third person plural (a past plural has no person)."""
    feats = tok.feats
    if tok.pos != "VERB" or feats.get("VerbForm", "Fin") != "Fin" or feats.get("Number") != "Plur":
        return False
    return feats.get("Person") == "3" or feats.get("Tense") == "Past"


def _source_head(lemma: str) -> bool:
    """A noun that heads an unnamed source ("источник", "СМИ", "интернет-компании": the last part counts)."""
    last = lemma.rsplit("-", 1)[-1]
    lists = SOURCE_NOUNS | COMPANY_NOUNS | GOVERNMENT_BODY_NOUNS | SERVICE_NOUNS | _COLLECTIVE_SOURCES
    return lemma in lists or last in lists or lemma.upper() in SOURCE_NOUNS


class UnnamedSources(ReportedSpeech):
    """Speaker rules for frames that name no person: locative bodies, impersonal verbs, bare subjects."""

    def speaker(self, start: int, stop: int, verb: int | None = None) -> Speaker | None:
        """ "в компании заявили", "— сообщили в ведомстве": the place or body said in the locative."""
        found = self._locative(start, stop, verb) or self._pronoun_first(start, stop, verb)
        found = found or super().speaker(start, stop, verb)
        if found is not None or verb is None:
            return found
        if self.tokens[verb].lemma in IMPERSONAL_VERBS:
            return self._bare_document([self.tokens[i] for i in self._tok_range(start, stop)])
        return self._pronoun_subject(start, stop, verb)

    def _pronoun_first(self, start: int, stop: int, verb: int | None) -> Speaker | None:
        """ "что он пишет о музыке пианиста Монка:": the pronoun subject speaks, not a person named in an
        oblique case after it (what or whom the words are about, or their addressee)."""
        if verb is None:
            return None
        persons = [m for m in self._mentions_in(start, stop) if m.kind == "person"]
        if not persons or any(self.tokens[m.first].case in ("Nom", None) for m in persons):
            return None
        return self._pronoun_subject(start, stop, verb)

    def _pronoun_subject(self, start: int, stop: int, verb: int) -> Speaker | None:
        """ "Вот что он пишет о ...:": a personal pronoun the parser makes the verb's subject, further
        into the frame than the general rules look."""
        for c in self.children.get(verb, []):
            tok = self.tokens[c]
            if tok.rel == "nsubj" and tok.lemma in ("он", "она") and tok.case == "Nom" and start <= tok.start < stop:
                found = self._pronoun(tok.start, tok.text.lower())
                return found if found[1] is not None else None
        return None

    def _locative(self, start: int, stop: int, verb: int | None) -> Speaker | None:
        if verb is None or not is_speech(self.tokens[verb]) or self.tokens[verb].lemma in IMPERSONAL_VERBS:
            return None
        if not _plural_finite(self.tokens[verb]):
            return None
        self._verb = verb  # what `_name` reads to tell a publishing outlet
        rng = [i for i in self._tok_range(start, stop) if i != verb and not self.in_quote[i]]
        if any(self._names_subject(i) for i in rng):
            return None  # "в компании сотрудники заявили": the subject speaks
        for n, i in enumerate(rng):
            tok = self.tokens[i]
            if tok.pos != "ADP" or tok.lemma not in ("в", "во", "на"):
                continue
            if not all(self._filler(self.tokens[k]) for k in rng[:n] if k < i):
                return None  # "цитируют «Вести» заявление Путина по итогам встреч в Астане": not a source
            return self._pp(i, rng[-1] + 1)
        return None

    @staticmethod
    def _filler(tok: Token) -> bool:
        """Words that may stand between the frame's edge and "в ...": "Однако, в компании", "сообщили РБК в"."""
        return tok.pos in ("ADV", "PART", "CCONJ", "PUNCT", "SCONJ") or tok.case == "Dat"

    def _names_subject(self, i: int) -> bool:
        tok = self.tokens[i]
        if tok.pos == "PRON" and tok.case == "Nom":
            return True
        return tok.pos in ("NOUN", "PROPN") and tok.case == "Nom" and self.tokens[i - 1].pos != "ADP"

    @staticmethod
    def _source_place(head: Token) -> bool:
        """A common noun after "в" that stands for people who speak: a body, a service, a company."""
        bodies = ("правительство", "кремль", "руководство", "окружение", "штаб", "партия", "отрасль")
        return _source_head(head.lemma) or head.feats.get("Animacy") == "Anim" or head.lemma in bodies

    def _pp(self, adp: int, stop: int) -> Speaker | None:
        """The prepositional phrase from adp, when its head is a body or place in the locative."""
        k = adp + 1
        while k < stop and (self.tokens[k].pos in ("ADJ", "DET", "NUM") or self.tokens[k].text in OPENERS):
            k += 1
        if k >= stop:
            return None
        head = self.tokens[k]
        if head.pos not in ("NOUN", "PROPN") or head.case not in ("Loc", None):
            return None
        if head.lemma in _NOT_SOURCES:
            return None
        m = self.mention_at.get(k)
        if m is not None and m.kind == "organization":
            return self._name(m)  # "в «Газпроме» заявили": the frame names the organisation
        if m is None and head.pos == "NOUN" and head.lemma in GOVERNMENT_BODY_NOUNS | COMPANY_NOUNS:
            nxt = self.tokens[k + 1] if k + 1 < len(self.tokens) else None
            if nxt is None or nxt.pos not in ("NOUN", "PROPN") or nxt.sent != head.sent:
                body = self._body(head)  # "в ведомстве уточнили": the ministry named just before
                if body is not None:
                    self.resolver.count(body, head.start)
                    name = self.state.actors[body].name
                    return name, name, "role"
        if m is None and head.pos == "NOUN" and not self._source_place(head):
            return None  # "в понедельник", "в целом" are not sources
        end = k + 1
        while end < stop and end - adp < 7:
            tok = self.tokens[end]
            if tok.pos in ("PUNCT", "VERB", "AUX", "SCONJ", "CCONJ", "ADP") and tok.text not in "«»\"„“":
                break
            if tok.pos in ("NOUN", "PROPN") and tok.case not in ("Gen", None) and end > k + 1:
                break
            end += 1
        if m is None and head.pos == "NOUN":
            # "в министерстве финансов Сербии заявили": the body, in the nominative as elsewhere.
            words = [to_nominative(self.vocab, t.text, t.pos, t.feats) for t in self.tokens[adp + 1 : k + 1]]
            words += [t.text for t in self.tokens[k + 1 : end]]
            text = " ".join(words)
        else:
            text = self.text[self.tokens[adp].start : self.tokens[end - 1].stop]  # "в Британии": a place
        if text.count("«") > text.count("»"):
            text += "»"
        text = text[:1].lower() + text[1:]
        self.plural_speakers.add(text)
        return text, None, "anonymous"

    # ------------------------------------------------------------------ the last resort

    def unnamed_speaker(self, start: int, verb: int | None) -> Speaker | None:
        """A source for a frame the general rules found nobody for, or None.

        A data lead with an adjective only ("по неофициальным данным"), a subject the syntax parser
        sees that is a common noun ("СМИ отмечают", "Источник, знакомый с ситуацией, сообщил"), a bare
        document ("говорится в докладе"), an impersonal verb ("сообщается, что") or a plural verb with
        no subject at all ("— рассказали агентству"). Never a person.
        """
        if verb is None:
            return self._data_lead(start) or self._lead_source(start)
        tok = self.tokens[verb]
        subject = self._common_subject(verb)
        if subject is not None:
            return subject
        clause = self._clause_tokens(verb)
        if tok.lemma in IMPERSONAL_VERBS:
            document = self._bare_document(clause)
            if document is not None:
                return document
            if any(t.pos in ("NOUN", "PROPN") for t in clause) or tok.lemma == "говориться":
                return None  # "сообщается на сайте министерства", "как говорится": a source unread, or a saying
            return NO_SOURCE, None, "anonymous"
        if not (is_speech(tok) and _plural_finite(tok)):
            return None
        if any(c for c in self.children.get(verb, []) if self.tokens[c].rel in ("nsubj", "nsubj:pass")):
            return None
        if any(t.case == "Nom" and t.pos in ("NOUN", "PROPN", "PRON", "DET", "ADJ") for t in clause):
            return None  # a subject the rules could not resolve ("многие", "они"): no guess
        named = [t for t in clause if t.pos == "PROPN" or self.index[id(t)] in self.mention_at]
        if any(t.case != "Dat" for t in named) or any(t.lemma in DOCUMENT_NOUNS for t in clause):
            return None  # "— цитируют «Вести» заявление Путина": somebody is named, the general rules decide
        told = any(t.case == "Dat" and t.pos in ("NOUN", "PROPN") for t in clause)
        if not told and self.text[start : start + 1] not in OPENERS:
            return None  # "Рассказывали, что ...": hearsay with no source at all, not a report
        return NO_SOURCE, None, "anonymous"

    def _data_lead(self, start: int) -> Speaker | None:
        m = _DATA_LEAD.match(self.text, start)
        if not m or not _SOURCE_ADJECTIVES.search(m.group("adj")):
            return None
        rng = self._tok_range(m.start("adj"), m.end("noun"))
        words = [to_nominative(self.vocab, t.text, t.pos, t.feats) for t in (self.tokens[i] for i in rng)]
        return " ".join(words).lower(), None, "anonymous"

    def _common_subject(self, verb: int) -> Speaker | None:
        """The verb's syntax subject when it is an unnamed source noun, appositions left out."""
        subj = next((c for c in self.children.get(verb, []) if self.tokens[c].rel in ("nsubj", "nsubj:pass")), None)
        if subj is None or self.in_quote[subj] or subj in self.mention_at:
            return None
        tok = self.tokens[subj]
        if tok.pos != "NOUN" or tok.case != "Nom" or not _source_head(tok.lemma):
            return None
        lo = hi = subj
        stack = [subj]
        while stack:
            node = stack.pop()
            for child in self.children.get(node, []):
                if self.tokens[child].rel in ("punct", "cc", "conj", "acl", "acl:relcl", "parataxis", "appos"):
                    continue
                if self.tokens[child].sent != tok.sent:
                    continue
                lo, hi = min(lo, child), max(hi, child)
                stack.append(child)
        if hi - lo > 8 or lo <= verb <= hi:
            return None
        words = self.text[self.tokens[lo].start : self.tokens[hi].stop]
        if any(i in self.mention_at and self.mention_at[i].kind == "person" for i in range(lo, hi + 1)):
            return None  # "представитель Путина": the general rules word it; never the person
        words = words if words[1:2].isupper() else words[:1].lower() + words[1:]
        plural = tok.feats.get("Number") == "Plur"
        if plural or tok.lemma in SERVICE_NOUNS | GOVERNMENT_BODY_NOUNS | COMPANY_NOUNS:
            self.plural_speakers.add(words)
        return words, None, "anonymous"

    def _clause_tokens(self, verb: int) -> list[Token]:
        """The words of the verb's clause: back to the previous comma or dash, on to the next comma."""
        tokens = self.tokens
        sent = tokens[verb].sent
        lo = verb
        while lo - 1 >= 0 and tokens[lo - 1].sent == sent and tokens[lo - 1].text not in (",", ";", ":", "—", "–", "-"):
            lo -= 1
        hi = verb + 1
        while hi < len(tokens) and tokens[hi].sent == sent and tokens[hi].text not in (",", ";", ":", ".", "—", "–"):
            hi += 1
        return [tokens[i] for i in range(lo, hi) if i != verb and not self.in_quote[i]]

    def _bare_document(self, clause: list[Token]) -> Speaker | None:
        """ "говорится в докладе", "как говорится в опубликованном пресс-релизе": the document itself."""
        for n, tok in enumerate(clause):
            after_preposition = any(t.pos == "ADP" for t in clause[max(0, n - 3) : n])
            if tok.lemma in DOCUMENT_NOUNS and tok.pos == "NOUN" and after_preposition:
                return to_nominative(self.vocab, tok.text, tok.pos, tok.feats).lower(), None, "anonymous"
        return None

    def _lead_source(self, start: int) -> Speaker | None:
        """ "по данным СМИ", "по информации прессы": a common-noun source the general rules do not list."""
        m = re.match(r"(?i:по\s+(?:данным|информации|сведениям)\s+)", self.text[start : start + 40])
        if not m:
            return None
        comma = self.text.find(",", start + m.end(), start + m.end() + 60)
        if comma < 0:
            return None
        toks = [self.tokens[i] for i in self._tok_range(start + m.end(), comma)]
        head = next((n for n, t in enumerate(toks) if t.pos in ("NOUN", "PROPN")), None)
        if head is None or not _source_head(toks[head].lemma):
            return None
        if any(self.index[id(t)] in self.mention_at for t in toks):
            return None
        words = [to_nominative(self.vocab, t.text, t.pos, t.feats) if n <= head else t.text for n, t in enumerate(toks)]
        text = " ".join(words)
        return (text if text[1:2].isupper() else text[:1].lower() + text[1:]), None, "anonymous"

    # ------------------------------------------------------------------ frames of their own

    def unnamed_pass(self) -> None:
        """Data leads with no source ("По неофициальным данным, ...") and verb-phrase frames
        ("участники сошлись во мнении, что ..."), which the speech-verb passes cannot see."""
        for sent in self.state.sents:
            if sent.start < self.state.body_offset:
                continue
            for m in _DATA_LEAD.finditer(self.text, sent.start, sent.stop):
                if any(qs < m.start() < qe for qs, qe in self.quotes):
                    continue
                spk = self._data_lead(m.start())
                if spk is not None:
                    self.add(m.start(), spk, self.text[m.end() : sent.stop], "reported", None)
            self._phrase_frames(sent.first_token, sent.stop_token)

    def _phrase_frames(self, first: int, stop: int) -> None:
        for v in range(first, stop):
            tok = self.tokens[v]
            frame = _PHRASE_FRAMES.get(tok.lemma)
            if frame is None or tok.pos != "VERB" or self.in_quote[v] or v in self.used_verbs:
                continue
            prep, nouns = frame
            j = v + 1
            while j < stop and j - v <= 4 and self.tokens[j].lemma not in nouns:
                j += 1
            if j >= stop - 2 or self.tokens[j].lemma not in nouns:
                continue
            if prep and self.tokens[j - 1].lemma not in (prep, prep + "о"):
                continue
            if self.tokens[j + 1].text != "," or self.tokens[j + 2].lemma != "что":
                continue
            c_start = self._clause_start(first, v)
            spk = self._subject(v, c_start, j) if c_start < v else None
            if spk is None and c_start < v:
                spk = self.speaker(self.tokens[c_start].start, tok.start)
            spk = spk or self.unnamed_speaker(tok.start, v)
            if spk is not None and spk[1] is None and spk[2] == "pronoun":
                continue  # "они сошлись во мнении" with nobody to point back to
            claim_stop = self._next_frame(j + 2, stop)
            self.used_verbs.add(v)
            text = self.text[self.tokens[j + 3].start : self.tokens[claim_stop - 1].stop] if j + 3 < stop else ""
            self.add(self.tokens[c_start].start, spk, text, "reported", v)

