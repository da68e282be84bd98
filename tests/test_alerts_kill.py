"""Alerts survive a real SIGKILL: pending ones go out once after the restart, none twice."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from test_access import CHANNEL, article_text, db_rows
from test_durability import OWNER, bot_env, bot_process, wait_polling

from fakes.bot_api import FakeBotAPI

MEMBER = 1002


def alerts_to(api: FakeBotAPI, chat_id: int) -> list[int]:
    """Article numbers of the alerts a chat received (accepted sends only)."""
    numbers = []
    for text in api.texts(chat_id):
        if text.startswith("🔔"):
            match = re.search(r"#(\d+)", text)
            assert match, text
            numbers.append(int(match.group(1)))
    return numbers


def outbox(db: Path) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in
            db_rows(db, "SELECT article_id, status FROM outbox WHERE chat_id = ? ORDER BY article_id", (MEMBER,))]


@pytest.mark.timeout(120)
async def test_pending_alerts_are_delivered_exactly_once_after_sigkill(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    fake_api.register_user(MEMBER, first_name="Max", language_code="en")
    db = tmp_path / "dossier.db"
    env = bot_env(fake_api, db, ALLOWED_USER_IDS=f"{OWNER},{MEMBER}")
    log = tmp_path / "bot.log"

    async with bot_process(env, tmp_path, log) as first:
        await wait_polling(fake_api, first, 0.0)
        fake_api.forward_from_channel(OWNER, article_text(0), channel_id=CHANNEL, channel_title="Новости",
                                      message_id=10)
        await fake_api.wait_for_messages(OWNER, 1, timeout=40)
        fake_api.send_text(MEMBER, "/subscribe Лавров")
        (confirmation,) = await fake_api.wait_for_messages(MEMBER, 1, timeout=20)
        assert "Сергей Лавров" in confirmation

        # Telegram is down for the subscriber: every alert attempt fails with a 502 and is retried later.
        fake_api.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=MEMBER, times=10_000)
        for i in range(1, 9):
            fake_api.forward_from_channel(OWNER, article_text(i), channel_id=CHANNEL, channel_title="Новости",
                                          message_id=10 + 10 * i)
        await fake_api.wait_for_messages(OWNER, 9, timeout=60)
        expected = [a for a, _ in outbox(db)]
        assert len(expected) >= 2, "the burst should mention Лавров in several articles"
        await fake_api.wait_for(
            lambda: any(c.method == "sendMessage" and c.chat_id == MEMBER and c.status == 502 for c in fake_api.calls),
            timeout=20, message="a failed alert attempt")
        assert all(status == "pending" for _, status in outbox(db))
        await first.kill()

    fake_api.clear_faults()
    restarted_at = time.monotonic()
    async with bot_process(env, tmp_path, log) as second:
        await wait_polling(fake_api, second, restarted_at)
        await fake_api.wait_for(lambda: len(alerts_to(fake_api, MEMBER)) >= len(expected), timeout=40,
                                message="the pending alerts after the restart")
        await fake_api.wait_for(lambda: all(s == "sent" for _, s in outbox(db)), timeout=20,
                                message="the outbox rows marked sent")
        assert await second.stop() == 0

    delivered = alerts_to(fake_api, MEMBER)
    assert sorted(delivered) == expected  # each pending alert exactly once, none twice
    assert all(status == "sent" for _, status in outbox(db))
    assert not fake_api.rejected
