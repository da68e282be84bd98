"""The bot: entry point (`python -m bot`, see `bot.cli`), composition root, views, alerts.

What lives here, by layer:

* wiring: `bot.app` (the composition root: builds the Application and every service once),
  `bot.context` (typed `bot_data` / `chat_data`), `bot.background` (what runs beside the
  handlers), `bot.inbox` (the durable inbox), `bot.analyzer` (the analysis worker pool),
  `bot.config`, `bot.logsetup`, `bot.cli` and the other commands (`console`, `importer`,
  `maintenance`, `analyze_cli`);
* use cases: `bot.services` (never imports `telegram`, handlers or views);
* views: `bot.cards`, `bot.lists`, `bot.subscription_views`, `bot.admin_views`, `bot.keyboards`,
  with `bot.i18n` (texts, autoescaping `t()`), `bot.render` (escaping, splitting) and
  `bot.callbacks` (the callback-data codec); views import services' result types, never handlers;
* `bot.alerts`: the alert sender (a view user and a Telegram client of its own).

Imports go one way: `bot.app` -> `handlers` -> views -> `bot.services` -> `storage` / `analysis`.
`analysis` and `storage` never import `bot`; nothing here imports `bot.app` except the commands.
"""
