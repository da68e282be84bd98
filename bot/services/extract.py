"""Turning what users send (documents, web pages) into article text, refusing what is not text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

#: A document larger than this is refused before download (Telegram's bot limit is 20 MB).
MAX_DOCUMENT_BYTES = 5_000_000
TEXT_SUFFIXES = (".txt", ".md", ".text", ".html", ".htm")

_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


class ExtractError(Exception):
    """The input is not an article we can read; the message is safe to show (as a key)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _cyrillic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff") / len(letters)


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM) or cp1251, whichever reads as text; binary is refused."""
    head = data[:16]
    if any(head.startswith(magic) for magic in _BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise ExtractError("binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    # cp1251 decodes almost any byte; accept it only if the result reads as mostly Cyrillic or ASCII
    # text, with next to no bytes cp1251 leaves undefined (0x98) and no runs of rare letters.
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    if (printable / max(1, len(text)) < 0.95 or (_cyrillic_share(text) < 0.3 and not text.isascii())
            or text.count("\ufffd") > len(text) // 200 or _rare_share(text) > 0.1):
        raise ExtractError("encoding")
    return text


#: Cyrillic letters of other languages (Ђ Ѓ ѓ Љ Њ Ќ Ћ Џ ђ љ њ ќ ћ џ Ў ў Ј Ґ Є Ї І і ґ є ї ј Ѕ ѕ):
#: in cp1251-decoded bytes that are really something else, they abound; in Russian text they are rare.
_RARE = frozenset("ЂЃѓЉЊЌЋЏђљњќћџЎўЈҐЄЇІіґєїјЅѕ")


def _rare_share(text: str) -> float:
    letters = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if ch in _RARE) / len(letters)


_WORD = re.compile(r"[^\W\d_]{2,}")


def word_count(text: str, at_least: int) -> int:
    """Words of two or more letters, counted up to ``at_least`` (enough to tell text from junk)."""
    count = 0
    for _ in _WORD.finditer(text):
        count += 1
        if count >= at_least:
            break
    return count


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or bool(re.search(r"<(p|div|article|body)\b", head))


@dataclass(frozen=True, slots=True)
class Page:
    """A web page read as an article: its main text, title, and its own date if it states one."""

    text: str
    title: str | None = None
    #: Noon UTC of the page's publication day (trafilatura reads it from the page's metadata:
    #: article:published_time, JSON-LD, <time>, the URL ...); None when the page does not say.
    published_at: int | None = None


def page_date(value: str | None, *, today: date | None = None) -> int | None:
    """Unix seconds (noon UTC, so the day stays the same in every time zone near Moscow and
    Europe) of a `YYYY-MM-DD` date; None for no date, a malformed one, or one in the future."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    if day > (today or datetime.now(UTC).date()) or day.year < 1900:
        return None
    return int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp())


def html_to_page(html_text: str) -> Page:
    """Main text, title and date of a web page (trafilatura drops menus, comments, footers)."""
    import trafilatura

    text = trafilatura.extract(html_text, include_comments=False, include_tables=False, favor_precision=True)
    title: str | None = None
    published: int | None = None
    try:
        meta = trafilatura.extract_metadata(html_text)
        if meta is not None:
            title = meta.title
            published = page_date(meta.date)
    except Exception:  # metadata is a nicety; the text is what matters
        title = None
    if not text or not text.strip():
        raise ExtractError("no_article")
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return Page(text, title, published)


def html_to_article(html_text: str) -> tuple[str, str | None]:
    """Main text and title of a web page."""
    page = html_to_page(html_text)
    return page.text, page.title


def document_to_text(data: bytes, file_name: str | None) -> str:
    text = decode_bytes(data)
    name = (file_name or "").lower()
    if name.endswith((".html", ".htm")) or looks_like_html(text):
        text, _ = html_to_article(text)
    return text
