-- 021: "no answer" on a callback is a try, not the end: the callback stays open
-- (maybe for a later time) and counts its tries; the last one's time and note are
-- kept for the list, and every try is audited ("callback", id, "tried").

ALTER TABLE callback ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE callback ADD COLUMN last_attempt_at TEXT;
ALTER TABLE callback ADD COLUMN last_attempt_note TEXT NOT NULL DEFAULT '';
