-- 007_published_at (PostgreSQL twin): the article's own date, for timelines and the card.
-- The SQLite file fills it AFTER INSERT with an UPDATE; here a BEFORE INSERT trigger sets the
-- new row's value directly. Same rule: the writer's explicit value wins, else origin_date.

ALTER TABLE articles ADD COLUMN published_at BIGINT;

UPDATE articles SET published_at = origin_date WHERE origin_date IS NOT NULL;

CREATE INDEX articles_published_at ON articles (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX articles_dates ON articles (id, published_at);

CREATE FUNCTION articles_published_from_origin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published_at IS NULL AND NEW.origin_date IS NOT NULL THEN
        NEW.published_at := NEW.origin_date;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER articles_published_from_origin BEFORE INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_published_from_origin();
