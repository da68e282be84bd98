-- 009_inbox_claims (PostgreSQL twin): per-chat claims on the shared inbox for webhook replicas.
-- chat_id and claimed_until (unix milliseconds) are BIGINT: supergroup ids and ms timestamps
-- exceed 32 bits. See storage/migrations/009_inbox_claims.sql for the meaning of each column.

ALTER TABLE inbox ADD COLUMN chat_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
ALTER TABLE inbox ADD COLUMN claimed_until BIGINT;
CREATE INDEX inbox_chat_pending ON inbox (chat_id, update_id) WHERE status = 'pending';
