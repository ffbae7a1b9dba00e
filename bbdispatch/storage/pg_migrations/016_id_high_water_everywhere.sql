-- 016 (twin of the SQLite migration): no id of an erased record is given out
-- again, for every table with ids users see or the audit trail names. Before,
-- only clients, jobs, contracts and calls kept a high-water mark; the other
-- tables took max(id) + 1 (bbdispatch_next_row_id), so an erased person's
-- newest callback, time entry, schedule, inventory, needs assessment, backup
-- check or run log (or a dropped import's batch) handed its id, and its audit
-- trail, to the next one. The storage inserts take these ids from the mark.

ALTER TABLE id_high_water DROP CONSTRAINT id_high_water_entity_check;
ALTER TABLE id_high_water ADD CONSTRAINT id_high_water_entity_check CHECK (entity IN (
    'client', 'job', 'contract', 'call_log', 'callback', 'work_entry', 'recurring_task',
    'software_inventory', 'needs_assessment', 'backup_check', 'run_log', 'charge',
    'correction', 'statement', 'technician', 'import_batch'));

INSERT INTO id_high_water (entity, last_id) SELECT 'callback', coalesce(max(id), 0) FROM callback;
INSERT INTO id_high_water (entity, last_id) SELECT 'work_entry', coalesce(max(id), 0) FROM work_entry;
INSERT INTO id_high_water (entity, last_id) SELECT 'recurring_task', coalesce(max(id), 0) FROM recurring_task;
INSERT INTO id_high_water (entity, last_id) SELECT 'software_inventory', coalesce(max(id), 0) FROM software_inventory;
INSERT INTO id_high_water (entity, last_id) SELECT 'needs_assessment', coalesce(max(id), 0) FROM needs_assessment;
INSERT INTO id_high_water (entity, last_id) SELECT 'backup_check', coalesce(max(id), 0) FROM backup_check;
INSERT INTO id_high_water (entity, last_id) SELECT 'run_log', coalesce(max(id), 0) FROM run_log;
INSERT INTO id_high_water (entity, last_id) SELECT 'charge', coalesce(max(id), 0) FROM charge;
INSERT INTO id_high_water (entity, last_id) SELECT 'correction', coalesce(max(id), 0) FROM correction;
INSERT INTO id_high_water (entity, last_id) SELECT 'statement', coalesce(max(id), 0) FROM statement;
INSERT INTO id_high_water (entity, last_id) SELECT 'technician', coalesce(max(id), 0) FROM technician;
INSERT INTO id_high_water (entity, last_id) SELECT 'import_batch', coalesce(max(id), 0) FROM import_batch;

-- Ids erased before this migration are gone from their tables but named in the
-- audit trail (its rows stay, details emptied): the marks start above those too.
UPDATE id_high_water h SET last_id = greatest(h.last_id, a.top)
FROM (SELECT CASE entity WHEN 'call' THEN 'call_log' WHEN 'import' THEN 'import_batch'
                         ELSE entity END AS entity,
             max(entity_id) AS top
      FROM audit_log WHERE entity_id IS NOT NULL GROUP BY 1) a
WHERE a.entity = h.entity;

CREATE TRIGGER callback_high_water_insert AFTER INSERT ON callback
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER callback_high_water_delete AFTER DELETE ON callback
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER work_entry_high_water_insert AFTER INSERT ON work_entry
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER work_entry_high_water_delete AFTER DELETE ON work_entry
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER recurring_task_high_water_insert AFTER INSERT ON recurring_task
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER recurring_task_high_water_delete AFTER DELETE ON recurring_task
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER software_inventory_high_water_insert AFTER INSERT ON software_inventory
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER software_inventory_high_water_delete AFTER DELETE ON software_inventory
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER needs_assessment_high_water_insert AFTER INSERT ON needs_assessment
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER needs_assessment_high_water_delete AFTER DELETE ON needs_assessment
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER backup_check_high_water_insert AFTER INSERT ON backup_check
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER backup_check_high_water_delete AFTER DELETE ON backup_check
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER run_log_high_water_insert AFTER INSERT ON run_log
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER run_log_high_water_delete AFTER DELETE ON run_log
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER charge_high_water_insert AFTER INSERT ON charge
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER charge_high_water_delete AFTER DELETE ON charge
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER correction_high_water_insert AFTER INSERT ON correction
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER correction_high_water_delete AFTER DELETE ON correction
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER statement_high_water_insert AFTER INSERT ON statement
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER statement_high_water_delete AFTER DELETE ON statement
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER technician_high_water_insert AFTER INSERT ON technician
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER technician_high_water_delete AFTER DELETE ON technician
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER import_batch_high_water_insert AFTER INSERT ON import_batch
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
CREATE TRIGGER import_batch_high_water_delete AFTER DELETE ON import_batch
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION bbdispatch_high_water();
