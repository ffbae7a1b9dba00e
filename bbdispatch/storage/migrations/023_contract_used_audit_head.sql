-- 023: two read-only views the storage reads instead of the tables behind them.
-- contract_used: each contract's used minutes (opening balance plus every
-- charge), the sum a job card's "hours left" and the ledger need.
-- audit_head: the newest audit row's id and chain hash, which the next audit
-- row is chained to. On PostgreSQL the roles script (pg_roles.sql) lets a
-- technician read these without reading other people's charges or audit rows.

CREATE VIEW contract_used AS
    SELECT c.id, c.opening_used_minutes
        + coalesce((SELECT SUM(ch.minutes) FROM charge ch WHERE ch.contract_id = c.id), 0) AS used
    FROM contract c;

CREATE VIEW audit_head AS
    SELECT id, chain_hash FROM audit_log ORDER BY id DESC LIMIT 1;
