-- 010_analysis_jobs_leases: the analysis job queue (`python -m bot worker`) and leases.
--
-- analysis_jobs: one row per article handed to the queue (ANALYSIS_MODE=queue). A worker claims a
-- row by writing claimed_by / claimed_until (a unix time, fractional seconds) and renews the claim
-- while it analyses; a claim that runs out means the worker died, and the row may be claimed
-- again, up to a number of attempts. status moves queued -> done | failed exactly once, in the
-- transaction that files the analysis (or records the failure), which is what makes a late second
-- result a no-op. waiter / waiter_until name the bot process waiting to send the card, so another
-- replica's start-up recovery does not answer the same article a second time.
-- The article's own status stays the truth the cards and /stats read; the job row is bookkeeping.
--
-- leases: named leases (`alerts`: the one alert sender and digest scheduler of the fleet). The
-- holder renews expires_at every few seconds; a lease whose expires_at has passed may be taken.
-- Plain portable DDL: the PostgreSQL twin differs only in REAL -> DOUBLE PRECISION.

CREATE TABLE analysis_jobs (
    article_id    INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    alerts        INTEGER NOT NULL DEFAULT 1 CHECK (alerts IN (0, 1)),
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_by    TEXT,
    claimed_until REAL,
    last_error    TEXT,
    waiter        TEXT,
    waiter_until  REAL,
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    finished_by   TEXT
);
-- The claim query: queued rows in article order, skipping live claims.
CREATE INDEX analysis_jobs_queued ON analysis_jobs (status, article_id);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at REAL NOT NULL
);
