"""Search keys: one spelling-independent form for names and tags typed in Cyrillic or Latin.

Users type `Tillerson`, `тиллерсон`, `Тиллерсона`, `Tilerson`; articles say `Тиллерсон`. Every alias and
every query goes through :func:`search_key`, so matching is plain string equality (then prefix, then
:func:`fuzzy_ratio`) on keys.

Why the pipeline looks the way it does:

* **One transliteration scheme, Wikipedia's** (``iuliia.WIKIPEDIA``). It is the scheme English-language
  press and Wikipedia use for Russian names, so :func:`latin` gives what a reader expects ("Sergey
  Lavrov", "Zelensky", "Yeltsin"); MOSMETRO is nearly identical but meant for signage, and the
  passport-style ICAO/TELEGRAM schemes produce "Sergei"/"Zelenskii"/"Iurii" which read worse. The exact
  choice matters little for keys because the squeeze below folds the differences (y/i, kh/h, ts).
* **A phonetic squeeze on the Latin text**, because Russian spells foreign names by sound
  (Хэммонд, Мэттис, Данфорд) while English spells them by history (Hammond, Mattis, Dunford). Vowels
  are the least stable part of a cross-script spelling, so every run of vowels (y and word-final English
  w included) becomes one ``a``; consonant digraphs are folded (kh->h, ph->f, th->t, dzh/zh/j->j,
  ck/q->k, x->ks, German tz/lz->ts, Slavic -cic/-vic/-cki), English silent letters go (final e, gh
  after a vowel, wr-), doubled letters are single. The price is over-merging of names that differ only
  in vowels (Scholz/Schulz, Kerry/Correa, Putin/Patin): lookup lists ambiguous candidates anyway, and a
  consonant difference (Lavrov/Lvov, Obama/Osama) always survives.
* The squeeze is applied **until it no longer changes the text**, because a rule can create input for
  another (Russian ``тх`` -> ``tkh`` -> ``th`` -> ``t``); that makes keys idempotent by construction,
  so a key can be stored and re-keyed safely.

Heavy modules (iuliia, rapidfuzz) are imported on first use: the bot's main process imports this module
and should not pay for them until a lookup happens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import islice, product
from typing import Protocol

__all__ = [
    "FUZZY_THRESHOLD",
    "fuzzy_ratio",
    "latin",
    "query_variants",
    "search_key",
    "strip_case_ending",
]

#: Minimum :func:`fuzzy_ratio` (0..100) for two keys to count as the same name with a typo. Measured on
#: keys, where vowels are already merged and doubled letters single (so "Tilerson" needs no fuzz at
#: all): one dropped or extra consonant in a 4-8 letter key scores 88.9-94 ("tramp"/"trmp",
#: "talarsan"/"talarsn"), while different people score <= 86 ("lavrav"/"lvav" Lavrov/Lvov 80,
#: "abama"/"asama" Obama/Osama 80, "salavan"/"salvana" Sullivan/Salvini 85.7). Letter swaps score 83
#: and are knowingly left out: admitting them would admit Sullivan/Salvini too.
FUZZY_THRESHOLD = 88.0

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Ukrainian/Belarusian letters the Russian scheme does not know, mapped to their Russian reading.
_CYR_PREMAP = str.maketrans({"і": "и", "ї": "йи", "є": "е", "ґ": "г", "ў": "у", "ё": "е", "Ё": "Е",
                             "І": "И", "Ї": "ЙИ", "Є": "Е", "Ґ": "Г", "Ў": "У"})
# Latin letters whose diacritic changes the sound: keep the sound before diacritics are stripped
# (Vučić = Вучич, Erdoğan = Эрдоган, Łukasz = Лукаш).
_LATIN_PREMAP = str.maketrans({
    "č": "ch", "ć": "ch", "ç": "ch", "š": "sh", "ś": "sh", "ş": "sh", "ș": "sh", "ž": "zh", "ź": "zh",
    "ż": "zh", "đ": "dj", "ł": "l", "ø": "o", "ß": "ss", "æ": "e", "œ": "e", "ğ": "g", "ı": "i",
    "ț": "ts", "ţ": "ts", "ő": "o", "ű": "u",
})
_APOSTROPHES = re.compile(r"['’ʼ`´ʻ]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_NON_KEY = re.compile(r"[^a-z0-9]+")

# Whole-word and positional English/foreign spellings, applied before digraphs. Order matters.
_WORD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^von$", "fon"),  # German particle, always фон in Russian (фон дер Ляйен)
        (r"^mc", "mak"),  # McMaster = Макмастер
        (r"^john", "jon"),  # John, Johnson = Джон, Джонсон
        (r"^geor", "jor"),  # George, Georgia = Джордж, Джорджия
        (r"^stephen", "steven"),  # Stephen = Стивен
        (r"^xi", "si"),  # pinyin Xi, Xiomara = Си, Сиомара
        (r"^wr", "r"),  # Wright = Райт
        (r"^sh(?=[tp])", "s"),  # German St-/Sp- read as Шт-/Шп-: Steinmeier = Штайнмайер
        (r"^ts", "s"),  # German initial Z read as Ц-: Zuckerberg = Цукерберг
        (r"aham$", "am"),  # Graham = Грэм
        (r"gi(?=[aou])", "j"),  # Italian Giorgia, Giuliani = Джорджа, Джулиани
        (r"chael", "kl"),  # Michael = Майкл
        (r"alk", "ak"),  # Walker = Уокер
        (r"cic$", "chich"),  # ASCII-written Vucic = Вучич
        (r"vic$", "vich"),  # Djokovic, Milosevic = Джокович, Милошевич
        (r"ck([iy])$", r"tsk\1"),  # Polish Morawiecki = Моравецкий
        (r"cka$", "tska"),
        (r"cz", "ch"),  # Polish Kaczynski = Качиньский
        (r"^sz", "s"),  # Hungarian Szijjarto = Сийярто
        (r"sz$", "sh"),  # Polish Mateusz = Матеуш
        (r"([aeiouy])lz$", r"\1lts"),  # German Scholz, Schulz = Шольц, Шульц (not Charles = Чарльз)
        (r"z(?!h)", "s"),  # Rasmussen = Расмуссен, Chavez = Чавес; voicing is unstable across scripts
        (r"dge", "j"),  # Lodge = Лодж
        (r"([a-z])ge$", r"\1j"),  # Page = Пейдж
        (r"c(?=[eiy])", "s"),  # Pence = Пенс, Cynthia = Синтия
        (r"([^aeiouy])es$", r"\1s"),  # Charles/Jones/James = Чарльз/Джонс/Джеймс
        (r"([^aeiouy])e$", r"\1"),  # silent e: Pence = Пенс
        (r"ander$", "andr"),  # Alexander = Александр
        (r"owe", "oue"),  # Powell = Пауэлл, Lowell = Лоуэлл
    )
)

# Consonant digraphs: one alternation, longest first, so "skh" reads as s+kh, not sh.
_DIGRAPHS = {
    "shch": "S", "sch": "S", "tch": "C", "dzh": "J", "chr": "kr", "chl": "kl", "zh": "J", "dj": "J",
    "kh": "h", "sh": "S", "ch": "C", "ph": "f", "th": "t", "ts": "T", "tz": "T",
    "ck": "k", "qu": "k", "wh": "w", "gh": "G",
}
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))
_SINGLE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"([aeiouy])G(?![aeiouy])", r"\1"),  # silent gh: Hugh = Хью, Wright = Райт (not Draghi)
        (r"G", "g"),  # Ghani = Гани
        (r"c", "k"),  # Correa = Корреа, Macron = Макрон
        (r"q", "k"),
        (r"x", "ks"),
        (r"j", "J"),  # English j is дж
        (r"w(?=[aeiouy])", "v"),  # Washington = Вашингтон, Morawiecki = Моравецкий
        (r"w", "u"),  # Snowden = Сноуден, Matthew = Мэтью
        (r"^u(?=[aeiouy])", "v"),  # Уильям/Уоррен = William/Warren
        (r"([aeiouy])h$", r"\1"),  # Sarah = Сара, Аллах = Allah
        (r"([aeiouy])f+$", r"\1v"),  # final -ov is said -of: Lavrof, Smirnoff = Лавров, Смирнов
        (r"[aeiouy]+", "a"),  # vowels merged: Hudson = Хадсон, Biden = Байден
        (r"([a-zA-Z])\1+", r"\1"),  # doubled letters single: Tillerson = Тиллерсон = Tilerson
    )
)
_PLACEHOLDERS = str.maketrans({"S": "sh", "C": "ch", "J": "j", "T": "ts"})
_MAX_PASSES = 6


class _Schema(Protocol):
    def translate(self, source: str) -> str: ...


@cache
def _schema() -> _Schema:
    import iuliia

    schema: _Schema = iuliia.WIKIPEDIA
    return schema


def latin(text: str) -> str:
    """Readable Latin form of ``text`` (Wikipedia transliteration); text without Cyrillic is returned as is.

    Case is kept, so the result can be shown to a user ("Рекс Тиллерсон" -> "Reks Tillerson").
    """
    if not _CYRILLIC.search(text):
        return text
    return _schema().translate(text.translate(_CYR_PREMAP))


def _squeeze_word(word: str) -> str:
    for pattern, repl in _WORD_RULES:
        word = pattern.sub(repl, word)
    word = _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group(0)], word)
    for pattern, repl in _SINGLE_RULES:
        word = pattern.sub(repl, word)
    return word.translate(_PLACEHOLDERS)


def _squeeze(text: str) -> str:
    for _ in range(_MAX_PASSES):
        words = [_squeeze_word(w) for w in text.split()]
        # Arabic article al-/el-/аль-: Russian press mostly drops it (Bashar al-Assad = Башар Асад).
        squeezed = " ".join(w for w in words if w != "al") or " ".join(words)
        if squeezed == text:
            break
        text = squeezed
    return text


def _ascii_letters(text: str) -> str:
    text = text.translate(_LATIN_PREMAP)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def search_key(text: str) -> str:
    """The matching key of an alias or a query: equal keys mean "spelled differently, sounds the same".

    Output contains only ``[a-z0-9]`` words separated by single spaces (possibly empty). Never raises.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text).lower().translate(_CYR_PREMAP).replace("э", "е")
    text = _APOSTROPHES.sub("", text)
    text = latin(text).lower()
    text = _ascii_letters(text).lower()
    text = _NON_KEY.sub(" ", text).strip()
    # Cyrillic letters iuliia left alone, or digits glued to letters, are separators.
    return _squeeze(text)


# Russian case endings of surnames and nouns, longest first; each maps to the lemma endings to try.
# Only declension endings: a surname is never cut to less than _MIN_STEM letters.
_CASE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ского", ("ский",)), ("скому", ("ский",)), ("ским", ("ский",)), ("ском", ("ский",)),
    ("цкого", ("цкий",)), ("цкому", ("цкий",)), ("цким", ("цкий",)), ("цком", ("цкий",)),
    ("ской", ("ская",)), ("скую", ("ская",)),
    ("ого", ("ий", "ый")), ("его", ("ий",)), ("ому", ("ий", "ый")), ("ему", ("ий",)),
    ("ыми", ("ый",)), ("ими", ("ий",)),
    ("ами", ("а", "")), ("ями", ("я", "ь")),
    ("ией", ("ия",)), ("ии", ("ия",)), ("ию", ("ия",)),
    ("ым", ("", "ый")), ("им", ("ий",)), ("ом", ("",)), ("ем", ("ь", "й", "")),
    ("ой", ("а",)), ("ою", ("а",)),
    ("ам", ("а", "")), ("ям", ("я", "ь")),
    ("ах", ("а", "")), ("ях", ("я", "ь")),
    ("а", ("",)), ("у", ("", "а")), ("е", ("", "а")), ("ы", ("а", "")), ("и", ("а", "ь", "ия", "")),
    ("я", ("ь", "й")), ("ю", ("ь", "й", "я")),
)
# Genitive plural of nouns ("выборов", "санкций"-like "-ей"): for topic words only, because "-ов"/"-ев"/
# "-ей" end most Russian surnames and first names in the nominative (Лавров, Медведев, Сергей).
_NOUN_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ов", ("", "ы")), ("ев", ("ь", "й", "")), ("ей", ("я", "ь", "")),
)
_MIN_STEM = 4
_MAX_VARIANTS = 8


def strip_case_ending(word: str, *, nouns: bool = False) -> list[str]:
    """Candidate nominative forms of a Russian word by cutting a case ending (no dictionary).

    Used when no morphological lemmatizer is at hand; "Лаврова" -> ["Лавров"], "Зеленского" ->
    ["Зеленский"]. Returns [] for non-Cyrillic words and for words whose stem would be under 4 letters
    (short stems are where guessing does more harm than good: "Кима" is not "Ким"+"а" for sure).
    ``nouns`` also cuts genitive plurals ("выборов" -> "выбор"), which would mangle surnames.
    """
    low = word.lower()
    if not _CYRILLIC.search(low):
        return []
    endings = (*_NOUN_ENDINGS, *_CASE_ENDINGS) if nouns else _CASE_ENDINGS
    for ending, replacements in sorted(endings, key=lambda e: -len(e[0])):
        if low.endswith(ending) and len(low) - len(ending) >= _MIN_STEM:
            stem = word[: len(word) - len(ending)]
            return [stem + r for r in replacements]
    return []


def query_variants(query: str, lemmatize: Callable[[str], str] | None = None) -> list[str]:
    """Keys to try, in order, for a user query: the key as typed, then keys of its nominative forms.

    ``lemmatize`` maps one word to its lemma (e.g. a closure over natasha's MorphVocab); it is injected
    so this module stays cheap to import. Without it a rule-based case-ending stripper is used, which
    may propose several forms per word (Обамы -> Обама; Лаврова -> Лавров). Empty keys are dropped.
    """
    words = query.split()
    per_word: list[list[str]] = []
    for word in words:
        per_word.append([word, lemmatize(word)] if lemmatize is not None else [word, *strip_case_ending(word)])
    keys: list[str] = []
    candidates = [query]
    if words:
        # As typed, then every word normalised (the likeliest alias), then the mixed combinations.
        candidates.append(" ".join(forms[1] if len(forms) > 1 else forms[0] for forms in per_word))
        candidates.extend(" ".join(c) for c in islice(product(*per_word), _MAX_VARIANTS * 4))
    for candidate in candidates:
        key = search_key(candidate)
        if key and key not in keys:
            keys.append(key)
        if len(keys) >= _MAX_VARIANTS:
            break
    return keys


def fuzzy_ratio(a_key: str, b_key: str) -> float:
    """Similarity 0..100 of two keys (rapidfuzz Indel ratio); compare with :data:`FUZZY_THRESHOLD`.

    Works on keys, not raw text, so script and spelling differences are already gone and the ratio
    measures only what is left: typos and genuinely different names.
    """
    from rapidfuzz.fuzz import ratio

    return float(ratio(a_key, b_key))
