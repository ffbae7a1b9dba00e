-- Roles for a bbdispatch database on PostgreSQL (docs/scaling.md, "Roles").
-- Run once by the database's owner (or a superuser) after 'bbdispatch init',
-- in the schema bbdispatch uses (public):
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
-- all passes, a technician's session reads the rows `reads` lets through, and
-- inserts, changes or deletes the rows `writes` lets through (NULL: reads only,
-- no UPDATE or DELETE reaches a row). Conditions may read other restricted
-- tables: a subquery on job sees only the technician's jobs (job's policy
-- applies to it too). Re-running replaces each table's policies.
CREATE OR REPLACE FUNCTION pg_temp.bbdispatch_restrict(tab text, reads text, writes text)
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
    IF writes IS NOT NULL THEN
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (%s)',
                       tab || '_technicians_add', tab, writes);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (%s) WITH CHECK (%s)',
                       tab || '_technicians_change', tab, writes, writes);
        EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (%s)',
                       tab || '_technicians_delete', tab, writes);
    END IF;
END $$;

-- What a technician's session may read and write, table by table: their jobs;
-- the time entries (and their charges) and status history of their jobs, and
-- their own entries on a job since given to someone else; the calls logged on
-- their jobs; read-only, the clients, phone numbers, contracts and software
-- inventories of their jobs' clients and the recurring tasks of their runs;
-- the runs' logs and backup checks; their own person and skills; their own
-- audit rows. Contract use and the audit chain's newest link come through the
-- views below, not through other people's rows.
SELECT pg_temp.bbdispatch_restrict(tab, reads, writes) FROM (VALUES
    ('job', 'technician_id = (SELECT bbdispatch_my_id())', 'technician_id = (SELECT bbdispatch_my_id())'),
    ('work_entry', 'job_id IN (SELECT j.id FROM job j) OR technician_id = (SELECT bbdispatch_my_id())',
                   'job_id IN (SELECT j.id FROM job j) OR technician_id = (SELECT bbdispatch_my_id())'),
    ('charge', 'work_entry_id IN (SELECT w.id FROM work_entry w)',
               'work_entry_id IN (SELECT w.id FROM work_entry w)'),
    ('job_status_change', 'job_id IN (SELECT j.id FROM job j)', 'job_id IN (SELECT j.id FROM job j)'),
    ('call_log', 'job_id IN (SELECT j.id FROM job j)', NULL),
    ('client', 'id IN (SELECT j.client_id FROM job j)', NULL),
    ('client_phone', 'client_id IN (SELECT j.client_id FROM job j)', NULL),
    ('contract', 'client_id IN (SELECT j.client_id FROM job j)', NULL),
    ('technician', 'login = current_user', NULL),
    ('technician_skill', 'technician_id = (SELECT bbdispatch_my_id())', NULL),
    ('recurring_task', 'id IN (SELECT j.recurring_task_id FROM job j)', NULL),
    ('run_log', 'job_id IN (SELECT j.id FROM job j)', 'job_id IN (SELECT j.id FROM job j)'),
    ('backup_check', 'job_id IN (SELECT j.id FROM job j)', 'job_id IN (SELECT j.id FROM job j)'),
    ('software_inventory', 'client_id IN (SELECT j.client_id FROM job j)',
                           'job_id IN (SELECT j.id FROM job j)'),
    ('software_item', 'inventory_id IN (SELECT i.id FROM software_inventory i)',
                      'inventory_id IN (SELECT i.id FROM software_inventory i WHERE i.job_id IN (SELECT j.id FROM job j))'),
    ('audit_log', 'actor = current_user', 'actor = current_user')
) AS t (tab, reads, writes);

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
