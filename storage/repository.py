"""The ``Storage`` facade: Dossier's one door to the database.

A thin layer over a :class:`storage.protocols.Backend`: the aggregates are public attributes
(``storage.articles``, ``storage.actors``, ... typed as their Protocols) and every method of the
first, single-class version is kept as a one-line delegation, so callers keep working unchanged.
New code may use either; the aggregates are the seam a second backend implements.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from analysis.model import ArticleAnalysis
from storage.actors import DOSSIER_WINDOW
from storage.backends import open_backend
from storage.errors import MigrationError, SchemaTooNewError, StorageError
from storage.maintenance import HOT_QUERIES
from storage.protocols import Backend, FilingRules
from storage.records import (
    ActorBrief,
    ActorDossier,
    ActorRow,
    ArticleBrief,
    ArticleFull,
    ArticleRow,
    ChatSettings,
    Claimed,
    ClaimRow,
    Feed,
    InboxItem,
    LibraryStats,
    Member,
    MemberRole,
    NewArticle,
    OutboxCounts,
    OutboxRow,
    Period,
    SearchHit,
    SubscriptionRow,
    TagBrief,
    TargetKind,
    TargetRef,
)
from storage.search import SEARCH_CAP
from storage.text import normalized_text_hash

__all__ = [
    "DOSSIER_WINDOW",
    "HOT_QUERIES",
    "SEARCH_CAP",
    "MigrationError",
    "SchemaTooNewError",
    "Storage",
    "StorageError",
    "normalized_text_hash",
]

class Storage:
    """The library's database. Create with ``Storage.open(url)`` (or ``connect``/``close``)."""

    def __init__(self, backend: Backend, *, rules: FilingRules | None = None) -> None:
        self.backend = backend
        self.rules = rules
        self.articles = backend.articles
        self.actors = backend.actors
        self.tags = backend.tags
        self.search = backend.search
        self.members = backend.members
        self.chats = backend.chats
        self.subscriptions = backend.subscriptions
        self.outbox = backend.outbox
        self.feeds = backend.feeds
        self.inbox = backend.inbox
        self.imports = backend.imports
        self.maintenance = backend.maintenance
        self.merges = backend.merges
        self.charts = backend.charts
        self.jobs = backend.jobs
        self.leases = backend.leases

    # ---------------------------------------------------------------- lifecycle

    @classmethod
    @asynccontextmanager
    async def open(
        cls, database_url: str, *, rules: FilingRules | None = None, migrations_dir: Path | None = None,
        connect_attempts: int = 5,
    ) -> AsyncIterator[Storage]:
        """``async with Storage.open("sqlite:///data/dossier.db", rules=FILING_RULES) as db:`` —
        migrates on entry, closes every connection on exit (the database threads keep the process
        alive otherwise). ``rules`` (bot.services.identity.FILING_RULES) decide actor identity and
        alerts when an analysis is filed; a Storage opened without them only refuses
        save_analysis (backup, export and the queries need none)."""
        db = await cls.connect(database_url, rules=rules, migrations_dir=migrations_dir,
                               connect_attempts=connect_attempts)
        try:
            yield db
        finally:
            await db.close()

    @classmethod
    async def connect(
        cls, database_url: str, *, rules: FilingRules | None = None, migrations_dir: Path | None = None,
        connect_attempts: int = 5,
    ) -> Storage:
        """Open and migrate; for lifecycles that are not one ``with`` block (PTB post_init /
        post_shutdown). Pair with ``close()``.

        ``connect_attempts`` bounds the tries of an unreachable PostgreSQL server (SQLite ignores it).
        Raises ValueError for an unsupported URL, MigrationError / SchemaTooNewError,
        DatabaseUnavailable (a StorageError) when the server never answered.
        """
        return cls(await open_backend(database_url, migrations_dir=migrations_dir, connect_attempts=connect_attempts),
                   rules=rules)

    async def close(self) -> None:
        """Close all connections; a write in flight finishes first. Idempotent."""
        await self.backend.close()

    @property
    def generation(self) -> int:
        """Increases on every committed write that changes library content or membership (not on
        bookkeeping writes: inbox, chat settings, outbox delivery). Callers cache alias_index() and
        roles keyed on it; it starts at 0 per process, so never persist it."""
        return self.backend.generation

    # ---------------------------------------------------------------- articles

    async def add_article(self, article: NewArticle) -> tuple[int, bool]:
        return await self.articles.add_article(article)

    async def save_analysis(
        self, article_id: int, analysis: ArticleAnalysis, *, now: int | None = None, enqueue_alerts: bool = True
    ) -> list[int]:
        """File an analysis with the rules this Storage was opened with (see ArticleStore)."""
        if self.rules is None:
            raise StorageError("this Storage was opened without filing rules (Storage.open(url, rules=...))")
        return await self.articles.save_analysis(
            article_id, analysis, self.rules, now=now, enqueue_alerts=enqueue_alerts
        )

    async def finish_job(self, article_id: int, worker: str, analysis: ArticleAnalysis,
                         *, now: float | None = None) -> list[int] | None:
        """File a worker's analysis once (see JobStore.finish) with this Storage's filing rules."""
        if self.rules is None:
            raise StorageError("this Storage was opened without filing rules (Storage.open(url, rules=...))")
        return await self.jobs.finish(article_id, worker, analysis, self.rules, now=now)

    async def mark_failed(self, article_id: int, error: str, *, now: int | None = None) -> None:
        await self.articles.mark_failed(article_id, error, now=now)

    async def pending_articles(self) -> list[ArticleRow]:
        return await self.articles.pending_articles()

    async def get_article(self, article_id: int) -> ArticleFull | None:
        return await self.articles.get_article(article_id)

    async def article_text(self, article_id: int) -> str | None:
        return await self.articles.article_text(article_id)

    async def recent_articles(self, limit: int = 10, offset: int = 0) -> list[ArticleBrief]:
        return await self.articles.recent_articles(limit, offset)

    async def delete_article(self, article_id: int) -> bool:
        return await self.articles.delete_article(article_id)

    async def stats(self) -> LibraryStats:
        return await self.articles.stats()

    # ---------------------------------------------------------------- actors, tags, search

    async def actors_by_keys(self, keys: Sequence[str], kind: str | None = None) -> list[ActorBrief]:
        return await self.actors.actors_by_keys(keys, kind)

    async def actors_by_key_prefix(self, prefix: str, limit: int = 10, kind: str | None = None) -> list[ActorBrief]:
        return await self.actors.actors_by_key_prefix(prefix, limit, kind)

    async def alias_index(self) -> list[tuple[str, int]]:
        return await self.actors.alias_index()

    async def alias_rows(self) -> list[tuple[int, str, str, int, str]]:
        return await self.actors.alias_rows()

    async def actors_by_ids(self, ids: Sequence[int]) -> list[ActorBrief]:
        return await self.actors.actors_by_ids(ids)

    async def follow_ahead(self, kind: str, name: str, key: str, aliases: Sequence[tuple[str, str]]) -> int:
        return await self.actors.follow_ahead(kind, name, key, aliases)

    async def top_actors(self, limit: int = 10, offset: int = 0, kind: str | None = None) -> list[ActorBrief]:
        return await self.actors.top_actors(limit, offset, kind)

    async def get_actor(self, actor_id: int) -> ActorRow | None:
        return await self.actors.get_actor(actor_id)

    async def actor_dossier(
        self, actor_id: int, *, claims_limit: int = 5, articles_limit: int = 5, co_limit: int = 5
    ) -> ActorDossier | None:
        return await self.actors.actor_dossier(
            actor_id, claims_limit=claims_limit, articles_limit=articles_limit, co_limit=co_limit
        )

    async def claims_by_actor(self, actor_id: int, limit: int = 10, offset: int = 0) -> tuple[list[ClaimRow], int]:
        return await self.actors.claims_by_actor(actor_id, limit, offset)

    async def tags_by_keys(self, keys: Sequence[str]) -> list[TagBrief]:
        return await self.tags.tags_by_keys(keys)

    async def ensure_tag(self, name: str, label_en: str | None, key: str, key_en: str | None) -> TagBrief:
        return await self.tags.ensure_tag(name, label_en, key, key_en)

    async def top_tags(self, limit: int = 20, offset: int = 0) -> list[TagBrief]:
        return await self.tags.top_tags(limit, offset)

    async def articles_by_tag(self, tag_id: int, limit: int = 10, offset: int = 0,
                              period: Period | None = None) -> tuple[list[ArticleBrief], int]:
        return await self.tags.articles_by_tag(tag_id, limit, offset, period)

    async def get_tag(self, tag_id: int) -> TagBrief | None:
        return await self.tags.get_tag(tag_id)

    async def search_articles(self, query: str, limit: int = 10, offset: int = 0) -> tuple[list[SearchHit], int]:
        return await self.search.search_articles(query, limit, offset)

    async def outlets(self) -> list[tuple[str, int]]:
        return await self.search.outlets()

    async def articles_by_outlet(self, name: str, limit: int = 10, offset: int = 0) -> tuple[list[ArticleBrief], int]:
        return await self.search.articles_by_outlet(name, limit, offset)

    # ---------------------------------------------------------------- members

    async def get_member(self, user_id: int) -> Member | None:
        return await self.members.get_member(user_id)

    async def list_members(self) -> list[Member]:
        return await self.members.list_members()

    async def add_member(
        self, user_id: int, role: MemberRole, added_by: int | None, name: str | None = None, *, now: int | None = None
    ) -> bool:
        return await self.members.add_member(user_id, role, added_by, name, now=now)

    async def remove_member(self, user_id: int) -> bool:
        return await self.members.remove_member(user_id)

    async def owner(self) -> Member | None:
        return await self.members.owner()

    async def claim_ownership(self, user_id: int, name: str | None = None, *, now: int | None = None) -> bool:
        return await self.members.claim_ownership(user_id, name, now=now)

    async def seed_members(self, ids: Sequence[int], *, now: int | None = None) -> None:
        await self.members.seed_members(ids, now=now)

    # ---------------------------------------------------------------- chats

    async def upsert_chat(self, chat_id: int, type: str | None, title: str | None, language: str | None = None) -> None:
        await self.chats.upsert_chat(chat_id, type, title, language)

    async def get_chat_settings(self, chat_id: int) -> ChatSettings | None:
        return await self.chats.get_chat_settings(chat_id)

    async def set_muted_until(self, chat_id: int, until: int | None) -> None:
        await self.chats.set_muted_until(chat_id, until)

    async def set_digest_time(self, chat_id: int, time: str | None, tz: str, since: int) -> None:
        """Store a digest slot already checked by bot/services/schedule.set_digest."""
        await self.chats.set_digest_time(chat_id, time, tz, since)

    async def set_paused(self, chat_id: int, paused: bool) -> None:
        await self.chats.set_paused(chat_id, paused)

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        await self.chats.migrate_chat(old_chat_id, new_chat_id)

    async def digest_chats(self, now: int) -> list[ChatSettings]:
        """Chats in digest mode, neither paused nor muted (which are due: bot/services/schedule)."""
        return await self.chats.digest_chats(now)

    # ---------------------------------------------------------------- subscriptions

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
        return await self.subscriptions.add_subscription(
            chat_id, target_kind, target_id, include, exclude, created_by, now=now
        )

    async def remove_subscription(self, chat_id: int, target_kind: TargetKind, target_id: int) -> bool:
        return await self.subscriptions.remove_subscription(chat_id, target_kind, target_id)

    async def remove_subscription_by_id(self, chat_id: int, sub_id: int) -> bool:
        return await self.subscriptions.remove_subscription_by_id(chat_id, sub_id)

    async def list_subscriptions(self, chat_id: int) -> list[SubscriptionRow]:
        return await self.subscriptions.list_subscriptions(chat_id)

    async def subscribers_count(self, target_kind: TargetKind | None = None, target_id: int | None = None) -> int:
        return await self.subscriptions.subscribers_count(target_kind, target_id)

    # ---------------------------------------------------------------- outbox

    async def due_alerts(self, now: int, limit: int = 50) -> list[OutboxRow]:
        return await self.outbox.due_alerts(now, limit)

    async def mark_sent(self, outbox_id: int, telegram_message_id: int | None, now: int | None = None) -> bool:
        return await self.outbox.mark_sent(outbox_id, telegram_message_id, now)

    async def mark_alert_failed(self, outbox_id: int, error: str, now: int | None = None) -> None:
        await self.outbox.mark_alert_failed(outbox_id, error, now)

    async def reschedule_alert(self, outbox_id: int, next_attempt_at: int, error: str) -> None:
        await self.outbox.reschedule_alert(outbox_id, next_attempt_at, error)

    async def pending_digest(self, chat_id: int) -> list[OutboxRow]:
        return await self.outbox.pending_digest(chat_id)

    async def mark_digest_sent(self, chat_id: int, ids: Sequence[int], now: int | None = None) -> None:
        await self.outbox.mark_digest_sent(chat_id, ids, now)

    async def outbox_counts(self) -> OutboxCounts:
        return await self.outbox.outbox_counts()

    # ---------------------------------------------------------------- feeds, inbox, imports

    async def add_feed(
        self, channel_id: int, username: str | None, title: str | None, added_by: int | None, *, now: int | None = None
    ) -> bool:
        return await self.feeds.add_feed(channel_id, username, title, added_by, now=now)

    async def remove_feed(self, channel: int | str) -> bool:
        return await self.feeds.remove_feed(channel)

    async def list_feeds(self) -> list[Feed]:
        return await self.feeds.list_feeds()

    async def feed_enabled(self, channel_id: int) -> bool:
        return await self.feeds.feed_enabled(channel_id)

    async def inbox_put(self, update_id: int, payload_json: str, *, chat_id: int = 0, part: bool = False,
                        now: int | None = None) -> bool:
        return await self.inbox.inbox_put(update_id, payload_json, chat_id=chat_id, part=part, now=now)

    async def inbox_put_many(self, items: Sequence[InboxItem], *, now: int | None = None) -> list[bool]:
        return await self.inbox.inbox_put_many(items, now=now)

    async def inbox_done(self, update_id: int, *, now: int | None = None) -> None:
        await self.inbox.inbox_done(update_id, now=now)

    async def inbox_done_many(self, update_ids: Sequence[int], *, now: int | None = None) -> None:
        await self.inbox.inbox_done_many(update_ids, now=now)

    async def inbox_pending(self) -> list[tuple[int, str]]:
        return await self.inbox.inbox_pending()

    async def inbox_prune(self, older_than: int) -> int:
        return await self.inbox.inbox_prune(older_than)

    async def inbox_claim(self, replica: str, *, limit: int, lease_ms: int, now: int | None = None) -> list[Claimed]:
        return await self.inbox.inbox_claim(replica, limit=limit, lease_ms=lease_ms, now=now)

    async def inbox_renew(self, replica: str, *, lease_ms: int, now: int | None = None) -> int:
        return await self.inbox.inbox_renew(replica, lease_ms=lease_ms, now=now)

    async def inbox_release(self, replica: str) -> int:
        return await self.inbox.inbox_release(replica)

    async def get_import_position(self, source_key: str) -> int | None:
        return await self.imports.get_import_position(source_key)

    async def set_import_position(self, source_key: str, position: int, *, now: int | None = None) -> None:
        await self.imports.set_import_position(source_key, position, now=now)

    # ---------------------------------------------------------------- maintenance

    async def backup(self, path: str | Path) -> None:
        await self.maintenance.backup(path)

    def export_articles(self, batch: int = 100) -> AsyncIterator[dict[str, Any]]:
        return self.maintenance.export_articles(batch)

    async def explain(self, sql_name: str) -> list[str]:
        return await self.maintenance.explain(sql_name)
