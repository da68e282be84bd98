"""End to end through the fake Telegram: start-up, /start, /help, unknown input, errors."""

from __future__ import annotations

import pytest
from telegram.ext import CommandHandler, ContextTypes

from bot.i18n import COMMANDS

from harness import MEMBER, OWNER, STRANGER, RunningBot


async def test_startup_registers_commands_in_both_languages(bot: RunningBot) -> None:
    api = bot.api
    ru = api.commands(language_code="ru")
    en = api.commands(language_code="en")
    assert ru and en
    assert {c["command"] for c in ru} == {c.name for c in COMMANDS if c.menu}
    assert any(c["description"] == "досье на человека или организацию" for c in ru)
    assert any(c["description"] == "dossier on a person or organization" for c in en)


async def test_start_and_help_answer_in_the_users_language(bot: RunningBot) -> None:
    api = bot.api
    api.send_text(OWNER, "/start")
    (text,) = await api.wait_for_messages(OWNER, 1)
    assert "Dossier" in text and "Перешлите мне статью" in text
    for command in COMMANDS:
        assert f"/{command.name}" in text
    api.send_text(MEMBER, "/help")
    (text,) = await api.wait_for_messages(MEMBER, 1)
    assert text.startswith("Commands")
    assert "/who NAME — dossier on a person or organization" in text
    assert "/subscribe" in text


async def test_unknown_command_gets_a_hint(bot: RunningBot) -> None:
    bot.api.send_text(MEMBER, "/frobnicate <b>now</b>")
    (text,) = await bot.api.wait_for_messages(MEMBER, 1)
    assert "/frobnicate" in text and "/help" in text
    assert not bot.api.rejected


async def test_short_plain_message_gets_a_polite_answer(bot: RunningBot) -> None:
    bot.api.send_text(MEMBER, "hello there")
    (text,) = await bot.api.wait_for_messages(MEMBER, 1)
    assert "too short to be an article" in text


async def test_sticker_gets_an_answer_not_silence(bot: RunningBot) -> None:
    bot.api.send_sticker(OWNER)
    (text,) = await bot.api.wait_for_messages(OWNER, 1)
    assert "Команды: /help" in text


async def test_stranger_is_refused_with_their_id_and_nothing_else(bot: RunningBot) -> None:
    bot.api.send_text(STRANGER, "/stats")
    (text,) = await bot.api.wait_for_messages(STRANGER, 1)
    assert str(STRANGER) in text and "owner" in text
    assert "Articles" not in text


async def test_handler_crash_is_logged_and_the_user_still_gets_a_reply(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("kaboom")

    bot.app.add_handler(CommandHandler("boom", boom), group=-0)
    bot.app.handlers[0].insert(0, bot.app.handlers[0].pop())
    update_id = bot.api.send_text(OWNER, "/boom")
    (text,) = await bot.api.wait_for_messages(OWNER, 1)
    assert "Что-то пошло не так" in text
    assert any(f"update {update_id} failed" in r.getMessage() for r in caplog.records)
