"""Transcripts and interviews read as turns: whose floor each paragraph is.

A labelled transcript (`В.Путин: ...`, `С. Донской: ...`, `ПУТИН: ...`, `Сергей Донской (глава
Минприроды): ...`) names its speaker once, at the start of a turn; the paragraphs that follow
without a label are still that speaker's. An interview names the interviewee only in the lead
and alternates questions and answers (`— ...?` / `— ...`, `Вопрос: ...` / `Ответ: ...`, or bare
question paragraphs). Both are the same walk over paragraphs: a label or a question hands the
floor to someone, and every paragraph of a named speaker's floor is one claim of theirs (the first
"name", later ones "continuation"; interview answers are "continuation", since no line names the
interviewee). Questions and interviewer turns are never claims and never glued onto an answer.

A label must look like a person: initials and a surname, a surname or full name of a person of
the article, or a name NER finds spanning the whole label. `Источник:`, `Фото:`, `Теги:` and any
other label that is not a person end a turn and start none. A single label in an article is a
headline's shape (`Обама: ...`), not a transcript: turns are read from two labels on. When the
interviewee cannot be told from the lead with confidence, answers are credited to nobody.

Everything here is one pass over the paragraphs with bisect look-ups: bounded on bad input.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from analysis.entities import key
from analysis.model import ClaimKind
from analysis.speakers import DASH, Draft, Speaker, SpeakerFinder

#: The claim finder's `add` (text cleaned, too-short words dropped): how a turn becomes a claim.
AddClaim = Callable[[int, Speaker | None, str, ClaimKind], None]

#: Words of a title or lead that announce an interview.
INTERVIEW_CUES = re.compile(
    r"интервью|беседе|беседа|беседова|ответил[а-я]* на вопросы|рассказал[а-я]* (?:наш|корреспондент)"
)

_UP = "А-ЯЁ"
_LOW = "а-яё"
_WORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
_CAPS = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?"
_INITIALS = rf"(?:[{_UP}]\.[ \t]?){{1,3}}"
_NAME = (
    rf"{_INITIALS}(?:{_WORD}|{_CAPS})"  # В.Путин, В. В. Путин
    rf"|{_WORD}[ \t]+{_INITIALS}(?=[ \t]*[:(])"  # Путин В.В.
    rf"|{_WORD}(?:[ \t]+{_WORD}){{0,2}}"  # Путин, Владимир Путин
    rf"|{_CAPS}(?:[ \t]+{_CAPS}){{0,2}}"  # ПУТИН, ВЛАДИМИР ПУТИН
    r"|«[^«»\n]{1,40}»"  # «Деловой вестник»: an outlet asking
)
#: A speaker label at the start of a paragraph: a name, an optional role in parentheses, a colon.
_LABEL = re.compile(rf"[ \t]*(?P<name>{_NAME})(?P<role>[ \t]*\([^()\n]{{1,100}}\))?[ \t]*:[ \t]+(?=\S)")
#: The interviewer's labels, and the answerer's when the text does not name them.
_ASKER = re.compile(
    r"[ \t]*(?i:вопрос(?:[ \t]+из[ \t]+зала)?|корр\.|корреспондент|журналист|ведущ(?:ий|ая)|модератор|"
    r"интервьюер|репортёр|репортер|реплика|голос[ \t]+из[ \t]+зала)(?:[ \t]*\([^()\n]{1,100}\))?[ \t]*:[ \t]+(?=\S)"
)
_ANSWER = re.compile(r"[ \t]*(?i:ответ)[ \t]*:[ \t]+(?=\S)")
#: Page chrome that looks like a label: it ends a turn and starts none.
_CHROME = re.compile(
    r"[ \t]*(?i:источник|фото|фотография|видео|теги|тэги|метки|читайте[ \t]+также|см\.[ \t]*также|подробнее|"
    r"автор|иллюстрация|ссылка|оригинал|дата|рубрика|поделиться)[^:\n]{0,30}:"
)
#: A role in parentheses that makes a named speaker the interviewer ("Иван Петров (газета «Заря»)").
_PRESS_ROLE = re.compile(
    r"(?i:газет|журнал|агентств|телеканал|радио|издани|корреспондент|журналист|обозревател|редакц|\bсми\b|«)"
)
#: Nouns and verbs that mark a person of the lead as the one asking ("корреспондент Анна Петрова",
#: "беседовала Анна Петрова", "интервью взял Иван Петров").
_JOURNALIST_NOUNS = frozenset(
    {"корреспондент", "журналист", "ведущий", "соведущий", "интервьюер", "обозреватель", "репортёр", "репортер",
     "редактор", "колумнист", "автор"}
)
_INTERVIEWER_VERBS = frozenset({"беседовать", "побеседовать", "взять", "записать", "подготовить", "расспросить"})
#: Turns longer than this many paragraphs are not followed further (a page of unlabelled text).
_MAX_TURN = 60

Kind = Literal["person", "asker", "answer", "chrome", "dash", ""]


@dataclass(slots=True)
class Para:
    """One paragraph of the body and what its opening says about the floor."""

    start: int
    words: int  # where its words begin, after a label or a dash
    stop: int
    kind: Kind
    question: bool
    actor: int | None = None
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class _Floor:
    """Who holds the floor: a speaker (actor index and/or name), or the interviewer."""

    actor: int | None
    speaker: str | None
    asking: bool = False  # the interviewer, still talking
    asked: bool = False  # the interviewer, the question just ended


_ASKING = _Floor(None, None, asking=True)
_ASKED = _Floor(None, None, asked=True)


def _is_question(body: str) -> bool:
    return body.rstrip(" \t»\"”)").endswith("?")


def _same_surname(known: str, label: str) -> bool:
    """The label's nominative surname and an actor's, even when NER left the actor in an oblique
    case ("Сомовым" for "Сомов", "Лебедевой" for "Лебедева"); never a man's for a woman's."""
    if known == label:
        return True
    if label.endswith("а"):
        return known[: len(label) - 1] == label[:-1] and known[len(label) - 1 :] in ("ой", "ою", "у")
    return known.startswith(label) and known[len(label) :] in ("у", "ом", "ым", "е")


def _heading(body: str) -> bool:
    """A short line with no sentence end: a heading, a date line, a caption — never a turn's words."""
    return len(body.split()) <= 10 and body.rstrip()[-1:] not in ".!?…»\"”)"


class _Reader:
    def __init__(self, finder: SpeakerFinder, add: AddClaim) -> None:
        self.f = finder
        self.add = add
        self.text = finder.text
        self.persons = [i for i, a in enumerate(finder.state.actors) if a.kind == "person"]
        #: The statements the other passes found, by position; those a turn replaces are dropped at the end.
        self.found = sorted(finder.drafts, key=lambda d: d.start)
        self.found_starts = [d.start for d in self.found]
        self.dropped: set[int] = set()

    # ------------------------------------------------------------------ labels

    def paragraphs(self) -> list[Para]:
        out: list[Para] = []
        for m in re.finditer(r"[^\n]+", self.text):
            a, b = m.start(), m.end()
            if a < self.f.state.body_offset or not m.group().strip():
                continue
            out.append(self._classify(a, b, m.group()))
        return out

    def _classify(self, a: int, b: int, body: str) -> Para:
        question = _is_question(body)
        fixed: tuple[tuple[re.Pattern[str], Kind], ...] = ((_ASKER, "asker"), (_ANSWER, "answer"), (_CHROME, "chrome"))
        for pattern, kind in fixed:
            lm = pattern.match(body)
            if lm:
                return Para(a, a + lm.end(), b, kind, question)
        lm = _LABEL.match(body)
        if lm:
            who = self._person(a + lm.start("name"), a + lm.end("name"), lm.group("name"))
            if who is None:  # not a person: an outlet asking ("«Вестник»: ...?", "РБК: ...?") or chrome
                return Para(a, a + lm.end(), b, "asker" if question else "chrome", question)
            role = lm.group("role") or ""
            said: Kind = "asker" if _PRESS_ROLE.search(role) else "person"
            return Para(a, a + lm.end(), b, said, question, who[0], who[1])
        stripped = body.lstrip(" \t")
        if stripped[:1] in DASH and stripped[1:2].isspace():
            return Para(a, a + len(body) - len(stripped.lstrip(DASH + " \t")), b, "dash", question)
        return Para(a, a, b, "", question)

    def _person(self, start: int, stop: int, label: str) -> tuple[int | None, str] | None:
        """The label's person: an actor by surname (and initial or given name), or a name NER found
        spanning the label; initials with a surname are a person even when neither knows them."""
        words = re.findall(rf"[{_UP}][{_LOW}{_UP}-]*\.?", label)
        initials = [w[0] for w in words if w.endswith(".")]
        names = [w for w in words if not w.endswith(".")]
        if not names:
            return None
        surname, given = key(names[-1]), [key(w) for w in names[:-1]]
        fits = [i for i in self.persons if self._fits(i, surname, given, initials)]
        if len(fits) == 1:
            return fits[0], self.f.state.actors[fits[0]].name
        if len(fits) > 1:
            return None, label  # two people share the surname: keep the label, guess nobody
        for m in self.f._mentions_in(max(0, start - 1), stop + 1):
            if m.kind == "person" and m.start <= start + 1 and m.stop >= stop - 1:
                return m.actor, self.f.state.actors[m.actor].name
        if initials:
            return None, re.sub(r"\.(?=\S)", ". ", label.strip())
        return None

    def _fits(self, actor: int, surname: str, given: list[str], initials: list[str]) -> bool:
        """Whether the actor has the label's surname and (when the label gives them) its initial or
        given name. A surname-only form of a fuller name checks nothing, so it counts only for an
        actor the article never names in full."""
        a = self.f.state.actors[actor]
        forms = [key(name).split() for name in (a.name, *a.variants)]
        if not any(len(parts) > 1 for parts in forms):
            return any(parts and _same_surname(parts[-1], surname) for parts in forms)
        for parts in forms:
            if len(parts) < 2 or not _same_surname(parts[-1], surname):
                continue
            if given and parts[0] != given[0]:
                continue
            if initials and parts[0][:1] != initials[0].lower():
                continue
            return True
        return False

    # ------------------------------------------------------------------ the interviewee

    def interviewee(self, first_q: int) -> int | None:
        """The one person of the lead who is not the interviewer; with several, the one a cue
        sentence makes its subject or its "с X" ("беседовал с X"); otherwise nobody."""
        f = self.f
        lead = self.text[:first_q].lower()
        cues = [m.start() for m in INTERVIEW_CUES.finditer(lead)]
        if not cues:
            return None
        persons = [m for m in f.mentions if m.start < first_q and m.kind == "person"]
        asking = {m.actor for m in persons if self._interviewer(m.first)}
        rest = {m.actor for m in persons} - asking
        if len(rest) == 1:
            return rest.pop()
        cue_sents = {f._sent_of(c) for c in cues}
        framed = set()
        for m in persons:
            if m.actor in asking or m.sent not in cue_sents:
                continue
            if f.tokens[m.first].case == "Nom" or self._with(m.first):
                framed.add(m.actor)
        return framed.pop() if len(framed) == 1 else None

    def _with(self, first: int) -> bool:
        """ "беседовал с министром культуры края X": "с" before the name and its apposition."""
        toks = self.f.tokens
        i = first - 1
        sent = toks[first].sent
        while i >= 0 and first - i <= 6 and toks[i].pos in ("NOUN", "ADJ", "PROPN") and toks[i].sent == sent:
            i -= 1
        return i >= 0 and toks[i].lemma in ("с", "со")

    def _interviewer(self, first: int) -> bool:
        toks = self.f.tokens
        sent = toks[first].sent
        back = [t for t in toks[max(0, first - 4) : first] if t.sent == sent]
        if any(t.lemma in _JOURNALIST_NOUNS for t in back):
            return True
        words = [t for t in back if t.pos != "PUNCT"]
        return bool(words) and words[-1].pos == "VERB" and words[-1].lemma in _INTERVIEWER_VERBS

    # ------------------------------------------------------------------ the walk

    def read(self) -> None:
        paras = self.paragraphs()
        labelled = sum(p.kind in ("person", "asker", "answer") for p in paras)
        questions = [n for n, p in enumerate(paras) if p.question and p.kind in ("", "dash", "asker")]
        pairs = [n for n in questions if n + 1 < len(paras) and n + 1 not in questions]
        interviewee: int | None = None
        first_q = len(self.text)
        dashed = False
        interview = False
        if len(pairs) >= 2:
            first_q = paras[questions[0]].start
            interview = bool(INTERVIEW_CUES.search(self.text[:first_q].lower()))
            interviewee = self.interviewee(first_q) if interview else None
            dashed = all(paras[n].kind == "dash" for n in questions)
        if labelled < 2 and not interview:
            return
        guest = None
        if interviewee is not None:
            guest = _Floor(interviewee, self.f.state.actors[interviewee].name)
        floor: _Floor | None = None
        run = 0
        for p in paras:
            in_qa = interview and p.start >= first_q
            kind = p.kind if (p.kind != "dash" or (in_qa and dashed)) else ""
            first = False
            if kind == "chrome" or (kind == "" and _heading(self.text[p.start : p.stop])):
                floor = None
                continue
            if kind == "person":
                floor, first = _Floor(p.actor, p.speaker), True
            elif kind == "asker":
                floor = _ASKED if p.question else _ASKING
            elif kind == "answer":
                floor, first = guest, True
            elif kind == "dash":
                if p.question or (floor is not None and floor == guest):
                    floor = _ASKED if p.question else _ASKING
                else:
                    floor, first = guest, True
            elif p.question:  # a question without a label: the interviewer's in an undashed interview
                if floor is None:
                    floor = _ASKED if in_qa else None
                elif floor.asking or (in_qa and not dashed):
                    floor = _ASKED
            elif floor is not None and floor.asked:
                if in_qa and dashed:
                    continue  # only a dash paragraph answers a dashed question
                floor, first = (guest, True) if in_qa else (None, False)
            elif floor is not None and floor.asking:
                pass
            elif floor is not None and self._narrative(p, floor):
                floor = None
            run = 0 if first else run + 1
            if floor is None or run > _MAX_TURN:
                continue
            if floor.asking or floor.asked:
                self._drop_unnamed(p, None)  # the interviewer's words are nobody's claim
                continue
            if p.question:
                self._drop_unnamed(p, floor)
                continue
            self._claim(p, floor, "name" if first and kind == "person" else "continuation")
        if self.dropped:
            self.f.drafts = [d for d in self.f.drafts if id(d) not in self.dropped]

    def _narrative(self, p: Para, floor: _Floor) -> bool:
        """The article talking again, not the speaker: a paragraph that names the speaker, or one that
        opens with another speaker's own frame ("«...», — сказал X", "X заявил, что ...")."""
        if any(d.start <= p.words + 2 and d.ref in ("name", "outlet") and d.speaker != floor.speaker
               for d in self._inside(p)):
            return True
        if floor.actor is None:
            return False
        return any(m.actor == floor.actor for m in self.f._mentions_in(p.start, p.stop))

    def _inside(self, p: Para) -> list[Draft]:
        lo = bisect.bisect_left(self.found_starts, p.start)
        hi = bisect.bisect_left(self.found_starts, p.stop)
        return self.found[lo:hi]

    def _drop_unnamed(self, p: Para, floor: _Floor | None) -> None:
        """Statements found inside a question or a turn by pronoun, role or continuation are the
        turn's (or nobody's): only a statement naming another actor keeps its own speaker."""
        keep = {id(d) for d in self._inside(p) if d.ref == "name" and d.actor is not None}
        if floor is not None and floor.speaker is not None:
            keep -= {id(d) for d in self._inside(p) if (d.actor or d.speaker) == floor.speaker}
        self.dropped |= {id(d) for d in self._inside(p)} - keep

    def _claim(self, p: Para, floor: _Floor, ref: Literal["name", "continuation"]) -> None:
        own = [d for d in self._inside(p) if floor.actor is not None and d.actor == floor.speaker and d.ref == "name"]
        if own and p.kind != "person":
            return  # the paragraph attributes its own words ("— Нет, — говорит Головина. — ...")
        self._drop_unnamed(p, floor)
        count = len(self.f.drafts)
        actor = floor.speaker if floor.actor is not None else None
        self.add(p.words, (floor.speaker, actor, ref), self.text[p.words : p.stop], "quote")
        if len(self.f.drafts) == count or floor.actor is None:
            return
        if ref == "continuation" or not any(m.actor == floor.actor for m in self.f._mentions_in(p.start, p.words)):
            self.f.resolver.count(floor.actor, p.words)  # the label itself is a mention when NER found it


def read_turns(finder: SpeakerFinder, add: AddClaim) -> None:
    """Claims from labelled turns and interview answers; questions and interviewer turns dropped."""
    _Reader(finder, add).read()
