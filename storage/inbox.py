"""The inbox: raw updates persisted before they are handled, replayed after a crash, and claimed
per chat by the dispatchers of webhook replicas (migration 009)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from storage.db import Database, Tx, now_or
from storage.records import Claimed, InboxItem

SQL_INBOX_PUT = (
    "INSERT INTO inbox (update_id, payload, received_at, status, chat_id, part) "
    "VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING"
)
SQL_INBOX_DONE = (
    "UPDATE inbox SET status = 'done', done_at = ?, payload = '', claimed_by = NULL, claimed_until = NULL "
    "WHERE update_id = ? AND status = 'pending'"
)
SQL_INBOX_PENDING = "SELECT update_id, payload FROM inbox WHERE status = 'pending' ORDER BY update_id"

#: A chat's oldest pending update whose claim (if any) has expired: the head of its lane. Only a
#: head is ever claimed first, so a chat whose head is claimed by a live replica is left alone.
SQL_CLAIMABLE_HEADS = (
    "SELECT i.update_id, i.chat_id, i.payload FROM inbox i "
    "WHERE i.status = 'pending' AND (i.claimed_until IS NULL OR i.claimed_until < ?) "
    "AND NOT EXISTS (SELECT 1 FROM inbox j WHERE j.status = 'pending' AND j.chat_id = i.chat_id "
    "AND j.update_id < i.update_id) "
    "ORDER BY i.update_id LIMIT ?"
)
#: PostgreSQL: two replicas claiming at once skip each other's candidate rows instead of waiting.
_PG_SKIP_LOCKED = " FOR UPDATE OF i SKIP LOCKED"
SQL_CLAIM = (
    "UPDATE inbox SET claimed_by = ?, claimed_until = ? "
    "WHERE update_id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)"
)
#: Chats where this replica holds a part and an unclaimed part waits: the only ones a run may
#: extend in (one query, so a replica holding many chats does not read each of them every claim).
SQL_MY_CHATS = (
    "SELECT DISTINCT i.chat_id FROM inbox i WHERE i.status = 'pending' AND i.part = 1 "
    "AND (i.claimed_until IS NULL OR i.claimed_until < ?) "
    "AND EXISTS (SELECT 1 FROM inbox j WHERE j.status = 'pending' AND j.chat_id = i.chat_id AND j.part = 1 "
    "AND j.claimed_by = ? AND j.claimed_until >= ?) ORDER BY i.chat_id"
)
SQL_CHAT_LANE = (
    "SELECT update_id, part, claimed_by, claimed_until, payload FROM inbox "
    "WHERE status = 'pending' AND chat_id = ? ORDER BY update_id LIMIT ?"
)
#: How far past its head a chat's lane is read when extending a run of parts.
_LANE_WINDOW = 64


def now_ms() -> int:
    """The wall clock in unix milliseconds (claims are leases of seconds; replicas share the clock
    through NTP, as every server does)."""
    return int(time.time() * 1000)


def claim_updates(tx: Tx, replica: str, limit: int, now: int, lease_ms: int) -> list[Claimed]:
    """Claim up to ``limit`` updates for ``replica``: the heads of chats nobody handles, then the
    posts that continue a run of parts this replica already holds. In update-id order."""
    until = now + lease_ms
    claimed: list[Claimed] = []
    heads_sql = SQL_CLAIMABLE_HEADS + (_PG_SKIP_LOCKED if tx.dialect == "postgresql" else "")
    for row in tx.all(heads_sql, (now, limit)):
        n, _ = tx.run(SQL_CLAIM, (replica, until, row[0], now))
        if n:
            claimed.append(Claimed(int(row[0]), int(row[1]), str(row[2])))
    chats = {int(r[0]) for r in tx.all(SQL_MY_CHATS, (now, replica, now))}
    for chat_id in sorted(chats):
        if len(claimed) >= limit:
            break
        claimed.extend(_extend_parts(tx, replica, chat_id, now, until, limit - len(claimed)))
    claimed.sort(key=lambda c: c.update_id)
    return claimed


def _extend_parts(tx: Tx, replica: str, chat_id: int, now: int, until: int, room: int) -> list[Claimed]:
    """A chat whose pending updates so far are all parts held by this replica: claim the parts
    that follow (Ingest joins consecutive parts, so they must be handled side by side). Anything
    else (a command, a part held by someone else) ends the run."""
    taken: list[Claimed] = []
    rows = tx.all(SQL_CHAT_LANE, (chat_id, _LANE_WINDOW))
    for index, row in enumerate(rows):
        if not int(row[1]):
            break  # not a part: at the head it runs alone, later it waits for the run to finish
        if row[2] == replica and row[3] is not None and int(row[3]) >= now:
            continue  # a part this replica already handles
        if index == 0 or len(taken) >= room:
            break  # the head is not ours: not our chat
        n, _ = tx.run(SQL_CLAIM, (replica, until, row[0], now))
        if not n:
            break  # another replica holds it
        taken.append(Claimed(int(row[0]), chat_id, str(row[4])))
    return taken


class SqliteInbox:
    """:class:`storage.protocols.InboxStore` on SQLite. Bookkeeping writes: they do not bump
    Storage.generation."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def inbox_put(self, update_id: int, payload_json: str, *, chat_id: int = 0, part: bool = False,
                        now: int | None = None) -> bool:
        """Persist a raw update before handling it; False if it was already there (Telegram
        re-delivered it), in which case the caller must not handle it again. ``chat_id`` is its
        lane for per-chat claims; ``part`` marks a post Ingest may join with the next ones."""
        ts = now_or(now)
        n, _ = await self._db.write(
            lambda tx: tx.run(SQL_INBOX_PUT, (update_id, payload_json, ts, chat_id, 1 if part else 0)),
            content=False, serialize=False,
        )
        return n > 0

    async def inbox_put_many(self, items: Sequence[InboxItem], *, now: int | None = None) -> list[bool]:
        """:meth:`inbox_put` for several updates in ONE transaction (the webhook ingress groups the
        requests that arrive together: one commit, one fsync on PostgreSQL, for all of them)."""
        ts = now_or(now)

        def put(tx: Tx) -> list[bool]:
            return [tx.run(SQL_INBOX_PUT, (i.update_id, i.payload, ts, i.chat_id, 1 if i.part else 0))[0] > 0
                    for i in items]

        return await self._db.write(put, content=False, serialize=False)

    async def inbox_done(self, update_id: int, *, now: int | None = None) -> None:
        """Mark an update handled and drop its payload: only replay needs it, and it may hold a
        stranger's message, which must not be kept. The row stays (for redelivery checks) until pruned."""
        await self.inbox_done_many([update_id], now=now)

    async def inbox_done_many(self, update_ids: Sequence[int], *, now: int | None = None) -> None:
        """:meth:`inbox_done` for several updates in one transaction (a dispatcher finishing many)."""
        ts = now_or(now)

        def done(tx: Tx) -> None:
            for update_id in update_ids:
                tx.run(SQL_INBOX_DONE, (ts, update_id))

        await self._db.write(done, content=False, serialize=False)

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates received but not handled (crash mid-way), in Telegram's order, for replay."""
        rows = await self._db.read(lambda tx: tx.all(SQL_INBOX_PENDING))
        return [(int(r[0]), str(r[1])) for r in rows]

    async def inbox_prune(self, older_than: int) -> int:
        """Forget handled updates finished before ``older_than``; returns how many. Pending ones
        are never pruned."""
        n, _ = await self._db.write(
            lambda tx: tx.run("DELETE FROM inbox WHERE status = 'done' AND done_at < ?", (older_than,)),
            content=False,
        )
        return n

    async def inbox_claim(self, replica: str, *, limit: int, lease_ms: int, now: int | None = None) -> list[Claimed]:
        """Claim work for ``replica`` (see :func:`claim_updates`); ``now`` in unix milliseconds."""
        at = now_ms() if now is None else now
        return await self._db.write(lambda tx: claim_updates(tx, replica, limit, at, lease_ms),
                                    content=False, serialize=False)

    async def inbox_renew(self, replica: str, *, lease_ms: int, now: int | None = None) -> int:
        """Extend every claim ``replica`` still holds (its handlers are alive); returns how many."""
        at = now_ms() if now is None else now
        n, _ = await self._db.write(
            lambda tx: tx.run(
                "UPDATE inbox SET claimed_until = ? WHERE claimed_by = ? AND status = 'pending'",
                (at + lease_ms, replica),
            ),
            content=False, serialize=False,
        )
        return n

    async def inbox_release(self, replica: str) -> int:
        """Give back the claims of a replica stopping gracefully, so another takes them at once."""
        n, _ = await self._db.write(
            lambda tx: tx.run(
                "UPDATE inbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND status = 'pending'",
                (replica,),
            ),
            content=False, serialize=False,
        )
        return n
