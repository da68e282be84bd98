"""Person names back to the form a reader writes: nominative surnames, feminine forms, ё, indeclinables.

natasha's span.normalize inflects each word by pymorphy, which does not know most foreign surnames and
reads an oblique "Карзая" as a feminine nominative or "Мутко" as an adjective. These rules correct
it from the tagger's reading in context and from the word's own shape; they cost no model pass.
"""

from __future__ import annotations

import re
from typing import Any

from analysis.state import Token
from analysis.textnorm import fold

PARTICLES = {"де", "ди", "да", "дос", "фон", "ван", "дер", "ибн", "бин", "аль", "эль", "ал", "ла", "ле", "о"}

INITIAL_RE = re.compile(r"^[A-ZА-ЯЁ]\.?$")

WORD_RE = re.compile(r"[^\W\d_]")


def key(text: str) -> str:
    """Comparison key for names (lowercase, ё folded, spaces squeezed, edge punctuation dropped)."""
    return fold(text).strip(" .,-")


def word_tokens(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if WORD_RE.search(t.text)]


#: Oblique endings of foreign masculine surnames and the nominative they come from ("Карзая" -> "Карзай").
_OBLIQUE_ENDINGS = (("ями", "й"), ("ем", "й"), ("ом", ""), ("ю", "й"), ("я", "й"), ("у", ""), ("а", ""), ("е", ""))

_VOWELS = set("аеёиоуыэюяaeiou")


def nominative_surname(name: str, piece: list[Token]) -> str:
    """Undo an oblique case natasha left on a foreign surname ("Хамид Карзая" -> "Хамид Карзай").

    pymorphy does not know most foreign surnames and reads "Карзая" as a feminine nominative; the
    tagger in context knows it is a masculine genitive. Only then is the ending mapped back, by the
    regular declension of masculine surnames (-я after a vowel -> -й, -а after a consonant -> stem).
    """
    words = [t for t in piece if WORD_RE.search(t.text)]
    parts = name.split()
    if not words or len(parts) != len(words):
        return name
    last = words[-1]
    if last.case in (None, "Nom") or last.feats.get("Gender") != "Masc" or key(parts[-1]) != key(last.text):
        return name
    if len(words) >= 2 and key(parts[0]) == key(words[0].text):
        # natasha inflected nothing ("Паноса Камменоса"): undo the ending of every word, but only when
        # the tagger reads them all as the same masculine oblique case and every word has such an ending.
        # A given name in -е/-и/-о/-у never declines ("Налле Валруса"): it is left as it is.
        fixed_words = [w for w, p in zip(words, parts, strict=True) if not re.search(r"[еиоуюэ]$", p.lower())]
        same = all(w.case == last.case and w.feats.get("Gender") == "Masc" for w in fixed_words)
        fixed = [p if re.search(r"[еиоуюэ]$", p.lower()) else undo_ending(p) for p in parts]
        if not same or any(f is None for f in fixed):
            return name
        return " ".join(f for f in fixed if f is not None)
    fixed_last = undo_ending(parts[-1])
    return name if fixed_last is None else " ".join([*parts[:-1], fixed_last])

_MASCULINE_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын)$|(?:ский|цкий)$")

def feminine_surname(name: str, piece: list[Token]) -> str:
    """ "Екатерину Павлову" is "Екатерина Павлова", not "Екатерина Павлов".

    natasha sometimes normalises a woman's Russian-style surname to the masculine form; the tagger
    in context reads the words as feminine, and the given name agrees.
    """
    words = [t for t in piece if WORD_RE.search(t.text)]
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
    return " ".join([*parts[:-1], feminine_form(last)])


def feminine_form(surname: str) -> str:
    """The woman's form of a Russian-style surname ("Павлов" -> "Павлова", "Вертинский" -> "Вертинская");
    any other surname as it is."""
    m = _MASCULINE_SURNAME.search(surname)
    if m is None:
        return surname
    ending = m.group(0)
    return surname[: -len(ending)] + ("ская" if ending == "ский" else "цкая" if ending == "цкий" else ending + "а")

def keep_indeclinable(name: str, piece: list[Token]) -> str:
    """Surnames in -о and -ых/-их never decline ("Мутко", "Шевченко", "Черных"): keep them as written.

    pymorphy reads an oblique "Мутко" as some adjective and "normalises" it to "Муткий", which then
    files the same man twice.
    """
    words = [t for t in piece if WORD_RE.search(t.text)]
    parts = name.split()
    if not words or len(parts) != len(words):
        return name
    surface = words[-1].text
    low = surface.lower()
    if not surface[:1].isupper() or not re.search(r"(?:[^аеёиоуыэюя]о|[ыи]х)$", low) or low.endswith(("ого", "его")):
        return name
    if key(parts[-1]) == key(surface):
        return name
    return " ".join([*parts[:-1], surface[:1] + surface[1:].lower() if surface.isupper() else surface])

def undo_ending(word: str) -> str | None:
    """The nominative of a masculine surname in an oblique case, by the regular declension, or None."""
    for ending, nominative in _OBLIQUE_ENDINGS:
        stem = word[: -len(ending)]
        if word.lower().endswith(ending) and len(stem) >= 3:
            after_vowel = stem[-1].lower() in _VOWELS
            if (nominative == "й") == after_vowel:
                return stem + nominative
    return None

def keep_yo(name: str, piece: list[Token]) -> str:
    """natasha folds ё into е; put it back where the text has it ("Сплидбёль", not "Сплидбель")."""
    if "ё" not in "".join(t.text.lower() for t in piece):
        return name
    out = []
    for word, tok in zip(name.split(), [t for t in piece if WORD_RE.search(t.text)], strict=False):
        src = tok.text
        chars = list(word)
        for i, ch in enumerate(src[: len(chars)]):
            if ch in "ёЁ" and chars[i] in "еЕ":
                chars[i] = "ё" if ch == "ё" else "Ё"
        out.append("".join(chars))
    rest = name.split()[len(out):]
    return " ".join(out + rest)

def sub_run(short: list[str], long_: list[str]) -> bool:
    """Whether the words of `short` are a contiguous run of `long_` ("Рибер Нурдбю" in "Юханнес Рибер Нурдбю")."""
    n = len(short)
    return any(
        all(similar_surname(a, b) for a, b in zip(short, long_[i : i + n], strict=True))
        for i in range(len(long_) - n + 1)
    )

def similar_surname(a: str, b: str) -> bool:
    """Same surname up to an inflection natasha failed to undo ("Хэммонда" / "Хэммонд")."""
    a, b = key(a), key(b)
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    stem = short[:-1] if len(short) > 5 else short
    return len(short) >= 4 and long_.startswith(stem) and len(long_) - len(short) <= 2

def nominative_from_surname(name: str, nominative_surnames: list[str]) -> str:
    """ "Паноса Камменоса" with "Камменос" seen in the nominative elsewhere: "Панос Камменос".

    The article's own nominative mention is the best evidence of a foreign surname's base form;
    the given name in front then had the same masculine oblique ending.
    """
    parts = name.split()
    if len(parts) < 2:
        return name
    last = parts[-1]
    for surname in nominative_surnames:
        if key(surname) != key(last) and len(surname) < len(last) and similar_surname(surname, last):
            first = [(undo_ending(p) or p) if p[-1:] in "аяу" else p for p in parts[:-1]]
            return " ".join([*first, surname])
    return name


_FIXED_ENDING = re.compile(r"[еиоуэю]$")
_ADJECTIVAL = re.compile(r"(?:ого|его|ому|ему|ыми|ими|ой|ей)$")


def indeclinable_surfaces(spans: list[list[Token]], vocab: Any) -> set[str]:
    """Words of the article's person spans that do not decline ("Моне", "Рабле", "Рютте", "Гаргантюа").

    natasha "normalises" them by a Russian paradigm they do not have ("Моне" -> "Мон", "Рабле" ->
    "Рабл"), and one man becomes two actors. A word is taken as it is written when morphology knows it
    as an indeclinable name (Fixd), or when it is not a dictionary word and the article's own text shows
    it does not decline: the same spelling in two grammatical cases, a vowel ending a masculine word
    cannot have in the case the tagger reads ("-е", "-и", "-э" in Gen/Acc/Dat/Ins), or a vowel before a
    final "-а" ("Гаргантюа": no Russian oblique form ends so).
    """
    cases: dict[str, set[str]] = {}
    masc_oblique: set[str] = set()
    for tokens in spans:
        for tok in tokens:
            text = tok.text
            if not WORD_RE.search(text) or not text[:1].isupper() or len(text) < 3:
                continue
            low = text.lower()
            cases.setdefault(low, set()).add(tok.case or "")
            if tok.feats.get("Gender") == "Masc" and low[-1] in "еиэ" and tok.case in ("Gen", "Acc", "Ins", "Dat"):
                masc_oblique.add(low)
    out: set[str] = set()
    for low, seen in cases.items():
        try:
            parses = vocab(low)
            known = bool(vocab.word_is_known(low))
        except Exception:  # pymorphy raises on some rare paradigms: no evidence either way
            continue
        fixd = any("Fixd" in p.tag and ("Surn" in p.tag or "Name" in p.tag) and p.score >= 0.05 for p in parses)
        shown = (len(seen - {""}) >= 2 and bool(_FIXED_ENDING.search(low)) and not _ADJECTIVAL.search(low)) or (
            low in masc_oblique)
        if fixd or (not known and (shown or bool(re.search(r"[аеиоуюя]а$", low)))):
            out.add(low)
    return out


def keep_surfaces(name: str, piece: list[Token], fixed: set[str]) -> str:
    """Put back, word for word, the written form of the words that do not decline."""
    words = [t for t in piece if WORD_RE.search(t.text)]
    parts = name.split()
    if not fixed or len(parts) != len(words):
        return name
    return " ".join(w.text if w.text.lower() in fixed and w.text[:1].isupper() else p
                    for w, p in zip(words, parts, strict=True))


def nominative_known_names(name: str, piece: list[Token], vocab: Any) -> str:
    """Words natasha left in an oblique case ("Марьи Арцыбушевой", "Изы Кремер", "Андрея Лугового")
    put in the nominative when morphology knows them as a given name, a surname or a patronymic in the
    case the tagger reads; other words (a foreign surname morphology does not know) stay as they are."""
    from analysis.morph import to_nominative

    words = [t for t in piece if WORD_RE.search(t.text)]
    parts = name.split()
    if len(parts) != len(words):
        return name
    out = []
    woman = any(w.feats.get("Gender") == "Fem" for w in words)
    for n, (word, part) in enumerate(zip(words, parts, strict=True)):
        low = word.text.lower()
        if word.case in (None, "Nom") or not word.text[:1].isupper():
            out.append(part)
            continue
        if n == len(words) - 1 and n > 0 and woman:
            # A woman's Russian-style surname in an oblique case: "Мелкумовой" -> "Мелкумова".
            m = re.search(r"(?:(?<=[оеё]в|[иы]н)(?:ой|у)|(?<=[сц]к)(?:ой|ую))$", low)
            if m is not None:
                stem = word.text[: m.start()]
                out.append(stem + ("ая" if stem.lower().endswith(("ск", "цк")) else "а"))
                continue
        if n == len(words) - 1 and n > 0 and word.feats.get("Gender") == "Masc" and low.endswith(("ого", "его")):
            adjective = to_nominative(vocab, word.text, "ADJ", {**word.feats, "Case": word.case})
            if key(adjective) != key(word.text):
                out.append(adjective)  # "Лугового" -> "Луговой"
                continue
        if key(part) != key(word.text):
            out.append(part)  # natasha did change the word: its form stands
            continue
        case = {"Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}.get(word.case)
        try:
            known = any(
                case in p.tag and any(g in p.tag for g in ("Name", "Surn", "Patr")) and p.score >= 0.1
                for p in vocab(word.text.lower())
            )
        except Exception:  # pymorphy raises on some rare paradigms
            known = False
        if not known:
            out.append(part)
            continue
        fixed = to_nominative(vocab, word.text, "NOUN", {k: v for k, v in word.feats.items() if k != "Animacy"})
        out.append(fixed if fixed[:1].isupper() else part)
    return " ".join(out)


_PLURAL_SURNAME = re.compile(r"(?:ыми|ами|ых|ым|ов|ев|ам|ах|ы|и)$")


def singular_surname(word: str) -> str:
    """ "Ротенбергов"/"Ротенберги" -> "Ротенберг", "Ивановых" -> "Иванов": the one person's surname in
    a plural that names two ("Аркадий и Борис Ротенберги")."""
    adjectival = re.search(r"(?<=[сц]к)(?:ие|их|им|ими)$", word.lower())
    if adjectival is not None:
        return word[: adjectival.start()] + "ий"  # "Стругацкие" -> "Стругацкий"
    m = _PLURAL_SURNAME.search(word.lower())
    if m is None or len(word) - len(m.group(0)) < 3:
        return word
    return word[: len(word) - len(m.group(0))]
