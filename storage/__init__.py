"""Persistence for Dossier: `async with Storage.open(database_url) as db: ...`.

What lives here: every line of SQL, the schema migrations (`migrations/*.sql`, `migrate.py`, and
their PostgreSQL twins `pg_migrations/*.sql`, `pg_migrate.py`), the SQLite plumbing (`db.py`:
writer thread, reader pool, the row mapper), the PostgreSQL one with the same surface (`pg_db.py`,
psycopg 3; `pg_sql.py` translates the modules' portable SQL), one module per aggregate
(`articles`, `actors`, `tags`, `search`, `members`, `subscriptions`, `outbox`, `feeds`, `inbox`,
`imports`, `maintenance`), the interfaces they implement (`protocols.py`, one Protocol per
aggregate plus `Backend`), the backend registry (`backends.py`), the facade `Storage`
(`repository.py`) and the records everything else receives (`records.py`). Storage holds SQL, not
policy: which actor a name is (bot/services/identity.py), which subscriptions an article triggers
(bot/services/alerting.py) and when a digest is due (bot/services/schedule.py) are decided there;
filing calls the first two through the `FilingRules` Protocols it was opened with.

What it may import: the standard library, snowballstemmer (search stems, `text.py`), psycopg and
psycopg_pool (only `pg_*.py`, loaded for a postgresql:// URL) and, of
Dossier, only `analysis.model` (the result types it files) and `analysis.textnorm` (the one text
normalisation: pure, stdlib-only, stateless like model.py; the index must normalise exactly as the
queries do). Never bot, handlers or telegram. Nothing outside storage/ sees a
sqlite3 row, a cursor or a column name.
"""

from storage.errors import MigrationError, SchemaTooNewError, StorageError
from storage.records import *  # noqa: F403
from storage.records import __all__ as _records_all
from storage.repository import Storage
from storage.text import normalized_text_hash

__all__ = [
    *_records_all,
    "MigrationError",
    "SchemaTooNewError",
    "Storage",
    "StorageError",
    "normalized_text_hash",
]
