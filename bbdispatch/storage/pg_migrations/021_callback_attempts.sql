-- 021 (twin of the SQLite migration): a callback counts its tries that reached
-- nobody; the last one's time and note are kept, and it stays open.

ALTER TABLE callback ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE callback ADD COLUMN last_attempt_at TEXT COLLATE "C";
ALTER TABLE callback ADD COLUMN last_attempt_note TEXT COLLATE "C" NOT NULL DEFAULT '';
