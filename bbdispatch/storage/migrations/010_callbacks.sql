-- 010: the callback list: who to call back, why and by when.
-- A callback belongs to a client or only to a number (a caller not yet a
-- client); it may come from a logged call. Done ones keep who called back
-- and what came of it.
CREATE TABLE callback (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER REFERENCES client (id),
    call_id         INTEGER REFERENCES call_log (id),
    e164            TEXT    CHECK (e164 IS NULL OR e164 GLOB '+[1-9][0-9]*'),
    name            TEXT    NOT NULL DEFAULT '',
    reason          TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    due_at          TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    done_at         TEXT,
    done_by         TEXT    NOT NULL DEFAULT '',
    outcome         TEXT    NOT NULL DEFAULT '',
    CHECK (client_id IS NOT NULL OR e164 IS NOT NULL)
) STRICT;
CREATE INDEX callback_open ON callback (due_at) WHERE done_at IS NULL;
