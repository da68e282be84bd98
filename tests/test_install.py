"""The NLP stack imports and works on this Python (pymorphy2 needs natasha's patch on 3.11+)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys
from bot.services.matching import lemmatize
assert lemmatize("Лаврова") == "лавров", lemmatize("Лаврова")
assert lemmatize("Тиллерсона") == "тиллерсон", lemmatize("Тиллерсона")
from analysis import analyze
result = analyze("Министр иностранных дел России Сергей Лавров встретился с Рексом Тиллерсоном в Москве.")
names = [a.name for a in result.actors]
assert "Сергей Лавров" in names and "Рекс Тиллерсон" in names, names
print("ok", sys.version_info[:2])
"""


def test_fresh_interpreter_lemmatises_and_analyses() -> None:
    # A fresh process: the import order is the bot's, not whatever this test session imported first.
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok")
