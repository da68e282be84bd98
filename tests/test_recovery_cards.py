"""End to end: an article a previous run stored but never analysed (its update already confirmed to
Telegram, so nothing replays it) is finished at start-up, and its card comes with the card's buttons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.analyzer import Analyzer
from bot.i18n import t
from storage.records import NewArticle

from fakes.bot_api import FakeBotAPI
from harness import OWNER, fixture_text, make_settings, run_bot


def _labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_a_card_finished_after_a_restart_has_the_cards_buttons(
    fake_api: FakeBotAPI, tmp_path: Path, shared_analyzer: Analyzer
) -> None:
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    settings = make_settings(fake_api, tmp_path / "recovery.db")
    async with run_bot(fake_api, settings, shared_analyzer) as bot:
        # Stored as the handler stores a forward before analysis; the run then ends before analysing it.
        await bot.services.storage.add_article(NewArticle(
            text=fixture_text("forward_vienna_talks.txt"), origin_kind="channel", added_by=OWNER,
            added_at=1_700_000_000, added_chat_id=OWNER, origin_chat_username="vienna_news", origin_message_id=5))
    assert not fake_api.texts(OWNER)

    async with run_bot(fake_api, settings, shared_analyzer):
        (card,) = await fake_api.wait_for_messages(OWNER, 1, timeout=30)
        assert card.startswith("В Вене обсудили продление зерновой сделки"), card
        assert t("en", "after_restart") in card  # the chat's language is unknown: it never wrote to the bot
        message = fake_api.last_message(OWNER)
        assert message is not None
        labels = _labels(message)
        assert t("en", "full_text") in labels and any(label.startswith("All actors") for label in labels), labels
    assert not fake_api.rejected
