"""Subscription commands end to end, plus unit tests of filter parsing, resolution and the limiter."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from telegram.error import RetryAfter
from test_alerts import add_article, alerts, settled, subscribe

from bot.alerts import RateLimiter, RateLimits, retry_after_seconds
from bot.analyzer import Analyzer
from bot.cards import alert_text
from bot.services.matching import ActorMatch, TagMatch
from bot.services.subscriptions import (
    Candidate,
    ParseError,
    Subscriptions,
    local_time,
    parse_clock,
    parse_subscribe,
    valid_timezone,
)
from storage.records import ActorBrief, MatchedTarget, OutboxRow, TagBrief

from fakes.bot_api import FakeBotAPI
from harness import MEMBER, OWNER, RunningBot, make_settings, run_bot

GROUP = -1009876543210

# ------------------------------------------------------------------------------ parsing


def test_parse_target_with_include_and_exclude() -> None:
    r = parse_subscribe("санкции -нефть +Белый дом -газ")
    assert r.target == "санкции" and r.include == ("Белый дом",) and r.exclude == ("нефть", "газ")
    assert parse_subscribe("Рекс Тиллерсон").target == "Рекс Тиллерсон"
    assert parse_subscribe("Нью-Йорк").target == "Нью-Йорк", "a hyphen inside a word is not a filter"
    assert parse_subscribe("Lavrov + Syria").include == ("Syria",)


@pytest.mark.parametrize(("text", "reason"), [
    ("-нефть", "sub_usage"),
    ("санкции -", "sub_empty_filter"),
    ("a +b +c +d +e +f +g", "sub_too_many_filters"),
    ("<>{}()*", "sub_usage"),
])
def test_parse_rejects_unusable_input(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_subscribe(text)
    assert err.value.reason == reason


def test_user_text_is_never_a_pattern() -> None:
    r = parse_subscribe("санкц.* -(a|b)+")
    assert r.target == "санкц." and r.exclude == ("a b",)


def test_clock_and_timezone() -> None:
    assert parse_clock("9:05") == "09:05" and parse_clock("18.30") == "18:30"
    assert parse_clock("24:00") is None and parse_clock("noon") is None
    assert valid_timezone("Europe/Moscow") == "Europe/Moscow" and valid_timezone("utc") == "UTC"
    assert valid_timezone("Mars/Olympus") is None and valid_timezone("../../etc/passwd") is None


# ------------------------------------------------------------------------------ resolution


class _Matcher:
    def __init__(self, tags: TagMatch, actors: ActorMatch) -> None:
        self.tags, self.actors = tags, actors

    async def resolve_tag(self, query: str) -> TagMatch:
        return self.tags

    async def resolve_actor(self, query: str) -> ActorMatch:
        return self.actors


def _subs(tags: TagMatch, actors: ActorMatch) -> Subscriptions:
    return Subscriptions(None, _Matcher(tags, actors))  # type: ignore[arg-type]


def _actor(i: int, name: str) -> ActorBrief:
    return ActorBrief(i, "person", name, None, 1, 1)


async def test_resolve_prefers_the_tag_and_asks_when_both_fit() -> None:
    tag = TagMatch("exact", [TagBrief(1, "санкции", "sanctions", 3)])
    found = await _subs(tag, ActorMatch("exact", [_actor(7, "Санкт Петербург")])).resolve("санкции")
    assert found.status == "exact" and found.candidates == (Candidate("tag", 1, "санкции"),)
    # A tag that is just an actor's name yields the actor (mentions cover more than tags).
    found = await _subs(TagMatch("exact", [TagBrief(2, "сергей лавров", None, 1)]),
                        ActorMatch("exact", [_actor(8, "Сергей Лавров")])).resolve("Лавров")
    assert found.candidates == (Candidate("actor", 8, "Сергей Лавров"),)
    both = await _subs(TagMatch("exact", [TagBrief(3, "трамп", None, 1)]),
                       ActorMatch("exact", [_actor(9, "Дональд Трамп")])).resolve("Трамп")
    assert both.status == "ambiguous" and {c.kind for c in both.candidates} == {"tag", "actor"}
    none = await _subs(TagMatch("none"), ActorMatch("none", [_actor(4, "Лавров")])).resolve("Лавроф")
    assert none.status == "none" and none.candidates[0].label == "Лавров"


# ------------------------------------------------------------------------------ the limiter


class _Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_limiter_spaces_private_chats_and_caps_the_overall_rate() -> None:
    clock = _Clock()
    limiter = RateLimiter(RateLimits(), clock)
    sent: list[tuple[float, int]] = []
    queue = [chat for _ in range(2) for chat in range(1, 101)]  # two messages to each of 100 chats
    while queue:
        ready = [c for c in queue if limiter.chat_wait(c) == 0]
        if ready and limiter.overall_wait() == 0:
            chat = ready[0]
            queue.remove(chat)
            limiter.record(chat)
            sent.append((clock.t, chat))
        clock.t += 0.001
    times = [t for t, _ in sent]
    for i in range(len(times)):
        assert sum(1 for t in times[i:] if t - times[i] < 1.0) <= 30
    for chat in range(1, 101):
        a, b = (t for t, c in sent if c == chat)
        assert b - a >= 1.0


def test_limiter_groups_twenty_a_minute_and_retry_after_hold() -> None:
    clock = _Clock()
    limiter = RateLimiter(RateLimits(), clock)
    for _ in range(20):
        clock.t += limiter.chat_wait(GROUP)
        limiter.record(GROUP)
    first = clock.t - 19 * 1.05
    assert limiter.chat_wait(GROUP) == pytest.approx(first + 60.05 - clock.t)
    limiter.hold(5, 7.0)
    assert limiter.chat_wait(5) == pytest.approx(7.0)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB's own constructor reads the old attribute
def test_retry_after_read_as_int_or_timedelta() -> None:
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    assert retry_after_seconds(RetryAfter(timedelta(seconds=2.5))) == 2.5


def test_alert_text_escapes_everything() -> None:
    row = OutboxRow(1, 5, 12, "<script>&", (MatchedTarget("tag", 1, "a<b>"),), "pending", 0, 0, None, 0, None, None)
    text = alert_text(row, None, "en")
    assert "&lt;script&gt;&amp;" in text and "<b>a&lt;b&gt;</b>" in text and "#12" in text


# ------------------------------------------------------------------------------ end to end


async def test_list_and_unsubscribe_by_button_by_name_and_by_reply(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, OWNER, "санкции")
    assert "подписка у чата уже есть" in await subscribe(bot, OWNER, "sanctions")
    await subscribe(bot, OWNER, "Бербок")
    api.send_text(OWNER, "/subscriptions")
    await api.wait_for(lambda: "Подписки этого чата" in api.texts(OWNER)[-1], 10)
    listing = api.last_message(OWNER)
    assert listing is not None and "#санкции" in listing["text"] and "Анналена Бербок" in listing["text"]
    buttons = [b for row in listing["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) == 2 and all(len(b["callback_data"].encode()) < 64 for b in buttons)
    berbock = next(b for b in buttons if "Бербок" in b["text"])
    api.press_button(OWNER, listing["message_id"], OWNER, berbock["callback_data"])
    await api.wait_for(lambda: "отменена" in api.texts(OWNER)[-1], 10)
    assert [s.label for s in await bot.services.storage.list_subscriptions(OWNER)] == ["санкции"]

    # /unsubscribe as a reply to an alert removes the subscription that alert came from.
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Ещё одно обновление.")
    await api.wait_for(lambda: len(alerts(api, OWNER)) == 1, 10)
    (alert,) = alerts(api, OWNER)
    api.send_text(OWNER, "/unsubscribe", reply_to_message_id=alert.result["message_id"])
    await api.wait_for(lambda: "отменена" in api.texts(OWNER)[-1] and "санкции" in api.texts(OWNER)[-1], 10)
    assert not await bot.services.storage.list_subscriptions(OWNER)
    api.send_text(OWNER, "/unsubscribe санкции")
    await api.wait_for(lambda: "нет" in api.texts(OWNER)[-1], 10)
    assert not api.rejected


async def test_a_member_subscribes_a_group_and_the_group_gets_the_alert(bot: RunningBot) -> None:
    api = bot.api
    api.register_chat(GROUP, "supergroup", "Команда", members=[OWNER, MEMBER])
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    api.send_text(OWNER, "/subscribe санкции", chat_id=GROUP)
    await api.wait_for(lambda: any("Подписка оформлена" in t for t in api.texts(GROUP)), 10)
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Для группы.")
    await api.wait_for(lambda: len(alerts(api, GROUP)) == 1, 10)
    await settled(bot)
    assert not alerts(api, OWNER)


async def test_unseen_name_is_followed_ahead_and_bad_filter_is_explained(bot: RunningBot) -> None:
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    # A name the library has not seen is followed by its key (issue 12), and says so.
    answer = await subscribe(bot, OWNER, "Шварценеггер")
    assert "Подписка оформлена" in answer and "пока нет" in answer
    assert [s.label for s in await bot.services.storage.list_subscriptions(OWNER)] == ["Шварценеггер"]
    assert "уточните" in await subscribe(bot, OWNER, "санкции -Ab")
    assert "Использование" in await subscribe(bot, OWNER, "")
    assert len(await bot.services.storage.list_subscriptions(OWNER)) == 1


async def test_400_is_recorded_with_telegrams_description_and_not_retried(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    await subscribe(bot, OWNER, "санкции")
    api.fail_next("sendMessage", status=400, description="Bad Request: message is too long", chat_id=OWNER)
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Слишком длинное.")
    await api.wait_for(lambda: len(alerts(api, OWNER, ok=False)) == 1, 10)
    await settled(bot)
    counts = await bot.services.storage.outbox_counts()
    assert (counts.pending, counts.failed) == (0, 1)
    assert len(alerts(api, OWNER, ok=None)) == 1, "a 400 is never retried"


async def test_digest_command_validates_and_switches_back(bot: RunningBot) -> None:
    api = bot.api
    for text, expected in [("/digest 25:00", "Использование"), ("/digest 08:30 Mars/Base", "часового пояса"),
                           ("/digest daily", "09:00 по часовому поясу UTC. Другой пояс"), ("/digest off", "выключена")]:
        before = len(api.texts(OWNER))
        api.send_text(OWNER, text)
        assert expected in (await api.wait_for_messages(OWNER, before + 1))[before]
    settings = await bot.services.storage.get_chat_settings(OWNER)
    assert settings is not None and settings.digest_time is None


async def test_ambiguous_target_asks_with_buttons_and_keeps_the_filters(bot: RunningBot) -> None:
    api = bot.api
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    assert "несколько" in await subscribe(bot, OWNER, "Евро +санкции")
    question = api.last_message(OWNER)
    assert question is not None
    buttons = {b["text"]: b["callback_data"] for row in question["reply_markup"]["inline_keyboard"] for b in row}
    assert all(len(data.encode()) < 64 for data in buttons.values())
    (choice,) = [data for text, data in buttons.items() if "Евросоюз" in text]
    api.press_button(OWNER, question["message_id"], OWNER, choice)
    await api.wait_for(lambda: "Подписка оформлена" in api.texts(OWNER)[-1], 10)
    confirmation = api.texts(OWNER)[-1]
    assert "Евросоюз" in confirmation and "если в статье есть и это: #санкции" in confirmation
    (sub,) = await bot.services.storage.list_subscriptions(OWNER)
    assert sub.label == "Евросоюз" and [r.kind for r in sub.include] == ["tag"]


async def test_group_upgraded_to_supergroup_keeps_its_subscriptions(bot: RunningBot) -> None:
    api = bot.api
    old_group, new_group = -4455, -1004455667788
    api.register_chat(old_group, "group", "Отдел", members=[OWNER, MEMBER])
    api.register_chat(new_group, "supergroup", "Отдел", members=[OWNER, MEMBER])
    await add_article(bot, MEMBER, "forward_sanctions.txt")
    api.send_text(OWNER, "/subscribe санкции", chat_id=old_group)
    await api.wait_for(lambda: any("Подписка оформлена" in t for t in api.texts(old_group)), 10)
    # Telegram answers the first alert with "group chat was upgraded to a supergroup chat".
    api.fail_next("sendMessage", status=400, description="Bad Request: group chat was upgraded to a supergroup chat",
                  migrate_to_chat_id=new_group, chat_id=old_group)
    await add_article(bot, MEMBER, "forward_sanctions.txt", "После обновления группы.")
    await api.wait_for(lambda: len(alerts(api, new_group)) == 1, 15, message="the alert in the supergroup")
    subs = await bot.services.storage.list_subscriptions(new_group)
    assert [s.label for s in subs] == ["санкции"]
    assert await bot.services.storage.list_subscriptions(old_group) == []
    await add_article(bot, MEMBER, "forward_sanctions.txt", "Ещё одно обновление.")
    await api.wait_for(lambda: len(alerts(api, new_group)) == 2, 15, message="the next alert goes to the new id")
    assert not alerts(api, old_group)


async def test_digest_without_a_zone_follows_default_timezone(fake_api: FakeBotAPI, tmp_path: Path,
                                                              shared_analyzer: Analyzer) -> None:
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    settings = make_settings(fake_api, tmp_path / "tz.db", DEFAULT_TIMEZONE="Europe/Moscow")
    async with run_bot(fake_api, settings, shared_analyzer):
        fake_api.send_text(OWNER, "/digest 09:00")
        (answer,) = await fake_api.wait_for_messages(OWNER, 1)
        assert "09:00 по часовому поясу Europe/Moscow" in answer and "/digest 09:00 Europe/Moscow" in answer


async def test_mute_names_the_zone_it_means(fake_api: FakeBotAPI, tmp_path: Path, shared_analyzer: Analyzer) -> None:
    fake_api.register_user(OWNER, first_name="Ольга", language_code="ru")
    settings = make_settings(fake_api, tmp_path / "mute-tz.db", DEFAULT_TIMEZONE="Asia/Tokyo")
    async with run_bot(fake_api, settings, shared_analyzer) as bot:
        fake_api.send_text(OWNER, "/mute 2")
        (answer,) = await fake_api.wait_for_messages(OWNER, 1)
        muted = await bot.services.storage.get_chat_settings(OWNER)
        assert muted is not None and muted.muted_until is not None
        expected = local_time(muted.muted_until, "Asia/Tokyo")  # Tokyo is UTC+9: never the UTC clock
        assert f"приостановлены до {expected} (Asia/Tokyo)" in answer and "UTC" not in answer, answer
        # A zone the chat chose with /digest wins over the default, here and in /subscriptions.
        fake_api.send_text(OWNER, "/digest 09:00 Europe/Berlin")
        await fake_api.wait_for_messages(OWNER, 2)
        fake_api.send_text(OWNER, "/subscriptions")
        listing = (await fake_api.wait_for_messages(OWNER, 3))[2]
        assert f"до {local_time(muted.muted_until, 'Europe/Berlin')} (Europe/Berlin)" in listing, listing
