-- The PostgreSQL schema of bbdispatch, equal in meaning to the SQLite migrations
-- 001-013 (bbdispatch/storage/migrations). PostgreSQL databases start here, at
-- version 13; a later SQLite migration NNN comes with its PostgreSQL twin NNN.
--
-- Stored forms are those of SQLite, so both backends give the same results
-- (docs/storage.md): times and dates as ISO text in UTC, money as BIGINT
-- grosze, booleans as 0/1, every text column in the "C" collation (byte
-- order, ASCII-only case folding: SQLite's BINARY). A new row's id is one
-- above the table's highest, as SQLite's INTEGER PRIMARY KEY gives it (writes
-- are serialised by an advisory lock, so two writers never take the same).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE bbdispatch_schema (
    version     BIGINT NOT NULL
);
INSERT INTO bbdispatch_schema (version) VALUES (0);

-- SQLite's functions the shared queries use.
CREATE FUNCTION julianday(t TEXT) RETURNS DOUBLE PRECISION
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT extract(epoch FROM (t::timestamptz))::double precision / 86400.0 + 2440587.5 $$;
CREATE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT strpos(haystack, needle)::bigint $$;

CREATE FUNCTION substr(s TEXT, start BIGINT, count BIGINT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT pg_catalog.substr(s, start::integer, count::integer) $$;
CREATE FUNCTION substr(s TEXT, start BIGINT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT pg_catalog.substr(s, start::integer) $$;

CREATE FUNCTION bbdispatch_next_row_id() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next BIGINT;
BEGIN
    IF NEW.id IS NULL THEN
        EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I', TG_TABLE_NAME) INTO next;
        NEW.id := next;
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE client (
    id              BIGINT PRIMARY KEY,
    kind            TEXT COLLATE "C"    NOT NULL CHECK (kind IN ('company', 'private')),
    name            TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    search_name     TEXT COLLATE "C"    NOT NULL,
    nip             TEXT COLLATE "C"    CHECK (nip IS NULL OR (length(nip) = 10 AND nip ~ '^[0-9]*$')),
    street          TEXT COLLATE "C"    NOT NULL DEFAULT '',
    city            TEXT COLLATE "C"    NOT NULL DEFAULT '',
    postal_code     TEXT COLLATE "C"    NOT NULL DEFAULT '',
    email           TEXT COLLATE "C"    NOT NULL DEFAULT '',
    contact_person  TEXT COLLATE "C"    NOT NULL DEFAULT '',
    notes           TEXT COLLATE "C"    NOT NULL DEFAULT '',
    status          TEXT COLLATE "C"    NOT NULL DEFAULT 'prospect'
                            CHECK (status IN ('prospect', 'active', 'archived')),
    created_at      TEXT COLLATE "C"    NOT NULL CHECK (created_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')
);

CREATE UNIQUE INDEX client_by_nip ON client (nip) WHERE nip IS NOT NULL;

CREATE INDEX client_by_search_name ON client (search_name);

CREATE TABLE client_phone (
    id              BIGINT PRIMARY KEY,
    client_id       BIGINT NOT NULL REFERENCES client (id) ON DELETE CASCADE,
    e164            TEXT COLLATE "C"    NOT NULL CHECK (e164 ~ '^\+[1-9]' AND length(e164) BETWEEN 8 AND 16),
    label           TEXT COLLATE "C"    NOT NULL DEFAULT '',
    contact_person  TEXT COLLATE "C"    NOT NULL DEFAULT '',
    UNIQUE (client_id, e164)
);

CREATE INDEX client_phone_by_e164 ON client_phone (e164);

CREATE TABLE technician (
    id              BIGINT PRIMARY KEY,
    login           TEXT COLLATE "C"    NOT NULL UNIQUE CHECK (length(login) > 0),
    name            TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    role            TEXT COLLATE "C"    NOT NULL CHECK (role IN ('dispatcher', 'technician', 'admin')),
    does_onsite     BIGINT NOT NULL DEFAULT 1 CHECK (does_onsite IN (0, 1)),
    phone           TEXT COLLATE "C"    CHECK (phone IS NULL OR phone ~ '^\+[1-9]'),
    active          BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE technician_skill (
    technician_id   BIGINT NOT NULL REFERENCES technician (id) ON DELETE CASCADE,
    category        TEXT COLLATE "C"    NOT NULL CHECK (category IN
                            ('hardware', 'software', 'network', 'backup', 'training', 'other')),
    PRIMARY KEY (technician_id, category)
);

CREATE TABLE needs_assessment (
    id              BIGINT PRIMARY KEY,
    client_id       BIGINT NOT NULL REFERENCES client (id),
    revision        BIGINT NOT NULL CHECK (revision >= 1),
    assessed_on     TEXT COLLATE "C"    NOT NULL CHECK (assessed_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    needs           TEXT COLLATE "C"    NOT NULL DEFAULT '',
    rules           TEXT COLLATE "C"    NOT NULL DEFAULT '',
    waived          BIGINT NOT NULL DEFAULT 0 CHECK (waived IN (0, 1)),
    waiver_reason   TEXT COLLATE "C"    NOT NULL DEFAULT '',
    recorded_by     TEXT COLLATE "C"    NOT NULL,
    recorded_at     TEXT COLLATE "C"    NOT NULL,
    UNIQUE (client_id, revision),
    CHECK (waived = 0 OR length(trim(waiver_reason)) > 0),
    CHECK (waived = 1 OR length(trim(needs)) > 0)
);

CREATE TABLE contract (
    id                  BIGINT PRIMARY KEY,
    client_id           BIGINT NOT NULL REFERENCES client (id),
    product_code        TEXT COLLATE "C"    NOT NULL,
    kind                TEXT COLLATE "C"    NOT NULL CHECK (kind IN ('block', 'hourly', 'monthly', 'individual')),
    number              TEXT COLLATE "C"    NOT NULL UNIQUE,
    title               TEXT COLLATE "C"    NOT NULL,
    starts_on           TEXT COLLATE "C"    NOT NULL CHECK (starts_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    ends_on             TEXT COLLATE "C"    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    minutes_included    BIGINT CHECK (minutes_included IS NULL OR minutes_included > 0),
    net_grosze          BIGINT NOT NULL CHECK (net_grosze >= 0),
    vat_rate_bp         BIGINT NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    status              TEXT COLLATE "C"    NOT NULL DEFAULT 'active'
                                CHECK (status IN ('active', 'used_up', 'expired', 'closed')),
    assessment_id       BIGINT REFERENCES needs_assessment (id),
    signed_at           TEXT COLLATE "C"    NOT NULL,
    signed_by           TEXT COLLATE "C"    NOT NULL, opening_used_minutes BIGINT NOT NULL DEFAULT 0
    CHECK (opening_used_minutes >= 0),
    CHECK ((kind = 'block') = (minutes_included IS NOT NULL))
);

CREATE INDEX contract_by_client ON contract (client_id, status, starts_on);

CREATE TABLE recurring_task (
    id                  BIGINT PRIMARY KEY,
    contract_id         BIGINT NOT NULL REFERENCES contract (id),
    title               TEXT COLLATE "C"    NOT NULL CHECK (length(trim(title)) > 0),
    instructions        TEXT COLLATE "C"    NOT NULL DEFAULT '',
    schedule            TEXT COLLATE "C"    NOT NULL CHECK (length(schedule) > 0),
    starts_at           TEXT COLLATE "C"    NOT NULL,
    technician_id       BIGINT REFERENCES technician (id),
    expected_minutes    BIGINT NOT NULL DEFAULT 60 CHECK (expected_minutes > 0),
    mode                TEXT COLLATE "C"    NOT NULL DEFAULT 'remote' CHECK (mode IN ('onsite', 'remote')),
    category            TEXT COLLATE "C"    NOT NULL DEFAULT 'backup' CHECK (category IN
                                ('hardware', 'software', 'network', 'backup', 'training', 'other')),
    catch_up            BIGINT NOT NULL DEFAULT 1 CHECK (catch_up IN (0, 1)),
    active              BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
, on_closed_day TEXT COLLATE "C" NOT NULL DEFAULT 'next-workday'
    CHECK (on_closed_day IN ('skip', 'next-workday')));

CREATE TABLE job (
    id                  BIGINT PRIMARY KEY,
    client_id           BIGINT NOT NULL REFERENCES client (id),
    contract_id         BIGINT REFERENCES contract (id),
    caller_phone        TEXT COLLATE "C"    CHECK (caller_phone IS NULL OR caller_phone ~ '^\+[1-9]'),
    caller_name         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    received_at         TEXT COLLATE "C"    NOT NULL,
    description         TEXT COLLATE "C"    NOT NULL CHECK (length(trim(description)) > 0),
    mode                TEXT COLLATE "C"    NOT NULL CHECK (mode IN ('onsite', 'remote')),
    priority            TEXT COLLATE "C"    NOT NULL CHECK (priority IN ('emergency', 'normal', 'low')),
    category            TEXT COLLATE "C"    NOT NULL CHECK (category IN
                                ('hardware', 'software', 'network', 'backup', 'training', 'other')),
    status              TEXT COLLATE "C"    NOT NULL DEFAULT 'new' CHECK (status IN
                                ('new', 'triaged', 'assigned', 'in_progress', 'on_hold', 'done', 'cancelled')),
    technician_id       BIGINT REFERENCES technician (id),
    visit_at            TEXT COLLATE "C",
    site_address        TEXT COLLATE "C"    NOT NULL DEFAULT '',
    agreed_rate_grosze  BIGINT CHECK (agreed_rate_grosze IS NULL OR agreed_rate_grosze >= 0),
    resolution          TEXT COLLATE "C"    NOT NULL DEFAULT '',
    status_reason       TEXT COLLATE "C"    NOT NULL DEFAULT '',
    alert               TEXT COLLATE "C"    NOT NULL DEFAULT '',
    recurring_task_id   BIGINT REFERENCES recurring_task (id),
    occurrence_at       TEXT COLLATE "C",
    late                BIGINT NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    closed_at           TEXT COLLATE "C",
    updated_at          TEXT COLLATE "C"    NOT NULL, agreed_price_grosze BIGINT
    CHECK (agreed_price_grosze IS NULL OR agreed_price_grosze >= 0),
    CHECK (status <> 'done' OR length(trim(resolution)) > 0),
    CHECK (status <> 'cancelled' OR length(trim(status_reason)) > 0),
    CHECK ((recurring_task_id IS NULL) = (occurrence_at IS NULL)),
    UNIQUE (recurring_task_id, occurrence_at)
);

CREATE INDEX job_by_status ON job (status, priority, received_at);

CREATE INDEX job_by_client ON job (client_id, received_at);

CREATE INDEX job_by_technician ON job (technician_id, status);

CREATE TABLE job_status_change (
    id                  BIGINT PRIMARY KEY,
    job_id              BIGINT NOT NULL REFERENCES job (id),
    at                  TEXT COLLATE "C"    NOT NULL,
    from_status         TEXT COLLATE "C",
    to_status           TEXT COLLATE "C"    NOT NULL,
    technician_id       BIGINT REFERENCES technician (id),
    actor               TEXT COLLATE "C"    NOT NULL,
    note                TEXT COLLATE "C"    NOT NULL DEFAULT ''
);

CREATE INDEX job_status_change_by_job ON job_status_change (job_id, at);

CREATE TABLE statement (
    id                  BIGINT PRIMARY KEY,
    client_id           BIGINT NOT NULL REFERENCES client (id),
    period_from         TEXT COLLATE "C"    NOT NULL,
    period_to           TEXT COLLATE "C"    NOT NULL CHECK (period_to >= period_from),
    issued_at           TEXT COLLATE "C"    NOT NULL,
    issued_by           TEXT COLLATE "C"    NOT NULL
, number TEXT COLLATE "C", worth_grosze BIGINT, worth_minutes BIGINT);

CREATE TABLE work_entry (
    id                  BIGINT PRIMARY KEY,
    job_id              BIGINT NOT NULL REFERENCES job (id),
    technician_id       BIGINT NOT NULL REFERENCES technician (id),
    started_at          TEXT COLLATE "C"    NOT NULL,
    ended_at            TEXT COLLATE "C"    CHECK (ended_at IS NULL OR ended_at > started_at),
    description         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    mode                TEXT COLLATE "C"    NOT NULL CHECK (mode IN ('onsite', 'remote')),
    billable            BIGINT NOT NULL DEFAULT 1 CHECK (billable IN (0, 1)),
    statement_id        BIGINT REFERENCES statement (id),
    created_at          TEXT COLLATE "C"    NOT NULL,
    updated_at          TEXT COLLATE "C"    NOT NULL,
    CHECK (ended_at IS NULL OR length(trim(description)) > 0)
);

CREATE UNIQUE INDEX work_entry_one_running_timer ON work_entry (technician_id) WHERE ended_at IS NULL;

CREATE INDEX work_entry_by_technician ON work_entry (technician_id, started_at);

CREATE INDEX work_entry_by_job ON work_entry (job_id, started_at);

CREATE TABLE charge (
    id                  BIGINT PRIMARY KEY,
    work_entry_id       BIGINT NOT NULL REFERENCES work_entry (id) ON DELETE CASCADE,
    contract_id         BIGINT REFERENCES contract (id),
    basis               TEXT COLLATE "C"    NOT NULL CHECK (basis IN
                                ('block', 'hourly', 'monthly', 'uncovered', 'agreed')),
    minutes             BIGINT NOT NULL CHECK (minutes > 0),
    rate_grosze         BIGINT NOT NULL DEFAULT 0 CHECK (rate_grosze >= 0),
    reason              TEXT COLLATE "C"    NOT NULL,
    CHECK ((contract_id IS NULL) = (basis IN ('uncovered', 'agreed')))
);

CREATE INDEX charge_by_entry ON charge (work_entry_id);

CREATE INDEX charge_by_contract ON charge (contract_id);

CREATE TABLE run_log (
    id                  BIGINT PRIMARY KEY,
    job_id              BIGINT NOT NULL UNIQUE REFERENCES job (id),
    recorded_by         TEXT COLLATE "C"    NOT NULL,
    recorded_at         TEXT COLLATE "C"    NOT NULL,
    checked             TEXT COLLATE "C"    NOT NULL CHECK (length(trim(checked)) > 0),
    outcome             TEXT COLLATE "C"    NOT NULL CHECK (outcome IN ('ok', 'problem')),
    problem             TEXT COLLATE "C"    NOT NULL DEFAULT '',
    CHECK (outcome = 'ok' OR length(trim(problem)) > 0)
);

CREATE TABLE call_log (
    id                  BIGINT PRIMARY KEY,
    received_at         TEXT COLLATE "C"    NOT NULL,
    raw_number          TEXT COLLATE "C"    NOT NULL DEFAULT '',
    e164                TEXT COLLATE "C"    CHECK (e164 IS NULL OR e164 ~ '^\+[1-9]'),
    client_id           BIGINT REFERENCES client (id),
    source              TEXT COLLATE "C"    NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'ring')),
    outcome             TEXT COLLATE "C"    NOT NULL DEFAULT 'pending' CHECK (outcome IN
                                ('pending', 'job_created', 'information', 'new_prospect', 'missed')),
    job_id              BIGINT REFERENCES job (id),
    handled_by          TEXT COLLATE "C"    NOT NULL DEFAULT '',
    note                TEXT COLLATE "C"    NOT NULL DEFAULT ''
);

CREATE INDEX call_log_by_time ON call_log (received_at);

CREATE INDEX call_log_pending ON call_log (outcome) WHERE outcome = 'pending';

CREATE TABLE audit_log (
    id                  BIGINT PRIMARY KEY,
    at                  TEXT COLLATE "C"    NOT NULL,
    actor               TEXT COLLATE "C"    NOT NULL,
    entity              TEXT COLLATE "C"    NOT NULL,
    entity_id           BIGINT,
    action              TEXT COLLATE "C"    NOT NULL,
    detail              TEXT COLLATE "C"    NOT NULL DEFAULT '{}'
, detail_digest TEXT COLLATE "C" NOT NULL DEFAULT '', chain_hash TEXT COLLATE "C" NOT NULL DEFAULT '');

CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, at);

CREATE TABLE correction (
    id                  BIGINT PRIMARY KEY,
    client_id           BIGINT NOT NULL REFERENCES client (id),
    work_entry_id       BIGINT NOT NULL REFERENCES work_entry (id),
    locked_by           BIGINT NOT NULL REFERENCES statement (id),
    made_at             TEXT COLLATE "C"    NOT NULL,
    made_by             TEXT COLLATE "C"    NOT NULL,
    reason              TEXT COLLATE "C"    NOT NULL CHECK (length(trim(reason)) > 0),
    minutes_delta       BIGINT NOT NULL,
    net_delta_grosze    BIGINT NOT NULL,
    statement_id        BIGINT REFERENCES statement (id)
);

CREATE INDEX correction_pending ON correction (client_id) WHERE statement_id IS NULL;

CREATE TABLE software_inventory (
    id              BIGINT PRIMARY KEY,
    client_id       BIGINT NOT NULL REFERENCES client (id),
    job_id          BIGINT REFERENCES job (id),
    source_name     TEXT COLLATE "C"    NOT NULL DEFAULT '',
    source_format   TEXT COLLATE "C"    NOT NULL CHECK (source_format IN ('powershell-csv', 'wmic', 'csv')),
    loaded_by       TEXT COLLATE "C"    NOT NULL,
    loaded_at       TEXT COLLATE "C"    NOT NULL
);

CREATE INDEX software_inventory_by_client ON software_inventory (client_id, loaded_at, id);

CREATE TABLE software_item (
    inventory_id    BIGINT NOT NULL REFERENCES software_inventory (id) ON DELETE CASCADE,
    name            TEXT COLLATE "C"    NOT NULL CHECK (length(trim(name)) > 0),
    version         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    PRIMARY KEY (inventory_id, name, version)
);

CREATE TABLE backup_check (
    id              BIGINT PRIMARY KEY,
    job_id          BIGINT NOT NULL UNIQUE REFERENCES job (id),
    result          TEXT COLLATE "C"    NOT NULL CHECK (result IN ('ok', 'failed')),
    backup_date     TEXT COLLATE "C"    CHECK (backup_date IS NULL OR backup_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    size_bytes      BIGINT CHECK (size_bytes IS NULL OR size_bytes >= 0),
    location        TEXT COLLATE "C"    NOT NULL DEFAULT '',
    note            TEXT COLLATE "C"    NOT NULL DEFAULT '',
    recorded_by     TEXT COLLATE "C"    NOT NULL,
    recorded_at     TEXT COLLATE "C"    NOT NULL,
    CHECK (result = 'ok' OR length(trim(note)) > 0)
);

CREATE TABLE firm_setting (
    key     TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(key) > 0),
    value   TEXT COLLATE "C" NOT NULL
);

CREATE TABLE import_batch (
    id              BIGINT PRIMARY KEY,
    kind            TEXT COLLATE "C"    NOT NULL CHECK (kind IN ('clients')),
    source          TEXT COLLATE "C"    NOT NULL DEFAULT '',
    actor           TEXT COLLATE "C"    NOT NULL,
    state           TEXT COLLATE "C"    NOT NULL CHECK (state IN ('staging', 'ready', 'done')),
    created_at      TEXT COLLATE "C"    NOT NULL,
    added           BIGINT NOT NULL DEFAULT 0,
    skipped         BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE import_row (
    batch_id        BIGINT NOT NULL REFERENCES import_batch (id) ON DELETE CASCADE,
    line            BIGINT NOT NULL,
    payload         TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (batch_id, line)
);

CREATE UNIQUE INDEX statement_by_number ON statement (number);

CREATE TABLE statement_document (
    statement_id        BIGINT NOT NULL REFERENCES statement (id),
    format              TEXT COLLATE "C"    NOT NULL,
    body                TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (statement_id, format)
);

CREATE TABLE statement_settlement (
    id                  BIGINT PRIMARY KEY,
    statement_id        BIGINT NOT NULL REFERENCES statement (id),
    refers_to           BIGINT NOT NULL REFERENCES statement (id),
    minutes_delta       BIGINT NOT NULL,
    net_delta_grosze    BIGINT NOT NULL,
    reason              TEXT COLLATE "C"    NOT NULL DEFAULT ''
);

CREATE INDEX statement_settlement_by_ref ON statement_settlement (refers_to);

CREATE TABLE callback (
    id              BIGINT PRIMARY KEY,
    client_id       BIGINT REFERENCES client (id),
    call_id         BIGINT REFERENCES call_log (id),
    e164            TEXT COLLATE "C"    CHECK (e164 IS NULL OR e164 ~ '^\+[1-9]'),
    name            TEXT COLLATE "C"    NOT NULL DEFAULT '',
    reason          TEXT COLLATE "C"    NOT NULL CHECK (length(trim(reason)) > 0),
    due_at          TEXT COLLATE "C"    NOT NULL,
    created_by      TEXT COLLATE "C"    NOT NULL,
    created_at      TEXT COLLATE "C"    NOT NULL,
    done_at         TEXT COLLATE "C",
    done_by         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    outcome         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    CHECK (client_id IS NOT NULL OR e164 IS NOT NULL)
);

CREATE INDEX callback_open ON callback (due_at) WHERE done_at IS NULL;

CREATE TABLE id_high_water (
    entity          TEXT COLLATE "C"    PRIMARY KEY CHECK (entity IN ('client', 'job', 'contract', 'call_log')),
    last_id         BIGINT NOT NULL CHECK (last_id >= 0)
);

CREATE INDEX client_search_name_trgm ON client USING gin (search_name gin_trgm_ops);
CREATE INDEX client_search_nip_trgm ON client USING gin (nip gin_trgm_ops);
CREATE INDEX client_phone_e164_trgm ON client_phone USING gin (e164 gin_trgm_ops);

INSERT INTO id_high_water (entity, last_id) VALUES
    ('client', 0), ('job', 0), ('contract', 0), ('call_log', 0);

-- The highest id each table ever held, kept per statement (a COPY of a
-- million rows updates it once, not a million times).
CREATE FUNCTION bbdispatch_high_water() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE id_high_water SET last_id = greatest(last_id, (SELECT max(id) FROM gone))
            WHERE entity = TG_TABLE_NAME AND EXISTS (SELECT 1 FROM gone);
    ELSE
        UPDATE id_high_water SET last_id = greatest(last_id, (SELECT max(id) FROM added))
            WHERE entity = TG_TABLE_NAME AND EXISTS (SELECT 1 FROM added);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER client_high_water_insert AFTER INSERT ON client
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER client_high_water_delete AFTER DELETE ON client
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER job_high_water_insert AFTER INSERT ON job
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER job_high_water_delete AFTER DELETE ON job
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER contract_high_water_insert AFTER INSERT ON contract
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER contract_high_water_delete AFTER DELETE ON contract
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER call_log_high_water_insert AFTER INSERT ON call_log
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER call_log_high_water_delete AFTER DELETE ON call_log
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();

CREATE TRIGGER client_next_id BEFORE INSERT ON client
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER client_phone_next_id BEFORE INSERT ON client_phone
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER technician_next_id BEFORE INSERT ON technician
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER needs_assessment_next_id BEFORE INSERT ON needs_assessment
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER contract_next_id BEFORE INSERT ON contract
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER recurring_task_next_id BEFORE INSERT ON recurring_task
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER job_next_id BEFORE INSERT ON job
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER job_status_change_next_id BEFORE INSERT ON job_status_change
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER statement_next_id BEFORE INSERT ON statement
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER work_entry_next_id BEFORE INSERT ON work_entry
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER charge_next_id BEFORE INSERT ON charge
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER run_log_next_id BEFORE INSERT ON run_log
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER call_log_next_id BEFORE INSERT ON call_log
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER audit_log_next_id BEFORE INSERT ON audit_log
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER correction_next_id BEFORE INSERT ON correction
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER software_inventory_next_id BEFORE INSERT ON software_inventory
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER backup_check_next_id BEFORE INSERT ON backup_check
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER import_batch_next_id BEFORE INSERT ON import_batch
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER statement_settlement_next_id BEFORE INSERT ON statement_settlement
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
CREATE TRIGGER callback_next_id BEFORE INSERT ON callback
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION bbdispatch_next_row_id();
