"""Telegram-safe HTML: escaping, plain-text preview, and splitting into messages.

Every string that came from a user or an article passes through `esc` before it meets a template,
and every reply passes through `split_message`, so no reply can be rejected by Telegram for bad
markup or length (4096 UTF-16 code units after entity parsing).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable

from markupsafe import Markup

#: Telegram's limit, in UTF-16 code units of the visible text.
TELEGRAM_LIMIT = 4096
#: Our own budget leaves room for the continuation marker.
MESSAGE_BUDGET = 4000

_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Drop characters Telegram refuses (control chars, lone surrogates) but keep the rest."""
    return _SURROGATE_RE.sub("", _CONTROL_RE.sub("", text))


def esc(value: object) -> Markup:
    """Escape anything for Telegram HTML (quotes too, so it is safe inside attributes).

    Markup (a template already rendered, another `esc`) is kept as it is; everything else is text.
    The result is Markup, so `t()` and `html()` never escape it a second time.
    """
    if isinstance(value, Markup):
        return value
    return Markup(htmllib.escape(clean_text(str(value)), quote=True))


def html(template: str, *values: object, **named: object) -> Markup:
    """Format an HTML ``template`` (written by us) with ``values`` escaped: `html("<b>{}</b>", name)`."""
    return Markup(template.format(*(esc(v) for v in values), **{k: esc(v) for k, v in named.items()}))


def truncate(text: str, limit: int) -> str:
    """Cut plain text at a word boundary with an ellipsis, for one-line previews."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:—-") + "…"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """Length Telegram counts: tags removed, entities decoded, in UTF-16 code units."""
    return utf16_len(htmllib.unescape(_TAG_RE.sub("", html_text)))


def to_plain(html_text: str) -> str:
    """HTML reply as the console shows it: bold kept as-is, tags dropped, entities decoded."""
    text = re.sub(r"<a href=\"([^\"]*)\">(.*?)</a>", r"\2 (\1)", html_text, flags=re.S)
    return htmllib.unescape(_TAG_RE.sub("", text))


def _open_tags(fragment: str) -> list[tuple[str, str]]:
    """Tags left open at the end of a fragment, outermost first, as (name, full open tag)."""
    stack: list[tuple[str, str]] = []
    for match in _TAG_RE.finditer(fragment):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            stack.append((name, match.group(0)))
    return stack


def _hard_split(line: str, budget: int) -> list[str]:
    """Split one over-long line of HTML without cutting a tag or an entity in half."""
    pieces: list[str] = []
    current = ""
    for token in re.findall(r"<[^>]*>|&[#a-zA-Z0-9]+;|[^<&]{1,200}|[<&]", line):
        if current and visible_length(current + token) > budget:
            pieces.append(current)
            current = ""
        current += token
    if current:
        pieces.append(current)
    return pieces


def split_message(html_text: str, budget: int = MESSAGE_BUDGET) -> list[str]:
    """Split a reply on line boundaries into messages Telegram accepts, re-opening open tags.

    Blank-only messages are dropped; an empty reply becomes one ellipsis so there is always
    something valid to send.
    """
    lines = html_text.split("\n")
    chunks: list[str] = []
    current: list[str] = []
    for line in lines:
        parts = _hard_split(line, budget) if visible_length(line) > budget else [line]
        for part in parts:
            candidate = "\n".join([*current, part])
            if current and visible_length(candidate) > budget:
                chunks.append("\n".join(current))
                current = [part]
            else:
                current.append(part)
    if current:
        chunks.append("\n".join(current))
    fixed: list[str] = []
    carry: list[tuple[str, str]] = []
    for chunk in chunks:
        body = "".join(tag for _, tag in carry) + chunk
        carry = _open_tags(body)
        body += "".join(f"</{name}>" for name, _ in reversed(carry))
        if to_plain(body).strip():
            fixed.append(body.strip("\n"))
    return fixed or ["…"]


def bullet_list(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)
