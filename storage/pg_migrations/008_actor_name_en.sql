-- 008_actor_name_en (PostgreSQL twin): each actor's English display name.

ALTER TABLE actors ADD COLUMN name_en TEXT;
ALTER TABLE actors ADD COLUMN name_en_attested INTEGER NOT NULL DEFAULT 0;
