"""Named leases (migration 010): one holder at a time across every process on the database.

A lease row is preferred to ``pg_try_advisory_lock``: it works the same on SQLite and
PostgreSQL, needs no dedicated session kept open for the lock's lifetime, and anyone can see who
holds it (``holder``). Taking and renewing is one portable upsert whose ``WHERE`` lets it through
only for the current holder or once the lease ran out; ``RETURNING`` says whether it went
through. Times are the callers' wall clocks in unix seconds: machines sharing a lease need
synchronised clocks (NTP), with a skew well below the TTL.
"""

from __future__ import annotations

import time

from storage.db import Database

SQL_TAKE = """
INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE leases.holder = excluded.holder OR leases.expires_at < ?
RETURNING holder
"""


class SqliteLeases:
    """:class:`storage.protocols.LeaseStore` on a :class:`storage.db.Database` (portable SQL)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def acquire(self, name: str, holder: str, ttl: float, *, now: float | None = None) -> bool:
        """Take or renew ``name`` for ``ttl`` seconds; False while someone else holds it."""
        ts = time.time() if now is None else float(now)
        rows = await self._db.write(lambda tx: tx.all(SQL_TAKE, (name, holder, ts + ttl, ts)),
                                    content=False, serialize=False)
        return bool(rows)

    async def release(self, name: str, holder: str) -> bool:
        """Give the lease up at once (a clean stop), so another process need not wait for it to run out."""
        n, _ = await self._db.write(
            lambda tx: tx.run("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder)),
            content=False, serialize=False)
        return n > 0

    async def holder(self, name: str, *, now: float | None = None) -> str | None:
        """Who holds ``name`` now (None: nobody, or the lease ran out)."""
        ts = time.time() if now is None else float(now)
        value = await self._db.read(
            lambda tx: tx.scalar("SELECT holder FROM leases WHERE name = ? AND expires_at >= ?", (name, ts)))
        return None if value is None else str(value)
