-- 016: no id of an erased record is given out again, for every table with ids.
-- Migration 012 kept a high-water mark for clients, jobs, contracts and calls
-- only; an erased person's callbacks, time entries, schedules, inventories,
-- needs assessments, backup checks and run logs freed their highest ids (and a
-- dropped import its batch id), and
-- the next callback (say) took the erased one's id and its audit trail. Every
-- table whose ids users see, or the audit trail names, now has a mark kept by
-- triggers on insert and delete; the storage inserts take the next id from it.
-- The table is rebuilt because 012's CHECK names four entities (its triggers
-- are dropped first and made again, as SQLite's rename checks every trigger).

DROP TRIGGER client_high_water_insert;
DROP TRIGGER client_high_water_delete;
DROP TRIGGER job_high_water_insert;
DROP TRIGGER job_high_water_delete;
DROP TRIGGER contract_high_water_insert;
DROP TRIGGER contract_high_water_delete;
DROP TRIGGER call_log_high_water_insert;
DROP TRIGGER call_log_high_water_delete;

CREATE TABLE id_high_water_016 (
    entity          TEXT    PRIMARY KEY CHECK (entity IN (
                        'client', 'job', 'contract', 'call_log', 'callback', 'work_entry',
                        'recurring_task', 'software_inventory', 'needs_assessment',
                        'backup_check', 'run_log', 'charge', 'correction', 'statement',
                        'technician', 'import_batch')),
    last_id         INTEGER NOT NULL CHECK (last_id >= 0)
) STRICT;
INSERT INTO id_high_water_016 (entity, last_id) SELECT entity, last_id FROM id_high_water;
DROP TABLE id_high_water;
ALTER TABLE id_high_water_016 RENAME TO id_high_water;

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
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'client'), 0)) WHERE entity = 'client';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'job'), 0)) WHERE entity = 'job';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'contract'), 0)) WHERE entity = 'contract';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'call'), 0)) WHERE entity = 'call_log';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'callback'), 0)) WHERE entity = 'callback';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'work_entry'), 0)) WHERE entity = 'work_entry';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'recurring_task'), 0)) WHERE entity = 'recurring_task';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'software_inventory'), 0)) WHERE entity = 'software_inventory';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'statement'), 0)) WHERE entity = 'statement';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'technician'), 0)) WHERE entity = 'technician';
UPDATE id_high_water SET last_id = max(last_id, coalesce(
    (SELECT max(entity_id) FROM audit_log WHERE entity = 'import'), 0)) WHERE entity = 'import_batch';

CREATE TRIGGER client_high_water_insert AFTER INSERT ON client BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'client';
END;
CREATE TRIGGER client_high_water_delete AFTER DELETE ON client BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'client';
END;
CREATE TRIGGER job_high_water_insert AFTER INSERT ON job BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'job';
END;
CREATE TRIGGER job_high_water_delete AFTER DELETE ON job BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'job';
END;
CREATE TRIGGER contract_high_water_insert AFTER INSERT ON contract BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'contract';
END;
CREATE TRIGGER contract_high_water_delete AFTER DELETE ON contract BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'contract';
END;
CREATE TRIGGER call_log_high_water_insert AFTER INSERT ON call_log BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'call_log';
END;
CREATE TRIGGER call_log_high_water_delete AFTER DELETE ON call_log BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'call_log';
END;
CREATE TRIGGER callback_high_water_insert AFTER INSERT ON callback BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'callback';
END;
CREATE TRIGGER callback_high_water_delete AFTER DELETE ON callback BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'callback';
END;
CREATE TRIGGER work_entry_high_water_insert AFTER INSERT ON work_entry BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'work_entry';
END;
CREATE TRIGGER work_entry_high_water_delete AFTER DELETE ON work_entry BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'work_entry';
END;
CREATE TRIGGER recurring_task_high_water_insert AFTER INSERT ON recurring_task BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'recurring_task';
END;
CREATE TRIGGER recurring_task_high_water_delete AFTER DELETE ON recurring_task BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'recurring_task';
END;
CREATE TRIGGER software_inventory_high_water_insert AFTER INSERT ON software_inventory BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'software_inventory';
END;
CREATE TRIGGER software_inventory_high_water_delete AFTER DELETE ON software_inventory BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'software_inventory';
END;
CREATE TRIGGER needs_assessment_high_water_insert AFTER INSERT ON needs_assessment BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'needs_assessment';
END;
CREATE TRIGGER needs_assessment_high_water_delete AFTER DELETE ON needs_assessment BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'needs_assessment';
END;
CREATE TRIGGER backup_check_high_water_insert AFTER INSERT ON backup_check BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'backup_check';
END;
CREATE TRIGGER backup_check_high_water_delete AFTER DELETE ON backup_check BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'backup_check';
END;
CREATE TRIGGER run_log_high_water_insert AFTER INSERT ON run_log BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'run_log';
END;
CREATE TRIGGER run_log_high_water_delete AFTER DELETE ON run_log BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'run_log';
END;
CREATE TRIGGER charge_high_water_insert AFTER INSERT ON charge BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'charge';
END;
CREATE TRIGGER charge_high_water_delete AFTER DELETE ON charge BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'charge';
END;
CREATE TRIGGER correction_high_water_insert AFTER INSERT ON correction BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'correction';
END;
CREATE TRIGGER correction_high_water_delete AFTER DELETE ON correction BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'correction';
END;
CREATE TRIGGER statement_high_water_insert AFTER INSERT ON statement BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'statement';
END;
CREATE TRIGGER statement_high_water_delete AFTER DELETE ON statement BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'statement';
END;
CREATE TRIGGER technician_high_water_insert AFTER INSERT ON technician BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'technician';
END;
CREATE TRIGGER technician_high_water_delete AFTER DELETE ON technician BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'technician';
END;
CREATE TRIGGER import_batch_high_water_insert AFTER INSERT ON import_batch BEGIN
    UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE entity = 'import_batch';
END;
CREATE TRIGGER import_batch_high_water_delete AFTER DELETE ON import_batch BEGIN
    UPDATE id_high_water SET last_id = max(last_id, OLD.id) WHERE entity = 'import_batch';
END;
