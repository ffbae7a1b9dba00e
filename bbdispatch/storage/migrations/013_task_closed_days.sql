-- 013: a recurring task says what happens to a run on a day the firm is closed
-- (weekend, public holiday, the firm's own closed day): 'skip' it, or move it to
-- the 'next-workday' at the same time. Existing tasks move their runs, as new ones do.

ALTER TABLE recurring_task ADD COLUMN on_closed_day TEXT NOT NULL DEFAULT 'next-workday'
    CHECK (on_closed_day IN ('skip', 'next-workday'));
