"""Who is speaking at a place in the text: names, pronouns, role nouns, outlets, documents.

The half of claim finding that answers "whose words are these": `SpeakerFinder` resolves a speaker
for a span (by the syntax subject of its speech verb, a name, a pronoun or role noun through
`references.Resolver`, or the outlet). It builds on `speaker_core.SpeakerCore` (the shared state and
helpers) and `unnamed.UnnamedSpeakers` (sources the text does not name); `claims` and `reported`
build on it with the passes that find the statements. The shared shapes are re-exported here.
"""

from __future__ import annotations

from analysis.lexicon import (
    CITING_VERBS,
    IMPERSONAL_VERBS,
    KIN_NOUNS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    SERVICE_NOUNS,
    SOURCE_NOUNS,
)
from analysis.morph import to_nominative
from analysis.namesakes import surname_key
from analysis.speaker_core import (
    BODY_NOUNS,
    DASH,
    MAX_CHARS,
    MIN_WORDS,
    OPENERS,
    PRONOUNS,
    PUBLISHING_VERBS,
    REPORTED_LEADS,
    Draft,
    Speaker,
    find_quotes,
    is_speech,
    is_speech_gerund,
    one_of,
    shaped_outlet,
)
from analysis.state import Mention, Token
from analysis.unnamed import UnnamedSpeakers

__all__ = [
    "BODY_NOUNS",
    "DASH",
    "MAX_CHARS",
    "MIN_WORDS",
    "OPENERS",
    "REPORTED_LEADS",
    "Draft",
    "Speaker",
    "SpeakerFinder",
    "find_quotes",
    "is_speech",
    "is_speech_gerund",
]


class SpeakerFinder(UnnamedSpeakers):
    """Resolves the speaker of a span of text (see the module docstring)."""

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
        if tok.lemma in PRONOUNS:
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
        phrase, an apposition or a short verbless parenthetical ("в свою очередь") between commas
        separates the subject from its verb."""
        between = self.tokens[hi + 1 : verb]
        if len(between) < 3 or between[0].text != "," or between[-1].text != ",":
            return False
        inner = between[1:-1]
        if any(t.text in (".", ";", ":") or is_speech(t) for t in inner) or len(inner) > 15:
            return False
        if not _titles_only(inner):
            return False
        first = inner[0]
        return (
            first.lemma in ("который", "которая", "которые")
            or first.feats.get("VerbForm") in ("Part", "Conv")
            or first.lemma in ROLE_NOUNS
            or first.lemma in ROLE_MODIFIERS
            # "Мэр города, в свою очередь, отметил": a short parenthetical with no verb of its own
            or (len(inner) <= 4 and not any(t.pos in ("VERB", "AUX") or t.pos == "PROPN" for t in inner))
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

    def _recent_speaker(self, pos: int, sent: int, word: str) -> int | None:
        before = [d for d in self.drafts if d.start < pos and d.actor and sent - self._sent_of(d.start) <= 1]
        index = self._person_of_last(before)
        return index if index is not None and self.resolver.compatible(index, word) else None

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
            (t for t in words if t.lemma in PRONOUNS and t.case == "Nom" and not self.in_quote[self.index[id(t)]]),
            None,
        )
        if persons and not any(self.tokens[m.first].case == "Nom" for m in persons) and one_of(toks):
            return one_of(toks)  # "один из опрошенных Уилсоном экспертов": not Уилсон
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
                    or head.lemma in KIN_NOUNS
                    or (head.case == "Nom" and head.feats.get("Animacy") == "Anim")
                )
            )
            # "Отец Лехтинена сказал" with the surname misread as a nominative apposition: a bare
            # surname in an oblique form after a relative is whose relative, not who speaks.
            surname = self.state.actors[m.actor].name.split()[-1]
            inflected = m.stop_token - m.first == 1 and self.text[m.start : m.stop] != surname
            kin = head is not None and head.lemma in KIN_NOUNS and head.case == "Nom" and inflected
            if not (dependent or kin):
                return self._name(m)
            # "Представитель Путина подчеркнул", "цитирует пресс-службу Порошенко", "кузина Пастернака
            # пишет": the speaker is the representative, the service or the relative, not the person.
            assert head is not None
            parts = [to_nominative(self.vocab, head.text, head.pos, head.feats)]
            parts += [t.text for t in self.tokens[m.first : m.stop_token]]
            phrase = " ".join(parts)
            return phrase[:1].lower() + phrase[1:], None, "role" if head.lemma in ROLE_NOUNS else "anonymous"
        for t in words[:2]:
            if t.lemma in PRONOUNS and t.case == "Nom":
                return self._pronoun(t.start, t.text.lower())
        if subject_pronoun is not None and verb is not None and subject_pronoun.head == verb:
            return self._pronoun(subject_pronoun.start, subject_pronoun.text.lower())  # "Вот что он пишет:"
        if verb is not None and self.tokens[verb].lemma in PUBLISHING_VERBS:
            # "— приводит его «Росбалт»", "цитирует её агентство": the outlet quotes the person it names.
            for n, t in enumerate(words[:3]):
                if t.text.lower() not in ("его", "её", "ее"):
                    continue
                # Right after a verb of citing, "её" is its object even where the tagger reads a
                # possessive ("процитировали её участники заседания").
                cited = n == 0 and self.tokens[verb].lemma in CITING_VERBS
                if cited or (t.lemma in PRONOUNS and t.case in ("Acc", "Gen")):
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
        if verb is not None and self.tokens[verb].lemma in PUBLISHING_VERBS:
            return shaped_outlet(self.text[start:stop])
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


def _titles_only(inner: list[Token]) -> bool:
    """Whether every quoted stretch of a relative clause is a short title ("продюсер «Ледокола»"): a
    quote of a sentence or more there is someone's words, not part of the subject."""
    marks = [k for k, t in enumerate(inner) if t.text in ("«", "»")]
    if len(marks) % 2:
        return False
    pairs = zip(marks[::2], marks[1::2], strict=True)
    return all(inner[a].text == "«" and inner[b].text == "»" and b - a <= 5 for a, b in pairs)
