-- 006_article_body: the text the analysis read, with the page's chrome removed; outlet indexes.
--
-- Search indexes and quotes this body rather than the raw text, so a snippet never starts with a
-- "Посмотреть оригинал" stamp or a share prompt, and a search for such words does not match them.
-- NULL for articles analysed before this migration (and pending ones): they keep the raw text
-- until analysed again. Plain ALTER TABLE ... ADD COLUMN: the same statement works on PostgreSQL.

ALTER TABLE articles ADD COLUMN body TEXT;

-- /source NAME lists an outlet's articles, as the original outlet or the retelling one.
CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_via ON articles (via);
