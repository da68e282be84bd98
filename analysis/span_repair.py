"""Repairs of natasha's NER spans before they become mentions: edges, glued names, junk, cut-off parts.

NER glues across lines ("RT\\n\\nНовости"), takes two people for one ("Лавровым Тиллерсон"), swallows a
sentence-initial role noun, leaves out a given name or the "по международным делам" of a committee,
and calls "Ф. И. О." a person. Each repair is a rule over natasha's own tokens and morphology.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any

from analysis.lexicon import ROLE_NOUNS
from analysis.model import ActorKind
from analysis.morph import has_grammeme, to_nominative
from analysis.name_forms import INITIAL_RE, PARTICLES, WORD_RE, key, similar_surname, word_tokens
from analysis.state import Mention, State, Token

if TYPE_CHECKING:
    from analysis.models import Models

#: Spans NER tags as organisations that are words, not actors.
_NOT_ACTORS = {"сми", "ит", "ф. и. о.", "фио", "оригинал", "теги", "новости"}

def is_junk(kind: ActorKind, tokens: list[Token], name: str) -> bool:
    words = word_tokens(tokens)
    letters = sum(ch.isalpha() for ch in name)
    if not words or letters < 2 or key(name) in _NOT_ACTORS:
        return True
    if all(INITIAL_RE.match(t.text) for t in words):
        return True
    if kind == "person":
        if any(not t.text[0].isupper() and t.text.lower() not in PARTICLES for t in words):
            return True
        if len(words) == 1 and len(words[0].text) < 2:
            return True
    return False

_NAME_GRAMMEMES = ("Name", "Surn", "Patr", "Geox", "Orgn")


def common_word(vocab: Any, word: str) -> bool:
    """A dictionary word that morphology never reads as a name, surname, patronymic or place
    ("История", "Клуб", "Обернувшиеся", "Дополз", "Кто"): capitalised at a sentence start or in a
    heading, NER takes it for a person or a body."""
    low = word.lower()
    try:
        if not vocab.word_is_known(low):
            return False
        return not any(g in p.tag and p.score >= 0.01 for p in vocab(low) for g in _NAME_GRAMMEMES)
    except Exception:  # pymorphy raises on some rare paradigms: keep the span
        return False


def junk_person(vocab: Any, piece: list[Token]) -> bool:
    """A one-word "person" that is a common word, or a compound ending in one ("Интернет-порно",
    "Мураками-бум", "Яндекс-кошелек": the name is the qualifier, the thing is no person)."""
    words = word_tokens(piece)
    if len(words) != 1:
        return False
    word = words[0].text
    if "-" in word:
        tail = word.rsplit("-", 1)[1]
        return len(tail) >= 3 and tail.islower() and common_word(vocab, tail)
    return common_word(vocab, word)


def trim(tokens: list[Token], text: str) -> list[Token]:
    """Cut a span at a line break and drop edge punctuation and capitalised role nouns.

    NER glues across lines ("RT\\n\\nНовости") and swallows a sentence-initial "Госсекретарь".
    """
    out: list[Token] = []
    for tok in tokens:
        if out and "\n" in text[out[-1].stop : tok.start]:
            break
        out.append(tok)
    while out and (not WORD_RE.search(out[0].text) or out[0].lemma in ROLE_NOUNS):
        out.pop(0)
    while out and not WORD_RE.search(out[-1].text) and out[-1].text != ".":
        out.pop()
    while out and out[-1].text == "." and not (len(out) > 1 and INITIAL_RE.match(out[-2].text)):
        out.pop()
    return out

def split_glued(models: Models, tokens: list[Token], surnames: set[str]) -> list[list[Token]]:
    """Split a person span that is really two people ("Лавровым Тиллерсон").

    Two words of one name agree in case; a first word that cannot be a given name and disagrees in
    case with the next, or two words that are both surnames of other people in the article, mark a
    seam. Commas and "и" inside a span are seams too.
    """
    pieces: list[list[Token]] = [[]]
    words = tokens
    # "Юханнеса Рибера Нурдбю (Johannes Riber Nordby)": the original spelling word for word says one name.
    native = [t for t in tokens if re.search(r"[А-Яа-яЁё]", t.text)]
    latin = [t for t in tokens if re.fullmatch(r"[A-Za-z][A-Za-z'’-]*", t.text)]
    one_name = len(native) >= 2 and len(native) == len(latin) and "(" in {t.text for t in tokens}
    for i, tok in enumerate(words):
        if tok.text in (",", ";", "(", ")", "/") or tok.lemma == "и":
            if pieces[-1]:
                pieces.append([])
            continue
        if pieces[-1] and i > 0:
            prev = pieces[-1][-1]
            if WORD_RE.search(prev.text) and WORD_RE.search(tok.text) and prev.text.lower() not in PARTICLES:
                both_surnames = prev.lemma in surnames and tok.lemma in surnames
                vocab = models.morph_vocab
                not_given = not has_grammeme(vocab, prev.text, "Name") and not has_grammeme(vocab, prev.text, "Patr")
                case_seam = (
                    prev.case is not None
                    and tok.case is not None
                    and prev.case != tok.case
                    and not_given
                    and has_grammeme(vocab, prev.text, "Surn")
                )
                # A given name seen alone elsewhere ("Александр ... Александр Вертинский") is no seam.
                if ((both_surnames and (not_given or prev.case != tok.case)) or case_seam) and not one_name:
                    pieces.append([])
        pieces[-1].append(tok)
    return [p for p in pieces if p]

def is_latin(tokens: list[Token]) -> bool:
    text = "".join(t.text for t in tokens)
    return bool(re.search(r"[A-Za-z]", text)) and not re.search(r"[А-Яа-яЁё]", text)

def cyrillic_before(text: str, prev: Mention, start: int) -> bool:
    between = text[prev.stop : start]
    return "(" in between and len(between) <= 3 and bool(re.search(r"[А-Яа-яЁё]", text[prev.start : prev.stop]))

def org_pieces(tokens: list[Token]) -> list[list[Token]]:
    """Orgs split only at a parenthesis ("Датский институт (DIIS)")."""
    pieces: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.text in ("(", ")"):
            if pieces[-1]:
                pieces.append([])
            continue
        pieces[-1].append(tok)
    return [p for p in pieces if p]

def normalize_org(tokens: list[Token], vocab: Any) -> str:
    """Nominative of the head noun and the adjectives before it; the dependent tail stays as is.

    natasha inflects every word of an org without the syntax model, turning "Объединённого комитета
    начальников штабов" into "Объединенного комитет начальники штабы".
    """
    head = next((i for i, t in enumerate(tokens) if t.pos in ("NOUN", "PROPN")), None)
    if head is None or tokens[head].case in (None, "Nom"):
        return _join(tokens, [t.text for t in tokens])
    words = [t.text for t in tokens]
    for i in range(head + 1):
        tok = tokens[i]
        if tok.pos in ("ADJ", "NOUN", "PROPN", "DET"):
            words[i] = to_nominative(vocab, tok.text, tok.pos, tok.feats)
    return _join(tokens, words)

def _join(tokens: list[Token], words: list[str]) -> str:
    parts: list[str] = []
    for i, (tok, word) in enumerate(zip(tokens, words, strict=True)):
        if i:
            parts.append(" " if tok.start > tokens[i - 1].stop else "")
        parts.append(word)
    return "".join(parts)

#: Nouns of adverbial "по ..." phrases ("по итогам", "по словам", "по данным") that never end a body's name.
_ADVERBIAL_PO = frozenset(
    {"итог", "результат", "слово", "мнение", "данные", "информация", "оценка", "причина", "повод", "случай",
     "телефон", "просьба", "приглашение", "инициатива", "требование", "сообщение", "распоряжение", "решение",
     "поручение", "окончание", "завершение", "время", "мера", "направление", "сравнение", "версия"}
)

#: Nouns of adverbial "при ..." phrases ("при поддержке", "при участии") that never end a body's name.
_ADVERBIAL_PRI = frozenset({"поддержка", "участие", "помощь", "содействие", "условие", "наличие", "посредничество"})


def org_tail(state: State, stop: int, taken: set[int], vocab: Any) -> int:
    """Extend an org over "по международным делам" / "при президенте" when NER cut it off.

    Only a body named by a common noun takes such a tail ("Совет по правам человека", "Комитет по
    обороне"); a proper name does not ("Microsoft по льготной цене", "Госдума по ... вопросу").
    """
    tokens = state.tokens
    i = stop
    if i >= len(tokens) or tokens[i].text.lower() not in ("по", "при") or i in taken:
        return stop
    last = tokens[stop - 1]
    if last.text.isupper() or not last.text[:1].isalpha() or not common_word(vocab, last.text):
        return stop
    if tokens[i].text.lower() == "при" and i + 1 < len(tokens) and tokens[i + 1].lemma in _ADVERBIAL_PRI:
        return stop
    if tokens[i].sent != tokens[stop - 1].sent:
        return stop
    j = i + 1
    seen_noun = False
    while j < len(tokens) and j - i <= 6 and j not in taken and tokens[j].sent == tokens[i].sent:
        tok = tokens[j]
        if tok.pos in ("ADJ", "DET") and tok.text.islower() and not seen_noun:
            j += 1
        elif tok.pos == "NOUN" and tok.text.islower():
            if tokens[i].text.lower() == "по" and tok.lemma in _ADVERBIAL_PO:
                return stop  # "по итогам встречи" is when, not part of the name
            seen_noun = True
            j += 1
            if j < len(tokens) and tokens[j].case == "Gen" and tokens[j].pos == "NOUN" and tokens[j].text.islower():
                continue
            break
        else:
            break
    return j if seen_noun else stop

def token_range(starts: list[int], tokens: list[Token], start: int, stop: int) -> tuple[int, int]:
    first = bisect.bisect_left(starts, start)
    last = first
    while last < len(tokens) and tokens[last].start < stop:
        last += 1
    return first, last

def drop_leading_noun(models: Models, state: State, piece: list[Token]) -> list[Token]:
    """ "Заявление Гелетей ...": NER took the capitalised first word of the sentence into the name.

    Dropped when it opens the sentence and morphology knows it as an inanimate noun and as no name,
    surname or place.
    """
    words = word_tokens(piece)
    if len(words) < 2:
        return piece
    first = words[0]
    vocab = models.morph_vocab
    if _descriptor(vocab, first.text) and words[1].text[:1].isupper():
        # "Брат Пьеро", "Горничная Лизка", "Царь Кащей": a capitalised common noun for a person
        # (kin, trade, rank) before the name is a descriptor, wherever it stands.
        return piece[piece.index(first) + 1 :]
    sent = state.sents[first.sent]
    if first.start != sent.start:
        return piece
    if not has_grammeme(vocab, first.text, "inan", min_score=0.3):
        return piece  # the tagger calls it PROPN inside the span; morphology knows an inanimate noun
    if any(has_grammeme(vocab, first.text, g, min_score=0.01) for g in ("Name", "Surn", "Patr", "Geox")):
        return piece
    return piece[piece.index(first) + 1 :]

def _descriptor(vocab: Any, word: str) -> bool:
    """A dictionary noun for a person (animate) that is never a name: "Брат", "Силач", "Горничная"."""
    if not common_word(vocab, word):
        return False
    try:
        best = max(vocab(word.lower()), key=lambda p: p.score)
    except Exception:  # pymorphy raises on some rare paradigms
        return False
    return "NOUN" in best.tag and "anim" in best.tag and best.score >= 0.5


def given_name_before(tokens: list[Token], first: int, taken: set[int], given: set[str]) -> int:
    """Extend a person span over a given name NER left out ("Юханнеса | Рибера Нурдбю").

    Multi-part foreign names often lose their first word; a capitalised proper noun glued to the
    span's left, in the same sentence and case, and in no other span, belongs to the name.
    """
    i = first - 1
    if i < 0 or i in taken:
        return first
    tok, head = tokens[i], tokens[first]
    if (
        tok.pos == "PROPN"
        and tok.sent == head.sent
        and tok.text[:1].isupper()
        and tok.text[1:2].islower()
        and tok.stop + 1 >= head.start
        and (tok.case == head.case or any(similar_surname(tok.text, g) for g in given))
        and tok.feats.get("Animacy") != "Inan"
    ):
        return i
    return first


_LEGAL_FORM = re.compile(r"^(?:ОАО|ЗАО|ООО|ПАО|АО|НАО|ОДО|ФГУП|ГУП|МУП|АНО|НКО|ФГБУ|ГБУ|ФГУ|LLC|Ltd|Inc)\s+(?=\S)")


def clean_org_name(name: str) -> str:
    """ "ОАО «НК «Роснефть" -> "НК «Роснефть»": the legal form is no part of the name a reader uses,
    and NER's span often stops before a closing quote, which is put back."""
    stripped = _LEGAL_FORM.sub("", name)
    if stripped != name and stripped[:1] in "«\"":
        stripped = stripped[1:]  # the legal form's own quote: "ООО "Фрут Сервис", "ОАО «НК «Роснефть"
    opened = stripped.count("«") - stripped.count("»")
    if opened > 0:
        stripped += "»" * opened
    elif opened < 0 and stripped.endswith("»"):
        stripped = stripped[:opened]
    elif stripped.count('"') % 2 == 1:
        stripped = stripped.replace('"', "")
    return stripped.strip() or name


_PLACE_NOUNS = frozenset(
    {"улица", "ул", "проспект", "пр", "площадь", "пл", "переулок", "пер", "бульвар", "шоссе", "набережная",
     "станция", "метро", "район", "город", "г", "село", "посёлок", "поселок", "деревня", "река", "озеро",
     "остров", "гора", "мыс", "залив", "порт", "аэропорт", "вокзал", "парк", "сквер"}
)


def person_not_place(vocab: Any, piece: list[Token], name: str, before: Token | None = None) -> bool:
    """A one-word "place" that is a person's name: NER calls "у Пруста", "по Кафке" places. Taken for a
    person when the gazetteer knows no such place and morphology knows the word as a surname or given
    name and never as a place."""
    words = word_tokens(piece)
    if len(words) != 1 or not name[:1].isupper() or name.isupper() or "-" in name:
        return False
    if before is not None and (before.lemma in _PLACE_NOUNS or before.text.lower().rstrip(".") in _PLACE_NOUNS):
        return False  # "улица Вернадского", "село Маргарита": a place named after a person
    from analysis.gazetteer import lookup

    if lookup(name):
        return False
    try:
        parses = vocab(words[0].text.lower())
    except Exception:  # pymorphy raises on some rare paradigms
        return False
    if not vocab.word_is_known(words[0].text.lower()):
        return False  # a guess from the ending ("Цетинья", "Кэсон") is no evidence
    named = any(("Surn" in p.tag or "Name" in p.tag) and p.score >= 0.1 for p in parses)
    return named and not any("Geox" in p.tag and p.score >= 0.01 for p in parses)
