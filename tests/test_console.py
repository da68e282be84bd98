"""`python -m bot console`: the same application in a terminal, no token needed."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.cli import console_language
from bot.config import ConfigError, Settings, require_token
from bot.console import run_console as console_in_process
from bot.console import shown_database

from harness import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def run_console(tmp_path: Path, script: str, lang: str = "en") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path / 'console.db'}", ANALYSIS_WORKERS="0")
    result = subprocess.run([sys.executable, "-m", "bot", "console", "--lang", lang], input=script, text=True,
                            capture_output=True, timeout=120, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_console_answers_help_without_a_token(tmp_path: Path) -> None:
    out = run_console(tmp_path, "/help\n")
    assert "Commands" in out and "/who NAME — dossier on a person or organization" in out
    assert "<b>" not in out  # plain text, not HTML


def test_console_files_a_pasted_article_and_answers_who(tmp_path: Path) -> None:
    article = (FIXTURES / "forward_diplomacy.txt").read_text(encoding="utf-8")
    out = run_console(tmp_path, article + "\n.\n/who Tillerson\n", lang="ru")
    assert "Лавров и Тиллерсон обсудили в Москве ситуацию в Сирии" in out
    assert "Роберт Хэммонд (помощник госсекретаря)" in out
    assert "*Рекс Тиллерсон* · человек" in out
    # the database is the real one: a second session sees the article
    again = run_console(tmp_path, "/stats\n", lang="ru")
    assert "Статей: 1" in again


class _PasteThenWait:
    """stdin of a person who pastes an article and then waits: lines, then nothing until released."""

    def __init__(self, text: str) -> None:
        self.lines = [line + "\n" for line in text.splitlines()]
        self.released = threading.Event()

    def readline(self) -> str:
        if self.lines:
            return self.lines.pop(0)
        self.released.wait(60)
        return ""


async def test_a_pause_ends_a_paste_without_a_dot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = (FIXTURES / "forward_diplomacy.txt").read_text(encoding="utf-8")
    source = _PasteThenWait(article)
    settings = Settings(_env_file=None, DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",  # type: ignore[call-arg]
                        ANALYSIS_WORKERS=0)
    task = asyncio.create_task(console_in_process(settings, language="en", lines=source, pause=0.3))
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while "Лавров и Тиллерсон обсудили" not in capsys.readouterr().out:
            assert asyncio.get_running_loop().time() < deadline, "the pause did not end the paste"
            await asyncio.sleep(0.05)
    finally:
        source.released.set()
        await task


def test_console_language_follows_console_lang_then_the_system() -> None:
    assert console_language({"CONSOLE_LANG": "ru", "LANG": "en_US.UTF-8"}) == "ru"
    assert console_language({"LANG": "ru_RU.UTF-8"}) == "ru"
    assert console_language({"LC_ALL": "en_GB.UTF-8", "LANG": "ru_RU.UTF-8"}) == "en"
    assert console_language({}) == "en"


def test_banner_names_the_database_and_database_points_elsewhere(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "other.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path / 'console.db'}", ANALYSIS_WORKERS="0")
    result = subprocess.run([sys.executable, "-m", "bot", "console", "--lang", "en", "--database",
                             f"sqlite:///{other}"], input="/stats\n", text=True, capture_output=True, timeout=120,
                            env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Database: sqlite:///{other}" in result.stdout
    assert other.exists() and not (tmp_path / "console.db").exists()
    assert shown_database("postgresql://dossier:s3cret@db:5432/lib") == "postgresql://dossier:***@db:5432/lib"


def test_search_matches_are_marked_in_the_console(tmp_path: Path) -> None:
    article = (FIXTURES / "forward_diplomacy.txt").read_text(encoding="utf-8")
    out = run_console(tmp_path, article + "\n.\n/search переговоры\n")
    assert re.search(r"\*[Пп]ереговор\w*\*", out), out[-800:]


def test_the_no_token_hint_names_make_console() -> None:
    with pytest.raises(ConfigError, match="make console"):
        require_token(Settings(_env_file=None))  # type: ignore[call-arg]
