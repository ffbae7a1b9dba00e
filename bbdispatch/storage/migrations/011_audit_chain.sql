-- The audit trail becomes tamper-evident: every row carries a hash chained to
-- the row before (bbdispatch/domain/audit_chain.py). Rows written before this
-- migration are chained by the migration step in Python right after these
-- statements, in the same transaction (SQLite has no sha256 of its own).
-- The detail is hashed through its own digest, so a privacy erasure may empty it.
ALTER TABLE audit_log ADD COLUMN detail_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN chain_hash TEXT NOT NULL DEFAULT '';
