-- 015: a software list belongs to a named computer of the client (its host name,
-- from the file or given when loading); diffs compare a computer with its own
-- previous list. Lists loaded before this belong to the unnamed computer ''.

ALTER TABLE software_inventory ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE INDEX software_inventory_by_host ON software_inventory (client_id, host, loaded_at, id);
