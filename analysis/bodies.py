"""Government bodies named by a common noun and a place: "правительство Великобритании", "МИД России",
"российские власти", "белорусское министерство энергетики".

natasha's NER does not tag a lowercase "правительство" at all, and tags "МИД" and "России" as two
entities, so the body is lost or filed as the bare "МИД" that every country has. A reader (and
factRuEval's annotators) take the noun with its place as one organisation. These rules build that
span from natasha's own tokens and morphology:

* a body noun followed by a place span in the genitive: "правительства Германии";
* an organisation span NER found, followed by a country or region in the genitive or an abbreviation:
  "МИД" + "России", "ФРС" + "США";
* a place adjective (lemma in -ский/-цкий) before a body noun: "российского правительства",
  "украинские власти".

The place span inside stays a mention of the place too: the country is named, and factRuEval files
it as an entity of its own ("России" inside "МИД России").
"""

from __future__ import annotations

from analysis.model import ActorKind
from analysis.state import Token

#: Lemmas of common nouns that name a government body when a place qualifies them.
BODY_NOUNS = frozenset(
    {"правительство", "власть", "министерство", "мид", "минобороны", "минфин", "минюст", "парламент",
     "посольство", "администрация", "полиция", "прокуратура", "генпрокуратура", "армия", "генштаб",
     "кабмин", "минздрав", "минэкономразвития", "минэнерго", "мвд", "спецслужба", "руководство"}
)

Span = tuple[ActorKind, int, int]


def _place_adjective(tok: Token) -> bool:
    lemma = tok.lemma
    return (
        tok.pos == "ADJ"
        and tok.text[1:].islower()
        and lemma.endswith(("ский", "цкий"))
        and not lemma.endswith(("ской", "ческий"))
        and len(lemma) >= 7
    )


def _body_noun(tok: Token) -> bool:
    return tok.lemma.lower() in BODY_NOUNS and tok.pos in ("NOUN", "PROPN")


def _genitive_place(tokens: list[Token], first: int, last: int) -> bool:
    head = tokens[first]
    return head.case == "Gen" or all(t.text.isupper() for t in tokens[first:last] if t.text.isalpha())


def find_bodies(tokens: list[Token], spans: list[Span]) -> list[Span]:
    """The spans with government bodies added (an organisation span NER cut before its place is
    replaced by the longer one; the place span stays)."""
    by_start = {first: i for i, (_, first, _) in enumerate(spans)}
    taken = {i for _, first, last in spans for i in range(first, last)}
    drop: set[int] = set()
    joined: set[int] = set()
    out: list[Span] = []
    for i, (kind, first, last) in enumerate(spans):
        nxt = by_start.get(last)
        if kind == "organization" and nxt is not None and spans[nxt][0] == "location" and nxt not in drop:
            _, p_first, p_last = spans[nxt]
            if tokens[p_first].sent == tokens[first].sent and _genitive_place(tokens, p_first, p_last) and (
                _body_noun(tokens[last - 1]) or tokens[last - 1].text.isupper()
            ):
                out.append(("organization", first, p_last))  # "МИД" + "России"
                drop.add(i)
                joined.add(nxt)
    for i, (kind, first, last) in enumerate(spans):
        if kind != "location" or i in joined:
            continue
        j = first - 1
        if j < 0 or j in taken or not _body_noun(tokens[j]) or not tokens[j].text.islower():
            continue
        if tokens[j].sent != tokens[first].sent or not _genitive_place(tokens, first, last):
            continue
        start = j
        if j - 1 >= 0 and j - 1 not in taken and _place_adjective(tokens[j - 1]):
            start = j - 1
        out.append(("organization", start, last))  # "правительства Великобритании"
    claimed = {t for _, f, e in out for t in range(f, e)}
    for j, tok in enumerate(tokens[:-1]):
        if j in taken or j in claimed or not _place_adjective(tok):
            continue
        k = j + 1
        if k in taken or k in claimed or not _body_noun(tokens[k]) or not tokens[k].text.islower():
            continue
        stop = k + 1
        # "министерство энергетики", "министерства иностранных дел": the ministry's own genitive tail.
        if tokens[k].lemma == "министерство":
            while stop < len(tokens) and stop - k <= 3 and stop not in taken and tokens[stop].text.islower() \
                    and tokens[stop].case == "Gen" and tokens[stop].pos in ("NOUN", "ADJ"):
                stop += 1
        out.append(("organization", j, stop))  # "российское правительство"
    kept = [s for i, s in enumerate(spans) if i not in drop]
    return sorted(kept + out, key=lambda s: s[1])


#: Lemmas of the nouns that name a part of a place: "восток Украины", "побережье Крыма", "центр Парижа".
PART_NOUNS = frozenset(
    {"восток", "запад", "север", "юг", "юго-восток", "юго-запад", "северо-восток", "северо-запад", "центр",
     "побережье"}
)


def find_parts(tokens: list[Token], spans: list[Span]) -> list[Span]:
    """The spans with parts of places added: a part noun before a place span in the genitive
    ("на востоке Украины") is a place of its own, as a reader and factRuEval's annotators take it;
    the place span stays."""
    taken = {i for _, first, last in spans for i in range(first, last)}
    out: list[Span] = []
    for kind, first, last in spans:
        j = first - 1
        if kind != "location" or j < 0 or j in taken:
            continue
        tok = tokens[j]
        part = tok.lemma.lower() in PART_NOUNS and tok.text.islower() and tok.pos == "NOUN"
        if part and tok.sent == tokens[first].sent and _genitive_place(tokens, first, last):
            out.append(("location", j, last))
    return sorted(spans + out, key=lambda s: s[1])
