"""`python -m bot console`: the same application in a terminal, no token needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    assert "Рекс Тиллерсон · человек" in out
    # the database is the real one: a second session sees the article
    again = run_console(tmp_path, "/stats\n", lang="ru")
    assert "Статей: 1" in again
