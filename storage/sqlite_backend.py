"""The SQLite backend: one :class:`storage.db.Database` and the aggregate modules on it."""

from __future__ import annotations

from pathlib import Path

from storage.actors import SqliteActors
from storage.articles import SqliteArticles
from storage.charts import SqliteCharts
from storage.db import Database
from storage.feeds import SqliteFeeds
from storage.imports import SqliteImports
from storage.inbox import SqliteInbox
from storage.jobs import SqliteJobs
from storage.leases import SqliteLeases
from storage.maintenance import SqliteMaintenance
from storage.members import SqliteChats, SqliteMembers
from storage.merges import SqliteMerges
from storage.outbox import SqliteOutbox
from storage.protocols import (
    ActorStore,
    ArticleStore,
    ChartStore,
    ChatStore,
    FeedStore,
    ImportStore,
    InboxStore,
    JobStore,
    LeaseStore,
    MaintenanceStore,
    MemberStore,
    MergeStore,
    OutboxStore,
    SearchStore,
    SubscriptionStore,
    TagStore,
)
from storage.search import SqliteSearch
from storage.subscriptions import SqliteSubscriptions
from storage.tags import SqliteTags


class SqliteBackend:
    """:class:`storage.protocols.Backend` on one SQLite file (or ``:memory:``). The attributes
    are typed as the Protocols, so mypy checks every Sqlite* class against its interface."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.articles: ArticleStore = SqliteArticles(db)
        self.actors: ActorStore = SqliteActors(db)
        self.tags: TagStore = SqliteTags(db)
        self.search: SearchStore = SqliteSearch(db)
        self.members: MemberStore = SqliteMembers(db)
        self.chats: ChatStore = SqliteChats(db)
        self.subscriptions: SubscriptionStore = SqliteSubscriptions(db)
        self.outbox: OutboxStore = SqliteOutbox(db)
        self.feeds: FeedStore = SqliteFeeds(db)
        self.inbox: InboxStore = SqliteInbox(db)
        self.imports: ImportStore = SqliteImports(db)
        self.maintenance: MaintenanceStore = SqliteMaintenance(db)
        self.merges: MergeStore = SqliteMerges(db)
        self.charts: ChartStore = SqliteCharts(db)
        self.jobs: JobStore = SqliteJobs(db)
        self.leases: LeaseStore = SqliteLeases(db)

    @classmethod
    async def open(cls, database_url: str, *, migrations_dir: Path | None = None) -> SqliteBackend:
        return cls(await Database.open(database_url, migrations_dir=migrations_dir))

    @property
    def generation(self) -> int:
        return self.db.generation

    @property
    def closed(self) -> bool:
        return self.db.closed

    async def close(self) -> None:
        await self.db.close()
