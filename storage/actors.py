"""Actors: look-up by alias key, the /who dossier, claims by actor.

Counts come from actors.n_articles / n_mentions (kept by the 002 triggers), never from a count
over mentions: for an actor in 10% of a 100,000-article library that count alone reads 10,000
index entries on every /who. "Newest" means the highest article id: ids are handed out in filing
order, so a walk down an (x_id, article_id) index backwards reads exactly the LIMIT rows it
returns, however many articles the actor has.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from storage.articles import article_brief
from storage.db import Database, Row, Tx, record
from storage.records import ActionRow, ActorBrief, ActorDossier, ActorRow, ClaimRow, CoMention, RoleCount

_BRIEF = "a.id, a.kind, a.name, a.role, a.n_articles AS articles, a.n_mentions AS mentions, a.name_en"

SQL_ACTORS_BY_KEYS = f"""
SELECT {_BRIEF}
FROM actors a
WHERE a.id IN (SELECT actor_id FROM actor_aliases WHERE key IN (SELECT value FROM json_each(?)))
  AND (? IS NULL OR a.kind = ?)
ORDER BY articles DESC, mentions DESC, a.id
"""

SQL_ACTORS_BY_KEY_PREFIX = f"""
SELECT {_BRIEF}
FROM actors a
WHERE a.id IN (SELECT actor_id FROM actor_aliases WHERE key >= ? AND key < ?)
  AND (? IS NULL OR a.kind = ?)
ORDER BY articles DESC, mentions DESC, a.id
LIMIT ?
"""

SQL_TOP_ACTORS = f"""
SELECT {_BRIEF}
FROM actors a INDEXED BY actors_top
WHERE a.n_articles > 0 AND (? IS NULL OR a.kind = ?)
ORDER BY a.n_articles DESC, a.n_mentions DESC, a.id
LIMIT ? OFFSET ?
"""

SQL_CLAIMS_BY_ACTOR = """
SELECT c.id, c.article_id, ar.title AS article_title, ar.added_at AS article_added_at,
       c.actor_id, c.speaker_text AS speaker, c.text, c.kind, c.position, c.speaker_ref, c.negated
FROM claims c INDEXED BY claims_actor JOIN articles ar ON ar.id = c.article_id
WHERE c.actor_id = ?
ORDER BY c.article_id DESC, c.position
LIMIT ? OFFSET ?
"""

SQL_CLAIMS_COUNT = "SELECT count(*) FROM claims INDEXED BY claims_actor WHERE actor_id = ?"

SQL_ACTIONS_BY_ACTOR = """
SELECT x.article_id, ar.title AS article_title, ar.added_at AS article_added_at, x.text
FROM actions x INDEXED BY actions_actor JOIN articles ar ON ar.id = x.article_id
WHERE x.actor_id = ?
ORDER BY x.article_id DESC, x.position
LIMIT ?
"""

#: /who shows this many of the newest things reported about the actor.
DOSSIER_ACTIONS = 5

#: /who's co-mentioned actors and role counts look at the actor's newest this-many articles only,
#: so a dossier costs the same for an actor in 20 articles as for one in 20,000.
DOSSIER_WINDOW = 500

#: Counted on mentions alone and only the top few joined to actors: joining every co-mentioned
#: actor (1,400 for a capital city) before grouping took 10-22 ms on PostgreSQL, this 2-6 ms.
SQL_CO_MENTIONED = """
SELECT top.actor_id, a.name, a.kind, top.articles
FROM (SELECT m2.actor_id, count(*) AS articles, sum(m2.count) AS weight
      FROM (SELECT article_id FROM mentions INDEXED BY mentions_actor
            WHERE actor_id = ?1 ORDER BY article_id DESC LIMIT ?3) m1
      JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.actor_id != ?1
      GROUP BY m2.actor_id
      ORDER BY articles DESC, weight DESC, m2.actor_id
      LIMIT ?2) top
JOIN actors a ON a.id = top.actor_id
ORDER BY top.articles DESC, top.weight DESC, top.actor_id
"""

SQL_ACTOR_ROLES = """
SELECT role, count(*) AS articles FROM (
    SELECT m.role FROM mentions m INDEXED BY mentions_actor
    WHERE m.actor_id = ?1 ORDER BY m.article_id DESC LIMIT ?2) newest
WHERE role IS NOT NULL
GROUP BY role ORDER BY count(*) DESC, role
"""

SQL_ACTOR_SEEN = """
SELECT (SELECT ar.added_at FROM articles ar WHERE ar.id =
            (SELECT min(article_id) FROM mentions INDEXED BY mentions_actor WHERE actor_id = ?1)),
       (SELECT ar.added_at FROM articles ar WHERE ar.id =
            (SELECT max(article_id) FROM mentions INDEXED BY mentions_actor WHERE actor_id = ?1))
"""

SQL_ACTOR_ARTICLES = """
SELECT ar.id, ar.title, ar.source, ar.added_at, ar.status, ar.origin_chat_title
FROM mentions m INDEXED BY mentions_actor JOIN articles ar ON ar.id = m.article_id
WHERE m.actor_id = ?
ORDER BY m.article_id DESC
LIMIT ?
"""

SQL_ALIAS_INDEX = "SELECT key, actor_id FROM actor_aliases ORDER BY key, actor_id"

# Every alias with its actor: the in-memory name index (bot/services/matching.py) is built from it.
SQL_ALIAS_ROWS = """
SELECT a.id, a.kind, a.name, a.n_mentions AS mentions, aa.alias
FROM actor_aliases aa JOIN actors a ON a.id = aa.actor_id
WHERE a.key NOT LIKE 'ahead:%'
ORDER BY a.id
"""

SQL_ACTORS_BY_IDS = f"""
SELECT {_BRIEF}
FROM actors a
WHERE a.id IN (SELECT value FROM json_each(?))
"""

_ALIASES = "SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias"


def actor_brief(r: Row) -> ActorBrief:
    return record(ActorBrief, r, articles=int(r["articles"]), mentions=int(r["mentions"] or 0))


def claim_row(r: Row) -> ClaimRow:
    return record(ClaimRow, r, negated=bool(r["negated"]))


def _dossier(tx: Tx, actor_id: int, claims_limit: int, articles_limit: int, co_limit: int) -> ActorDossier | None:
    row = tx.one(f"SELECT {_BRIEF} FROM actors a WHERE a.id = ?", (actor_id,))
    if row is None:
        return None
    window = DOSSIER_WINDOW  # read at call time: tests shrink it
    seen = tx.one(SQL_ACTOR_SEEN, (actor_id,))
    aliases = tx.all(_ALIASES, (actor_id,))
    roles = tx.all(SQL_ACTOR_ROLES, (actor_id, window))
    claims = tx.all(SQL_CLAIMS_BY_ACTOR, (actor_id, max(0, claims_limit), 0))
    claims_total = tx.scalar(SQL_CLAIMS_COUNT, (actor_id,))
    co = tx.all(SQL_CO_MENTIONED, (actor_id, max(0, co_limit), window))
    latest = tx.all(SQL_ACTOR_ARTICLES, (actor_id, max(0, articles_limit)))
    acts = tx.all(SQL_ACTIONS_BY_ACTOR, (actor_id, DOSSIER_ACTIONS))
    brief = actor_brief(row)
    return ActorDossier(
        actor=brief,
        aliases=tuple(r[0] for r in aliases),
        roles=tuple(record(RoleCount, r) for r in roles),
        articles=brief.articles,
        first_seen=None if seen is None else seen[0],
        last_seen=None if seen is None else seen[1],
        claims=tuple(claim_row(r) for r in claims),
        claims_total=int(claims_total or 0),
        co_mentioned=tuple(record(CoMention, r) for r in co),
        latest_articles=tuple(article_brief(r) for r in latest),
        actions=tuple(record(ActionRow, r) for r in acts),
    )


class SqliteActors:
    """:class:`storage.protocols.ActorStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def actors_by_keys(self, keys: Sequence[str], kind: str | None = None) -> list[ActorBrief]:
        """Actors with an alias whose key equals one of ``keys``, most-covered first (the usual
        intent of an ambiguous "/who Трамп" is the one the library talks about most)."""
        clean = sorted({k for k in keys if k})
        if not clean:
            return []
        rows = await self._db.read(lambda tx: tx.all(SQL_ACTORS_BY_KEYS, (json.dumps(clean), kind, kind)))
        return [actor_brief(r) for r in rows]

    async def actors_by_key_prefix(self, prefix: str, limit: int = 10, kind: str | None = None) -> list[ActorBrief]:
        """Actors with an alias key starting with ``prefix`` (a range scan on the key index)."""
        if not prefix:
            return []
        params = (prefix, prefix + "\U0010ffff", kind, kind, max(0, limit))
        rows = await self._db.read(lambda tx: tx.all(SQL_ACTORS_BY_KEY_PREFIX, params))
        return [actor_brief(r) for r in rows]

    async def alias_index(self) -> list[tuple[str, int]]:
        """Every (alias key, actor id), for in-memory fuzzy matching; cache it on ``generation``."""
        rows = await self._db.read(lambda tx: tx.all(SQL_ALIAS_INDEX))
        return [(str(r[0]), int(r[1])) for r in rows]

    async def alias_rows(self) -> list[tuple[int, str, str, int, str]]:
        """Every (actor id, kind, name, mentions, alias), for the in-memory name index; cache it on
        ``generation`` like :meth:`alias_index`."""
        rows = await self._db.read(lambda tx: tx.all(SQL_ALIAS_ROWS))
        return [(int(r[0]), str(r[1]), str(r[2]), int(r[3] or 0), str(r[4])) for r in rows]

    async def follow_ahead(self, kind: str, name: str, key: str, aliases: Sequence[tuple[str, str]]) -> int:
        """The actor row a subscription to a name the library has not seen yet points at: no
        articles, a key of its own (``ahead:`` + the name's key, never a real actor's), the names the
        user gave as aliases. The first article whose actor strictly matches one of them renames this
        row into that actor (bot/services/identity.py), so the subscription fires on it."""
        def follow(tx: Tx) -> int:
            stored = "ahead:" + key
            tx.run("INSERT INTO actors (kind, name, role, key) VALUES (?, ?, NULL, ?) ON CONFLICT DO NOTHING",
                   (kind, name, stored))
            actor_id = int(tx.scalar("SELECT id FROM actors WHERE kind = ? AND key = ?", (kind, stored)))
            for alias, alias_key in aliases:
                if alias_key:
                    tx.run("INSERT INTO actor_aliases (actor_id, alias, key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           (actor_id, alias, alias_key))
            return actor_id

        return await self._db.write(follow)

    async def actors_by_ids(self, ids: Sequence[int]) -> list[ActorBrief]:
        """The actors with these ids, in the order given (unknown ids are left out)."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if not wanted:
            return []
        rows = await self._db.read(lambda tx: tx.all(SQL_ACTORS_BY_IDS, (json.dumps(wanted),)))
        found = {b.id: b for b in (actor_brief(r) for r in rows)}
        return [found[i] for i in wanted if i in found]

    async def top_actors(self, limit: int = 10, offset: int = 0, kind: str | None = None) -> list[ActorBrief]:
        rows = await self._db.read(lambda tx: tx.all(SQL_TOP_ACTORS, (kind, kind, max(0, limit), max(0, offset))))
        return [actor_brief(r) for r in rows]

    async def get_actor(self, actor_id: int) -> ActorRow | None:
        def get(tx: Tx) -> ActorRow | None:
            row = tx.one("SELECT id, kind, name, role FROM actors WHERE id = ?", (actor_id,))
            if row is None:
                return None
            aliases = tuple(r[0] for r in tx.all(_ALIASES, (actor_id,)))
            return record(ActorRow, row, aliases=aliases)

        return await self._db.read(get)

    async def actor_dossier(
        self, actor_id: int, *, claims_limit: int = 5, articles_limit: int = 5, co_limit: int = 5
    ) -> ActorDossier | None:
        """Everything /who shows about one actor, from one consistent snapshot.

        Every part is bounded, so the cost does not grow with how often the actor is mentioned:
        counts come from the trigger-kept actors.n_articles/n_mentions; first/last seen are the
        dates of the actor's first and newest filed article (MIN/MAX on the mentions_actor index);
        claims and latest articles are the newest by article id (see SQL_CLAIMS_BY_ACTOR) with a
        LIMIT; claims_total counts index entries only. Co-mentioned actors and role counts are
        computed over the actor's newest DOSSIER_WINDOW (500) articles only: for a frequent actor
        they describe recent coverage, for anyone in fewer articles they are exact.
        """
        return await self._db.read(lambda tx: _dossier(tx, actor_id, claims_limit, articles_limit, co_limit))

    async def claims_by_actor(self, actor_id: int, limit: int = 10, offset: int = 0) -> tuple[list[ClaimRow], int]:
        """A page of the actor's claims, newest article first, and the total for paging."""

        def page(tx: Tx) -> tuple[list[ClaimRow], int]:
            rows = tx.all(SQL_CLAIMS_BY_ACTOR, (actor_id, max(0, limit), max(0, offset)))
            total = tx.scalar(SQL_CLAIMS_COUNT, (actor_id,))
            return [claim_row(r) for r in rows], int(total or 0)

        return await self._db.read(page)
