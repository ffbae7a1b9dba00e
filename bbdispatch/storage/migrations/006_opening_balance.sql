-- 006: contracts brought over from before bbdispatch (`contracts import`).
-- opening_used_minutes: minutes of a block already used before the firm started
-- bbdispatch; they count as used in every balance and are shown as an opening
-- balance on statements and in the contract's ledger, never as work entries.

ALTER TABLE contract ADD COLUMN opening_used_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (opening_used_minutes >= 0);
