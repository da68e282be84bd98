-- 006_article_body (PostgreSQL twin): the text the analysis read; outlet indexes.

ALTER TABLE articles ADD COLUMN body TEXT;

CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_via ON articles (via);
