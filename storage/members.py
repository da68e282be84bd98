"""Members (who may use the library) and chats (per-chat settings: language, mute, digest)."""

from __future__ import annotations

from collections.abc import Sequence

from storage.db import Database, Params, Row, Tx, now_or, record
from storage.errors import StorageError
from storage.records import ChatSettings, Member, MemberRole


def member(r: Row) -> Member:
    return record(Member, r)


def chat_settings(r: Row) -> ChatSettings:
    return record(ChatSettings, r, paused=bool(r["paused"]))


def _add_member(tx: Tx, user_id: int, role: MemberRole, added_by: int | None, name: str | None, ts: int) -> bool:
    existing = tx.one("SELECT role FROM members WHERE user_id = ?", (user_id,))
    if existing is not None:
        if name is not None:
            tx.run("UPDATE members SET name = ? WHERE user_id = ?", (name, user_id))
        return False
    if role == "owner" and tx.scalar("SELECT 1 FROM members WHERE role = 'owner'"):
        raise StorageError("the library already has an owner")
    tx.run(
        "INSERT INTO members (user_id, role, name, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
        (user_id, role, name, added_by, ts),
    )
    return True


def _claim_ownership(tx: Tx, user_id: int, name: str | None, ts: int) -> bool:
    if tx.scalar("SELECT 1 FROM members WHERE role = 'owner'"):
        return False
    tx.run(
        """INSERT INTO members (user_id, role, name, added_by, added_at)
           VALUES (?, 'owner', ?, NULL, ?)
           ON CONFLICT (user_id) DO UPDATE SET role = 'owner', name = coalesce(excluded.name, members.name)""",
        (user_id, name, ts),
    )
    return True


def _seed_members(tx: Tx, ids: Sequence[int], ts: int) -> None:
    owner_id = ids[0]
    tx.run("UPDATE members SET role = 'member' WHERE role = 'owner' AND user_id != ?", (owner_id,))
    tx.run(
        """INSERT INTO members (user_id, role, added_by, added_at) VALUES (?, 'owner', NULL, ?)
           ON CONFLICT (user_id) DO UPDATE SET role = 'owner'""",
        (owner_id, ts),
    )
    for user_id in ids[1:]:
        if user_id == owner_id:
            continue
        tx.run(
            """INSERT INTO members (user_id, role, added_by, added_at)
               VALUES (?, 'member', ?, ?) ON CONFLICT (user_id) DO NOTHING""",
            (user_id, owner_id, ts),
        )


def _migrate_chat(tx: Tx, old_chat_id: int, new_chat_id: int) -> None:
    tx.run(
        """INSERT INTO chats (chat_id, type, title, language, muted_until, digest_time, tz,
               paused, last_digest_at)
           SELECT ?, 'supergroup', title, language, muted_until, digest_time, tz, paused, last_digest_at
           FROM chats WHERE chat_id = ?
           ON CONFLICT DO NOTHING""",
        (new_chat_id, old_chat_id),
    )
    # Rows the new id already has win: a row whose unique key is taken stays behind (and goes
    # with the old chat below), as UPDATE OR IGNORE did, written portably.
    tx.run(
        """UPDATE subscriptions SET chat_id = ?1 WHERE chat_id = ?2 AND NOT EXISTS (
               SELECT 1 FROM subscriptions s WHERE s.chat_id = ?1
               AND s.target_kind = subscriptions.target_kind AND s.target_id = subscriptions.target_id)""",
        (new_chat_id, old_chat_id),
    )
    tx.run(
        """UPDATE outbox SET chat_id = ?1 WHERE chat_id = ?2 AND status = 'pending' AND NOT EXISTS (
               SELECT 1 FROM outbox o WHERE o.chat_id = ?1 AND o.article_id = outbox.article_id)""",
        (new_chat_id, old_chat_id),
    )
    tx.run("DELETE FROM chats WHERE chat_id = ?", (old_chat_id,))


class SqliteMembers:
    """:class:`storage.protocols.MemberStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_member(self, user_id: int) -> Member | None:
        row = await self._db.read(lambda tx: tx.one("SELECT * FROM members WHERE user_id = ?", (user_id,)))
        return None if row is None else member(row)

    async def list_members(self) -> list[Member]:
        """Owner first, then in the order they were added."""
        rows = await self._db.read(
            lambda tx: tx.all("SELECT * FROM members ORDER BY role = 'owner' DESC, added_at, user_id")
        )
        return [member(r) for r in rows]

    async def add_member(
        self, user_id: int, role: MemberRole, added_by: int | None, name: str | None = None, *, now: int | None = None
    ) -> bool:
        """Add a member; True if new. An existing member keeps their role (only the name is
        refreshed), so /allow on the owner cannot demote them. Adding a second owner raises
        StorageError: ownership only changes through claim_ownership/seed_members."""
        ts = now_or(now)
        return await self._db.write(lambda tx: _add_member(tx, user_id, role, added_by, name, ts))

    async def remove_member(self, user_id: int) -> bool:
        """Remove a member. Refuses nothing: whether the owner may be revoked is a service rule."""
        deleted, _ = await self._db.write(lambda tx: tx.run("DELETE FROM members WHERE user_id = ?", (user_id,)))
        return deleted > 0

    async def owner(self) -> Member | None:
        row = await self._db.read(lambda tx: tx.one("SELECT * FROM members WHERE role = 'owner'"))
        return None if row is None else member(row)

    async def claim_ownership(self, user_id: int, name: str | None = None, *, now: int | None = None) -> bool:
        """Make ``user_id`` the owner iff there is none; True only if THIS call did it.

        Atomic: the check and the insert share one BEGIN IMMEDIATE transaction on the writer
        thread, and the members_one_owner unique index backs it even against another process.
        """
        ts = now_or(now)
        return await self._db.write(lambda tx: _claim_ownership(tx, user_id, name, ts))

    async def seed_members(self, ids: Sequence[int], *, now: int | None = None) -> None:
        """Apply ALLOWED_USER_IDS: the first id is the owner (the config wins over an earlier
        owner, who is demoted to member), the rest are members. Idempotent; never removes members
        added later with /allow."""
        if not ids:
            return
        ts = now_or(now)
        await self._db.write(lambda tx: _seed_members(tx, ids, ts))


class SqliteChats:
    """:class:`storage.protocols.ChatStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert_chat(self, chat_id: int, type: str | None, title: str | None, language: str | None = None) -> None:
        """Record a chat as seen; None for title/language keeps what was known."""
        await self._db.write(
            lambda tx: tx.run(
                """INSERT INTO chats (chat_id, type, title, language) VALUES (?, ?, ?, ?)
                   ON CONFLICT (chat_id) DO UPDATE SET type = coalesce(excluded.type, chats.type),
                       title = coalesce(excluded.title, chats.title),
                       language = coalesce(excluded.language, chats.language)""",
                (chat_id, type, title, language),
            ),
            content=False,
        )

    async def get_chat_settings(self, chat_id: int) -> ChatSettings | None:
        row = await self._db.read(lambda tx: tx.one("SELECT * FROM chats WHERE chat_id = ?", (chat_id,)))
        return None if row is None else chat_settings(row)

    async def _update_chat(self, chat_id: int, sql: str, params: Params) -> None:
        def update(tx: Tx) -> None:
            tx.run("INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT DO NOTHING", (chat_id,))
            tx.run(sql, (*params, chat_id))

        await self._db.write(update)

    async def set_muted_until(self, chat_id: int, until: int | None) -> None:
        """Hold alerts for this chat until ``until`` (None unmutes); they stay queued."""
        await self._update_chat(chat_id, "UPDATE chats SET muted_until = ? WHERE chat_id = ?", (until,))

    async def set_digest_time(self, chat_id: int, time: str | None, tz: str, since: int) -> None:
        """Store the chat's digest slot ('HH:MM' in ``tz``), or None for immediate alerts.
        ``since`` becomes last_digest_at when a slot is set. Values are checked by the caller."""
        if time is None:
            await self._update_chat(chat_id, "UPDATE chats SET digest_time = NULL, tz = ? WHERE chat_id = ?", (tz,))
        else:
            await self._update_chat(
                chat_id,
                "UPDATE chats SET digest_time = ?, tz = ?, last_digest_at = ? WHERE chat_id = ?",
                (time, tz, since),
            )

    async def set_paused(self, chat_id: int, paused: bool) -> None:
        """Paused after Telegram says 403 (bot blocked/kicked): no alerts are queued or sent."""
        await self._update_chat(chat_id, "UPDATE chats SET paused = ? WHERE chat_id = ?", (int(paused),))

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup (Telegram gives it a new id): move its settings,
        subscriptions and undelivered alerts to the new id. Rows the new id already has win."""
        await self._db.write(lambda tx: _migrate_chat(tx, old_chat_id, new_chat_id))

    async def digest_chats(self, now: int) -> list[ChatSettings]:
        """Chats in digest mode that are neither paused nor muted at ``now``, by id."""
        rows = await self._db.read(
            lambda tx: tx.all(
                """SELECT * FROM chats WHERE digest_time IS NOT NULL AND paused = 0
                   AND (muted_until IS NULL OR muted_until <= ?) ORDER BY chat_id""",
                (now,),
            )
        )
        return [chat_settings(r) for r in rows]
