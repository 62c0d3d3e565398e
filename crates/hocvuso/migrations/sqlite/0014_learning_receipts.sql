-- Learning's replay table joins the receipts every idempotent write uses (issue 17): a receipt may
-- now keep the answer its first write gave (`result`), which a replay answers again. Learning's rows
-- keep their client id, their person as actor and their answer; kinds are prefixed (`lesson_open`,
-- `lesson_quiz`) so they never read as a sync kind. The lesson they touched was not recorded, so
-- their record id is empty.
ALTER TABLE sync_receipts ADD COLUMN result TEXT;
INSERT OR IGNORE INTO sync_receipts (client_id, kind, actor_id, record_id, device_time, received_at, result)
    SELECT client_id, 'lesson_' || kind, person_id, '', at, at, result FROM learning_writes;
DROP TABLE learning_writes;
-- Erasure and merges find a person's receipts by actor.
CREATE INDEX sync_receipts_actor_idx ON sync_receipts(actor_id);
