"""Exceptions storage raises on purpose (anything else is a bug or an sqlite3 error)."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of storage failures callers may want to catch."""


class MigrationError(StorageError):
    """A migration file failed; the database was left exactly as it was before that file."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer Dossier; running on would risk corrupting it."""


class DatabaseUnavailable(StorageError):
    """The database server cannot be reached: at start-up after every retry, or while running
    (the transaction was rolled back; the next operation tries again)."""
