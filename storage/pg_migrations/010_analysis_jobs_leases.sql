-- 010_analysis_jobs_leases (PostgreSQL twin): the analysis job queue and named leases.
-- Same tables and meaning as the SQLite file; REAL (fractional unix seconds) is DOUBLE PRECISION,
-- ids and whole-second timestamps BIGINT. Workers claim rows FOR UPDATE SKIP LOCKED (storage/jobs.py).

CREATE TABLE analysis_jobs (
    article_id    BIGINT  PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    alerts        INTEGER NOT NULL DEFAULT 1 CHECK (alerts IN (0, 1)),
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_by    TEXT,
    claimed_until DOUBLE PRECISION,
    last_error    TEXT,
    waiter        TEXT,
    waiter_until  DOUBLE PRECISION,
    created_at    BIGINT  NOT NULL,
    finished_at   BIGINT,
    finished_by   TEXT
);
CREATE INDEX analysis_jobs_queued ON analysis_jobs (status, article_id);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
