"""Pictures outside Telegram: `python -m bot chart ...` and the console save PNGs and print the path."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

from bot.charts.data import FILE_PX, PHOTO_PX
from bot.services.identity import FILING_RULES
from storage.repository import Storage

from charts_world import CENTER, build, plan

ROOT = Path(__file__).resolve().parent.parent


def _library(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'data' / 'dossier.db'}"

    async def fill() -> None:
        async with Storage.open(url, rules=FILING_RULES) as storage:
            await build(storage, plan())

    asyncio.run(fill())
    return url


def _run(tmp_path: Path, url: str, *args: str, script: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=url, ANALYSIS_WORKERS="0")
    return subprocess.run([sys.executable, "-m", "bot", *args], input=script, text=True, capture_output=True,
                          timeout=180, env=env, cwd=tmp_path)


def _png_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG"
        return image.size


def test_chart_command_writes_the_picture_and_says_why_not(tmp_path: Path) -> None:
    url = _library(tmp_path)
    out = tmp_path / "lavrov.png"
    done = _run(tmp_path, url, "chart", "graph", *CENTER.split(), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == str(out) and CENTER in done.stdout
    assert _png_size(out) == PHOTO_PX
    trend = _run(tmp_path, url, "chart", "trend", "санкции,", "нефть", "2017-10", "--full-size", "--lang", "ru")
    assert trend.returncode == 0, trend.stderr
    saved = Path(trend.stdout.splitlines()[0])
    assert saved.parent == tmp_path / "data" / "charts" and _png_size(saved) == FILE_PX
    unknown = _run(tmp_path, url, "chart", "trend", "Зюзюкин")
    assert unknown.returncode == 1 and "Nothing called" in unknown.stderr
    future = _run(tmp_path, url, "chart", "graph", "Лавров", "2099")
    assert future.returncode == 1 and "in the future" in future.stderr


def test_console_saves_pictures_under_data_charts(tmp_path: Path) -> None:
    url = _library(tmp_path)
    done = _run(tmp_path, url, "console", "--lang", "en", script=f"/graph {CENTER}\n")
    assert done.returncode == 0, done.stderr
    found = re.search(r"\[picture saved: (.+\.png)\]", done.stdout)
    assert found, done.stdout
    path = Path(found.group(1))
    assert path.parent == tmp_path / "data" / "charts" and _png_size(path) == PHOTO_PX
    assert f"Co-mentions: {CENTER}" in done.stdout and "As a file" in done.stdout
