-- 014: a recurring task makes no run before runs_from (UTC): set when the task is
-- created with its first run in the past, or resumed after a pause, to the answer
-- about missed runs (none before today by default). NULL: from the first run, as
-- before, so existing tasks keep their runs.

ALTER TABLE recurring_task ADD COLUMN runs_from TEXT;
