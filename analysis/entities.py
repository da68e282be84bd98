"""Named entities: natasha NER, repaired, then merged into one actor per real-world entity.

Raw natasha output is per mention: "Тиллерсона", "Тиллерсон", "Рекс Тиллерсон" are three strings,
"Лавровым Тиллерсон" one glued person, "Ф. И. О." a person, "Европейский совет" a truncated org.
A reader wants one "Рекс Тиллерсон" with his mention count; search wants aliases. The repairs are
rules over natasha's own morphology, so they cost no extra model pass.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from natasha.norm import normalize
from natasha.shape import recover_shape

from analysis.lexicon import ROLE_NOUNS
from analysis.model import Actor, ActorKind
from analysis.morph import has_grammeme, to_nominative
from analysis.state import ActorDraft, Mention, State, Token
from analysis.textnorm import fold

if TYPE_CHECKING:
    from analysis.models import Models

_KINDS: dict[str, ActorKind] = {"PER": "person", "ORG": "organization", "LOC": "location"}

#: Canonical names for the places and bodies that news texts call many ways.
_ALIASES: dict[str, tuple[str, ActorKind]] = {}


def _alias(canonical: str, kind: ActorKind, *variants: str) -> None:
    for v in (canonical, *variants):
        _ALIASES[_key(v)] = (canonical, kind)


def _key(text: str) -> str:
    return fold(text).strip(" .,-")


for _canon, _kind, _vars in (
    ("Россия", "location", ("РФ", "Российская Федерация", "Russia")),
    ("США", "location", ("Штаты", "Соединенные Штаты", "Соединенные Штаты Америки", "Америка", "USA", "US")),
    ("Евросоюз", "organization", ("ЕС", "Европейский союз", "Евросоюза", "EU")),
    ("Великобритания", "location", ("Британия", "Соединенное Королевство", "UK")),
    ("ООН", "organization", ("Организация Объединенных Наций",)),
    ("НАТО", "organization", ("Североатлантический альянс", "NATO")),
    ("Китай", "location", ("КНР", "Китайская Народная Республика")),
    ("Германия", "location", ("ФРГ",)),
    ("Украина", "location", ()),
    ("КНДР", "location", ("Северная Корея",)),
    ("Госдепартамент США", "organization", ("Госдеп", "Госдепартамент", "Государственный департамент")),
    ("Минобороны", "organization", ("Министерство обороны",)),
    ("МИД", "organization", ("Министерство иностранных дел",)),
    ("Генассамблея ООН", "organization", ("Генассамблея", "Генеральная Ассамблея ООН")),
    ("Совбез ООН", "organization", ("Совет Безопасности ООН", "СБ ООН")),
    ("ЦРУ", "organization", ()),
    ("Кремль", "organization", ()),
    ("Белый дом", "organization", ()),
    ("Конгресс США", "organization", ("Конгресс",)),
):
    _alias(_canon, _kind, *_vars)  # type: ignore[arg-type]

#: Spans NER tags as organisations that are words, not actors.
_NOT_ACTORS = {"сми", "ит", "ф. и. о.", "фио", "оригинал", "теги", "новости"}
_PARTICLES = {"де", "ди", "да", "дос", "фон", "ван", "дер", "ибн", "бин", "аль", "эль", "ал", "ла", "ле", "о"}
_INITIAL_RE = re.compile(r"^[A-ZА-ЯЁ]\.?$")
_WORD_RE = re.compile(r"[^\W\d_]")


def _words(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if _WORD_RE.search(t.text)]


def _is_junk(kind: ActorKind, tokens: list[Token], name: str) -> bool:
    words = _words(tokens)
    letters = sum(ch.isalpha() for ch in name)
    if not words or letters < 2 or _key(name) in _NOT_ACTORS:
        return True
    if all(_INITIAL_RE.match(t.text) for t in words):
        return True
    if kind == "person":
        if any(not t.text[0].isupper() and t.text.lower() not in _PARTICLES for t in words):
            return True
        if len(words) == 1 and len(words[0].text) < 2:
            return True
    return False


def _trim(tokens: list[Token], text: str) -> list[Token]:
    """Cut a span at a line break and drop edge punctuation and capitalised role nouns.

    NER glues across lines ("RT\\n\\nНовости") and swallows a sentence-initial "Госсекретарь".
    """
    out: list[Token] = []
    for tok in tokens:
        if out and "\n" in text[out[-1].stop : tok.start]:
            break
        out.append(tok)
    while out and (not _WORD_RE.search(out[0].text) or out[0].lemma in ROLE_NOUNS):
        out.pop(0)
    while out and not _WORD_RE.search(out[-1].text) and out[-1].text != ".":
        out.pop()
    while out and out[-1].text == "." and not (len(out) > 1 and _INITIAL_RE.match(out[-2].text)):
        out.pop()
    return out


def _split_glued(models: Models, tokens: list[Token], surnames: set[str]) -> list[list[Token]]:
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
            if _WORD_RE.search(prev.text) and _WORD_RE.search(tok.text) and prev.text.lower() not in _PARTICLES:
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
                if (both_surnames or case_seam) and not one_name:
                    pieces.append([])
        pieces[-1].append(tok)
    return [p for p in pieces if p]


def _is_latin(tokens: list[Token]) -> bool:
    text = "".join(t.text for t in tokens)
    return bool(re.search(r"[A-Za-z]", text)) and not re.search(r"[А-Яа-яЁё]", text)


def _cyrillic_before(text: str, prev: Mention, start: int) -> bool:
    between = text[prev.stop : start]
    return "(" in between and len(between) <= 3 and bool(re.search(r"[А-Яа-яЁё]", text[prev.start : prev.stop]))


def _org_pieces(tokens: list[Token]) -> list[list[Token]]:
    """Orgs split only at a parenthesis ("Датский институт (DIIS)")."""
    pieces: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.text in ("(", ")"):
            if pieces[-1]:
                pieces.append([])
            continue
        pieces[-1].append(tok)
    return [p for p in pieces if p]


def _normalize_org(tokens: list[Token], vocab: Any) -> str:
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


def _org_tail(state: State, stop: int, taken: set[int]) -> int:
    """Extend an org over "по международным делам" / "при президенте" when NER cut it off."""
    tokens = state.tokens
    i = stop
    if i >= len(tokens) or tokens[i].text.lower() not in ("по", "при") or i in taken:
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


def _token_range(starts: list[int], tokens: list[Token], start: int, stop: int) -> tuple[int, int]:
    first = bisect.bisect_left(starts, start)
    last = first
    while last < len(tokens) and tokens[last].start < stop:
        last += 1
    return first, last


def find_mentions(state: State, models: Models) -> None:
    """Run NER and turn its spans into repaired, normalised mentions."""
    doc = state.doc
    doc.tag_ner(models.ner_tagger)
    tokens = state.tokens
    starts = [t.start for t in tokens]
    spans: list[tuple[ActorKind, int, int]] = []
    for span in doc.spans:
        kind = _KINDS.get(span.type)
        if kind is None:
            continue
        first, last = _token_range(starts, tokens, span.start, span.stop)
        spans.append((kind, first, last))
    taken = {i for _, first, last in spans for i in range(first, last)}
    given = {_key(_words(tokens[f:e])[0].text) for k, f, e in spans if k == "person" and len(_words(tokens[f:e])) >= 2}
    spans = [(k, _given_name_before(tokens, f, taken, given) if k == "person" else f, e) for k, f, e in spans]

    # Surnames seen inside multi-word person spans tell glued pairs apart from first+last names.
    surnames: set[str] = set()
    for kind, first, last in spans:
        words = _words(tokens[first:last])
        if kind == "person" and len(words) >= 2 and not any(t.case != words[0].case for t in words):
            surnames.add(words[-1].lemma)
        elif kind == "person" and len(words) == 1:
            surnames.add(words[0].lemma)

    mentions: list[Mention] = []
    for kind, first, last in spans:
        span_tokens = _trim(tokens[first:last], state.text)
        if not span_tokens:
            continue
        if kind == "person":
            span_tokens = _drop_leading_noun(models, state, span_tokens)
        pieces = _split_glued(models, span_tokens, surnames) if kind == "person" else _org_pieces(span_tokens)
        for piece in pieces:
            piece = _trim(piece, state.text)
            if not piece:
                continue
            if (
                mentions
                and _is_latin(piece)
                and mentions[-1].stop <= piece[0].start
                and _cyrillic_before(state.text, mentions[-1], piece[0].start)
            ):
                # "Андрес Восман (Andres Vosman)": the original spelling is an alias, not a second person.
                mentions[-1].alias = state.text[piece[0].start : piece[-1].stop]
                continue
            p_first = first + next(i for i, t in enumerate(tokens[first:last]) if t is piece[0])
            p_stop = p_first + len(piece)
            if kind == "organization":
                name = _normalize_org(piece, models.morph_vocab)
                tail_stop = _org_tail(state, p_stop, taken)
                if tail_stop > p_stop:
                    name += " " + state.text[tokens[p_stop].start : tokens[tail_stop - 1].stop]
                    p_stop = tail_stop
            else:
                name = str(normalize(models.morph_vocab, piece))
                if len(piece) == 1 and piece[0].case not in (None, "Nom") and _key(name) == _key(piece[0].text):
                    # natasha could not inflect a rare name ("Обамы"); the contextual lemma usually can.
                    name = str(recover_shape(piece[0].lemma, piece[0].text))
                name = _feminine_surname(_keep_indeclinable(_nominative_surname(name, piece), piece), piece)
                name = _keep_yo(name, piece)
            name = re.sub(r"\s+", " ", name).strip()
            if kind == "person":
                name = re.sub(r"^([A-ZА-ЯЁ])\.(?=[A-ZА-ЯЁ][a-zа-яё])", r"\1. ", name)  # "Н.Прянишников"
            if _is_junk(kind, piece, name):
                continue
            start, stop = tokens[p_first].start, tokens[p_stop - 1].stop
            mention = Mention(kind, name, start, stop, p_first, p_stop, piece[0].sent)
            mention.nominative = all(t.case in (None, "Nom") for t in _words(piece))
            mentions.append(mention)
    state.mentions = mentions


def _drop_leading_noun(models: Models, state: State, piece: list[Token]) -> list[Token]:
    """ "Заявление Гелетей ...": NER took the capitalised first word of the sentence into the name.

    Dropped when it opens the sentence and morphology knows it as an inanimate noun and as no name,
    surname or place.
    """
    words = _words(piece)
    if len(words) < 2:
        return piece
    first = words[0]
    sent = state.sents[first.sent]
    if first.start != sent.start:
        return piece
    vocab = models.morph_vocab
    if not has_grammeme(vocab, first.text, "inan", min_score=0.3):
        return piece  # the tagger calls it PROPN inside the span; morphology knows an inanimate noun
    if any(has_grammeme(vocab, first.text, g, min_score=0.01) for g in ("Name", "Surn", "Patr", "Geox")):
        return piece
    return piece[piece.index(first) + 1 :]


def _given_name_before(tokens: list[Token], first: int, taken: set[int], given: set[str]) -> int:
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
        and (tok.case == head.case or any(_similar_surname(tok.text, g) for g in given))
        and tok.feats.get("Animacy") != "Inan"
    ):
        return i
    return first


#: Oblique endings of foreign masculine surnames and the nominative they come from ("Карзая" -> "Карзай").
_OBLIQUE_ENDINGS = (("ями", "й"), ("ем", "й"), ("ом", ""), ("ю", "й"), ("я", "й"), ("у", ""), ("а", ""), ("е", ""))
_VOWELS = set("аеёиоуыэюяaeiou")


def _nominative_surname(name: str, piece: list[Token]) -> str:
    """Undo an oblique case natasha left on a foreign surname ("Хамид Карзая" -> "Хамид Карзай").

    pymorphy does not know most foreign surnames and reads "Карзая" as a feminine nominative; the
    tagger in context knows it is a masculine genitive. Only then is the ending mapped back, by the
    regular declension of masculine surnames (-я after a vowel -> -й, -а after a consonant -> stem).
    """
    words = [t for t in piece if _WORD_RE.search(t.text)]
    parts = name.split()
    if not words or len(parts) != len(words):
        return name
    last = words[-1]
    if last.case in (None, "Nom") or last.feats.get("Gender") != "Masc" or _key(parts[-1]) != _key(last.text):
        return name
    if len(words) >= 2 and _key(parts[0]) == _key(words[0].text):
        # natasha inflected nothing ("Паноса Камменоса"): undo the ending of every word, but only when
        # the tagger reads them all as the same masculine oblique case and every word has such an ending.
        # A given name in -е/-и/-о/-у never declines ("Налле Валруса"): it is left as it is.
        fixed_words = [w for w, p in zip(words, parts, strict=True) if not re.search(r"[еиоуюэ]$", p.lower())]
        same = all(w.case == last.case and w.feats.get("Gender") == "Masc" for w in fixed_words)
        fixed = [p if re.search(r"[еиоуюэ]$", p.lower()) else _undo_ending(p) for p in parts]
        if not same or any(f is None for f in fixed):
            return name
        return " ".join(f for f in fixed if f is not None)
    fixed_last = _undo_ending(parts[-1])
    return name if fixed_last is None else " ".join([*parts[:-1], fixed_last])


_MASCULINE_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын)$|(?:ский|цкий)$")


def _feminine_surname(name: str, piece: list[Token]) -> str:
    """ "Екатерину Павлову" is "Екатерина Павлова", not "Екатерина Павлов".

    natasha sometimes normalises a woman's Russian-style surname to the masculine form; the tagger
    in context reads the words as feminine, and the given name agrees.
    """
    words = [t for t in piece if _WORD_RE.search(t.text)]
    parts = name.split()
    if len(words) < 2 or len(parts) != len(words):
        return name
    if words[0].feats.get("Gender") != "Fem" or (words[-1].feats.get("Gender") == "Fem" and words[-1].case == "Nom"):
        return name
    last = parts[-1]
    m = _MASCULINE_SURNAME.search(last)
    surface = words[-1].text.lower()
    if m is None or not re.search(r"(?:ову|еву|ёву|ину|ыну|овой|евой|иной|ыной|ую|ой)$", surface):
        return name  # a foreign woman's "Мартин" stays: only a Russian feminine ending in the text counts
    ending = m.group(0)
    feminine = last[: -len(ending)] + ("ская" if ending == "ский" else "цкая" if ending == "цкий" else ending + "а")
    return " ".join([*parts[:-1], feminine])


def _keep_indeclinable(name: str, piece: list[Token]) -> str:
    """Surnames in -о and -ых/-их never decline ("Мутко", "Шевченко", "Черных"): keep them as written.

    pymorphy reads an oblique "Мутко" as some adjective and "normalises" it to "Муткий", which then
    files the same man twice.
    """
    words = [t for t in piece if _WORD_RE.search(t.text)]
    parts = name.split()
    if not words or len(parts) != len(words):
        return name
    surface = words[-1].text
    low = surface.lower()
    if not surface[:1].isupper() or not re.search(r"(?:[^аеёиоуыэюя]о|[ыи]х)$", low) or low.endswith(("ого", "его")):
        return name
    if _key(parts[-1]) == _key(surface):
        return name
    return " ".join([*parts[:-1], surface[:1] + surface[1:].lower() if surface.isupper() else surface])


def _undo_ending(word: str) -> str | None:
    """The nominative of a masculine surname in an oblique case, by the regular declension, or None."""
    for ending, nominative in _OBLIQUE_ENDINGS:
        stem = word[: -len(ending)]
        if word.lower().endswith(ending) and len(stem) >= 3:
            after_vowel = stem[-1].lower() in _VOWELS
            if (nominative == "й") == after_vowel:
                return stem + nominative
    return None


def _keep_yo(name: str, piece: list[Token]) -> str:
    """natasha folds ё into е; put it back where the text has it ("Сплидбёль", not "Сплидбель")."""
    if "ё" not in "".join(t.text.lower() for t in piece):
        return name
    out = []
    for word, tok in zip(name.split(), [t for t in piece if _WORD_RE.search(t.text)], strict=False):
        src = tok.text
        chars = list(word)
        for i, ch in enumerate(src[: len(chars)]):
            if ch in "ёЁ" and chars[i] in "еЕ":
                chars[i] = "ё" if ch == "ё" else "Ё"
        out.append("".join(chars))
    rest = name.split()[len(out):]
    return " ".join(out + rest)


def _sub_run(short: list[str], long_: list[str]) -> bool:
    """Whether the words of `short` are a contiguous run of `long_` ("Рибер Нурдбю" in "Юханнес Рибер Нурдбю")."""
    n = len(short)
    return any(
        all(_similar_surname(a, b) for a, b in zip(short, long_[i : i + n], strict=True))
        for i in range(len(long_) - n + 1)
    )


def _similar_surname(a: str, b: str) -> bool:
    """Same surname up to an inflection natasha failed to undo ("Хэммонда" / "Хэммонд")."""
    a, b = _key(a), _key(b)
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    stem = short[:-1] if len(short) > 5 else short
    return len(short) >= 4 and long_.startswith(stem) and len(long_) - len(short) <= 2


def merge(state: State, models: Models) -> None:
    """Group mentions into actors: full names absorb surnames; aliases unify places and bodies."""
    actors: list[ActorDraft] = []
    by_key: dict[str, int] = {}
    person_full: list[int] = []
    forms: dict[int, Counter[str]] = {}
    nominal: dict[int, Counter[str]] = {}

    def new_actor(name: str, kind: ActorKind, m: Mention) -> int:
        actors.append(ActorDraft(name=name, kind=kind, first=m.start))
        forms[len(actors) - 1] = Counter()
        nominal[len(actors) - 1] = Counter()
        return len(actors) - 1

    def attach(index: int, m: Mention, form: str) -> None:
        if m.nominative:
            # A form seen in the nominative is trusted over one natasha had to inflect back.
            nominal[index][form] += 1
        a = actors[index]
        a.mentions += 1
        a.first = min(a.first, m.start)
        if form not in a.variants:
            a.variants.append(form)
        forms[index][form] += 1
        m.actor = index

    persons = [m for m in state.mentions if m.kind == "person"]
    # Full names first, so that a lone surname anywhere in the text finds its owner.
    for m in sorted(persons, key=lambda m: (-len(m.name.split()), m.start)):
        parts = m.name.split()
        if len(parts) >= 2 and parts[0][:1].islower():
            # A surname with a particle ("фон дер Ляйен", "де Мистура"): joins the full name that
            # ends with it, like a bare surname does.
            tail = [_key(p) for p in parts]
            owners = [i for i in person_full if len(actors[i].name.split()) > len(parts)
                      and [_key(p) for p in actors[i].name.split()[-len(parts):-1]] == tail[:-1]
                      and _similar_surname(actors[i].name.split()[-1], parts[-1])]
            if owners:
                attach(max(owners, key=lambda i: actors[i].mentions), m, m.name)
                continue
        if len(parts) >= 2:
            found = None
            for idx in person_full:
                aparts = actors[idx].name.split()
                if (_similar_surname(aparts[-1], parts[-1]) and (
                    _key(aparts[0]) == _key(parts[0]) or _key(aparts[0])[:1] == _key(parts[0])[:1]
                )) or (len(aparts) > len(parts) and _sub_run(parts, aparts)):
                    found = idx
                    break
            if found is None:
                found = new_actor(m.name, "person", m)
                person_full.append(found)
            attach(found, m, m.name)
            continue
        word = parts[0]
        candidates = [i for i in person_full if _similar_surname(actors[i].name.split()[-1], word)]
        if candidates:
            attach(max(candidates, key=lambda i: actors[i].mentions), m, m.name)
            continue
        key = "per:" + _key(word)
        found_idx = by_key.get(key)
        if found_idx is None:
            found_idx = next(
                (i for k, i in by_key.items() if k.startswith("per:") and _similar_surname(k[4:], word)), None
            )
        if found_idx is None:
            found_idx = new_actor(word, "person", m)
            by_key[key] = found_idx
        attach(found_idx, m, m.name)

    for m in state.mentions:
        if m.kind == "person":
            continue
        canonical, kind = _ALIASES.get(_key(m.name), (m.name, m.kind))
        key = "nam:" + _key(canonical)
        place = by_key.get(key)
        if place is None:
            place = new_actor(canonical, kind, m)
            by_key[key] = place
        attach(place, m, m.name)

    for m in state.mentions:
        if m.alias and m.actor >= 0 and m.alias not in actors[m.actor].variants:
            actors[m.actor].variants.append(m.alias)

    # Name a person by its most trusted full form: seen in the nominative, then frequent, then the
    # plain "first last" shape ("Владимир Путин" over "Владимир Владимирович Путин").
    for idx, actor in enumerate(actors):
        if actor.kind != "person":
            continue
        width = max(len(n.split()) for n in forms[idx]) if forms[idx] else 1
        pool = [n for n in forms[idx] if (len(n.split()) >= 2) == (width >= 2)]
        if pool:
            actor.name = max(
                pool,
                # A form with the given name beats a particle surname ("фон дер Ляйен").
                key=lambda n: (n[:1].isupper(), not _INITIAL_RE.match(n.split()[0]), nominal[idx][n], forms[idx][n],
                               -abs(len(n.split()) - 2),
                               -len(n)),
            )
            actor.name = _nominative_from_surname(actor.name, [n for n in nominal[idx] if len(n.split()) == 1])
    state.actors = actors


def _nominative_from_surname(name: str, nominative_surnames: list[str]) -> str:
    """ "Паноса Камменоса" with "Камменос" seen in the nominative elsewhere: "Панос Камменос".

    The article's own nominative mention is the best evidence of a foreign surname's base form;
    the given name in front then had the same masculine oblique ending.
    """
    parts = name.split()
    if len(parts) < 2:
        return name
    last = parts[-1]
    for surname in nominative_surnames:
        if _key(surname) != _key(last) and len(surname) < len(last) and _similar_surname(surname, last):
            first = [(_undo_ending(p) or p) if p[-1:] in "аяу" else p for p in parts[:-1]]
            return " ".join([*first, surname])
    return name


#: More actors than this in one article are noise for a reader (and for storage).
MAX_ACTORS = 100


def _latin() -> Any:
    try:
        from analysis.keys import latin

        return latin
    except Exception:  # aliases lose their Latin spelling, nothing else
        return lambda text: text


def rank_actors(state: State, models: Models) -> None:
    """Fill state.ranked: the article's actors by salience, its own outlets left out."""
    latin = _latin()
    state.ranked = [to_actor(state.actors[i], latin) for i in ranked(state, exclude=state.outlets)][:MAX_ACTORS]


def ranked(state: State, *, exclude: set[str]) -> list[int]:
    """Actor indexes by salience: mention count, then first appearance."""
    skip = {_key(x) for x in exclude}
    order = [i for i, a in enumerate(state.actors) if _key(a.name) not in skip]
    return sorted(order, key=lambda i: (-state.actors[i].mentions, state.actors[i].first))


def aliases(actor: ActorDraft, latin: Any) -> tuple[str, ...]:
    """Names a user may type: full name, surname, their Latin spellings, and forms seen in the text."""
    names = [actor.name]
    if actor.kind == "person" and len(actor.name.split()) >= 2:
        names.append(actor.name.split()[-1])
    for name in list(names):
        with contextlib.suppress(Exception):  # a transliteration bug must not cost the whole analysis
            names.append(str(latin(name)))
    names.extend(actor.variants)
    seen: set[str] = set()
    out: list[str] = []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return tuple(out)


def to_actor(actor: ActorDraft, latin: Any) -> Actor:
    return Actor(
        name=actor.name,
        kind=actor.kind,
        mentions=actor.mentions,
        role=actor.role,
        aliases=aliases(actor, latin),
        actions=tuple(actor.actions),
    )


def key(text: str) -> str:
    """Comparison key for names (lowercase, ё folded, spaces squeezed)."""
    return _key(text)
