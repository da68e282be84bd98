"""Telegram's text-formatting rules: HTML parsing and text limits.

The HTML parser is a port of tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp), working on
UTF-8 bytes exactly like the original, so error reasons and byte offsets match what the Bot API
puts after ``"Bad Request: can't parse entities: "``. Dossier sends HTML only, so the fake knows
no Markdown: a reply in MarkdownV2 or Markdown is refused ("unsupported parse_mode") and fails
the test that sent it, until someone who needs Markdown ports its parser too.

One deliberate difference: with ``strict=True`` (the default) the HTML parser also enforces the
*documented* rule that every ``&`` and ``>`` that is not part of an entity/tag is escaped and that
only ``&lt; &gt; &amp; &quot;`` and numeric entities are used.  Real Telegram silently keeps such
characters as literal text; strict mode reports them (reasons ``Unsupported HTML entity ...`` /
``Character "&" must be escaped ...``), because text that only works by accident usually means an
``html.escape`` call is missing.  Pass ``strict=False`` to get tdlib's lenient behaviour.

Offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request

__all__ = [
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "EntityParseError",
    "ParsedText",
    "check_caption",
    "check_message_text",
    "checked_link",
    "parse_formatted",
    "parse_html",
    "utf16_len",
]

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_SPACE = frozenset(b" \t\r\n\0\v\f")  # tdlib's is_space() includes NUL (the C string terminator)
_LT, _GT, _AMP, _SLASH, _EQ = 0x3C, 0x3E, 0x26, 0x2F, 0x3D
_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_TRIM_CHARS = " \t\n\r\v\f"


class EntityParseError(ValueError):
    """The text can't be parsed with the given parse_mode; ``reason`` is tdlib's message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def description(self) -> str:
        return f"Bad Request: can't parse entities: {self.reason}"

    def to_api_error(self) -> ApiError:
        return ApiError(400, self.description)


@dataclass
class ParsedText:
    """Visible text plus Bot API ``MessageEntity`` dicts (offsets in UTF-16 units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def length(self) -> int:
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (what Telegram counts); an astral emoji counts 2."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _is_first_unit(byte: int) -> bool:
    return (byte & 0xC0) != 0x80


def _units(byte: int) -> int:
    """UTF-16 units contributed by a UTF-8 lead byte (4-byte sequences are surrogate pairs)."""
    return 2 if byte >= 0xF0 else 1


def _is_alpha(byte: int) -> bool:
    return 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A


def _is_digit(byte: int) -> bool:
    return 0x30 <= byte <= 0x39


def _is_hex(byte: int) -> bool:
    return _is_digit(byte) or 0x41 <= byte <= 0x46 or 0x61 <= byte <= 0x66


def _decode_html_entity(s: bytes, pos: int) -> tuple[int, int]:
    """Port of tdlib ``decode_html_entity``; returns (code point or 0, position after it)."""
    end = pos + 1
    res = 0
    if s[pos + 1] == ord("#"):
        end += 1
        if s[pos + 2] == ord("x"):
            end += 1
            while _is_hex(s[end]):
                res = res * 16 + int(chr(s[end]), 16)
                end += 1
        else:
            while _is_digit(s[end]):
                res = res * 10 + s[end] - 0x30
                end += 1
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(s[end]):
            end += 1
        name = s[pos + 1 : end]
        named = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
        if name not in named:
            return 0, pos
        res = ord(named[name])
    if s[end] == ord(";"):
        end += 1
    return res, end


def _strict_amp_error(s: bytes, pos: int) -> EntityParseError:
    end = pos + 1
    if s[end] == ord("#"):
        return EntityParseError(f"Invalid numeric HTML entity at byte offset {pos}")
    while _is_alpha(s[end]) or _is_digit(s[end]):
        end += 1
    if end > pos + 1 and s[end] == ord(";"):
        name = s[pos : end + 1].decode("utf-8", "replace")
        return EntityParseError(f'Unsupported HTML entity "{name}" at byte offset {pos}')
    return EntityParseError(f'Character "&" must be escaped as "&amp;" at byte offset {pos}')


_TG_USER_RE = re.compile(r"^tg://user\?id=(\d+)$", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_BARE_HOST_RE = re.compile(r"^[\w\-]+(\.[\w\-]+)*\.[^\W\d_]{2,}(:\d+)?([/?#].*)?$")


def checked_link(url: str) -> str | None:
    """Simplified ``LinkManager::get_checked_link``: normalized URL, or None if unusable."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    match = _SCHEME_RE.match(url)
    if match:
        scheme = match.group(1).lower()
        if scheme in ("http", "https"):
            rest = url[len(scheme) + 1 :]
            if not rest.startswith("//") or len(rest) <= 2 or rest[2] in "/?#":
                return None
            return url
        if scheme in ("tg", "ton", "tonsite"):
            return url
        return None
    if _BARE_HOST_RE.match(url):
        return "http://" + url
    return None


def _link_entity(offset: int, length: int, url: str) -> dict[str, Any] | None:
    user = _TG_USER_RE.match(url)
    if user:
        return {
            "type": "text_mention",
            "offset": offset,
            "length": length,
            "user": {"id": int(user.group(1)), "is_bot": False, "first_name": "User"},
        }
    checked = checked_link(url)
    if checked is None:
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": checked}


def _sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_pos: int


def parse_html(text: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML; raises :class:`EntityParseError` with tdlib's reason."""
    s = text.encode("utf-8") + b"\0"
    size = len(s) - 1
    out = bytearray()
    utf16 = 0
    bad_surrogate = False
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []

    i = 0
    while i < size:
        c = s[i]
        if c == _AMP:
            code, end = _decode_html_entity(s, i)
            if code:
                utf16 += 2 if code > 0xFFFF else 1
                if 0xD800 <= code <= 0xDFFF:
                    bad_surrogate = True
                    out += b"?"
                else:
                    out += chr(code).encode("utf-8")
                i = end
                continue
            if strict:
                raise _strict_amp_error(s, i)
        elif c == _GT and strict:
            raise EntityParseError(f'Character ">" must be escaped as "&gt;" at byte offset {i}')
        if c != _LT:
            if _is_first_unit(c):
                utf16 += _units(c)
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if s[i] != _SLASH:
            # start tag
            while s[i] not in _SPACE and s[i] != _GT:
                i += 1
            if s[i] == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = s[begin + 1 : i].lower().decode("utf-8", "replace")
            if tag not in _SUPPORTED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')

            argument = ""
            while s[i] != _GT:
                while s[i] != 0 and s[i] in _SPACE:
                    i += 1
                if s[i] == _GT:
                    break
                attr_begin = i
                while s[i] not in _SPACE and s[i] != _EQ and s[i] != _GT:
                    i += 1
                attr_name = s[attr_begin:i]
                if not attr_name:
                    raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
                while s[i] != 0 and s[i] in _SPACE:
                    i += 1
                if s[i] != _EQ:
                    if tag == "blockquote" and attr_name == b"expandable":
                        argument = "1"
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while s[i] != 0 and s[i] in _SPACE:
                    i += 1
                if s[i] == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')

                value = bytearray()
                if s[i] not in (ord("'"), ord('"')):
                    # a name token: letters, digits, periods, hyphens; case-insensitive
                    token_begin = i
                    while _is_alpha(s[i]) or _is_digit(s[i]) or s[i] in b".-":
                        i += 1
                    value += s[token_begin:i].lower()
                    if s[i] not in _SPACE and s[i] != _GT:
                        raise EntityParseError(f"Unexpected end of name token at byte offset {token_begin}")
                else:
                    quote = s[i]
                    i += 1
                    while s[i] != quote and s[i] != 0:
                        if s[i] == _AMP:
                            code, end = _decode_html_entity(s, i)
                            if code:
                                value += chr(code).encode("utf-8", "surrogatepass")
                                i = end
                                continue
                            if strict:
                                raise _strict_amp_error(s, i)
                        value.append(s[i])
                        i += 1
                    if s[i] == quote:
                        i += 1
                if s[i] == 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")

                val = value.decode("utf-8", "replace")
                if tag == "a" and attr_name == b"href":
                    argument = val
                elif tag == "code" and attr_name == b"class" and val.startswith("language-"):
                    argument = val[9:]
                elif tag == "span" and attr_name == b"class" and val.startswith("tg-"):
                    argument = val[3:]
                elif tag == "tg-emoji" and attr_name == b"emoji-id":
                    argument = val
                elif tag == "blockquote" and attr_name == b"expandable":
                    argument = "1"

            if tag == "span" and argument != "spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            stack.append(_OpenTag(tag, argument, utf16, len(out)))
            i += 1  # skip '>'
            continue

        # end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while s[i] not in _SPACE and s[i] != _GT:
            i += 1
        end_name = s[begin + 2 : i].lower().decode("utf-8", "replace")
        while s[i] in _SPACE and s[i] != 0:
            i += 1
        if s[i] != _GT:
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        top = stack[-1]
        if end_name and end_name != top.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", found "</{end_name}>"'
            )
        if utf16 > top.utf16_offset:
            _close_html_entity(top, utf16, out, entities)
        stack.pop()
        i += 1

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    if bad_surrogate:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return ParsedText(out.decode("utf-8"), _sort_entities(entities))


def _close_html_entity(top: _OpenTag, utf16: int, out: bytearray, entities: list[dict[str, Any]]) -> None:
    offset = top.utf16_offset
    length = utf16 - offset
    name = top.name
    simple = {
        "i": "italic", "em": "italic", "b": "bold", "strong": "bold",
        "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
        "u": "underline", "ins": "underline", "tg-spoiler": "spoiler", "span": "spoiler",
    }  # fmt: skip
    if name in simple:
        entities.append({"type": simple[name], "offset": offset, "length": length})
    elif name == "tg-emoji":
        arg = top.argument
        if not arg.isdigit() or not 0 < int(arg) < 2**63:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", "offset": offset, "length": length, "custom_emoji_id": arg})
    elif name == "a":
        url = top.argument or out[top.out_pos :].decode("utf-8", "replace")
        link = _link_entity(offset, length, url)
        if link is not None:
            entities.append(link)
    elif name == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("language")
        ):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif name == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and last["offset"] == offset
            and last["length"] == length
            and top.argument
        ):
            last["language"] = top.argument
        else:
            entity: dict[str, Any] = {"type": "code", "offset": offset, "length": length}
            if top.argument:
                entity["language"] = top.argument  # becomes pre language if a <pre> closes around it
            entities.append(entity)
    elif name == "blockquote":
        kind = "expandable_blockquote" if top.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
    else:  # pragma: no cover - tag set is closed
        raise AssertionError(name)


# --------------------------------------------------------------------------------------------
# Bot API level checks
# --------------------------------------------------------------------------------------------


def parse_formatted(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_html: bool = True,
) -> ParsedText:
    """Apply ``parse_mode`` (or explicit ``entities``, which take precedence) like the Bot API."""
    if entities:
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise bad_request("can't parse entities JSON object")
        return ParsedText(text, [dict(e) for e in entities])
    mode = (parse_mode or "").strip().lower()
    try:
        if mode in ("", "none"):
            return ParsedText(text, [])
        if mode == "html":
            return parse_html(text, strict=strict_html)
    except EntityParseError as exc:
        raise exc.to_api_error() from exc
    raise bad_request("unsupported parse_mode")


def _trim(parsed: ParsedText) -> ParsedText:
    """Drop leading/trailing whitespace and adjust/clip entities, like tdlib's fix_formatted_text."""
    text = parsed.text
    stripped_left = text.lstrip(_TRIM_CHARS)
    left16 = utf16_len(text[: len(text) - len(stripped_left)])
    result = stripped_left.rstrip(_TRIM_CHARS)
    total = utf16_len(result)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        try:
            offset, length = int(entity["offset"]), int(entity["length"])
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_request("can't parse entities: entity offset and length must be integers") from exc
        start = max(offset - left16, 0)
        end = min(offset + length - left16, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(result, _sort_entities(entities))


def check_message_text(
    text: object,
    parse_mode: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_html: bool = True,
) -> ParsedText:
    """Validate ``sendMessage``/``editMessageText`` text; raises :class:`ApiError` (400).

    Telegram's limit is 1..4096 characters *after* entity parsing and trimming, counted in
    UTF-16 code units.
    """
    if text is None or text == "":
        raise bad_request("message text is empty")
    parsed = _trim(parse_formatted(str(text), parse_mode, entities, strict_html=strict_html))
    if not parsed.text:
        raise bad_request("message text is empty")
    if parsed.length > MAX_MESSAGE_LENGTH:
        raise bad_request("message is too long")
    return parsed


def check_caption(
    caption: object,
    parse_mode: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_html: bool = True,
) -> ParsedText | None:
    """Validate a media caption (0..1024 after parsing); None when there is no caption."""
    if caption is None or caption == "":
        return None
    parsed = _trim(parse_formatted(str(caption), parse_mode, entities, strict_html=strict_html))
    if parsed.length > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return parsed if parsed.text else None
