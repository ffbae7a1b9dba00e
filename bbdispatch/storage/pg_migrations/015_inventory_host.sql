-- 015 (twin of the SQLite migration): a software list belongs to a named
-- computer of the client; lists loaded before belong to the unnamed computer ''.

ALTER TABLE software_inventory ADD COLUMN host TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX software_inventory_by_host ON software_inventory (client_id, host, loaded_at, id);
