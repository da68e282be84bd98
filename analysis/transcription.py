"""Reversal of Russian practical transcription: which Latin spellings a Russian-written name may come from.

Russian writes foreign names by ear (Ermolovich's practical transcription: ``May`` -> «Мэй»,
``Johnson`` -> «Джонсон», ``Theresa`` -> «Тереза», ``Hammond`` -> «Хэммонд») and transliterates its
own names letter by letter (``Лавров`` -> Lavrov, ``Шойгу`` -> Shoigu). Both directions are many-to-one,
so no single "back-transliteration" exists, but the set of spellings a Russian form can come from is
small and rule-shaped. :func:`latin_pattern` turns a Cyrillic word into a regular expression of that set,
built unit by unit from one table (:data:`_UNITS`); :func:`same_word` asks whether a Latin word is
one of them.

Why a pattern and not a looser key: the search key of ``analysis.keys`` squeezes every vowel run to one
``a``, which is right for finding candidates but lets different names meet (``May``/«МО»,
``Miller``/«Мюллер», ``Harrison``/«Херсон»). The pattern keeps what the transcription keeps: every
Russian vowel stands for an English vowel spelling of its own class («ю» needs a ``u``/``ew``, «о» an
``o``/``au``/``a``), no vowel appears from nowhere, every consonant needs one of its spellings. Only
letters English does not pronounce may be extra: a final ``e``, an ``h`` after a vowel
(``Johnson``, ``Sarah``), doubled consonants.

The table is data about transcription, not about particular names: every entry is a sound
correspondence used by the standard English->Russian and Russian->English schemes (the Wikipedia
transliteration included, so ``Zelensky``, ``Shoigu``, ``Sergei`` and ``Sergey`` also match).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["initial_compatible", "is_cyrillic", "is_latin", "latin_pattern", "normalize_latin", "same_word"]

# Cyrillic unit -> Latin spellings it may stand for. Multi-letter units come first when the text is cut
# into units (longest match); each also matches the concatenation of its letters' own spellings, so
# cutting "ай" as one unit never loses what "а" + "й" would have matched.
_UNITS: dict[str, tuple[str, ...]] = {
    # vowels
    "а": ("a", "u", "o", "aa", "ah", "au", "ou", "ua", "e", "ea"),
    # u: Burns/Бернс; o: a Nordic/German ö printed without its dots (Enström/Энстрем, Niinistö/Ниинисте)
    "е": ("e", "a", "ae", "ai", "ea", "ie", "ue", "oe", "ei", "ee", "ye", "je", "i", "u", "o"),
    "э": ("e", "a", "ai", "ae", "ea", "ay", "ei", "eh"),
    "и": ("i", "ee", "ea", "ie", "e", "y", "ey", "ei", "ii", "yi", "ui", "ia"),
    "ы": ("y", "i", "ui", "yi"),
    "о": ("o", "au", "aw", "ou", "oa", "a", "ow", "oh", "oo", "eau", "ough", "oe"),
    "у": ("u", "oo", "ou", "ew", "ue", "w", "ough", "ui", "eu"),
    "ю": ("u", "yu", "iu", "ew", "eu", "ue", "you", "ju", "yoo", "ieu", "iou"),
    "я": ("ya", "ia", "ja", "a", "iya", "yah", "iah"),
    "ё": ("yo", "io", "jo", "o", "oe", "eu", "ye", "e"),
    "й": ("y", "i", "j"),
    "ь": ("", "y", "i", "j"),
    "ъ": ("", "y"),
    # diphthongs and vowel+й (English ay/ai/ey/igh, oy, ow/ou; Russian -ий/-ый endings)
    "ай": ("i", "y", "ai", "ay", "ei", "ey", "igh", "ie", "uy", "ye", "aj", "iy"),
    "ей": ("a", "ay", "ai", "ey", "ei", "eigh", "ea", "ej", "aye"),
    "эй": ("a", "ay", "ai", "ey", "ei", "eigh", "ea", "ej", "aye"),
    "ой": ("oy", "oi", "oj", "oey", "oye"),
    "уй": ("ui", "uy", "ewi", "oui", "wi"),
    "ий": ("y", "i", "iy", "ii", "ij", "ie", "yi", "iey", "ey", "ei", "yy"),
    "ый": ("y", "yi", "iy", "yy", "i", "yj"),
    "ау": ("ow", "ou", "au", "ao", "aw", "aou"),
    "оу": ("o", "ow", "ou", "oe", "ough", "oa", "oh"),
    "ью": ("ew", "ieu", "iu", "yu", "u", "ue", "iew"),
    "ия": ("ia", "iya", "ya", "ija", "ea", "iah", "yah"),
    "яй": ("ey", "ei", "ai", "ay", "yai", "iai"),  # German ei/ey after a soft consonant: Leyen/Ляйен
    "уа": ("wa", "ua", "oi"),
    "уи": ("wi", "ui", "wee", "whi", "oui"),
    "уо": ("wa", "wo", "uo", "wha"),
    "уэ": ("we", "wa", "ue", "whe", "wai"),
    # consonants (each single-letter spelling may also be doubled: Tillerson/Тиллерсон/Tilerson)
    "б": ("b",),
    "в": ("v", "w", "wh", "f"),
    "г": ("g", "gh", "gu", "h", "gue"),
    "д": ("d", "dh", "de"),
    "дж": ("j", "g", "dg", "dge", "dj", "dzh", "gi", "ge", "gy", "dzs", "jh"),
    "ж": ("zh", "j", "g", "s", "ge", "zs", "jh", "x", "rz"),
    "з": ("z", "s", "x", "zs", "ds", "th"),
    "к": ("k", "c", "ck", "ch", "q", "kh", "cq", "que", "qu", "cc"),
    "кс": ("x", "ks", "cks", "cs", "kx", "xs", "cc", "kz"),
    "кв": ("qu", "kw", "kv", "cqu", "quh"),
    "л": ("l", "le"),
    "м": ("m", "mb"),
    "н": ("n", "gn", "kn", "ng", "nh"),
    "п": ("p", "ph"),
    "р": ("r", "rh", "wr", "re"),
    "с": ("s", "c", "sc", "ce", "se", "z", "sz", "ps", "th", "x"),
    "т": ("t", "th", "te", "d", "pt", "tte", "tth"),
    "ф": ("f", "ph", "v", "gh", "pf"),
    "х": ("h", "kh", "ch", "j", "x", "g", "ck"),
    "цз": ("j", "z", "dz", "tz"),  # Pinyin j/z: Цзиньпин/Jinping
    "ц": ("ts", "tz", "z", "c", "cz", "tc", "tsz", "ds", "tzs", "zs", "zz", "tts"),
    "ч": ("ch", "tch", "c", "cz", "cs", "tsch", "ci", "tj", "tsh", "cc", "chi", "tx"),
    "ш": ("sh", "sch", "s", "ch", "sz", "si", "ti", "sj", "x", "ss", "shi"),
    "щ": ("shch", "sch", "sh", "shtch", "stch", "szcz", "sht"),
}
_VOWEL_UNITS = frozenset(u for u in _UNITS if u[0] in "аеэиыоуюяёь" and u != "ь")
_CONSONANTS = frozenset("бвгджзклмнпрстфхцчшщ")
# Letters that never carry a sound of their own in Russian spelling but appear in Latin ones: a Latin
# word may carry them where the Russian has nothing, at the places stated.
_OPTIONAL_END = "(?:e|h)?"  # Pence/Пенс, Sarah/Сара
_OPTIONAL_AFTER_VOWEL = "(?:gh|h)?"  # Johnson/Джонсон, Buhari/Бухари, Hugh/Хью
_CYR_PREMAP = str.maketrans({"і": "и", "ї": "йи", "є": "е", "ґ": "г", "ў": "у"})
_LATIN_PREMAP = str.maketrans({
    "č": "ch", "ć": "ch", "ç": "c", "š": "sh", "ś": "sh", "ş": "sh", "ș": "sh", "ž": "zh", "ź": "z",
    "ż": "zh", "đ": "dj", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ğ": "g", "ı": "i",
    "ț": "ts", "ţ": "ts", "ő": "o", "ű": "u", "ü": "ue", "ö": "oe", "ä": "ae", "å": "a", "ñ": "n",
})
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_MAX_WORD = 40
# Endings of oblique cases that are not also nominative endings of names («Франция», «Тереза» are).
_OBLIQUE = ("у", "ю", "ом", "ем", "ым", "им", "ого", "его", "ому", "ему", "ой", "ера", "ена")
_UNIT_ORDER = sorted(_UNITS, key=len, reverse=True)


def is_cyrillic(word: str) -> bool:
    """Has Cyrillic letters and no Latin ones."""
    return bool(_CYRILLIC_RE.search(word)) and not _LATIN_RE.search(word)


def is_latin(word: str) -> bool:
    """Has Latin letters and no Cyrillic ones."""
    return bool(_LATIN_RE.search(word)) and not _CYRILLIC_RE.search(word)


def normalize_latin(word: str) -> str:
    """Lowercase ASCII letters of a Latin word: diacritics kept as their sound (Vučić -> vuchich), the
    rest stripped (apostrophes, hyphens, digits)."""
    text = unicodedata.normalize("NFKC", word).lower().translate(_LATIN_PREMAP)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z]", "", text)
    return "mac" + text[2:] if text.startswith("mc") else text  # McConnell = Макконнелл


def _normalize_cyrillic(word: str) -> str:
    text = unicodedata.normalize("NFKC", word).lower().translate(_CYR_PREMAP)
    return re.sub(r"[^\u0430-\u044f\u0451]", "", text)


def _units(word: str) -> list[str]:
    """Cut a normalised Cyrillic word into table units, longest first; a run of one consonant is one unit."""
    out: list[str] = []
    i = 0
    while i < len(word):
        for unit in _UNIT_ORDER:
            if word.startswith(unit, i):
                out.append(unit)
                i += len(unit)
                # Doubled consonants are one sound: «лл» is «л» (its spellings may double anyway).
                while unit in _CONSONANTS and i < len(word) and word[i] == unit:
                    i += 1
                break
        else:
            i += 1  # a letter outside the table (none in Russian after normalisation) is skipped
    return out


def _alternatives(unit: str) -> list[str]:
    alts = list(_UNITS[unit])
    if unit in _CONSONANTS or (len(unit) == 1 and unit not in _VOWEL_UNITS):
        alts += [a + a for a in alts if len(a) == 1]
    return alts


def _unit_regex(unit: str, *, last: bool = False) -> str:
    alts = _alternatives(unit)
    if last and unit in ("с", "з"):
        alts.append("es")  # a silent e before a final s: James/Джеймс, Pipes/Пайпс, Charles/Чарльз
    body = "|".join(sorted({re.escape(a) for a in alts if a}, key=len, reverse=True))
    if len(unit) > 1 and all(ch in _UNITS for ch in unit):
        # The decomposition: the unit's letters spelled one by one.
        body = "".join(f"(?:{_plain_regex(ch)})" for ch in unit) + "|" + body
    return body + ("|" if "" in alts else "")


def _plain_regex(unit: str) -> str:
    alts = _alternatives(unit)
    body = "|".join(sorted({re.escape(a) for a in alts if a}, key=len, reverse=True))
    return body + ("|" if "" in alts else "")


@lru_cache(maxsize=8192)
def latin_pattern(cyrillic_word: str) -> re.Pattern[str] | None:
    """A regex (to ``fullmatch`` against :func:`normalize_latin` output) of the Latin spellings the
    Cyrillic word may transcribe; None when the word has no Cyrillic letters or is too long."""
    word = _normalize_cyrillic(cyrillic_word)
    if not word or len(word) > _MAX_WORD:
        return None
    parts: list[str] = []
    units = _units(word)
    for n, unit in enumerate(units):
        body = _unit_regex(unit, last=n == len(units) - 1)
        if n == 0 and unit[0] in "еэ":
            body += "|ye|je|ie"  # word-initial е is ye-: Елена/Yelena, Ельцин/Yeltsin
        group = f"(?:{body})"
        if n == 0 and unit in _VOWEL_UNITS:
            group = "h?" + group  # a mute initial h (French, Spanish): Hollande/Олланд, Hernandez/Эрнандес
        if unit in _VOWEL_UNITS and n > 0:
            group += _OPTIONAL_AFTER_VOWEL
        parts.append(group)
    if units and units[-1] == "у":
        parts[-1] = parts[-1].replace("(?:", "(?:o|", 1)  # Portuguese final o: Bolsonaro/Болсонару
    return re.compile("".join(parts) + _OPTIONAL_END)


@lru_cache(maxsize=65536)
def _cross_match(latin_word: str, cyrillic_word: str) -> bool:
    latin = normalize_latin(latin_word)
    if not latin or len(latin) > _MAX_WORD * 2:
        return False
    pattern = latin_pattern(cyrillic_word)
    if pattern is not None and pattern.fullmatch(latin) is not None:
        return True
    # A stored name left in an oblique case by NER («Ассанжу», «Зоммера») is compared in the nominative.
    from analysis.keys import strip_case_ending

    low = cyrillic_word.lower()
    if not low.endswith(_OBLIQUE):
        return False
    for form in strip_case_ending(cyrillic_word):
        pattern = latin_pattern(form)
        if pattern is not None and pattern.fullmatch(latin) is not None:
            return True
    return False


def same_word(a: str, b: str) -> bool:
    """Whether two single words are one name in any of Latin/Cyrillic: equal letters in one script,
    or the Latin one is a spelling the Cyrillic one transcribes. Case and diacritics never matter."""
    if is_latin(a) and is_cyrillic(b):
        return _cross_match(a, b)
    if is_cyrillic(a) and is_latin(b):
        return _cross_match(b, a)
    if is_cyrillic(a) and is_cyrillic(b):
        na, nb = _normalize_cyrillic(a).replace("ё", "е"), _normalize_cyrillic(b).replace("ё", "е")
        return bool(na) and na == nb
    if is_latin(a) and is_latin(b):
        na, nb = normalize_latin(a), normalize_latin(b)
        return bool(na) and na == nb
    return False


def initial_compatible(initial: str, word: str) -> bool:
    """Whether a one-letter initial (any script) can abbreviate ``word`` (any script): Д. ~ Denis, D. ~ Дмитрий."""
    letter = initial.strip(". ")[:1]
    if not letter or not word:
        return False
    if is_latin(letter) == is_latin(word) or is_cyrillic(letter) == is_cyrillic(word):
        if is_latin(letter) and is_latin(word):
            return normalize_latin(letter)[:1] == normalize_latin(word)[:1]
        if is_cyrillic(letter) and is_cyrillic(word):
            return _normalize_cyrillic(letter)[:1].replace("ё", "е") == _normalize_cyrillic(word)[:1].replace("ё", "е")
    if is_latin(letter):
        first_unit = _units(_normalize_cyrillic(word))[:1]
        lat = normalize_latin(letter)
        if not first_unit or not lat:
            return False
        starts = {a[:1] for a in _alternatives(first_unit[0]) if a}
        if first_unit[0][0] in "еэ":
            starts |= {"y", "j", "i"}
        return lat in starts
    cyr = _normalize_cyrillic(letter)
    return bool(cyr) and initial_compatible(word[:1], cyr)
