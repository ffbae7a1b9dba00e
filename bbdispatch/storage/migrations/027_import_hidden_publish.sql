-- 027: an import's publish no longer holds the write lock for the whole file.
-- Its staged rows go into client and client_phone a chunk per short
-- transaction, each client marked with its batch (import_batch) and hidden
-- from every reader while the batch is staging; one small transaction then
-- marks the batch done and they are all visible at once. Readers show a client
-- when import_batch is NULL or names a done batch; the marks are cleared after
-- the publish, a chunk at a time. A killed import leaves its hidden clients,
-- which the next import or a privacy erasure deletes (never shown).
ALTER TABLE client ADD COLUMN import_batch INTEGER;
CREATE INDEX client_by_import_batch ON client (import_batch) WHERE import_batch IS NOT NULL;

-- Anyone else's client wins over a hidden imported one: a client added (or
-- given a NIP or a name) while an import publishes takes the place of the
-- hidden row with its NIP, or without a NIP, its folded name (what the
-- import itself counts as the same client), so neither the NIP's unique
-- index nor a double is met when the batch is shown.
CREATE TRIGGER client_hidden_yield_insert BEFORE INSERT ON client
WHEN NEW.import_batch IS NULL
BEGIN
    DELETE FROM client WHERE import_batch IS NOT NULL
        AND import_batch NOT IN (SELECT id FROM import_batch WHERE state = 'done')
        AND (nip = NEW.nip OR (nip IS NULL AND search_name = NEW.search_name));
END;

CREATE TRIGGER client_hidden_yield_update BEFORE UPDATE OF nip, search_name ON client
WHEN NEW.import_batch IS NULL
BEGIN
    DELETE FROM client WHERE id <> NEW.id AND import_batch IS NOT NULL
        AND import_batch NOT IN (SELECT id FROM import_batch WHERE state = 'done')
        AND (nip = NEW.nip OR (nip IS NULL AND search_name = NEW.search_name));
END;
