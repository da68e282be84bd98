"""Alerts end to end: the real application, the real database, the fake Telegram.

Articles are added by forwarding fixture texts (the sanctions one is tagged `санкции`, the
diplomacy one is not); every test checks what Telegram actually received, from the fake's call log.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.alerts import AlertSender, RateLimits
from bot.analyzer import Analyzer

from fakes.bot_api import Call, FakeBotAPI
from harness import MEMBER, OWNER, RunningBot, fixture_text, make_settings, run_bot

CHANNEL = -1001234567890
_message_ids = itertools.count(100)


def sender_of(bot: RunningBot) -> AlertSender:
    return bot.services.alerts


def alerts(api: FakeBotAPI, chat_id: int | None = None, *, ok: bool | None = True) -> list[Call]:
    """sendMessage calls that carried an alert (they start with the bell)."""
    return [c for c in api.calls_of("sendMessage", ok=ok)
            if "🔔" in str(c.params.get("text")) and (chat_id is None or c.chat_id == chat_id)]


async def add_article(bot: RunningBot, user: int, name: str, variant: str = "") -> int:
    """`user` forwards a fixture article; returns its number once the card came back."""
    text = fixture_text(name) + (f"\n\n{variant}" if variant else "")
    before = len(bot.api.texts(user))
    bot.api.forward_from_channel(user, text, channel_id=CHANNEL, channel_title="Новости",
                                 message_id=next(_message_ids))
    await bot.api.wait_for(lambda: any("#" in t for t in bot.api.texts(user)[before:]), 20,
                           message="the article card")
    recent = await bot.services.storage.recent_articles(1)
    return recent[0].id


async def subscribe(bot: RunningBot, user: int, text: str) -> str:
    before = len(bot.api.texts(user))
    bot.api.send_text(user, f"/subscribe {text}")
    texts = await bot.api.wait_for_messages(user, before + 1)
    return texts[before]


async def settled(bot: RunningBot, timeout: float = 15.0) -> None:  # noqa: ASYNC109
    """No alert pending in the outbox (all sent, failed or held) and the sender idle (no send in flight)."""
    deadline = time.monotonic() + timeout
    storage = bot.services.storage
    while time.monotonic() < deadline:
        due = await storage.due_alerts(int(time.time()) + 3600, limit=1)
        if not due:
            await asyncio.wait_for(sender_of(bot).wait_idle(), max(0.1, deadline - time.monotonic()))
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"outbox not drained: {await storage.outbox_counts()}\n{bot.api.dump()}")


async def test_subscriber_gets_exactly_one_alert_and_none_for_other_articles(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    answer = await subscribe(bot, OWNER, "санкции")
    assert "санкции" in answer and "Подписка оформлена" in answer

    article = await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 1.")
    await api.wait_for(lambda: len(alerts(api, OWNER)) >= 1, 10, message="the alert")
    await settled(bot)
    (alert,) = alerts(api, OWNER)
    assert f"#{article}" in alert.params["text"] and "<b>санкции</b>" in alert.params["text"]
    buttons = alert.params["reply_markup"]["inline_keyboard"]
    assert buttons == [[{"text": "Карточка", "callback_data": f"art:{article}"}]]
    assert not alerts(api, MEMBER), "the member who added the article is not alerted"

    await add_article(bot, MEMBER, "forward_diplomacy.txt")
    await settled(bot)
    assert len(alerts(api, OWNER)) == 1, "no alert for an article without the tag"
    assert not api.rejected

    # The card button under the alert opens the card.
    api.press_button(OWNER, alert.result["message_id"], OWNER, f"art:{article}")
    await api.wait_for(lambda: any(f"#{article}" in t and "Евросоюз" in t for t in api.texts(OWNER)[-1:]), 10)


async def test_filters_exclude_and_include(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    assert "кроме" in await subscribe(bot, OWNER, "санкции -германия")
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 2.")  # tagged германия too
    await settled(bot)
    assert not alerts(api, OWNER)
    assert "если в статье есть и это: Россия" in await subscribe(bot, OWNER, "санкции +россия")
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 3.")
    await api.wait_for(lambda: len(alerts(api, OWNER)) == 1, 10)


async def test_429_delays_the_alert_but_delivers_it_exactly_once(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, OWNER, "sanctions")
    api.fail_next("sendMessage", status=429, retry_after=2, chat_id=OWNER)
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 4.")
    await api.wait_for(lambda: len(alerts(api, OWNER)) == 1, 15, message="the alert after the 429")
    await settled(bot)
    refused = [c for c in api.calls_of("sendMessage", ok=False) if c.chat_id == OWNER]
    assert len(refused) == 1 and refused[0].status == 429
    (delivered,) = alerts(api, OWNER)
    assert delivered.at - refused[0].at >= 2.0, "retry_after is honoured"
    assert delivered.at - refused[0].at < 4.0
    assert (await bot.services.storage.outbox_counts()).sent == 1


async def test_403_pauses_the_chat_and_it_can_resume(bot: RunningBot) -> None:
    api = bot.api
    storage = bot.services.storage
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, OWNER, "санкции")
    api.block_chat(OWNER)
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 5.")
    await api.wait_for(lambda: any(c.chat_id == OWNER for c in api.calls_of("sendMessage", ok=False)), 10)
    await settled(bot)
    settings = await storage.get_chat_settings(OWNER)
    assert settings is not None and settings.paused
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 6.")
    await settled(bot)
    assert len([c for c in api.calls_of("sendMessage") if c.chat_id == OWNER and c.status == 403]) == 1, \
        "no retries against a chat that blocked the bot"

    # The user unblocks the bot and writes to it: they are told, and resume with the button.
    api.unblock_chat(OWNER)
    api.send_text(OWNER, "/stats")
    await api.wait_for(lambda: any("остановлены" in t for t in api.texts(OWNER)), 10, message="the notice")
    notice = next(m for m in reversed(api.messages(OWNER)) if "остановлены" in m.get("text", ""))
    api.press_button(OWNER, notice["message_id"], OWNER, "resume")
    await api.wait_for(lambda: len(alerts(api, OWNER)) == 1, 10, message="the held alert")
    await settled(bot)
    assert len(alerts(api, OWNER)) == 1  # the second article was not queued for a paused chat
    settings = await storage.get_chat_settings(OWNER)
    assert settings is not None and not settings.paused


async def test_mute_holds_alerts_until_unmute(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, OWNER, "санкции")
    api.send_text(OWNER, "/mute 2")
    await api.wait_for(lambda: any("приостановлены" in t for t in api.texts(OWNER)), 10)
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 7.")
    await settled(bot)
    assert not alerts(api, OWNER)
    api.send_text(OWNER, "/unmute")
    await api.wait_for(lambda: len(alerts(api, OWNER)) == 1, 10)


async def test_pending_alerts_survive_a_kill_and_go_out_once(
    fake_api: FakeBotAPI, tmp_path: Path, shared_analyzer: Analyzer
) -> None:
    api = fake_api
    third = 1003
    for user in (OWNER, MEMBER, third):
        api.register_user(user, language_code="ru")
    settings = make_settings(api, tmp_path / "dossier.db", ALLOWED_USER_IDS=f"{OWNER},{MEMBER},{third}")
    async with run_bot(api, settings, shared_analyzer) as first:
        await add_article(first, MEMBER, "forward_sanctions.txt")
        await subscribe(first, OWNER, "санкции")
        await subscribe(first, third, "санкции")
        # OWNER's alert fails with a 502 (its retry is 2 s away); the third user's goes out.
        api.fail_next("sendMessage", status=502, chat_id=OWNER)
        await add_article(first, MEMBER, "forward_sanctions.txt", "Обновление 8.")
        await api.wait_for(lambda: len(alerts(api, third)) == 1, 10)
        await api.wait_for(lambda: len(alerts(api, OWNER, ok=False)) == 1, 10)
        storage = first.services.storage
        for _ in range(200):  # the third user's row is recorded as sent
            if (await storage.outbox_counts()).sent == 1:
                break
            await asyncio.sleep(0.02)
        # "SIGKILL": the sender task dies mid-wait; nothing is drained or flushed on the way out.
        for task in first.background:
            task.cancel()
    assert not alerts(api, OWNER)
    async with run_bot(api, settings, shared_analyzer) as second:
        await api.wait_for(lambda: len(alerts(api, OWNER)) == 1, 10, message="the alert after restart")
        await settled(second)
    assert len(alerts(api, OWNER)) == 1
    assert len(alerts(api, third)) == 1, "delivered before the kill, not repeated after it"


def _max_in_window(times: Iterable[float], window: float) -> int:
    stamps = sorted(times)
    best = 0
    start = 0
    for end, t in enumerate(stamps):
        while t - stamps[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_hundred_subscribers_within_telegrams_limits(bot: RunningBot) -> None:
    api = bot.api
    storage = bot.services.storage
    matcher = bot.services.library.matcher
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await add_article(bot, MEMBER, "forward_diplomacy.txt")
    (sanctions,) = (await matcher.resolve_tag("санкции")).tags
    (syria,) = (await matcher.resolve_tag("Сирия")).tags
    users = list(range(5001, 5101))
    twice = users[:10]  # these also follow Syria: a second alert right behind the first
    for user in users:
        api.register_user(user, language_code="en")
        await storage.upsert_chat(user, "private", None, "en")
        await storage.add_subscription(user, "tag", sanctions.id)
        if user in twice:
            await storage.add_subscription(user, "tag", syria.id)
    started = time.monotonic()
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 9.")
    await add_article(bot, MEMBER, "forward_diplomacy.txt", "Обновление 10.")
    await api.wait_for(lambda: len(alerts(api)) >= 110, 30, message="110 alerts")
    await settled(bot)
    sent = alerts(api)
    assert len(sent) == 110 and {c.chat_id for c in sent} == set(users)
    every_send = [c.at for c in api.calls_of("sendMessage") if c.at >= started]
    assert _max_in_window(every_send, 1.0) <= 30, "at most 30 messages in any second, replies included"
    for user in twice:
        first, second = sorted(c.at for c in sent if c.chat_id == user)
        assert second - first >= 1.0, f"two alerts to {user} less than 1 s apart"


async def test_daily_digest_at_the_chats_hour(bot: RunningBot) -> None:
    api = bot.api
    sender = sender_of(bot)
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, OWNER, "санкции")
    api.send_text(OWNER, "/digest 09:00 Europe/Moscow")
    await api.wait_for(lambda: any("09:00" in t for t in api.texts(OWNER)), 10)
    first = await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 11.")
    second = await add_article(bot, MEMBER, "forward_sanctions.txt", "Обновление 12.")
    await settled(bot)
    assert not alerts(api, OWNER), "a digest chat gets no instant alerts"

    moscow = timedelta(hours=3)
    local_now = datetime.now(UTC) + moscow
    slot_local = local_now.replace(hour=9, minute=0, second=0, microsecond=0)
    if slot_local <= local_now:
        slot_local += timedelta(days=1)
    slot = (slot_local - moscow).timestamp()
    (job,) = bot.app.job_queue.get_jobs_by_name("dossier.digest")

    sender.now = lambda: slot - 60
    await job.run(bot.app)
    before = len(api.texts(OWNER))
    assert not any("Сводка" in t for t in api.texts(OWNER)), "not before its hour"

    sender.now = lambda: slot + 5
    await job.run(bot.app)
    await job.run(bot.app)
    digests = [t for t in api.texts(OWNER) if "Сводка за день" in t]
    assert len(digests) == 1 and len(api.texts(OWNER)) == before + 1
    assert f"#{first}" in digests[0] and f"#{second}" in digests[0] and "санкции" in digests[0]
    assert (await bot.services.storage.outbox_counts()).pending == 0


async def test_channel_feed_posts_are_filed_and_alert(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, MEMBER, "санкции")
    api.register_chat(CHANNEL - 1, "channel", "Лента", "lenta_news")
    api.send_text(OWNER, "/feed add @lenta_news")
    await api.wait_for(lambda: any("подключён" in t for t in api.texts(OWNER)), 10, message="feed added")
    api.channel_post(CHANNEL - 2, fixture_text("forward_sanctions.txt") + "\n\nЧужой канал.", title="Чужой")
    api.channel_post(CHANNEL - 1, fixture_text("forward_sanctions.txt") + "\n\nИз ленты.")
    await api.wait_for(lambda: len(alerts(api, MEMBER)) == 1, 15, message="the feed alert")
    await settled(bot)
    assert len(alerts(api, MEMBER)) == 1, "only the enabled channel's post is filed"
    assert not api.sent(CHANNEL - 1), "nothing is written into the channel"
    api.send_text(OWNER, "/feed list")
    await api.wait_for(lambda: "@lenta_news" in api.texts(OWNER)[-1], 10)

    # A two-part album post is one article, hence one alert.
    album = fixture_text("forward_diplomacy.txt").split("\n\n")
    api.channel_post(CHANNEL - 1, fixture_text("forward_sanctions.txt") + "\n\nАльбом.", media_group_id="m1")
    api.channel_post(CHANNEL - 1, "\n\n".join(album[1:]), media_group_id="m1")
    await api.wait_for(lambda: len(alerts(api, MEMBER)) == 2, 15, message="the album alert")
    await settled(bot)
    assert len(alerts(api, MEMBER)) == 2
    api.send_text(MEMBER, "/feed remove @lenta_news")
    await api.wait_for(lambda: "владелец" in api.texts(MEMBER)[-1] or "owner" in api.texts(MEMBER)[-1], 10)


def test_default_limits_are_telegrams() -> None:
    limits = RateLimits()
    assert limits.per_chat_interval >= 1.0
    assert limits.group_per_minute <= 20 and limits.group_window >= 60
    assert limits.overall_per_second <= 30 and limits.overall_window >= 1.0
