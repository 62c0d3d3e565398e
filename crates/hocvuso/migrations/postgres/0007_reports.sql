-- Reports: aggregates maintained incrementally from stat_events, the province's indicators, demo marks.

-- The kind of an event where it has one (activity kind, checklist item, scam type).
ALTER TABLE stat_events ADD COLUMN kind TEXT;

-- Events not yet folded into the aggregates. `stats::emit` adds one row per event; the aggregator deletes
-- it in the transaction that adds the event to stat_agg, so each event is counted exactly once even with
-- several app servers (and an event committed late is simply picked up by the next run).
CREATE TABLE stat_inbox (
    event_id TEXT NOT NULL CONSTRAINT stat_inbox_pk PRIMARY KEY
);

-- Unit × period × metric × dimension (DHIS2's idea). grain d/m/q/y; period '2025-03-14', '2025-03',
-- '2025-Q1', '2025' (Vietnam time); dim 'all' (dim_value ''), 'tg', 'sex', 'age', 'eth', 'kind'.
-- n = number of events, total = sum of their values. Rows exist for the unit where the event happened
-- and every unit above it (the materialised path), so a dashboard reads units × periods rows.
CREATE TABLE stat_agg (
    unit_code TEXT NOT NULL,
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    metric TEXT NOT NULL,
    dim TEXT NOT NULL,
    dim_value TEXT NOT NULL,
    n BIGINT NOT NULL,
    total BIGINT NOT NULL,
    CONSTRAINT stat_agg_pk PRIMARY KEY (unit_code, grain, period, metric, dim, dim_value)
);

-- Months (bit m-1) in which a person was active, one row per person, year and place (the unit path of
-- the activity): "active people" of a unit per month, quarter and year are counted once each, in storage
-- proportional to people, not events. A unit's months are the union of the rows under its path.
CREATE TABLE stat_active (
    person_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    unit_path TEXT NOT NULL,
    months BIGINT NOT NULL,
    CONSTRAINT stat_active_pk PRIMARY KEY (person_id, year, unit_path)
);

-- One row per background job: a lease so that one app server at a time runs it, and its progress.
CREATE TABLE stat_jobs (
    name TEXT NOT NULL CONSTRAINT stat_jobs_pk PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    processed BIGINT NOT NULL,
    last_run_at BIGINT NOT NULL
);
INSERT INTO stat_jobs (name, holder, lease_until, processed, last_run_at) VALUES ('aggregate', '', 0, 0, 0);

-- The province's digital-transformation indicators (names in locales: indicator-<code>).
-- measure: 'percent' or 'count'; aggregation over child units: 'sum', 'average' or 'none' (entered only);
-- max_value: upper bound (100 for most percentages, NULL when a share may exceed 100, e.g. subscriptions).
CREATE TABLE indicators (
    code TEXT NOT NULL CONSTRAINT indicators_pk PRIMARY KEY,
    measure TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    max_value DOUBLE PRECISION,
    sort BIGINT NOT NULL
);
INSERT INTO indicators (code, measure, aggregation, max_value, sort) VALUES
    ('households_smartphone', 'percent', 'average', 100, 10),
    ('internet_users', 'percent', 'average', NULL, 20),
    ('households_internet', 'percent', 'average', 100, 30),
    ('agencies_data_network', 'count', 'sum', NULL, 40),
    ('teams_commune', 'count', 'sum', NULL, 50),
    ('teams_village', 'count', 'sum', NULL, 60),
    ('team_members', 'count', 'sum', NULL, 70),
    ('dvc_full_provincial', 'count', 'none', NULL, 80),
    ('dvc_partial_provincial', 'count', 'none', NULL, 90),
    ('dvc_full_national', 'count', 'none', NULL, 100),
    ('dvc_partial_national', 'count', 'none', NULL, 110),
    ('digital_enterprises', 'count', 'sum', NULL, 120),
    ('enterprises_einvoice', 'percent', 'average', 100, 130),
    ('cashless_clinics_schools', 'percent', 'average', 100, 140);

CREATE TABLE indicator_values (
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    unit_code TEXT NOT NULL REFERENCES units(code),
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    updated_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT indicator_values_pk PRIMARY KEY (indicator_code, unit_code, period)
);
CREATE INDEX indicator_values_unit_idx ON indicator_values(unit_code, period);

CREATE TABLE indicator_targets (
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    unit_code TEXT NOT NULL REFERENCES units(code),
    period TEXT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    updated_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT indicator_targets_pk PRIMARY KEY (indicator_code, unit_code, period)
);
CREATE INDEX indicator_targets_unit_idx ON indicator_targets(unit_code, period);

-- Every change of a value or target: who, when, old → new (NULL old = first entry).
CREATE TABLE indicator_history (
    id TEXT NOT NULL CONSTRAINT indicator_history_pk PRIMARY KEY,
    indicator_code TEXT NOT NULL REFERENCES indicators(code),
    unit_code TEXT NOT NULL REFERENCES units(code),
    period TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value DOUBLE PRECISION,
    new_value DOUBLE PRECISION NOT NULL,
    changed_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    changed_by_name TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX indicator_history_key_idx ON indicator_history(indicator_code, unit_code, period, changed_at);

-- Synthetic people made by `hocvuso demo-data` carry is_demo; demo_runs tells dashboards to show a banner.
ALTER TABLE people ADD COLUMN is_demo BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE demo_runs (
    id TEXT NOT NULL CONSTRAINT demo_runs_pk PRIMARY KEY,
    learners BIGINT NOT NULL,
    events BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
