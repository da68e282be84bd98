"""Pictures: `/graph [NAME] [PERIOD]`, `/trend TARGET [TARGET ...] [PERIOD]` and their buttons.

Each handler shows Telegram's "sending a photo…" status, asks the chart service once (it draws in
its own process, so the bot keeps answering meanwhile), and sends the photo with its caption and
an "as a file" button, or the text view when there is no picture.
"""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ChatAction, ParseMode

from bot import callbacks
from bot.callbacks import ButtonKind
from bot.charts import captions
from bot.charts.request import ChartKind, ChartRequest, from_args
from bot.services.charts import ChartOutcome
from handlers.common import Context, args_text, chat_state, lang, pressed, reply, services_of


async def graph(update: Update, context: Context) -> None:
    await _status(update)
    outcome = await services_of(context).charts.graph(args_text(update), lang(update))
    await send(update, context, outcome, "graph")


async def trend(update: Update, context: Context) -> None:
    text = args_text(update)
    if text:
        await _status(update)
    outcome = await services_of(context).charts.trend(text, lang(update))
    await send(update, context, outcome, "trend")


async def graph_button(update: Update, context: Context) -> None:
    await _button(update, context, callbacks.GRAPH, "graph", as_file=False)


async def graph_file_button(update: Update, context: Context) -> None:
    await _button(update, context, callbacks.GRAPH_FILE, "graph", as_file=True)


async def trend_button(update: Update, context: Context) -> None:
    await _button(update, context, callbacks.TREND, "trend", as_file=False)


async def trend_file_button(update: Update, context: Context) -> None:
    await _button(update, context, callbacks.TREND_FILE, "trend", as_file=True)


async def saved_chart_button(update: Update, context: Context) -> None:
    """A trend of several targets, remembered by this chat under the number on the button."""
    number, as_file = await pressed(update, callbacks.SAVED_CHART)
    request = chat_state(context).charts.get(number)
    await _draw(update, context, request, as_file=bool(as_file))


async def _button(update: Update, context: Context, kind: ButtonKind, chart: ChartKind, *, as_file: bool) -> None:
    await _draw(update, context, from_args(chart, await pressed(update, kind)), as_file=as_file)


async def _draw(update: Update, context: Context, request: ChartRequest | None, *, as_file: bool) -> None:
    language = lang(update)
    if request is None:
        await reply(update, captions.expired(language))
        return
    await _status(update, as_file=as_file)
    await send(update, context, await services_of(context).charts.draw(request, language, as_file=as_file),
               request.kind)


async def _status(update: Update, *, as_file: bool = False) -> None:
    chat = update.effective_chat
    if chat is not None:
        await chat.send_action(ChatAction.UPLOAD_DOCUMENT if as_file else ChatAction.UPLOAD_PHOTO)


async def send(update: Update, context: Context, outcome: ChartOutcome, kind: ChartKind) -> None:
    """The picture (a photo, or the full-size file), or the text answer when there is none."""
    chat = update.effective_chat
    language = lang(update)
    if chat is None:
        return
    if outcome.chart is None:
        await reply(update, captions.no_picture(outcome, kind, language))
        return
    picture = InputFile(outcome.png, filename=captions.file_name(outcome.chart))
    if outcome.as_file:
        await chat.send_document(picture, caption=captions.file_caption(outcome.chart, language),
                                 parse_mode=ParseMode.HTML)
        return
    request = outcome.chart.request
    saved = chat_state(context).remember_chart(request) if captions.needs_saving(request) else None
    await chat.send_photo(picture, caption=captions.caption(outcome.chart, language), parse_mode=ParseMode.HTML,
                          reply_markup=captions.photo_keyboard(request, language, saved))
