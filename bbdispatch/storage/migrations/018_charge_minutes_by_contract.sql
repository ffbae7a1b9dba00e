-- 018: a contract's used minutes (every balance, the caller card of `lookup`)
-- are summed from the index alone: the busiest client's contracts hold some
-- thirty thousand charges, read one table page each before (issue 13).

DROP INDEX charge_by_contract;
CREATE INDEX charge_by_contract ON charge (contract_id, minutes);
