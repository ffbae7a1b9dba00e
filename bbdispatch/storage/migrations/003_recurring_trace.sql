-- 003: what recurring runs leave behind: software inventories and backup checks.

-- One loaded list of installed software, per client, from an inventory job.
CREATE TABLE software_inventory (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES client (id),
    job_id          INTEGER REFERENCES job (id),
    source_name     TEXT    NOT NULL DEFAULT '',
    source_format   TEXT    NOT NULL CHECK (source_format IN ('powershell-csv', 'wmic', 'csv')),
    loaded_by       TEXT    NOT NULL,
    loaded_at       TEXT    NOT NULL
) STRICT;
CREATE INDEX software_inventory_by_client ON software_inventory (client_id, loaded_at, id);

CREATE TABLE software_item (
    inventory_id    INTEGER NOT NULL REFERENCES software_inventory (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    version         TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (inventory_id, name, version)
) STRICT;

-- The result of a backup check run; one per job (a re-check replaces it).
CREATE TABLE backup_check (
    id              INTEGER PRIMARY KEY,
    job_id          INTEGER NOT NULL UNIQUE REFERENCES job (id),
    result          TEXT    NOT NULL CHECK (result IN ('ok', 'failed')),
    backup_date     TEXT    CHECK (backup_date IS NULL OR backup_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    size_bytes      INTEGER CHECK (size_bytes IS NULL OR size_bytes >= 0),
    location        TEXT    NOT NULL DEFAULT '',
    note            TEXT    NOT NULL DEFAULT '',
    recorded_by     TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    CHECK (result = 'ok' OR length(trim(note)) > 0)
) STRICT;
