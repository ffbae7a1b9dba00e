-- 017: an import's clients appear all at once, never part of a file.
-- Rows are still staged in short transactions, each with the client id it
-- will take (reserved from id_high_water when the import starts); one short
-- transaction then inserts them all into client and client_phone with set
-- statements (the publish). Before, rows moved into the client table chunk by
-- chunk, so the board, lookup and ring matching saw a half-imported file, and
-- a killed import left one visible. NULL: a row staged by an older version.
ALTER TABLE import_row ADD COLUMN client_id INTEGER;

-- The publish inserts the phones first (foreign keys deferred to its commit),
-- so a client's search entry is written once with its numbers instead of
-- once per phone; the insert trigger therefore takes the phones already there.
DROP TRIGGER client_search_insert;
CREATE TRIGGER client_search_insert AFTER INSERT ON client BEGIN
    INSERT INTO client_search (rowid, name, numbers)
    VALUES (NEW.id, NEW.search_name, coalesce(NEW.nip, '') || ' ' || coalesce(
        (SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
         WHERE p.client_id = NEW.id), ''));
END;
