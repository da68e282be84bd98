"""Test doubles for the Dossier bot.

``fakes.bot_api.FakeBotAPI`` is an aiohttp server that speaks the Telegram Bot API over HTTP so
the real python-telegram-bot ``Application`` can be exercised end to end; ``html_check`` validates
text like Telegram, ``updates`` builds the updates users would cause, ``ptb`` runs an Application
against the fake. The fakes import nothing of Dossier: they stand for Telegram, not for the bot.
"""

from .bot_api import Call, FakeBotAPI, StoredFile
from .errors import ApiError
from .html_check import EntityParseError, ParsedText, check_message_text, parse_html

__all__ = [
    "ApiError",
    "Call",
    "EntityParseError",
    "FakeBotAPI",
    "ParsedText",
    "StoredFile",
    "check_message_text",
    "parse_html",
]
