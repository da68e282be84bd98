"""Articles: filing raw text, filing an analysis (actors, claims, tags) and reading cards back.

Filing an analysis is one transaction because the alert worker must never see an article whose
actors/tags are half written, and a crash must not leave an analysed article without its alerts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import cast

from analysis.model import Actor, ArticleAnalysis
from storage.db import Database, Row, Tx, json_list, now_or, record
from storage.protocols import FilingRules
from storage.records import (
    ActorKeys,
    ArticleActor,
    ArticleBrief,
    ArticleClaim,
    ArticleFull,
    ArticleRow,
    ArticleTag,
    LibraryStats,
    NewArticle,
    SubscriptionCandidate,
    TagKeys,
    TargetKind,
    TargetRef,
)
from storage.subscriptions import SQL_MATCHING_SUBSCRIPTIONS, refs
from storage.text import normalized_text_hash, stem_text

SQL_RECENT_ARTICLES = """
SELECT id, title, source, added_at, status, origin_chat_title
FROM articles
ORDER BY added_at DESC, id DESC
LIMIT ? OFFSET ?
"""

ARTICLE_COLUMNS = """
id, text, text_hash, title, source, via, lead, summary_json, language, truncated, origin_kind,
origin_chat_id, origin_chat_title, origin_chat_username, origin_message_id, origin_date, url,
added_by, added_chat_id, added_message_id, added_at, analyzed_at, status, error, published_at
"""


def article_row(r: Row) -> ArticleRow:
    return record(ArticleRow, r, summary=tuple(json.loads(r["summary_json"] or "[]")), truncated=bool(r["truncated"]))


def article_brief(r: Row) -> ArticleBrief:
    return record(ArticleBrief, r)


def drop_orphans(tx: Tx, actor_ids: list[int], tag_ids: list[int]) -> None:
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
        gone = tx.all(delete_sql, (json_list(set(ids)),))
        if gone:
            tx.run(
                """UPDATE subscriptions SET active = 0
                   WHERE target_kind = ? AND target_id IN (SELECT value FROM json_each(?))""",
                (kind, json_list(r[0] for r in gone)),
            )


def _linked_ids(tx: Tx, article_id: int) -> tuple[list[int], list[int]]:
    actors = [int(r[0]) for r in tx.all("SELECT actor_id FROM mentions WHERE article_id = ?", (article_id,))]
    tags = [int(r[0]) for r in tx.all("SELECT tag_id FROM article_tags WHERE article_id = ?", (article_id,))]
    return actors, tags


def _insert_article(tx: Tx, article: NewArticle, text_hash: str, stemmed: tuple[str, str]) -> tuple[int, bool]:
    if article.origin_chat_id is not None and article.origin_message_id is not None:
        existing = tx.scalar(
            "SELECT id FROM articles WHERE origin_chat_id = ? AND origin_message_id = ?",
            (article.origin_chat_id, article.origin_message_id),
        )
        if existing is not None:
            return int(existing), False
    existing = tx.scalar("SELECT id FROM articles WHERE text_hash = ?", (text_hash,))
    if existing is not None:
        return int(existing), False
    article_id = int(tx.scalar(
        """INSERT INTO articles (text, text_hash, title, origin_kind, origin_chat_id,
               origin_chat_title, origin_chat_username, origin_message_id, origin_date, url,
               added_by, added_chat_id, added_message_id, added_at, published_at, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
           RETURNING id""",
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
            article.published_at,
        ),
    ))
    tx.run(
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
        (article_id, *stemmed),
    )
    return article_id, True


#: Key prefix of an actor followed before any article has it (see SqliteActors.follow_ahead): the
#: loose identity rules never pick it; only IdentityFacts.followed_ahead offers it, for a strict check.
AHEAD_PREFIX = "ahead:"
_NOT_AHEAD = f"a.key NOT LIKE '{AHEAD_PREFIX}%'"


# The aliases a merge moved, read from its undo record (stored JSON: json_each / jsonb differ).
_MERGED_NAMES = """SELECT m.survivor_id, json_extract(j.value, '$[0]')
   FROM actor_merges m JOIN actors s ON s.id = m.survivor_id, json_each(m.undo_json, '$.aliases') j
   WHERE m.undone_at IS NULL AND s.kind = ? AND s.merged_into IS NULL
     AND m.survivor_id IN (SELECT actor_id FROM actor_aliases WHERE key = ?)
     AND json_extract(j.value, '$[1]') = ?"""
_MERGED_NAMES_PG = """SELECT m.survivor_id, j.value ->> 0
   FROM actor_merges m JOIN actors s ON s.id = m.survivor_id, jsonb_array_elements(m.undo_json::jsonb -> 'aliases') j
   WHERE m.undone_at IS NULL AND s.kind = ? AND s.merged_into IS NULL
     AND m.survivor_id IN (SELECT actor_id FROM actor_aliases WHERE key = ?)
     AND j.value ->> 1 = ?"""


class _Facts:
    """:class:`storage.protocols.IdentityFacts` over the filing transaction: each question is one
    indexed query, asked only when the rules need the answer."""

    __slots__ = ("_tx",)

    def __init__(self, tx: Tx) -> None:
        self._tx = tx

    def actor_with_key(self, kind: str, key: str) -> int | None:
        found = self._tx.scalar("SELECT id FROM actors WHERE kind = ? AND key = ?", (kind, key))
        return None if found is None else int(found)

    def actors_with_alias_key(self, kind: str, key: str) -> list[int]:
        rows = self._tx.all(
            f"""SELECT DISTINCT aa.actor_id FROM actor_aliases aa JOIN actors a ON a.id = aa.actor_id
               WHERE aa.key = ? AND a.kind = ? AND {_NOT_AHEAD}""",
            (key, kind),
        )
        return [int(r[0]) for r in rows]

    def aliases(self, actor_id: int) -> list[str]:
        return [str(r[0]) for r in self._tx.all("SELECT alias FROM actor_aliases WHERE actor_id = ?", (actor_id,))]

    def followed_ahead(self, keys: Sequence[str]) -> list[tuple[int, str, list[str]]]:
        rows = self._tx.all(
            f"""SELECT DISTINCT a.id, a.kind FROM actor_aliases aa JOIN actors a ON a.id = aa.actor_id
               WHERE aa.key IN (SELECT value FROM json_each(?)) AND a.key LIKE '{AHEAD_PREFIX}%'""",
            (json.dumps(list(keys)),),
        )
        return [(int(r[0]), str(r[1]), self.aliases(int(r[0]))) for r in rows]

    def merged_names(self, kind: str, key: str) -> list[tuple[int, str]]:
        # Driven by the alias key index: only survivors holding the key have their merges' undo
        # records (which list the moved aliases) read.
        sql = _MERGED_NAMES_PG if self._tx.dialect == "postgresql" else _MERGED_NAMES
        rows = self._tx.all(sql, (kind, key, key))
        return [(int(r[0]), str(r[1])) for r in rows]

    def actors_with_name_keys(self, kind: str, keys: Sequence[str]) -> list[int]:
        rows = self._tx.all(
            f"SELECT id FROM actors a WHERE kind = ? AND key IN (SELECT value FROM json_each(?)) AND {_NOT_AHEAD}",
            (kind, json.dumps(list(keys))),
        )
        return [int(r[0]) for r in rows]

    def surname_only_persons(self, keys: Sequence[str]) -> list[tuple[int, str]]:
        rows = self._tx.all(
            """SELECT id, key FROM actors
               WHERE kind = 'person' AND key IN (SELECT value FROM json_each(?)) AND trim(name) NOT LIKE '% %'""",
            (json.dumps(list(keys)),),
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    def other_persons_with_alias_key(self, key: str, excluding: int) -> int:
        n = self._tx.scalar(
            f"""SELECT count(DISTINCT aa.actor_id) FROM actor_aliases aa JOIN actors a ON a.id = aa.actor_id
               WHERE aa.key = ? AND a.kind = 'person' AND aa.actor_id != ? AND {_NOT_AHEAD}""",
            (key, excluding),
        )
        return int(n or 0)


@dataclass(frozen=True, slots=True)
class PreparedAnalysis:
    """What filing needs that is computed before the transaction (off the writer thread)."""

    actor_keys: list[ActorKeys]
    tag_keys: list[TagKeys | None]
    stemmed_title: str
    #: The body the analysis read (chrome removed), stemmed for the index; None for an analysis
    #: without one, which leaves the raw text indexed.
    stemmed_body: str | None


def prepare_analysis(analysis: ArticleAnalysis, rules: FilingRules) -> PreparedAnalysis:
    identity = rules.identity
    return PreparedAnalysis(
        [identity.actor_keys(a) for a in analysis.actors],
        [identity.tag_keys(t) for t in analysis.tags],
        stem_text(analysis.title),
        stem_text(analysis.body) if analysis.body else None,
    )


def _file_actor(tx: Tx, actor: Actor, keys: ActorKeys, rules: FilingRules) -> int:
    decision = rules.identity.resolve(actor, keys, _Facts(tx))
    if decision.actor_id is None:
        new_id = tx.scalar(
            """INSERT INTO actors (kind, name, role, key, name_en, name_en_attested) VALUES (?, ?, ?, ?, ?, ?)
               RETURNING id""",
            (actor.kind, actor.name, actor.role, keys.key, actor.name_en, int(actor.name_en_attested)),
        )
        return int(new_id)
    if decision.rename:
        tx.run("UPDATE actors SET name = ?, key = ?, kind = ? WHERE id = ?",
               (actor.name, keys.key, actor.kind, decision.actor_id))
    if actor.role:  # the latest non-empty role wins
        tx.run("UPDATE actors SET role = ? WHERE id = ?", (actor.role, decision.actor_id))
    _keep_name_en(tx, decision.actor_id, actor)
    return decision.actor_id


def _keep_name_en(tx: Tx, actor_id: int, actor: Actor) -> None:
    """Store the analysis' English form when the actor has none, or when it is attested (text or
    gazetteer) and the stored one is only a transcription: a better form wins, never a worse one."""
    if not actor.name_en:
        return
    tx.run(
        """UPDATE actors SET name_en = ?, name_en_attested = ?
           WHERE id = ? AND (name_en IS NULL OR (? = 1 AND name_en_attested = 0))""",
        (actor.name_en, int(actor.name_en_attested), actor_id, int(actor.name_en_attested)),
    )


def save_analysis_tx(
    tx: Tx,
    article_id: int,
    analysis: ArticleAnalysis,
    prepared: PreparedAnalysis,
    rules: FilingRules,
    ts: int,
    enqueue_alerts: bool,
) -> list[int]:
    row = tx.one("SELECT added_chat_id, text FROM articles WHERE id = ?", (article_id,))
    if row is None:
        raise KeyError(f"article {article_id} does not exist")
    added_chat_id: int | None = row["added_chat_id"]

    old_actor_ids, old_tag_ids = _linked_ids(tx, article_id)
    tx.run("DELETE FROM claims WHERE article_id = ?", (article_id,))
    tx.run("DELETE FROM actions WHERE article_id = ?", (article_id,))
    tx.run("DELETE FROM mentions WHERE article_id = ?", (article_id,))
    tx.run("DELETE FROM article_tags WHERE article_id = ?", (article_id,))

    # Actors, aliases, mentions.
    actor_ids: dict[str, int] = {}
    labels: dict[TargetRef, str] = {}
    for actor, keys in zip(analysis.actors, prepared.actor_keys, strict=True):
        actor_id = _file_actor(tx, actor, keys, rules)
        actor_ids.setdefault(actor.name, actor_id)
        for alias, key in keys.aliases:
            tx.run(
                "INSERT INTO actor_aliases (actor_id, alias, key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (actor_id, alias, key),
            )
        tx.run(
            """INSERT INTO mentions (article_id, actor_id, count, role) VALUES (?, ?, ?, ?)
               ON CONFLICT (article_id, actor_id) DO UPDATE
               SET count = mentions.count + excluded.count, role = coalesce(mentions.role, excluded.role)""",
            (article_id, actor_id, max(1, actor.mentions), actor.role),
        )
        name = tx.scalar("SELECT name FROM actors WHERE id = ?", (actor_id,))
        labels[TargetRef("actor", actor_id)] = str(name)
        for position, action in enumerate(actor.actions):
            tx.run(
                "INSERT INTO actions (article_id, actor_id, position, text) VALUES (?, ?, ?, ?)",
                (article_id, actor_id, position, action),
            )

    # Claims, in text order; the speaker resolves through the canonical actor name.
    for position, claim in enumerate(analysis.claims):
        claim_actor = None
        for candidate in (claim.actor, claim.speaker):
            if candidate is not None and candidate in actor_ids:
                claim_actor = actor_ids[candidate]
                break
        tx.run(
            """INSERT INTO claims (article_id, actor_id, speaker_text, text, kind, position, sentence,
                                   speaker_ref, negated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (article_id, claim_actor, claim.speaker, claim.text, claim.kind, position, claim.sentence,
             claim.speaker_ref, int(claim.negated)),
        )

    # Tags.
    for tag, tag_keys in zip(analysis.tags, prepared.tag_keys, strict=True):
        if tag_keys is None:
            continue
        tag_id = tx.scalar(
            """INSERT INTO tags (name, label_en, key, key_en) VALUES (?, ?, ?, ?)
               ON CONFLICT (name) DO UPDATE
               SET label_en = coalesce(tags.label_en, excluded.label_en),
                   key_en = coalesce(tags.key_en, excluded.key_en)
               RETURNING id""",
            (tag_keys.name, tag.label_en, tag_keys.key, tag_keys.key_en),
        )
        tx.run(
            """INSERT INTO article_tags (article_id, tag_id, origin, score) VALUES (?, ?, ?, ?)
               ON CONFLICT (article_id, tag_id) DO UPDATE SET score = CASE
                   WHEN excluded.score > article_tags.score THEN excluded.score ELSE article_tags.score END""",
            (article_id, tag_id, tag.origin, tag.score),
        )
        labels[TargetRef("tag", int(tag_id))] = tag_keys.name

    tx.run(
        """UPDATE articles SET title = ?, source = ?, via = ?, lead = ?, summary_json = ?,
               language = ?, truncated = ?, status = 'done', error = NULL, analyzed_at = ?
           WHERE id = ?""",
        (
            analysis.title,
            analysis.source,
            analysis.via,
            analysis.lead,
            json_list(analysis.summary),
            analysis.language,
            int(analysis.truncated),
            ts,
            article_id,
        ),
    )
    stemmed_title = prepared.stemmed_title
    stemmed_body = prepared.stemmed_body
    tx.run("UPDATE articles SET body = ? WHERE id = ?", (analysis.body, article_id))
    if stemmed_body is not None:
        updated, _ = tx.run("UPDATE articles_fts SET title = ?, body = ? WHERE rowid = ?",
                            (stemmed_title, stemmed_body, article_id))
    else:
        updated, _ = tx.run("UPDATE articles_fts SET title = ? WHERE rowid = ?", (stemmed_title, article_id))
    if not updated:  # indexed by add_article normally; repair if the row went missing
        tx.run(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (article_id, stemmed_title, stemmed_body or stem_text(row["text"])),
        )

    drop_orphans(tx, old_actor_ids, old_tag_ids)
    if not enqueue_alerts:
        return []
    return _enqueue_alerts(tx, article_id, added_chat_id, labels, rules, ts)


def _candidates(tx: Tx, labels: Mapping[TargetRef, str]) -> list[SubscriptionCandidate]:
    tag_ids = [t.id for t in labels if t.kind == "tag"]
    actor_ids = [t.id for t in labels if t.kind == "actor"]
    return [
        SubscriptionCandidate(
            id=int(s["id"]),
            chat_id=int(s["chat_id"]),
            target=TargetRef(cast(TargetKind, s["target_kind"]), int(s["target_id"])),
            include=refs(s["include_json"]),
            exclude=refs(s["exclude_json"]),
            chat_paused=bool(s["paused"]),
        )
        for s in tx.all(SQL_MATCHING_SUBSCRIPTIONS, (json_list(tag_ids), json_list(actor_ids)))
    ]


def _enqueue_alerts(
    tx: Tx, article_id: int, added_chat_id: int | None, labels: Mapping[TargetRef, str], rules: FilingRules, now: int
) -> list[int]:
    created: list[int] = []
    for alert in rules.alerting.route(added_chat_id, labels, _candidates(tx, labels)):
        new_id = tx.scalar(
            """INSERT INTO outbox (chat_id, article_id, matched_json, status, attempts,
                   next_attempt_at, created_at)
               VALUES (?, ?, ?, 'pending', 0, ?, ?)
               ON CONFLICT (chat_id, article_id) DO NOTHING
               RETURNING id""",
            (alert.chat_id, article_id, json.dumps([asdict(m) for m in alert.matched], ensure_ascii=False), now, now),
        )
        if new_id is not None:
            created.append(int(new_id))
    return created


def article_full(tx: Tx, article_id: int) -> ArticleFull | None:
    row = tx.one(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
    if row is None:
        return None
    actors = tx.all(
        """SELECT a.id AS actor_id, a.name, a.kind, m.role, m.count AS mentions, a.name_en FROM mentions m
           JOIN actors a ON a.id = m.actor_id WHERE m.article_id = ?
           ORDER BY m.count DESC, a.id""",
        (article_id,),
    )
    claims = tx.all(
        """SELECT id, actor_id, speaker_text AS speaker, text, kind, position, speaker_ref, negated FROM claims
           WHERE article_id = ? ORDER BY position, id""",
        (article_id,),
    )
    acts: dict[int, list[str]] = {}
    for r in tx.all("SELECT actor_id, text FROM actions WHERE article_id = ? ORDER BY position, id", (article_id,)):
        acts.setdefault(int(r["actor_id"]), []).append(str(r["text"]))
    tags = tx.all(
        """SELECT t.id AS tag_id, t.name, t.label_en, at.origin, at.score FROM article_tags at
           JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?
           ORDER BY CASE at.origin WHEN 'explicit' THEN 0 WHEN 'topic' THEN 1 ELSE 2 END,
                    at.score DESC, t.name""",
        (article_id,),
    )
    return ArticleFull(
        article=article_row(row),
        actors=tuple(record(ArticleActor, r, actions=tuple(acts.get(int(r["actor_id"]), ()))) for r in actors),
        claims=tuple(record(ArticleClaim, r, negated=bool(r["negated"])) for r in claims),
        tags=tuple(record(ArticleTag, r, score=float(r["score"])) for r in tags),
    )


class SqliteArticles:
    """:class:`storage.protocols.ArticleStore` on SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_article(self, article: NewArticle) -> tuple[int, bool]:
        """Save a raw article BEFORE analysis; returns (id, created).

        A duplicate, by origin message (the same channel post forwarded twice) or by normalized
        text hash (the same text pasted or forwarded from another channel), returns the existing
        id and False so the caller can reply with the existing card instead of filing it twice.
        The text is indexed for search right away, so pending articles are findable too.
        """
        text_hash = normalized_text_hash(article.text)
        stemmed = await asyncio.to_thread(lambda: (stem_text(article.title), stem_text(article.text)))
        return await self._db.write(lambda tx: _insert_article(tx, article, text_hash, stemmed))

    async def save_analysis(
        self,
        article_id: int,
        analysis: ArticleAnalysis,
        rules: FilingRules,
        *,
        now: int | None = None,
        enqueue_alerts: bool = True,
    ) -> list[int]:
        """File an analysis and enqueue its alerts in ONE transaction; returns new outbox ids.

        Calling it again for the same article (re-analysis) replaces mentions/claims/tags and
        never duplicates an alert (UNIQUE(chat_id, article_id)). ``enqueue_alerts=False`` is for
        bulk imports, which should not flood subscribers with years-old news. Which stored actor
        each analysed actor is, and which subscriptions fire, is decided by ``rules`` (see
        bot/services/identity.py and alerting.py); keys are computed by them before the
        transaction, the decisions inside it.

        Raises KeyError if the article does not exist.
        """
        ts = now_or(now)
        prepared = await asyncio.to_thread(prepare_analysis, analysis, rules)
        return await self._db.write(
            lambda tx: save_analysis_tx(tx, article_id, analysis, prepared, rules, ts, enqueue_alerts)
        )

    async def mark_failed(self, article_id: int, error: str, *, now: int | None = None) -> None:
        """Record that analysis failed, so start-up does not retry it forever."""
        ts = now_or(now)
        await self._db.write(
            lambda tx: tx.run(
                "UPDATE articles SET status = 'failed', error = ?, analyzed_at = ? WHERE id = ?",
                (error, ts, article_id),
            )
        )

    async def pending_articles(self) -> list[ArticleRow]:
        """Articles saved but never analysed (the bot stopped mid-way): re-queued at start-up."""
        rows = await self._db.read(
            lambda tx: tx.all(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE status = 'pending' ORDER BY id")
        )
        return [article_row(r) for r in rows]

    async def get_article(self, article_id: int) -> ArticleFull | None:
        """The article and everything its card shows, read in one snapshot."""
        return await self._db.read(lambda tx: article_full(tx, article_id))

    async def article_text(self, article_id: int) -> str | None:
        text = await self._db.read(lambda tx: tx.scalar("SELECT text FROM articles WHERE id = ?", (article_id,)))
        return None if text is None else str(text)

    async def recent_articles(self, limit: int = 10, offset: int = 0) -> list[ArticleBrief]:
        rows = await self._db.read(lambda tx: tx.all(SQL_RECENT_ARTICLES, (max(0, limit), max(0, offset))))
        return [article_brief(r) for r in rows]

    async def delete_article(self, article_id: int) -> bool:
        """Delete an article and whatever only it kept alive: mentions, claims, tags links and
        outbox rows cascade; actors and tags left with no article go (with their aliases), and
        subscriptions on them are deactivated. False if there was no such article."""

        def delete(tx: Tx) -> bool:
            actor_ids, tag_ids = _linked_ids(tx, article_id)
            deleted, _ = tx.run("DELETE FROM articles WHERE id = ?", (article_id,))
            if not deleted:
                return False
            drop_orphans(tx, actor_ids, tag_ids)
            return True

        return await self._db.write(delete)

    async def stats(self) -> LibraryStats:
        """Library totals: kept by triggers in library_counts (migration 011), so /stats reads four
        rows instead of counting 100,000s; a total whose row is missing is counted instead."""
        row = await self._db.read(
            lambda tx: tx.one(
                """SELECT coalesce((SELECT n FROM library_counts WHERE name = 'articles'),
                                   (SELECT count(*) FROM articles)),
                          coalesce((SELECT n FROM library_counts WHERE name = 'actors'),
                                   (SELECT count(*) FROM actors)),
                          coalesce((SELECT n FROM library_counts WHERE name = 'claims'),
                                   (SELECT count(*) FROM claims)),
                          coalesce((SELECT n FROM library_counts WHERE name = 'tags'),
                                   (SELECT count(*) FROM tags)),
                          (SELECT max(added_at) FROM articles),
                          (SELECT count(*) FROM articles WHERE status = 'pending'),
                          (SELECT count(*) FROM articles WHERE status = 'failed')"""
            )
        )
        assert row is not None
        return LibraryStats(row[0], row[1], row[2], row[3], row[4], row[5], row[6])
