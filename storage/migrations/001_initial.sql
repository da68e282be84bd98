-- 001_initial: Dossier's first schema.
--
-- Conventions
-- * Timestamps are unix seconds (INTEGER): cheap to compare, no timezone ambiguity in storage;
--   only digest scheduling needs local time and it converts with zoneinfo in Python.
-- * Ids users see or subscribe to (articles "#12", actors, tags, subscriptions) are
--   AUTOINCREMENT so a deleted id is never handed to a different row: an old "#12" in a chat, or
--   a deactivated subscription, must never silently start pointing at something else.
-- * Link tables are WITHOUT ROWID: their primary key IS the lookup path, so this halves their size
--   and saves one b-tree hop per probe.
-- * CHECK constraints hold the enums so a bug elsewhere cannot file a status the code never reads.
-- * This file is applied by storage/migrate.py statement by statement inside ONE transaction
--   together with its schema_version row. Do not put BEGIN/COMMIT or PRAGMAs here.

CREATE TABLE articles (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    text                 TEXT    NOT NULL,
    -- sha256 of NFKC + lowercase + collapsed whitespace (storage.normalized_text_hash): the same
    -- article pasted by two members, or forwarded from two channels, is filed once.
    text_hash            TEXT    NOT NULL UNIQUE,
    title                TEXT,
    source               TEXT,
    via                  TEXT,
    lead                 TEXT,
    summary_json         TEXT    NOT NULL DEFAULT '[]',
    language             TEXT,
    truncated            INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    origin_kind          TEXT    NOT NULL CHECK (origin_kind IN
                             ('channel', 'user', 'hidden_user', 'chat', 'paste', 'document', 'link',
                              'import', 'feed')),
    origin_chat_id       INTEGER,
    origin_chat_title    TEXT,
    origin_chat_username TEXT,
    origin_message_id    INTEGER,
    origin_date          INTEGER,
    url                  TEXT,
    added_by             INTEGER,
    added_chat_id        INTEGER,
    added_message_id     INTEGER,
    added_at             INTEGER NOT NULL,
    analyzed_at          INTEGER,
    status               TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    error                TEXT,
    -- NULLs are distinct in SQLite UNIQUE, so pastes/documents (no origin message) never collide.
    UNIQUE (origin_chat_id, origin_message_id)
);
CREATE INDEX articles_added_at ON articles (added_at);
CREATE INDEX articles_status ON articles (status);

-- Actors are identified across articles by (kind, search key of the canonical name); aliases carry
-- every other spelling (surname, transliterations) with their keys for /who lookups.
CREATE TABLE actors (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT    NOT NULL CHECK (kind IN ('person', 'organization', 'location')),
    name TEXT    NOT NULL,
    role TEXT,                       -- the latest role seen (per-article roles live in mentions)
    key  TEXT    NOT NULL,
    UNIQUE (kind, key)
);

-- Primary-key columns come first: SQLite 3.40's PRAGMA integrity_check falsely reports
-- "NULL value in actor_aliases.alias" for a WITHOUT ROWID table whose NOT NULL non-key column sits
-- before a key column, and a health check that cries wolf is worse than none.
CREATE TABLE actor_aliases (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    alias    TEXT    NOT NULL,
    PRIMARY KEY (actor_id, key)
) WITHOUT ROWID;
CREATE INDEX actor_aliases_key ON actor_aliases (key);

CREATE TABLE mentions (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    count      INTEGER NOT NULL DEFAULT 1,
    role       TEXT,
    PRIMARY KEY (article_id, actor_id)
) WITHOUT ROWID;
CREATE INDEX mentions_actor ON mentions (actor_id, article_id);

CREATE TABLE claims (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- NULL for unnamed sources ("анонимный источник"); SET NULL keeps the quote if an actor goes.
    actor_id     INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    speaker_text TEXT,
    text         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('quote', 'reported')),
    position     INTEGER NOT NULL DEFAULT 0,   -- order within the article
    sentence     INTEGER NOT NULL DEFAULT 0    -- sentence index from analysis (for highlighting)
);
CREATE INDEX claims_actor ON claims (actor_id, article_id);
-- The card reads claims by article, and ON DELETE CASCADE needs this to avoid a full scan.
CREATE INDEX claims_article ON claims (article_id, position);

CREATE TABLE tags (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE,
    label_en TEXT,
    key      TEXT NOT NULL,
    key_en   TEXT
);
CREATE INDEX tags_key ON tags (key);
CREATE INDEX tags_key_en ON tags (key_en);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    origin     TEXT    NOT NULL CHECK (origin IN ('explicit', 'topic', 'actor')),
    score      REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

CREATE TABLE members (
    user_id  INTEGER PRIMARY KEY,
    role     TEXT    NOT NULL CHECK (role IN ('owner', 'member')),
    name     TEXT,
    added_by INTEGER,
    added_at INTEGER NOT NULL
);
-- At most one owner, enforced by the database, not only by the code path in claim_ownership().
CREATE UNIQUE INDEX members_one_owner ON members (role) WHERE role = 'owner';

CREATE TABLE chats (
    chat_id        INTEGER PRIMARY KEY,
    type           TEXT,
    title          TEXT,
    language       TEXT,
    muted_until    INTEGER,
    digest_time    TEXT CHECK (digest_time IS NULL OR digest_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    tz             TEXT    NOT NULL DEFAULT 'UTC',
    paused         INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),  -- set after Telegram 403
    last_digest_at INTEGER
);

-- include/exclude are JSON lists of {"kind": "tag"|"actor", "id": N}: small, always read whole with
-- the subscription, never queried inside, so a side table would only add joins.
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id      INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
    target_kind  TEXT    NOT NULL CHECK (target_kind IN ('tag', 'actor')),
    target_id    INTEGER NOT NULL,   -- polymorphic, so no FK; delete paths deactivate instead
    include_json TEXT    NOT NULL DEFAULT '[]',
    exclude_json TEXT    NOT NULL DEFAULT '[]',
    created_by   INTEGER,
    created_at   INTEGER NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (chat_id, target_kind, target_id)
);
-- save_analysis() looks subscriptions up by target, for every analysed article.
CREATE INDEX subscriptions_target ON subscriptions (target_kind, target_id) WHERE active = 1;

-- One row per (chat, article): the UNIQUE key is what makes delivery exactly-once across
-- re-analysis and restarts. matched_json lists every subscribed target that matched.
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    chat_id             INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
    article_id          INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    matched_json        TEXT    NOT NULL DEFAULT '[]',
    status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     INTEGER NOT NULL,
    last_error          TEXT,
    created_at          INTEGER NOT NULL,
    sent_at             INTEGER,
    telegram_message_id INTEGER,
    UNIQUE (chat_id, article_id)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE feeds (
    channel_id INTEGER PRIMARY KEY,
    username   TEXT,
    title      TEXT,
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    added_by   INTEGER,
    added_at   INTEGER NOT NULL
);

-- Durable inbox of raw Telegram updates: written before handling, marked done after, replayed on
-- start-up, so a crash between "Telegram acknowledged" and "article saved" loses nothing.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    done_at     INTEGER
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE status = 'pending';
CREATE INDEX inbox_done ON inbox (done_at) WHERE status = 'done';

CREATE TABLE import_progress (
    source_key TEXT PRIMARY KEY,
    position   INTEGER NOT NULL,
    updated_at INTEGER
);

-- Full-text search.
--
-- Russian needs stemming (разрядка / разрядки / разрядку must meet) and FTS5 has no Russian
-- stemmer; a custom tokenizer cannot be registered from Python's sqlite3. So the repository feeds
-- FTS5 PRE-STEMMED text: every word of the title and body is NFKC-normalised, lowercased, ё->е and
-- run through snowballstemmer (russian for Cyrillic words, english for Latin ones), and queries go
-- through the very same function, each term quoted and prefix-matched ("разрядк"*).
--
-- Why a regular FTS5 table (it stores its own copy of the stemmed text) rather than an
-- external-content table over `articles`: external content makes FTS5 read the indexed columns
-- back from the content table (for snippet() and, crucially, to delete old tokens); those columns
-- would have to be the STEMMED text, so `articles` would grow two stemmed columns anyway (same
-- disk cost) and snippet() would still show stems ("разрядк"), not what the user wants to read.
-- A contentless table would save the copy, but deleting from it before SQLite 3.43
-- (contentless_delete) needs the exact old stemmed values, which breaks if the stemmer changes.
--
-- So: rowid = articles.id; the repository INSERTs/UPDATEs the row in the same transaction that
-- writes the article (stemming needs Python); the AFTER DELETE trigger below removes it with no
-- Python involved, so every delete path, even a manual one in the sqlite3 shell, stays in sync.
-- Snippets are built in Python from the ORIGINAL article text, matching words by their stems, and
-- returned as (text, is_match) segments for the renderer to escape and bold.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;
