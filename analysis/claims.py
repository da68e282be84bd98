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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.entities import key
from analysis.lexicon import (
    DOCUMENT_NOUNS,
    IMPERSONAL_VERBS,
    NEGATING_VERBS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    SERVICE_NOUNS,
    SOURCE_NOUNS,
    SPEECH_VERBS,
    STANCE_NOUNS,
)
from analysis.model import Claim, ClaimKind, SpeakerRef
from analysis.morph import to_nominative
from analysis.references import OUTLET_NOUNS, Resolver
from analysis.state import Mention, State, Token

#: (speaker as the reader sees it, canonical actor name or None, how the text referred to the speaker)
Speaker = tuple[str | None, str | None, SpeakerRef]

if TYPE_CHECKING:
    from analysis.models import Models

_OPENERS = {"«": "»", "„": "“", "“": "”", '"': '"'}
_DASH = "—–-"
_ADDRESSEES = {
    "издание",
    "газета",
    "журнал",
    "агентство",
    "телеканал",
    "радиостанция",
    "журналист",
    "репортёр",
    "репортер",
    "корреспондент",
    "телевидение",
    "портал",
    "сайт",
    "интервью",
    "статья",
    "колонка",
    "эфир",
    "материал",
    "беседа",
    "пресс-конференция",
    "брифинг",
}
_PRONOUNS = {"он", "она", "они"}
_REPORTED_LEADS = re.compile(
    r"(?i:(?<![\w-])по\s+(?:(?:его|её|ее|их)\s+)?(?:словам|мнению|оценке|оценкам|утверждению|данным|информации|"
    r"сведениям|прогнозам|заявлению|убеждению|версии)\b)"
)
#: Verbs of publishing: their organisation subject is an outlet ("пишет РБК").
_PUBLISHING_VERBS = frozenset(
    {"писать", "написать", "сообщать", "сообщить", "передавать", "передать", "цитировать", "процитировать",
     "публиковать", "опубликовать", "приводить", "привести", "информировать", "уточнять"}
)
_MIN_WORDS = 3
_MAX_CHARS = 600


@dataclass(slots=True)
class _Draft:
    start: int
    speaker: str | None
    actor: str | None
    text: str
    kind: ClaimKind
    ref: SpeakerRef = "name"
    negated: bool = False
    stop: int = 0


def is_speech(tok: Token) -> bool:
    """A finite speech verb or a short adjective ("уверен"); participles and gerunds attribute nothing."""
    if tok.lemma not in SPEECH_VERBS:
        return False
    if tok.pos == "VERB":
        return tok.feats.get("VerbForm", "Fin") == "Fin"
    return tok.pos == "ADJ" and tok.feats.get("Variant") == "Brev"


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Top-level quoted segments [open, close+1), nested quotes staying inside their parent.

    „лапки“ close with “, which also opens English quotes: the stack tells them apart. Quotes never
    cross a line break here; an unbalanced quote is dropped instead of eating the article.
    """
    out: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if ch == "\n":
            stack.clear()
            continue
        if stack and ch == stack[-1][1]:
            start, _ = stack.pop()
            if not stack:
                out.append((start, i + 1))
        elif ch in _OPENERS:
            if ch == '"' and (i + 1 >= len(text) or text[i + 1].isspace()):
                continue
            stack.append((i, _OPENERS[ch]))
    return out


class _Finder:
    def __init__(self, state: State, models: Models, outlets: set[str]) -> None:
        self.state = state
        self.vocab = models.morph_vocab
        self.text = state.text
        self.tokens = state.tokens
        self.starts = [t.start for t in state.tokens]
        self.sent_starts = [s.start for s in state.sents]
        self.outlets = {key(o) for o in outlets if o}
        self.mentions = sorted((m for m in state.mentions if m.actor >= 0), key=lambda m: m.start)
        self.m_starts = [m.start for m in self.mentions]
        self.index = {id(t): i for i, t in enumerate(state.tokens)}
        self.drafts: list[_Draft] = []
        self.used_verbs: set[int] = set()
        self.quotes = find_quotes(state.text)
        self.in_quote = [False] * len(state.tokens)
        for qs, qe in self.quotes:
            for i in self._tok_range(qs, qe):
                self.in_quote[i] = True
        self.resolver = Resolver(state, self.in_quote)
        self.source = state.cleaned.source
        self.children: dict[int, list[int]] = {}
        for i, t in enumerate(state.tokens):
            if t.head >= 0:
                self.children.setdefault(t.head, []).append(i)
        self.mention_at = {i: m for m in self.mentions for i in range(m.first, m.stop_token)}
        self._verb: int | None = None

    # ------------------------------------------------------------------ helpers

    def _tok_range(self, start: int, stop: int) -> range:
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_left(self.starts, stop)
        return range(first, last)

    def _sent_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def _mentions_in(self, start: int, stop: int) -> list[Mention]:
        i = bisect.bisect_left(self.m_starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < stop:
            if self.mentions[i].stop <= stop:
                out.append(self.mentions[i])
            i += 1
        return out

    def _is_outlet(self, m: Mention) -> bool:
        return key(m.name) in self.outlets or key(self.state.actors[m.actor].name) in self.outlets

    def _speech_verb(self, rng: range) -> int | None:
        for i in rng:
            tok = self.tokens[i]
            if is_speech(tok) and not self.in_quote[i]:
                return i
        return None

    def _subject(self, verb: int, clause: int, sep: int) -> Speaker | None:
        """The speaker as the syntax parser sees it: the subject of the verb, or of the verb it is coordinated
        with ("Президент выразил уверенность ... и отметил, что": the president)."""
        head = verb
        subj = None
        for _ in range(3):
            subj = next((c for c in self.children.get(head, []) if self.tokens[c].rel in ("nsubj", "nsubj:pass")), None)
            if subj is not None or self.tokens[head].rel != "conj" or self.tokens[head].head < 0:
                break
            head = self.tokens[head].head
        if subj is None or self.in_quote[subj] or self.tokens[subj].sent != self.tokens[verb].sent:
            return None
        tok = self.tokens[subj]
        if tok.lemma in _PRONOUNS:
            return self._pronoun(tok.start, tok.text.lower())
        lo = hi = subj
        stack = [subj]
        while stack:
            node = stack.pop()
            for child in self.children.get(node, []):
                if self.tokens[child].rel in ("punct", "cc", "conj", "acl", "acl:relcl", "parataxis"):
                    continue
                lo, hi = min(lo, child), max(hi, child)
                stack.append(child)
        if lo <= verb <= hi or hi - lo > 14 or hi >= sep or (head == verb and lo < clause):
            return None  # the subject of a speech verb sits in its own clause, before "что"
        return self.speaker(self.tokens[lo].start, self.tokens[hi].stop, verb)

    def _pronoun(self, pos: int, word: str) -> Speaker:
        """ "он", "по её словам": the nearest compatible person before pos, else the pronoun as text.

        A claim in this or the previous sentence wins over a nearer mention: in "Колеров сообщил, что
        Сорокин покинул компанию. По его словам, ..." the words continue Колеров's statement; a
        person named inside what he said is not who "его" points back to.
        """
        sent = self._sent_of(pos)
        actor = self._recent_speaker(pos, sent, word)
        if actor is None:
            actor = self.resolver.pronoun(pos, sent, word)
        if actor is None:
            return word, None, "pronoun"
        self.resolver.count(actor, pos)
        name = self.state.actors[actor].name
        return name, name, "pronoun"

    def _recent_speaker(self, pos: int, sent: int, word: str) -> int | None:
        before = [d for d in self.drafts if d.start < pos and d.actor and sent - self._sent_of(d.start) <= 1]
        if not before:
            return None
        last = max(before, key=lambda d: d.start)
        index = next((i for i, a in enumerate(self.state.actors) if a.name == last.actor), None)
        if index is None or self.state.actors[index].kind != "person":
            return None
        return index if self.resolver.compatible(index, word) else None

    def _name(self, m: Mention) -> Speaker:
        name = self.state.actors[m.actor].name
        if self._is_outlet(m):
            return name, None, "outlet"  # the page's own outlet is not one of the article's actors
        return name, name, "outlet" if self._outlet_phrase(m) or self._media_name(m) else "name"

    def _media_name(self, m: Mention) -> bool:
        """ "пишет Лента.ру", "сообщают «Ведомости»": an organisation that publishes is an outlet.

        Told by shape: a reporting verb, and a name in quotation marks, in Latin letters or with a
        domain, as media titles are written in Russian text.
        """
        verb = self._verb
        if m.kind != "organization" or verb is None or self.tokens[verb].lemma not in _PUBLISHING_VERBS:
            return False
        raw = self.text[m.start : m.stop]
        quoted = m.start > 0 and self.text[m.start - 1] in "«\"„“"
        return quoted or bool(re.search(r"[A-Za-z]|\.(?:ру|ru|com)\b", raw))

    def _outlet_phrase(self, m: Mention) -> bool:
        """ "пишет газета The Guardian": a named organisation introduced as an outlet."""
        if m.first == 0:
            return False
        noun, head = self.tokens[m.first - 1], self.tokens[m.first]
        return noun.lemma in OUTLET_NOUNS and (noun.case == head.case or head.case is None or head.pos != "PROPN")

    def speaker(self, start: int, stop: int, verb: int | None = None) -> Speaker | None:
        """Resolve the words of [start, stop) to a Speaker; None when nobody is named there."""
        self._verb = verb
        if verb is not None and self.tokens[verb].lemma in IMPERSONAL_VERBS:
            return self._document_author(start, stop)
        found = self._mentions_in(start, stop)
        persons = [m for m in found if m.kind == "person"]
        rng = self._tok_range(start, stop)
        toks = [self.tokens[i] for i in rng if i != verb]
        if persons:
            nom = [m for m in persons if self.tokens[m.first].case == "Nom"]
            m = (nom or persons)[0]
            head = self.tokens[m.first - 1] if m.first > 0 else None
            dependent = (
                not nom
                and head is not None
                and head.pos == "NOUN"
                and (head.case == "Nom" or head.lemma in SERVICE_NOUNS)
                and (head.lemma in ROLE_NOUNS or head.lemma in SOURCE_NOUNS)
            )
            if not dependent:
                return self._name(m)
            # "Представитель Путина подчеркнул", "цитирует пресс-службу Порошенко": the speaker is the
            # representative or the service, not the person it belongs to.
            assert head is not None
            parts = [to_nominative(self.vocab, head.text, head.pos, head.feats)]
            parts += [t.text for t in self.tokens[m.first : m.stop_token]]
            phrase = " ".join(parts)
            return phrase[:1].lower() + phrase[1:], None, "role" if head.lemma in ROLE_NOUNS else "anonymous"
        words = [t for t in toks if t.pos not in ("PUNCT",)]
        for t in words[:2]:
            if t.lemma in _PRONOUNS and t.case == "Nom":
                return self._pronoun(t.start, t.text.lower())
        others = [m for m in found if not self._is_outlet(m)]
        outlets = [m for m in found if self._is_outlet(m)]
        outlet_tokens = {i for m in outlets for i in range(m.first, m.stop_token)}
        unnamed = self._phrase(toks, outlet_tokens)
        if unnamed is not None:
            return unnamed
        if others:
            return self._name(others[0])
        oblique = outlets and any(
            t.case in ("Dat", "Ins", "Loc") for t in self.tokens[outlets[0].first : outlets[0].stop_token]
        )
        if outlets and not oblique:
            return self._name(outlets[0])
        return None

    def _document_author(self, start: int, stop: int) -> Speaker | None:
        """ "говорится в заявлении министерства", "в комментарии, который получил РБК от департамента"."""
        for m in self._mentions_in(start, stop):
            before = self.tokens[m.first - 1] if m.first > 0 else None
            if self.tokens[m.first].case == "Gen" or (before is not None and before.lemma == "от"):
                return self._name(m)
        toks = [self.tokens[i] for i in self._tok_range(start, stop)]
        for n, tok in enumerate(toks):
            if tok.lemma == "от" and n + 1 < len(toks):
                words: list[str] = []
                for nxt in toks[n + 1 : n + 7]:
                    if nxt.pos not in ("ADJ", "NOUN", "PROPN", "DET"):
                        break
                    head_done = any(t.pos in ("NOUN", "PROPN") for t in toks[n + 1 : n + 1 + len(words)])
                    words.append(nxt.text if head_done else to_nominative(self.vocab, nxt.text, nxt.pos, nxt.feats))
                if words:
                    return " ".join(words), None, "anonymous"
        for n, tok in enumerate(toks):
            if tok.lemma in DOCUMENT_NOUNS:
                words = [to_nominative(self.vocab, tok.text, tok.pos, tok.feats)]
                for nxt in toks[n + 1 : n + 6]:
                    if nxt.pos in ("PUNCT", "VERB", "ADP", "SCONJ", "PRON") or nxt.case != "Gen":
                        break
                    words.append(nxt.text)
                if len(words) > 1:
                    return " ".join(words), None, "anonymous"
        return None

    def _phrase(self, toks: list[Token], skip: set[int]) -> Speaker | None:
        """An unnamed source as a nominative noun phrase ("два европейских чиновника")."""
        index = self.index
        head = None
        for n, tok in enumerate(toks):
            if index[id(tok)] in skip or (tok.lemma in _ADDRESSEES and tok.case in ("Dat", "Loc", "Ins", "Acc")):
                continue
            if tok.pos == "NOUN" and (tok.lemma in SOURCE_NOUNS or tok.lemma in ROLE_NOUNS):
                if tok.case in ("Dat", "Ins"):
                    continue
                if tok.case == "Gen" and n > 0 and toks[n - 1].pos == "NOUN" and toks[n - 1].case != "Gen":
                    continue  # "пресс-служба президента": the service speaks, not the president
                head = n
                break
        if head is None:
            return None
        head_lemma = toks[head].lemma
        singular = toks[head].feats.get("Number") != "Plur"
        if head_lemma in OUTLET_NOUNS and toks[head].case in ("Nom", "Gen") and singular:
            # "пишет издание": the outlet whose article is retold, when the page says which.
            if self.source:
                return self.source, None, "outlet"
            return toks[head].text.lower(), None, "outlet"
        if head_lemma == "автор" and toks[head].case == "Nom":
            author = self._last_person_speaker(toks[head].start)
            if author:
                return author, author, "role"
        begin = head
        while begin > 0 and toks[begin - 1].pos in ("ADJ", "NUM", "DET") and index[id(toks[begin - 1])] not in skip:
            begin -= 1
        end = head + 1
        while end < len(toks) and end - begin < 8:
            tok = toks[end]
            if tok.pos in ("PUNCT", "VERB", "AUX", "SCONJ", "CCONJ") or index[id(tok)] in skip:
                break
            end += 1
        phrase_toks = toks[begin:end]
        words = []
        head_case = toks[head].case
        if any(t.pos == "NUM" for t in toks[begin:head]):
            head_case = None  # "два европейских чиновника": the numeral governs the case; keep it
        for n, tok in enumerate(phrase_toks):
            agrees = begin + n <= head and tok.case == head_case and head_case in ("Gen", "Acc")
            words.append(to_nominative(self.vocab, tok.text, tok.pos, tok.feats) if agrees else tok.text)
        text = " ".join(words)
        text = text[:1].lower() + text[1:] if text[1:2].islower() else text
        plural = toks[head].feats.get("Number") == "Plur"
        if head_lemma in ROLE_NOUNS and not plural and (end - begin == 1 or self._qualifies(phrase_toks, head - begin)):
            holder = self.resolver.role(toks[head].start, toks[head].sent, head_lemma)
            if holder is not None and self._role_fits(holder, text):
                self.resolver.count(holder, toks[head].start)
                name = self.state.actors[holder].name
                return name, name, "role"
            return text, None, "role"
        return text, None, "anonymous"

    @staticmethod
    def _qualifies(phrase: list[Token], head: int) -> bool:
        """ "бывший министр", "министр обороны": a role phrase, not "министр и эксперт"."""
        return all(t.pos in ("ADJ", "NOUN", "PROPN", "DET", "ADP") for t in phrase)

    def _role_fits(self, actor: int, phrase: str) -> bool:
        """ "президент России" must not resolve to a person whose role is "президент США".

        A qualifier that names a place of the article ("России") must appear in the person's role;
        other qualifiers ("Большого", "театра") are the text's own shorthand for the body.
        """
        role = key(self.state.actors[actor].role or "")
        words = key(phrase).split()
        if len(words) <= 1:
            return True
        places = {
            w
            for a in self.state.actors
            if a.kind == "location"
            for v in (a.name, *a.variants)
            for w in key(v).split()
            if len(w) > 3
        }
        named = [w for w in words[1:] if len(w) > 3 and any(p[:5] == w[:5] for p in places)]
        return all(w[:4] in role for w in named)

    def _last_person_speaker(self, pos: int) -> str | None:
        """ "признает автор": the author is the person whose column the article retells, the last one quoted."""
        for d in reversed(self.drafts):
            recent = d.start < pos and d.actor and self._sent_of(pos) - self._sent_of(d.start) <= 8
            if recent and any(a.name == d.actor and a.kind == "person" for a in self.state.actors):
                return d.actor
        return None

    def _negated(self, verb: int | None) -> bool:
        """ "не думает, что", "опроверг, что": the frame denies what follows. "не исключил" does not."""
        if verb is None:
            return False
        tok = self.tokens[verb]
        before = [self.tokens[i] for i in range(max(0, verb - 3), verb) if self.tokens[i].sent == tok.sent]
        has_not = any(t.lemma in ("не", "никогда") for t in before[-2:]) or (
            len(before) >= 1 and before[-1].lemma == "не"
        )
        if tok.lemma in NEGATING_VERBS:
            return not has_not
        return has_not

    def _question(self, verb: int | None) -> bool:
        """ "считает ли он, что ...": an interviewer's question, not a statement."""
        if verb is None:
            return False
        nxt = verb + 1
        return nxt < len(self.tokens) and self.tokens[nxt].lemma == "ли"

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
        if text[:1] in _OPENERS and _OPENERS[text[0]] not in text[1:]:
            text = text[1:].lstrip()  # a quote mark the source never closed
        if text[-1:] in "»“”" and not any(o in text[:-1] for o, c in _OPENERS.items() if c == text[-1]):
            text = text[:-1].rstrip()
        if len(text.split()) < _MIN_WORDS:
            return
        if len(text) > _MAX_CHARS:
            text = text[:_MAX_CHARS].rsplit(" ", 1)[0] + "…"
        draft = _Draft(start, speaker[0], speaker[1], text, kind, ref or speaker[2], self._negated(verb))
        self.drafts.append(draft)

    # ------------------------------------------------------------------ quotes

    def quotes_pass(self) -> None:
        text = self.text
        for qs, qe in self.quotes:
            if qs < self.state.body_offset:
                continue
            inner = text[qs + 1 : qe - 1]
            if len(inner.split()) < _MIN_WORDS:
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
        m = re.search(r"([,!?…])\s*[—–]\s*([^—–«»„“]{3,150}?)[.,:]\s*[—–]\s*", inner)
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
        m = re.match(r"[,.!?…]?\s*[—–]\s*", self.text[qe : qe + 5])
        if not m:
            return False
        a_start = qe + m.end()
        stop_m = re.search(r"[.!?:;«\n]|\s[—–]\s", self.text[a_start : a_start + 300])
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
            lead = _REPORTED_LEADS.search(line)
            spk: Speaker | None
            if lead and re.match(r"(?i:по\s+(его|её|ее)\s)", lead.group(0)):
                spk = self._pronoun(line_start + lead.start(), lead.group(0).split()[1].lower())
            else:
                spk = self.speaker(region_start, region_stop, verb)
            nxt = m.group("next").strip()
            if nxt[:1] in _OPENERS and nxt[-1:] in '»“”".':
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
        if not rng or not is_speech(self.tokens[rng[0]]):
            return False
        verb = rng[0]
        end = re.search(r"[,:.;(]|\s(?:со ссылкой|в интервью)\s", self.text[self.tokens[verb].stop : sent.stop])
        s_stop = self.tokens[verb].stop + (end.start() if end else sent.stop - self.tokens[verb].stop)
        spk = self.speaker(self.tokens[verb].stop, s_stop, verb)
        prev = self.state.sents[n - 1]
        if prev.start < self.state.body_offset or self.text[prev.start : prev.stop].rstrip().endswith(":"):
            return False
        self.used_verbs.add(verb)
        self.add(prev.start, spk, prev.text, "reported", verb)
        return True

    def _by_words_of(self, start: int, stop: int) -> None:
        """По словам X, ... / По мнению экспертов, ..."""
        sent = self.text[start:stop]
        for m in _REPORTED_LEADS.finditer(sent):
            if self._inside_quote(start + m.start()):
                continue
            comma = sent.find(",", m.end())
            if comma < 0 or comma - m.end() > 150:
                continue
            s_start, s_stop = start + m.end(), start + comma
            # "По словам Роберта Хэммонда, помощника Тиллерсона, ...": skip the apposition.
            after = self._tok_range(start + comma + 1, start + comma + 40)
            if after and self.tokens[after[0]].lemma in ROLE_NOUNS | ROLE_MODIFIERS:
                nxt = sent.find(",", comma + 1)
                if 0 < nxt - comma <= 120:
                    comma = nxt
            pron = re.match(r"(?i:по\s+(его|её|ее)\s)", m.group(0))
            spk = self._pronoun(start + m.start(), pron.group(1).lower()) if pron else self.speaker(s_start, s_stop)
            lead = sent[: m.start()].rstrip(" ,")
            claim = sent[comma + 1 :] if not lead or len(lead.split()) <= 1 else lead + " " + sent[comma + 1 :]
            self.add(start + m.start(), spk, claim, "reported")

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
            if not is_speech(tok) or v in self.used_verbs or self.in_quote[v]:
                continue
            j = v + 1
            while j < stop and j - v <= 5 and self.tokens[j].text not in (",", ":") and self.tokens[j].pos != "VERB":
                j += 1
            if j >= stop - 1:
                continue
            sep = self.tokens[j].text
            if sep == "," and self.tokens[j + 1].lemma != "что":
                continue
            if sep == ":" and self.tokens[j + 1].text in _OPENERS:
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
            spk = self._subject(v, c_start, j) or self.speaker(s_start, s_stop, v)
            if spk is None and c_start < v:
                spk = self.speaker(tok.stop, self.tokens[j].start, v)
            claim_from = self.tokens[j + 2].start if sep == "," and j + 2 < stop else self.tokens[j + 1].start
            claim_stop = self._next_frame(j + 1, stop)
            self.used_verbs.add(v)
            self.add(
                self.tokens[c_start].start, spk, self.text[claim_from : self.tokens[claim_stop - 1].stop], "reported", v
            )

    def _next_frame(self, begin: int, stop: int) -> int:
        """Where a second speech frame of the same sentence starts ("..., и отметил, что ..."), else stop."""
        for k in range(begin + 1, stop - 1):
            tok = self.tokens[k]
            if not is_speech(tok) or self.in_quote[k] or self.tokens[k + 1].text not in (",", ":"):
                continue
            back = k - 1
            if self.tokens[back].lemma == "не" and back - 1 > begin:
                back -= 1  # "..., но не сообщил, кому ..."
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
            if prev.text in _DASH and v >= 2:
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
            if body[:1] not in _OPENERS or body.rstrip(".…").endswith("?"):
                continue
            closer = _OPENERS[body[0]]
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
    state.claims = finder.result()
    for actor, n in finder.resolver.resolved.items():
        state.actors[actor].mentions += n
