-- Roles for a bbdispatch database on PostgreSQL (docs/scaling.md, "Roles").
-- Run by the database's owner (or a superuser) after 'bbdispatch init', in the
-- schema bbdispatch uses (public), and again after each upgrade of bbdispatch
-- (an existing database keeps an earlier script's rules until then; running it
-- again replaces every policy and trigger it makes):
--     psql -d bbdispatch -f pg_roles.sql
-- Then give each person a login role named as their OS login and put it in one
-- group:   CREATE ROLE anna LOGIN IN ROLE bbdispatch_app;          -- dispatcher
--          CREATE ROLE kasia LOGIN IN ROLE bbdispatch_technician;  -- technician
--          CREATE ROLE bogdan LOGIN IN ROLE bbdispatch_admin;      -- admin
-- and let each connect as themselves: postgresql://anna@server/bbdispatch.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bbdispatch_app') THEN
        CREATE ROLE bbdispatch_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bbdispatch_technician') THEN
        CREATE ROLE bbdispatch_technician NOLOGIN IN ROLE bbdispatch_app;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bbdispatch_admin') THEN
        CREATE ROLE bbdispatch_admin NOLOGIN IN ROLE bbdispatch_app;
    END IF;
END $$;

GRANT USAGE ON SCHEMA public TO bbdispatch_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bbdispatch_app;
REVOKE INSERT, UPDATE, DELETE ON bbdispatch_schema FROM bbdispatch_app;

-- The audit trail is insert-only for the app. Only an admin's privacy erasure
-- may empty a row's detail and drop its salt (its digest and chain hash stay,
-- docs/privacy.md).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM bbdispatch_app;
GRANT UPDATE (detail, detail_salt) ON audit_log TO bbdispatch_admin;

-- New ids and the id high-water mark are computed over all rows, whoever inserts.
ALTER FUNCTION bbdispatch_next_row_id() SECURITY DEFINER SET search_path = public;
ALTER FUNCTION bbdispatch_high_water() SECURITY DEFINER SET search_path = public;
-- A client's or technician's rename moves the revision of all their jobs (the
-- board shows the names), whoever renames.
ALTER FUNCTION bbdispatch_job_rev_of_name() SECURITY DEFINER SET search_path = public;
-- A client added while an import publishes removes the hidden imported one it
-- replaces (migration 027), whoever adds it.
ALTER FUNCTION bbdispatch_hidden_yield() SECURITY DEFINER SET search_path = public;

-- "Technicians see their own jobs" (docs/rights.md), enforced by the server too.
-- Who sees everything: anyone not in bbdispatch_technician, and whoever the
-- server lets past row-level security anyway (superusers, BYPASSRLS roles).
CREATE OR REPLACE FUNCTION bbdispatch_sees_all() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public AS $$
    SELECT NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER')
        OR EXISTS (SELECT FROM pg_roles r WHERE r.rolname = current_user
                   AND (r.rolsuper OR r.rolbypassrls))
$$;
-- The person a technician's login is (NULL for a login that is no person).
CREATE OR REPLACE FUNCTION bbdispatch_my_id() RETURNS bigint
    LANGUAGE sql STABLE SET search_path = public AS $$
    SELECT t.id FROM technician t WHERE t.login = current_user
$$;

-- One shape for every table a technician's session touches: everyone who sees
-- all passes; a technician's session reads the rows `reads` lets through, adds
-- the rows `adds` lets through, changes (UPDATE: the row before and after) the
-- rows `changes` lets through and deletes the rows `removes` lets through; NULL
-- means none at all. Conditions may read other restricted tables: a subquery on
-- job sees only the technician's jobs (job's policy applies to it too).
-- Re-running replaces each table's policies.
CREATE OR REPLACE FUNCTION pg_temp.bbdispatch_restrict(
    tab text, reads text, adds text, changes text, removes text)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p record;
BEGIN
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tab);
    FOR p IN SELECT policyname FROM pg_policies
             WHERE schemaname = current_schema() AND tablename = tab LOOP
        EXECUTE format('DROP POLICY %I ON %I', p.policyname, tab);
    END LOOP;
    EXECUTE format('CREATE POLICY %I ON %I USING ((SELECT bbdispatch_sees_all()))',
                   tab || '_not_technicians', tab);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (%s)',
                   tab || '_technicians_read', tab, reads);
    IF adds IS NOT NULL THEN
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (%s)',
                       tab || '_technicians_add', tab, adds);
    END IF;
    IF changes IS NOT NULL THEN
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (%s) WITH CHECK (%s)',
                       tab || '_technicians_change', tab, changes, changes);
    END IF;
    IF removes IS NOT NULL THEN
        EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (%s)',
                       tab || '_technicians_delete', tab, removes);
    END IF;
END $$;

-- What a technician's session may read, table by table: their jobs; the time
-- entries (and their charges) and status history of their jobs, and their own
-- entries on a job since given to someone else; the calls logged on their
-- jobs; the clients, phone numbers, contracts and software inventories of
-- their jobs' clients and the recurring tasks of their runs; the runs' logs
-- and backup checks; their own person and skills; their own audit rows.
-- What it may write is what bbdispatch's services let a technician do, no
-- more: change their jobs (the columns the job's steps, a backup alert and the
-- revision touch: the trigger below); add time only to their own jobs, in
-- their own name, while the job is open; change or delete only their own
-- entries not yet on an issued statement, never moving one to another job or
-- person (the triggers); charge the entries of their jobs not yet billed, on
-- their jobs' clients' contracts only, and remove a charge only to charge the
-- entry again (the trigger); add status history to their jobs in their own
-- name; record run logs and backup checks of their runs; load software lists
-- on their jobs; add audit rows in their own name; every new row numbered by
-- its table's sequence; nothing in the office's tables. Contract use and the
-- audit chain's newest link come through the views below, not through other
-- people's rows.
SELECT pg_temp.bbdispatch_restrict(tab, reads, adds, changes, removes) FROM (VALUES
    ('job', 'technician_id = (SELECT bbdispatch_my_id())',
     NULL, 'technician_id = (SELECT bbdispatch_my_id())', NULL),
    ('work_entry', 'job_id IN (SELECT j.id FROM job j) OR technician_id = (SELECT bbdispatch_my_id())',
     'technician_id = (SELECT bbdispatch_my_id()) AND job_id IN (SELECT j.id FROM job j)',
     'technician_id = (SELECT bbdispatch_my_id()) AND statement_id IS NULL',
     'technician_id = (SELECT bbdispatch_my_id()) AND statement_id IS NULL'),
    ('charge', 'work_entry_id IN (SELECT w.id FROM work_entry w)',
     'work_entry_id IN (SELECT w.id FROM work_entry w WHERE w.statement_id IS NULL)'
     ' AND (contract_id IS NULL OR contract_id IN (SELECT c.id FROM contract c))',
     NULL,
     'work_entry_id IN (SELECT w.id FROM work_entry w WHERE w.statement_id IS NULL)'),
    ('job_status_change', 'job_id IN (SELECT j.id FROM job j)',
     'job_id IN (SELECT j.id FROM job j) AND actor = current_user', NULL, NULL),
    ('call_log', 'job_id IN (SELECT j.id FROM job j)', NULL, NULL, NULL),
    ('client', 'id IN (SELECT j.client_id FROM job j)', NULL, NULL, NULL),
    ('client_phone', 'client_id IN (SELECT j.client_id FROM job j)', NULL, NULL, NULL),
    ('contract', 'client_id IN (SELECT j.client_id FROM job j)', NULL, NULL, NULL),
    ('technician', 'login = current_user', NULL, NULL, NULL),
    ('technician_skill', 'technician_id = (SELECT bbdispatch_my_id())', NULL, NULL, NULL),
    ('recurring_task', 'id IN (SELECT j.recurring_task_id FROM job j)', NULL, NULL, NULL),
    ('run_log', 'job_id IN (SELECT j.id FROM job j)',
     'job_id IN (SELECT j.id FROM job j) AND recorded_by = current_user',
     'job_id IN (SELECT j.id FROM job j) AND recorded_by = current_user', NULL),
    ('backup_check', 'job_id IN (SELECT j.id FROM job j)',
     'job_id IN (SELECT j.id FROM job j) AND recorded_by = current_user',
     'job_id IN (SELECT j.id FROM job j) AND recorded_by = current_user', NULL),
    ('software_inventory', 'client_id IN (SELECT j.client_id FROM job j)',
     'job_id IN (SELECT j.id FROM job j) AND loaded_by = current_user'
     ' AND client_id IN (SELECT j.client_id FROM job j WHERE j.id = job_id)', NULL, NULL),
    ('software_item', 'inventory_id IN (SELECT i.id FROM software_inventory i)',
     'inventory_id IN (SELECT i.id FROM software_inventory i WHERE i.job_id IN (SELECT j.id FROM job j))',
     NULL, NULL),
    ('audit_log', 'actor = current_user', 'actor = current_user', NULL, NULL),
    -- The office's tables: read as before, never written by a technician's
    -- session (her services write none of them; the id marks move only through
    -- the owner's triggers).
    ('needs_assessment', 'true', NULL, NULL, NULL),
    ('statement', 'true', NULL, NULL, NULL),
    ('statement_document', 'true', NULL, NULL, NULL),
    ('statement_settlement', 'true', NULL, NULL, NULL),
    ('correction', 'true', NULL, NULL, NULL),
    ('callback', 'true', NULL, NULL, NULL),
    ('firm_setting', 'true', NULL, NULL, NULL),
    ('import_batch', 'true', NULL, NULL, NULL),
    ('import_row', 'true', NULL, NULL, NULL),
    ('id_high_water', 'true', NULL, NULL, NULL)
) AS t (tab, reads, adds, changes, removes);

-- A policy sees only the row after an UPDATE, not the row before: a technician's
-- session changes only the columns named as the trigger's arguments (the ones
-- bbdispatch's services change for a technician); any other column changed,
-- such as moving a time entry to another job or person, is refused.
CREATE OR REPLACE FUNCTION bbdispatch_keep_columns() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    changed text;
BEGIN
    IF bbdispatch_sees_all() THEN
        RETURN NEW;
    END IF;
    SELECT string_agg(n.key, ', ' ORDER BY n.key) INTO changed
        FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
        WHERE n.value IS DISTINCT FROM o.value AND n.key <> ALL (TG_ARGV);
    IF changed IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied: a technician may not change % of table %',
            changed, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS job_technician_keeps ON job;
CREATE TRIGGER job_technician_keeps BEFORE UPDATE ON job FOR EACH ROW
    EXECUTE FUNCTION bbdispatch_keep_columns('status', 'technician_id', 'resolution',
        'status_reason', 'closed_at', 'updated_at', 'rev', 'alert', 'priority');
-- And of those, a technician's steps only (services/workspace.py: start, hold,
-- finish, within the lifecycle's table): from assigned, in progress or on hold
-- to in progress, on hold or done; a closed job is not changed at all; the
-- priority only rises to an emergency (a failed backup check).
CREATE OR REPLACE FUNCTION bbdispatch_technician_job_step() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    IF bbdispatch_sees_all() THEN
        RETURN NEW;
    END IF;
    IF OLD.status IN ('done', 'cancelled')
       OR (NEW.status <> OLD.status AND NOT (OLD.status IN ('assigned', 'in_progress', 'on_hold')
                                             AND NEW.status IN ('in_progress', 'on_hold', 'done')))
       OR (NEW.priority <> OLD.priority AND NEW.priority <> 'emergency') THEN
        RAISE EXCEPTION 'permission denied: a technician may not move job % from % (%) to % (%)',
            OLD.id, OLD.status, OLD.priority, NEW.status, NEW.priority
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS job_technician_step ON job;
CREATE TRIGGER job_technician_step BEFORE UPDATE ON job FOR EACH ROW
    EXECUTE FUNCTION bbdispatch_technician_job_step();
DROP TRIGGER IF EXISTS work_entry_technician_keeps ON work_entry;
CREATE TRIGGER work_entry_technician_keeps BEFORE UPDATE ON work_entry FOR EACH ROW
    EXECUTE FUNCTION bbdispatch_keep_columns('started_at', 'ended_at', 'description', 'mode',
        'billable', 'updated_at');
-- A technician's session changes no charge in place (only the office moves
-- uncovered time onto a contract): an earlier script's column rule goes.
DROP TRIGGER IF EXISTS charge_technician_keeps ON charge;

-- Time goes on a job while it is open and its period is not billed
-- (services/timekeeping.py, check_while_open and check_period_open_in_tx): no
-- entry starts on a day (in the firm's zone, Europe/Warsaw) inside the period
-- of an issued statement of the job's client; a closed job (done or
-- cancelled) takes no timer and only work that ended by the minute it was
-- closed (written down afterwards); no work starts before the minute the job
-- was received. Checked when a technician's session adds an entry or changes
-- one (stopping her running timer is held to the period only, as in the app).
-- A job she no longer sees (given to someone else) is not checked: the app in
-- her session does not see it either.
CREATE OR REPLACE FUNCTION bbdispatch_technician_entry_while_open() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    j record;
    closed timestamp;
    day text;
BEGIN
    IF bbdispatch_sees_all() THEN
        RETURN NEW;
    END IF;
    SELECT job.client_id, job.received_at, job.status, job.closed_at INTO j
        FROM job WHERE job.id = NEW.job_id;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;
    day := to_char(NEW.started_at::timestamptz AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD');
    IF EXISTS (SELECT FROM statement s WHERE s.client_id = j.client_id
               AND s.period_from <= day AND s.period_to >= day) THEN
        RAISE EXCEPTION 'permission denied: % is on an issued statement of job %''s client',
            day, NEW.job_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.ended_at IS NULL THEN
        RETURN NEW;
    END IF;
    IF (NEW.started_at::timestamptz AT TIME ZONE 'UTC')
       < date_trunc('minute', j.received_at::timestamptz AT TIME ZONE 'UTC') THEN
        RAISE EXCEPTION 'permission denied: job % was received at %: work from % cannot be on it',
            NEW.job_id, j.received_at, NEW.started_at USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF j.status NOT IN ('done', 'cancelled') THEN
        RETURN NEW;
    END IF;
    IF j.closed_at IS NOT NULL THEN
        closed := date_trunc('minute', j.closed_at::timestamptz AT TIME ZONE 'UTC');
        IF closed < (j.closed_at::timestamptz AT TIME ZONE 'UTC') THEN
            closed := closed + interval '1 minute';  -- to the minute, as times are typed
        END IF;
    END IF;
    IF NEW.ended_at IS NULL
       OR (closed IS NOT NULL AND (NEW.ended_at::timestamptz AT TIME ZONE 'UTC') > closed) THEN
        RAISE EXCEPTION 'permission denied: job % was closed (%) at %: work on it ends by then',
            NEW.job_id, j.status, j.closed_at USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS work_entry_technician_while_open ON work_entry;
CREATE TRIGGER work_entry_technician_while_open BEFORE INSERT OR UPDATE ON work_entry
    FOR EACH ROW EXECUTE FUNCTION bbdispatch_technician_entry_while_open();

-- A technician's entries never overlap (services/timekeeping.py,
-- overlapping_entry: a running timer counts as open-ended), checked when her
-- session adds an entry or changes one.
CREATE OR REPLACE FUNCTION bbdispatch_technician_entry_alone() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    clash record;
BEGIN
    IF bbdispatch_sees_all() THEN
        RETURN NEW;
    END IF;
    SELECT w.id, w.job_id, w.started_at, w.ended_at INTO clash FROM work_entry w
        WHERE w.technician_id = NEW.technician_id AND w.id IS DISTINCT FROM NEW.id
          AND (w.ended_at IS NULL OR w.ended_at > NEW.started_at)
          AND (NEW.ended_at IS NULL OR w.started_at < NEW.ended_at)
        ORDER BY w.started_at LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'permission denied: the entry overlaps entry % on job % (% to %)',
            clash.id, clash.job_id, clash.started_at, coalesce(clash.ended_at, 'running')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS work_entry_technician_alone ON work_entry;
CREATE TRIGGER work_entry_technician_alone BEFORE INSERT OR UPDATE ON work_entry
    FOR EACH ROW EXECUTE FUNCTION bbdispatch_technician_entry_alone();

-- Charges are derived: the app deletes an entry's charges only to charge it
-- again in the same transaction (a correction, a later entry, the entry
-- deleted). At commit, every finished, billable entry that lost a charge in a
-- technician's session must still exist with charges of at least its length
-- in whole minutes (the price list rounds up from there), or the transaction
-- is refused: no prepaid hours go back to a contract by a bare DELETE.
CREATE OR REPLACE FUNCTION bbdispatch_charges_replaced() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    seconds numeric;
    charged bigint;
BEGIN
    IF bbdispatch_sees_all() THEN
        RETURN NULL;
    END IF;
    SELECT extract(epoch FROM (w.ended_at::timestamptz - w.started_at::timestamptz))
        INTO seconds FROM work_entry w
        WHERE w.id = OLD.work_entry_id AND w.ended_at IS NOT NULL AND w.billable = 1;
    IF seconds IS NULL OR seconds < 60 THEN  -- gone, running, not billable, or under a minute
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(c.minutes), 0) INTO charged FROM charge c
        WHERE c.work_entry_id = OLD.work_entry_id;
    IF charged < ceil(seconds / 60) THEN
        RAISE EXCEPTION 'permission denied: the charges of work entry % were removed,'
            ' not charged again (% of its % minutes)', OLD.work_entry_id, charged, ceil(seconds / 60)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS charge_technician_replaced ON charge;
CREATE CONSTRAINT TRIGGER charge_technician_replaced AFTER DELETE ON charge
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bbdispatch_charges_replaced();

-- A new row's id comes from its table's sequence, whoever inserts: the next
-- one above every id the table ever held (its id_high_water mark, migration
-- 016) or holds. A technician's session may leave it out or give exactly that
-- id; any other (5000) is refused, so no later row is numbered after it. The
-- audit trail's own rule (below) does the same for audit_log.
CREATE OR REPLACE FUNCTION bbdispatch_next_id_of(tab text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    top bigint;
BEGIN
    EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', tab) INTO top;
    RETURN greatest(top, coalesce((SELECT h.last_id FROM id_high_water h
                                   WHERE h.entity = tab), 0)) + 1;
END $$;
REVOKE ALL ON FUNCTION bbdispatch_next_id_of(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bbdispatch_next_id_of(text) TO bbdispatch_app;
CREATE OR REPLACE FUNCTION bbdispatch_technician_row_id() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    want bigint;
BEGIN
    IF bbdispatch_sees_all() THEN
        RETURN NEW;
    END IF;
    want := bbdispatch_next_id_of(TG_TABLE_NAME);
    IF NEW.id IS NULL THEN
        NEW.id := want;
    ELSIF NEW.id <> want THEN
        RAISE EXCEPTION 'permission denied: a technician''s new row of % takes id % (the next), not %',
            TG_TABLE_NAME, want, NEW.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
-- Every table a technician's session adds rows to (the policies above) that
-- has an id; named to run before <table>_next_id (triggers run in name order).
DO $$
DECLARE
    tab text;
BEGIN
    FOREACH tab IN ARRAY ARRAY['work_entry', 'charge', 'job_status_change', 'run_log',
                               'backup_check', 'software_inventory'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', tab || '_id_in_sequence', tab);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW'
                       ' EXECUTE FUNCTION bbdispatch_technician_row_id()',
                       tab || '_id_in_sequence', tab);
    END LOOP;
END $$;

-- Every audit row a person's session adds (anyone in bbdispatch_app) must be
-- the next link of the chain exactly as bbdispatch writes it (docs/audit.md):
-- the id after the newest row's, the digest of its salt and detail, the hash
-- over the newest row's hash and its own content. A row with any other id
-- (99999), digest or hash is refused, so nobody but the owner can add a row
-- that breaks 'audit verify'. The owner (migrations, 'migrate --to') copies
-- rows as they are.
CREATE OR REPLACE FUNCTION bbdispatch_audit_next_link() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    head record;
    want_digest text;
    want_hash text;
BEGIN
    IF NOT pg_has_role(current_user, 'bbdispatch_app', 'MEMBER')
       OR EXISTS (SELECT FROM pg_roles r WHERE r.rolname = current_user
                  AND (r.rolsuper OR r.rolbypassrls)) THEN
        RETURN NEW;
    END IF;
    IF NEW.detail_salt IS NOT NULL AND NEW.detail_salt !~ '^[0-9a-f]{32}$' THEN
        RAISE EXCEPTION 'permission denied: an audit row''s salt is 32 hex digits'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT h.id, h.chain_hash INTO head FROM audit_head h;  -- the newest row, whoever wrote it
    want_digest := encode(sha256(convert_to(coalesce(NEW.detail_salt, '') || NEW.detail, 'UTF8')), 'hex');
    want_hash := encode(sha256(convert_to(
        coalesce(head.chain_hash, repeat('0', 64)) || E'\n' || '[' || NEW.id || ','
        || to_json(NEW.at)::text || ',' || to_json(NEW.actor)::text || ','
        || to_json(NEW.entity)::text || ',' || coalesce(NEW.entity_id::text, 'null') || ','
        || to_json(NEW.action)::text || ',' || to_json(NEW.detail_digest)::text || ']',
        'UTF8')), 'hex');
    IF NEW.id IS DISTINCT FROM coalesce(head.id, 0) + 1 OR NEW.detail_digest <> want_digest
       OR NEW.chain_hash <> want_hash THEN
        RAISE EXCEPTION 'permission denied: audit row % is not the next link of the chain'
            ' (row %, its digest and hash)', NEW.id, coalesce(head.id, 0) + 1
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS audit_log_next_link ON audit_log;
-- Named to run after audit_log_next_id (triggers run in name order).
CREATE TRIGGER audit_log_next_link BEFORE INSERT ON audit_log FOR EACH ROW
    EXECUTE FUNCTION bbdispatch_audit_next_link();

-- "Hours left" on a job card sums every charge of the contract, and the ledger
-- charges new time from that sum: the view reads the charges with its owner's
-- rights, and gives a technician the contracts of their jobs' clients only.
CREATE OR REPLACE VIEW contract_used WITH (security_barrier) AS
    SELECT c.id, c.opening_used_minutes
        + coalesce((SELECT SUM(ch.minutes) FROM charge ch WHERE ch.contract_id = c.id), 0)::bigint
        AS used
    FROM contract c
    WHERE (SELECT bbdispatch_sees_all())
       OR c.client_id IN (SELECT j.client_id FROM job j
                          WHERE j.technician_id = (SELECT bbdispatch_my_id()));
-- The audit row a technician writes is chained to the newest row, whoever wrote
-- it: its id and chain hash only (audit_head, migration 023), nothing else.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON contract_used, audit_head FROM bbdispatch_app;
