-- 020: a client search also finds the city and the e-mail, as the TUI and
-- `clients --search` promise (search name, NIP, phone, city, e-mail).
-- client.search_place holds the folded city and e-mail (Python folds them,
-- `search_place` in domain/clients.py; the migration's Python half fills it for
-- the clients already there, and the update trigger re-indexes them). The
-- trigram index's `name` column now holds the folded name and that place, so
-- one phrase finds either. The insert trigger keeps 017's rule: a client whose
-- entry was written while staging an import (with its place) gets none here.

ALTER TABLE client ADD COLUMN search_place TEXT NOT NULL DEFAULT '';

DROP TRIGGER client_search_insert;
DROP TRIGGER client_search_update;

CREATE TRIGGER client_search_insert AFTER INSERT ON client
WHEN NOT EXISTS (SELECT 1 FROM client_search WHERE rowid = NEW.id)
BEGIN
    INSERT INTO client_search (rowid, name, numbers)
    VALUES (NEW.id, NEW.search_name || ' ' || NEW.search_place,
        coalesce(NEW.nip, '') || ' ' || coalesce(
        (SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
         WHERE p.client_id = NEW.id), ''));
END;

CREATE TRIGGER client_search_update AFTER UPDATE OF search_name, search_place, nip ON client BEGIN
    UPDATE client_search
    SET name = NEW.search_name || ' ' || NEW.search_place,
        numbers = coalesce(NEW.nip, '') || ' ' || coalesce(
            (SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
             WHERE p.client_id = NEW.id), '')
    WHERE rowid = NEW.id;
END;
