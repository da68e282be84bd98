"""The outbox: alerts waiting to be delivered (each article to each chat at most once), digests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import cast

from storage.db import Database, Row, Tx, json_list, now_or, record
from storage.records import MatchedTarget, OutboxCounts, OutboxRow, TargetKind

_OUTBOX_COLUMNS = """
o.id, o.chat_id, o.article_id, ar.title AS article_title, o.matched_json, o.status, o.attempts,
o.next_attempt_at, o.last_error, o.created_at, o.sent_at, o.telegram_message_id
"""

SQL_DUE_ALERTS = f"""
SELECT {_OUTBOX_COLUMNS}
FROM outbox o
JOIN chats c ON c.chat_id = o.chat_id
JOIN articles ar ON ar.id = o.article_id
WHERE o.status = 'pending' AND o.next_attempt_at <= ?
  AND c.paused = 0
  AND (c.muted_until IS NULL OR c.muted_until <= ?)
  AND c.digest_time IS NULL
ORDER BY o.next_attempt_at, o.id
LIMIT ?
"""

SQL_PENDING_DIGEST = f"""
SELECT {_OUTBOX_COLUMNS}
FROM outbox o JOIN articles ar ON ar.id = o.article_id
WHERE o.chat_id = ? AND o.status = 'pending'
ORDER BY o.id
"""


def _matched(raw: str | None) -> tuple[MatchedTarget, ...]:
    return tuple(
        MatchedTarget(cast(TargetKind, m["kind"]), int(m["id"]), str(m["label"])) for m in json.loads(raw or "[]")
    )


def _outbox(r: Row) -> OutboxRow:
    return record(OutboxRow, r, matched=_matched(r["matched_json"]))


def _mark_digest_sent(tx: Tx, chat_id: int, ids: list[int], ts: int) -> None:
    tx.run(
        """UPDATE outbox SET status = 'sent', sent_at = ?
           WHERE chat_id = ? AND status = 'pending' AND id IN (SELECT value FROM json_each(?))""",
        (ts, chat_id, json_list(ids)),
    )
    tx.run("UPDATE chats SET last_digest_at = ? WHERE chat_id = ?", (ts, chat_id))


class SqliteOutbox:
    """:class:`storage.protocols.OutboxStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def due_alerts(self, now: int, limit: int = 50) -> list[OutboxRow]:
        """Alerts to send now: pending, due, to chats neither paused, muted nor in digest mode."""
        rows = await self._db.read(lambda tx: tx.all(SQL_DUE_ALERTS, (now, now, max(0, limit))))
        return [_outbox(r) for r in rows]

    async def mark_sent(self, outbox_id: int, telegram_message_id: int | None, now: int | None = None) -> bool:
        """Mark delivered; False if it was not pending (already sent/failed: do not count twice)."""
        ts = now_or(now)
        n, _ = await self._db.write(
            lambda tx: tx.run(
                """UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?
                   WHERE id = ? AND status = 'pending'""",
                (ts, telegram_message_id, outbox_id),
            ),
            content=False,
        )
        return n > 0

    async def mark_alert_failed(self, outbox_id: int, error: str, now: int | None = None) -> None:
        """Give up on an alert for good (e.g. 400 Bad Request): it will never be retried."""
        ts = now_or(now)
        await self._db.write(
            lambda tx: tx.run(
                """UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1,
                       next_attempt_at = ? WHERE id = ? AND status = 'pending'""",
                (error, ts, outbox_id),
            ),
            content=False,
        )

    async def reschedule_alert(self, outbox_id: int, next_attempt_at: int, error: str) -> None:
        """Retry later (429/5xx/network); attempts counts tries so the caller can back off."""
        await self._db.write(
            lambda tx: tx.run(
                """UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                   WHERE id = ? AND status = 'pending'""",
                (next_attempt_at, error, outbox_id),
            ),
            content=False,
        )

    async def pending_digest(self, chat_id: int) -> list[OutboxRow]:
        """Everything queued for the chat, oldest first (next_attempt_at is ignored: a digest
        is one message, retried as a whole by the caller)."""
        rows = await self._db.read(lambda tx: tx.all(SQL_PENDING_DIGEST, (chat_id,)))
        return [_outbox(r) for r in rows]

    async def mark_digest_sent(self, chat_id: int, ids: Sequence[int], now: int | None = None) -> None:
        """Mark the digest's rows sent and stamp the chat's last_digest_at (call it with no ids
        when there was nothing to send, so the slot counts as done)."""
        ts = now_or(now)
        id_list = [int(i) for i in ids]
        await self._db.write(lambda tx: _mark_digest_sent(tx, chat_id, id_list, ts), content=False)

    async def outbox_counts(self) -> OutboxCounts:
        rows = await self._db.read(lambda tx: tx.all("SELECT status, count(*) FROM outbox GROUP BY status"))
        counts = {str(r[0]): int(r[1]) for r in rows}
        return OutboxCounts(counts.get("pending", 0), counts.get("sent", 0), counts.get("failed", 0))
