-- 027 (twin of the SQLite migration): an import's publish no longer holds the
-- write lock for the whole file. Staged rows go into client and client_phone a
-- chunk per short transaction, each client marked with its batch and hidden
-- from every reader while the batch is staging; one small transaction marks
-- the batch done and all of them are visible at once.
ALTER TABLE client ADD COLUMN import_batch BIGINT;
CREATE INDEX client_by_import_batch ON client (import_batch) WHERE import_batch IS NOT NULL;

-- Anyone else's client wins over a hidden imported one (same NIP, or without
-- a NIP the same folded name): the hidden row goes.
CREATE FUNCTION bbdispatch_hidden_yield() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM client WHERE id <> NEW.id AND import_batch IS NOT NULL
        AND import_batch NOT IN (SELECT id FROM import_batch WHERE state = 'done')
        AND (nip = NEW.nip OR (nip IS NULL AND search_name = NEW.search_name));
    RETURN NEW;
END $$;
CREATE TRIGGER client_hidden_yield_insert BEFORE INSERT ON client
    FOR EACH ROW WHEN (NEW.import_batch IS NULL) EXECUTE FUNCTION bbdispatch_hidden_yield();
CREATE TRIGGER client_hidden_yield_update BEFORE UPDATE OF nip, search_name ON client
    FOR EACH ROW WHEN (NEW.import_batch IS NULL) EXECUTE FUNCTION bbdispatch_hidden_yield();
