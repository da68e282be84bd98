-- 008_actor_name_en: each actor's English display name, for the English interface.
--
-- actor_aliases is keyed by (actor_id, key), and the search key of "Sergey Lavrov" equals that of
-- "Сергей Лавров", so the Latin form can never be stored as an alias: the English-first display
-- ("Sergey Lavrov (Сергей Лавров)") needs its own column. Filled at filing time from the analysis
-- (analysis/english.py); name_en_attested is 1 when the form came from the text or the gazetteer
-- rather than from transcription, so a later filing replaces a transcription with an attested form
-- but never the other way round. NULL for actors filed before this migration until filed again.
-- Plain ALTER TABLE ... ADD COLUMN: the same statements work on PostgreSQL.

ALTER TABLE actors ADD COLUMN name_en TEXT;
ALTER TABLE actors ADD COLUMN name_en_attested INTEGER NOT NULL DEFAULT 0;
