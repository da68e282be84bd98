"""Pictures: what /graph and /trend draw, and how.

`data` (the plain values a picture shows), `series` (day/week buckets, rolling means, "rising
fast"), `request` (a picture's query and its button arguments), `words` (the text inside the
pictures), `render` (matplotlib's Figure API on Agg, networkx layout; imported only in the
render process), `renderer` (that process), `captions` (the Telegram HTML and buttons around the
pictures: the views). May import `bot.period`, `bot.render`, `bot.keyboards`, `bot.callbacks`,
the services' result types and `storage.records`; never `storage` queries or `telegram` handlers.
"""
