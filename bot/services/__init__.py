"""The use cases (one class per area) and in `container` the `Services` the composition root fills.

What lives here: ingest (what an article is, storing and analysing it), the library queries,
access control, subscriptions, feeds, link fetching, document extraction, matching. A service
may import `storage` (through its facade and `storage.records`), `analysis` and `bot.analyzer`;
never `telegram`, `handlers` or the views. `bot.app` builds every service once, together with the
alert sender (`bot.alerts`, which talks to Telegram), and puts them in one
`bot.services.container.Services`. This file imports nothing, so importing any one service loads
only that service.
"""

from __future__ import annotations
