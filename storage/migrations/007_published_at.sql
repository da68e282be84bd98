-- 007_published_at: the article's own date, for timelines (/trend) and the card.
--
-- `added_at` is when a member filed the article; an archive imported today, or a week of posts
-- forwarded on Monday, would all pile up on one day. `published_at` is when the article itself
-- appeared: the forwarded or imported post's date (`origin_date`), or the page's own date for a
-- link (from the page's metadata, written explicitly by the ingest path). NULL when nothing says
-- (a pasted text, a document): such articles are left out of timelines rather than dated wrongly.
--
-- A trigger (not Python) fills it from origin_date when the writer gave none, so every insert
-- path, the importer and manual edits included, keeps it; an explicit value wins.

ALTER TABLE articles ADD COLUMN published_at INTEGER;

UPDATE articles SET published_at = origin_date WHERE origin_date IS NOT NULL;

-- Timelines filter articles by date range; undated articles are never looked up by it.
CREATE INDEX articles_published_at ON articles (published_at) WHERE published_at IS NOT NULL;

-- Timelines and networks read the date of each of an actor's (or tag's) articles by id. The
-- column sits after the article's text, so reading it from the table walks the text's overflow
-- pages; from this covering index it is one small entry per article.
CREATE INDEX articles_dates ON articles (id, published_at);

CREATE TRIGGER articles_published_from_origin AFTER INSERT ON articles
WHEN NEW.published_at IS NULL AND NEW.origin_date IS NOT NULL
BEGIN
    UPDATE articles SET published_at = NEW.origin_date WHERE id = NEW.id;
END;
