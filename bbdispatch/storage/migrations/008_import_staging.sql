-- 008: long imports commit in short chunks without giving up all-or-nothing.
-- A checked file is first copied into import_row in short transactions
-- (state 'staging': invisible, discarded if the import dies); one short
-- transaction marks the batch 'ready' (the commit point); then rows move into
-- the real tables chunk by chunk, each moved row deleted in the same
-- transaction. A batch left 'ready' by a crash is finished by the next import,
-- so a file goes in whole or not at all, and nobody else waits more than one
-- chunk for the write lock.

CREATE TABLE import_batch (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('clients')),
    source          TEXT    NOT NULL DEFAULT '',
    actor           TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('staging', 'ready', 'done')),
    created_at      TEXT    NOT NULL,
    added           INTEGER NOT NULL DEFAULT 0,
    skipped         INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE import_row (
    batch_id        INTEGER NOT NULL REFERENCES import_batch (id) ON DELETE CASCADE,
    line            INTEGER NOT NULL,
    payload         TEXT    NOT NULL,
    PRIMARY KEY (batch_id, line)
) STRICT;
