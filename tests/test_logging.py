"""Log lines never contain the bot token (nor, from a running bot, the articles' text)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_access import article_text
from test_durability import BotProcess, bot_env, wait_polling

from bot.analyzer import Analyzer
from bot.logsetup import PAYLOAD_LOGGERS, RedactTokens, install_redaction, setup_logging, uninstall_redaction

from fakes.bot_api import FakeBotAPI
from harness import MEMBER, OWNER, make_settings, run_bot

TOKEN = "7412589630:AAHk3m_Zq9xYtLw-Pq2RsTuVwXyZ01234aB"


@pytest.fixture
def redaction() -> Iterator[None]:
    install_redaction(TOKEN)
    try:
        yield
    finally:
        uninstall_redaction()


def test_filter_redacts_message_args_and_traceback() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "GET %s failed", (f"https://h/bot{TOKEN}/getMe",),
                               None)
    try:
        raise RuntimeError(f"boom at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    RedactTokens(TOKEN).filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and "/bot<token>/getMe" in text and "/bot<token>/sendMessage" in text
    # Token-shaped strings are redacted even when the configured token is unknown.
    assert RedactTokens(None).redact(f"url /bot{TOKEN}/x") == "url /bot<token>/x"


def test_every_handler_sees_redacted_records(caplog: pytest.LogCaptureFixture, redaction: None) -> None:
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("dossier.test")
    log.info("POST %s", f"http://127.0.0.1/bot{TOKEN}/sendMessage")
    try:
        raise ConnectionError(f"cannot reach http://127.0.0.1/bot{TOKEN}/getUpdates")
    except ConnectionError:
        log.exception("request failed")
    assert TOKEN not in caplog.text
    assert caplog.text.count("<token>") == 2


def test_setup_logging_caps_telegram_debug(redaction: None) -> None:
    setup_logging("DEBUG", TOKEN)
    try:
        assert logging.getLogger("telegram").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("aiosqlite").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.DEBUG
    finally:
        root = logging.getLogger()
        root.handlers.clear()
        root.setLevel(logging.WARNING)
        for name in ("httpx", "httpcore", "apscheduler", *PAYLOAD_LOGGERS):
            logging.getLogger(name).setLevel(logging.NOTSET)


async def test_failed_request_is_logged_without_the_token(tmp_path: Path, shared_analyzer: Analyzer,
                                                          caplog: pytest.LogCaptureFixture,
                                                          redaction: None) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeBotAPI(token=TOKEN) as api:
        api.register_user(OWNER, first_name="Ольга", language_code="ru")
        api.register_user(MEMBER, first_name="Max", language_code="en")
        async with run_bot(api, make_settings(api, tmp_path / "d.db"), shared_analyzer):
            api.fail_next("sendMessage", status=500, chat_id=MEMBER)
            api.send_text(MEMBER, "/stats")
            await api.wait_for(lambda: len(api.texts(MEMBER)) >= 1, 15, message="the apology")
            assert "Something went wrong" in api.texts(MEMBER)[0]
            api.fail_next("sendMessage", status=400, description="Bad Request: chat not found", chat_id=MEMBER)
            await api.wait_for(lambda: api.calls_of("sendMessage", ok=False), 5)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures, "the failed request was logged"
    assert "<token>" in caplog.text, "request URLs were logged, redacted"
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


async def test_running_bot_logs_neither_token_nor_article_text(tmp_path: Path) -> None:
    """The real process at LOG_LEVEL=DEBUG: a card fails with 500, a request URL is logged."""
    api = FakeBotAPI(token=TOKEN)
    await api.start()
    try:
        api.register_user(OWNER, first_name="Ольга", language_code="ru")
        env = bot_env(api, tmp_path / "d.db", LOG_LEVEL="DEBUG", ANALYSIS_WORKERS="0")
        process = BotProcess(env, tmp_path, tmp_path / "bot.log")
        started = time.monotonic()
        await process.start()
        try:
            await wait_polling(api, process, started, timeout=30)
            api.fail_next("sendMessage", status=500, chat_id=OWNER)
            text = article_text(3)
            api.send_text(OWNER, text)
            await api.wait_for(lambda: len(api.texts(OWNER)) >= 1, 30, message="the apology after the 500")
            api.send_text(OWNER, "/stats")
            await api.wait_for(lambda: len(api.texts(OWNER)) >= 2, 15, message="the bot still answers")
        finally:
            assert await process.stop() == 0, process.output()
        output = process.output()
        assert "update" in output and "failed" in output, output[-3000:]
        assert "<token>" in output, "httpx logged request URLs at DEBUG, redacted"
        assert TOKEN not in output and TOKEN.split(":")[1] not in output
        for sentence in text.split("\n\n"):
            assert sentence[:60] not in output, sentence
    finally:
        await api.close()

