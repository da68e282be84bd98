-- 004_claims: how the text referred to a claim's speaker, negated frames, and what is reported about actors.
--
-- speaker_ref says whether the speaker was named, or resolved from "он", "министр", "издание" or a
-- continuation paragraph, so a reader can weigh the attribution; negated marks a frame that denies
-- the stored words ("не думает, что ..."). actions are the sentences in which an actor is the
-- grammatical subject (what the article reports them doing), kept apart from what they said.

ALTER TABLE claims ADD COLUMN speaker_ref TEXT NOT NULL DEFAULT 'name'
    CHECK (speaker_ref IN ('name', 'pronoun', 'role', 'continuation', 'outlet', 'anonymous'));
ALTER TABLE claims ADD COLUMN negated INTEGER NOT NULL DEFAULT 0 CHECK (negated IN (0, 1));

CREATE TABLE actions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,   -- order within the article
    text       TEXT    NOT NULL
);
-- /who reads an actor's newest actions; deleting an article cascades by article.
CREATE INDEX actions_actor ON actions (actor_id, article_id);
CREATE INDEX actions_article ON actions (article_id, position);
