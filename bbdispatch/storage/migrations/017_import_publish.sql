-- 017: an import's clients appear all at once, never part of a file.
-- Rows are still staged in short transactions, each with the client id it
-- will take (reserved from id_high_water when the import starts); one short
-- transaction then inserts them all into client and client_phone with set
-- statements (the publish). Before, rows moved into the client table chunk by
-- chunk, so the board, lookup and ring matching saw a half-imported file, and
-- a killed import left one visible. NULL: a row staged by an older version.
ALTER TABLE import_row ADD COLUMN client_id INTEGER;

-- The publish holds the write lock, so it writes as little as it can: each
-- staged row's search entry is written while staging (with the client id it
-- will take; invisible, as every search joins the client table), and the
-- publish inserts the phones first (foreign keys deferred to its commit), then
-- the clients. So the triggers skip a client whose search entry is already
-- there and a phone whose client is not there yet; a client inserted any other
-- way gets its entry as before, with the phones already there.
DROP TRIGGER client_search_insert;
CREATE TRIGGER client_search_insert AFTER INSERT ON client
WHEN NOT EXISTS (SELECT 1 FROM client_search WHERE rowid = NEW.id)
BEGIN
    INSERT INTO client_search (rowid, name, numbers)
    VALUES (NEW.id, NEW.search_name, coalesce(NEW.nip, '') || ' ' || coalesce(
        (SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
         WHERE p.client_id = NEW.id), ''));
END;

DROP TRIGGER client_search_phone_insert;
CREATE TRIGGER client_search_phone_insert AFTER INSERT ON client_phone
WHEN EXISTS (SELECT 1 FROM client c WHERE c.id = NEW.client_id)
BEGIN
    UPDATE client_search
    SET numbers = (SELECT coalesce(c.nip, '') FROM client c WHERE c.id = NEW.client_id)
        || ' ' || coalesce((SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
                            WHERE p.client_id = NEW.client_id), '')
    WHERE rowid = NEW.client_id;
END;
