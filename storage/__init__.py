"""Persistence for Dossier: `async with Storage.open(database_url) as db: ...`.

Everything outside storage/ talks to the database only through `Storage` and the records in
`storage.records`; no SQL leaks out.
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
