-- 019 (twin of the SQLite migration): every job row carries a revision that
-- any change to it moves, also a rename of its client or technician; the open
-- jobs' revisions are read from an index alone.

ALTER TABLE job ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bbdispatch_job_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.rev = OLD.rev THEN
        NEW.rev := OLD.rev + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER job_rev BEFORE UPDATE ON job
    FOR EACH ROW EXECUTE FUNCTION bbdispatch_job_rev();

CREATE FUNCTION bbdispatch_job_rev_of_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'client' THEN
        UPDATE job SET rev = rev + 1 WHERE client_id = NEW.id;
    ELSE
        UPDATE job SET rev = rev + 1 WHERE technician_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER job_rev_client_name AFTER UPDATE OF name ON client
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name)
    EXECUTE FUNCTION bbdispatch_job_rev_of_name();
CREATE TRIGGER job_rev_technician_name AFTER UPDATE OF name ON technician
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name)
    EXECUTE FUNCTION bbdispatch_job_rev_of_name();

CREATE INDEX job_open_rev ON job (status, id, rev);
