-- The audit trail becomes tamper-evident: every row carries a hash chained to
-- the row before (bbdispatch/domain/audit_chain.py). Rows written before this
-- migration are chained by the migration step in Python right after this
-- statement, in the same transaction (SQLite has no sha256 of its own).
ALTER TABLE audit_log ADD COLUMN chain_hash TEXT NOT NULL DEFAULT '';
