"""`python -m bot chart graph NAME --out FILE.png`, `python -m bot chart trend TARGET --out FILE.png`.

The same chart service the bot uses, on the library named by DATABASE_URL; for scripts and cron
jobs. Without --out the picture goes under the charts folder beside the database (data/charts/
for the default database), like the console's. Prints the path, or the bot's text answer when
there is no picture (unknown name, thin data, bad period) and exits with 1.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from bot.charts.data import Lang
from bot.config import Settings
from bot.render import to_plain


def charts_dir(settings: Settings) -> Path:
    """Where pictures are saved: `charts/` beside the SQLite file (data/charts/ by default)."""
    path = settings.database_path
    return (path.parent if path is not None else Path("data")) / "charts"


def picture_path(folder: Path, kind: str, title: str) -> Path:
    """A new file name that says what it is: `trend-sanktsii-20260301-101500.png`."""
    from analysis.keys import search_key

    slug = re.sub(r"[^a-z0-9]+", "-", search_key(title).lower()).strip("-")[:40] or kind
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{kind}-{slug}-{stamp}.png"
    n = 2
    while path.exists():
        path = folder / f"{kind}-{slug}-{stamp}-{n}.png"
        n += 1
    return path


async def run_chart(settings: Settings, kind: str, words: list[str], out: Path | None, lang: Lang,
                    *, full_size: bool = False) -> int:
    from bot.charts import captions
    from bot.charts.renderer import Renderer
    from bot.services.charts import Charts
    from bot.services.matching import Matcher
    from storage.repository import Storage

    async with Storage.open(settings.database_url) as storage:
        charts = Charts(storage, Matcher(storage), Renderer(0))
        try:
            text = " ".join(words)
            outcome = await (charts.graph(text, lang) if kind == "graph" else charts.trend(text, lang))
            if outcome.status == "ok" and outcome.chart is not None and full_size:
                outcome = await charts.draw(outcome.chart.request, lang, as_file=True)
        finally:
            await charts.close()
    if outcome.status != "ok" or outcome.chart is None:
        print(to_plain(captions.reply(outcome, kind, lang)), file=sys.stderr)
        for candidate in outcome.candidates:
            print(f"  {candidate.label}", file=sys.stderr)
        return 1
    if out is None:
        out = picture_path(charts_dir(settings), kind, outcome.chart.data.title)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(outcome.png)
    print(out)
    print(to_plain(captions.caption(outcome.chart, lang)))
    return 0
