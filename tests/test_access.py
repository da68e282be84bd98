"""Access control end to end: who may do what, and strangers learn nothing (checked in the DB too).

Also home of the small helpers the other e2e suites of the issue share (test_hostile, test_durability,
test_maintenance): an article generator, `ask`, `settled` and raw database checks.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.analyzer import Analyzer
from bot.i18n import t

from fakes.bot_api import FakeBotAPI
from harness import MEMBER, OWNER, STRANGER, RunningBot, make_settings, pg_rows, run_bot

GROUP = -1005550001111
CHANNEL = -1001112223334

# ------------------------------------------------------------------------------ shared helpers

_PEOPLE = (
    ("Сергей", "Лавров", "министр иностранных дел России"),
    ("Рекс", "Тиллерсон", "госсекретарь США"),
    ("Антониу", "Гутерриш", "генеральный секретарь ООН"),
    ("Эльвира", "Набиуллина", "председатель Центрального банка"),
    ("Йенс", "Столтенберг", "генеральный секретарь НАТО"),
    ("Мария", "Захарова", "официальный представитель МИД России"),
    ("Жозеп", "Боррель", "глава дипломатии Евросоюза"),
)
_CITIES = ("Москве", "Женеве", "Вене", "Анкаре", "Брюсселе", "Пекине", "Астане", "Берлине")
_TOPICS = ("поставках зерна", "контроле над вооружениями", "санкциях против банков", "ценах на нефть",
           "обмене пленными", "ядерной программе", "транзите газа")


def article_text(i: int) -> str:
    """A realistic Russian news article; names, places, topics and numbers vary with ``i``."""
    first, last, role = _PEOPLE[i % len(_PEOPLE)]
    other_first, other_last, other_role = _PEOPLE[(i + 3) % len(_PEOPLE)]
    city = _CITIES[(i * 3) % len(_CITIES)]
    topic = _TOPICS[(i * 5) % len(_TOPICS)]
    n = 120 + i * 17
    return (
        f"{last} и {other_last} обсудили в {city} вопрос о {topic} (выпуск {i})\n\n"
        f"{first} {last}, {role}, провёл переговоры с {other_first} {other_last} в {city}. "
        f"Встреча продолжалась {2 + i % 5} часа, сообщили журналистам источники в делегациях.\n\n"
        f"«Мы договорились продолжить консультации на уровне экспертов и вернуться к вопросу о {topic} "
        f"через {n} дней», — заявил {last} на пресс-конференции по итогам встречи.\n\n"
        f"{other_role.capitalize()} {other_first} {other_last} отметил, что стороны «по-прежнему "
        f"расходятся в оценках», но назвал разговор конструктивным. По его словам, объём спорных "
        f"поставок оценивается в {n * 3} млн долларов.\n\n"
        f"Ранее в {city} прошли протесты: по данным полиции, на улицы вышли около {n * 10} человек."
    )


def article_title(i: int) -> str:
    return article_text(i).split("\n", 1)[0]


def db(bot: RunningBot) -> sqlite3.Connection:
    path = bot.settings.database_path
    assert path is not None
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def db_rows(path: Path | RunningBot, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (SQLite syntax) read beside the bot, on whichever backend it runs."""
    if isinstance(path, RunningBot) and path.settings.database_path is None:
        return pg_rows(path.settings.database_url, sql, params)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if isinstance(path, Path) else db(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def traces_of(bot: RunningBot, user_id: int, chat_id: int | None = None) -> dict[str, int]:
    """Rows anyone could trace back to ``user_id`` (or the chat): must all be 0 for strangers."""
    chat = user_id if chat_id is None else chat_id
    return {
        "articles": db_rows(bot, "SELECT count(*) FROM articles WHERE added_by = ? OR added_chat_id = ?",
                            (user_id, chat))[0][0],
        "chats": db_rows(bot, "SELECT count(*) FROM chats WHERE chat_id IN (?, ?)", (user_id, chat))[0][0],
        "subscriptions": db_rows(bot, "SELECT count(*) FROM subscriptions WHERE chat_id IN (?, ?) "
                                      "OR created_by = ?", (user_id, chat, user_id))[0][0],
        "members": db_rows(bot, "SELECT count(*) FROM members WHERE user_id = ?", (user_id,))[0][0],
    }


async def settled(bot: RunningBot, update_id: int, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait until the bot finished every handler of the update (the inbox marks it done)."""
    def done() -> bool:
        rows = db_rows(bot, "SELECT status FROM inbox WHERE update_id = ?", (update_id,))
        return bool(rows) and rows[0][0] == "done"

    await bot.api.wait_for(done, timeout, message=f"update {update_id} to be handled")


async def ask(bot: RunningBot, user: int, text: str, chat_id: int | None = None,
              timeout: float = 20.0) -> str:  # noqa: ASYNC109
    """Send a message and return everything the bot sent to that chat while handling it."""
    chat = user if chat_id is None else chat_id
    before = len(bot.api.texts(chat))
    update_id = bot.api.send_text(user, text, chat_id)
    await settled(bot, update_id, timeout)
    return "\n".join(bot.api.texts(chat)[before:])


async def forward(bot: RunningBot, user: int, i: int, *, chat_id: int | None = None,
                  channel_title: str = "Новости дипломатии", message_id: int | None = None,
                  text: str | None = None) -> str:
    chat = user if chat_id is None else chat_id
    before = len(bot.api.texts(chat))
    update_id = bot.api.forward_from_channel(
        user, text or article_text(i), channel_id=CHANNEL, channel_title=channel_title,
        channel_username="diplomacy_news", message_id=message_id or 1000 + 10 * i, chat_id=chat_id)
    await settled(bot, update_id, 60)
    return "\n".join(bot.api.texts(chat)[before:])


def refusal(user_id: int = STRANGER, language: str = "en") -> str:
    """The stranger's refusal as the user sees it (tags removed)."""
    return t(language, "stranger", user_id=str(user_id)).replace("<code>", "").replace("</code>", "")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ strangers

STRANGER_COMMANDS = [
    "/start", "/help", "/who Лавров", "/who", "/claims Лавров", "/tags", "/tags санкции", "/search Женеве",
    "/article 1", "/article_1", "/recent", "/stats", "/delete 1", "/subscribe Лавров", "/unsubscribe Лавров",
    "/subscriptions", "/mute 3", "/unmute", "/digest daily", "/resume", "/feed list",
    f"/allow {STRANGER}", f"/revoke {MEMBER}", "/members", "/nonexistent", "hello, is anyone there?",
    "https://example.com/news/1",
]


async def test_stranger_gets_only_the_refusal_for_every_command(bot: RunningBot) -> None:
    card = await forward(bot, OWNER, 1)
    assert article_title(1) in card
    for command in STRANGER_COMMANDS:
        answer = await ask(bot, STRANGER, command)
        assert answer == refusal(), (command, answer)
    assert traces_of(bot, STRANGER) == {"articles": 0, "chats": 0, "subscriptions": 0, "members": 0}
    stranger_calls = [c for c in bot.api.calls if c.chat_id == STRANGER and c.method != "sendMessage"]
    assert stranger_calls == [], "not even a typing action for a stranger"
    assert not bot.api.rejected


async def test_stranger_forward_paste_and_document_are_not_stored(bot: RunningBot) -> None:
    answer = await forward(bot, STRANGER, 2)
    assert answer == refusal()
    assert await ask(bot, STRANGER, article_text(3)) == refusal()
    before = len(bot.api.texts(STRANGER))
    update_id = bot.api.send_document(STRANGER, article_text(4).encode(), "news.txt")
    await settled(bot, update_id)
    assert bot.api.texts(STRANGER)[before:] == [refusal()]
    assert not bot.api.downloads, "a stranger's file is never even downloaded"
    assert db_rows(bot, "SELECT count(*) FROM articles") == [(0,)]
    assert traces_of(bot, STRANGER) == {"articles": 0, "chats": 0, "subscriptions": 0, "members": 0}


async def test_inline_query_from_stranger_and_member_reveals_nothing(bot: RunningBot) -> None:
    await forward(bot, OWNER, 1)
    for user, query_id in ((STRANGER, "q1"), (MEMBER, "q2")):
        user_json = {"id": user, "is_bot": False, "first_name": "X", "language_code": "en"}
        update_id = bot.api.raw_update({"inline_query": {"id": query_id, "from": user_json,
                                                         "query": "Лавров", "offset": ""}})
        await settled(bot, update_id)
    assert not bot.api.calls_of("answerInlineQuery")
    assert bot.api.texts(STRANGER) == []
    assert traces_of(bot, STRANGER)["chats"] == 0


async def test_group_members_only_and_stranger_button_does_nothing(bot: RunningBot) -> None:
    bot.api.register_chat(GROUP, "supergroup", "Аналитики", members=[OWNER, MEMBER, STRANGER])
    card = await forward(bot, MEMBER, 5, chat_id=GROUP)
    assert article_title(5) in card
    card_message = bot.api.sent(GROUP)[-1]
    number = db_rows(bot, "SELECT id FROM articles")[0][0]

    # A stranger in the group: commands, forwards and the member's button do nothing for them.
    sent_before = len(bot.api.sent())
    for text in ("/stats", "/who Лавров", f"/article {number}", "/start"):
        update_id = bot.api.send_text(STRANGER, text, GROUP)
        await settled(bot, update_id)
    update_id = bot.api.forward_from_channel(STRANGER, article_text(6), channel_id=CHANNEL,
                                             channel_title="Чужой канал", message_id=4242, chat_id=GROUP)
    await settled(bot, update_id)
    query_id = bot.api.press_button(STRANGER, card_message["message_id"], GROUP, f"full:{number}:0")
    await bot.api.wait_for(lambda: query_id in bot.api.callback_answers, 10, message="the callback answer")
    answer = bot.api.callback_answers[query_id]
    assert str(STRANGER) in answer.get("text", "") and article_title(5) not in answer.get("text", "")
    await settled(bot, bot.api.injected[-1]["update_id"])  # every handler of the press has run
    assert len(bot.api.sent()) == sent_before, "the bot said nothing in the group for the stranger"
    assert db_rows(bot, "SELECT count(*) FROM articles") == [(1,)]
    assert traces_of(bot, STRANGER, GROUP)["members"] == 0
    assert db_rows(bot, "SELECT count(*) FROM articles WHERE added_by = ?", (STRANGER,)) == [(0,)]

    # The member's own button still works.
    query_id = bot.api.press_button(MEMBER, card_message["message_id"], GROUP, f"full:{number}:0")
    await bot.api.wait_for(lambda: len(bot.api.sent()) > sent_before, 10, message="the full text")
    assert not bot.api.rejected


# ------------------------------------------------------------------------------ /allow, /revoke, /members


async def test_owner_allows_and_revokes_effective_at_once(bot: RunningBot) -> None:
    assert await ask(bot, STRANGER, "/stats") == refusal()
    added = await ask(bot, OWNER, f"/allow {STRANGER}")
    assert str(STRANGER) in added and "Доступ открыт сразу" in added
    stats = await ask(bot, STRANGER, "/stats")
    assert stats != refusal() and str(STRANGER) not in stats
    again = await ask(bot, OWNER, f"/allow {STRANGER}")
    assert "уже участник" in again

    listing = await ask(bot, OWNER, "/members")
    assert f"Ольга ({OWNER}) — владелец" in listing and f"• {MEMBER} — участник" in listing
    assert f"Eve ({STRANGER}) — участник" in listing
    assert listing.index(str(OWNER)) < listing.index(str(MEMBER)), "owner first"

    removed = await ask(bot, OWNER, f"/revoke {STRANGER}")
    assert "больше не участник" in removed
    assert await ask(bot, STRANGER, "/stats") == refusal(), "revocation is effective at once"
    assert "не участник" in await ask(bot, OWNER, f"/revoke {STRANGER}")
    assert "Владельца убрать нельзя" in await ask(bot, OWNER, f"/revoke {OWNER}")
    assert db_rows(bot, "SELECT role FROM members WHERE user_id = ?", (OWNER,)) == [("owner",)]
    assert not bot.api.rejected


@pytest.mark.parametrize("command", [f"/allow {STRANGER}", f"/revoke {OWNER}", "/members", "/allow"])
async def test_members_cannot_administer(bot: RunningBot, command: str) -> None:
    answer = await ask(bot, MEMBER, command)
    assert answer == "Only the library's owner can do that."
    assert traces_of(bot, STRANGER)["members"] == 0
    assert db_rows(bot, "SELECT role FROM members WHERE user_id = ?", (OWNER,)) == [("owner",)]


async def test_allow_by_replying_to_a_forwarded_message(bot: RunningBot) -> None:
    bot.api.register_user(7777, first_name="Пётр <script>", language_code="ru")
    forwarded = bot.api.forward_from_user(OWNER, "привет, добавь меня", original_user_id=7777)
    await settled(bot, forwarded)
    message_id = bot.api.injected[-1]["message"]["message_id"]
    before = len(bot.api.texts(OWNER))
    update_id = bot.api.send_text(OWNER, "/allow", reply_to_message_id=message_id)
    await settled(bot, update_id)
    answer = "\n".join(bot.api.texts(OWNER)[before:])
    assert "Пётр <script> (7777)" in answer
    assert db_rows(bot, "SELECT role, name FROM members WHERE user_id = 7777") == [("member", "Пётр <script>")]
    assert "Пётр <script> (7777) — участник" in await ask(bot, OWNER, "/members")

    hidden = bot.api.forward_from_hidden_user(OWNER, "я скрываю аккаунт", sender_user_name="Аноним")
    await settled(bot, hidden)
    message_id = bot.api.injected[-1]["message"]["message_id"]
    before = len(bot.api.texts(OWNER))
    update_id = bot.api.send_text(OWNER, "/allow", reply_to_message_id=message_id)
    await settled(bot, update_id)
    assert "скрыл свой аккаунт" in "\n".join(bot.api.texts(OWNER)[before:])

    assert "числовой Telegram id" in await ask(bot, OWNER, "/allow @someone")
    assert "ответьте /allow" in await ask(bot, OWNER, "/allow")
    assert not bot.api.rejected


async def test_first_start_claims_ownership_when_no_list(fake_api: FakeBotAPI, tmp_path: Path,
                                                         shared_analyzer: Analyzer) -> None:
    fake_api.register_user(4001, first_name="Anna", language_code="en")
    fake_api.register_user(4002, first_name="Boris", language_code="en")
    fake_api.register_chat(GROUP, "supergroup", "Team", members=[4001, 4002])
    settings = make_settings(fake_api, tmp_path / "d.db", ALLOWED_USER_IDS="")
    async with run_bot(fake_api, settings, shared_analyzer) as running:
        # A /start in a group does not make anyone the owner.
        update_id = fake_api.send_text(4002, "/start", GROUP)
        await settled(running, update_id)
        assert db_rows(running, "SELECT count(*) FROM members") == [(0,)]
        first = await ask(running, 4001, "/start")
        assert "You are now the owner of this library" in first and "/allow" in first
        second = await ask(running, 4002, "/start")
        assert second == refusal(4002)
        assert "You are now the owner" not in await ask(running, 4001, "/start"), "announced once"
        assert db_rows(running, "SELECT user_id, role FROM members") == [(4001, "owner")]
        assert "Boris" not in await ask(running, 4001, "/members")
        await ask(running, 4001, "/allow 4002")
        assert await ask(running, 4002, "/stats") != refusal(4002)
        assert not fake_api.rejected
