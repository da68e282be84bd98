"""The HTML around the pictures: photo captions and the text replies when there is no picture.

Every stored or typed string goes through `esc`; captions stay under Telegram's 1,024-character
limit however long the names are (each is cut, and the list of neighbours goes first if needed).
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from analysis.keys import search_key
from bot import callbacks
from bot.charts.data import Lang
from bot.charts.request import ChartKind, ChartRequest, to_args
from bot.charts.words import articles, period_text
from bot.keyboards import LABEL_CHARS, View, button, markup
from bot.render import esc, truncate
from bot.services.charts import ChartOutcome, GraphChart, TrendChart
from storage.records import TargetRef

#: Telegram's caption limit is 1,024 characters after entity parsing; stay clearly below it.
CAPTION_LIMIT = 1000
NAME_CHARS = 60
NEAREST_SHOWN = 6

_T: dict[str, dict[Lang, str]] = {
    "as_file": {"ru": "📎 Файлом (полный размер)", "en": "📎 As a file (full size)"},
    "graph_button": {"ru": "🕸 Связи", "en": "🕸 Graph"},
    "trend_button": {"ru": "📈 Динамика", "en": "📈 Trend"},
    "nearest": {"ru": "Чаще всего рядом", "en": "Most often alongside"},
    "most_connected": {"ru": "Самые связанные", "en": "Most connected"},
    "rising": {"ru": "📈 быстрый рост: за последние 2 дня намного больше, чем в среднем за 2 недели до них",
               "en": "📈 rising fast: the last 2 days well above the two weeks before"},
    "rising_mark": {"ru": "📈 быстрый рост", "en": "📈 rising fast"},
    "undated": {"ru": "Без своей даты (вставленный текст, документ) и потому не показаны: {n}.",
                "en": "Articles without a date of their own (pasted texts, documents), not shown: {n}."},
    "file_caption": {"ru": "{title} — полный размер", "en": "{title}, full size"},
    "usage": {"ru": "Как пользоваться: <code>/trend ЦЕЛЬ [ЦЕЛЬ …] [ПЕРИОД]</code>, до четырёх тегов или имён.\n"
                    "Например: <code>/trend санкции 30d</code>, <code>/trend Лавров, Тиллерсон 2017</code>.\n"
                    "Период: <code>30d</code>, <code>12w</code>, <code>2017</code>, "
                    "<code>2017-09-01..2017-12-31</code>.",
              "en": "Usage: <code>/trend TARGET [TARGET …] [PERIOD]</code>, up to four tags or names.\n"
                    "For example: <code>/trend sanctions 30d</code>, <code>/trend Lavrov, Tillerson 2017</code>.\n"
                    "Period: <code>30d</code>, <code>12w</code>, <code>2017</code>, "
                    "<code>2017-09-01..2017-12-31</code>."},
    "not_found": {"ru": "В библиотеке нет «{term}».", "en": "Nothing called “{term}” in the library."},
    "suggest": {"ru": "Может быть, вы имели в виду:", "en": "Did you mean:"},
    "ambiguous": {"ru": "«{term}» — это может быть несколько. Выберите:",
                  "en": "“{term}” could be several. Choose one:"},
    "too_many": {"ru": "На одном графике — не больше четырёх целей (у вас {term}). "
                       "Несколько слов одного имени разделяйте запятыми: <code>/trend Лавров, Тиллерсон</code>.",
                 "en": "At most four targets on one timeline (you gave {term}). "
                       "Separate them with commas: <code>/trend Lavrov, Tillerson</code>."},
    "future": {"ru": "Период <code>{term}</code> ещё не наступил.",
               "en": "The period <code>{term}</code> is in the future."},
    "reversed": {"ru": "Период <code>{term}</code> кончается раньше, чем начинается.",
                 "en": "The period <code>{term}</code> ends before it starts."},
    "invalid": {"ru": "Не понимаю период <code>{term}</code>. Примеры: <code>30d</code>, <code>12w</code>, "
                      "<code>2017</code>, <code>2017-09-01..2017-12-31</code>.",
                "en": "I can't read the period <code>{term}</code>. Examples: <code>30d</code>, <code>12w</code>, "
                      "<code>2017</code>, <code>2017-09-01..2017-12-31</code>."},
    "too_long": {"ru": "Период <code>{term}</code> слишком длинный.",
                 "en": "The period <code>{term}</code> is too long."},
    "thin_graph": {"ru": "О «{names}» {period_in}: {count}. Для картинки связей нужно хотя бы две статьи с другими "
                         "участниками. Список — в <code>/who</code>.",
                   "en": "{count} about “{names}” {period_in}: a network needs at least two articles with "
                         "other actors. <code>/who</code> lists what there is."},
    "thin_library": {"ru": "В библиотеке {period_in} слишком мало статей для картинки связей ({count}).",
                     "en": "Too few articles {period_in} for a network ({count})."},
    "thin_trend": {"ru": "Статей с датой о «{names}» {period_in}: {count}. Для графика нужно хотя бы две.",
                   "en": "Dated articles about “{names}” {period_in}: {count}. A timeline needs at least two."},
    "no_dates": {"ru": "Ни у одной из статей о «{names}» ({count}) нет своей даты: у вставленного текста и документа "
                       "её нет (у пересланных и импортированных постов и ссылок — есть), так что строить "
                       "график не по чему.",
                 "en": "None of the {count} about “{names}” has a date of its own (pasted texts and documents "
                       "carry none; forwarded and imported posts and links do), so there is no timeline to draw."},
    "empty": {"ru": "Библиотека пуста или этой записи больше нет. Перешлите статьи — и картинки появятся.",
              "en": "The library is empty, or that entry is gone. Forward some articles first."},
    "failed": {"ru": "Не получилось нарисовать картинку. Попробуйте ещё раз.",
               "en": "Couldn't draw the picture this time. Please try again."},
    "in_period": {"ru": "за {period}", "en": "in {period}"},
    "expired": {"ru": "Эта кнопка устарела: отправьте команду заново.",
                "en": "This button has expired: please send the command again."},
    "all_time": {"ru": "за всё время", "en": "in the whole library"},
}


def say(key: str, lang: Lang, **values: str) -> str:
    """A template with its values escaped here (callers pass raw text)."""
    return _T[key][lang].format(**{k: esc(v) for k, v in values.items()})


def _name(text: str) -> str:
    return esc(truncate(" ".join(text.split()), NAME_CHARS))


def caption(chart: GraphChart | TrendChart, lang: Lang) -> str:
    return _graph_caption(chart, lang) if isinstance(chart, GraphChart) else _trend_caption(chart, lang)


def _graph_caption(chart: GraphChart, lang: Lang) -> str:
    head = f"<b>{_name(chart.data.title)}</b>\n{esc(chart.data.subtitle)}"
    label = _T["nearest" if chart.center else "most_connected"][lang]
    names = [f"{_name(name)} ({count})" if chart.center else _name(name) for name, count in chart.nearest]
    text = head
    for shown in range(min(NEAREST_SHOWN, len(names)), 0, -1):
        text = f"{head}\n{label}: " + ", ".join(names[:shown]) + ("…" if shown < len(names) else "")
        if len(text) <= CAPTION_LIMIT:
            break
        text = head
    return text


def _trend_caption(chart: TrendChart, lang: Lang) -> str:
    lines = [f"<b>{esc(chart.data.title.split(':')[0])}</b> · {esc(chart.period.label())}"]
    for target in chart.targets:
        mark = f" — {_T['rising_mark'][lang]}" if target.rising else ""
        lines.append(f"• {_name(target.name)} — {esc(articles(target.articles, lang))}{mark}")
    if any(t.rising for t in chart.targets):
        lines.append(_T["rising"][lang])
    if chart.undated:
        lines.append(say("undated", lang, n=str(chart.undated)))
    return "\n".join(lines)[:CAPTION_LIMIT]


def file_caption(chart: GraphChart | TrendChart, lang: Lang) -> str:
    return say("file_caption", lang, title=truncate(chart.data.title, 200))


def _period_in(outcome: ChartOutcome, lang: Lang) -> str:
    period = outcome.thin.period if outcome.thin else None
    if period is None:
        return _T["all_time"][lang]
    return say("in_period", lang, period=period_text(period, lang))


def reply(outcome: ChartOutcome, kind: str, lang: Lang) -> str:
    """The text answer for every outcome without a picture."""
    term = truncate(" ".join(outcome.term.split()), NAME_CHARS)
    if outcome.status == "bad_period":
        return say(outcome.problem or "invalid", lang, term=term)
    if outcome.status == "not_found":
        text = say("not_found", lang, term=term)
        return text + ("\n" + _T["suggest"][lang] if outcome.candidates else "")
    if outcome.status == "ambiguous":
        return say("ambiguous", lang, term=term)
    if outcome.status in ("usage", "too_many", "empty", "failed"):
        return say(outcome.status, lang, term=term)
    thin = outcome.thin
    names = ", ".join(truncate(n, NAME_CHARS) for n in (thin.names if thin else ()))
    count = articles(thin.articles if thin else 0, lang)
    if outcome.status == "no_dates":
        return say("no_dates", lang, names=names, count=count)
    key = ("thin_graph" if names else "thin_library") if kind == "graph" else "thin_trend"
    return _T[key][lang].format(names=esc(names), count=esc(count), period_in=_period_in(outcome, lang))




def expired(lang: Lang) -> View:
    return View(_T["expired"][lang])


def _kind_buttons(request: ChartRequest) -> tuple[callbacks.ButtonKind, callbacks.ButtonKind]:
    if request.kind == "graph":
        return callbacks.GRAPH, callbacks.GRAPH_FILE
    return callbacks.TREND, callbacks.TREND_FILE


def photo_keyboard(request: ChartRequest, lang: Lang, saved: int | None = None) -> InlineKeyboardMarkup | None:
    """Under a photo: the same picture as a full-size file (Telegram shrinks and recompresses photos).
    ``saved``: the number the chat remembers a several-target trend under (see `needs_saving`)."""
    args = to_args(request)
    if args is None:
        if saved is None:
            return None
        return markup([[button(_T["as_file"][lang], callbacks.SAVED_CHART, saved, 1)]])
    _, as_file = _kind_buttons(request)
    return markup([[button(_T["as_file"][lang], as_file, *args)]])


def needs_saving(request: ChartRequest) -> bool:
    """Whether the buttons under this picture need the request remembered by the chat."""
    return to_args(request) is None


def file_name(chart: GraphChart | TrendChart) -> str:
    """`graph-sergej-lavrov.png`: Latin letters, so every client and file system takes it."""
    kind = "graph" if isinstance(chart, GraphChart) else "trend"
    names = chart.center or "library" if isinstance(chart, GraphChart) else "-".join(t.name for t in chart.targets)
    slug = re.sub(r"[^a-z0-9]+", "-", search_key(names).lower()).strip("-")[:48]
    return f"{kind}-{slug or 'chart'}.png"


def no_picture(outcome: ChartOutcome, kind: ChartKind, lang: Lang) -> View:
    """The text answer, with a button per candidate when the name was ambiguous or misspelt."""
    text = reply(outcome, kind, lang)
    rows: list[list[InlineKeyboardButton]] = []
    for candidate in outcome.candidates:
        if kind == "graph" and candidate.kind != "actor":
            continue
        request = ChartRequest(kind, (candidate.ref,), outcome.period)
        args = to_args(request)
        if args is not None:
            plain, _ = _kind_buttons(request)
            rows.append([button(truncate(candidate.label, LABEL_CHARS), plain, *args)])
    return View(text, markup(rows))


def actor_buttons(actor_id: int, lang: Lang) -> list[InlineKeyboardButton]:
    """Under a dossier: its network and its timeline."""
    target = (TargetRef("actor", actor_id),)
    return [button(_T["graph_button"][lang], callbacks.GRAPH, actor_id, 0, 0),
            button(_T["trend_button"][lang], callbacks.TREND, *_single(ChartRequest("trend", target)))]


def _single(request: ChartRequest) -> tuple[int, int, int]:
    args = to_args(request)
    assert args is not None  # one target always fits
    return args


def tag_buttons(tag_id: int, lang: Lang) -> list[InlineKeyboardButton]:
    """Under a tag's articles: its timeline."""
    request = ChartRequest("trend", (TargetRef("tag", tag_id),))
    return [button(_T["trend_button"][lang], callbacks.TREND, *_single(request))]
