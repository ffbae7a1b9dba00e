-- 001: the whole first-cut data model of DESIGN.md.
-- Conventions: times are UTC text 'YYYY-MM-DDTHH:MM:SSZ', dates 'YYYY-MM-DD';
-- money is integer grosze; durations are integer minutes; flags are 0/1.

CREATE TABLE client (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('company', 'private')),
    name            TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    search_name     TEXT    NOT NULL,
    nip             TEXT    CHECK (nip IS NULL OR (length(nip) = 10 AND nip NOT GLOB '*[^0-9]*')),
    street          TEXT    NOT NULL DEFAULT '',
    city            TEXT    NOT NULL DEFAULT '',
    postal_code     TEXT    NOT NULL DEFAULT '',
    email           TEXT    NOT NULL DEFAULT '',
    contact_person  TEXT    NOT NULL DEFAULT '',
    notes           TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'prospect'
                            CHECK (status IN ('prospect', 'active', 'archived')),
    created_at      TEXT    NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')
) STRICT;
CREATE UNIQUE INDEX client_by_nip ON client (nip) WHERE nip IS NOT NULL;
CREATE INDEX client_by_search_name ON client (search_name);

CREATE TABLE client_phone (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES client (id) ON DELETE CASCADE,
    e164            TEXT    NOT NULL CHECK (e164 GLOB '+[1-9][0-9]*' AND length(e164) BETWEEN 8 AND 16),
    label           TEXT    NOT NULL DEFAULT '',
    contact_person  TEXT    NOT NULL DEFAULT '',
    UNIQUE (client_id, e164)
) STRICT;
CREATE INDEX client_phone_by_e164 ON client_phone (e164);

CREATE TABLE technician (
    id              INTEGER PRIMARY KEY,
    login           TEXT    NOT NULL UNIQUE CHECK (length(login) > 0),
    name            TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    role            TEXT    NOT NULL CHECK (role IN ('dispatcher', 'technician', 'admin')),
    does_onsite     INTEGER NOT NULL DEFAULT 1 CHECK (does_onsite IN (0, 1)),
    phone           TEXT    CHECK (phone IS NULL OR phone GLOB '+[1-9][0-9]*'),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE technician_skill (
    technician_id   INTEGER NOT NULL REFERENCES technician (id) ON DELETE CASCADE,
    category        TEXT    NOT NULL CHECK (category IN
                            ('hardware', 'software', 'network', 'backup', 'training', 'other')),
    PRIMARY KEY (technician_id, category)
) STRICT;

CREATE TABLE needs_assessment (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES client (id),
    revision        INTEGER NOT NULL CHECK (revision >= 1),
    assessed_on     TEXT    NOT NULL CHECK (assessed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    needs           TEXT    NOT NULL DEFAULT '',
    rules           TEXT    NOT NULL DEFAULT '',
    waived          INTEGER NOT NULL DEFAULT 0 CHECK (waived IN (0, 1)),
    waiver_reason   TEXT    NOT NULL DEFAULT '',
    recorded_by     TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    UNIQUE (client_id, revision),
    CHECK (waived = 0 OR length(trim(waiver_reason)) > 0),
    CHECK (waived = 1 OR length(trim(needs)) > 0)
) STRICT;

CREATE TABLE contract (
    id                  INTEGER PRIMARY KEY,
    client_id           INTEGER NOT NULL REFERENCES client (id),
    product_code        TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('block', 'hourly', 'monthly', 'individual')),
    number              TEXT    NOT NULL UNIQUE,
    title               TEXT    NOT NULL,
    starts_on           TEXT    NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ends_on             TEXT    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    minutes_included    INTEGER CHECK (minutes_included IS NULL OR minutes_included > 0),
    net_grosze          INTEGER NOT NULL CHECK (net_grosze >= 0),
    vat_rate_bp         INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    status              TEXT    NOT NULL DEFAULT 'active'
                                CHECK (status IN ('active', 'used_up', 'expired', 'closed')),
    assessment_id       INTEGER REFERENCES needs_assessment (id),
    signed_at           TEXT    NOT NULL,
    signed_by           TEXT    NOT NULL,
    CHECK ((kind = 'block') = (minutes_included IS NOT NULL))
) STRICT;
CREATE INDEX contract_by_client ON contract (client_id, status, starts_on);

CREATE TABLE recurring_task (
    id                  INTEGER PRIMARY KEY,
    contract_id         INTEGER NOT NULL REFERENCES contract (id),
    title               TEXT    NOT NULL CHECK (length(trim(title)) > 0),
    instructions        TEXT    NOT NULL DEFAULT '',
    schedule            TEXT    NOT NULL CHECK (length(schedule) > 0),
    starts_at           TEXT    NOT NULL,
    technician_id       INTEGER REFERENCES technician (id),
    expected_minutes    INTEGER NOT NULL DEFAULT 60 CHECK (expected_minutes > 0),
    mode                TEXT    NOT NULL DEFAULT 'remote' CHECK (mode IN ('onsite', 'remote')),
    category            TEXT    NOT NULL DEFAULT 'backup' CHECK (category IN
                                ('hardware', 'software', 'network', 'backup', 'training', 'other')),
    catch_up            INTEGER NOT NULL DEFAULT 1 CHECK (catch_up IN (0, 1)),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE job (
    id                  INTEGER PRIMARY KEY,
    client_id           INTEGER NOT NULL REFERENCES client (id),
    contract_id         INTEGER REFERENCES contract (id),
    caller_phone        TEXT    CHECK (caller_phone IS NULL OR caller_phone GLOB '+[1-9][0-9]*'),
    caller_name         TEXT    NOT NULL DEFAULT '',
    received_at         TEXT    NOT NULL,
    description         TEXT    NOT NULL CHECK (length(trim(description)) > 0),
    mode                TEXT    NOT NULL CHECK (mode IN ('onsite', 'remote')),
    priority            TEXT    NOT NULL CHECK (priority IN ('emergency', 'normal', 'low')),
    category            TEXT    NOT NULL CHECK (category IN
                                ('hardware', 'software', 'network', 'backup', 'training', 'other')),
    status              TEXT    NOT NULL DEFAULT 'new' CHECK (status IN
                                ('new', 'triaged', 'assigned', 'in_progress', 'on_hold', 'done', 'cancelled')),
    technician_id       INTEGER REFERENCES technician (id),
    visit_at            TEXT,
    site_address        TEXT    NOT NULL DEFAULT '',
    agreed_rate_grosze  INTEGER CHECK (agreed_rate_grosze IS NULL OR agreed_rate_grosze >= 0),
    resolution          TEXT    NOT NULL DEFAULT '',
    status_reason       TEXT    NOT NULL DEFAULT '',
    alert               TEXT    NOT NULL DEFAULT '',
    recurring_task_id   INTEGER REFERENCES recurring_task (id),
    occurrence_at       TEXT,
    late                INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    closed_at           TEXT,
    updated_at          TEXT    NOT NULL,
    CHECK (status <> 'done' OR length(trim(resolution)) > 0),
    CHECK (status <> 'cancelled' OR length(trim(status_reason)) > 0),
    CHECK ((recurring_task_id IS NULL) = (occurrence_at IS NULL)),
    UNIQUE (recurring_task_id, occurrence_at)
) STRICT;
CREATE INDEX job_by_status ON job (status, priority, received_at);
CREATE INDEX job_by_client ON job (client_id, received_at);
CREATE INDEX job_by_technician ON job (technician_id, status);

CREATE TABLE job_status_change (
    id                  INTEGER PRIMARY KEY,
    job_id              INTEGER NOT NULL REFERENCES job (id),
    at                  TEXT    NOT NULL,
    from_status         TEXT,
    to_status           TEXT    NOT NULL,
    technician_id       INTEGER REFERENCES technician (id),
    actor               TEXT    NOT NULL,
    note                TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX job_status_change_by_job ON job_status_change (job_id, at);

CREATE TABLE statement (
    id                  INTEGER PRIMARY KEY,
    client_id           INTEGER NOT NULL REFERENCES client (id),
    period_from         TEXT    NOT NULL,
    period_to           TEXT    NOT NULL CHECK (period_to >= period_from),
    issued_at           TEXT    NOT NULL,
    issued_by           TEXT    NOT NULL
) STRICT;

CREATE TABLE work_entry (
    id                  INTEGER PRIMARY KEY,
    job_id              INTEGER NOT NULL REFERENCES job (id),
    technician_id       INTEGER NOT NULL REFERENCES technician (id),
    started_at          TEXT    NOT NULL,
    ended_at            TEXT    CHECK (ended_at IS NULL OR ended_at > started_at),
    description         TEXT    NOT NULL DEFAULT '',
    mode                TEXT    NOT NULL CHECK (mode IN ('onsite', 'remote')),
    billable            INTEGER NOT NULL DEFAULT 1 CHECK (billable IN (0, 1)),
    statement_id        INTEGER REFERENCES statement (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    CHECK (ended_at IS NULL OR length(trim(description)) > 0)
) STRICT;
CREATE UNIQUE INDEX work_entry_one_running_timer ON work_entry (technician_id) WHERE ended_at IS NULL;
CREATE INDEX work_entry_by_technician ON work_entry (technician_id, started_at);
CREATE INDEX work_entry_by_job ON work_entry (job_id, started_at);

-- How a work entry's billed minutes land on contracts; contract_id NULL = uncovered.
CREATE TABLE charge (
    id                  INTEGER PRIMARY KEY,
    work_entry_id       INTEGER NOT NULL REFERENCES work_entry (id) ON DELETE CASCADE,
    contract_id         INTEGER REFERENCES contract (id),
    basis               TEXT    NOT NULL CHECK (basis IN
                                ('block', 'hourly', 'monthly', 'uncovered', 'agreed')),
    minutes             INTEGER NOT NULL CHECK (minutes > 0),
    rate_grosze         INTEGER NOT NULL DEFAULT 0 CHECK (rate_grosze >= 0),
    reason              TEXT    NOT NULL,
    CHECK ((contract_id IS NULL) = (basis IN ('uncovered', 'agreed')))
) STRICT;
CREATE INDEX charge_by_entry ON charge (work_entry_id);
CREATE INDEX charge_by_contract ON charge (contract_id);

CREATE TABLE run_log (
    id                  INTEGER PRIMARY KEY,
    job_id              INTEGER NOT NULL UNIQUE REFERENCES job (id),
    recorded_by         TEXT    NOT NULL,
    recorded_at         TEXT    NOT NULL,
    checked             TEXT    NOT NULL CHECK (length(trim(checked)) > 0),
    outcome             TEXT    NOT NULL CHECK (outcome IN ('ok', 'problem')),
    problem             TEXT    NOT NULL DEFAULT '',
    CHECK (outcome = 'ok' OR length(trim(problem)) > 0)
) STRICT;

CREATE TABLE call_log (
    id                  INTEGER PRIMARY KEY,
    received_at         TEXT    NOT NULL,
    raw_number          TEXT    NOT NULL DEFAULT '',
    e164                TEXT    CHECK (e164 IS NULL OR e164 GLOB '+[1-9][0-9]*'),
    client_id           INTEGER REFERENCES client (id),
    source              TEXT    NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'ring')),
    outcome             TEXT    NOT NULL DEFAULT 'pending' CHECK (outcome IN
                                ('pending', 'job_created', 'information', 'new_prospect', 'missed')),
    job_id              INTEGER REFERENCES job (id),
    handled_by          TEXT    NOT NULL DEFAULT '',
    note                TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX call_log_by_time ON call_log (received_at);
CREATE INDEX call_log_pending ON call_log (outcome) WHERE outcome = 'pending';

CREATE TABLE audit_log (
    id                  INTEGER PRIMARY KEY,
    at                  TEXT    NOT NULL,
    actor               TEXT    NOT NULL,
    entity              TEXT    NOT NULL,
    entity_id           INTEGER,
    action              TEXT    NOT NULL,
    detail              TEXT    NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, at);
