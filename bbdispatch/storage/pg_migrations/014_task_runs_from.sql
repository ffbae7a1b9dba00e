-- 014 (twin of the SQLite migration): a recurring task makes no run before
-- runs_from (UTC text; NULL: from the first run).

ALTER TABLE recurring_task ADD COLUMN runs_from TEXT COLLATE "C";
