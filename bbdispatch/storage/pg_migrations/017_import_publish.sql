-- 017 (twin of the SQLite migration): an import's clients appear all at once,
-- never part of a file. Rows are staged in short transactions, each with the
-- client id it will take (reserved from id_high_water when the import starts);
-- one transaction then inserts them all into client and client_phone with set
-- statements (the publish). NULL: a row staged by an older version.
-- PostgreSQL's client search needs no trigger (pg_trgm indexes, 013).
ALTER TABLE import_row ADD COLUMN client_id BIGINT;
