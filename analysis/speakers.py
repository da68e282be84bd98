"""Who is speaking at a place in the text: names, pronouns, role nouns, outlets, documents.

The half of claim finding that answers "whose words are these": `SpeakerFinder` holds the article's
tokens and mentions and resolves a speaker for a span (by the syntax subject of its speech verb, a
name, a pronoun or role noun through `references.Resolver`, or the outlet), and says whether the
frame is negated or a question. `claims` builds on it with the passes that find the statements.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.entities import key
from analysis.lexicon import (
    CITING_VERBS,
    COMPANY_NOUNS,
    DOCUMENT_NOUNS,
    GOVERNMENT_BODY_NOUNS,
    IMPERSONAL_VERBS,
    NEGATING_VERBS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    SERVICE_NOUNS,
    SOURCE_NOUNS,
    SPEECH_VERBS,
    STANCE_ADJECTIVES,
)
from analysis.model import ClaimKind, SpeakerRef
from analysis.morph import to_nominative
from analysis.namesakes import ambiguous_surnames, surname_key
from analysis.references import DESCRIPTORS, OUTLET_NOUNS, Resolver, head_of
from analysis.state import Mention, State, Token

#: (speaker as the reader sees it, canonical actor name or None, how the text referred to the speaker)
Speaker = tuple[str | None, str | None, SpeakerRef]

if TYPE_CHECKING:
    from analysis.models import Models

OPENERS = {"«": "»", "„": "“", "“": "”", '"': '"'}
DASH = "—–-"
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
#: Unnamed speakers that are bodies of people: "они", "по их словам" may continue them.
_COLLECTIVE = frozenset({"власть", "правительство", "администрация", "руководство", "командование", "СМИ"})
REPORTED_LEADS = re.compile(
    r"(?i:(?<![\w-])(?:по|согласно)\s+(?:(?:его|её|ее|их)\s+)?(?:словам|мнению|оценке|оценкам|утверждению|данным|"
    r"информации|сведениям|прогнозам|прогнозу|заявлению|заявлениям|убеждению|версии|сообщению|сообщениям|"
    r"подсчетам|подсчётам|расчетам|расчётам|заключению|докладу|отчету|отчёту|признанию)\b)"
)
#: Verbs of publishing: their organisation subject is an outlet ("пишет РБК").
_PUBLISHING_VERBS = frozenset(
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


def _is_government(name: str) -> bool:
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


def _shaped_outlet(words: str) -> Speaker | None:
    """ "передает portnews.lt", "пишет The Baltic Times", "сообщает «Морской вестник»": after a verb of
    publishing, a title in quotes, a domain or Latin words name an outlet even when NER saw no name."""
    m = _OUTLET_SHAPE.match(words)
    if not m:
        return None
    name = (m.group("quoted") or m.group("domain") or m.group("latin") or "").strip(" .")
    return (name, None, "outlet") if len(name) >= 2 else None


def _one_of(toks: list[Token]) -> Speaker | None:
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
        elif ch in OPENERS:
            if ch == '"' and (i + 1 >= len(text) or text[i + 1].isspace()):
                continue
            stack.append((i, OPENERS[ch]))
    return out


class SpeakerFinder:
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
        #: Unnamed speakers that are many ("эксперты"): what "они" can continue.
        self.plural_speakers: set[str] = set()

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

    def _subject(self, verb: int, clause: int, sep: int) -> Speaker | None:
        """The speaker as the syntax parser sees it: the subject of the verb, or of the verb it is coordinated
        with ("Президент выразил уверенность ... и отметил, что": the president)."""
        head = verb
        subj = None
        # "..., заверив, что": a gerund's subject is the subject of the verb it modifies.
        climb = ("conj", "advcl") if self.tokens[verb].feats.get("VerbForm") == "Conv" else ("conj",)
        for _ in range(3):
            subj = next((c for c in self.children.get(head, []) if self.tokens[c].rel in ("nsubj", "nsubj:pass")), None)
            if subj is not None or self.tokens[head].rel not in climb or self.tokens[head].head < 0:
                break
            up = self.tokens[head].head
            framed = is_speech(self.tokens[up]) or is_speech_gerund(self.tokens[up])
            if self.tokens[head].rel == "conj" and not framed:
                break  # "Россия обманывала ..., а также добавила": coordinated with a verb inside what was said
            head = up
        if subj is None or self.in_quote[subj] or self.tokens[subj].sent != self.tokens[verb].sent:
            return None
        tok = self.tokens[subj]
        if tok.lemma in _PRONOUNS:
            return self._pronoun(tok.start, tok.text.lower())
        if tok.lemma == "который":
            return self._antecedent(head)
        lo = hi = subj
        stack = [subj]
        while stack:
            node = stack.pop()
            for child in self.children.get(node, []):
                if self.tokens[child].rel in ("punct", "cc", "conj", "acl", "acl:relcl", "parataxis"):
                    continue
                lo, hi = min(lo, child), max(hi, child)
                stack.append(child)
        apart = head == verb and lo < clause and not self._inserted(hi, verb)
        if lo <= verb <= hi or hi - lo > 14 or hi >= sep or apart:
            return None  # the subject of a speech verb sits in its own clause, before "что"
        return self.speaker(self.tokens[lo].start, self.tokens[hi].stop, verb)

    def _inserted(self, hi: int, verb: int) -> bool:
        """ "Гуцу, который консультирует ассоциацию, заявил": only a relative clause, a participle
        phrase or an apposition between commas separates the subject from its verb."""
        between = self.tokens[hi + 1 : verb]
        if len(between) < 3 or between[0].text != "," or between[-1].text != ",":
            return False
        inner = between[1:-1]
        if any(t.text in (".", ";", ":", "«", "»") or is_speech(t) for t in inner) or len(inner) > 15:
            return False
        first = inner[0]
        return (
            first.lemma in ("который", "которая", "которые")
            or first.feats.get("VerbForm") in ("Part", "Conv")
            or first.lemma in ROLE_NOUNS
            or first.lemma in ROLE_MODIFIERS
        )

    def _antecedent(self, verb: int) -> Speaker | None:
        """ "Налле Валруса, который заявил, что ...": the noun the relative clause hangs on speaks."""
        tok = self.tokens[verb]
        if tok.rel != "acl:relcl" or tok.head < 0:
            return None
        noun = tok.head
        m = self.mention_at.get(noun)
        if m is not None:
            return self._name(m)
        lo = min([noun, *(c for c in self.children.get(noun, []) if c < noun)])
        return self.speaker(self.tokens[lo].start, self.tokens[noun].stop)

    def _pronoun(self, pos: int, word: str) -> Speaker:
        """ "он", "по её словам": the nearest compatible person before pos, else the pronoun as text.

        A claim in this or the previous sentence wins over a nearer mention: in "Колеров сообщил, что
        Сорокин покинул компанию. По его словам, ..." the words continue Колеров's statement; a
        person named inside what he said is not who "его" points back to.
        """
        sent = self._sent_of(pos)
        if word in ("они", "их"):
            return self._plural(pos, sent) or (word, None, "pronoun")
        actor = self._recent_speaker(pos, sent, word)
        if actor is None:
            actor = self.resolver.pronoun(pos, sent, word)
        if actor is None:
            return word, None, "pronoun"
        name = self.state.actors[actor].name
        if actor in self.namesakes[0] | self.namesakes[1]:
            return name.split()[-1], None, "pronoun"  # father and son, or two people under one name
        self.resolver.count(actor, pos)
        return name, name, "pronoun"

    def _plural(self, pos: int, sent: int) -> Speaker | None:
        """ "они", "по их словам": the speakers of this or the previous sentence when they are many
        ("эксперты", "два дипломата") or a body ("в МИД заявили ... По их словам"); otherwise unresolved.
        """
        before = [d for d in self.drafts if d.start < pos and sent - self._sent_of(d.start) <= 1]
        if not before:
            return None
        last = max(before, key=lambda d: d.start)
        if last.actor is not None:
            actor = next((i for i, a in enumerate(self.state.actors) if a.name == last.actor), None)
            if actor is None or self.state.actors[actor].kind != "organization":
                return None
            self.resolver.count(actor, pos)
            return last.speaker, last.actor, "pronoun"
        if last.speaker is not None and last.speaker in self.plural_speakers:
            return last.speaker, None, "pronoun"
        return None

    def _recent_person(self, pos: int) -> int | None:
        """The person who spoke in this or the previous sentence ("..., — ответил оппозиционер")."""
        sent = self._sent_of(pos)
        before = [d for d in self.drafts if d.start < pos and d.actor and sent - self._sent_of(d.start) <= 1]
        if not before:
            return None
        last = max(before, key=lambda d: d.start)
        index = next((i for i, a in enumerate(self.state.actors) if a.name == last.actor), None)
        if index is None or self.state.actors[index].kind != "person":
            return None
        return index

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
        if m.actor in self.namesakes[0] | self.namesakes[1] and m.stop_token - m.first == 1:
            return name.split()[-1], None, "name"  # "Вертинский" when father and son are both named
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
        # "опрошенных Уилсоном", "сказал Путину", "о Путине": an agent, addressee or topic, not a speaker.
        persons = [m for m in found if m.kind == "person" and self.tokens[m.first].case not in ("Dat", "Ins", "Loc")]
        rng = self._tok_range(start, stop)
        toks = [self.tokens[i] for i in rng if i != verb]
        words = [t for t in toks if t.pos not in ("PUNCT",)]
        subject_pronoun = next(
            (t for t in words if t.lemma in _PRONOUNS and t.case == "Nom" and not self.in_quote[self.index[id(t)]]),
            None,
        )
        if persons and not any(self.tokens[m.first].case == "Nom" for m in persons) and _one_of(toks):
            return _one_of(toks)  # "один из опрошенных Уилсоном экспертов": not Уилсон
        if persons:
            nom = [m for m in persons if self.tokens[m.first].case == "Nom"]
            if not nom and subject_pronoun is not None:
                # "что он пишет о музыке пианиста Монка": the pronoun is the subject, the name a genitive.
                return self._pronoun(subject_pronoun.start, subject_pronoun.text.lower())
            m = (nom or persons)[0]
            head = self.tokens[m.first - 1] if m.first > 0 else None
            dependent = (
                not nom
                and head is not None
                and head.pos == "NOUN"
                and (head.case == "Nom" or head.lemma in SERVICE_NOUNS)
                and (
                    head.lemma in ROLE_NOUNS
                    or head.lemma in SOURCE_NOUNS
                    or (head.case == "Nom" and head.feats.get("Animacy") == "Anim")
                )
            )
            if not dependent:
                return self._name(m)
            # "Представитель Путина подчеркнул", "цитирует пресс-службу Порошенко", "кузина Пастернака
            # пишет": the speaker is the representative, the service or the relative, not the person.
            assert head is not None
            parts = [to_nominative(self.vocab, head.text, head.pos, head.feats)]
            parts += [t.text for t in self.tokens[m.first : m.stop_token]]
            phrase = " ".join(parts)
            return phrase[:1].lower() + phrase[1:], None, "role" if head.lemma in ROLE_NOUNS else "anonymous"
        for t in words[:2]:
            if t.lemma in _PRONOUNS and t.case == "Nom":
                return self._pronoun(t.start, t.text.lower())
        if subject_pronoun is not None and verb is not None and subject_pronoun.head == verb:
            return self._pronoun(subject_pronoun.start, subject_pronoun.text.lower())  # "Вот что он пишет:"
        if verb is not None and self.tokens[verb].lemma in _PUBLISHING_VERBS:
            # "— приводит его «Росбалт»", "цитирует её агентство": the outlet quotes the person it names.
            for n, t in enumerate(words[:3]):
                if t.text.lower() not in ("его", "её", "ее"):
                    continue
                # Right after a verb of citing, "её" is its object even where the tagger reads a
                # possessive ("процитировали её участники заседания").
                cited = n == 0 and self.tokens[verb].lemma in CITING_VERBS
                if cited or (t.lemma in _PRONOUNS and t.case in ("Acc", "Gen")):
                    return self._pronoun(t.start, t.text.lower())
            # "цитирует ERR.ee Сепп": after a Latin title the tagger and NER lose the surname.
            for t in words:
                person = self._surname_of_person(t)
                if person is not None:
                    return person
        places = [m for m in found if m.kind == "location" and self._where(m)]
        if places and len(places) == len([m for m in found if not self._is_outlet(m)]):
            # "В Британии отмечают": where it was said, not who said it.
            m = places[0]
            where = self.text[self.tokens[m.first - 1].start : m.stop]
            return where[:1].lower() + where[1:], None, "anonymous"
        others = [
            m
            for m in found
            if not self._is_outlet(m)
            and m not in places
            and not (m.kind == "person" and self.tokens[m.first].case in ("Dat", "Ins", "Loc"))
        ]
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
        if verb is not None and self.tokens[verb].lemma in _PUBLISHING_VERBS:
            return _shaped_outlet(self.text[start:stop])
        return None

    def _where(self, m: Mention) -> bool:
        """A place named after "в"/"на" ("в Британии", "на Украине"): a location, not a speaker."""
        if m.first == 0 or self.tokens[m.first].case not in ("Loc", "Dat", "Acc", None):
            return False
        return self.tokens[m.first - 1].lemma in ("в", "во", "на")

    def _surname_of_person(self, tok: Token) -> Speaker | None:
        """A capitalised word NER left out that is the surname of exactly one person of the article."""
        if not tok.text[:1].isupper() or self.index[id(tok)] in self.mention_at or len(tok.text) < 3:
            return None
        stem = surname_key(tok.text)
        found = [
            i for i, a in enumerate(self.state.actors) if a.kind == "person" and surname_key(a.name.split()[-1]) == stem
        ]
        if len(found) != 1:
            return None
        name = self.state.actors[found[0]].name
        if found[0] in self.namesakes[0] | self.namesakes[1]:
            return name.split()[-1], None, "name"
        self.resolver.count(found[0], tok.start)
        return name, name, "name"

    def _document_author(self, start: int, stop: int) -> Speaker | None:
        """ "говорится в заявлении министерства", "в комментарии, который получил РБК от департамента"."""
        for m in self._mentions_in(start, stop):
            before = self.tokens[m.first - 1] if m.first > 0 else None
            latin_after_genitive = (
                self.tokens[m.first].case is None
                and before is not None
                and (before.lemma in DOCUMENT_NOUNS or (before.pos == "NOUN" and before.case == "Gen"))
            )  # "в статье британской газеты Mail on Sunday": a Latin name has no case of its own
            from_author = before is not None and before.lemma == "от"
            if self.tokens[m.first].case == "Gen" or latin_after_genitive or from_author:
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
        one_of = _one_of(toks)
        if one_of is not None:
            return one_of
        for n, tok in enumerate(toks):
            if index[id(tok)] in skip or (tok.lemma in _ADDRESSEES and tok.case in ("Dat", "Loc", "Ins", "Acc")):
                continue
            if tok.pos == "NOUN" and (
                tok.lemma in SOURCE_NOUNS
                or tok.lemma in ROLE_NOUNS
                or tok.lemma in BODY_NOUNS
                or (tok.case == "Nom" and tok.feats.get("Animacy") == "Anim" and tok.lemma not in _PRONOUNS)
            ):
                if tok.case in ("Dat", "Ins"):
                    continue
                if tok.case == "Gen" and n > 0 and toks[n - 1].pos == "NOUN" and toks[n - 1].case != "Gen":
                    continue  # "пресс-служба президента": the service speaks, not the president
                head = n
                break
        if head is None:
            return None
        if head + 1 < len(toks):
            nxt = toks[head + 1]
            named = self.mention_at.get(index[id(nxt)])
            apposed = nxt.case in (None, toks[head].case) or self.text[nxt.start - 1 : nxt.start] in OPENERS
            if named is not None and named.kind == "organization" and named.first == index[id(nxt)] and apposed:
                # "компания Flashpoint Intelligence", "холдинг «Медиа-Мост»": the name speaks; not the
                # genitive of "глава СПЧ", "сотрудники Смольного".
                return None
        head_lemma = toks[head].lemma
        singular = toks[head].feats.get("Number") != "Plur"
        if head_lemma in OUTLET_NOUNS and toks[head].case in ("Nom", "Gen") and singular:
            # "пишет издание": the outlet whose article is retold, when the page says which.
            if self.source:
                return self.source, None, "outlet"
            return toks[head].text.lower(), None, "outlet"
        if head_lemma in BODY_NOUNS and singular:
            bare = head + 1 >= len(toks) or toks[head + 1].pos not in ("NOUN", "PROPN")
            body = self._body(toks[head]) if bare else None
            if body is not None:
                self.resolver.count(body, toks[head].start)
                name = self.state.actors[body].name
                return name, name, "role"
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
            agrees = begin + n <= head and tok.case == head_case and head_case in ("Gen", "Acc", "Loc")
            words.append(to_nominative(self.vocab, tok.text, tok.pos, tok.feats) if agrees else tok.text)
        text = " ".join(words)
        text = text[:1].lower() + text[1:] if text[1:2].islower() else text
        plural = toks[head].feats.get("Number") == "Plur"
        if plural or head_lemma in BODY_NOUNS or head_lemma in SERVICE_NOUNS or head_lemma in _COLLECTIVE:
            self.plural_speakers.add(text)
        if head_lemma in ROLE_NOUNS and not plural and (end - begin == 1 or self._qualifies(phrase_toks, head - begin)):
            quals = [(t.lemma, self._is_place(t)) for t in toks[head + 1 : end]]
            quals += [(t.lemma, self._is_place(t)) for t in toks[begin:head]]
            holder = self.resolver.role(
                toks[head].start,
                toks[head].sent,
                head_lemma,
                of=head_of(head_lemma, quals),
                fits=lambda actor: self._role_fits(actor, text),
            )
            if holder is None and head_lemma in DESCRIPTORS:
                holder = self._recent_person(toks[head].start)
            if holder is not None and holder in self.namesakes[0] | self.namesakes[1]:
                return self.state.actors[holder].name.split()[-1], None, "role"
            if holder is not None:
                self.resolver.count(holder, toks[head].start)
                name = self.state.actors[holder].name
                return name, name, "role"
            return text, None, "role"
        return text, None, "anonymous"

    def _body(self, tok: Token) -> int | None:
        """ "в ведомстве заявили", "холдинг уточнил": the organisation of that kind named just before.

        A ministry-like noun points to a government body, a company-like noun to any other
        organisation (outlets excepted). Accepted when one such body is in the nearest sentences, or
        the nearest one carries the noun in its own name ("холдинг «Газпром-медиа»").
        """
        government = tok.lemma in GOVERNMENT_BODY_NOUNS
        order: list[int] = []
        near: set[int] = set()
        for r in self.resolver._before(tok.start, tok.sent):
            actor = self.state.actors[r.actor]
            if actor.kind != "organization" or key(actor.name) in self.outlets or r.actor in order:
                continue
            if _is_government(actor.name) != government:
                continue
            order.append(r.actor)
            if tok.sent - r.sent <= 3:
                near.add(r.actor)
        if not order:
            return None
        if len(near) == 1:
            return near.pop()
        stem = tok.lemma[:5]
        nearest = self.state.actors[order[0]]
        text_around = " ".join([*nearest.variants, nearest.name]).lower()
        return order[0] if stem in text_around else None

    def _is_place(self, tok: Token) -> bool:
        """Part of a location's name ("главы Казахстана") or an adjective of one ("российский лидер")."""
        m = self.mention_at.get(self.index[id(tok)])
        if m is not None:
            return m.kind == "location"
        return tok.pos == "ADJ" and self._place_adjective(tok.lemma)

    def _place_adjective(self, lemma: str) -> bool:
        stems = self._place_stems()
        return len(lemma) > 4 and any(lemma[:4] == p[:4] for p in stems)

    def _place_stems(self) -> set[str]:
        if self._places is None:
            self._places = {
                w
                for a in self.state.actors
                if a.kind == "location"
                for v in (a.name, *a.variants)
                for w in key(v).split()
                if len(w) > 3
            }
        return self._places

    @staticmethod
    def _qualifies(phrase: list[Token], head: int) -> bool:
        """ "бывший министр", "министр обороны": a role phrase, not "министр и эксперт"."""
        return all(t.pos in ("ADJ", "NOUN", "PROPN", "DET", "ADP") for t in phrase)

    def _role_fits(self, actor: int, phrase: str) -> int:
        """ "президент России" must not resolve to a person whose role is "президент США".

        A qualifier that names a place of the article ("России", "российский") should appear in the
        person's role: 2 when it does (or the phrase names no place), 1 when the role names no
        place at all ("президент Владимир Путин"), 0 when it names another. Other qualifiers
        ("Большого", "театра") are the text's own shorthand for the body.
        """
        role = key(self.state.actors[actor].role or "")
        words = key(phrase).split()
        if len(words) <= 1:
            return 2
        places = self._place_stems()
        named = [w for w in words if len(w) > 3 and any(p[:5] == w[:5] or p[:4] == w[:4] for p in places)]
        if all(w[:4] in role for w in named):
            return 2
        in_role = [w for w in role.split() if len(w) > 3 and any(p[:5] == w[:5] for p in places)]
        return 0 if in_role else 1

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
