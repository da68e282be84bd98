-- 009_inbox_claims: the inbox is shared by webhook replicas, which claim updates per chat.
--
-- Several `python -m bot run --webhook` processes write updates into one inbox and each runs a
-- dispatcher that handles them. A chat's updates must be handled in Telegram's order and never by
-- two replicas at once, so every update remembers its chat (chat_id; 0 for the few update kinds
-- without one, which then share one lane) and a claim: claimed_by names the replica handling it,
-- claimed_until (unix milliseconds) is the end of its lease, renewed while the handler runs. A
-- replica that dies leaves claims that expire; another replica then handles those updates again.
-- part = 1 marks a post that Ingest may join with the chat's next posts (a forward, an album
-- caption, a channel post): consecutive parts of one chat are handled together by one replica.
-- Rows stored before this migration get lane 0 (in the order of their update ids).
-- Plain ALTER TABLE ... ADD COLUMN and a partial index: the same statements work on PostgreSQL.

ALTER TABLE inbox ADD COLUMN chat_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
ALTER TABLE inbox ADD COLUMN claimed_until INTEGER;
CREATE INDEX inbox_chat_pending ON inbox (chat_id, update_id) WHERE status = 'pending';
