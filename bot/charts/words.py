"""The words inside the pictures (titles, subtitles), in Russian and English, with real plurals.

Plain text, not HTML: matplotlib draws it. The Telegram captions and replies around the pictures
are HTML and live in `bot/charts/captions.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.charts.data import Bucket, Lang
from bot.period import Period


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for ``n`` (1 статья, 2 статьи, 5 статей, 21 статья, 11 статей)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def articles(n: int, lang: Lang) -> str:
    """`1 статья`, `5 статей`, `1 article`, `5 articles`, with thin spaces in big numbers."""
    number = f"{n:,}".replace(",", "\u202f")
    if lang == "ru":
        return f"{number} {plural_ru(n, 'статья', 'статьи', 'статей')}"
    return f"{number} article" + ("" if n == 1 else "s")


def period_text(period: Period | None, lang: Lang) -> str:
    if period is None:
        return "за всё время" if lang == "ru" else "all time"
    return period.label()


def graph_title(center: str | None, lang: Lang) -> str:
    if center is None:
        return "Самые связанные в библиотеке" if lang == "ru" else "The library's most connected actors"
    return f"Связи: {center}" if lang == "ru" else f"Co-mentions: {center}"


def graph_subtitle(count: int, total: int, period: Period | None, lang: Lang) -> str:
    if count < total:  # the library-wide network is counted in the newest articles only
        shown = (f"новейшие {articles(count, lang)} из {total:,}".replace(",", "\u202f") if lang == "ru"
                 else f"newest {articles(count, lang)} of {total:,}".replace(",", "\u202f"))
    else:
        shown = articles(count, lang)
    return f"{shown} · {period_text(period, lang)}"


def trend_title(bucket: Bucket, names: Sequence[str], lang: Lang) -> str:
    if lang == "ru":
        head = "Статей в день" if bucket == "day" else "Статей в неделю"
    else:
        head = "Articles per day" if bucket == "day" else "Articles per week"
    return f"{head}: {', '.join(names)}"


def trend_subtitle(period: Period, total: int, undated: int, lang: Lang) -> str:
    text = f"{period.label()} · {articles(total, lang)}"
    if undated:
        text += (f" · без даты не показаны: {undated:,}".replace(",", "\u202f") if lang == "ru"
                 else f" · {undated:,} undated not shown".replace(",", "\u202f"))
    return text
