"""Merges of two actors into one, and their undoing (migration 005: actor_merges, actors.merged_into).

A merge moves everything of the absorbed actor to the survivor: aliases, mentions (counts added where
both were in one article), claims, subscriptions and filters that name it. What was moved is kept in
the merge's row (``undo_json``), so ``unmerge`` puts back exactly that, even after later articles
added to the survivor. The absorbed actor's row stays, marked ``merged_into`` and with a key of its
own that can never collide, so its id is stable for the undo; its names live on as the survivor's
aliases, which is how later articles that use them reach the survivor (a full name through the
merge's ``undo_json`` aliases: ``IdentityFacts.merged_names``).

Policy (who may merge, which kinds) is the service's (``bot/services/merging.py``); this module only
executes, in one transaction each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.db import Database, Tx


@dataclass(frozen=True, slots=True)
class MergeRow:
    """One logged merge: who merged which actor into which, when, and whether it was undone."""

    id: int
    survivor_id: int
    absorbed_id: int
    absorbed_name: str
    merged_by: int | None
    merged_at: int
    undone_by: int | None = None
    undone_at: int | None = None


_COLUMNS = "id, survivor_id, absorbed_id, absorbed_name, merged_by, merged_at, undone_by, undone_at"


def _row(r: Any) -> MergeRow:
    return MergeRow(int(r[0]), int(r[1]), int(r[2]), str(r[3]), r[4], int(r[5]), r[6], r[7])


def _swap_refs(raw: str, old: int, new: int) -> str:
    refs = json.loads(raw or "[]")
    out: list[dict[str, Any]] = []
    for ref in refs:
        if ref.get("kind") == "actor" and ref.get("id") == old:
            ref = {**ref, "id": new}
        if ref not in out:
            out.append(ref)
    return json.dumps(out, ensure_ascii=False)


def _merge(tx: Tx, survivor: int, absorbed: int, by: int | None, now: int) -> int:
    name_row = tx.one("SELECT name, key FROM actors WHERE id = ?", (absorbed,))
    assert name_row is not None
    aliases = [(str(r[0]), str(r[1])) for r in tx.all(
        "SELECT alias, key FROM actor_aliases WHERE actor_id = ?", (absorbed,))]
    survivor_keys = {str(r[0]) for r in tx.all("SELECT key FROM actor_aliases WHERE actor_id = ?", (survivor,))}
    mentions = [(int(r[0]), int(r[1]), r[2]) for r in tx.all(
        "SELECT article_id, count, role FROM mentions WHERE actor_id = ?", (absorbed,))]
    survivor_articles = {int(r[0]) for r in tx.all(
        "SELECT article_id FROM mentions WHERE actor_id = ?", (survivor,))}
    claims = [int(r[0]) for r in tx.all("SELECT id FROM claims WHERE actor_id = ?", (absorbed,))]
    subs = [dict(r) for r in tx.all(
        """SELECT id, chat_id, target_kind, target_id, include_json, exclude_json, active FROM subscriptions
           WHERE (target_kind = 'actor' AND target_id = ?)
              OR include_json LIKE '%"actor"%' OR exclude_json LIKE '%"actor"%'""", (absorbed,))]
    subs = [s for s in subs if (s["target_kind"] == "actor" and s["target_id"] == absorbed)
            or any(ref.get("kind") == "actor" and ref.get("id") == absorbed
                   for ref in json.loads(s["include_json"] or "[]") + json.loads(s["exclude_json"] or "[]"))]
    undo = {
        "name": name_row[0], "key": name_row[1],
        "aliases": aliases, "new_alias_keys": sorted({k for _, k in aliases} - survivor_keys),
        "mentions": mentions, "shared_articles": sorted({a for a, _, _ in mentions} & survivor_articles),
        "claims": claims, "subscriptions": subs,
    }
    # Aliases: the survivor gains every name of the absorbed actor.
    for alias, key in aliases:
        tx.run("INSERT INTO actor_aliases (actor_id, key, alias) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
               (survivor, key, alias))
    tx.run("DELETE FROM actor_aliases WHERE actor_id = ?", (absorbed,))
    # Mentions: moved, or added to the survivor's in an article where both were.
    for article_id, count, role in mentions:
        if article_id in survivor_articles:
            tx.run("""UPDATE mentions SET count = count + ?, role = coalesce(role, ?)
                      WHERE article_id = ? AND actor_id = ?""", (count, role, article_id, survivor))
            tx.run("DELETE FROM mentions WHERE article_id = ? AND actor_id = ?", (article_id, absorbed))
        else:
            tx.run("UPDATE mentions SET actor_id = ? WHERE article_id = ? AND actor_id = ?",
                   (survivor, article_id, absorbed))
    tx.run("UPDATE claims SET actor_id = ? WHERE actor_id = ?", (survivor, absorbed))
    # Subscriptions: a chat following both keeps one; filters name the survivor.
    for s in subs:
        include = _swap_refs(s["include_json"], absorbed, survivor)
        exclude = _swap_refs(s["exclude_json"], absorbed, survivor)
        if s["target_kind"] == "actor" and s["target_id"] == absorbed:
            twin = tx.one("SELECT id FROM subscriptions WHERE chat_id = ? AND target_kind = 'actor' AND target_id = ?",
                          (s["chat_id"], survivor))
            if twin is not None:
                tx.run("UPDATE subscriptions SET active = 0 WHERE id = ?", (s["id"],))
                continue
            tx.run("UPDATE subscriptions SET target_id = ?, include_json = ?, exclude_json = ? WHERE id = ?",
                   (survivor, include, exclude, s["id"]))
        else:
            tx.run("UPDATE subscriptions SET include_json = ?, exclude_json = ? WHERE id = ?",
                   (include, exclude, s["id"]))
    tx.run("UPDATE actors SET merged_into = ?, key = ? WHERE id = ?", (survivor, f"merged:{absorbed}", absorbed))
    merge_id = tx.scalar(
        """INSERT INTO actor_merges (survivor_id, absorbed_id, absorbed_name, undo_json, merged_by, merged_at)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
        (survivor, absorbed, name_row[0], json.dumps(undo, ensure_ascii=False), by, now))
    return int(merge_id)


def _unmerge(tx: Tx, merge: MergeRow, by: int | None, now: int) -> None:
    raw = tx.scalar("SELECT undo_json FROM actor_merges WHERE id = ?", (merge.id,))
    undo = json.loads(raw)
    survivor, absorbed = merge.survivor_id, merge.absorbed_id
    # While merged, a different name with the same key may have been filed as a new actor (identity
    # never joins a key collision to the survivor); that actor keeps the key and this one takes a key
    # of its own rather than failing the undo on UNIQUE(kind, key). Its aliases still find it.
    taken = tx.scalar(
        "SELECT 1 FROM actors WHERE key = ? AND id != ? AND kind = (SELECT kind FROM actors WHERE id = ?)",
        (undo["key"], absorbed, absorbed))
    key = f"unmerged:{absorbed}" if taken else undo["key"]
    tx.run("UPDATE actors SET merged_into = NULL, key = ? WHERE id = ?", (key, absorbed))
    for alias, key in undo["aliases"]:
        tx.run("INSERT INTO actor_aliases (actor_id, key, alias) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
               (absorbed, key, alias))
    for key in undo["new_alias_keys"]:
        tx.run("DELETE FROM actor_aliases WHERE actor_id = ? AND key = ?", (survivor, key))
    shared = set(undo["shared_articles"])
    for article_id, count, role in undo["mentions"]:
        if article_id in shared:
            tx.run("""UPDATE mentions SET count = CASE WHEN count - ?1 > 1 THEN count - ?1 ELSE 1 END
                      WHERE article_id = ?2 AND actor_id = ?3""", (count, article_id, survivor))
            tx.run("""INSERT INTO mentions (article_id, actor_id, count, role) VALUES (?, ?, ?, ?)
                      ON CONFLICT DO NOTHING""", (article_id, absorbed, count, role))
        else:
            tx.run("UPDATE mentions SET actor_id = ? WHERE article_id = ? AND actor_id = ?",
                   (absorbed, article_id, survivor))
    if undo["claims"]:
        tx.run("UPDATE claims SET actor_id = ? WHERE actor_id = ? AND id IN (SELECT value FROM json_each(?))",
               (absorbed, survivor, json.dumps(undo["claims"])))
    for s in undo["subscriptions"]:
        tx.run("""UPDATE subscriptions SET target_kind = ?, target_id = ?, include_json = ?, exclude_json = ?,
                  active = ? WHERE id = ?""",
               (s["target_kind"], s["target_id"], s["include_json"], s["exclude_json"], s["active"], s["id"]))
    tx.run("UPDATE actor_merges SET undone_by = ?, undone_at = ? WHERE id = ?", (by, now, merge.id))


class SqliteMerges:
    """Merging and unmerging actors on SQLite, each in one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def merge_actors(self, survivor_id: int, absorbed_id: int, *, by: int | None, now: int) -> int:
        """Make ``absorbed_id`` part of ``survivor_id``; returns the merge's id."""
        return await self._db.write(lambda tx: _merge(tx, survivor_id, absorbed_id, by, now))

    async def unmerge(self, merge_id: int, *, by: int | None, now: int) -> bool:
        """Undo a merge; False if there is no such merge or it was undone already."""
        def undo(tx: Tx) -> bool:
            row = tx.one(f"SELECT {_COLUMNS} FROM actor_merges WHERE id = ? AND undone_at IS NULL", (merge_id,))
            if row is None:
                return False
            _unmerge(tx, _row(row), by, now)
            return True

        return await self._db.write(undo)

    async def active_merges(self, actor_id: int) -> list[MergeRow]:
        """Merges in force that made ``actor_id`` what it is (it survived them), newest first."""
        rows = await self._db.read(lambda tx: tx.all(
            f"SELECT {_COLUMNS} FROM actor_merges WHERE survivor_id = ? AND undone_at IS NULL ORDER BY id DESC",
            (actor_id,)))
        return [_row(r) for r in rows]

    async def merge_log(self, limit: int = 20) -> list[MergeRow]:
        rows = await self._db.read(lambda tx: tx.all(
            f"SELECT {_COLUMNS} FROM actor_merges ORDER BY id DESC LIMIT ?", (max(0, limit),)))
        return [_row(r) for r in rows]

    async def merged_into(self, actor_id: int) -> int | None:
        """The actor that absorbed ``actor_id``, if a merge in force did."""
        value = await self._db.read(lambda tx: tx.scalar("SELECT merged_into FROM actors WHERE id = ?", (actor_id,)))
        return None if value is None else int(value)
