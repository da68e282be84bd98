-- 011_library_counts: the /stats totals kept by triggers, so /stats is a few index lookups.
--
-- /stats counts articles, actors, claims and tags. count(*) walks a whole index: cheap in SQLite,
-- but 25-60 ms on PostgreSQL at 100,000 articles (150,000 claims), over the 50 ms budget on a
-- busy machine (bench/queries_pg_vs_sqlite.py). As with the top counts of migration 002,
-- triggers keep the totals in the same transaction as the rows, so every write path, cascades
-- included, stays exact. A missing row (an emptied table) makes /stats count the table itself
-- (storage/articles.py), so a total is never wrong, only slower.

CREATE TABLE library_counts (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
);

INSERT INTO library_counts (name, n) VALUES
    ('articles', (SELECT count(*) FROM articles)),
    ('actors', (SELECT count(*) FROM actors)),
    ('claims', (SELECT count(*) FROM claims)),
    ('tags', (SELECT count(*) FROM tags));

CREATE TRIGGER library_counts_articles_insert AFTER INSERT ON articles BEGIN
    UPDATE library_counts SET n = n + 1 WHERE name = 'articles';
END;
CREATE TRIGGER library_counts_articles_delete AFTER DELETE ON articles BEGIN
    UPDATE library_counts SET n = n - 1 WHERE name = 'articles';
END;
CREATE TRIGGER library_counts_actors_insert AFTER INSERT ON actors BEGIN
    UPDATE library_counts SET n = n + 1 WHERE name = 'actors';
END;
CREATE TRIGGER library_counts_actors_delete AFTER DELETE ON actors BEGIN
    UPDATE library_counts SET n = n - 1 WHERE name = 'actors';
END;
CREATE TRIGGER library_counts_claims_insert AFTER INSERT ON claims BEGIN
    UPDATE library_counts SET n = n + 1 WHERE name = 'claims';
END;
CREATE TRIGGER library_counts_claims_delete AFTER DELETE ON claims BEGIN
    UPDATE library_counts SET n = n - 1 WHERE name = 'claims';
END;
CREATE TRIGGER library_counts_tags_insert AFTER INSERT ON tags BEGIN
    UPDATE library_counts SET n = n + 1 WHERE name = 'tags';
END;
CREATE TRIGGER library_counts_tags_delete AFTER DELETE ON tags BEGIN
    UPDATE library_counts SET n = n - 1 WHERE name = 'tags';
END;
