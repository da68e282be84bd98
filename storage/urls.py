"""What kind of database a DATABASE_URL names, and how it is printed.

A leaf module (no driver imported) so the CLI, the settings and the backend switch can ask
without loading psycopg on a SQLite deployment.
"""

from __future__ import annotations

__all__ = ["PG_SCHEMES", "SQLITE_PREFIX", "is_pg_url", "shown_url"]

#: URL schemes of the PostgreSQL backend (libpq accepts both).
PG_SCHEMES = ("postgresql://", "postgres://")
SQLITE_PREFIX = "sqlite:///"


def is_pg_url(database_url: str) -> bool:
    return database_url.startswith(PG_SCHEMES)


def shown_url(url: str) -> str:
    """A database URL as printed (console banner, migrate, copy, backup): any password replaced
    by ***, so a URL can be shown without leaking the secret."""
    head, sep, rest = url.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return url
    auth, _, host = rest.partition("@")
    user, colon, _password = auth.partition(":")
    return f"{head}://{user}{':***' if colon else ''}@{host}"
