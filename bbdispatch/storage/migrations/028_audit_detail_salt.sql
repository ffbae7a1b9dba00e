-- 028: each new audit row's detail digest is salted. detail_digest becomes
-- sha256(detail_salt || detail) with a random salt per row, kept here; the
-- chain hash covers the digest, not the salt. A privacy erasure empties the
-- detail and sets the salt to NULL, so the digest can no longer confirm a
-- guess of an erased name. Rows written before this migration keep NULL here
-- and their unsalted digest (docs/audit.md, docs/privacy.md: a known limit).
ALTER TABLE audit_log ADD COLUMN detail_salt TEXT;
