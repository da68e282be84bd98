"""`python -m bot backup` on PostgreSQL: pg_dump's custom format, or a clear "how" without pg_dump."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage.pgdump import PgDumpError, pg_dump

ROOT = Path(__file__).resolve().parent.parent


async def test_without_pg_dump_the_backup_says_how(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    url = "postgresql://dossier:s3cret@db.example:5432/dossier"
    with pytest.raises(PgDumpError) as refused:
        await pg_dump(url, tmp_path / "dossier.dump", shown_url="postgresql://dossier:***@db.example:5432/dossier")
    message = str(refused.value)
    assert "pg_dump is not installed" in message and "apt install postgresql-client" in message
    assert "pg_dump --format=custom --file=" in message and "pg_restore" in message
    assert "s3cret" not in message
    assert not [name for name in os.listdir(tmp_path) if name.startswith("dossier.dump")]


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump not installed (apt install postgresql-client)")
async def test_a_failing_pg_dump_reports_its_reason_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://dossier:s3cret@127.0.0.1:1/nothing"  # nothing listens on port 1
    with pytest.raises(PgDumpError) as failed:
        await pg_dump(url, tmp_path / "dossier.dump", shown_url="postgresql://dossier:***@127.0.0.1:1/nothing")
    assert "pg_dump failed" in str(failed.value) and "s3cret" not in str(failed.value)
    assert not [name for name in os.listdir(tmp_path) if name.startswith("dossier.dump")]


@pytest.mark.postgresql_only
def test_backup_on_postgresql_writes_a_pg_dump_archive_with_the_library(pg_database: Any, tmp_path: Path) -> None:
    from bot.services.identity import FILING_RULES
    from storage.records import NewArticle
    from storage.repository import Storage

    pg_database.empty()
    text = "Лавров и Тиллерсон обсудили «скромную разрядку» в отношениях двух стран на встрече в Маниле."

    async def file_one() -> None:
        async with Storage.open(pg_database.url, rules=FILING_RULES) as storage:
            await storage.add_article(NewArticle(text=text, origin_kind="paste", added_by=1, added_at=1_700_000_000))

    asyncio.run(file_one())
    target = tmp_path / "backups" / "dossier.dump"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    done = subprocess.run([sys.executable, "-m", "bot", "backup", str(target)],
                          env={**env, "DATABASE_URL": pg_database.url}, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0 and "pg_dump custom format" in done.stdout, done.stdout + done.stderr
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    listed = subprocess.run(["pg_restore", "--data-only", "--table=articles", "--file=-", str(target)],
                            capture_output=True, text=True, timeout=60, check=True)
    assert text in listed.stdout
    assert not list(target.parent.glob("*.tmp"))
    pg_database.empty()
