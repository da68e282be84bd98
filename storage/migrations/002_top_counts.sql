-- 002_top_counts: article counts per actor and per tag, kept by triggers.
--
-- "/who" and "/tags" with no argument list the most-covered actors and tags. Computed from the
-- link tables that is a GROUP BY over every mention (500,000 rows at 100,000 articles, ~100 ms+)
-- on every call; stored on the row and indexed it is a walk down actors_top / tags_top that stops
-- after one page. Triggers (not Python) keep the counts, so every write path, including cascades
-- from deleting an article and manual edits in the sqlite3 shell, stays consistent.

ALTER TABLE actors ADD COLUMN n_articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actors ADD COLUMN n_mentions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN n_articles INTEGER NOT NULL DEFAULT 0;

UPDATE actors SET
    n_articles = (SELECT count(*) FROM mentions m WHERE m.actor_id = actors.id),
    n_mentions = (SELECT coalesce(sum(m.count), 0) FROM mentions m WHERE m.actor_id = actors.id);
UPDATE tags SET n_articles = (SELECT count(*) FROM article_tags at WHERE at.tag_id = tags.id);

CREATE INDEX actors_top ON actors (n_articles DESC, n_mentions DESC, id);
CREATE INDEX tags_top ON tags (n_articles DESC, name);

CREATE TRIGGER mentions_count_insert AFTER INSERT ON mentions BEGIN
    UPDATE actors SET n_articles = n_articles + 1, n_mentions = n_mentions + NEW.count
    WHERE id = NEW.actor_id;
END;

CREATE TRIGGER mentions_count_delete AFTER DELETE ON mentions BEGIN
    UPDATE actors SET n_articles = n_articles - 1, n_mentions = n_mentions - OLD.count
    WHERE id = OLD.actor_id;
END;

-- The upsert in save_analysis (ON CONFLICT DO UPDATE SET count = count + ...) fires this one.
CREATE TRIGGER mentions_count_update AFTER UPDATE OF count, actor_id ON mentions BEGIN
    UPDATE actors SET n_articles = n_articles - 1, n_mentions = n_mentions - OLD.count
    WHERE id = OLD.actor_id;
    UPDATE actors SET n_articles = n_articles + 1, n_mentions = n_mentions + NEW.count
    WHERE id = NEW.actor_id;
END;

CREATE TRIGGER article_tags_count_insert AFTER INSERT ON article_tags BEGIN
    UPDATE tags SET n_articles = n_articles + 1 WHERE id = NEW.tag_id;
END;

CREATE TRIGGER article_tags_count_delete AFTER DELETE ON article_tags BEGIN
    UPDATE tags SET n_articles = n_articles - 1 WHERE id = OLD.tag_id;
END;

CREATE TRIGGER article_tags_count_update AFTER UPDATE OF tag_id ON article_tags BEGIN
    UPDATE tags SET n_articles = n_articles - 1 WHERE id = OLD.tag_id;
    UPDATE tags SET n_articles = n_articles + 1 WHERE id = NEW.tag_id;
END;
