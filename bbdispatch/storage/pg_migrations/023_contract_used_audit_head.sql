-- 023 (twin of the SQLite migration): contract_used (each contract's used
-- minutes: opening balance plus every charge) and audit_head (the newest audit
-- row's id and chain hash). pg_roles.sql replaces both with versions that let
-- a technician read only what their jobs need, through the view owner's rights.

CREATE VIEW contract_used AS
    SELECT c.id, c.opening_used_minutes
        + coalesce((SELECT SUM(ch.minutes) FROM charge ch WHERE ch.contract_id = c.id), 0)::bigint
        AS used
    FROM contract c;

CREATE VIEW audit_head AS
    SELECT id, chain_hash FROM audit_log ORDER BY id DESC LIMIT 1;
