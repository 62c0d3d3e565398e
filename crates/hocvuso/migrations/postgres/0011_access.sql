-- Reads of personal data that is not a person's record (a village's household list names household
-- heads): who opened what, for which unit, and when. Person records keep their own access_log, which the
-- person sees.
CREATE TABLE data_access_log (
    id TEXT NOT NULL CONSTRAINT data_access_log_pk PRIMARY KEY,
    actor_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    what TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX data_access_log_unit_idx ON data_access_log(unit_code, at);
