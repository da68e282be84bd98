"""Turn pasted or forwarded text into an article body plus what the page chrome tells us.

Forwarded posts and copied pages carry markup, invisible characters and site furniture (share
prompts, disclaimers, "related news" blocks, tag lists). Left in, that furniture becomes bogus
actors ("RT Новости"), summary sentences and tags. The rules here are general shapes (short
verb-less lines at the end, disclaimer openings, "Посмотреть оригинал" stamps) rather than a list of
exact lines from one site, so that a new site mostly works out of the box.

The chrome is not only noise: "BuzzFeed Оригинал", "inosmi.ruПосмотреть оригинал", a "теги" block
and "пишет BuzzFeed" are the best evidence we have of the original outlet and of explicit tags, so
they are read before they are thrown away.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter

from analysis.state import Cleaned

# ----------------------------------------------------------------------------- normalisation

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"), None
)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u3000"), " ")
_TAG_RE = re.compile(r"<[A-Za-z!/?][^<>]{0,2000}>")
_DROP_BLOCK_RE = re.compile(r"<(script|style|noscript|template)\b[^>]{0,2000}>.{0,200000}?</\1\s*>", re.I | re.S)
_BREAK_TAG_RE = re.compile(
    r"<(?:br|/p|/div|/h[1-6]|/li|/tr|/blockquote|/section|/article|p|div|h[1-6]|li)\b[^<>]{0,2000}>", re.I
)
_HTML_HINT_RE = re.compile(r"</?(?:p|div|br|span|a|b|i|em|strong|h[1-6]|li|ul|html|body|script)\b[^<>]{0,2000}>", re.I)
_SPACE_RUN_RE = re.compile(r"[ \t\f\v]+")
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def looks_binary(text: str) -> bool:
    """True for text that is really bytes decoded as characters (a PDF, an image, a zip).

    NUL characters never occur in prose; a high share of control or replacement characters means a
    wrong decoding. Checked on a prefix: junk shows from the start and the check must stay cheap.
    """
    sample = text[:20_000]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\n\r\t\f\v")
    )
    return bad > 0.05 * len(sample)


def has_html(text: str) -> bool:
    return bool(_HTML_HINT_RE.search(text[:50_000]))


def strip_html(text: str) -> str:
    """Markup pasted as text: keep the words and the paragraph breaks, drop the rest."""
    text = _DROP_BLOCK_RE.sub(" ", text)
    text = _BREAK_TAG_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    return html.unescape(text)


def normalize(text: str) -> str:
    """Unify the characters so that the regexes and the tokenizer see plain prose.

    Zero-width and soft-hyphen characters split words for the tokenizer; NBSP and friends hide word
    boundaries from ``\\s``; control characters are never content.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    if has_html(text):
        text = strip_html(text)
    text = text.translate(_INVISIBLE).translate(_SPACES)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"))
    lines = [_SPACE_RUN_RE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUN_RE.sub("\n\n", "\n".join(lines)).strip()


# ----------------------------------------------------------------------------- outlets

#: Sites that retell foreign press; they are "via", never the source.
_RETELLERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ИноТВ", re.compile(r"ИноТВ|InoTV|inotv\.rt\.com", re.I)),
    ("ИноСМИ", re.compile(r"ИноСМИ|InoSMI|inosmi\.ru", re.I)),
    ("RT", re.compile(r"russian\.rt\.com|\brt\.com\b|\bRT на русском", re.I)),
)
_NOT_OUTLETS = {"twitter", "facebook", "telegram", "youtube", "instagram", "вконтакте", "tiktok", "the", "getty"}

_LATIN_NAME = r"(?:The\s+)?[A-Z][A-Za-z0-9&'’.-]*(?:\s+(?:[A-Z][A-Za-z0-9&'’.-]*|of|and|de|du|des|der|die|la|le)){0,4}"
_QUOTED_NAME = r"«[^«»\n]{2,40}»"
_OUTLET_NOUN = (
    r"(?:газет|издани|журнал|агентств|телеканал|радиостанци|портал|сайт|таблоид|еженедельник|ежедневник)"
    r"[а-яё]{0,3}"
)
_REPORT_VERB = (
    r"(?:пишет|пишут|писала?|написала?|сообщает|сообщают|сообщила?|сообщило|передает|передаёт|"
    r"отмечает|утверждает|информирует|цитирует|приводит|напоминает|указывает|уточняет|публикует)"
)
_NAME = rf"(?P<name>{_QUOTED_NAME}|{_LATIN_NAME})"
_OUTLET_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(rf"(?<![\w-]){_REPORT_VERB}\s+(?:[а-яё]+\s+)?(?:{_OUTLET_NOUN}\s+)?{_NAME}"), 1.0),
    (
        re.compile(
            rf"(?i:по\s+(?:данным|информации|сведениям|сообщению|словам|мнению)|со\s+ссылкой\s+на|"
            rf"в\s+(?:статье|колонке|материале|интервью)\s+(?:для\s+)?)\s+(?:[а-яё]+\s+)?"
            rf"(?:{_OUTLET_NOUN}\s+)?{_NAME}"
        ),
        1.0,
    ),
    (re.compile(rf"(?:изданию|газете|журналу|агентству|телеканалу)\s+{_NAME}"), 1.0),
    (re.compile(rf"(?i:на\s+ст[р]?аницах)\s+{_NAME}"), 1.0),
)
_ORIGINAL_LINE_RE = re.compile(r"^(?P<name>\S.{0,60}?)\s*(?:Оригинал\s*$|Посмотреть\s+оригинал)", re.I)
_TITLE_OUTLET_RE = re.compile(r"^(?P<name>[A-Z][A-Za-z0-9&'’.-]*(?:\s+[A-Z][A-Za-z0-9&'’.-]*){0,3}):\s+(?P<rest>\S.*)$")
_DOMAIN_RE = re.compile(r"^[\w.-]+\.(?:ru|com|net|org|uk|de|fr|info|io|рф|ua|by|kz)$", re.I)


def _clean_outlet(name: str) -> str | None:
    name = name.strip(" «»\"'.,:;")
    name = re.sub(r"\s+(?:of|and|de|du|des|der|die|la|le)$", "", name)
    if len(name) < 2 or name.lower() in _NOT_OUTLETS or name.isdigit():
        return None
    return name


def find_via(text: str, origin: str | None) -> str | None:
    for label, pattern in _RETELLERS:
        if pattern.search(text):
            return label
    if origin:
        for label, pattern in _RETELLERS:
            if pattern.search(origin) or origin.strip().lower() == label.lower():
                return label
    return None


def _outlet_votes(text: str, votes: Counter[str], first_seen: dict[str, int]) -> None:
    """Count outlet names in reporting phrases ("пишет BuzzFeed", "по данным издания X")."""
    for pattern, weight in _OUTLET_PATTERNS:
        for m in pattern.finditer(text):
            name = _clean_outlet(m.group("name"))
            if name:
                votes[name] += int(weight)
                first_seen.setdefault(name, m.start())


# ----------------------------------------------------------------------------- chrome

_CHROME_LINE_RES = tuple(
    re.compile(p, re.I)
    for p in (
        # Editorial disclaimers: "the views of the sources are not those of the editors", in any wording.
        r"^(?=.{0,250}$)(?:материал\w*|публикаци\w+|мнени\w+|оценк\w+|точк\w+\s+зрения|стат\w+)\b.{0,160}"
        r"\bне\s+(?:отража\w*|выража\w*|совпада\w*)\b",
        r"\b(?:не\s+)?(?:отража\w*|выража\w*|совпада\w*)\s+(?:с\s+)?(?:позици\w+|точк\w+\s+зрения|мнени\w+)"
        r"\s+редакци\w+",
        # Self-promotion: the site's own accounts and channels ("Публикуем в Twitter...", "Мы в Telegram").
        r"^(?=.{0,200}$).*\b(?:публику\w+|мы|наш\w*|подпис\w+)\b.{0,80}\b(?:Twitter|Telegram|Facebook|"
        r"ВКонтакте|YouTube|Instagram|Дзен|канал\w*)\b",
        r"^(?:читайте|смотрите|слушайте)\s+(?:также|ещё|еще|нас|больше)\b",
        r"^(?:по\s+теме|похожие\s+(?:новости|материалы)|другие\s+новости|главное\s+за\s+день|популярное)\s*:?$",
        r"^(?:подписывайтесь|подпишитесь|поделиться|поделитесь|присоединяйтесь|следите\s+за\s+нами)\b",
        r"^(?:share|subscribe|follow\s+us|read\s+more|related)\b",
        r"^\S*\s*посмотреть\s+оригинал",
        r"^(?:фото|фотография|иллюстрация|изображение|кадр|видео|источник\s+фото|коллаж)\s*(?:[:—–]|$)",
        r"^©",
        r"^(?:реклама|advertisement|комментарии|комментировать)$",
        r"(?:все\s+права\s+защищены|all\s+rights\s+reserved)",
        r"^(?:https?://|www\.)\S+$",
        r"^\S+@\S+\.\w+$",
        r"^.{0,100}\s/\s(?:Reuters|AP|AFP|EPA|ТАСС|РИА\s+Новости|Getty\s+Images|Global\s+Look\s+Press|Sputnik)$",
    )
)
#: A lone short Latin line inside a Russian article is a photo credit ("Reuters", "INFOX.SG").
_CREDIT_RE = re.compile(r"^[A-Z][A-Za-z0-9&.'’-]*(?:\s+[A-Z][A-Za-z0-9&.'’-]*){0,2}$")
_HEADER_RE = re.compile(r"^(?P<h>теги|tags|метки|ключевые\s+слова|источник|source)\s*:?$", re.I)
_SOURCE_INLINE_RE = re.compile(r"^(?:источник|source|по\s+материалам)\s*:\s*(?P<name>\S.{0,60})$", re.I)
#: A rubric above the headline ("ПРЕСС-РЕЛИЗ", "ЭКСКЛЮЗИВ"): capitals only, a few words.
_RUBRIC_RE = re.compile(r"^[^\W\da-zа-яё]{2,}(?:[\s-][^\W\da-zа-яё]{2,}){0,2}[.:!]?$")
_TAGS_INLINE_RE = re.compile(r"^(?:теги|tags|метки|ключевые\s+слова)\s*:\s*(?P<tags>\S.*)$", re.I)
_HASHTAG_RE = re.compile(r"(?<![\w#&/])#(?P<tag>[^\W\d_][\w-]{0,49})")
_ENDS_SENTENCE_RE = re.compile(r"[.!?…][\"»”)'’]*$|[»”\"]$")
_ORIGINAL_MARK_RE = re.compile(r"(?:\bОригинал|Посмотреть оригинал)", re.I)


def _is_chrome_line(line: str) -> bool:
    return any(p.search(line) for p in _CHROME_LINE_RES)


def _is_credit(line: str) -> bool:
    return len(line) <= 30 and bool(_CREDIT_RE.match(line))


def _looks_trailing_chrome(line: str) -> bool:
    """End-of-page furniture: short, no sentence punctuation, or a bare link."""
    if _is_chrome_line(line):
        return True
    return len(line) <= 80 and not _ENDS_SENTENCE_RE.search(line)


def split_tags(line: str) -> list[str]:
    """Tags from a tag line: separators when present, else capitalised runs kept together.

    Sites print "дипломатия дипломаты Рекс Тиллерсон санкции Сергей Лавров США" with spaces only.
    Consecutive capitalised words stay one run ("Германия Польша Клаус Вебер"); tagging later cuts a
    run along the article's actor names, which only it knows. An all-caps word stands alone.
    """
    line = line.strip()
    if re.search(r"[,;|#·•]", line):
        parts = [p.strip(" #.") for p in re.split(r"[,;|#·•]", line)]
        return [p for p in parts if p]
    tags: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            tags.append(" ".join(run))
            run.clear()

    for word in line.split():
        word = word.strip(".")
        if not word:
            continue
        if word.isupper() and len(word) > 1:
            flush()
            tags.append(word)
        elif word[0].isupper():
            run.append(word)
        else:
            flush()
            tags.append(word)
    flush()
    return tags


def _title_of(lines: list[str]) -> int | None:
    """Index of the headline line, if the text starts with one.

    A headline is one short line with more text after it; it may end in "." only when it is a lone
    one-sentence paragraph, as headlines copied from some sites do.
    """
    nonblank = [i for i, line in enumerate(lines) if line]
    if len(nonblank) < 2:
        return None
    i = nonblank[0]
    line = lines[i]
    if len(line) > 200 or len(line.split()) > 30 or line.endswith((":", ",", ";", "—", "-")):
        return None
    if re.search(r"[.!?…][\"»”)]*$", line) and not line.endswith(("?", "!", "»", "”", '"')):
        next_blank = i + 1 < len(lines) and not lines[i + 1]
        one_sentence = not re.search(r"[.!?…]\s+[А-ЯЁA-Z«]", line)
        if not (next_blank and one_sentence and len(line) <= 150):
            return None
    return i


def clean(text: str, *, origin: str | None = None) -> Cleaned:
    """Split normalised text into title and body, harvesting outlet hints and tags on the way."""
    notes: list[str] = []
    tags: list[str] = []
    votes: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    via = find_via(text, origin)

    lines = text.split("\n")
    kept: list[str] = []
    dropped = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        header = _HEADER_RE.match(line)
        if header:
            nxt = i + 1
            while nxt < len(lines) and not lines[nxt]:
                nxt += 1
            if nxt < len(lines) and len(lines[nxt]) <= 200:
                if header.group("h").lower() in ("источник", "source"):
                    first = _clean_outlet(lines[nxt].split()[0]) if lines[nxt].split() else None
                    if first and re.match(r"[A-Za-z]", first):
                        votes[first] += 2
                        first_seen.setdefault(first, len(text))
                else:
                    tags.extend(split_tags(lines[nxt]))
                dropped += nxt - i + 1
                i = nxt + 1
                continue
        inline_source = _SOURCE_INLINE_RE.match(line)
        outlet = _clean_outlet(inline_source.group("name")) if inline_source else None
        if outlet:
            votes[outlet] += 2
            first_seen.setdefault(outlet, -1)
            dropped += 1
            i += 1
            continue
        if not kept and _RUBRIC_RE.match(line) and not _HEADER_RE.match(line):
            dropped += 1
            i += 1
            continue
        inline = _TAGS_INLINE_RE.match(line)
        if inline:
            tags.extend(split_tags(inline.group("tags")))
            dropped += 1
            i += 1
            continue
        original = _ORIGINAL_LINE_RE.match(line) if _ORIGINAL_MARK_RE.search(line) and len(line) < 120 else None
        if original:
            name = original.group("name").strip()
            if not _DOMAIN_RE.match(name) and (name := _clean_outlet(name) or ""):
                votes[name] += 3
                first_seen.setdefault(name, -1)
            dropped += 1
            i += 1
            continue
        if _is_chrome_line(line) or (kept and _is_credit(line)):
            dropped += 1
            i += 1
            continue
        hashtags = [m.group("tag") for m in _HASHTAG_RE.finditer(line)]
        if hashtags:
            tags.extend(hashtags)
            rest = _HASHTAG_RE.sub("", line)
            if not re.search(r"[^\W\d_]", rest):
                dropped += 1
                i += 1
                continue
            line = _HASHTAG_RE.sub(lambda m: m.group("tag"), line)
        kept.append(line)
        i += 1

    # Trailing furniture: short unpunctuated lines at the very end ("Новости партнёров", "INFOX.SG").
    end = len(kept)
    while end > 0 and (not kept[end - 1] or _looks_trailing_chrome(kept[end - 1])):
        end -= 1
    if any(_ENDS_SENTENCE_RE.search(line) for line in kept[:end]):
        dropped += sum(1 for line in kept[end:] if line)
        kept = kept[:end]

    title: str | None = None
    t = _title_of(kept)
    if t is not None:
        title = kept[t]
        prefixed = _TITLE_OUTLET_RE.match(title)
        if prefixed and (name := _clean_outlet(prefixed.group("name"))):
            votes[name] += 3
            first_seen.setdefault(name, -1)
            title = prefixed.group("rest").strip()
        raw_title = kept[t]
        kept = [line for j, line in enumerate(kept) if j != t and not (j > t and line in (raw_title, title))]

    body = _BLANK_RUN_RE.sub("\n\n", "\n".join(kept)).strip()
    _outlet_votes(body, votes, first_seen)
    if via:
        for name in list(votes):
            if find_via(name, None) == via or name.lower() == via.lower():
                del votes[name]
    source: str | None = None
    if votes:
        source = max(votes, key=lambda n: (votes[n], -first_seen.get(n, 0)))
    elif origin and origin.strip() and (via is None or find_via(origin, None) != via):
        source = origin.strip()[:100]
    if dropped:
        notes.append(f"убрано строк служебного текста сайта: {dropped}")
    seen: set[str] = set()
    unique_tags = []
    for tag in tags:
        key = tag.lower()
        if key not in seen and len(tag) <= 60:
            seen.add(key)
            unique_tags.append(tag)
    return Cleaned(title=title, body=body, source=source, via=via, explicit_tags=unique_tags, notes=notes)
