"""Tests for tests/fakes: the Telegram formatting validator and the fake Bot API server,
the latter driven end to end by the real python-telegram-bot Application over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageOriginChannel,
    MessageOriginHiddenUser,
    ReactionTypeEmoji,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from fakes.bot_api import FakeBotAPI
from fakes.errors import ApiError
from fakes.html_check import EntityParseError, check_message_text, parse_html, utf16_len
from fakes.ptb import ptb_builder, running_application
from fakes.updates import detect_entities

pytest_plugins = ["fakes.fixtures"]

App = Application[Any, Any, Any, Any, Any, Any]
USER = 4242
GROUP = -1001234567890


# ============================================================================ unit: formatting


class TestHtmlValidator:
    def test_accepts_valid_telegram_html(self) -> None:
        parsed = parse_html(
            '<b>bold <i>both</i></b> <a href="https://ria.ru/a?x=1&amp;y=2">link</a>\n'
            '<pre><code class="language-python">print(1 &lt; 2)</code></pre> &amp;lt; '
            '<tg-spoiler>s</tg-spoiler> <span class="tg-spoiler">s</span> <u>u</u> <s>s</s> '
            "<blockquote expandable>q</blockquote> &#128512; &quot;"
        )
        assert parsed.text == 'bold both link\nprint(1 < 2) &lt; s s u s q 😀 "'
        kinds = {e["type"] for e in parsed.entities}
        assert {"bold", "italic", "text_link", "pre", "spoiler", "underline", "strikethrough"} <= kinds
        assert "expandable_blockquote" in kinds
        link = next(e for e in parsed.entities if e["type"] == "text_link")
        assert link["url"] == "https://ria.ru/a?x=1&y=2"
        pre = next(e for e in parsed.entities if e["type"] == "pre")
        assert pre["language"] == "python"
        assert parsed.text[pre["offset"] : pre["offset"] + pre["length"]] == "print(1 < 2)"
        italic = next(e for e in parsed.entities if e["type"] == "italic")
        assert (italic["offset"], italic["length"]) == (5, 4)

    @pytest.mark.parametrize(
        ("html", "reason"),
        [
            ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
            # byte offsets are in UTF-8 bytes: "Привет " is 13 bytes
            ("Привет <script>", 'Unsupported start tag "script" at byte offset 13'),
            ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
            ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
            ("text</b>", "Unexpected end tag at byte offset 4"),
            ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
            ("x <", "Unclosed start tag at byte offset 2"),
            ("AT&T", 'Character "&" must be escaped as "&amp;" at byte offset 2'),
            ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1'),
            ("x > y", 'Character ">" must be escaped as "&gt;" at byte offset 2'),
            ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
            ("<a href=https://x.ru>x</a>", "Unexpected end of name token at byte offset 8"),
            ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ],
    )
    def test_rejects_invalid_html(self, html: str, reason: str) -> None:
        with pytest.raises(EntityParseError) as info:
            parse_html(html)
        assert info.value.reason == reason
        assert info.value.description == f"Bad Request: can't parse entities: {reason}"

    def test_lenient_mode_is_what_telegram_really_does(self) -> None:
        # Telegram keeps unknown entities and bare '&'/'>' as literal text; strict mode flags them.
        assert parse_html("AT&T &nbsp; x > y", strict=False).text == "AT&T &nbsp; x > y"
        with pytest.raises(EntityParseError):
            parse_html("1 < 2", strict=False)  # a stray '<' is an error even for Telegram

    def test_length_counted_after_entity_parsing_in_utf16(self) -> None:
        assert check_message_text("a" * 4096).length == 4096
        with pytest.raises(ApiError, match="message is too long"):
            check_message_text("a" * 4097)
        # markup does not count, entities count as one character
        assert check_message_text("<b>" + "a" * 4096 + "</b>", "HTML").length == 4096
        assert check_message_text("&lt;" * 4096, "HTML").text == "<" * 4096
        with pytest.raises(ApiError, match="message is too long"):
            check_message_text("&amp;" * 4097, "HTML")
        # an astral emoji is 2 UTF-16 code units
        assert utf16_len("😀") == 2
        assert check_message_text("😀" * 2048).length == 4096
        with pytest.raises(ApiError, match="message is too long"):
            check_message_text("😀" * 2048 + "a")
        assert check_message_text("ж" * 4096).length == 4096  # Cyrillic: 2 bytes but 1 unit

    def test_empty_text(self) -> None:
        for text in ("", "   \n", "<b></b>", "<b> </b>"):
            with pytest.raises(ApiError) as info:
                check_message_text(text, "HTML")
            assert info.value.description == "Bad Request: message text is empty"

    def test_markdown_is_refused(self) -> None:
        # Dossier sends HTML only; the fake does not pretend to check Markdown it cannot parse.
        for mode in ("MarkdownV2", "Markdown"):
            with pytest.raises(ApiError, match="unsupported parse_mode"):
                check_message_text("*bold*", mode)

    def test_detect_entities(self) -> None:
        text = "/add@dossier_test_bot см. https://ria.ru/2024/x.html, tass.ru и @someone #тег"
        found = {(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in detect_entities(text)}
        assert found == {
            ("bot_command", "/add@dossier_test_bot"),
            ("url", "https://ria.ru/2024/x.html"),
            ("url", "tass.ru"),
            ("mention", "@someone"),
            ("hashtag", "#тег"),
        }


# ============================================================================ raw HTTP


async def test_raw_http_json_form_and_errors(fake_api: FakeBotAPI) -> None:
    api = fake_api
    api.register_user(USER, "Ivan")
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{api.token}"
        # JSON body, case-insensitive method name
        async with http.post(f"{url}/SENDMESSAGE", json={"chat_id": USER, "text": "hi"}) as resp:
            body = await resp.json()
            assert resp.status == 200 and body["result"]["text"] == "hi"
        # urlencoded with a JSON-encoded nested object (what PTB sends)
        markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
        async with http.post(
            f"{url}/sendMessage", data={"chat_id": str(USER), "text": "42", "reply_markup": markup}
        ) as resp:
            body = await resp.json()
            assert body["result"]["text"] == "42"  # "text" stays a string
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
        async with http.get(f"{url}/getme") as resp:
            assert (await resp.json())["result"]["username"] == "dossier_test_bot"
        async with http.post(f"{url}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.post(f"{api.base_url}999:WRONG/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with http.post(f"{url}/sendMessage", json={"chat_id": 777, "text": "x"}) as resp:
            assert resp.status == 400
            assert (await resp.json())["description"] == "Bad Request: chat not found"
    assert [c.method for c in api.rejected] == ["sendMessage"]


# ============================================================================ end to end with PTB


async def test_start_command_round_trip(fake_api: FakeBotAPI, ptb_app: App) -> None:
    api = fake_api
    seen: list[Update] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_html(
            f"Привет, <b>{update.effective_user.first_name}</b>! Пришлите ссылку &amp; я сохраню.",
            do_quote=True,
        )

    ptb_app.add_handler(CommandHandler("start", start))
    api.register_user(USER, "Иван", language_code="ru")
    api.send_text(USER, "/start@dossier_test_bot")

    assert await api.wait_for_messages(USER, 1) == ["Привет, Иван! Пришлите ссылку & я сохраню."]
    assert api.texts(USER, raw=True) == ["Привет, <b>Иван</b>! Пришлите ссылку &amp; я сохраню."]
    sent = api.sent(USER)
    assert sent[0]["parse_mode"] == "HTML" and sent[0]["chat_id"] == USER and sent[0]["message_id"] == 2
    message = api.last_message(USER)
    assert message is not None and message["chat"]["type"] == "private"
    assert message["entities"] == [{"type": "bold", "offset": 8, "length": 4}]
    # PTB v22 sends reply_to_message_id / do_quote as a JSON reply_parameters object
    assert sent[0]["reply_parameters"]["message_id"] == 1
    assert message["reply_to_message"]["text"] == "/start@dossier_test_bot"
    assert seen[0].effective_user is not None and seen[0].effective_user.language_code == "ru"
    assert api.rejected == []


async def test_invalid_html_reply_raises_bad_request(fake_api: FakeBotAPI, ptb_app: App) -> None:
    api = fake_api
    errors: list[object] = []

    async def bad(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html("Unescaped <script> tag")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    ptb_app.add_handler(CommandHandler("bad", bad))
    ptb_app.add_error_handler(on_error)
    api.send_text(USER, "/bad")
    await api.wait_for(lambda: bool(errors))
    assert isinstance(errors[0], BadRequest)
    # PTB strips "Bad Request: " and capitalizes the rest -> match case-insensitively
    assert "can't parse entities" in errors[0].message.lower()
    assert api.rejected[-1].description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 10'
    )

    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await ptb_app.bot.send_message(USER, "<b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)unsupported parse_mode"):  # Dossier sends HTML only
        await ptb_app.bot.send_message(USER, "Hi!", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match="Message is too long"):
        await ptb_app.bot.send_message(USER, "я" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await ptb_app.bot.send_message(USER, "<i> </i>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb_app.bot.send_message(987654, "hello")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await ptb_app.bot.send_message(
            USER,
            "x",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="й" * 33)]]),
        )
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await ptb_app.bot.send_message(
            USER, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A")]])
        )
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="д" * 32)]])  # 64 bytes is fine
    await ptb_app.bot.send_message(USER, "x", reply_markup=ok)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter.retry_after int
async def test_fault_injection_and_blocking(fake_api: FakeBotAPI, ptb_app: App) -> None:
    api = fake_api
    bot = ptb_app.bot
    api.register_user(USER, "Ivan")
    api.register_chat(GROUP, "supergroup", "Редакция")

    api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "first")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        retry_after = info.value.retry_after
    seconds = retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after
    assert seconds == 7
    assert api.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    await bot.send_message(USER, "second")  # only the next call failed

    # per-chat fault: the group call fails, the private one does not
    api.fail_next("sendMessage", status=502, chat_id=GROUP, times=2)
    await bot.send_message(USER, "unaffected")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(GROUP, "x")
    await bot.send_message(GROUP, "recovered")
    api.fail_next("editMessageText", status=400, description="Bad Request: custom failure")
    with pytest.raises(BadRequest, match="Custom failure"):
        await bot.edit_message_text("y", chat_id=USER, message_id=1)

    api.block_chat(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "are you there?")
    api.block_chat(GROUP)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_chat_action(GROUP, "typing")
    api.unblock_chat(USER)
    await bot.send_message(USER, "back")

    assert api.texts(USER) == ["second", "unaffected", "back"]
    assert api.texts(GROUP) == ["recovered"]
    assert api.rejected == []  # faults and blocks are not "validation" rejections
    assert [c.origin for c in api.calls if not c.ok] == [
        "fault",
        "fault",
        "fault",
        "fault",
        "blocked",
        "blocked",
    ]


async def test_callback_query_round_trip(fake_api: FakeBotAPI, ptb_app: App) -> None:
    api = fake_api
    answered: list[str] = []

    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Сохранить", callback_data="save:1"),
                    InlineKeyboardButton("Нет", callback_data="no"),
                ]
            ]
        )
        await update.effective_message.reply_text("Сохранить статью?", reply_markup=keyboard)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer("Готово")
        await query.edit_message_text(f"Нажато: {query.data}")
        with pytest.raises(BadRequest, match="Query is too old"):
            await query.answer()  # a query can be answered once
        with pytest.raises(BadRequest, match="Message is not modified"):
            await query.edit_message_text(f"Нажато: {query.data}")
        answered.append(query.id)  # last: if anything above fails, the test times out

    ptb_app.add_handler(CommandHandler("menu", menu))
    ptb_app.add_handler(CallbackQueryHandler(on_button))
    api.send_text(USER, "/menu")
    await api.wait_for_messages(USER, 1)
    sent = api.sent(USER)[0]
    with pytest.raises(ValueError, match="no button"):
        api.press_button(USER, sent["message_id"], USER, "delete")  # no such button on the message
    query_id = api.press_button(USER, sent["message_id"], USER, "save:1")
    await api.wait_for(lambda: bool(answered))

    assert answered == [query_id]
    assert api.callback_answers[query_id]["text"] == "Готово"
    edited = api.message(USER, sent["message_id"])
    assert edited is not None and edited["text"] == "Нажато: save:1"
    assert "reply_markup" not in edited  # editMessageText without reply_markup drops the keyboard
    assert "edit_date" in edited
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await ptb_app.bot.edit_message_text("x", chat_id=USER, message_id=999)
    with pytest.raises(BadRequest, match="Query is too old"):
        await ptb_app.bot.answer_callback_query("no-such-query")


async def test_document_upload_and_download(fake_api: FakeBotAPI, ptb_app: App) -> None:
    api = fake_api
    content = "Статья: ТАСС сообщает...".encode() * 100
    downloaded: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.document is not None
        document = update.effective_message.document
        data = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
        downloaded.append(bytes(data))
        await update.effective_message.reply_document(
            document=b"report body", filename="report.txt", caption="<i>Отчёт</i>", parse_mode=ParseMode.HTML
        )

    ptb_app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    api.send_document(USER, content, "article.txt", "text/plain")
    await api.wait_for(lambda: bool(api.sent(USER)))

    assert downloaded == [content]
    upload = api.sent(USER)[0]
    assert upload["method"] == "sendDocument"
    assert upload["document"]["upload"] is True and upload["document"]["file_name"] == "report.txt"
    assert api.file_content(upload["document"]["file_id"]) == b"report body"
    reply = api.last_message(USER)
    assert (
        reply is not None and reply["caption"] == "Отчёт" and reply["caption_entities"][0]["type"] == "italic"
    )

    # files registered by the test directly
    doc = api.add_file("my-file-id", b"%PDF-1.4 fake", file_name="a.pdf", mime_type="application/pdf")
    assert doc["file_size"] == 13
    tg_file = await ptb_app.bot.get_file("my-file-id")
    assert tg_file.file_path is not None and tg_file.file_path.startswith(api.file_url)
    assert bytes(await tg_file.download_as_bytearray()) == b"%PDF-1.4 fake"
    assert len(api.downloads) == 2
    with pytest.raises(BadRequest, match="Wrong file_id"):
        await ptb_app.bot.get_file("unknown")


async def test_forwards_and_chat_types(fake_api: FakeBotAPI, ptb_app: App) -> None:
    api = fake_api
    got: list[Update] = []

    async def on_forward(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        got.append(update)
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, "Сохранено")

    ptb_app.add_handler(MessageHandler(filters.FORWARDED, on_forward))
    api.forward_from_channel(
        USER,
        "Новость дня: https://ria.ru/20240101/news.html",
        channel_id=-1001111111111,
        channel_title="РИА Новости",
        channel_username="rian_ru",
        message_id=555,
        author_signature="Редактор",
    )
    api.forward_from_hidden_user(USER, "слух", sender_user_name="Аноним")
    api.register_chat(GROUP, "supergroup", "Редакция")
    api.forward_from_channel(
        USER,
        "Подпись к фото",
        channel_id=-1002222222222,
        channel_title="ТАСС",
        message_id=9,
        caption=True,
        chat_id=GROUP,
    )
    await api.wait_for(lambda: len(got) == 3)

    first = got[0].effective_message
    assert first is not None and isinstance(first.forward_origin, MessageOriginChannel)
    assert first.forward_origin.chat.title == "РИА Новости" and first.forward_origin.message_id == 555
    assert first.forward_origin.author_signature == "Редактор"
    assert first.parse_entities(["url"]).popitem()[1] == "https://ria.ru/20240101/news.html"
    second = got[1].effective_message
    assert second is not None and isinstance(second.forward_origin, MessageOriginHiddenUser)
    third = got[2].effective_message
    assert third is not None and third.caption == "Подпись к фото" and third.photo
    assert third.chat.type == "supergroup"
    await api.wait_for(lambda: len(api.texts(GROUP)) == 1)
    group_reply = api.last_message(GROUP)
    assert group_reply is not None and group_reply["chat"]["type"] == "supergroup"
    assert group_reply["chat"]["title"] == "Редакция"


async def test_commands_chat_info_reactions(fake_api: FakeBotAPI, ptb_app: App) -> None:
    api = fake_api
    bot = ptb_app.bot
    api.register_user(USER, "Ivan", username="ivan")
    api.register_chat(GROUP, "supergroup", "Редакция", admins=[USER])

    await bot.set_my_commands([BotCommand("add", "Добавить статью")], language_code="ru")
    await bot.set_my_commands([BotCommand("add", "Add an article")])
    await bot.set_my_commands([BotCommand("stats", "Stats")], scope=BotCommandScopeAllGroupChats())
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Добавить статью"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == ["stats"]
    assert api.commands(language_code="ru") == [{"command": "add", "description": "Добавить статью"}]
    await bot.delete_my_commands(language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("AddArticle", "x")])

    chat = await bot.get_chat(GROUP)
    assert chat.type == "supergroup" and chat.title == "Редакция"
    member = await bot.get_chat_member(GROUP, USER)
    assert member.status == "creator"
    admins = await bot.get_chat_administrators(GROUP)
    assert [a.user.id for a in admins] == [USER]

    api.send_text(USER, "статья")
    user_message_id = api.injected[-1]["message"]["message_id"]
    await bot.set_message_reaction(USER, user_message_id, ReactionTypeEmoji("👍"))
    assert api.reactions(USER, user_message_id) == [{"type": "emoji", "emoji": "👍"}]
    with pytest.raises(BadRequest, match="Reaction_invalid"):
        await bot.set_message_reaction(USER, user_message_id, "🦆")
    assert await bot.send_chat_action(USER, "typing") is True
    with pytest.raises(TelegramError, match="does not implement"):
        await bot.send_dice(USER)


async def test_get_updates_offset_long_poll_and_allowed_updates(fake_api: FakeBotAPI) -> None:
    api = fake_api
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.file_url) as bot:
        first = api.send_text(USER, "one")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first]
        # not confirmed yet -> delivered again
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first]
        second = api.send_text(USER, "two")
        # offset confirms everything below it
        assert [u.update_id for u in await bot.get_updates(offset=first + 1, timeout=0)] == [second]
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [second]
        assert await bot.get_updates(offset=second + 1, timeout=0) == ()
        assert api.pending_updates == []
        batch = [api.send_text(USER, str(n)) for n in range(3)]
        assert [u.update_id for u in await bot.get_updates(limit=2, timeout=0)] == batch[:2]
        assert [u.update_id for u in await bot.get_updates(offset=batch[2], timeout=0)] == batch[2:]
        second = batch[2]

        # long poll returns as soon as an update is queued
        started = time.monotonic()
        poll = asyncio.create_task(bot.get_updates(offset=second + 1, timeout=5))
        await api.wait_for(lambda: api.long_polling, 5, message="the long poll to wait")
        third = api.send_text(USER, "three")
        updates = await poll
        assert [u.update_id for u in updates] == [third]
        assert time.monotonic() - started < 1
        # ... and honours the timeout when nothing arrives
        started = time.monotonic()
        assert await bot.get_updates(offset=third + 1, timeout=1) == ()
        assert 0.9 < time.monotonic() - started < 10

        # message_reaction is not delivered by default (Telegram's default allowed_updates)...
        reaction = {
            "chat": {"id": USER, "type": "private", "first_name": "Ivan"},
            "message_id": 1,
            "user": {"id": USER, "is_bot": False, "first_name": "Ivan"},
            "date": int(time.time()),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        }
        api.raw_update({"message_reaction": reaction})
        text_id = api.send_text(USER, "four")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [text_id]
        # ... but is when asked for
        reaction_id = api.raw_update({"message_reaction": reaction})
        got = await bot.get_updates(offset=text_id + 1, timeout=0, allowed_updates=["message_reaction"])
        assert [u.update_id for u in got] == [reaction_id] and got[0].message_reaction is not None

    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass


async def test_application_shutdown_is_fast_even_while_long_polling(fake_api: FakeBotAPI) -> None:
    app = ptb_builder(fake_api).build()
    async with running_application(app, long_poll_timeout=30):
        await fake_api.wait_for(lambda: fake_api.long_polling, 10, message="PTB inside a 30 s long poll")
        started = time.monotonic()
    assert time.monotonic() - started < 2
    # the update confirmed by the final getUpdates is not delivered again
    fake_api.send_text(USER, "/start")
    app2 = ptb_builder(fake_api).build()
    seen: list[int] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)

    app2.add_handler(MessageHandler(filters.ALL, record))
    async with running_application(app2):
        await fake_api.wait_for(lambda: len(seen) == 1)
    app3 = ptb_builder(fake_api).build()
    app3.add_handler(MessageHandler(filters.ALL, record))
    polls_before = fake_api.polls
    async with running_application(app3):
        # app3 has asked and the fake had nothing for it: the confirmed update is not redelivered.
        await fake_api.wait_for(lambda: fake_api.polls > polls_before and fake_api.long_polling, 10,
                                message="app3 waiting in a long poll")
    assert len(seen) == 1


# ------------------------------------------------------------------------------------ webhooks


class _Receiver:
    """A tiny webhook endpoint: records what arrives and answers with the next status queued."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.received: list[tuple[int, str | None]] = []
        self.answers: list[int] = []
        self.runner: aiohttp.web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = aiohttp.web.Application()
        app.router.add_post("/hook", self._hook)
        self.runner = aiohttp.web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self.runner.setup()
        site = aiohttp.web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hook"

    async def _hook(self, request: aiohttp.web.Request) -> aiohttp.web.Response:
        body = await request.json()
        status = self.answers.pop(0) if self.answers else 200
        if status == 200:
            self.received.append((int(body["update_id"]), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return aiohttp.web.Response(status=status)

    async def close(self) -> None:
        runner, self.runner = self.runner, None
        if runner is not None:
            await runner.cleanup()


async def test_set_webhook_validates_like_telegram_and_blocks_get_updates(fake_api: FakeBotAPI) -> None:
    api = fake_api
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.file_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
            await bot.set_webhook("http://example.org/hook")
        with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
            await bot.set_webhook("https://example.org/hook", secret_token="not allowed!")
        with pytest.raises(BadRequest, match=r"(?i)unallowed characters"):
            await bot.set_webhook("https://example.org/hook", secret_token="x" * 257)
        assert (await bot.get_webhook_info()).url == ""
        api.send_text(USER, "queued")
        assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret_-X",
                                     allowed_updates=["message"])
        info = await bot.get_webhook_info()
        assert info.url == "https://example.org/hook" and info.pending_update_count == 1
        assert info.allowed_updates == ("message",)
        with pytest.raises(TelegramError, match=r"(?i)getupdates method while webhook is active"):
            await bot.get_updates(timeout=0)
        assert await bot.delete_webhook()
        assert [u.message.text for u in await bot.get_updates(timeout=0) if u.message] == ["queued"]


async def test_webhook_delivers_in_order_with_the_secret_and_retries_round_robin(fake_api: FakeBotAPI) -> None:
    api = fake_api
    first, second = _Receiver("a"), _Receiver("b")
    await first.start()
    await second.start()
    try:
        first.answers = [500]  # the first attempt fails: Telegram retries (at the other replica)
        api.webhook.targets = [first.url, second.url]
        ids = [api.send_text(USER, f"n{i}") for i in range(4)]
        async with Bot(api.token, base_url=api.base_url) as bot:
            await bot.set_webhook("https://bot.example/hook", secret_token="tok")
            await api.wait_for(lambda: len(first.received) + len(second.received) == 4, 10,
                               message="four deliveries")
            got = sorted(first.received + second.received)
            assert got == [(uid, "tok") for uid in ids]
            assert first.received and second.received, "round-robin over both targets"
            delivered = [d.update_id for d in api.webhook.deliveries if d.ok]
            assert delivered == ids, "in order, each once after the retry"
            failed = [d for d in api.webhook.deliveries if not d.ok]
            assert [(d.update_id, d.status) for d in failed] == [(ids[0], 500)]
            info = await bot.get_webhook_info()
            assert info.pending_update_count == 0
            assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
            # a target that is down: the attempt fails, the next one goes to the live target
            await first.close()
            later = [api.send_text(USER, "after the crash"), api.send_text(USER, "and again")]
            await api.wait_for(lambda: all((uid, "tok") in second.received for uid in later), 10,
                               message="delivered to b")
            assert any(d.target == first.url and d.status is None for d in api.webhook.deliveries)
            assert (await bot.get_webhook_info()).last_error_message == "Connection refused"
            assert api.pending_updates == []
    finally:
        await first.close()
        await second.close()
