-- 019: every job row carries a revision that any change to it moves, also a
-- rename of its client or technician (the board shows their names). The open
-- jobs' revisions are read from an index alone, so a screen that reloads on
-- every commit finds what another process changed without reading some 2,000
-- job rows (issue 13: a commit reaches the board in 0.15 s). Without
-- recursive triggers (SQLite's default) the trigger's own update does not
-- fire it again.

ALTER TABLE job ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER job_rev AFTER UPDATE ON job FOR EACH ROW WHEN NEW.rev = OLD.rev
BEGIN
    UPDATE job SET rev = OLD.rev + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER job_rev_client_name AFTER UPDATE OF name ON client
    FOR EACH ROW WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE job SET rev = rev + 1 WHERE client_id = NEW.id;
END;

CREATE TRIGGER job_rev_technician_name AFTER UPDATE OF name ON technician
    FOR EACH ROW WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE job SET rev = rev + 1 WHERE technician_id = NEW.id;
END;

CREATE INDEX job_open_rev ON job (status, id, rev);
