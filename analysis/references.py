"""Who "он", "министр" and "издание" are: references resolved to the article's actors.

Russian news name a speaker once and then refer back ("..., — добавил он", "По словам министра",
"пишет издание"). The rule is the one a careful reader applies: the nearest preceding compatible
mention, where compatible means the same gender and number (from natasha's morphology), a person
for a personal pronoun, and, for a role noun, a person whose role starts with that noun. Mentions in
subject position or in apposition to a role noun are preferred to possessors ("администрации
Обамы"), which are rarely what "он" points back to; and a subject "он" prefers the nearest mention in
the nominative to a nearer oblique one ("с президентом Лукашенко"). When nothing compatible is close enough the
reference stays unresolved and the caller keeps the words of the text: a wrong name is the one error
an analyst cannot afford.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from analysis.lexicon import ROLE_MODIFIERS, ROLE_NOUNS
from analysis.state import Mention, State, Token

#: How far back (in sentences) a pronoun or a role noun may point.
WINDOW = 6
#: Nouns that stand for the outlet whose article is retold ("пишет издание").
OUTLET_NOUNS = frozenset(
    {"издание", "газета", "журнал", "агентство", "телеканал", "радиостанция", "портал", "сайт", "таблоид", "сми"}
)
#: Descriptors that name a woman: they refer back only to a woman.
FEMININE_DESCRIPTORS = frozenset(
    {
        "исследовательница", "писательница", "журналистка", "активистка", "правозащитница", "спортсменка",
        "артистка", "актриса", "певица", "поэтесса", "предпринимательница", "депутатка",
    }
)
#: Person nouns that describe rather than name an office: they refer back to the person in focus.
#: Not "эксперт", "аналитик", "источник": those usually introduce someone new, named later or never.
DESCRIPTORS = frozenset(
    {
        "дипломат", "политик", "оппозиционер", "парламентарий", "депутат", "физик", "бизнесмен",
        "предприниматель", "правозащитник", "активист", "блогер", "спортсмен", "режиссёр", "режиссер",
        "артист", "писатель", "историк", "профессор",
    }
) | FEMININE_DESCRIPTORS
PERSONAL = {"он": ("Masc", "Sing"), "она": ("Fem", "Sing"), "они": (None, "Plur")}
POSSESSIVE = {"его": ("Masc", "Sing"), "её": ("Fem", "Sing"), "ее": ("Fem", "Sing"), "их": (None, "Plur")}


@dataclass(slots=True)
class Referent:
    """A place in the text that names an actor: a mention, or a role noun already resolved."""

    pos: int
    sent: int
    actor: int
    salient: bool
    #: In the nominative: the subject of its clause, not an apposition to an oblique role noun.
    subject: bool = True


def _role_head(role: str | None) -> str:
    return (role or "").split(" ")[0].lower()


#: Nouns for whoever heads a body: "руководитель театра" is the same person as its "гендиректор".
HEAD_ROLES = frozenset(
    {"глава", "руководитель", "директор", "гендиректор", "председатель", "начальник", "шеф", "лидер"}
)

#: Offices by what they head. "Глава государства" is whoever the text called "президент" (or a
#: monarch), "глава правительства" the premier or chancellor, "глава МИД" the foreign minister: the
#: head noun differs from the title, the office is the same. Keyed by the class of the genitive
#: after "глава"/"руководитель"/"лидер" (see `head_of`).
HEADS_OF_STATE = frozenset({"президент", "король", "королева", "монарх", "султан", "эмир", "шейх"})
HEADS_OF_GOVERNMENT = frozenset({"премьер", "премьер-министр", "канцлер"})
STATE_NOUNS = frozenset({"государство", "страна", "держава", "королевство"})
GOVERNMENT_NOUNS = frozenset({"правительство", "кабинет", "кабмин"})
DIPLOMACY_NOUNS = frozenset({"мид", "дипломатия", "внешнеполитический"})
BODY_NOUNS = frozenset({"ведомство", "министерство", "департамент"})
REGION_NOUNS = frozenset({"регион", "область", "край", "город", "округ", "субъект", "столица"})


def head_of(lemma: str, qualifiers: list[tuple[str, bool]]) -> str | None:
    """What a head-of noun heads, as a class: "state", "government", "diplomacy", "body", "region",
    "place" (a named country or city), "leader" (a bare "лидер", "российский лидер"), or None.

    ``qualifiers`` are the lemmas after (genitives) and before (adjectives) the noun, each with
    whether it is part of a place name.
    """
    if lemma not in HEAD_ROLES:
        return None
    if not qualifiers:
        return "leader" if lemma == "лидер" else None
    for word, is_place in qualifiers:
        if word in STATE_NOUNS:
            return "state"
        if word in GOVERNMENT_NOUNS:
            return "government"
        if word in DIPLOMACY_NOUNS:
            return "diplomacy"
        if word in BODY_NOUNS:
            return "body"
        if word in REGION_NOUNS:
            return "region"
        if is_place:
            return "place"
    return None


def _family_fits(of: str, head: str, role: str) -> bool:
    low = role.lower()
    if of == "state":
        return head in HEADS_OF_STATE or "государств" in low
    if of == "government":
        return head in HEADS_OF_GOVERNMENT or "правительств" in low
    if of == "diplomacy":
        return head == "госсекретарь" or "иностранных дел" in low or "мид" in low.split()
    if of == "body":
        return head in ("министр", "госсекретарь") or head in HEAD_ROLES
    if of == "region":
        return head in ("губернатор", "мэр") or head in HEAD_ROLES
    if of == "place":
        return head in HEADS_OF_STATE | HEADS_OF_GOVERNMENT | HEAD_ROLES | {"губернатор", "мэр"}
    return head in HEADS_OF_STATE | HEADS_OF_GOVERNMENT | {"лидер"}  # "leader"


def role_matches(lemma: str, role: str | None, head: str | None = None, of: str | None = None) -> bool:
    """ "министр" matches "министр обороны", "премьер" matches "премьер-министр", "глава государства"
    matches "президент России" (``of`` is what a head-of noun heads, from `head_of`).

    ``head`` is the lemma of the role's first word when known (a role left in an oblique case,
    "главы ведомства", still has the head "глава").
    """
    head = head or _role_head(role)
    if not head:
        return False
    if of is not None:
        return _family_fits(of, head, role or "")
    if lemma in HEAD_ROLES and head in HEAD_ROLES:
        return True
    return head == lemma or head.startswith(lemma + "-") or lemma.startswith(head + "-")


class Resolver:
    """Resolves references at a text position to actor indexes, nearest compatible first."""

    def __init__(self, state: State, in_quote: list[bool]) -> None:
        self.state = state
        self.genders = actor_genders(state)
        lemma_of = {t.text.lower(): t.lemma for t in state.tokens if t.pos == "NOUN"}
        self.role_heads = {
            i: lemma_of.get(_role_head(a.role), _role_head(a.role)) for i, a in enumerate(state.actors) if a.role
        }
        self.referents: list[Referent] = []
        self.positions: list[int] = []
        #: Text positions already counted as a mention (each reference counts once).
        self.counted: set[int] = set()
        tokens = state.tokens
        for m in state.mentions:
            if m.actor < 0 or in_quote[m.first]:
                continue
            nominative = tokens[m.first].case in ("Nom", None)
            self.referents.append(Referent(m.start, m.sent, m.actor, _salient(tokens, m), nominative))
        self._role_referents(in_quote)
        self.referents.sort(key=lambda r: r.pos)
        self.positions = [r.pos for r in self.referents]
        #: References resolved while finding claims: they count as mentions of the actor.
        self.resolved: Counter[int] = Counter()

    def _role_referents(self, in_quote: list[bool]) -> None:
        """A bare role noun in the nominative ("Сенатор заслужил ...") refers to the person holding that role."""
        tokens = self.state.tokens
        named = {i for m in self.state.mentions for i in range(m.first, m.stop_token)}
        for i, tok in enumerate(tokens):
            if tok.lemma not in ROLE_NOUNS or tok.pos != "NOUN" or tok.case != "Nom" or in_quote[i]:
                continue
            nxt = i + 1
            while nxt < len(tokens) and tokens[nxt].sent == tok.sent and tokens[nxt].pos in ("ADJ", "NOUN", "PROPN"):
                if nxt in named:
                    break
                nxt += 1
            if nxt in named or tok.feats.get("Number") == "Plur":
                continue  # a title in front of a name, or "министры": not a reference
            prev = tokens[i - 1] if i > 0 and tokens[i - 1].sent == tok.sent else None
            if prev is not None and prev.pos == "ADJ" and prev.lemma not in ROLE_MODIFIERS:
                continue  # "российский президент": qualified, maybe another country's; the claim step decides
            actor = self._by_role(tok.start, tok.sent, tok.lemma, preliminary=True)
            if actor is not None:
                self.referents.append(Referent(tok.start, tok.sent, actor, True))
                self.state.actors[actor].mentions += 1
                self.counted.add(tok.start)

    def _before(self, pos: int, sent: int) -> list[Referent]:
        """Referents before pos, nearest first, within the window."""
        i = bisect.bisect_left(self.positions, pos)
        out = []
        for r in reversed(self.referents[:i]):
            if sent - r.sent > WINDOW:
                break
            out.append(r)
        return out

    def pronoun(self, pos: int, sent: int, word: str) -> int | None:
        """The person "он"/"она"/"его"/"её" at pos refers to, or None ("они" stays unresolved)."""
        gender, number = PERSONAL.get(word) or POSSESSIVE.get(word) or (None, None)
        if number != "Sing":
            return None
        candidates = [
            r
            for r in self._before(pos, sent)
            if self.state.actors[r.actor].kind == "person" and self.genders.get(r.actor) in (gender, None)
        ]
        if not candidates:
            return None
        salient = [r for r in candidates if r.salient]
        pick = (salient or candidates)[0]
        if not salient and len({r.actor for r in candidates}) > 1:
            return None  # only possessors around, and more than one: do not guess
        if word in PERSONAL and not pick.subject:
            return _subject_over_oblique(salient, pick)
        return pick.actor

    def compatible(self, actor: int, word: str) -> bool:
        """Whether a singular personal pronoun can point to this person (gender from morphology)."""
        gender, number = PERSONAL.get(word) or POSSESSIVE.get(word) or (None, None)
        return number == "Sing" and self.genders.get(actor) in (gender, None)

    def _by_role(
        self,
        pos: int,
        sent: int,
        lemma: str,
        *,
        preliminary: bool = False,
        of: str | None = None,
        fits: Callable[[int], int] | None = None,
    ) -> int | None:
        """The nearest person whose role matches; ``fits`` grades a candidate's role against the
        phrase's qualifiers (2: names the same place, 1: names none, 0: names another), best first."""
        seen: set[int] = set()
        best: tuple[int, int] | None = None
        for r in self._before(pos, sent) if not preliminary else self._scan(pos, sent):
            if r.actor in seen:
                continue
            seen.add(r.actor)
            actor = self.state.actors[r.actor]
            if actor.kind != "person" or not role_matches(lemma, actor.role, self.role_heads.get(r.actor), of):
                continue
            grade = fits(r.actor) if fits is not None else 2
            if grade == 2:
                return r.actor
            if grade == 1 and best is None:
                best = (grade, r.actor)
        return best[1] if best else None

    def _scan(self, pos: int, sent: int) -> list[Referent]:
        return [r for r in sorted(self.referents, key=lambda r: -r.pos) if r.pos < pos and sent - r.sent <= WINDOW]

    def role(
        self,
        pos: int,
        sent: int,
        lemma: str,
        *,
        of: str | None = None,
        fits: Callable[[int], int] | None = None,
    ) -> int | None:
        """The person a role noun ("министр", "премьер", "глава государства") at pos refers to, or None.

        A descriptor that names no office ("дипломат", "политик", "оппозиционер") matches no role;
        it refers back to the person the passage is about: accepted when exactly one person is
        mentioned in the nearest sentences, or exactly one as a subject (a "с врио мэра Собяниным"
        beside "Навальный подчеркнул" is no rival); a feminine descriptor ("исследовательница") only
        to a woman. An office nobody in the article holds by title ("министр" when the minister was
        introduced by name alone) refers to the one person of the nearest sentences the text gave no
        title, when there is exactly one. A role noun with nobody before it (the lead's "Канцлер
        считает, что ...") may point forward to the next sentence or two, to a person whose title
        has that very head ("канцлер Германии Ангела Меркель").
        """
        found = self._by_role(pos, sent, lemma, of=of, fits=fits)
        if found is not None:
            return found
        actors = self.state.actors
        near = [r for r in self._before(pos, sent) if sent - r.sent <= 2]
        if lemma in DESCRIPTORS:
            fem = lemma in FEMININE_DESCRIPTORS
            agree = [
                r
                for r in near
                if actors[r.actor].kind == "person" and (not fem or self.genders.get(r.actor) in ("Fem", None))
            ]
            people = {r.actor for r in agree}
            if len(people) == 1 and any(r.salient for r in agree):
                return people.pop()
            subjects = {r.actor for r in agree if r.salient and r.subject}
            if len(subjects) == 1:
                return subjects.pop()
        window = self._before(pos, sent)
        untitled = {r.actor for r in window if actors[r.actor].kind == "person" and not actors[r.actor].role}
        if len(untitled) == 1 and not self.holder_exists(lemma, of):
            actor = untitled.pop()
            if any(r.salient for r in window if r.actor == actor):
                return actor
        persons = [i for i, a in enumerate(self.state.actors) if a.kind == "person"]
        if len(persons) == 1 and not self.state.actors[persons[0]].role:
            return persons[0]  # the article names one person, with no title: the office is theirs
        if not any(actors[r.actor].kind == "person" for r in window):
            return self._ahead(pos, sent, lemma)
        return None

    def _ahead(self, pos: int, sent: int, lemma: str) -> int | None:
        """The first person of the next two sentences whose title starts with this very noun."""
        i = bisect.bisect_right(self.positions, pos)
        for r in self.referents[i:]:
            if r.sent - sent > 2:
                break
            actor = self.state.actors[r.actor]
            if actor.kind == "person" and self.role_heads.get(r.actor) == lemma:
                return r.actor
        return None

    def holder_exists(self, lemma: str, of: str | None) -> bool:
        """Whether some person of the article carries a title this role noun matches."""
        return any(
            a.kind == "person" and role_matches(lemma, a.role, self.role_heads.get(i), of)
            for i, a in enumerate(self.state.actors)
            if a.role
        )

    def count(self, actor: int, pos: int) -> None:
        """Count the reference at pos as a mention of actor (once per position)."""
        if pos not in self.counted:
            self.counted.add(pos)
            self.resolved[actor] += 1


def _subject_over_oblique(salient: list[Referent], pick: Referent) -> int | None:
    """ "X провёл переговоры с президентом Y. «...», — заявил он": "он" is X, the subject.

    The nearest salient mention is an oblique one (in apposition to a role noun in the instrumental
    or genitive): a subject pronoun continues the nearest subject of the preceding text, so the
    nearest nominative mention wins when there is one. Two different people in the nominative in
    that nearest sentence compete: unresolved rather than a guess. No nominative at all: the oblique
    mention stands, as before.
    """
    subjects = [r for r in salient if r.subject]
    if not subjects:
        return pick.actor
    nearest = subjects[0]
    if len({r.actor for r in subjects if r.sent == nearest.sent}) > 1:
        return None
    return nearest.actor


def _salient(tokens: list[Token], m: Mention) -> bool:
    """Subject-like (nominative) or in apposition to a role noun ("специалиста по России Сплидбёля").

    The syntax parser decides first (subject, or attached to a role noun); the tagger's case and the
    words in front are the fallback when the parse says neither.
    """
    inside = range(m.first, m.stop_token)
    for i in inside:
        tok = tokens[i]
        if tok.head in inside:
            continue
        if tok.rel in ("nsubj", "nsubj:pass"):
            return True
        if tok.head >= 0 and tokens[tok.head].lemma in ROLE_NOUNS and tok.rel in ("appos", "nmod", "flat:name"):
            return True
    if tokens[m.first].case in (None, "Nom") or (m.first > 0 and tokens[m.first - 1].sent != tokens[m.first].sent):
        return True
    i = m.first - 1
    while i >= 0 and m.first - i <= 6 and tokens[i].sent == tokens[m.first].sent:
        tok = tokens[i]
        if tok.lemma in ROLE_NOUNS:
            return True
        if tok.pos in ("NOUN", "VERB") or (tok.pos == "PUNCT" and tok.text not in ("-", "«", "»")):
            return False  # "администрации Обамы", "встретился с Обамой": a possessor or an object
        i -= 1
    return False


def actor_genders(state: State) -> dict[int, str | None]:
    """Each person's grammatical gender by majority over the tagger's reading of its mentions."""
    votes: dict[int, Counter[str]] = {}
    for m in state.mentions:
        if m.actor < 0 or m.kind != "person":
            continue
        for tok in state.tokens[m.first : m.stop_token]:
            g = tok.feats.get("Gender")
            if g in ("Masc", "Fem"):
                votes.setdefault(m.actor, Counter())[g] += 1
        # A past-tense verb right after a nominative name agrees with it ("Бернер заявила").
        nxt = m.stop_token
        if nxt < len(state.tokens) and state.tokens[m.first].case == "Nom":
            tok = state.tokens[nxt]
            if tok.pos == "VERB" and tok.feats.get("Gender") in ("Masc", "Fem"):
                votes.setdefault(m.actor, Counter())[tok.feats["Gender"]] += 3
    out: dict[int, str | None] = {}
    for actor, counter in votes.items():
        (top, n), *rest = counter.most_common()
        out[actor] = top if not rest or n > rest[0][1] else None
    return out
