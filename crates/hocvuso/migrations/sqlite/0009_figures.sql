-- Facts, then figures (issue 12): every countable event of a fact names the fact (source), so a
-- correction, deletion or undo can add the exact negation of what was counted (retracts = the id of the
-- event it cancels; the aggregator counts such a row as -1 event and its value negated already).
ALTER TABLE stat_events ADD COLUMN source TEXT;
ALTER TABLE stat_events ADD COLUMN retracts TEXT;
CREATE INDEX stat_events_source_idx ON stat_events(source) WHERE source IS NOT NULL;
CREATE INDEX stat_events_retracts_idx ON stat_events(retracts) WHERE retracts IS NOT NULL;
-- A retraction of a learning activity recomputes that person's active months from their live events.
CREATE INDEX stat_events_person_idx ON stat_events(person_id, at) WHERE person_id IS NOT NULL;

-- A class's minimum attendance for "Đạt" (sessions present); NULL = all held sessions but one.
ALTER TABLE classes ADD COLUMN min_attendance INTEGER;

-- An activity created by ticking a household's checklist item names that item, so a later logged
-- activity for the same help replaces it instead of counting twice, and unticking removes it.
ALTER TABLE activities ADD COLUMN from_check TEXT;

-- Every write form carries a client id generated when the form was rendered; its receipt remembers
-- where the first submission led, so a double tap, a back-button resubmit or a retry shows the same
-- confirmation and writes nothing again.
CREATE TABLE form_receipts (
    client_id TEXT NOT NULL CONSTRAINT form_receipts_pk PRIMARY KEY,
    kind TEXT NOT NULL,
    actor_id TEXT,
    location TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Two records of one person (registered twice without a phone) merged: who kept, who went, by whom.
CREATE TABLE person_merges (
    id TEXT NOT NULL CONSTRAINT person_merges_pk PRIMARY KEY,
    kept_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    merged_id TEXT NOT NULL,
    merged_name TEXT NOT NULL,
    merged_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    detail TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX person_merges_kept_idx ON person_merges(kept_id);
