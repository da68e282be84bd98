"""Subscriptions: which chat follows which tag or actor, with include/exclude conditions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import cast

from storage.db import Database, Row, Tx, now_or, record
from storage.records import SubscriptionRow, TargetKind, TargetRef

SQL_MATCHING_SUBSCRIPTIONS = """
SELECT s.id, s.chat_id, s.target_kind, s.target_id, s.include_json, s.exclude_json,
       coalesce(c.paused, 0) AS paused
FROM subscriptions s LEFT JOIN chats c ON c.chat_id = s.chat_id
WHERE s.active = 1 AND (
       (s.target_kind = 'tag' AND s.target_id IN (SELECT value FROM json_each(?)))
    OR (s.target_kind = 'actor' AND s.target_id IN (SELECT value FROM json_each(?))))
ORDER BY s.chat_id, s.id
"""


def refs(raw: str | None) -> tuple[TargetRef, ...]:
    out: list[TargetRef] = []
    for item in json.loads(raw or "[]"):
        kind = item.get("kind")
        if kind in ("tag", "actor"):
            out.append(TargetRef(cast(TargetKind, kind), int(item["id"])))
    return tuple(out)


def _refs_json(items: Sequence[TargetRef]) -> str:
    seen: dict[tuple[str, int], None] = {}
    for r in items:
        if r.kind not in ("tag", "actor"):
            raise ValueError(f"unknown target kind {r.kind!r}")
        seen[(r.kind, int(r.id))] = None
    return json.dumps([{"kind": k, "id": i} for k, i in seen])


def _subscription(r: Row) -> SubscriptionRow:
    return record(
        SubscriptionRow, r, include=refs(r["include_json"]), exclude=refs(r["exclude_json"]), active=bool(r["active"])
    )


# Whether any subscription targets or filters on the actor (stored JSON: json_each / jsonb differ).
_ACTOR_FOLLOWED = """EXISTS (SELECT 1 FROM subscriptions s WHERE (s.target_kind = 'actor' AND s.target_id = actors.id)
    OR EXISTS (SELECT 1 FROM json_each(s.include_json) j WHERE json_extract(j.value, '$.kind') = 'actor'
               AND json_extract(j.value, '$.id') = actors.id)
    OR EXISTS (SELECT 1 FROM json_each(s.exclude_json) j WHERE json_extract(j.value, '$.kind') = 'actor'
               AND json_extract(j.value, '$.id') = actors.id))"""
_ACTOR_FOLLOWED_PG = """EXISTS (SELECT 1 FROM subscriptions s
    WHERE (s.target_kind = 'actor' AND s.target_id = actors.id)
    OR s.include_json::jsonb @> jsonb_build_array(jsonb_build_object('kind', 'actor', 'id', actors.id))
    OR s.exclude_json::jsonb @> jsonb_build_array(jsonb_build_object('kind', 'actor', 'id', actors.id)))"""


def _delete(tx: Tx, where: str, params: tuple[int | str, ...]) -> bool:
    """Delete subscriptions; a name followed ahead (an ``ahead:`` actor row with no article) that no
    subscription or filter names any more goes with its last one, so unfollowed names do not pile up."""
    gone = tx.all(f"DELETE FROM subscriptions WHERE {where} RETURNING target_kind, target_id, include_json, "
                  "exclude_json", params)
    actor_ids = {int(r[1]) for r in gone if r[0] == "actor"}
    for r in gone:
        actor_ids |= {ref.id for ref in (*refs(r[2]), *refs(r[3])) if ref.kind == "actor"}
    if actor_ids:
        followed = _ACTOR_FOLLOWED_PG if tx.dialect == "postgresql" else _ACTOR_FOLLOWED
        tx.run(f"""DELETE FROM actors WHERE id IN (SELECT value FROM json_each(?)) AND key LIKE 'ahead:%'
                   AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.actor_id = actors.id)
                   AND NOT {followed}""", (json.dumps(sorted(actor_ids)),))
    return bool(gone)


def _add(
    tx: Tx,
    chat_id: int,
    target_kind: TargetKind,
    target_id: int,
    include_json: str,
    exclude_json: str,
    created_by: int | None,
    ts: int,
) -> tuple[int, bool]:
    table = "tags" if target_kind == "tag" else "actors"
    if tx.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)) is None:
        raise ValueError(f"no {target_kind} with id {target_id}")
    tx.run("INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT DO NOTHING", (chat_id,))
    existing = tx.one(
        "SELECT id, active FROM subscriptions WHERE chat_id = ? AND target_kind = ? AND target_id = ?",
        (chat_id, target_kind, target_id),
    )
    if existing is not None:
        tx.run(
            "UPDATE subscriptions SET include_json = ?, exclude_json = ?, active = 1 WHERE id = ?",
            (include_json, exclude_json, existing["id"]),
        )
        return int(existing["id"]), not existing["active"]
    sub_id = tx.scalar(
        """INSERT INTO subscriptions (chat_id, target_kind, target_id, include_json,
               exclude_json, created_by, created_at, active)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1)
           RETURNING id""",
        (chat_id, target_kind, target_id, include_json, exclude_json, created_by, ts),
    )
    return int(sub_id), True


class SqliteSubscriptions:
    """:class:`storage.protocols.SubscriptionStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_subscription(
        self,
        chat_id: int,
        target_kind: TargetKind,
        target_id: int,
        include: Sequence[TargetRef] = (),
        exclude: Sequence[TargetRef] = (),
        created_by: int | None = None,
        *,
        now: int | None = None,
    ) -> tuple[int, bool]:
        """Subscribe a chat to a tag or actor; returns (subscription id, created).

        Re-subscribing to the same target updates include/exclude and reactivates it; ``created``
        is False only if an active subscription already existed. Raises ValueError if the target
        does not exist (an id typed from an old message must not create a dead subscription).
        """
        if target_kind not in ("tag", "actor"):
            raise ValueError(f"unknown target kind {target_kind!r}")
        include_json, exclude_json = _refs_json(include), _refs_json(exclude)
        ts = now_or(now)
        return await self._db.write(
            lambda tx: _add(tx, chat_id, target_kind, target_id, include_json, exclude_json, created_by, ts)
        )

    async def remove_subscription(self, chat_id: int, target_kind: TargetKind, target_id: int) -> bool:
        return await self._db.write(lambda tx: _delete(
            tx, "chat_id = ? AND target_kind = ? AND target_id = ?", (chat_id, target_kind, target_id)))

    async def remove_subscription_by_id(self, chat_id: int, sub_id: int) -> bool:
        """Scoped by chat so one chat cannot remove another chat's subscription by guessing ids."""
        return await self._db.write(lambda tx: _delete(tx, "id = ? AND chat_id = ?", (sub_id, chat_id)))

    async def list_subscriptions(self, chat_id: int) -> list[SubscriptionRow]:
        """Active first; ``label`` is None for a target that was deleted (subscription inactive)."""
        rows = await self._db.read(
            lambda tx: tx.all(
                """SELECT s.*, CASE s.target_kind
                       WHEN 'tag' THEN (SELECT name FROM tags WHERE id = s.target_id)
                       ELSE (SELECT name FROM actors WHERE id = s.target_id) END AS label
                   FROM subscriptions s WHERE s.chat_id = ? ORDER BY s.active DESC, s.id""",
                (chat_id,),
            )
        )
        return [_subscription(r) for r in rows]

    async def subscribers_count(self, target_kind: TargetKind | None = None, target_id: int | None = None) -> int:
        """Chats with an active subscription to the target; with no target, chats with any."""
        if target_kind is None:
            n = await self._db.read(
                lambda tx: tx.scalar("SELECT count(DISTINCT chat_id) FROM subscriptions WHERE active = 1")
            )
        else:
            n = await self._db.read(
                lambda tx: tx.scalar(
                    """SELECT count(DISTINCT chat_id) FROM subscriptions
                       WHERE active = 1 AND target_kind = ? AND target_id = ?""",
                    (target_kind, target_id),
                )
            )
        return int(n or 0)
