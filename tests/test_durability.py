"""Nothing lost, for real: `python -m bot run` as a subprocess, SIGKILLed in the middle of a burst.

The fake Telegram runs in this test process; like Telegram it keeps every update until a later
getUpdates confirms it, and redelivers the unconfirmed ones to the next poller. The bot is killed
with SIGKILL (its whole process group, analysis worker included) at different moments of ingesting
20 forwards, restarted, and then every article must be in the database exactly once, analysed,
and the member must have had a card for each forward (after a restart with a note saying so).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fleet_processes import GroupProcess
from test_access import CHANNEL, article_text, article_title, db_rows

from bot.i18n import t

from fakes.bot_api import FakeBotAPI

OWNER = 1001
BURST = 20


def bot_env(api: FakeBotAPI, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "ALLOWED_"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.file_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "ALLOWED_USER_IDS": str(OWNER),
        "ANALYSIS_WORKERS": "1",
        "MULTIPART_WINDOW": "0",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class BotProcess(GroupProcess):
    """`python -m bot run` (polling), its analysis worker in the same process group."""

    def __init__(self, env: dict[str, str], cwd: Path, log: Path) -> None:
        super().__init__(("run",), env, cwd, log)


@contextlib.asynccontextmanager
async def bot_process(env: dict[str, str], cwd: Path, log: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(env, cwd, log)
    await process.start()
    try:
        yield process
    finally:
        if process.proc is not None and process.proc.returncode is None:
            await process.kill()


def _labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def cards_for(api: FakeBotAPI, title: str) -> list[str]:
    return [text for text in api.texts(OWNER) if text.startswith(title)]


async def wait_polling(api: FakeBotAPI, process: BotProcess, after: float, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    """Until the bot is about to poll: PTB deletes the webhook right before its first getUpdates
    (a long poll is only recorded when it returns)."""
    def polling() -> bool:
        assert process.proc is not None
        if process.proc.returncode is not None:
            raise AssertionError(f"the bot exited with {process.proc.returncode}:\n{process.output()}")
        return any(c.method == "deleteWebhook" and c.at >= after for c in api.calls)

    await api.wait_for(polling, timeout, message="the bot to poll")


def inject_burst(api: FakeBotAPI) -> None:
    for i in range(BURST):
        api.forward_from_channel(OWNER, article_text(i), channel_id=CHANNEL, channel_title="Новости дипломатии",
                                 channel_username="diplomacy_news", message_id=2000 + 10 * i)


KILL_MOMENTS = {
    # right after the burst was fetched: updates are in the inbox, nothing answered yet
    "fetched": lambda api: len(api.calls_of("sendChatAction")) >= 1,
    "after_2_cards": lambda api: len(api.texts(OWNER)) >= 2,
    "after_9_cards": lambda api: len(api.texts(OWNER)) >= 9,
}


@pytest.mark.timeout(90)
@pytest.mark.parametrize("moment", list(KILL_MOMENTS))
async def test_sigkill_mid_burst_loses_nothing_and_duplicates_nothing(
    fake_api: FakeBotAPI, tmp_path: Path, moment: str
) -> None:
    started = time.monotonic()
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    db = tmp_path / "dossier.db"
    env = bot_env(fake_api, db)
    log = tmp_path / "bot.log"

    async with bot_process(env, tmp_path, log) as first:
        await wait_polling(fake_api, first, started, timeout=30)
        inject_burst(fake_api)
        await fake_api.wait_for(lambda: KILL_MOMENTS[moment](fake_api), 30, message=f"kill moment {moment}")
        await first.kill()
    killed_at = time.monotonic()
    answered_before = len(fake_api.texts(OWNER))
    assert answered_before < BURST, "the kill came too late to test anything"
    pending_before = {(row[0] - 2000) // 10
                      for row in db_rows(db, "SELECT origin_message_id FROM articles WHERE status = 'pending'")}
    stored_before = db_rows(db, "SELECT count(*) FROM articles")[0][0]

    async with bot_process(env, tmp_path, log) as second:
        await wait_polling(fake_api, second, killed_at, timeout=30)

        def all_answered() -> bool:
            assert second.proc is not None and second.proc.returncode is None, second.output()
            return all(cards_for(fake_api, article_title(i)) for i in range(BURST))

        await fake_api.wait_for(all_answered, 40, message="a card for every forward")
        done = db_rows(db, "SELECT count(*) FROM articles WHERE status = 'done'")[0][0]
        stopping = time.monotonic()
        assert await second.stop() == 0, second.output()
        stop_took = time.monotonic() - stopping

    rows = db_rows(db, "SELECT title, status, origin_message_id FROM articles ORDER BY origin_message_id")
    assert len(rows) == BURST == done, rows
    assert [r[2] for r in rows] == [2000 + 10 * i for i in range(BURST)], "each forward exactly once"
    assert {r[1] for r in rows} == {"done"}
    assert len({r[0] for r in rows}) == BURST
    assert db_rows(db, "SELECT count(*) FROM inbox WHERE status = 'pending'") == [(0,)]

    texts = fake_api.texts(OWNER)
    assert not [x for x in texts if "уже в библиотеке" in x], "a replayed forward is not 'already there'"
    note = t("ru", "after_restart")
    for i in range(BURST):
        title = article_title(i)
        cards = cards_for(fake_api, title)
        assert cards, f"no card for forward {i}"
        if i in pending_before:  # stored, not analysed when killed: the card says why it is late
            assert any(note in card for card in cards), (title, cards)
            # ...and carries the same buttons as any card (the full text at least).
            late = [m for m in fake_api.messages(OWNER) if m.get("text", "").startswith(title)
                    and note in m.get("text", "")]
            assert late and all(_labels(m) and t("ru", "full_text") in _labels(m) for m in late), late
    assert not fake_api.rejected
    assert not fake_api.pending_updates, "every update confirmed to Telegram in the end"
    assert time.monotonic() - started < 40, f"took {time.monotonic() - started:.1f}s"
    if os.environ.get("DURABILITY_TIMELINE"):
        for c in fake_api.calls:
            if c.method != "getUpdates" or c.result:
                print(f"{c.at - started:7.2f} {c.method} {len(c.result) if isinstance(c.result, list) else ''}")
    print(f"{moment}: {answered_before} answered and {stored_before} stored before the kill, "
          f"{len(pending_before)} pending; stop {stop_took:.1f}s; total {time.monotonic() - started:.1f}s")


@pytest.mark.timeout(120)
async def test_ctrl_c_stops_cleanly_without_a_traceback(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    """Ctrl-C in a terminal sends SIGINT to the whole process group: the bot, its forkserver and
    the analysis workers. The bot stops gracefully; the workers must not die printing tracebacks."""
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    log = tmp_path / "bot.log"
    async with bot_process(bot_env(fake_api, tmp_path / "dossier.db"), tmp_path, log) as bot:
        await wait_polling(fake_api, bot, 0.0)
        fake_api.forward_from_channel(OWNER, article_text(0), channel_id=CHANNEL, channel_title="Новости",
                                      message_id=10)
        await fake_api.wait_for_messages(OWNER, 1, timeout=60)  # the worker is up and has analysed
        assert bot.proc is not None
        os.killpg(bot.proc.pid, signal.SIGINT)
        code = await asyncio.wait_for(bot.proc.wait(), 60)
    output = bot.output()
    assert code == 0, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert "Dossier stopped" in output
