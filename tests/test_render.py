"""The renderer: anything in, messages Telegram accepts out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import TELEGRAM_LIMIT, esc, split_message, to_plain, visible_length

from fakes.html_check import check_message_text


def assert_telegram_accepts(message: str) -> None:
    parsed = check_message_text(message, "HTML")  # raises as Telegram would reject it
    assert 1 <= parsed.length <= TELEGRAM_LIMIT
    assert visible_length(message) >= parsed.length


@given(st.text(max_size=3000))
@settings(max_examples=300, deadline=None)
def test_any_user_string_escaped_is_valid_html(text: str) -> None:
    for part in split_message(f"<b>{esc(text)}</b>\n{esc(text)}"):
        assert_telegram_accepts(part)


@given(st.lists(st.text(max_size=400), min_size=1, max_size=40))
@settings(max_examples=100, deadline=None)
def test_long_replies_split_into_valid_messages(lines: list[str]) -> None:
    html_text = "\n".join(f"• <i>{esc(line)}</i> <a href=\"{esc('https://t.me/x?a=1&b=2')}\">x</a>" for line in lines)
    for part in split_message(html_text):
        assert_telegram_accepts(part)


def test_one_huge_line_is_split_without_breaking_tags_or_entities() -> None:
    text = "<b>" + esc("Тиллерсон & Лавров <встреча> ") * 2000 + "</b>"
    parts = split_message(text)
    assert len(parts) > 1
    for part in parts:
        assert_telegram_accepts(part)
    assert "".join(to_plain(p) for p in parts) == to_plain(text)


def test_emoji_count_as_two_units() -> None:
    assert visible_length("😀") == 2
    parts = split_message("😀" * 3000)
    assert len(parts) == 2
    for part in parts:
        assert_telegram_accepts(part)


def test_empty_reply_still_sends_something_valid() -> None:
    assert split_message("") == ["…"]
    assert split_message("<b></b>\n\n") == ["…"]


def test_control_characters_and_lone_surrogates_are_dropped() -> None:
    assert esc("a\x00b\x07c\ud800d") == "abcd"
