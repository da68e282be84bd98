"""`python -m bot backup` while the bot runs and writes, `python -m bot export --format json|csv`, restore."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from test_access import CHANNEL, article_text, article_title, db_rows, forward

from storage.repository import Storage

from harness import OWNER, RunningBot


async def cli(bot: RunningBot, *args: str, cwd: Path) -> tuple[int, str]:
    """Run `python -m bot ...` against the running bot's database, without blocking the bot."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["DATABASE_URL"] = bot.settings.database_url
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode()


@pytest.mark.sqlite_only  # SQLite's online backup; a PostgreSQL library is backed up with pg_dump
async def test_backup_while_the_bot_writes_is_consistent_and_restorable(bot: RunningBot, tmp_path: Path) -> None:
    for i in range(3):
        await forward(bot, OWNER, i)
    # Writes in flight: a burst of forwards being stored and analysed while the backup runs.
    for i in range(3, 12):
        bot.api.forward_from_channel(OWNER, article_text(i), channel_id=CHANNEL, channel_title="Новости",
                                     message_id=1000 + 10 * i)
    await bot.api.wait_for(lambda: len(bot.api.texts(OWNER)) >= 4, 30)
    target = tmp_path / "backups" / "dossier-copy.db"
    code, out = await cli(bot, "backup", str(target), cwd=tmp_path)
    assert code == 0 and "backup written" in out, out
    await bot.api.wait_for(lambda: len(bot.api.texts(OWNER)) >= 12, 60)

    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = copy.execute("SELECT title, status FROM articles ORDER BY id").fetchall()
        titles = {r[0] for r in rows if r[1] == "done"}
        assert {article_title(i) for i in range(3)} <= titles
        assert 4 <= len(rows) <= 12
        # Consistent snapshot: every analysed article has its actors; no mention without its article.
        assert copy.execute("SELECT count(*) FROM articles a WHERE status = 'done' AND NOT EXISTS "
                            "(SELECT 1 FROM mentions m WHERE m.article_id = a.id)").fetchone() == (0,)
        assert copy.execute("SELECT count(*) FROM mentions WHERE article_id NOT IN "
                            "(SELECT id FROM articles)").fetchone() == (0,)
    finally:
        copy.close()
    assert not list(target.parent.glob("*.tmp"))

    # Restore as the README says: stop the bot, copy the backup over the database file.
    restored = tmp_path / "restored" / "dossier.db"
    restored.parent.mkdir()
    shutil.copy(target, restored)
    async with Storage.open(f"sqlite:///{restored}") as storage:
        stats = await storage.stats()
        assert stats.articles == len(rows) and stats.actors > 0
        assert await storage.get_article(1) is not None
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "python -m bot backup PATH" in readme and "To restore a backup" in readme


async def test_export_json_and_csv(bot: RunningBot, tmp_path: Path) -> None:
    for i in range(3):
        await forward(bot, OWNER, i)
    code, out = await cli(bot, "export", str(tmp_path / "lib.json"), "--format", "json", cwd=tmp_path)
    assert code == 0 and "exported 3 article(s)" in out, out
    items = json.loads((tmp_path / "lib.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in items] == [article_title(i) for i in range(3)]
    first = items[0]
    assert first["text"] == article_text(0) and first["status"] == "done"
    assert any(a["name"] == "Сергей Лавров" for a in first["actors"])
    assert any("консультации" in c["text"] for c in first["claims"])
    assert first["tags"] and all(tag["name"] for tag in first["tags"])

    code, out = await cli(bot, "export", str(tmp_path / "lib.csv"), "--format", "csv", cwd=tmp_path)
    assert code == 0, out
    with (tmp_path / "lib.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["title"] for row in rows] == [article_title(i) for i in range(3)]
    assert "Сергей Лавров" in rows[0]["actors"] and "консультации" in rows[0]["claims"]
    assert rows[0]["tags"] and rows[0]["text"] == article_text(0)

    code, out = await cli(bot, "export", "-", "--format", "json", cwd=tmp_path)
    assert code == 0 and json.loads(out)[2]["title"] == article_title(2)
    assert db_rows(bot, "SELECT count(*) FROM articles") == [(3,)]
