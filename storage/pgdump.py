"""Backups of a PostgreSQL library with ``pg_dump`` (custom format, restored with ``pg_restore``).

``pg_dump`` takes one consistent snapshot of the database (a repeatable-read transaction), so it is
safe while the bot runs, like SQLite's online backup; the custom format is compressed and lets
``pg_restore`` restore all of it, or single tables, into an empty database. It is PostgreSQL's own
tool, which knows every type, sequence and trigger; nothing here re-implements it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from storage.errors import StorageError

__all__ = ["PgDumpError", "pg_dump"]


class PgDumpError(StorageError):
    """pg_dump is missing or failed; the message says what to do."""


def _how(url_shown: str, path: Path) -> str:
    return (f"pg_dump --format=custom --file={path} '{url_shown}' (restore with: "
            f"pg_restore --clean --if-exists --no-owner --dbname='{url_shown}' {path})")


def _split_password(database_url: str) -> tuple[str, str | None]:
    """The URL without its password, and the password (None if it has none)."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url, None
    host = parts.netloc.rpartition("@")[2]
    user = parts.netloc.rpartition("@")[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}")), unquote(parts.password)


async def pg_dump(database_url: str, path: Path, *, shown_url: str, executable: str | None = None) -> None:
    """Dump ``database_url`` to ``path`` (written to a temporary file, then renamed, so ``path`` is
    either the previous backup or a complete new one). Raises PgDumpError."""
    tool = executable or shutil.which("pg_dump")
    if tool is None:
        raise PgDumpError(
            "pg_dump is not installed here. Install PostgreSQL's client tools of the server's major "
            "version (Debian/Ubuntu: apt install postgresql-client), then run `python -m bot backup "
            f"{path}` again, or run it by hand: {_how(shown_url, path)}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    # No shell; a password travels in PGPASSWORD, not in the arguments every `ps` shows.
    url, password = _split_password(database_url)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    proc = await asyncio.create_subprocess_exec(
        tool, "--format=custom", f"--file={tmp}", f"--dbname={url}",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env,
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        message = err.decode("utf-8", "replace").strip().replace(database_url, shown_url)
        raise PgDumpError(f"pg_dump failed (exit {proc.returncode}): {message}")
    os.replace(tmp, path)
