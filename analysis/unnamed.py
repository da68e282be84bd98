"""Speakers the text does not name: unnamed sources, role nouns, bodies, documents and their authors.

"два европейских чиновника", "министр", "в ведомстве уточнили", "говорится в заявлении министерства",
"признает автор": kept as the text words them (in the nominative), or resolved to the actor the role
or body noun refers to when that is certain (`references.Resolver`).
"""

from __future__ import annotations

from analysis.entities import key
from analysis.lexicon import DOCUMENT_NOUNS, GOVERNMENT_BODY_NOUNS, ROLE_NOUNS, SERVICE_NOUNS, SOURCE_NOUNS
from analysis.morph import to_nominative
from analysis.references import DESCRIPTORS, OUTLET_NOUNS, head_of
from analysis.speaker_core import (
    ADDRESSEES,
    BODY_NOUNS,
    COLLECTIVE,
    OPENERS,
    PRONOUNS,
    Speaker,
    SpeakerCore,
    is_government,
    one_of,
)
from analysis.state import Token


class UnnamedSpeakers(SpeakerCore):
    """Unnamed and role speakers of a span (see the module docstring)."""

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
        many = one_of(toks)
        if many is not None:
            return many
        for n, tok in enumerate(toks):
            if index[id(tok)] in skip or (tok.lemma in ADDRESSEES and tok.case in ("Dat", "Loc", "Ins", "Acc")):
                continue
            if tok.pos == "NOUN" and (
                tok.lemma in SOURCE_NOUNS
                or tok.lemma in ROLE_NOUNS
                or tok.lemma in BODY_NOUNS
                or (tok.case == "Nom" and tok.feats.get("Animacy") == "Anim" and tok.lemma not in PRONOUNS)
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
        if plural or head_lemma in BODY_NOUNS or head_lemma in SERVICE_NOUNS or head_lemma in COLLECTIVE:
            self.plural_speakers.add(text)
        if head_lemma in ROLE_NOUNS and not plural and (end - begin == 1 or self._qualifies(phrase_toks, head - begin)):
            quals = [(t.lemma, self._is_place(t)) for t in toks[head + 1 : end]]
            quals += [(t.lemma, self._is_place(t)) for t in toks[begin:head]]
            at = toks[head].start if self.anchor is None else min(self.anchor, toks[head].start)
            of = head_of(head_lemma, quals)
            holder = self.resolver.role(
                toks[head].start,
                self._sent_of(at),
                head_lemma,
                of=of,
                fits=lambda actor: self._role_fits(actor, text),
            )
            if holder is None and (head_lemma in DESCRIPTORS or not self.resolver.holder_exists(head_lemma, of)):
                # "— отметил министр" right after an untitled person's statement, when nobody in the
                # article holds that office by title: the person who just spoke.
                recent = self._recent_person(at)
                if recent is not None and (head_lemma in DESCRIPTORS or not self.state.actors[recent].role):
                    holder = recent
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
            if is_government(actor.name) != government:
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
