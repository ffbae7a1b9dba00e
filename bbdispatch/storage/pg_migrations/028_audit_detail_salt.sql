-- 028 (twin of the SQLite migration): each new audit row's detail digest is
-- salted, sha256(detail_salt || detail) with a random salt per row; the chain
-- hash covers the digest, not the salt. A privacy erasure empties the detail
-- and sets the salt to NULL. Rows written before keep NULL and their unsalted
-- digest. An admin's erasure may update the salt as it may the detail
-- (pg_roles.sql, where the roles exist).
ALTER TABLE audit_log ADD COLUMN detail_salt TEXT COLLATE "C";
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'bbdispatch_admin') THEN
        GRANT UPDATE (detail_salt) ON audit_log TO bbdispatch_admin;
    END IF;
END $$;
