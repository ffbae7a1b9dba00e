-- 009: an issued statement is a document.
-- number: the firm's series (WP/2026/11/005); worth_*: what the statement's own
-- period (its work lines and monthly fees) was worth when issued, so a later
-- change to that period becomes a signed correction on the next statement.
-- statement_document keeps every format exactly as issued; statement_settlement
-- records which correction of which issued statement a later one carried.
-- Statements issued before this migration get a number from their id and no
-- worth: their later changes still go through the correction rows of 002.

ALTER TABLE statement ADD COLUMN number TEXT;
ALTER TABLE statement ADD COLUMN worth_grosze INTEGER;
ALTER TABLE statement ADD COLUMN worth_minutes INTEGER;
UPDATE statement SET number = 'WP/' || substr(issued_at, 1, 4) || '/' || substr(issued_at, 6, 2)
    || '/' || printf('%03d', id) WHERE number IS NULL;
CREATE UNIQUE INDEX statement_by_number ON statement (number);

CREATE TABLE statement_document (
    statement_id        INTEGER NOT NULL REFERENCES statement (id),
    format              TEXT    NOT NULL,
    body                TEXT    NOT NULL,
    PRIMARY KEY (statement_id, format)
) STRICT;

CREATE TABLE statement_settlement (
    id                  INTEGER PRIMARY KEY,
    statement_id        INTEGER NOT NULL REFERENCES statement (id),
    refers_to           INTEGER NOT NULL REFERENCES statement (id),
    minutes_delta       INTEGER NOT NULL,
    net_delta_grosze    INTEGER NOT NULL,
    reason              TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX statement_settlement_by_ref ON statement_settlement (refers_to);
