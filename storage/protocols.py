"""The storage seam: one ``typing.Protocol`` per aggregate, and the ``Backend`` that bundles them.

These are the only interfaces the rest of Dossier depends on (through the ``Storage`` facade in
storage/repository.py). They speak in the frozen records of ``storage.records`` and plain Python
values (ints, strs, unix seconds): no rows, cursors, connections or SQL dialect leak through them,
so a second backend (PostgreSQL) implements the same Protocols with its own SQL and plugs in by
returning a ``Backend`` from ``storage.backends.open_backend`` for its URL scheme.

Every method is a coroutine; every write is one transaction (all of a use case or none of it).
``now`` parameters are unix seconds injected by tests; None means the wall clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from analysis.model import Actor, ArticleAnalysis, Tag
from storage.merges import MergeRow
from storage.records import (
    ActorBrief,
    ActorDecision,
    ActorDossier,
    ActorKeys,
    ActorRow,
    Alert,
    ArticleBrief,
    ArticleFull,
    ArticleRow,
    ChatSettings,
    Claimed,
    ClaimedJob,
    ClaimRow,
    EgoRows,
    Feed,
    InboxItem,
    JobCounts,
    JobState,
    LibraryRows,
    LibraryStats,
    Member,
    MemberRole,
    NewArticle,
    OutboxCounts,
    OutboxRow,
    Period,
    SearchHit,
    Span,
    SubscriptionCandidate,
    SubscriptionRow,
    TagBrief,
    TagKeys,
    TargetDates,
    TargetKind,
    TargetRef,
)


class IdentityFacts(Protocol):
    """What the library already holds, asked by the identity rules INSIDE the filing transaction
    (so actors filed earlier in the same analysis are seen). Synchronous on purpose: the rules are
    plain functions; a backend whose driver is async gathers the answers before it calls them."""

    def actor_with_key(self, kind: str, key: str) -> int | None:
        """The actor of this kind whose name key is ``key``."""
        ...

    def actors_with_alias_key(self, kind: str, key: str) -> list[int]:
        """Distinct actors of this kind with an alias whose key is ``key``."""
        ...

    def actors_with_name_keys(self, kind: str, keys: Sequence[str]) -> list[int]:
        """Actors of this kind whose name key is one of ``keys``."""
        ...

    def surname_only_persons(self, keys: Sequence[str]) -> list[tuple[int, str]]:
        """(id, key) of persons with a one-word name whose key is one of ``keys``."""
        ...

    def other_persons_with_alias_key(self, key: str, excluding: int) -> int:
        """How many persons other than ``excluding`` have an alias with key ``key``."""
        ...

    def aliases(self, actor_id: int) -> list[str]:
        """Every alias text of an actor."""
        ...

    def followed_ahead(self, keys: Sequence[str]) -> list[tuple[int, str, list[str]]]:
        """(id, kind, aliases) of actors followed before any article had them, with an alias key in ``keys``."""
        ...

    def merged_names(self, kind: str, key: str) -> list[tuple[int, str]]:
        """(survivor id, alias text) for each name with key ``key`` that a merge in force moved into
        an actor of this kind (and that actor still has it): how a later article naming the absorbed
        actor reaches the survivor. Nothing once the merge is undone."""
        ...


class IdentityRules(Protocol):
    """Actor identity across articles (bot/services/identity.py): keys, and which actor is which."""

    def actor_keys(self, actor: Actor) -> ActorKeys: ...
    def tag_keys(self, tag: Tag) -> TagKeys | None:
        """None drops the tag (nothing left of its name)."""
        ...

    def resolve(self, actor: Actor, keys: ActorKeys, facts: IdentityFacts) -> ActorDecision: ...


class AlertRules(Protocol):
    """Which subscriptions an article triggers (bot/services/alerting.py)."""

    def route(
        self,
        added_chat_id: int | None,
        labels: Mapping[TargetRef, str],
        candidates: Sequence[SubscriptionCandidate],
    ) -> list[Alert]:
        """Alerts for an article whose actors and tags are ``labels`` (target -> display name),
        given the active subscriptions on any of them; at most one Alert per chat."""
        ...


@dataclass(frozen=True, slots=True)
class FilingRules:
    """The policy storage calls while it files an analysis, injected by the composition root."""

    identity: IdentityRules
    alerting: AlertRules


class ArticleStore(Protocol):
    """Filing articles and analyses; reading an article's card."""

    async def add_article(self, article: NewArticle) -> tuple[int, bool]: ...
    async def save_analysis(
        self,
        article_id: int,
        analysis: ArticleAnalysis,
        rules: FilingRules,
        *,
        now: int | None = None,
        enqueue_alerts: bool = True,
    ) -> list[int]: ...
    async def mark_failed(self, article_id: int, error: str, *, now: int | None = None) -> None: ...
    async def pending_articles(self) -> list[ArticleRow]: ...
    async def get_article(self, article_id: int) -> ArticleFull | None: ...
    async def article_text(self, article_id: int) -> str | None: ...
    async def recent_articles(self, limit: int = 10, offset: int = 0) -> list[ArticleBrief]: ...
    async def delete_article(self, article_id: int) -> bool: ...
    async def stats(self) -> LibraryStats: ...


class ActorStore(Protocol):
    """Actors by alias key, the /who dossier, an actor's claims."""

    async def actors_by_keys(self, keys: Sequence[str], kind: str | None = None) -> list[ActorBrief]: ...
    async def actors_by_key_prefix(
        self, prefix: str, limit: int = 10, kind: str | None = None
    ) -> list[ActorBrief]: ...
    async def alias_index(self) -> list[tuple[str, int]]: ...
    async def alias_rows(self) -> list[tuple[int, str, str, int, str]]: ...
    async def actors_by_ids(self, ids: Sequence[int]) -> list[ActorBrief]: ...
    async def follow_ahead(self, kind: str, name: str, key: str, aliases: Sequence[tuple[str, str]]) -> int: ...
    async def top_actors(self, limit: int = 10, offset: int = 0, kind: str | None = None) -> list[ActorBrief]: ...
    async def get_actor(self, actor_id: int) -> ActorRow | None: ...
    async def actor_dossier(
        self, actor_id: int, *, claims_limit: int = 5, articles_limit: int = 5, co_limit: int = 5
    ) -> ActorDossier | None: ...
    async def claims_by_actor(
        self, actor_id: int, limit: int = 10, offset: int = 0
    ) -> tuple[list[ClaimRow], int]: ...


class TagStore(Protocol):
    """Tags by key, the most-used tags, a tag's articles."""

    async def tags_by_keys(self, keys: Sequence[str]) -> list[TagBrief]: ...
    async def ensure_tag(self, name: str, label_en: str | None, key: str, key_en: str | None) -> TagBrief: ...
    async def top_tags(self, limit: int = 20, offset: int = 0) -> list[TagBrief]: ...
    async def articles_by_tag(
        self, tag_id: int, limit: int = 10, offset: int = 0, period: Period | None = None
    ) -> tuple[list[ArticleBrief], int]: ...
    async def get_tag(self, tag_id: int) -> TagBrief | None: ...


class SearchStore(Protocol):
    """Full-text search. Totals are exact up to SEARCH_CAP; SEARCH_CAP + 1 means "more"."""

    async def search_articles(
        self, query: str, limit: int = 10, offset: int = 0
    ) -> tuple[list[SearchHit], int]: ...

    async def outlets(self) -> list[tuple[str, int]]: ...

    async def articles_by_outlet(
        self, name: str, limit: int = 10, offset: int = 0
    ) -> tuple[list[ArticleBrief], int]: ...


class MemberStore(Protocol):
    """Who may use the library; exactly one owner."""

    async def get_member(self, user_id: int) -> Member | None: ...
    async def list_members(self) -> list[Member]: ...
    async def add_member(
        self, user_id: int, role: MemberRole, added_by: int | None, name: str | None = None, *, now: int | None = None
    ) -> bool: ...
    async def remove_member(self, user_id: int) -> bool: ...
    async def owner(self) -> Member | None: ...
    async def claim_ownership(self, user_id: int, name: str | None = None, *, now: int | None = None) -> bool: ...
    async def seed_members(self, ids: Sequence[int], *, now: int | None = None) -> None: ...


class ChatStore(Protocol):
    """Per-chat settings. Values are validated by the services (bot/services/schedule.py)."""

    async def upsert_chat(
        self, chat_id: int, type: str | None, title: str | None, language: str | None = None
    ) -> None: ...
    async def get_chat_settings(self, chat_id: int) -> ChatSettings | None: ...
    async def set_muted_until(self, chat_id: int, until: int | None) -> None: ...
    async def set_digest_time(self, chat_id: int, time: str | None, tz: str, since: int) -> None: ...
    async def set_paused(self, chat_id: int, paused: bool) -> None: ...
    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None: ...
    async def digest_chats(self, now: int) -> list[ChatSettings]: ...


class SubscriptionStore(Protocol):
    """Which chat follows which tag or actor."""

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
    ) -> tuple[int, bool]: ...
    async def remove_subscription(self, chat_id: int, target_kind: TargetKind, target_id: int) -> bool: ...
    async def remove_subscription_by_id(self, chat_id: int, sub_id: int) -> bool: ...
    async def list_subscriptions(self, chat_id: int) -> list[SubscriptionRow]: ...
    async def subscribers_count(
        self, target_kind: TargetKind | None = None, target_id: int | None = None
    ) -> int: ...


class OutboxStore(Protocol):
    """Alerts to deliver, each article to each chat at most once; digests."""

    async def due_alerts(self, now: int, limit: int = 50) -> list[OutboxRow]: ...
    async def mark_sent(self, outbox_id: int, telegram_message_id: int | None, now: int | None = None) -> bool: ...
    async def mark_alert_failed(self, outbox_id: int, error: str, now: int | None = None) -> None: ...
    async def reschedule_alert(self, outbox_id: int, next_attempt_at: int, error: str) -> None: ...
    async def pending_digest(self, chat_id: int) -> list[OutboxRow]: ...
    async def mark_digest_sent(self, chat_id: int, ids: Sequence[int], now: int | None = None) -> None: ...
    async def outbox_counts(self) -> OutboxCounts: ...


class FeedStore(Protocol):
    """Channels whose posts are filed automatically."""

    async def add_feed(
        self, channel_id: int, username: str | None, title: str | None, added_by: int | None, *, now: int | None = None
    ) -> bool: ...
    async def remove_feed(self, channel: int | str) -> bool: ...
    async def list_feeds(self) -> list[Feed]: ...
    async def feed_enabled(self, channel_id: int) -> bool: ...


class InboxStore(Protocol):
    """Raw updates persisted before handling, for replay after a crash, claimed per chat by the
    dispatchers of webhook replicas."""

    async def inbox_put(self, update_id: int, payload_json: str, *, chat_id: int = 0, part: bool = False,
                        now: int | None = None) -> bool: ...
    async def inbox_put_many(self, items: Sequence[InboxItem], *, now: int | None = None) -> list[bool]: ...
    async def inbox_done(self, update_id: int, *, now: int | None = None) -> None: ...
    async def inbox_done_many(self, update_ids: Sequence[int], *, now: int | None = None) -> None: ...
    async def inbox_pending(self) -> list[tuple[int, str]]: ...
    async def inbox_prune(self, older_than: int) -> int: ...
    async def inbox_claim(self, replica: str, *, limit: int, lease_ms: int,
                          now: int | None = None) -> list[Claimed]: ...
    async def inbox_renew(self, replica: str, *, lease_ms: int, now: int | None = None) -> int: ...
    async def inbox_release(self, replica: str) -> int: ...


class ImportStore(Protocol):
    """Resumable bulk-import positions."""

    async def get_import_position(self, source_key: str) -> int | None: ...
    async def set_import_position(self, source_key: str, position: int, *, now: int | None = None) -> None: ...


class MaintenanceStore(Protocol):
    """Backup, export, query plans (``explain`` names come from the backend's HOT_QUERIES)."""

    async def backup(self, path: str | Path) -> None: ...
    def export_articles(self, batch: int = 100) -> AsyncIterator[dict[str, Any]]: ...
    async def explain(self, sql_name: str) -> list[str]: ...


class MergeStore(Protocol):
    """Merging two actors into one and undoing it (storage/merges.py)."""

    async def merge_actors(self, survivor_id: int, absorbed_id: int, *, by: int | None, now: int) -> int: ...
    async def unmerge(self, merge_id: int, *, by: int | None, now: int) -> bool: ...
    async def active_merges(self, actor_id: int) -> list[MergeRow]: ...
    async def merge_log(self, limit: int = 20) -> list[MergeRow]: ...
    async def merged_into(self, actor_id: int) -> int | None: ...


class ChartStore(Protocol):
    """The numbers behind /graph and /trend, by the articles' own dates (read-only)."""

    async def ego_network(self, actor_id: int, span: Span | None, limit: int, window: int) -> EgoRows: ...
    async def library_network(self, span: Span | None, limit: int, window: int) -> LibraryRows: ...
    async def daily_counts(self, kind: TargetKind, target_id: int, span: Span) -> dict[int, int]: ...
    async def target_dates(self, kind: TargetKind, target_id: int) -> TargetDates: ...
    async def targets_articles(self, refs: Sequence[TargetRef]) -> tuple[int, int]: ...
    async def library_dates(self) -> TargetDates: ...
    async def explain(self, name: str) -> list[str]: ...


class JobStore(Protocol):
    """The analysis job queue (storage/jobs.py): claims, renewals, filing each article once."""

    async def enqueue(self, article_id: int, *, alerts: bool, waiter: str | None = None,
                      wait_ttl: float = 0.0, now: float | None = None) -> None: ...
    async def claim(self, worker: str, *, ttl: float, max_attempts: int,
                    now: float | None = None) -> ClaimedJob | None: ...
    async def renew(self, article_id: int, worker: str, *, ttl: float, now: float | None = None) -> bool: ...
    async def finish(self, article_id: int, worker: str, analysis: ArticleAnalysis, rules: FilingRules,
                     *, now: float | None = None) -> list[int] | None: ...
    async def fail(self, article_id: int, worker: str, error: str, *, now: float | None = None) -> bool: ...
    async def release(self, article_id: int, worker: str, error: str | None, *, count_attempt: bool) -> None: ...
    async def states(self, article_ids: Sequence[int]) -> list[JobState]: ...
    async def renew_waits(self, waiter: str, ttl: float, *, now: float | None = None) -> int: ...
    async def adopt(self, article_id: int, *, alerts: bool, waiter: str, wait_ttl: float,
                    now: float | None = None) -> bool: ...
    async def counts(self) -> JobCounts: ...


class LeaseStore(Protocol):
    """Named leases (storage/leases.py): one holder at a time across all processes."""

    async def acquire(self, name: str, holder: str, ttl: float, *, now: float | None = None) -> bool: ...
    async def release(self, name: str, holder: str) -> bool: ...
    async def holder(self, name: str, *, now: float | None = None) -> str | None: ...


class Backend(Protocol):
    """One database: every aggregate, the write generation, and close()."""

    articles: ArticleStore
    actors: ActorStore
    tags: TagStore
    search: SearchStore
    members: MemberStore
    chats: ChatStore
    subscriptions: SubscriptionStore
    outbox: OutboxStore
    feeds: FeedStore
    inbox: InboxStore
    imports: ImportStore
    maintenance: MaintenanceStore
    merges: MergeStore
    charts: ChartStore
    jobs: JobStore
    leases: LeaseStore

    @property
    def generation(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    async def close(self) -> None: ...
