"""Per-chat claims on the inbox: what two webhook replicas may take, in which order, and when a
dead replica's claims pass to another."""

from __future__ import annotations

import asyncio

from storage.repository import Storage

T = 1_700_000_000_000  # unix ms
LEASE = 1000
A, B = 501, -100777  # a private chat and a group


async def _put(db: Storage, update_id: int, chat_id: int, *, part: bool = False) -> None:
    assert await db.inbox_put(update_id, f'{{"update_id": {update_id}}}', chat_id=chat_id, part=part)


async def _claim(db: Storage, replica: str, at: int = T, limit: int = 10) -> list[int]:
    return [c.update_id for c in await db.inbox_claim(replica, limit=limit, lease_ms=LEASE, now=at)]


async def test_a_chat_is_handled_by_one_replica_in_order(db: Storage) -> None:
    await _put(db, 1, A)
    await _put(db, 2, B)
    await _put(db, 3, A)
    assert await _claim(db, "r1") == [1, 2]  # the head of each chat
    assert await _claim(db, "r2") == []  # both chats are busy
    await db.inbox_done(1)
    assert await _claim(db, "r2") == [3]  # A's next update, now that its head is done
    assert await _claim(db, "r1") == []
    claimed = await db.inbox_claim("r3", limit=5, lease_ms=LEASE, now=T)
    assert claimed == []


async def test_claim_returns_the_payload_and_the_chat(db: Storage) -> None:
    await _put(db, 7, B)
    [claimed] = await db.inbox_claim("r1", limit=1, lease_ms=LEASE, now=T)
    assert (claimed.update_id, claimed.chat_id, claimed.payload) == (7, B, '{"update_id": 7}')


async def test_the_limit_counts_chats_oldest_first(db: Storage) -> None:
    for uid, chat in [(10, A), (11, B), (12, 900)]:
        await _put(db, uid, chat)
    assert await _claim(db, "r1", limit=2) == [10, 11]
    assert await _claim(db, "r2", limit=2) == [12]


async def test_parts_of_one_chat_run_side_by_side_but_a_command_waits(db: Storage) -> None:
    await _put(db, 1, A, part=True)
    await _put(db, 2, A, part=True)
    await _put(db, 3, A)  # e.g. /unsubscribe: after both forwards
    await _put(db, 4, A, part=True)
    assert await _claim(db, "r1") == [1, 2]
    assert await _claim(db, "r2") == []
    await db.inbox_done(1)
    assert await _claim(db, "r2") == []  # 2 is still running on r1
    await db.inbox_done(2)
    assert await _claim(db, "r2") == [3]  # the command, alone
    assert await _claim(db, "r2") == []  # the part after it waits for it
    await db.inbox_done(3)
    assert await _claim(db, "r1") == [4]


async def test_a_part_arriving_later_joins_the_replica_already_handling_the_run(db: Storage) -> None:
    await _put(db, 1, A, part=True)
    assert await _claim(db, "r1") == [1]
    await _put(db, 2, A, part=True)
    assert await _claim(db, "r2") == []  # r2 may not take A's second part
    assert await _claim(db, "r1") == [2]  # r1 handles it beside the first (Ingest joins them)


async def test_a_dead_replicas_claims_expire_and_pass_to_another(db: Storage) -> None:
    await _put(db, 1, A, part=True)
    await _put(db, 2, A, part=True)
    await _put(db, 3, B)
    assert await _claim(db, "dead") == [1, 2, 3]
    assert await _claim(db, "r2", at=T + LEASE - 1) == []
    assert await _claim(db, "r2", at=T + LEASE + 1) == [1, 2, 3]  # the whole run, in order


async def test_renewing_keeps_a_claim_and_releasing_gives_it_back(db: Storage) -> None:
    await _put(db, 1, A)
    await _put(db, 2, B)
    assert await _claim(db, "r1") == [1, 2]
    assert await db.inbox_renew("r1", lease_ms=LEASE, now=T + 900) == 2
    assert await _claim(db, "r2", at=T + LEASE + 1) == []  # renewed until T + 1900
    await db.inbox_done(1)
    assert await db.inbox_release("r1") == 1
    assert await _claim(db, "r2", at=T + LEASE + 1) == [2]


async def test_done_updates_are_never_claimed_and_polling_replay_sees_claims_as_pending(db: Storage) -> None:
    await _put(db, 1, A)
    await _put(db, 2, A)
    assert await _claim(db, "r1") == [1]
    assert [uid for uid, _ in await db.inbox_pending()] == [1, 2]
    await db.inbox_done(1)
    await db.inbox_done(2)
    assert await _claim(db, "r1", at=T + 10 * LEASE) == []
    assert not await db.inbox_put(1, "{}", chat_id=A)  # a redelivery is still recognised


async def test_two_replicas_claiming_at_once_never_share_a_chat_or_reorder_it(database_url: str) -> None:
    """Two connections (two replicas) claim side by side until the inbox is empty: each update is
    claimed once, a chat is never held by both at once, and its updates come in order."""
    from bot.services.identity import FILING_RULES

    async with Storage.open(database_url, rules=FILING_RULES) as one, \
            Storage.open(database_url, rules=FILING_RULES) as two:
        chats = [100 + c for c in range(12)]
        for uid in range(1, 121):
            await _put(one, uid, chats[(uid * 7) % len(chats)], part=uid % 5 == 0)
        seen: list[int] = []
        last: dict[int, int] = {}
        for _ in range(200):
            got = await asyncio.gather(one.inbox_claim("r1", limit=4, lease_ms=LEASE, now=T),
                                       two.inbox_claim("r2", limit=4, lease_ms=LEASE, now=T))
            if not got[0] and not got[1]:
                break
            assert not {c.chat_id for c in got[0]} & {c.chat_id for c in got[1]}, got
            for claimed in [*got[0], *got[1]]:
                assert claimed.update_id > last.get(claimed.chat_id, 0), "in order within the chat"
                last[claimed.chat_id] = claimed.update_id
                seen.append(claimed.update_id)
            for claimed in [*got[0], *got[1]]:
                await one.inbox_done(claimed.update_id)
        assert sorted(seen) == list(range(1, 121)), "every update claimed exactly once"


async def test_put_many_stores_a_batch_in_one_go_and_recognises_repeats(db: Storage) -> None:
    from storage.records import InboxItem

    await _put(db, 1, A)
    created = await db.inbox_put_many([InboxItem(1, "{}", A), InboxItem(2, '{"update_id": 2}', B, True),
                                       InboxItem(2, "{}", B), InboxItem(3, '{"update_id": 3}', A)])
    assert created == [False, True, False, True]
    assert [uid for uid, _ in await db.inbox_pending()] == [1, 2, 3]
    assert await _claim(db, "r1") == [1, 2]  # lanes and parts came with the batch
    await db.inbox_done_many([1, 2])
    assert await _claim(db, "r1") == [3]
