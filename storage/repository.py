"""Dossier's only door to the database.

One aiosqlite writer connection behind an asyncio.Lock (SQLite allows one writer anyway; queueing
in Python instead of spinning on SQLITE_BUSY keeps latency predictable) plus a small pool of
read-only connections: in WAL mode readers see the last committed state and never block, or are
blocked by, the writer. Every write is one explicit BEGIN IMMEDIATE ... COMMIT transaction, so a
crash or an exception leaves either all of a use case or none of it.

The hot queries are module constants (collected in HOT_QUERIES) so bench/ can print their plans
with Storage.explain() and a schema change that loses an index shows up as a SCAN.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Coroutine, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite

from analysis.keys import search_key
from analysis.model import Actor, ArticleAnalysis
from storage.errors import MigrationError, SchemaTooNewError, StorageError
from storage.migrate import MIGRATIONS_DIR, apply_migrations
from storage.records import (
    ActorBrief,
    ActorDossier,
    ActorRow,
    ArticleActor,
    ArticleBrief,
    ArticleClaim,
    ArticleFull,
    ArticleRow,
    ArticleTag,
    ChatSettings,
    ClaimRow,
    CoMention,
    Feed,
    LibraryStats,
    MatchedTarget,
    Member,
    MemberRole,
    NewArticle,
    OutboxCounts,
    OutboxRow,
    RoleCount,
    SearchHit,
    SubscriptionRow,
    TagBrief,
    TargetKind,
    TargetRef,
)
from storage.text import match_expression, normalized_text_hash, query_terms, snippet, stem_text

__all__ = [
    "HOT_QUERIES",
    "SEARCH_CAP",
    "MigrationError",
    "SchemaTooNewError",
    "Storage",
    "StorageError",
    "normalized_text_hash",
]

_URL_PREFIX = "sqlite:///"
_READERS = 2
_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

Params = Sequence[Any]

# --------------------------------------------------------------------------------------------
# Hot queries (named so the benchmark can EXPLAIN them). Lists are passed as one JSON parameter
# and unpacked with json_each so each query is one constant string with a stable plan.
# --------------------------------------------------------------------------------------------

# Article/mention counts come from actors.n_articles / n_mentions (kept by the 002 triggers), not
# from a count over mentions: for an actor in 10% of a 100,000-article library that count alone
# reads 10,000 index entries on every /who.
SQL_ACTORS_BY_KEYS = """
SELECT a.id, a.kind, a.name, a.role, a.n_articles AS articles, a.n_mentions AS mentions
FROM actors a
WHERE a.id IN (SELECT actor_id FROM actor_aliases WHERE key IN (SELECT value FROM json_each(?)))
  AND (? IS NULL OR a.kind = ?)
ORDER BY articles DESC, mentions DESC, a.id
"""

SQL_ACTORS_BY_KEY_PREFIX = """
SELECT a.id, a.kind, a.name, a.role, a.n_articles AS articles, a.n_mentions AS mentions
FROM actors a
WHERE a.id IN (SELECT actor_id FROM actor_aliases WHERE key >= ? AND key < ?)
  AND (? IS NULL OR a.kind = ?)
ORDER BY articles DESC, mentions DESC, a.id
LIMIT ?
"""

SQL_TOP_ACTORS = """
SELECT a.id, a.kind, a.name, a.role, a.n_articles AS articles, a.n_mentions AS mentions
FROM actors a INDEXED BY actors_top
WHERE a.n_articles > 0 AND (? IS NULL OR a.kind = ?)
ORDER BY a.n_articles DESC, a.n_mentions DESC, a.id
LIMIT ? OFFSET ?
"""

# "Newest" below means the highest article id: ids are handed out in filing order, so a walk down
# an (x_id, article_id) index backwards reads exactly the LIMIT rows it returns, however many
# articles the actor or tag has. Ordering by articles.added_at instead would read and sort every
# one of them (and only differs for archives imported with their original, older dates).

SQL_CLAIMS_BY_ACTOR = """
SELECT c.id, c.article_id, ar.title AS article_title, ar.added_at AS article_added_at,
       c.actor_id, c.speaker_text, c.text, c.kind, c.position
FROM claims c INDEXED BY claims_actor JOIN articles ar ON ar.id = c.article_id
WHERE c.actor_id = ?
ORDER BY c.article_id DESC, c.position
LIMIT ? OFFSET ?
"""

SQL_CLAIMS_COUNT = "SELECT count(*) FROM claims INDEXED BY claims_actor WHERE actor_id = ?"

#: /who's co-mentioned actors and role counts look at the actor's newest this-many articles only,
#: so a dossier costs the same for an actor in 20 articles as for one in 20,000.
DOSSIER_WINDOW = 500

SQL_CO_MENTIONED = """
SELECT m2.actor_id, a.name, a.kind, count(*) AS articles
FROM (SELECT article_id FROM mentions INDEXED BY mentions_actor
      WHERE actor_id = ?1 ORDER BY article_id DESC LIMIT ?3) m1
JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.actor_id != ?1
JOIN actors a ON a.id = m2.actor_id
GROUP BY m2.actor_id
ORDER BY articles DESC, sum(m2.count) DESC, m2.actor_id
LIMIT ?2
"""

SQL_ACTOR_ROLES = """
SELECT role, count(*) FROM (
    SELECT m.role FROM mentions m INDEXED BY mentions_actor
    WHERE m.actor_id = ?1 ORDER BY m.article_id DESC LIMIT ?2)
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

SQL_TAGS_BY_KEYS = """
SELECT t.id, t.name, t.label_en, t.n_articles AS articles
FROM tags t
WHERE t.id IN (
    SELECT id FROM tags WHERE key IN (SELECT value FROM json_each(?1))
    UNION SELECT id FROM tags WHERE key_en IN (SELECT value FROM json_each(?1))
)
ORDER BY articles DESC, t.id
"""

SQL_TOP_TAGS = """
SELECT t.id, t.name, t.label_en, t.n_articles AS articles
FROM tags t INDEXED BY tags_top
WHERE t.n_articles > 0
ORDER BY t.n_articles DESC, t.name
LIMIT ? OFFSET ?
"""

SQL_ARTICLES_BY_TAG = """
SELECT ar.id, ar.title, ar.source, ar.added_at, ar.status, ar.origin_chat_title
FROM article_tags at INDEXED BY article_tags_tag JOIN articles ar ON ar.id = at.article_id
WHERE at.tag_id = ?
ORDER BY at.article_id DESC
LIMIT ? OFFSET ?
"""

SQL_RECENT_ARTICLES = """
SELECT id, title, source, added_at, status, origin_chat_title
FROM articles
ORDER BY added_at DESC, id DESC
LIMIT ? OFFSET ?
"""

#: /search ranks (bm25) and counts at most this many matches: the newest SEARCH_CAP of them. A word
#: in every article would otherwise be scored in all 100,000 rows on every query; past this many
#: hits nobody pages through the results, they refine the query (the UI shows "1000+").
SEARCH_CAP = 1000

# The innermost select walks the match newest-first (FTS5 iterates its doclist by rowid, in
# either direction) and stops after ?2 rows; only those are scored; only the page's rows are then
# joined to articles for their text.
SQL_SEARCH = """
SELECT ar.id, ar.title, ar.added_at, ar.text
FROM (SELECT id, score FROM (
          SELECT rowid AS id, bm25(articles_fts, 4.0, 1.0) AS score
          FROM articles_fts WHERE articles_fts MATCH ?1
          ORDER BY rowid DESC LIMIT ?2)
      ORDER BY score, id DESC LIMIT ?3 OFFSET ?4) hit
JOIN articles ar ON ar.id = hit.id
ORDER BY hit.score, hit.id DESC
"""

SQL_SEARCH_COUNT = "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?1 LIMIT ?2)"

SQL_MATCHING_SUBSCRIPTIONS = """
SELECT s.id, s.chat_id, s.target_kind, s.target_id, s.include_json, s.exclude_json,
       coalesce(c.paused, 0) AS paused
FROM subscriptions s LEFT JOIN chats c ON c.chat_id = s.chat_id
WHERE s.active = 1 AND (
       (s.target_kind = 'tag' AND s.target_id IN (SELECT value FROM json_each(?)))
    OR (s.target_kind = 'actor' AND s.target_id IN (SELECT value FROM json_each(?))))
ORDER BY s.chat_id, s.id
"""

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

SQL_ALIAS_INDEX = "SELECT key, actor_id FROM actor_aliases ORDER BY key, actor_id"

SQL_INBOX_PENDING = "SELECT update_id, payload FROM inbox WHERE status = 'pending' ORDER BY update_id"

HOT_QUERIES: dict[str, str] = {
    "actors_by_keys": SQL_ACTORS_BY_KEYS,
    "actors_by_key_prefix": SQL_ACTORS_BY_KEY_PREFIX,
    "top_actors": SQL_TOP_ACTORS,
    "claims_by_actor": SQL_CLAIMS_BY_ACTOR,
    "claims_count": SQL_CLAIMS_COUNT,
    "co_mentioned": SQL_CO_MENTIONED,
    "actor_roles": SQL_ACTOR_ROLES,
    "actor_seen": SQL_ACTOR_SEEN,
    "actor_articles": SQL_ACTOR_ARTICLES,
    "tags_by_keys": SQL_TAGS_BY_KEYS,
    "top_tags": SQL_TOP_TAGS,
    "articles_by_tag": SQL_ARTICLES_BY_TAG,
    "recent_articles": SQL_RECENT_ARTICLES,
    "search": SQL_SEARCH,
    "search_count": SQL_SEARCH_COUNT,
    "matching_subscriptions": SQL_MATCHING_SUBSCRIPTIONS,
    "due_alerts": SQL_DUE_ALERTS,
    "pending_digest": SQL_PENDING_DIGEST,
    "alias_index": SQL_ALIAS_INDEX,
    "inbox_pending": SQL_INBOX_PENDING,
}

# Sample parameters for EXPLAIN: realistic types matter (json_each needs JSON, MATCH needs a
# valid expression) even though no row has to match.
_EXPLAIN_PARAMS: dict[str, tuple[Any, ...]] = {
    "actors_by_keys": ('["talarsan"]', None, None),
    "actors_by_key_prefix": ("tal", "tal\U0010ffff", None, None, 10),
    "top_actors": (None, None, 10, 0),
    "claims_by_actor": (1, 10, 0),
    "claims_count": (1,),
    "co_mentioned": (1, 5, DOSSIER_WINDOW),
    "actor_roles": (1, DOSSIER_WINDOW),
    "actor_seen": (1,),
    "actor_articles": (1, 5),
    "tags_by_keys": ('["sanktsa"]',),
    "top_tags": (10, 0),
    "articles_by_tag": (1, 10, 0),
    "recent_articles": (10, 0),
    "search": ('"разрядк"*', SEARCH_CAP, 10, 0),
    "search_count": ('"разрядк"*', SEARCH_CAP + 1),
    "matching_subscriptions": ("[1]", "[1]"),
    "due_alerts": (0, 0, 50),
    "pending_digest": (1,),
    "alias_index": (),
    "inbox_pending": (),
}

_ARTICLE_COLUMNS = """
id, text, text_hash, title, source, via, lead, summary_json, language, truncated, origin_kind,
origin_chat_id, origin_chat_title, origin_chat_username, origin_message_id, origin_date, url,
added_by, added_chat_id, added_message_id, added_at, analyzed_at, status, error
"""


def _now(now: int | None) -> int:
    return int(time.time()) if now is None else int(now)


def _key(text: str) -> str:
    """search_key, falling back to the casefolded text for names with no Latin-mappable letters
    (an empty key would make every such actor collide on UNIQUE(kind, key))."""
    return search_key(text) or " ".join(text.casefold().split())


def _parse_url(database_url: str) -> str | None:
    """The file path of a sqlite URL, or None for an in-memory database."""
    if not database_url.startswith(_URL_PREFIX):
        raise ValueError(
            f"unsupported DATABASE_URL {database_url!r}: expected sqlite:///path/to/file.db "
            "(relative), sqlite:////absolute/path.db or sqlite:///:memory:; "
            "PostgreSQL is not supported yet"
        )
    path = database_url[len(_URL_PREFIX) :]
    if not path:
        raise ValueError(f"DATABASE_URL {database_url!r} names no database file")
    return None if path == ":memory:" else path


def _prepare_file(path: str) -> str:
    """Expand ~ and create the parent folder (a fresh deployment has no data/ yet)."""
    p = Path(path).expanduser()
    p.parent.mkdir(parents=True, exist_ok=True)
    return str(p)


def _json_list(values: Iterable[Any]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _refs(raw: str | None) -> tuple[TargetRef, ...]:
    out: list[TargetRef] = []
    for item in json.loads(raw or "[]"):
        kind = item.get("kind")
        if kind in ("tag", "actor"):
            out.append(TargetRef(cast(TargetKind, kind), int(item["id"])))
    return tuple(out)


def _refs_json(refs: Sequence[TargetRef]) -> str:
    seen: dict[tuple[str, int], None] = {}
    for r in refs:
        if r.kind not in ("tag", "actor"):
            raise ValueError(f"unknown target kind {r.kind!r}")
        seen[(r.kind, int(r.id))] = None
    return json.dumps([{"kind": k, "id": i} for k, i in seen])


def _matched(raw: str | None) -> tuple[MatchedTarget, ...]:
    return tuple(
        MatchedTarget(cast(TargetKind, m["kind"]), int(m["id"]), str(m["label"]))
        for m in json.loads(raw or "[]")
    )


def _article_row(r: sqlite3.Row) -> ArticleRow:
    return ArticleRow(
        id=r["id"],
        text=r["text"],
        text_hash=r["text_hash"],
        title=r["title"],
        source=r["source"],
        via=r["via"],
        lead=r["lead"],
        summary=tuple(json.loads(r["summary_json"] or "[]")),
        language=r["language"],
        truncated=bool(r["truncated"]),
        origin_kind=r["origin_kind"],
        origin_chat_id=r["origin_chat_id"],
        origin_chat_title=r["origin_chat_title"],
        origin_chat_username=r["origin_chat_username"],
        origin_message_id=r["origin_message_id"],
        origin_date=r["origin_date"],
        url=r["url"],
        added_by=r["added_by"],
        added_chat_id=r["added_chat_id"],
        added_message_id=r["added_message_id"],
        added_at=r["added_at"],
        analyzed_at=r["analyzed_at"],
        status=r["status"],
        error=r["error"],
    )


def _article_brief(r: sqlite3.Row) -> ArticleBrief:
    return ArticleBrief(r["id"], r["title"], r["source"], r["added_at"], r["status"], r["origin_chat_title"])


def _actor_brief(r: sqlite3.Row) -> ActorBrief:
    return ActorBrief(r["id"], r["kind"], r["name"], r["role"], int(r["articles"]), int(r["mentions"] or 0))


def _claim_row(r: sqlite3.Row) -> ClaimRow:
    return ClaimRow(
        id=r["id"],
        article_id=r["article_id"],
        article_title=r["article_title"],
        article_added_at=r["article_added_at"],
        actor_id=r["actor_id"],
        speaker=r["speaker_text"],
        text=r["text"],
        kind=r["kind"],
        position=r["position"],
    )


def _tag_brief(r: sqlite3.Row) -> TagBrief:
    return TagBrief(r["id"], r["name"], r["label_en"], int(r["articles"]))


def _chat(r: sqlite3.Row) -> ChatSettings:
    return ChatSettings(
        chat_id=r["chat_id"],
        type=r["type"],
        title=r["title"],
        language=r["language"],
        muted_until=r["muted_until"],
        digest_time=r["digest_time"],
        tz=r["tz"],
        paused=bool(r["paused"]),
        last_digest_at=r["last_digest_at"],
    )


def _member(r: sqlite3.Row) -> Member:
    return Member(r["user_id"], r["role"], r["name"], r["added_by"], r["added_at"])


def _outbox(r: sqlite3.Row) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        chat_id=r["chat_id"],
        article_id=r["article_id"],
        article_title=r["article_title"],
        matched=_matched(r["matched_json"]),
        status=r["status"],
        attempts=r["attempts"],
        next_attempt_at=r["next_attempt_at"],
        last_error=r["last_error"],
        created_at=r["created_at"],
        sent_at=r["sent_at"],
        telegram_message_id=r["telegram_message_id"],
    )


def _feed(r: sqlite3.Row) -> Feed:
    return Feed(r["channel_id"], r["username"], r["title"], bool(r["enabled"]), r["added_by"], r["added_at"])


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def digest_slot(now: int, digest_time: str, tz: str) -> int:
    """Unix time of today's digest slot in the chat's local time zone (DST-aware via zoneinfo)."""
    m = _HHMM_RE.match(digest_time)
    if m is None:
        raise ValueError(f"digest time {digest_time!r} is not HH:MM")
    zone = _zone(tz)
    local = datetime.fromtimestamp(now, zone)
    slot = local.replace(hour=int(m.group(1)), minute=int(m.group(2)), second=0, microsecond=0)
    return int(slot.timestamp())


# --------------------------------------------------------------------------------------------
# Low-level helpers
# --------------------------------------------------------------------------------------------


class _DirectCursor:
    """A sqlite3 cursor behind aiosqlite's async cursor interface (see `_DirectConn`)."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> _DirectCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def fetchall(self) -> list[sqlite3.Row]:
        return list(self._cursor.fetchall())

    async def fetchone(self) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._cursor.fetchone()
        return row

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid


class _DirectConn:
    """The writer's sqlite3 connection used directly, from the thread the caller runs on.

    Filing an analysis is a few hundred small statements. Through aiosqlite each one is a round
    trip between the event loop and aiosqlite's thread, and that overhead (not SQLite) was most of
    the importer's cost per article. So `save_analysis` runs its whole transaction in one worker
    thread with this adapter: the same async code, but every await completes at once, so the
    coroutine runs to the end in one `send()` (see `_drive`). Safe because the write lock is held:
    nobody else touches the writer connection meanwhile.
    """

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw

    def execute(self, sql: str, params: Params = ()) -> _DirectCursor:
        return _DirectCursor(self._raw.execute(sql, params))


_Conn = aiosqlite.Connection | _DirectConn


_T = TypeVar("_T")


def _drive(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine that never really suspends (it only awaits `_DirectConn`) to its end."""
    try:
        coro.send(None)
    except StopIteration as done:
        return cast(_T, done.value)
    coro.close()
    raise RuntimeError("a direct-connection transaction tried to suspend")


async def _all(conn: _Conn, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    async with conn.execute(sql, params) as cur:
        return list(await cur.fetchall())


async def _one(conn: _Conn, sql: str, params: Params = ()) -> sqlite3.Row | None:
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


async def _scalar(conn: _Conn, sql: str, params: Params = ()) -> Any:
    row = await _one(conn, sql, params)
    return None if row is None else row[0]


async def _run(conn: _Conn, sql: str, params: Params = ()) -> tuple[int, int | None]:
    """Execute a write; return (rowcount, lastrowid)."""
    async with conn.execute(sql, params) as cur:
        return cur.rowcount, cur.lastrowid


async def _open_connection(path: str, *, writer: bool) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA foreign_keys = ON")
        if writer:
            if path != ":memory:":
                mode = await _scalar(conn, "PRAGMA journal_mode = WAL")
                if str(mode).lower() != "wal":
                    raise StorageError(f"could not switch {path} to WAL mode (got {mode})")
            await conn.execute("PRAGMA synchronous = NORMAL")
        else:
            # A guard, not a feature: a write sneaking onto a reader would bypass the write lock.
            await conn.execute("PRAGMA query_only = ON")
    except BaseException:
        await conn.close()
        raise
    return conn


# --------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------


class Storage:
    """The library's database. Create with ``Storage.open(url)`` (or ``connect``/``close``)."""

    def __init__(self, writer: aiosqlite.Connection, readers: list[aiosqlite.Connection], path: str | None):
        self._writer = writer
        self._readers = readers
        self._pool: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for r in readers:
            self._pool.put_nowait(r)
        self._lock = asyncio.Lock()
        self._generation = 0
        self._path = path
        self._closed = False

    # ---------------------------------------------------------------- lifecycle

    @classmethod
    @asynccontextmanager
    async def open(cls, database_url: str, *, migrations_dir: Path | None = None) -> AsyncIterator[Storage]:
        """``async with Storage.open("sqlite:///data/dossier.db") as db:`` — migrates on entry,
        closes every connection on exit (aiosqlite threads keep the process alive otherwise)."""
        db = await cls.connect(database_url, migrations_dir=migrations_dir)
        try:
            yield db
        finally:
            await db.close()

    @classmethod
    async def connect(cls, database_url: str, *, migrations_dir: Path | None = None) -> Storage:
        """Open and migrate; for lifecycles that are not one ``with`` block (PTB post_init /
        post_shutdown). Pair with ``close()``.

        Raises ValueError for a URL that is not sqlite, MigrationError / SchemaTooNewError.
        """
        path = _parse_url(database_url)
        if path is not None:
            path = _prepare_file(path)
        writer = await _open_connection(path or ":memory:", writer=True)
        readers: list[aiosqlite.Connection] = []
        try:
            await apply_migrations(writer, migrations_dir or MIGRATIONS_DIR)
            if path is not None:
                for _ in range(_READERS):
                    readers.append(await _open_connection(path, writer=False))
        except BaseException:
            for conn in [*readers, writer]:
                await conn.close()
            raise
        return cls(writer, readers, path)

    async def close(self) -> None:
        """Close all connections; waits for a write in flight to finish first."""
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            for conn in self._readers:
                await conn.close()
            await self._writer.close()

    @property
    def generation(self) -> int:
        """Increases on every committed write that changes library content or membership (not on
        bookkeeping writes: inbox, chat settings, outbox delivery). Callers cache alias_index() and
        roles keyed on it; it starts at 0 per process, so never persist it."""
        return self._generation

    @asynccontextmanager
    async def _write(self, *, content: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """One serialized write transaction. ROLLBACK is shielded from cancellation: aiosqlite runs
        calls in order on its thread, so the rollback always lands before the next BEGIN."""
        if self._closed:
            raise StorageError("storage is closed")
        async with self._lock:
            conn = self._writer
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                await conn.commit()
            except BaseException:
                await asyncio.shield(conn.rollback())
                raise
            if content:
                self._generation += 1

    @asynccontextmanager
    async def _conn(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader connection without a transaction (or the writer, under the lock, in memory)."""
        if self._closed:
            raise StorageError("storage is closed")
        if not self._readers:
            async with self._lock:
                yield self._writer
            return
        conn = await self._pool.get()
        try:
            yield conn
        finally:
            self._pool.put_nowait(conn)

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A read transaction: several SELECTs (a dossier, a page + its total) see one snapshot."""
        async with self._conn() as conn:
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await asyncio.shield(conn.rollback())

    # ---------------------------------------------------------------- articles / ingest

    async def add_article(self, article: NewArticle) -> tuple[int, bool]:
        """Save a raw article BEFORE analysis; returns (id, created).

        A duplicate, by origin message (the same channel post forwarded twice) or by normalized
        text hash (the same text pasted or forwarded from another channel), returns the existing
        id and False so the caller can reply with the existing card instead of filing it twice.
        The text is indexed for search right away, so pending articles are findable too.
        """
        text_hash = normalized_text_hash(article.text)
        stemmed_title, stemmed_body = await asyncio.to_thread(
            lambda: (stem_text(article.title), stem_text(article.text))
        )
        async with self._write() as c:
            if article.origin_chat_id is not None and article.origin_message_id is not None:
                existing = await _scalar(
                    c,
                    "SELECT id FROM articles WHERE origin_chat_id = ? AND origin_message_id = ?",
                    (article.origin_chat_id, article.origin_message_id),
                )
                if existing is not None:
                    return int(existing), False
            existing = await _scalar(c, "SELECT id FROM articles WHERE text_hash = ?", (text_hash,))
            if existing is not None:
                return int(existing), False
            _, article_id = await _run(
                c,
                """INSERT INTO articles (text, text_hash, title, origin_kind, origin_chat_id,
                       origin_chat_title, origin_chat_username, origin_message_id, origin_date, url,
                       added_by, added_chat_id, added_message_id, added_at, status)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')""",
                (
                    article.text,
                    text_hash,
                    article.title,
                    article.origin_kind,
                    article.origin_chat_id,
                    article.origin_chat_title,
                    article.origin_chat_username,
                    article.origin_message_id,
                    article.origin_date,
                    article.url,
                    article.added_by,
                    article.added_chat_id,
                    article.added_message_id,
                    article.added_at,
                ),
            )
            assert article_id is not None
            await _run(
                c,
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                (article_id, stemmed_title, stemmed_body),
            )
            return article_id, True

    async def save_analysis(
        self,
        article_id: int,
        analysis: ArticleAnalysis,
        *,
        now: int | None = None,
        enqueue_alerts: bool = True,
    ) -> list[int]:
        """File an analysis and enqueue its alerts in ONE transaction; returns new outbox ids.

        One transaction because the alert worker must never see an article whose actors/tags are
        half written, and a crash must not leave an analysed article without its alerts. Calling
        it again for the same article (re-analysis) replaces mentions/claims/tags and never
        duplicates an alert (UNIQUE(chat_id, article_id)). ``enqueue_alerts=False`` is for bulk
        imports, which should not flood subscribers with years-old news.

        Actor identity across articles, deliberately conservative where it is ambiguous (a wrong
        merge corrupts two dossiers and cannot be undone by the user; a missed merge only shows
        two candidates):
        1. same kind and same search key of the canonical name -> same actor;
        2. else, for a one-word person name ("Тиллерсон") or any organization/location: the one
           actor of that kind that has an alias with this key, if exactly one does;
        3. else, for organizations/locations: the one actor of that kind whose name key equals
           one of the new actor's alias keys ("Соединённые Штаты" with alias "США");
        4. else, for a full-name person: an existing surname-only person whose key equals the
           surname (last word or a one-word alias) is absorbed, i.e. renamed to the full name,
           provided it is the only one and no other full-name person carries that surname (rule 2
           in the other order: "Тиллерсон" first, "Рекс Тиллерсон" later is still one actor);
        5. else a new actor. When a surname is ambiguous (two full-name people share it), a
           surname-only mention becomes its own actor rather than a guess.
        Its role becomes the latest non-empty role seen; aliases accumulate.

        Raises KeyError if the article does not exist.
        """
        ts = _now(now)
        stemmed_title = await asyncio.to_thread(stem_text, analysis.title)
        async with self._write() as c:
            direct = _DirectConn(c._conn)  # aiosqlite's own sqlite3 connection; we hold the write lock
            tx = self._save_analysis_tx(direct, article_id, analysis, ts, stemmed_title, enqueue_alerts)
            job = asyncio.ensure_future(asyncio.to_thread(_drive, tx))
            try:
                return await asyncio.shield(job)
            except asyncio.CancelledError:
                # The statements must be finished before `_write` rolls back on this connection.
                await asyncio.wait([job])
                raise

    async def _save_analysis_tx(
        self,
        c: _Conn,
        article_id: int,
        analysis: ArticleAnalysis,
        ts: int,
        stemmed_title: str,
        enqueue_alerts: bool,
    ) -> list[int]:
        """The body of `save_analysis`, run in a worker thread on a `_DirectConn`."""
        row = await _one(c, "SELECT added_chat_id, text FROM articles WHERE id = ?", (article_id,))
        if row is None:
            raise KeyError(f"article {article_id} does not exist")
        added_chat_id: int | None = row["added_chat_id"]

        old_actor_ids = [
            int(r[0]) for r in await _all(c, "SELECT actor_id FROM mentions WHERE article_id = ?", (article_id,))
        ]
        old_tag_ids = [
            int(r[0]) for r in await _all(c, "SELECT tag_id FROM article_tags WHERE article_id = ?", (article_id,))
        ]
        await _run(c, "DELETE FROM claims WHERE article_id = ?", (article_id,))
        await _run(c, "DELETE FROM mentions WHERE article_id = ?", (article_id,))
        await _run(c, "DELETE FROM article_tags WHERE article_id = ?", (article_id,))

        # Actors, aliases, mentions.
        actor_ids: dict[str, int] = {}
        labels: dict[tuple[str, int], str] = {}
        for actor in analysis.actors:
            actor_id = await self._resolve_actor(c, actor)
            actor_ids.setdefault(actor.name, actor_id)
            for alias in (actor.name, *actor.aliases):
                k = search_key(alias)
                if k:
                    await _run(
                        c,
                        "INSERT OR IGNORE INTO actor_aliases (actor_id, alias, key) VALUES (?, ?, ?)",
                        (actor_id, alias, k),
                    )
            await _run(
                c,
                """INSERT INTO mentions (article_id, actor_id, count, role) VALUES (?, ?, ?, ?)
                   ON CONFLICT (article_id, actor_id) DO UPDATE
                   SET count = count + excluded.count, role = coalesce(role, excluded.role)""",
                (article_id, actor_id, max(1, actor.mentions), actor.role),
            )
            name = await _scalar(c, "SELECT name FROM actors WHERE id = ?", (actor_id,))
            labels[("actor", actor_id)] = str(name)

        # Claims, in text order; the speaker resolves through the canonical actor name.
        for position, claim in enumerate(analysis.claims):
            claim_actor = None
            for candidate in (claim.actor, claim.speaker):
                if candidate is not None and candidate in actor_ids:
                    claim_actor = actor_ids[candidate]
                    break
            await _run(
                c,
                """INSERT INTO claims (article_id, actor_id, speaker_text, text, kind, position, sentence)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (article_id, claim_actor, claim.speaker, claim.text, claim.kind, position, claim.sentence),
            )

        # Tags.
        for tag in analysis.tags:
            name = " ".join(tag.name.split())
            if not name:
                continue
            tag_id = await _scalar(
                c,
                """INSERT INTO tags (name, label_en, key, key_en) VALUES (?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE
                   SET label_en = coalesce(tags.label_en, excluded.label_en),
                       key_en = coalesce(tags.key_en, excluded.key_en)
                   RETURNING id""",
                (name, tag.label_en, _key(name), search_key(tag.label_en) if tag.label_en else None),
            )
            await _run(
                c,
                """INSERT INTO article_tags (article_id, tag_id, origin, score) VALUES (?, ?, ?, ?)
                   ON CONFLICT (article_id, tag_id) DO UPDATE SET score = max(score, excluded.score)""",
                (article_id, tag_id, tag.origin, tag.score),
            )
            labels[("tag", int(tag_id))] = name

        await _run(
            c,
            """UPDATE articles SET title = ?, source = ?, via = ?, lead = ?, summary_json = ?,
                   language = ?, truncated = ?, status = 'done', error = NULL, analyzed_at = ?
               WHERE id = ?""",
            (
                analysis.title,
                analysis.source,
                analysis.via,
                analysis.lead,
                _json_list(analysis.summary),
                analysis.language,
                int(analysis.truncated),
                ts,
                article_id,
            ),
        )
        updated, _ = await _run(
            c, "UPDATE articles_fts SET title = ? WHERE rowid = ?", (stemmed_title, article_id)
        )
        if not updated:  # indexed by add_article normally; repair if the row went missing
            await _run(
                c,
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                (article_id, stemmed_title, stem_text(row["text"])),
            )

        await self._drop_orphans(c, old_actor_ids, old_tag_ids)
        if not enqueue_alerts:
            return []
        return await self._enqueue_alerts(c, article_id, added_chat_id, labels, ts)

    async def _resolve_actor(self, c: _Conn, actor: Actor) -> int:
        key = _key(actor.name)
        found = await _scalar(c, "SELECT id FROM actors WHERE kind = ? AND key = ?", (actor.kind, key))
        single_word = len(actor.name.split()) == 1
        if found is None and (actor.kind != "person" or single_word):
            ids = await _all(
                c,
                """SELECT DISTINCT aa.actor_id FROM actor_aliases aa JOIN actors a ON a.id = aa.actor_id
                   WHERE aa.key = ? AND a.kind = ?""",
                (key, actor.kind),
            )
            if len(ids) == 1:
                found = ids[0][0]
        if found is None and actor.kind != "person" and actor.aliases:
            alias_keys = sorted({k for k in (search_key(a) for a in actor.aliases) if k})
            ids = await _all(
                c,
                "SELECT id FROM actors WHERE kind = ? AND key IN (SELECT value FROM json_each(?))",
                (actor.kind, json.dumps(alias_keys)),
            )
            if len(ids) == 1:
                found = ids[0][0]
        if found is None and actor.kind == "person" and not single_word:
            found = await self._absorb_surname_actor(c, actor, key)
        if found is None:
            _, new_id = await _run(
                c,
                "INSERT INTO actors (kind, name, role, key) VALUES (?, ?, ?, ?)",
                (actor.kind, actor.name, actor.role, key),
            )
            assert new_id is not None
            return new_id
        if actor.role:
            await _run(c, "UPDATE actors SET role = ? WHERE id = ?", (actor.role, found))
        return int(found)

    async def _absorb_surname_actor(self, c: _Conn, actor: Actor, key: str) -> int | None:
        """A full-name person meets the surname-only actor an earlier article created
        ("Тиллерсон", then "Рекс Тиллерсон"): the surname actor is renamed to the full name, but
        only if it is the one candidate and no other full-name person already carries that
        surname (then the earlier mention is ambiguous and stays apart)."""
        words = actor.name.split()
        surname_keys = {search_key(a) for a in actor.aliases if len(a.split()) == 1}
        surname_keys.add(search_key(words[-1]))
        surname_keys.discard("")
        candidates = await _all(
            c,
            """SELECT id, name, key FROM actors
               WHERE kind = 'person' AND key IN (SELECT value FROM json_each(?)) AND instr(trim(name), ' ') = 0""",
            (json.dumps(sorted(surname_keys)),),
        )
        if len(candidates) != 1:
            return None
        surname_id, surname_key = int(candidates[0]["id"]), str(candidates[0]["key"])
        rivals = await _scalar(
            c,
            """SELECT count(DISTINCT aa.actor_id) FROM actor_aliases aa JOIN actors a ON a.id = aa.actor_id
               WHERE aa.key = ? AND a.kind = 'person' AND aa.actor_id != ?""",
            (surname_key, surname_id),
        )
        if rivals:
            return None
        await _run(c, "UPDATE actors SET name = ?, key = ? WHERE id = ?", (actor.name, key, surname_id))
        return surname_id

    async def _drop_orphans(self, c: _Conn, actor_ids: Sequence[int], tag_ids: Sequence[int]) -> None:
        """Remove candidate actors/tags no article refers to any more, and deactivate the
        subscriptions that pointed at them (they could never fire again; deactivating rather than
        deleting lets /subscriptions tell the user why)."""
        candidates = (
            ("actor", actor_ids, "DELETE FROM actors WHERE id IN (SELECT value FROM json_each(?)) "
             "AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.actor_id = actors.id) RETURNING id"),
            ("tag", tag_ids, "DELETE FROM tags WHERE id IN (SELECT value FROM json_each(?)) "
             "AND NOT EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = tags.id) RETURNING id"),
        )
        for kind, ids, delete_sql in candidates:
            if not ids:
                continue
            gone = await _all(c, delete_sql, (_json_list(set(ids)),))
            if gone:
                await _run(
                    c,
                    """UPDATE subscriptions SET active = 0
                       WHERE target_kind = ? AND target_id IN (SELECT value FROM json_each(?))""",
                    (kind, _json_list(r[0] for r in gone)),
                )

    async def _enqueue_alerts(
        self,
        c: _Conn,
        article_id: int,
        added_chat_id: int | None,
        labels: dict[tuple[str, int], str],
        now: int,
    ) -> list[int]:
        present = set(labels)
        tag_ids = [i for k, i in present if k == "tag"]
        actor_ids = [i for k, i in present if k == "actor"]
        per_chat: dict[int, list[MatchedTarget]] = {}
        for s in await _all(c, SQL_MATCHING_SUBSCRIPTIONS, (_json_list(tag_ids), _json_list(actor_ids))):
            chat_id = int(s["chat_id"])
            if chat_id == added_chat_id or s["paused"]:
                continue
            if not all((r.kind, r.id) in present for r in _refs(s["include_json"])):
                continue
            if any((r.kind, r.id) in present for r in _refs(s["exclude_json"])):
                continue
            target = (str(s["target_kind"]), int(s["target_id"]))
            matched = per_chat.setdefault(chat_id, [])
            if all((m.kind, m.id) != target for m in matched):
                matched.append(MatchedTarget(cast(TargetKind, target[0]), target[1], labels[target]))
        created: list[int] = []
        for chat_id, matched in per_chat.items():
            new_id = await _scalar(
                c,
                """INSERT INTO outbox (chat_id, article_id, matched_json, status, attempts,
                       next_attempt_at, created_at)
                   VALUES (?, ?, ?, 'pending', 0, ?, ?)
                   ON CONFLICT (chat_id, article_id) DO NOTHING
                   RETURNING id""",
                (
                    chat_id,
                    article_id,
                    json.dumps([asdict(m) for m in matched], ensure_ascii=False),
                    now,
                    now,
                ),
            )
            if new_id is not None:
                created.append(int(new_id))
        return created

    async def mark_failed(self, article_id: int, error: str, *, now: int | None = None) -> None:
        """Record that analysis failed, so start-up does not retry it forever."""
        async with self._write() as c:
            await _run(
                c,
                "UPDATE articles SET status = 'failed', error = ?, analyzed_at = ? WHERE id = ?",
                (error, _now(now), article_id),
            )

    async def pending_articles(self) -> list[ArticleRow]:
        """Articles saved but never analysed (the bot stopped mid-way): re-queued at start-up."""
        async with self._conn() as c:
            rows = await _all(
                c, f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE status = 'pending' ORDER BY id"
            )
        return [_article_row(r) for r in rows]

    async def get_article(self, article_id: int) -> ArticleFull | None:
        """The article and everything its card shows, read in one snapshot."""
        async with self._read() as c:
            return await self._article_full(c, article_id)

    async def _article_full(self, c: aiosqlite.Connection, article_id: int) -> ArticleFull | None:
        row = await _one(c, f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if row is None:
            return None
        actors = await _all(
            c,
            """SELECT a.id, a.name, a.kind, m.role, m.count FROM mentions m
               JOIN actors a ON a.id = m.actor_id WHERE m.article_id = ?
               ORDER BY m.count DESC, a.id""",
            (article_id,),
        )
        claims = await _all(
            c,
            """SELECT id, actor_id, speaker_text, text, kind, position FROM claims
               WHERE article_id = ? ORDER BY position, id""",
            (article_id,),
        )
        tags = await _all(
            c,
            """SELECT t.id, t.name, t.label_en, at.origin, at.score FROM article_tags at
               JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?
               ORDER BY CASE at.origin WHEN 'explicit' THEN 0 WHEN 'topic' THEN 1 ELSE 2 END,
                        at.score DESC, t.name""",
            (article_id,),
        )
        return ArticleFull(
            article=_article_row(row),
            actors=tuple(ArticleActor(r[0], r[1], r[2], r[3], r[4]) for r in actors),
            claims=tuple(ArticleClaim(r[0], r[1], r[2], r[3], r[4], r[5]) for r in claims),
            tags=tuple(ArticleTag(r[0], r[1], r[2], r[3], float(r[4])) for r in tags),
        )

    async def article_text(self, article_id: int) -> str | None:
        async with self._conn() as c:
            text = await _scalar(c, "SELECT text FROM articles WHERE id = ?", (article_id,))
        return None if text is None else str(text)

    async def recent_articles(self, limit: int = 10, offset: int = 0) -> list[ArticleBrief]:
        async with self._conn() as c:
            rows = await _all(c, SQL_RECENT_ARTICLES, (max(0, limit), max(0, offset)))
        return [_article_brief(r) for r in rows]

    async def delete_article(self, article_id: int) -> bool:
        """Delete an article and whatever only it kept alive: mentions, claims, tags links and
        outbox rows cascade; actors and tags left with no article go (with their aliases), and
        subscriptions on them are deactivated. False if there was no such article."""
        async with self._write() as c:
            actor_ids = [
                int(r[0]) for r in await _all(c, "SELECT actor_id FROM mentions WHERE article_id = ?", (article_id,))
            ]
            tag_ids = [
                int(r[0]) for r in await _all(c, "SELECT tag_id FROM article_tags WHERE article_id = ?", (article_id,))
            ]
            deleted, _ = await _run(c, "DELETE FROM articles WHERE id = ?", (article_id,))
            if not deleted:
                return False
            await self._drop_orphans(c, actor_ids, tag_ids)
            return True

    async def stats(self) -> LibraryStats:
        async with self._read() as c:
            row = await _one(
                c,
                """SELECT (SELECT count(*) FROM articles),
                          (SELECT count(*) FROM actors),
                          (SELECT count(*) FROM claims),
                          (SELECT count(*) FROM tags),
                          (SELECT max(added_at) FROM articles),
                          (SELECT count(*) FROM articles WHERE status = 'pending'),
                          (SELECT count(*) FROM articles WHERE status = 'failed')""",
            )
        assert row is not None
        return LibraryStats(row[0], row[1], row[2], row[3], row[4], row[5], row[6])

    # ---------------------------------------------------------------- lookup

    async def actors_by_keys(self, keys: Sequence[str], kind: str | None = None) -> list[ActorBrief]:
        """Actors with an alias whose key equals one of ``keys``, most-covered first (the usual
        intent of an ambiguous "/who Трамп" is the one the library talks about most)."""
        clean = sorted({k for k in keys if k})
        if not clean:
            return []
        async with self._conn() as c:
            rows = await _all(c, SQL_ACTORS_BY_KEYS, (json.dumps(clean), kind, kind))
        return [_actor_brief(r) for r in rows]

    async def actors_by_key_prefix(
        self, prefix: str, limit: int = 10, kind: str | None = None
    ) -> list[ActorBrief]:
        """Actors with an alias key starting with ``prefix`` (a range scan on the key index)."""
        if not prefix:
            return []
        async with self._conn() as c:
            rows = await _all(
                c, SQL_ACTORS_BY_KEY_PREFIX, (prefix, prefix + "\U0010ffff", kind, kind, max(0, limit))
            )
        return [_actor_brief(r) for r in rows]

    async def alias_index(self) -> list[tuple[str, int]]:
        """Every (alias key, actor id), for in-memory fuzzy matching; cache it on ``generation``."""
        async with self._conn() as c:
            rows = await _all(c, SQL_ALIAS_INDEX)
        return [(str(r[0]), int(r[1])) for r in rows]

    async def top_actors(self, limit: int = 10, offset: int = 0, kind: str | None = None) -> list[ActorBrief]:
        async with self._conn() as c:
            rows = await _all(c, SQL_TOP_ACTORS, (kind, kind, max(0, limit), max(0, offset)))
        return [_actor_brief(r) for r in rows]

    async def get_actor(self, actor_id: int) -> ActorRow | None:
        async with self._read() as c:
            row = await _one(c, "SELECT id, kind, name, role FROM actors WHERE id = ?", (actor_id,))
            if row is None:
                return None
            aliases = await _all(
                c, "SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias", (actor_id,)
            )
        return ActorRow(row[0], row[1], row[2], row[3], tuple(r[0] for r in aliases))

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
        async with self._read() as c:
            row = await _one(
                c,
                """SELECT a.id, a.kind, a.name, a.role, a.n_articles AS articles, a.n_mentions AS mentions
                   FROM actors a WHERE a.id = ?""",
                (actor_id,),
            )
            if row is None:
                return None
            seen = await _one(c, SQL_ACTOR_SEEN, (actor_id,))
            aliases = await _all(
                c, "SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias", (actor_id,)
            )
            roles = await _all(c, SQL_ACTOR_ROLES, (actor_id, DOSSIER_WINDOW))
            claims = await _all(c, SQL_CLAIMS_BY_ACTOR, (actor_id, max(0, claims_limit), 0))
            claims_total = await _scalar(c, SQL_CLAIMS_COUNT, (actor_id,))
            co = await _all(c, SQL_CO_MENTIONED, (actor_id, max(0, co_limit), DOSSIER_WINDOW))
            latest = await _all(c, SQL_ACTOR_ARTICLES, (actor_id, max(0, articles_limit)))
        brief = _actor_brief(row)
        return ActorDossier(
            actor=brief,
            aliases=tuple(r[0] for r in aliases),
            roles=tuple(RoleCount(r[0], r[1]) for r in roles),
            articles=brief.articles,
            first_seen=None if seen is None else seen[0],
            last_seen=None if seen is None else seen[1],
            claims=tuple(_claim_row(r) for r in claims),
            claims_total=int(claims_total or 0),
            co_mentioned=tuple(CoMention(r[0], r[1], r[2], r[3]) for r in co),
            latest_articles=tuple(_article_brief(r) for r in latest),
        )

    async def claims_by_actor(
        self, actor_id: int, limit: int = 10, offset: int = 0
    ) -> tuple[list[ClaimRow], int]:
        """A page of the actor's claims, newest article first, and the total for paging."""
        async with self._read() as c:
            rows = await _all(c, SQL_CLAIMS_BY_ACTOR, (actor_id, max(0, limit), max(0, offset)))
            total = await _scalar(c, SQL_CLAIMS_COUNT, (actor_id,))
        return [_claim_row(r) for r in rows], int(total or 0)

    # ---------------------------------------------------------------- tags

    async def tags_by_keys(self, keys: Sequence[str]) -> list[TagBrief]:
        """Tags whose Russian key OR English-label key is in ``keys`` ("/tags sanctions" finds
        "санкции"), most-used first."""
        clean = sorted({k for k in keys if k})
        if not clean:
            return []
        async with self._conn() as c:
            rows = await _all(c, SQL_TAGS_BY_KEYS, (json.dumps(clean),))
        return [_tag_brief(r) for r in rows]

    async def top_tags(self, limit: int = 20, offset: int = 0) -> list[TagBrief]:
        async with self._conn() as c:
            rows = await _all(c, SQL_TOP_TAGS, (max(0, limit), max(0, offset)))
        return [_tag_brief(r) for r in rows]

    async def articles_by_tag(
        self, tag_id: int, limit: int = 10, offset: int = 0
    ) -> tuple[list[ArticleBrief], int]:
        async with self._read() as c:
            rows = await _all(c, SQL_ARTICLES_BY_TAG, (tag_id, max(0, limit), max(0, offset)))
            total = await _scalar(c, "SELECT n_articles FROM tags WHERE id = ?", (tag_id,))
        return [_article_brief(r) for r in rows], int(total or 0)

    async def get_tag(self, tag_id: int) -> TagBrief | None:
        async with self._conn() as c:
            row = await _one(
                c,
                "SELECT t.id, t.name, t.label_en, t.n_articles AS articles FROM tags t WHERE t.id = ?",
                (tag_id,),
            )
        return None if row is None else _tag_brief(row)

    # ---------------------------------------------------------------- search

    async def search_articles(
        self, query: str, limit: int = 10, offset: int = 0
    ) -> tuple[list[SearchHit], int]:
        """Full-text search over titles and texts, matching inflections; any input is safe.

        The MATCH expression is built from word tokens only (storage.text.query_terms), so FTS5
        query syntax typed by a user (quotes, AND/OR/NOT, NEAR, column:, *, parentheses) is just
        text. Every term must match (implicit AND); ranked by bm25 with titles weighted up.
        Returns ([], 0) when the query has no words.

        Bounded at scale: only the newest SEARCH_CAP matches are ranked (so pages end there), and
        the total is exact up to SEARCH_CAP; a total of SEARCH_CAP + 1 means "more than
        SEARCH_CAP" (shown as "1000+").
        """
        terms = query_terms(query)
        expr = match_expression(terms)
        if expr is None:
            return [], 0
        async with self._read() as c:
            rows = await _all(c, SQL_SEARCH, (expr, SEARCH_CAP, max(0, limit), max(0, offset)))
            total = await _scalar(c, SQL_SEARCH_COUNT, (expr, SEARCH_CAP + 1))
        hits = await asyncio.to_thread(
            lambda: [SearchHit(r[0], r[1], r[2], snippet(r[3], terms)) for r in rows]
        )
        return hits, int(total or 0)

    # ---------------------------------------------------------------- members

    async def get_member(self, user_id: int) -> Member | None:
        async with self._conn() as c:
            row = await _one(c, "SELECT * FROM members WHERE user_id = ?", (user_id,))
        return None if row is None else _member(row)

    async def list_members(self) -> list[Member]:
        """Owner first, then in the order they were added."""
        async with self._conn() as c:
            rows = await _all(
                c, "SELECT * FROM members ORDER BY role = 'owner' DESC, added_at, user_id"
            )
        return [_member(r) for r in rows]

    async def add_member(
        self,
        user_id: int,
        role: MemberRole,
        added_by: int | None,
        name: str | None = None,
        *,
        now: int | None = None,
    ) -> bool:
        """Add a member; True if new. An existing member keeps their role (only the name is
        refreshed), so /allow on the owner cannot demote them. Adding a second owner raises
        StorageError: ownership only changes through claim_ownership/seed_members."""
        async with self._write() as c:
            existing = await _one(c, "SELECT role FROM members WHERE user_id = ?", (user_id,))
            if existing is not None:
                if name is not None:
                    await _run(c, "UPDATE members SET name = ? WHERE user_id = ?", (name, user_id))
                return False
            if role == "owner" and await _scalar(c, "SELECT 1 FROM members WHERE role = 'owner'"):
                raise StorageError("the library already has an owner")
            await _run(
                c,
                "INSERT INTO members (user_id, role, name, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, role, name, added_by, _now(now)),
            )
            return True

    async def remove_member(self, user_id: int) -> bool:
        """Remove a member. Refuses nothing: whether the owner may be revoked is a service rule."""
        async with self._write() as c:
            deleted, _ = await _run(c, "DELETE FROM members WHERE user_id = ?", (user_id,))
            return deleted > 0

    async def owner(self) -> Member | None:
        async with self._conn() as c:
            row = await _one(c, "SELECT * FROM members WHERE role = 'owner'")
        return None if row is None else _member(row)

    async def claim_ownership(self, user_id: int, name: str | None = None, *, now: int | None = None) -> bool:
        """Make ``user_id`` the owner iff there is none; True only if THIS call did it.

        Atomic: the check and the insert share one BEGIN IMMEDIATE transaction behind the write
        lock, and the members_one_owner unique index backs it even against another process.
        """
        async with self._write() as c:
            if await _scalar(c, "SELECT 1 FROM members WHERE role = 'owner'"):
                return False
            await _run(
                c,
                """INSERT INTO members (user_id, role, name, added_by, added_at)
                   VALUES (?, 'owner', ?, NULL, ?)
                   ON CONFLICT (user_id) DO UPDATE SET role = 'owner', name = coalesce(excluded.name, name)""",
                (user_id, name, _now(now)),
            )
            return True

    async def seed_members(self, ids: Sequence[int], *, now: int | None = None) -> None:
        """Apply ALLOWED_USER_IDS: the first id is the owner (the config wins over an earlier
        owner, who is demoted to member), the rest are members. Idempotent; never removes members
        added later with /allow."""
        if not ids:
            return
        ts = _now(now)
        owner_id = ids[0]
        async with self._write() as c:
            await _run(
                c, "UPDATE members SET role = 'member' WHERE role = 'owner' AND user_id != ?", (owner_id,)
            )
            await _run(
                c,
                """INSERT INTO members (user_id, role, added_by, added_at) VALUES (?, 'owner', NULL, ?)
                   ON CONFLICT (user_id) DO UPDATE SET role = 'owner'""",
                (owner_id, ts),
            )
            for user_id in ids[1:]:
                if user_id == owner_id:
                    continue
                await _run(
                    c,
                    """INSERT INTO members (user_id, role, added_by, added_at)
                       VALUES (?, 'member', ?, ?) ON CONFLICT (user_id) DO NOTHING""",
                    (user_id, owner_id, ts),
                )

    # ---------------------------------------------------------------- chats & subscriptions

    async def upsert_chat(
        self, chat_id: int, type: str | None, title: str | None, language: str | None = None
    ) -> None:
        """Record a chat as seen; None for title/language keeps what was known."""
        async with self._write(content=False) as c:
            await _run(
                c,
                """INSERT INTO chats (chat_id, type, title, language) VALUES (?, ?, ?, ?)
                   ON CONFLICT (chat_id) DO UPDATE SET type = coalesce(excluded.type, type),
                       title = coalesce(excluded.title, title),
                       language = coalesce(excluded.language, language)""",
                (chat_id, type, title, language),
            )

    async def get_chat_settings(self, chat_id: int) -> ChatSettings | None:
        async with self._conn() as c:
            row = await _one(c, "SELECT * FROM chats WHERE chat_id = ?", (chat_id,))
        return None if row is None else _chat(row)

    async def _update_chat(self, chat_id: int, sql: str, params: Params) -> None:
        async with self._write() as c:
            await _run(c, "INSERT OR IGNORE INTO chats (chat_id) VALUES (?)", (chat_id,))
            await _run(c, sql, (*params, chat_id))

    async def set_muted_until(self, chat_id: int, until: int | None) -> None:
        """Hold alerts for this chat until ``until`` (None unmutes); they stay queued."""
        await self._update_chat(chat_id, "UPDATE chats SET muted_until = ? WHERE chat_id = ?", (until,))

    async def set_digest(
        self, chat_id: int, time: str | None, tz: str = "UTC", *, now: int | None = None
    ) -> None:
        """Switch the chat to one daily digest at local ``time`` ('HH:MM') in ``tz``, or back to
        immediate alerts with None. Enabling stamps last_digest_at=now so a slot that already
        passed today does not fire at once with everything queued so far.

        Raises ValueError for a malformed time or an unknown time zone.
        """
        if time is not None and not _HHMM_RE.match(time):
            raise ValueError(f"digest time must be HH:MM (24h), got {time!r}")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {tz!r}") from exc
        if time is None:
            await self._update_chat(chat_id, "UPDATE chats SET digest_time = NULL, tz = ? WHERE chat_id = ?", (tz,))
        else:
            await self._update_chat(
                chat_id,
                "UPDATE chats SET digest_time = ?, tz = ?, last_digest_at = ? WHERE chat_id = ?",
                (time, tz, _now(now)),
            )

    async def set_paused(self, chat_id: int, paused: bool) -> None:
        """Paused after Telegram says 403 (bot blocked/kicked): no alerts are queued or sent."""
        await self._update_chat(chat_id, "UPDATE chats SET paused = ? WHERE chat_id = ?", (int(paused),))

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup (Telegram gives it a new id): move its settings,
        subscriptions and undelivered alerts to the new id. Rows the new id already has win."""
        async with self._write() as c:
            await _run(
                c,
                """INSERT OR IGNORE INTO chats (chat_id, type, title, language, muted_until, digest_time, tz,
                       paused, last_digest_at)
                   SELECT ?, 'supergroup', title, language, muted_until, digest_time, tz, paused, last_digest_at
                   FROM chats WHERE chat_id = ?""",
                (new_chat_id, old_chat_id),
            )
            await _run(c, "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?",
                       (new_chat_id, old_chat_id))
            await _run(c, "UPDATE OR IGNORE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
                       (new_chat_id, old_chat_id))
            await _run(c, "DELETE FROM chats WHERE chat_id = ?", (old_chat_id,))

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
        table = "tags" if target_kind == "tag" else "actors"
        async with self._write() as c:
            if await _scalar(c, f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)) is None:
                raise ValueError(f"no {target_kind} with id {target_id}")
            await _run(c, "INSERT OR IGNORE INTO chats (chat_id) VALUES (?)", (chat_id,))
            existing = await _one(
                c,
                "SELECT id, active FROM subscriptions WHERE chat_id = ? AND target_kind = ? AND target_id = ?",
                (chat_id, target_kind, target_id),
            )
            if existing is not None:
                await _run(
                    c,
                    "UPDATE subscriptions SET include_json = ?, exclude_json = ?, active = 1 WHERE id = ?",
                    (include_json, exclude_json, existing["id"]),
                )
                return int(existing["id"]), not existing["active"]
            _, sub_id = await _run(
                c,
                """INSERT INTO subscriptions (chat_id, target_kind, target_id, include_json,
                       exclude_json, created_by, created_at, active)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 1)""",
                (chat_id, target_kind, target_id, include_json, exclude_json, created_by, _now(now)),
            )
            assert sub_id is not None
            return sub_id, True

    async def remove_subscription(self, chat_id: int, target_kind: TargetKind, target_id: int) -> bool:
        async with self._write() as c:
            deleted, _ = await _run(
                c,
                "DELETE FROM subscriptions WHERE chat_id = ? AND target_kind = ? AND target_id = ?",
                (chat_id, target_kind, target_id),
            )
            return deleted > 0

    async def remove_subscription_by_id(self, chat_id: int, sub_id: int) -> bool:
        """Scoped by chat so one chat cannot remove another chat's subscription by guessing ids."""
        async with self._write() as c:
            deleted, _ = await _run(
                c, "DELETE FROM subscriptions WHERE id = ? AND chat_id = ?", (sub_id, chat_id)
            )
            return deleted > 0

    async def list_subscriptions(self, chat_id: int) -> list[SubscriptionRow]:
        """Active first; ``label`` is None for a target that was deleted (subscription inactive)."""
        async with self._conn() as c:
            rows = await _all(
                c,
                """SELECT s.*, CASE s.target_kind
                       WHEN 'tag' THEN (SELECT name FROM tags WHERE id = s.target_id)
                       ELSE (SELECT name FROM actors WHERE id = s.target_id) END AS label
                   FROM subscriptions s WHERE s.chat_id = ? ORDER BY s.active DESC, s.id""",
                (chat_id,),
            )
        return [
            SubscriptionRow(
                id=r["id"],
                chat_id=r["chat_id"],
                target_kind=r["target_kind"],
                target_id=r["target_id"],
                label=r["label"],
                include=_refs(r["include_json"]),
                exclude=_refs(r["exclude_json"]),
                created_by=r["created_by"],
                created_at=r["created_at"],
                active=bool(r["active"]),
            )
            for r in rows
        ]

    async def subscribers_count(self, target_kind: TargetKind | None = None, target_id: int | None = None) -> int:
        """Chats with an active subscription to the target; with no target, chats with any."""
        async with self._conn() as c:
            if target_kind is None:
                n = await _scalar(c, "SELECT count(DISTINCT chat_id) FROM subscriptions WHERE active = 1")
            else:
                n = await _scalar(
                    c,
                    """SELECT count(DISTINCT chat_id) FROM subscriptions
                       WHERE active = 1 AND target_kind = ? AND target_id = ?""",
                    (target_kind, target_id),
                )
        return int(n or 0)

    # ---------------------------------------------------------------- outbox

    async def due_alerts(self, now: int, limit: int = 50) -> list[OutboxRow]:
        """Alerts to send now: pending, due, to chats neither paused, muted nor in digest mode."""
        async with self._conn() as c:
            rows = await _all(c, SQL_DUE_ALERTS, (now, now, max(0, limit)))
        return [_outbox(r) for r in rows]

    async def mark_sent(self, outbox_id: int, telegram_message_id: int | None, now: int | None = None) -> bool:
        """Mark delivered; False if it was not pending (already sent/failed: do not count twice)."""
        async with self._write(content=False) as c:
            n, _ = await _run(
                c,
                """UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?
                   WHERE id = ? AND status = 'pending'""",
                (_now(now), telegram_message_id, outbox_id),
            )
            return n > 0

    async def mark_alert_failed(self, outbox_id: int, error: str, now: int | None = None) -> None:
        """Give up on an alert for good (e.g. 400 Bad Request): it will never be retried."""
        async with self._write(content=False) as c:
            await _run(
                c,
                """UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1,
                       next_attempt_at = ? WHERE id = ? AND status = 'pending'""",
                (error, _now(now), outbox_id),
            )

    async def reschedule_alert(self, outbox_id: int, next_attempt_at: int, error: str) -> None:
        """Retry later (429/5xx/network); attempts counts tries so the caller can back off."""
        async with self._write(content=False) as c:
            await _run(
                c,
                """UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                   WHERE id = ? AND status = 'pending'""",
                (next_attempt_at, error, outbox_id),
            )

    async def pending_digest(self, chat_id: int) -> list[OutboxRow]:
        """Everything queued for the chat, oldest first (next_attempt_at is ignored: a digest
        is one message, retried as a whole by the caller)."""
        async with self._conn() as c:
            rows = await _all(c, SQL_PENDING_DIGEST, (chat_id,))
        return [_outbox(r) for r in rows]

    async def mark_digest_sent(self, chat_id: int, ids: Sequence[int], now: int | None = None) -> None:
        """Mark the digest's rows sent and stamp the chat's last_digest_at (call it with no ids
        when there was nothing to send, so the slot counts as done)."""
        ts = _now(now)
        async with self._write(content=False) as c:
            await _run(
                c,
                """UPDATE outbox SET status = 'sent', sent_at = ?
                   WHERE chat_id = ? AND status = 'pending' AND id IN (SELECT value FROM json_each(?))""",
                (ts, chat_id, _json_list(int(i) for i in ids)),
            )
            await _run(c, "UPDATE chats SET last_digest_at = ? WHERE chat_id = ?", (ts, chat_id))

    async def chats_due_for_digest(self, now: int) -> list[ChatSettings]:
        """Digest chats whose local time has passed today's HH:MM and that have had no digest
        since that slot. Paused and muted chats wait (their queue is kept for a later digest)."""
        async with self._conn() as c:
            rows = await _all(
                c,
                """SELECT * FROM chats WHERE digest_time IS NOT NULL AND paused = 0
                   AND (muted_until IS NULL OR muted_until <= ?) ORDER BY chat_id""",
                (now,),
            )
        due: list[ChatSettings] = []
        for r in rows:
            chat = _chat(r)
            assert chat.digest_time is not None
            try:
                slot = digest_slot(now, chat.digest_time, chat.tz)
            except ValueError:
                continue
            if now >= slot and (chat.last_digest_at is None or chat.last_digest_at < slot):
                due.append(chat)
        return due

    async def outbox_counts(self) -> OutboxCounts:
        async with self._conn() as c:
            rows = await _all(c, "SELECT status, count(*) FROM outbox GROUP BY status")
        counts = {str(r[0]): int(r[1]) for r in rows}
        return OutboxCounts(counts.get("pending", 0), counts.get("sent", 0), counts.get("failed", 0))

    # ---------------------------------------------------------------- feeds

    async def add_feed(
        self,
        channel_id: int,
        username: str | None,
        title: str | None,
        added_by: int | None,
        *,
        now: int | None = None,
    ) -> bool:
        """Enable ingesting a channel's posts; True if it was not a feed before."""
        uname = username.lstrip("@") if username else None
        async with self._write() as c:
            existed = await _scalar(c, "SELECT 1 FROM feeds WHERE channel_id = ?", (channel_id,))
            await _run(
                c,
                """INSERT INTO feeds (channel_id, username, title, enabled, added_by, added_at)
                   VALUES (?, ?, ?, 1, ?, ?)
                   ON CONFLICT (channel_id) DO UPDATE SET enabled = 1,
                       username = coalesce(excluded.username, username),
                       title = coalesce(excluded.title, title)""",
                (channel_id, uname, title, added_by, _now(now)),
            )
            return existed is None

    async def remove_feed(self, channel: int | str) -> bool:
        """Stop ingesting a channel, by id or @username (case-insensitive)."""
        async with self._write() as c:
            if isinstance(channel, int):
                n, _ = await _run(c, "DELETE FROM feeds WHERE channel_id = ?", (channel,))
            else:
                n, _ = await _run(
                    c, "DELETE FROM feeds WHERE lower(username) = lower(?)", (channel.lstrip("@"),)
                )
            return n > 0

    async def list_feeds(self) -> list[Feed]:
        async with self._conn() as c:
            rows = await _all(c, "SELECT * FROM feeds ORDER BY added_at, channel_id")
        return [_feed(r) for r in rows]

    async def feed_enabled(self, channel_id: int) -> bool:
        async with self._conn() as c:
            v = await _scalar(c, "SELECT enabled FROM feeds WHERE channel_id = ?", (channel_id,))
        return bool(v)

    # ---------------------------------------------------------------- inbox

    async def inbox_put(self, update_id: int, payload_json: str, *, now: int | None = None) -> bool:
        """Persist a raw update before handling it; False if it was already there (Telegram
        re-delivered it), in which case the caller must not handle it again."""
        async with self._write(content=False) as c:
            n, _ = await _run(
                c,
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at, status) VALUES (?, ?, ?, 'pending')",
                (update_id, payload_json, _now(now)),
            )
            return n > 0

    async def inbox_done(self, update_id: int, *, now: int | None = None) -> None:
        """Mark an update handled and drop its payload: only replay needs it, and it may hold a
        stranger's message, which must not be kept. The row stays (for redelivery checks) until pruned."""
        async with self._write(content=False) as c:
            await _run(
                c,
                "UPDATE inbox SET status = 'done', done_at = ?, payload = '' "
                "WHERE update_id = ? AND status = 'pending'",
                (_now(now), update_id),
            )

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates received but not handled (crash mid-way), in Telegram's order, for replay."""
        async with self._conn() as c:
            rows = await _all(c, SQL_INBOX_PENDING)
        return [(int(r[0]), str(r[1])) for r in rows]

    async def inbox_prune(self, older_than: int) -> int:
        """Forget handled updates finished before ``older_than``; returns how many. Pending ones
        are never pruned."""
        async with self._write(content=False) as c:
            n, _ = await _run(
                c, "DELETE FROM inbox WHERE status = 'done' AND done_at < ?", (older_than,)
            )
            return n

    # ---------------------------------------------------------------- import progress

    async def get_import_position(self, source_key: str) -> int | None:
        async with self._conn() as c:
            v = await _scalar(c, "SELECT position FROM import_progress WHERE source_key = ?", (source_key,))
        return None if v is None else int(v)

    async def set_import_position(self, source_key: str, position: int, *, now: int | None = None) -> None:
        async with self._write(content=False) as c:
            await _run(
                c,
                """INSERT INTO import_progress (source_key, position, updated_at) VALUES (?, ?, ?)
                   ON CONFLICT (source_key) DO UPDATE SET position = excluded.position,
                       updated_at = excluded.updated_at""",
                (source_key, position, _now(now)),
            )

    # ---------------------------------------------------------------- maintenance

    async def backup(self, path: str | Path) -> None:
        """Consistent copy of the live database via SQLite's online backup API.

        Runs on a READER connection in a single step: in WAL mode that reader holds one snapshot
        for the whole copy while the writer keeps committing, so the bot does not stall and the
        copy is never torn. Written to a temp file and renamed, so ``path`` is either the old
        backup or a complete new one.
        """
        target = _prepare_file(str(path))
        tmp = target + ".tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        dest = sqlite3.connect(tmp, check_same_thread=False)
        try:
            async with self._conn() as c:
                await c.backup(dest, pages=-1)
        finally:
            dest.close()
        os.replace(tmp, target)

    async def export_articles(self, batch: int = 100) -> AsyncIterator[dict[str, Any]]:
        """Every article with its actors, claims and tags as plain dicts (JSON/CSV export), in id
        order. Reads in batches so a large library never sits in memory or holds one snapshot
        for minutes."""
        last_id = 0
        while True:
            async with self._read() as c:
                ids = [
                    int(r[0])
                    for r in await _all(
                        c, "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last_id, batch)
                    )
                ]
                fulls = [await self._article_full(c, i) for i in ids]
            if not ids:
                return
            for full in fulls:
                if full is None:
                    continue
                item: dict[str, Any] = asdict(full.article)
                item["summary"] = list(full.article.summary)
                item["actors"] = [asdict(a) for a in full.actors]
                item["claims"] = [asdict(cl) for cl in full.claims]
                item["tags"] = [asdict(t) for t in full.tags]
                yield item
            last_id = ids[-1]

    async def explain(self, sql_name: str) -> list[str]:
        """EXPLAIN QUERY PLAN of a named hot query (see HOT_QUERIES), one line per plan step,
        indented by depth, for bench/ to print and eyeball for SCANs."""
        if sql_name not in HOT_QUERIES:
            raise KeyError(f"unknown query {sql_name!r}; known: {', '.join(sorted(HOT_QUERIES))}")
        async with self._conn() as c:
            rows = await _all(c, "EXPLAIN QUERY PLAN " + HOT_QUERIES[sql_name], _EXPLAIN_PARAMS[sql_name])
        depth: dict[int, int] = {0: -1}
        lines: list[str] = []
        for node_id, parent, _unused, detail in rows:
            d = depth.get(parent, -1) + 1
            depth[node_id] = d
            lines.append("  " * d + str(detail))
        return lines
