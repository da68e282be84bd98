"""Logging that never leaks the bot token, nor the articles members send.

Telegram request URLs contain the token (`/bot<token>/sendMessage`), and httpx puts URLs into
its log lines and exception messages. Redaction happens where each record is *created* (a log
record factory), so every handler sees the redacted line: the console, files, pytest's caplog.
A filter on our own handler does it again, for records made before set-up.

Some libraries' DEBUG lines dump whole payloads (python-telegram-bot the updates, i.e. the articles
members forward; aiosqlite every SQL statement with its parameters; trafilatura page content), so
those loggers stay at INFO even with LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

#: Loggers whose DEBUG output contains article text.
PAYLOAD_LOGGERS = ("telegram", "aiosqlite", "trafilatura", "htmldate", "courlan", "justext")
_TOKEN_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token, plus the configured token itself."""

    def __init__(self, token: str | None = None, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.token = token
        #: Other configured secrets (WEBHOOK_SECRET), replaced wherever they appear.
        self.secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        if self.token:
            text = text.replace(self.token, "<token>")
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return _TOKEN_RE.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: let the handler report it as logging always did
            return True
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_BASE_FACTORY: Callable[..., logging.LogRecord] | None = None


def install_redaction(token: str | None, secrets: tuple[str, ...] = ()) -> RedactTokens:
    """Redact every log record at creation, whichever logger or handler it goes to."""
    global _BASE_FACTORY
    if _BASE_FACTORY is None:
        _BASE_FACTORY = logging.getLogRecordFactory()
    base = _BASE_FACTORY
    redactor = RedactTokens(token, secrets)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        redactor.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    return redactor


def uninstall_redaction() -> None:
    """Back to the standard record factory (tests)."""
    global _BASE_FACTORY
    if _BASE_FACTORY is not None:
        logging.setLogRecordFactory(_BASE_FACTORY)
        _BASE_FACTORY = None


def setup_logging(level: str, token: str | None = None, secrets: tuple[str, ...] = ()) -> None:
    redactor = install_redaction(token, secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO (redacted above, but noisy); keep it quiet unless debugging.
    logging.getLogger("httpx").setLevel(logging.WARNING if level != "DEBUG" else logging.DEBUG)
    logging.getLogger("httpcore").setLevel(logging.WARNING if level != "DEBUG" else logging.INFO)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if level == "DEBUG" else level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
