-- 011_library_counts: twin of migrations/011_library_counts.sql (the /stats totals by trigger).
--
-- Statement-level triggers with transition tables: one UPDATE per statement, however many rows
-- it inserts or deletes (filing an analysis inserts its claims in a few statements, a copy in
-- batches of hundreds), so the hot counter row is touched once per statement, not per row.
-- TRUNCATE resets the total; a missing row makes /stats count the table itself.

CREATE TABLE library_counts (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);

INSERT INTO library_counts (name, n) VALUES
    ('articles', (SELECT count(*) FROM articles)),
    ('actors', (SELECT count(*) FROM actors)),
    ('claims', (SELECT count(*) FROM claims)),
    ('tags', (SELECT count(*) FROM tags));

CREATE FUNCTION library_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_counts SET n = n + (SELECT count(*) FROM new_rows) WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END;
$$;

CREATE FUNCTION library_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_counts SET n = n - (SELECT count(*) FROM old_rows) WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END;
$$;

CREATE FUNCTION library_counts_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_counts SET n = 0 WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END;
$$;

CREATE TRIGGER library_counts_articles_insert AFTER INSERT ON articles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_added();
CREATE TRIGGER library_counts_articles_delete AFTER DELETE ON articles
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_removed();
CREATE TRIGGER library_counts_articles_truncate AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION library_counts_emptied();
CREATE TRIGGER library_counts_actors_insert AFTER INSERT ON actors
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_added();
CREATE TRIGGER library_counts_actors_delete AFTER DELETE ON actors
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_removed();
CREATE TRIGGER library_counts_actors_truncate AFTER TRUNCATE ON actors
    FOR EACH STATEMENT EXECUTE FUNCTION library_counts_emptied();
CREATE TRIGGER library_counts_claims_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_added();
CREATE TRIGGER library_counts_claims_delete AFTER DELETE ON claims
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_removed();
CREATE TRIGGER library_counts_claims_truncate AFTER TRUNCATE ON claims
    FOR EACH STATEMENT EXECUTE FUNCTION library_counts_emptied();
CREATE TRIGGER library_counts_tags_insert AFTER INSERT ON tags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_added();
CREATE TRIGGER library_counts_tags_delete AFTER DELETE ON tags
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION library_counts_removed();
CREATE TRIGGER library_counts_tags_truncate AFTER TRUNCATE ON tags
    FOR EACH STATEMENT EXECUTE FUNCTION library_counts_emptied();
