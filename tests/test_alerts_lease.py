"""One alert sender across replicas, for real: two `python -m bot run` processes on one database;
only the lease holder sends; SIGKILL it and the other takes over, each alert delivered once."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from fleet_processes import rows, wait_until
from test_access import article_text
from test_alerts_kill import MEMBER, alerts_to
from test_durability import OWNER, bot_env, bot_process, wait_polling

from analysis.keys import search_key
from analysis.model import ArticleAnalysis
from bot.analyzer import Analyzer
from bot.services.identity import FILING_RULES
from storage.records import NewArticle
from storage.repository import Storage

from fakes.bot_api import FakeBotAPI


def holder(db: str) -> str | None:
    found = rows(db, "SELECT holder FROM leases WHERE name = 'alerts' AND expires_at >= ?", (time.time(),))
    return str(found[0][0]) if found else None


def outbox(db: str) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in
            rows(db, "SELECT article_id, status FROM outbox WHERE chat_id = ? ORDER BY article_id", (MEMBER,))]


async def file(storage: Storage, i: int, analysis: ArticleAnalysis) -> None:
    article_id, created = await storage.add_article(NewArticle(
        text=article_text(i), origin_kind="paste", added_by=OWNER, added_at=int(time.time()),
        added_chat_id=OWNER, added_message_id=100 + i))
    assert created
    await storage.save_analysis(article_id, analysis)


@pytest.mark.timeout(180)
async def test_the_sender_moves_to_another_replica_when_its_holder_is_killed(
    fake_api: FakeBotAPI, tmp_path: Path, shared_analyzer: Analyzer, database_url: str
) -> None:
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    fake_api.register_user(MEMBER, first_name="Max", language_code="en")
    db = url = database_url
    analyses = []
    for i in range(9):
        result = await shared_analyzer.analyze(article_text(i))
        assert isinstance(result, ArticleAnalysis)
        analyses.append(result)
    async with Storage.open(url, rules=FILING_RULES) as storage:
        await storage.upsert_chat(MEMBER, "private", None, "en")
        await file(storage, 0, analyses[0])
        await file(storage, 1, analyses[1])
        for name in ("Сергей Лавров", "Рекс Тиллерсон"):
            (actor,) = await storage.actors_by_keys([search_key(name)], "person")
            await storage.add_subscription(MEMBER, "actor", actor.id)

    # Queue mode: the replicas load no models (nothing to analyse here), they only send.
    env = bot_env(fake_api, tmp_path / "unused.db", ALLOWED_USER_IDS=f"{OWNER},{MEMBER}", ANALYSIS_MODE="queue",
                  DATABASE_URL=url)
    async with contextlib.AsyncExitStack() as stack:
        a = await stack.enter_async_context(bot_process(env, tmp_path, tmp_path / "a.log"))
        await wait_polling(fake_api, a, 0.0, timeout=30)
        pid = a.proc.pid if a.proc is not None else -1
        await wait_until(lambda: f":{pid}:" in (holder(db) or ""), 30, "replica A to hold the lease")
        b = await stack.enter_async_context(bot_process(env, tmp_path, tmp_path / "b.log"))
        await wait_until(lambda: "Dossier started" in b.output(), 30, "replica B to start")

        async with Storage.open(url, rules=FILING_RULES) as storage:
            for i in range(2, 6):
                await file(storage, i, analyses[i])
        before = [article for article, _ in outbox(db)]
        assert len(before) >= 2, "several articles mention Лавров or Тиллерсон"
        await fake_api.wait_for(lambda: len(alerts_to(fake_api, MEMBER)) >= len(before), 30,
                                message="the holder's alerts")
        assert "alert sender started" in a.output() and "alert sender started" not in b.output()
        # Recorded as sent before the kill (a kill between Telegram's acceptance and that record is
        # the documented at-least-once window: that one alert would go out again).
        await wait_until(lambda: all(s == "sent" for _, s in outbox(db)), 20, "the holder's rows marked sent")

        await a.kill()
        killed = time.monotonic()
        async with Storage.open(url, rules=FILING_RULES) as storage:
            for i in range(6, 9):
                await file(storage, i, analyses[i])
        expected = [article for article, _ in outbox(db)]
        assert len(expected) > len(before), "alerts pending while nobody sends"
        await fake_api.wait_for(lambda: len(alerts_to(fake_api, MEMBER)) >= len(expected), 40,
                                message="the alerts after the takeover")
        await wait_until(lambda: all(s == "sent" for _, s in outbox(db)), 20, "the outbox rows marked sent")
        first_after = min(c.at for c in fake_api.calls_of("sendMessage", ok=True)
                          if c.chat_id == MEMBER and c.at >= killed)
        assert "took the 'alerts' lease" in b.output()
        assert await b.stop() == 0, b.output()

    takeover = first_after - killed
    print(f"takeover: first alert {takeover:.1f} s after the holder was killed")
    assert takeover < 30
    assert sorted(alerts_to(fake_api, MEMBER)) == expected  # each exactly once, across both replicas
    assert not fake_api.rejected
