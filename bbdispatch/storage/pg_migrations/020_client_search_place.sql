-- 020 (twin of the SQLite migration): a client search also finds the city and
-- the e-mail. client.search_place holds them folded (filled by the migration's
-- Python half, as on SQLite); a trigram index answers `LIKE '%text%'` on it.

ALTER TABLE client ADD COLUMN search_place TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX client_search_place_trgm ON client USING gin (search_place gin_trgm_ops);
