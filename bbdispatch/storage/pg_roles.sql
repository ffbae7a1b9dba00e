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
-- may empty a row's detail (its digest and chain hash stay, docs/privacy.md).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM bbdispatch_app;
GRANT UPDATE (detail) ON audit_log TO bbdispatch_admin;

-- New ids and the id high-water mark are computed over all rows, whoever inserts.
ALTER FUNCTION bbdispatch_next_row_id() SECURITY DEFINER SET search_path = public;
ALTER FUNCTION bbdispatch_high_water() SECURITY DEFINER SET search_path = public;
-- A client's or technician's rename moves the revision of all their jobs (the
-- board shows the names), whoever renames.
ALTER FUNCTION bbdispatch_job_rev_of_name() SECURITY DEFINER SET search_path = public;

-- "Technicians see their own jobs" (docs/rights.md), enforced by the server too:
-- a member of bbdispatch_technician sees and changes only the jobs assigned to
-- the person whose login is its role name; everyone else sees every job.
ALTER TABLE job ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS job_not_technicians ON job;
DROP POLICY IF EXISTS job_technicians_own ON job;
CREATE POLICY job_not_technicians ON job
    USING (NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER'));
CREATE POLICY job_technicians_own ON job
    USING (technician_id = (SELECT t.id FROM technician t WHERE t.login = current_user));

-- What else a technician's session reads (docs/rights.md), limited the same way:
-- the time entries and status history of their jobs (and their own entries on a
-- job since given to someone else), the calls logged on their jobs, and,
-- read-only, the clients, phone numbers and contracts of their jobs' clients.
-- Subqueries on job see only their jobs (job's policy applies to them too).
-- Charges stay readable: a job's "hours left" sums every charge of the contract.
ALTER TABLE work_entry ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS work_entry_not_technicians ON work_entry;
DROP POLICY IF EXISTS work_entry_technicians_own ON work_entry;
CREATE POLICY work_entry_not_technicians ON work_entry
    USING (NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER'));
CREATE POLICY work_entry_technicians_own ON work_entry
    USING (job_id IN (SELECT j.id FROM job j)
           OR technician_id = (SELECT t.id FROM technician t WHERE t.login = current_user));

ALTER TABLE job_status_change ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS job_status_change_not_technicians ON job_status_change;
DROP POLICY IF EXISTS job_status_change_technicians_own ON job_status_change;
CREATE POLICY job_status_change_not_technicians ON job_status_change
    USING (NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER'));
CREATE POLICY job_status_change_technicians_own ON job_status_change
    USING (job_id IN (SELECT j.id FROM job j));

ALTER TABLE call_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS call_log_not_technicians ON call_log;
DROP POLICY IF EXISTS call_log_technicians_read_own ON call_log;
CREATE POLICY call_log_not_technicians ON call_log
    USING (NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER'));
CREATE POLICY call_log_technicians_read_own ON call_log FOR SELECT
    USING (job_id IN (SELECT j.id FROM job j));

ALTER TABLE client ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS client_not_technicians ON client;
DROP POLICY IF EXISTS client_technicians_read_own ON client;
CREATE POLICY client_not_technicians ON client
    USING (NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER'));
CREATE POLICY client_technicians_read_own ON client FOR SELECT
    USING (id IN (SELECT j.client_id FROM job j));

ALTER TABLE client_phone ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS client_phone_not_technicians ON client_phone;
DROP POLICY IF EXISTS client_phone_technicians_read_own ON client_phone;
CREATE POLICY client_phone_not_technicians ON client_phone
    USING (NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER'));
CREATE POLICY client_phone_technicians_read_own ON client_phone FOR SELECT
    USING (client_id IN (SELECT j.client_id FROM job j));

ALTER TABLE contract ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS contract_not_technicians ON contract;
DROP POLICY IF EXISTS contract_technicians_read_own ON contract;
CREATE POLICY contract_not_technicians ON contract
    USING (NOT pg_has_role(current_user, 'bbdispatch_technician', 'MEMBER'));
CREATE POLICY contract_technicians_read_own ON contract FOR SELECT
    USING (client_id IN (SELECT j.client_id FROM job j));
