-- 004: a trigram index for finding clients by part of a name, NIP or number.
-- At 100,000 clients, `LIKE '%text%'` scans every client and every phone
-- (10-25 ms, more on a busy machine); the trigram index answers in about a
-- millisecond. Kept in step with client and client_phone by triggers, so no
-- code that writes clients has to know it exists.
-- name: client.search_name (folded); numbers: NIP and each phone's digits.

CREATE VIRTUAL TABLE client_search USING fts5 (name, numbers, tokenize = 'trigram');

INSERT INTO client_search (rowid, name, numbers)
SELECT c.id, c.search_name,
       coalesce(c.nip, '') || ' ' || coalesce(
           (SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p WHERE p.client_id = c.id),
           '')
FROM client c;

CREATE TRIGGER client_search_insert AFTER INSERT ON client BEGIN
    INSERT INTO client_search (rowid, name, numbers)
    VALUES (NEW.id, NEW.search_name, coalesce(NEW.nip, ''));
END;

CREATE TRIGGER client_search_update AFTER UPDATE OF search_name, nip ON client BEGIN
    UPDATE client_search
    SET name = NEW.search_name,
        numbers = coalesce(NEW.nip, '') || ' ' || coalesce(
            (SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
             WHERE p.client_id = NEW.id), '')
    WHERE rowid = NEW.id;
END;

CREATE TRIGGER client_search_delete AFTER DELETE ON client BEGIN
    DELETE FROM client_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER client_search_phone_insert AFTER INSERT ON client_phone BEGIN
    UPDATE client_search
    SET numbers = (SELECT coalesce(c.nip, '') FROM client c WHERE c.id = NEW.client_id)
        || ' ' || coalesce((SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
                            WHERE p.client_id = NEW.client_id), '')
    WHERE rowid = NEW.client_id;
END;

CREATE TRIGGER client_search_phone_delete AFTER DELETE ON client_phone BEGIN
    UPDATE client_search
    SET numbers = (SELECT coalesce(c.nip, '') FROM client c WHERE c.id = OLD.client_id)
        || ' ' || coalesce((SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
                            WHERE p.client_id = OLD.client_id), '')
    WHERE rowid = OLD.client_id;
END;

CREATE TRIGGER client_search_phone_update AFTER UPDATE OF e164, client_id ON client_phone BEGIN
    UPDATE client_search
    SET numbers = (SELECT coalesce(c.nip, '') FROM client c WHERE c.id = client_search.rowid)
        || ' ' || coalesce((SELECT group_concat(substr(p.e164, 2), ' ') FROM client_phone p
                            WHERE p.client_id = client_search.rowid), '')
    WHERE rowid IN (OLD.client_id, NEW.client_id);
END;
