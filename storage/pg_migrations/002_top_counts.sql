-- 002_top_counts (PostgreSQL twin): article counts per actor and per tag, kept by triggers.
-- Same columns, indexes and trigger semantics as the SQLite file, the triggers in plpgsql.

ALTER TABLE actors ADD COLUMN n_articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actors ADD COLUMN n_mentions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN n_articles INTEGER NOT NULL DEFAULT 0;

UPDATE actors SET
    n_articles = (SELECT count(*) FROM mentions m WHERE m.actor_id = actors.id),
    n_mentions = (SELECT coalesce(sum(m.count), 0) FROM mentions m WHERE m.actor_id = actors.id);
UPDATE tags SET n_articles = (SELECT count(*) FROM article_tags at WHERE at.tag_id = tags.id);

CREATE INDEX actors_top ON actors (n_articles DESC, n_mentions DESC, id);
CREATE INDEX tags_top ON tags (n_articles DESC, name);

CREATE FUNCTION mentions_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE actors SET n_articles = n_articles - 1, n_mentions = n_mentions - OLD.count
        WHERE id = OLD.actor_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE actors SET n_articles = n_articles + 1, n_mentions = n_mentions + NEW.count
        WHERE id = NEW.actor_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER mentions_count_insert AFTER INSERT ON mentions
    FOR EACH ROW EXECUTE FUNCTION mentions_count();
CREATE TRIGGER mentions_count_delete AFTER DELETE ON mentions
    FOR EACH ROW EXECUTE FUNCTION mentions_count();
-- The upsert in save_analysis (ON CONFLICT DO UPDATE SET count = count + ...) fires this one.
CREATE TRIGGER mentions_count_update AFTER UPDATE OF count, actor_id ON mentions
    FOR EACH ROW EXECUTE FUNCTION mentions_count();

CREATE FUNCTION article_tags_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE tags SET n_articles = n_articles - 1 WHERE id = OLD.tag_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE tags SET n_articles = n_articles + 1 WHERE id = NEW.tag_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER article_tags_count_insert AFTER INSERT ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_tags_count();
CREATE TRIGGER article_tags_count_delete AFTER DELETE ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_tags_count();
CREATE TRIGGER article_tags_count_update AFTER UPDATE OF tag_id ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_tags_count();
