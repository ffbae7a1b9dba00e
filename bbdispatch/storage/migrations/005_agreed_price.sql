-- 005: a job may carry an agreed fixed price (net grosze), besides an agreed
-- hourly rate; a job has at most one of the two. The price is billed once,
-- on the statement holding the job's first billable work.
ALTER TABLE job ADD COLUMN agreed_price_grosze INTEGER
    CHECK (agreed_price_grosze IS NULL OR agreed_price_grosze >= 0);
