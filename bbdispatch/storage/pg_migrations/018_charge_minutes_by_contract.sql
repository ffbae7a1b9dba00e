-- 018 (twin of the SQLite migration): a contract's used minutes are summed
-- from the index alone (an index-only scan once the table is vacuumed).

DROP INDEX charge_by_contract;
CREATE INDEX charge_by_contract ON charge (contract_id, minutes);
