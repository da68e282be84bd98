"""`python -m bot backup` on PostgreSQL: pg_dump's custom format, or a clear "how" without pg_dump."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from storage.pgdump import PgDumpError, pg_dump


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
