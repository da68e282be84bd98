"""The working object of claim finding: the article's tokens, mentions, quotes and drafts.

`SpeakerCore` is what every pass shares (token ranges, sentences, the mentions in a span, the speech
verb of a span, whether a frame is negated or a question) and how a mention becomes a speaker
(`_name`: an actor, an outlet). `unnamed.UnnamedSpeakers` adds speakers the text does not name,
`speakers.SpeakerFinder` the resolution of a span to a speaker. The shapes shared by the passes
(quote marks, speech verbs, `по словам`-style leads) live here too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.entities import key
from analysis.lexicon import (
    COMPANY_NOUNS,
    GOVERNMENT_BODY_NOUNS,
    NEGATING_VERBS,
    SPEECH_VERBS,
    STANCE_ADJECTIVES,
)
from analysis.model import ClaimKind, SpeakerRef
from analysis.namesakes import ambiguous_surnames
from analysis.references import OUTLET_NOUNS, Resolver
from analysis.state import Mention, State, Token

#: (speaker as the reader sees it, canonical actor name or None, how the text referred to the speaker)
Speaker = tuple[str | None, str | None, SpeakerRef]

if TYPE_CHECKING:
    from analysis.models import Models

OPENERS = {"«": "»", "„": "“", "“": "”", '"': '"'}
DASH = "—–-"
ADDRESSEES = {
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
    "сми",
    "пресса",
    "журналисты",
}
PRONOUNS = {"он", "она", "они"}
#: Unnamed speakers that are bodies of people: "они", "по их словам" may continue them.
COLLECTIVE = frozenset({"власть", "правительство", "администрация", "руководство", "командование", "СМИ"})
REPORTED_LEADS = re.compile(
    r"(?i:(?<![\w-])(?:по|согласно)\s+(?:(?:его|её|ее|их)\s+)?(?:словам|мнению|оценке|оценкам|утверждению|данным|"
    r"информации|сведениям|прогнозам|прогнозу|заявлению|заявлениям|убеждению|версии|сообщению|сообщениям|"
    r"подсчетам|подсчётам|расчетам|расчётам|заключению|докладу|отчету|отчёту|признанию|заверению|заверениям)\b)"
)
#: Verbs of publishing: their organisation subject is an outlet ("пишет РБК").
PUBLISHING_VERBS = frozenset(
    {"писать", "написать", "сообщать", "сообщить", "передавать", "передать", "цитировать", "процитировать",
     "публиковать", "опубликовать", "приводить", "привести", "информировать", "уточнять"}
)
MIN_WORDS = 3
MAX_CHARS = 600
BODY_NOUNS = GOVERNMENT_BODY_NOUNS | COMPANY_NOUNS


@dataclass(slots=True)
class Draft:
    start: int
    speaker: str | None
    actor: str | None
    text: str
    kind: ClaimKind
    ref: SpeakerRef = "name"
    negated: bool = False
    stop: int = 0


_GOVERNMENT_SHAPES = re.compile(
    r"(?i:министерств|ведомств|департамент|комитет|служб|управлени|агентств|госдеп|пентагон|кремл|правительств)"
    r"|^Мин[а-яё]|^Рос[а-яё]{3}|^М[А-ЯЁ]{1,3}$|^Ф[А-ЯЁ]{2,3}$"
)


def is_government(name: str) -> bool:
    """A ministry or agency by the shape of its name ("Минобороны", "МИД", "Роскосмос", "Министерство ...")."""
    return bool(_GOVERNMENT_SHAPES.search(name))


def is_speech_gerund(tok: Token) -> bool:
    """ "заверив, что", "подчеркнув, что": a gerund frame, its speaker the subject of the main verb."""
    return tok.pos == "VERB" and tok.lemma in SPEECH_VERBS and tok.feats.get("VerbForm") == "Conv"


def is_speech(tok: Token) -> bool:
    """A finite speech verb or a short adjective of conviction ("уверен", "убеждена"); participles and
    gerunds attribute nothing. The tagger lemmatises "уверена" as "уверить" and marks short forms
    ``Variant=Short`` (older models said ``Brev``), so both are accepted."""
    if tok.pos == "ADJ" and tok.feats.get("Variant") in ("Short", "Brev"):
        return tok.lemma in STANCE_ADJECTIVES
    if tok.lemma not in SPEECH_VERBS:
        return False
    return tok.pos == "VERB" and tok.feats.get("VerbForm", "Fin") == "Fin"


_OUTLET_SHAPE = re.compile(
    r"\s*(?:«(?P<quoted>[^«»\n]{2,40})»|(?P<domain>[\w-]+\.(?:ru|ру|рф|com|net|org|info|ua|by|kz|lt|lv|ee|de|uk|fr))\b"
    r"|(?P<latin>[A-Z][\w'&.-]*(?:\s+[A-Z][\w'&.-]*){0,3}))"
)


def shaped_outlet(words: str) -> Speaker | None:
    """ "передает portnews.lt", "пишет The Baltic Times", "сообщает «Морской вестник»": after a verb of
    publishing, a title in quotes, a domain or Latin words name an outlet even when NER saw no name."""
    m = _OUTLET_SHAPE.match(words)
    if not m:
        return None
    name = (m.group("quoted") or m.group("domain") or m.group("latin") or "").strip(" .")
    return (name, None, "outlet") if len(name) >= 2 else None


def one_of(toks: list[Token]) -> Speaker | None:
    """ "один из опрошенных Уилсоном молодых людей": one of many, unnamed, kept as the text says it."""
    words = [t for t in toks if t.pos != "PUNCT"]
    if len(words) < 3 or words[0].lemma not in ("один", "одна", "многие", "некоторые") or words[1].lemma != "из":
        return None
    end = next(
        (k for k, t in enumerate(words) if k > 1 and t.pos in ("VERB", "AUX") and t.feats.get("VerbForm") != "Part"),
        len(words),
    )
    phrase = " ".join(t.text for t in words[: min(end, 8)])
    return phrase[:1].lower() + phrase[1:], None, "anonymous"


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Top-level quoted segments [open, close+1), nested quotes staying inside their parent.

    „лапки“ close with “, which also opens English quotes: the stack tells them apart. A straight quote
    after a space or a colon and before a letter opens a nested quote even inside straight quotes
    (typewriter text nests `"` in `"`); one after a word closes. Quotes never
    cross a line break here; an unbalanced quote is dropped instead of eating the article.
    """
    out: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if ch == "\n":
            stack.clear()
            continue
        if ch == '"' and stack and i > 0 and (text[i - 1].isspace() or text[i - 1] in "(:«„“—–-") and (
            i + 1 < len(text) and text[i + 1].isalnum()
        ):
            stack.append((i, '"'))  # straight quotes nested in straight quotes: 'сказать: "Здрасте" - так'
            continue
        if stack and ch == stack[-1][1]:
            start, _ = stack.pop()
            if not stack:
                out.append((start, i + 1))
        elif ch in OPENERS:
            if ch == '"' and (i + 1 >= len(text) or text[i + 1].isspace()):
                continue
            stack.append((i, OPENERS[ch]))
    return out


class SpeakerCore:
    """Shared state and helpers of the claim passes (see the module docstring)."""

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
        self.drafts: list[Draft] = []
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
        self._places: set[str] | None = None
        #: Persons a bare surname does not single out (`namesakes`): (shared, merged).
        self.namesakes = ambiguous_surnames(state)
        #: Where the statement being attributed begins (a quote's opening mark): references in its
        #: attribution look back from there, not from after the quote's own sentences.
        self.anchor: int | None = None
        self._ends: dict[int, int] | None = None
        #: Unnamed speakers that are many ("эксперты"): what "они" can continue.
        self.plural_speakers: set[str] = set()


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
        """The first speech verb of the range outside quotes; an infinitive counts after a finite verb
        ("любил повторять", "стал рассказывать"), the finite verb being only its aspect or habit."""
        for i in rng:
            tok = self.tokens[i]
            if self.in_quote[i]:
                continue
            if is_speech(tok):
                return i
            if (
                tok.lemma in SPEECH_VERBS
                and tok.feats.get("VerbForm") == "Inf"
                and i > 0
                and self.tokens[i - 1].pos == "VERB"
                and self.tokens[i - 1].feats.get("VerbForm") == "Fin"
            ):
                return i
        return None

    def _recent_person(self, pos: int) -> int | None:
        """The person who spoke in this or the previous sentence ("..., — ответил оппозиционер"); a
        quote of several sentences counts from its last one ("«...» — цитирует ТАСС заявление X. Министр
        отметил, что ..." follows X's words)."""
        sent = self._sent_of(pos)
        ends = self._quote_ends()
        before = [
            d
            for d in self.drafts
            if d.start < pos and d.actor and sent - self._sent_of(min(ends.get(d.start, d.start), pos)) <= 1
        ]
        return self._person_of_last(before)

    def _person_of_last(self, drafts: list[Draft]) -> int | None:
        """The actor index of the latest of ``drafts``' speakers, if that speaker is a person: "он" and
        a role noun can only point back to someone who speaks, never to a body quoted just before."""
        if not drafts:
            return None
        last = max(drafts, key=lambda d: d.start)
        index = next((i for i, a in enumerate(self.state.actors) if a.name == last.actor), None)
        if index is None or self.state.actors[index].kind != "person":
            return None
        return index

    def _quote_ends(self) -> dict[int, int]:
        """Where each top-level quote that opens at a position closes."""
        if self._ends is None:
            self._ends = {qs: qe - 1 for qs, qe in self.quotes}
        return self._ends

    def _name(self, m: Mention) -> Speaker:
        name = self.state.actors[m.actor].name
        if self._is_outlet(m):
            return name, None, "outlet"  # the page's own outlet is not one of the article's actors
        if m.actor in self.namesakes[0] | self.namesakes[1] and m.stop_token - m.first == 1:
            return name.split()[-1], None, "name"  # "Вертинский" when father and son are both named
        return name, name, "outlet" if self._outlet_phrase(m) or self._media_name(m) else "name"

    def _media_name(self, m: Mention) -> bool:
        """ "пишет Лента.ру", "сообщают «Ведомости»": an organisation that publishes is an outlet.

        Told by shape: a reporting verb, and a name in quotation marks, in Latin letters or with a
        domain, as media titles are written in Russian text.
        """
        verb = self._verb
        if m.kind != "organization" or verb is None or self.tokens[verb].lemma not in PUBLISHING_VERBS:
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
