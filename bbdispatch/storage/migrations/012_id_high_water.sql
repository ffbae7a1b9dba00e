-- 012: ids of erased records are never given out again.
-- SQLite gives a new row max(id) + 1, so erasing the client (or job, contract,
-- call) with the highest id handed that id to the next one, and the erased
-- person's audit rows then read as the new person's. id_high_water keeps the
-- highest id each table ever held (kept by triggers on insert and delete); the
-- storage inserts take the next id from it.

CREATE TABLE id_high_water (
    entity          TEXT    PRIMARY KEY CHECK (entity IN ('client', 'job', 'contract', 'call_log')),
    last_id         INTEGER NOT NULL CHECK (last_id >= 0)
) STRICT;

INSERT INTO id_high_water (entity, last_id) SELECT 'client', coalesce(max(id), 0) FROM client;
INSERT INTO id_high_water (entity, last_id) SELECT 'job', coalesce(max(id), 0) FROM job;
INSERT INTO id_high_water (entity, last_id) SELECT 'contract', coalesce(max(id), 0) FROM contract;
INSERT INTO id_high_water (entity, last_id) SELECT 'call_log', coalesce(max(id), 0) FROM call_log;

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
