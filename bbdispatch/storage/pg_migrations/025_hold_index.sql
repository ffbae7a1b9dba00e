-- 025 (twin of the SQLite migration): the jobs ever put on hold, from a small
-- partial index, for the board's reading of their status histories.

CREATE INDEX IF NOT EXISTS job_status_change_holds ON job_status_change (job_id) WHERE to_status = 'on_hold';
