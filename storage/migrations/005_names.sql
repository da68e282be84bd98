-- Issue 12: analysts merge two actors that are one (/merge) and undo it (/unmerge).
-- The absorbed actor's row stays (its id is what an undo restores), marked merged_into and given
-- a key of its own; actor_merges logs who merged what when, what moved (undo_json), and the undo.
ALTER TABLE actors ADD COLUMN merged_into INTEGER REFERENCES actors (id) ON DELETE SET NULL;

CREATE TABLE actor_merges (
    id            INTEGER PRIMARY KEY,
    survivor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    absorbed_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    absorbed_name TEXT    NOT NULL,
    undo_json     TEXT    NOT NULL,
    merged_by     INTEGER,
    merged_at     INTEGER NOT NULL,
    undone_by     INTEGER,
    undone_at     INTEGER
);
CREATE INDEX actor_merges_survivor ON actor_merges (survivor_id, id) WHERE undone_at IS NULL;
