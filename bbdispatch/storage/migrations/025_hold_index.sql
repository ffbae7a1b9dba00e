-- 025: the board reads the status histories of the open jobs that were ever on
-- hold (only they have on-hold stretches that stop a response clock); this
-- small partial index finds those jobs without reading every history row.

CREATE INDEX IF NOT EXISTS job_status_change_holds ON job_status_change (job_id) WHERE to_status = 'on_hold';
