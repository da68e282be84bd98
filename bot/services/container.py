"""`Services`: the container of every use case of one running bot, filled by `bot.app`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.alerts import AlertSender
from bot.analyzer import Analyzer
from bot.config import Settings
from bot.services.access import AccessControl
from bot.services.charts import Charts
from bot.services.feeds import Feeds
from bot.services.ingest import Ingest
from bot.services.library import Library
from bot.services.merging import Merging
from bot.services.queue import AnalysisQueue
from bot.services.ratelimit import SlidingWindow
from bot.services.subscriptions import Subscriptions
from storage.repository import Storage


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a handler may call, built once per running bot by `bot.app.open_services`."""

    settings: Settings
    storage: Storage
    analyzer: Analyzer
    ingest: Ingest
    library: Library
    access: AccessControl
    feeds: Feeds
    subscriptions: Subscriptions
    alerts: AlertSender
    merging: Merging
    #: /graph and /trend: the pictures, drawn in their own process.
    charts: Charts
    #: Members' commands per minute (the gate slows down floods; articles are never limited).
    command_rate: SlidingWindow
    #: ANALYSIS_MODE=queue: the wait for `python -m bot worker` processes (None: analysed here).
    queue: AnalysisQueue | None = None
