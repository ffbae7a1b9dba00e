-- 002: admin corrections of work entries already on an issued statement.
-- The entry itself is corrected; this row keeps what changed in billed time and
-- money, so the next statement can show it as a correction line.

CREATE TABLE correction (
    id                  INTEGER PRIMARY KEY,
    client_id           INTEGER NOT NULL REFERENCES client (id),
    work_entry_id       INTEGER NOT NULL REFERENCES work_entry (id),
    locked_by           INTEGER NOT NULL REFERENCES statement (id),
    made_at             TEXT    NOT NULL,
    made_by             TEXT    NOT NULL,
    reason              TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    minutes_delta       INTEGER NOT NULL,
    net_delta_grosze    INTEGER NOT NULL,
    statement_id        INTEGER REFERENCES statement (id)
) STRICT;
CREATE INDEX correction_pending ON correction (client_id) WHERE statement_id IS NULL;
