"""End to end: /export sends the library as a document; periods filter; large exports are zipped."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from test_card_e2e import add, long_analysis
from test_search_e2e import day

from bot.services import exporting

from harness import MEMBER, STRANGER, RunningBot
from test_articles_e2e import ask


async def exported(bot: RunningBot, user: int, command: str) -> tuple[str, bytes, str]:
    before = len(bot.api.calls_of("sendDocument", ok=True))
    bot.api.send_text(user, command)
    await bot.api.wait_for(lambda: len(bot.api.calls_of("sendDocument", ok=True)) > before)
    sent = bot.api.sent(user)[-1]
    document = sent["document"]
    return document["file_name"], bot.api.file_content(document["file_id"]), sent.get("caption", "")


async def test_export_json_and_csv_with_a_period(bot: RunningBot) -> None:
    await add(bot, long_analysis(3, 2), origin_date=day(2017, 9, 5))
    await add(bot, long_analysis(3, 2), origin_date=day(2018, 3, 1), text="Другой текст о встрече.")
    name, data, caption = await exported(bot, MEMBER, "/export")
    assert name.endswith(".json") and "2 articles" in caption
    items = json.loads(data)
    assert len(items) == 2 and items[0]["title"] == "Длинная статья" and items[0]["claims"]
    name, data, caption = await exported(bot, MEMBER, "/export csv until:2017-12-31")
    assert name.endswith(".csv") and "1 article" in caption and "until" in caption
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 1 and rows[0]["source"] == "Коммерсантъ"
    empty = await ask_text(bot, MEMBER, "/export since:2030-01-01")
    assert "nothing to export" in empty
    assert not bot.api.rejected


async def test_a_large_export_is_zipped(bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporting, "ZIP_OVER_BYTES", 100)
    await add(bot, long_analysis(3, 2))
    name, data, caption = await exported(bot, MEMBER, "/export json")
    assert name.endswith(".json.zip") and "zip" in caption
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (inner,) = archive.namelist()
        assert json.loads(archive.read(inner))[0]["title"] == "Длинная статья"


async def test_strangers_get_no_export(bot: RunningBot) -> None:
    await add(bot, long_analysis(3, 2))
    answer = await ask_text(bot, STRANGER, "/export")
    assert "private library" in answer
    assert not bot.api.calls_of("sendDocument")


async def ask_text(bot: RunningBot, user: int, text: str) -> str:
    return await ask(bot, user, text)
