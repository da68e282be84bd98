"""Subscriptions, outbox rows created with an analysis, alert scheduling and digests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from storage_helpers import T0, TEXT1, TEXT2, analysis1, analysis2, filed, new_article

from analysis.keys import search_key
from bot.services import schedule
from bot.services.schedule import digest_slot
from storage.records import ChatSettings, MatchedTarget, OutboxCounts, TargetRef
from storage.repository import Storage


async def _ids(db: Storage) -> tuple[int, int, int]:
    tillerson = (await db.actors_by_keys([search_key("Tillerson")]))[0].id
    russia = (await db.actors_by_keys([search_key("Россия")]))[0].id
    sanctions = (await db.tags_by_keys([search_key("sanctions")]))[0].id
    return tillerson, russia, sanctions


async def _scenario(db: Storage) -> tuple[int, list[int], dict[str, int]]:
    """Article 2 first (creates the targets), then subscriptions, then article 1 from chat 100."""
    await filed(db, TEXT2, analysis2(), added_chat_id=999)
    tillerson, russia, sanctions = await _ids(db)
    sub = db.add_subscription
    await sub(200, "tag", sanctions, now=T0)
    await sub(300, "actor", tillerson, now=T0)
    await sub(300, "tag", sanctions, now=T0)
    await sub(400, "tag", sanctions, include=[TargetRef("actor", tillerson)], now=T0)
    await sub(410, "tag", sanctions, include=[TargetRef("actor", russia)], now=T0)
    await sub(420, "tag", sanctions, exclude=[TargetRef("actor", tillerson)], now=T0)
    await sub(100, "tag", sanctions, now=T0)  # the chat that adds the article
    await sub(500, "tag", sanctions, now=T0)
    await db.set_paused(500, True)
    await sub(600, "tag", sanctions, now=T0)
    assert await db.remove_subscription(600, "tag", sanctions)
    article_id, _ = await db.add_article(new_article(TEXT1, added_chat_id=100))
    created = await db.save_analysis(article_id, analysis1(), now=T0 + 10)
    return article_id, created, {"tillerson": tillerson, "russia": russia, "sanctions": sanctions}


async def test_outbox_rows_honour_include_exclude_origin_and_pause(db: Storage) -> None:
    article_id, created, ids = await _scenario(db)
    assert len(created) == 3
    rows = {r.chat_id: r for r in await db.due_alerts(T0 + 10, limit=50)}
    assert set(rows) == {200, 300, 400}
    assert all(r.article_id == article_id and r.status == "pending" and r.attempts == 0 for r in rows.values())
    assert rows[200].matched == (MatchedTarget("tag", ids["sanctions"], "санкции"),)
    assert set(rows[300].matched) == {
        MatchedTarget("actor", ids["tillerson"], "Рекс Тиллерсон"),
        MatchedTarget("tag", ids["sanctions"], "санкции"),
    }
    assert rows[300].article_title == analysis1().title
    assert sorted(r.id for r in rows.values()) == sorted(created)

    # Re-analysis: no duplicate rows, nothing new returned.
    assert await db.save_analysis(article_id, analysis1(), now=T0 + 20) == []
    assert (await db.outbox_counts()) == OutboxCounts(pending=3, sent=0, failed=0)


async def test_bulk_import_can_skip_alerts(db: Storage) -> None:
    await filed(db, TEXT2, analysis2(), added_chat_id=999)
    _, _, sanctions = await _ids(db)
    await db.add_subscription(200, "tag", sanctions, now=T0)
    aid, _ = await db.add_article(new_article(TEXT1))
    assert await db.save_analysis(aid, analysis1(), now=T0, enqueue_alerts=False) == []
    assert (await db.outbox_counts()).pending == 0


async def test_due_alerts_respect_mute_digest_pause_and_schedule(db: Storage) -> None:
    _, _, _ = await _scenario(db)
    now = T0 + 10
    rows = {r.chat_id: r for r in await db.due_alerts(now)}
    assert await db.due_alerts(T0 + 9) == []  # next_attempt_at is the save time

    await db.set_muted_until(200, now + 100)
    await schedule.set_digest(db.chats, 300, "09:00", "Europe/Moscow", now=now)
    await db.reschedule_alert(rows[400].id, now + 60, "429 Too Many Requests")
    assert await db.due_alerts(now) == []
    assert [r.chat_id for r in await db.due_alerts(now + 60)] == [400]
    r400 = (await db.due_alerts(now + 60))[0]
    assert r400.attempts == 1 and r400.last_error == "429 Too Many Requests"
    assert sorted(r.chat_id for r in await db.due_alerts(now + 100)) == [200, 400]
    await db.set_muted_until(200, None)

    await db.set_paused(400, True)
    assert [r.chat_id for r in await db.due_alerts(now + 100)] == [200]
    await db.set_paused(400, False)

    assert await db.mark_sent(rows[200].id, 7777, now + 101)
    assert not await db.mark_sent(rows[200].id, 7777, now + 102)  # exactly once
    await db.mark_alert_failed(rows[400].id, "400 Bad Request: chat not found", now + 101)
    assert await db.due_alerts(now + 1000) == []
    assert await db.outbox_counts() == OutboxCounts(pending=1, sent=1, failed=1)

    digest = await db.pending_digest(300)
    assert [r.chat_id for r in digest] == [300]
    await db.mark_digest_sent(300, [r.id for r in digest], now + 200)
    assert await db.pending_digest(300) == []
    settings = await db.get_chat_settings(300)
    assert settings is not None and settings.last_digest_at == now + 200
    assert await db.outbox_counts() == OutboxCounts(pending=0, sent=2, failed=1)


def _ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


async def test_digest_due_in_local_time(db: Storage) -> None:
    # 09:00 Moscow (UTC+3, no DST) is 06:00 UTC.
    await schedule.set_digest(db.chats, 1, "09:00", "Europe/Moscow", now=_ts(2024, 1, 15, 5, 0))
    await schedule.set_digest(db.chats, 2, "09:00", "Europe/Moscow", now=_ts(2024, 1, 15, 7, 0))  # after today's slot
    await schedule.set_digest(db.chats, 3, "23:30", "UTC", now=_ts(2024, 1, 15, 5, 0))
    assert await schedule.chats_due_for_digest(db.chats, _ts(2024, 1, 15, 5, 59)) == []
    due = await schedule.chats_due_for_digest(db.chats, _ts(2024, 1, 15, 6, 0))
    assert [c.chat_id for c in due] == [1]
    assert isinstance(due[0], ChatSettings) and due[0].tz == "Europe/Moscow" and due[0].digest_time == "09:00"
    await db.mark_digest_sent(1, [], _ts(2024, 1, 15, 6, 1))
    assert await schedule.chats_due_for_digest(db.chats, _ts(2024, 1, 15, 12, 0)) == []
    assert [c.chat_id for c in await schedule.chats_due_for_digest(db.chats, _ts(2024, 1, 15, 23, 30))] == [3]
    assert [c.chat_id for c in await schedule.chats_due_for_digest(db.chats, _ts(2024, 1, 16, 6, 5))] == [1, 2]
    # Muted and paused chats wait.
    await db.set_muted_until(1, _ts(2024, 1, 17))
    await db.set_paused(2, True)
    assert await schedule.chats_due_for_digest(db.chats, _ts(2024, 1, 16, 6, 5)) == []
    # Back to immediate alerts.
    await schedule.set_digest(db.chats, 3, None)
    settings = await db.get_chat_settings(3)
    assert settings is not None and settings.digest_time is None


def test_digest_slot_follows_dst() -> None:
    # New York: 08:00 local is 13:00 UTC in winter (EST) and 12:00 UTC in summer (EDT).
    assert digest_slot(_ts(2024, 1, 15, 15, 0), "08:00", "America/New_York") == _ts(2024, 1, 15, 13, 0)
    assert digest_slot(_ts(2024, 7, 15, 15, 0), "08:00", "America/New_York") == _ts(2024, 7, 15, 12, 0)


async def test_set_digest_validates(db: Storage) -> None:
    for bad in ["9:00", "24:00", "09:60", "0900", ""]:
        with pytest.raises(ValueError):
            await schedule.set_digest(db.chats, 1, bad, "UTC")
    with pytest.raises(ValueError, match="time zone"):
        await schedule.set_digest(db.chats, 1, "09:00", "Mars/Olympus")


async def test_subscriptions_lifecycle(db: Storage) -> None:
    await filed(db, TEXT2, analysis2())
    tillerson, russia, sanctions = await _ids(db)
    sub_id, created = await db.add_subscription(
        200, "tag", sanctions, include=[TargetRef("actor", tillerson)], exclude=[TargetRef("actor", russia)],
        created_by=5, now=T0,
    )
    assert created
    again, created2 = await db.add_subscription(200, "tag", sanctions, now=T0 + 1)
    assert (again, created2) == (sub_id, False)
    actor_sub, _ = await db.add_subscription(200, "actor", tillerson, now=T0)
    subs = await db.list_subscriptions(200)
    assert [(s.target_kind, s.label) for s in subs] == [("tag", "санкции"), ("actor", "Тиллерсон")]
    assert subs[0].include == () and subs[0].exclude == ()  # re-subscribing replaced the conditions
    assert await db.subscribers_count("tag", sanctions) == 1
    assert await db.subscribers_count() == 1
    assert not await db.remove_subscription_by_id(999, actor_sub)  # another chat's id
    assert await db.remove_subscription_by_id(200, actor_sub)
    assert [s.id for s in await db.list_subscriptions(200)] == [sub_id]
    with pytest.raises(ValueError):
        await db.add_subscription(200, "actor", 424242)
    with pytest.raises(ValueError):
        await db.add_subscription(200, "person", tillerson)  # type: ignore[arg-type]


async def test_chats_upsert_keeps_known_values(db: Storage) -> None:
    assert await db.get_chat_settings(1) is None
    await db.upsert_chat(1, "group", "Team", "ru")
    await db.upsert_chat(1, "supergroup", None, None)
    s = await db.get_chat_settings(1)
    assert s == ChatSettings(1, "supergroup", "Team", "ru", None, None, "UTC", False, None)
