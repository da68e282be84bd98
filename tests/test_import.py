"""Bulk import (`python -m bot import`): Telegram export, folder, JSON Lines, resume, alerts."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from analysis.keys import search_key
from bot.analyzer import Analyzer
from bot.importer import Importer, Progress, exit_code, read_source
from bot.services.identity import FILING_RULES
from storage.repository import Storage

from harness import FIXTURES

EXPORT = FIXTURES / "import" / "result.json"
CHANNEL = -1001234567890  # the Bot API id of the exported channel (export id 1234567890)

LAVROV = (
    "Лавров и Тиллерсон провели переговоры в Москве\n\nМинистр иностранных дел России Сергей Лавров "
    "и госсекретарь США Рекс Тиллерсон провели переговоры. «У нас было откровенное обсуждение», — "
    "заявил Лавров журналистам."
)
MERKEL_HTML = """<!doctype html><html><head><title>Меркель посетила Париж</title></head><body>
<nav>Главная | Политика | Экономика</nav>
<article><h1>Меркель посетила Париж</h1>
<p>Канцлер Германии Ангела Меркель провела в Париже переговоры с президентом Франции Эммануэлем
Макроном. Стороны обсудили бюджет еврозоны и оборону Европы.</p>
<p>«Германия и Франция должны вести Европу вперёд», — заявила Меркель на пресс-конференции в Елисейском
дворце. Макрон поддержал её, отметив, что решения будут приняты до конца года.</p>
</article><footer>© Редакция</footer></body></html>"""
PESKOV = (
    "Песков прокомментировал новые санкции\n\nПресс-секретарь президента России Дмитрий Песков заявил, "
    "что Кремль проанализирует новые санкции Евросоюза. «Ответ будет взвешенным», — сказал Песков."
)
STOLTENBERG = (
    "Генеральный секретарь НАТО Йенс Столтенберг заявил в Брюсселе, что альянс открыт для диалога "
    "с Москвой. «Мы не хотим новой холодной войны», — подчеркнул Столтенберг."
)


@pytest_asyncio.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with Storage.open(f"sqlite:///{tmp_path / 'library.db'}", rules=FILING_RULES) as db:
        yield db


def outbox_rows(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])


def article_rows(db_path: Path) -> list[tuple[str, int | None, str]]:
    with sqlite3.connect(db_path) as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            "SELECT text_hash, origin_message_id, status FROM articles ORDER BY id")]


# ------------------------------------------------------------------------------ readers


def test_telegram_export_is_read_like_forwards() -> None:
    source = read_source(EXPORT)
    assert source.kind == "telegram"
    labels = [r.label for r in source.records]
    # 100 and 108 are service messages, 105 a photo without caption, 106 malformed.
    assert labels == ["message 101", "message 102", "message 103-104", "message 107", "message 109"]
    by_label = {r.label: r for r in source.records}
    entities = by_label["message 102"].article.text
    assert entities.startswith("Евросоюз продлил санкции против России\n\nСовет ЕС продлил")
    assert "пресс-служба Совета ЕС. Глава" in entities and entities.endswith("#санкции")
    joined = by_label["message 103-104"]
    assert joined.parts == 2
    assert "на совместной пресс-конференции.\n\nМакрон в ответ заявил" in joined.article.text
    assert "не планирует отвечать" in by_label["message 107"].article.text
    first = source.records[0].article
    assert first.origin_kind == "import" and first.origin_chat_id == CHANNEL
    assert first.origin_chat_title == "Новости Европы" and first.origin_message_id == 101
    assert first.origin_date == 1491992100
    assert len(source.bad) == 1
    assert source.bad[0].position == "messages[6] (id 106)"
    assert "text" in source.bad[0].reason


def test_export_folder_and_parts_far_apart(tmp_path: Path) -> None:
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    # Same author, consecutive ids, but an hour apart: two posts, not one.
    data["messages"][4]["date_unixtime"] = str(int(data["messages"][3]["date_unixtime"]) + 3600)
    data["messages"][4]["date"] = "2017-04-12T14:02:12"
    (tmp_path / "ChatExport").mkdir()
    (tmp_path / "ChatExport" / "result.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    source = read_source(tmp_path / "ChatExport")
    assert [r.parts for r in source.records] == [1, 1, 1, 1, 1, 1]


def test_album_captions_are_joined(tmp_path: Path) -> None:
    base = {"type": "message", "from": "Канал", "from_id": "channel1", "media_group_id": "77"}
    data = {"name": "Канал", "type": "public_channel", "id": 1, "messages": [
        {**base, "id": 1, "date_unixtime": "1000", "text": "Первая подпись к альбому о визите Лаврова."},
        {**base, "id": 3, "date_unixtime": "1030", "text": "Вторая подпись: Тиллерсон прилетел в Москву."},
    ]}
    path = tmp_path / "album.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    records = read_source(path).records
    assert len(records) == 1 and records[0].parts == 2


def test_folder_and_jsonl_readers_report_bad_records(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "01-lavrov.txt").write_text(LAVROV, encoding="utf-8")
    (folder / "02-merkel.html").write_text(MERKEL_HTML, encoding="utf-8")
    (folder / "03-broken.txt").write_bytes(b"%PDF-1.4 binary")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")  # not a text suffix: ignored
    source = read_source(folder)
    assert [r.label for r in source.records] == ["01-lavrov.txt", "02-merkel.html"]
    assert "Меркель посетила Париж" in source.records[1].article.text
    assert "Главная | Политика" not in source.records[1].article.text
    assert [b.position for b in source.bad] == ["03-broken.txt"]

    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_text(
        "\n".join([
            json.dumps({"text": PESKOV, "date": "2017-05-02T10:00:00Z", "url": "https://example.ru/1",
                        "source": "РИА Новости"}, ensure_ascii=False),
            "",
            '{"text": "обрыв строки',
            json.dumps({"text": STOLTENBERG, "date": 1493719200, "source": "ТАСС"}, ensure_ascii=False),
            json.dumps({"title": "без текста"}, ensure_ascii=False),
        ]),
        encoding="utf-8",
    )
    source = read_source(jsonl)
    assert source.kind == "jsonl"
    assert [r.label for r in source.records] == ["line 1", "line 4"]
    assert source.records[0].article.url == "https://example.ru/1"
    assert source.records[0].article.origin_chat_title == "РИА Новости"
    assert source.records[0].article.origin_date == 1493719200
    assert [b.position for b in source.bad] == ["line 3", "line 5"]


# ------------------------------------------------------------------------------ importing


async def test_import_export_files_everything_once_without_alerts(
    tmp_path: Path, storage: Storage, shared_analyzer: Analyzer
) -> None:
    db = tmp_path / "library.db"
    # A subscriber who would get an alert for Лавров if alerts were on.
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "a.txt").write_text(LAVROV, encoding="utf-8")
    await Importer(storage, shared_analyzer).run(read_source(seed))
    lavrov = await storage.actors_by_keys([search_key("Лавров")])
    assert lavrov
    await storage.add_subscription(555, "actor", lavrov[0].id)

    stream = io.StringIO()
    report = await Importer(storage, shared_analyzer).run(
        read_source(EXPORT), progress=Progress(0, stream)
    )
    assert (report.created, report.duplicate, report.failed) == (5, 0, 0)
    assert exit_code(report) == 0
    assert "malformed record at messages[6] (id 106)" in report.summary()
    assert "5/5" in stream.getvalue() and "articles/s" in stream.getvalue()
    assert outbox_rows(db) == 0  # --alert is off by default

    stats = await storage.stats()
    assert stats.articles == 6 and stats.pending == 0
    merkel = await storage.actors_by_keys([search_key("Меркель")])
    assert merkel
    dossier = await storage.actor_dossier(merkel[0].id)
    assert dossier is not None and dossier.articles == 1
    # A forward of the same channel post later is recognised as already filed.
    rows = article_rows(db)
    assert [r[1] for r in rows] == [None, 101, 102, 103, 107, 109]

    again = await Importer(storage, shared_analyzer).run(read_source(EXPORT))
    assert again.created == 0 and again.skipped_done == 5
    assert (await storage.stats()).articles == 6


async def test_alert_flag_queues_alerts(tmp_path: Path, storage: Storage, shared_analyzer: Analyzer) -> None:
    db = tmp_path / "library.db"
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "a.txt").write_text(LAVROV, encoding="utf-8")
    await Importer(storage, shared_analyzer).run(read_source(seed))
    lavrov = await storage.actors_by_keys([search_key("Лавров")])
    await storage.add_subscription(555, "actor", lavrov[0].id)
    woken: list[int] = []

    async def hook(article_id: int) -> None:
        woken.append(article_id)

    report = await Importer(storage, shared_analyzer, alert=True, on_analyzed=[hook]).run(read_source(EXPORT))
    assert report.created == 5
    assert outbox_rows(db) >= 1  # message 101 mentions Лавров
    assert len(woken) == 5


async def test_resume_after_interruption_stores_nothing_twice(
    tmp_path: Path, storage: Storage, shared_analyzer: Analyzer
) -> None:
    db = tmp_path / "library.db"
    export = tmp_path / "result.json"
    shutil.copy(EXPORT, export)
    source = read_source(export)

    first = await Importer(storage, shared_analyzer).run(source, limit=2)
    assert first.interrupted and first.created == 2
    assert exit_code(first) == 130
    assert await storage.get_import_position(source.key) == 2

    # Interrupted mid-record: record 3 was stored but its analysis never finished, and record 4
    # finished out of order (it was in flight beside 3) before the position could move past 3.
    await storage.add_article(source.records[2].article)
    fourth = source.records[3]
    assert fourth.seq == 4
    result = await shared_analyzer.analyze(fourth.article.text)
    article_id, created = await storage.add_article(fourth.article)
    assert created
    await storage.save_analysis(article_id, result, enqueue_alerts=False)  # type: ignore[arg-type]
    assert (await storage.stats()).pending == 1

    second = await Importer(storage, shared_analyzer).run(read_source(export))
    assert second.skipped_done == 2
    assert second.resumed_pending == 1
    assert (second.created, second.duplicate) == (1, 2)  # 5 new; 3 (pending, analysed now) and 4
    assert await storage.get_import_position(source.key) == 5

    rows = article_rows(db)
    assert len(rows) == 5 and len({r[0] for r in rows}) == 5
    assert {r[2] for r in rows} == {"done"}
    assert outbox_rows(db) == 0


async def test_concurrent_records_keep_a_safe_resume_position(
    tmp_path: Path, storage: Storage, shared_analyzer: Analyzer
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i, text in enumerate([LAVROV, PESKOV, STOLTENBERG, MERKEL_HTML]):
        (folder / f"{i:02d}.{'html' if text.startswith('<') else 'txt'}").write_text(text, encoding="utf-8")
    source = read_source(folder)
    seen: list[int] = []
    report = await Importer(storage, shared_analyzer, in_flight=3).run(
        source, on_record=lambda r, _s: seen.append(r.seq)
    )
    assert report.created == 4 and sorted(seen) == [1, 2, 3, 4]
    assert await storage.get_import_position(source.key) == 4


# ------------------------------------------------------------------------------ command line


def test_cli_import_and_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("ANALYSIS_WORKERS", "1")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_text(
        json.dumps({"text": PESKOV, "date": 1493719200, "source": "ТАСС"}, ensure_ascii=False)
        + "\n{broken\n",
        encoding="utf-8",
    )
    assert main(["import", str(jsonl), "--workers", "0"]) == 0
    out = capsys.readouterr()
    assert "1 new" in out.out
    assert "malformed record at line 2" in out.err

    only_bad = tmp_path / "bad.jsonl"
    only_bad.write_text("{broken\n[1, 2]\n", encoding="utf-8")
    assert main(["import", str(only_bad), "--workers", "0"]) == 1
    assert "line 1" in capsys.readouterr().err

    not_export = tmp_path / "x.json"
    not_export.write_text('{"hello": 1}', encoding="utf-8")
    assert main(["import", str(not_export), "--workers", "0"]) == 1
    assert "no messages[]" in capsys.readouterr().err
    assert outbox_rows(db) == 0
