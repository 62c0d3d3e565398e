-- Every countable thing that happens, with the few dimensions reports break down by, captured when it
-- happens (so counts survive a person deleting their account). Reports aggregate from here.
CREATE TABLE stat_events (
    id TEXT NOT NULL CONSTRAINT stat_events_pk PRIMARY KEY,
    metric TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    person_id TEXT,
    target_group TEXT,
    sex TEXT,
    birth_year BIGINT,
    ethnic_minority BIGINT,
    value BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX stat_events_at_idx ON stat_events(at);
