-- Field work: venues and classes, community digital teams, households, activities, and the receipts that
-- make offline sync idempotent. Dates a person picks (activity day, join/leave) are 'YYYY-MM-DD' text;
-- instants are Unix seconds. `device_time` is when the phone says it happened, kept beside server time.

CREATE TABLE venues (
    id TEXT NOT NULL CONSTRAINT venues_pk PRIMARY KEY,
    commune_code TEXT NOT NULL CONSTRAINT venues_commune_fk REFERENCES units(code),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    address TEXT NOT NULL,
    capacity BIGINT,
    equipment TEXT NOT NULL DEFAULT '',
    created_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT venues_name_uq UNIQUE (commune_code, name_key)
);

CREATE TABLE classes (
    id TEXT NOT NULL CONSTRAINT classes_pk PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT classes_code_uq UNIQUE,
    commune_code TEXT NOT NULL CONSTRAINT classes_commune_fk REFERENCES units(code),
    village_code TEXT CONSTRAINT classes_village_fk REFERENCES units(code),
    venue_id TEXT CONSTRAINT classes_venue_fk REFERENCES venues(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    courses TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL,
    meeting_url TEXT,
    how_to_join TEXT NOT NULL DEFAULT '',
    target_group TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX classes_commune_idx ON classes(commune_code, status);

CREATE TABLE class_instructors (
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    CONSTRAINT class_instructors_pk PRIMARY KEY (class_id, person_id)
);
CREATE INDEX class_instructors_person_idx ON class_instructors(person_id);

CREATE TABLE class_sessions (
    id TEXT NOT NULL CONSTRAINT class_sessions_pk PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    starts_at BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    held_at BIGINT,
    held_by TEXT REFERENCES people(id) ON DELETE SET NULL
);
CREATE INDEX class_sessions_class_idx ON class_sessions(class_id, starts_at);

-- status: registered | waitlisted | cancelled. The waitlist is ordered by queued_at, then id.
CREATE TABLE class_registrations (
    id TEXT NOT NULL CONSTRAINT class_registrations_pk PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    queued_at BIGINT NOT NULL,
    registered_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT class_registrations_uq UNIQUE (class_id, person_id)
);
CREATE INDEX class_registrations_queue_idx ON class_registrations(class_id, status, queued_at);
CREATE INDEX class_registrations_person_idx ON class_registrations(person_id);

-- `counted` is set the first time a person is marked present, so the statistics event is emitted once
-- however often the mark is toggled.
CREATE TABLE class_attendance (
    session_id TEXT NOT NULL REFERENCES class_sessions(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    present BOOLEAN NOT NULL,
    counted BOOLEAN NOT NULL DEFAULT FALSE,
    marked_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    device_time BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT class_attendance_pk PRIMARY KEY (session_id, person_id)
);

CREATE TABLE class_results (
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    result TEXT NOT NULL,
    quiz_passed BOOLEAN NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    recorded_at BIGINT NOT NULL,
    CONSTRAINT class_results_pk PRIMARY KEY (class_id, person_id)
);

-- The code printed on a learner's sign-up card (and in its QR code), typed or scanned at attendance.
CREATE TABLE person_cards (
    person_id TEXT NOT NULL CONSTRAINT person_cards_pk PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    code TEXT NOT NULL CONSTRAINT person_cards_code_uq UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE teams (
    id TEXT NOT NULL CONSTRAINT teams_pk PRIMARY KEY,
    unit_code TEXT NOT NULL CONSTRAINT teams_unit_fk REFERENCES units(code),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT teams_name_uq UNIQUE (unit_code, name_key)
);

-- role: leader | village_head | youth_union | police | volunteer | other. A member who leaves keeps the
-- row with left_on set (their past activities still name them).
CREATE TABLE team_members (
    id TEXT NOT NULL CONSTRAINT team_members_pk PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    left_on TEXT,
    publish_contact BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT team_members_uq UNIQUE (team_id, person_id)
);
CREATE INDEX team_members_person_idx ON team_members(person_id);

CREATE TABLE households (
    id TEXT NOT NULL CONSTRAINT households_pk PRIMARY KEY,
    village_code TEXT NOT NULL CONSTRAINT households_village_fk REFERENCES units(code),
    head_name TEXT NOT NULL,
    address TEXT NOT NULL,
    adults BIGINT NOT NULL,
    dedupe_key TEXT NOT NULL,
    created_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT households_key_uq UNIQUE (village_code, dedupe_key)
);

-- One row per household and checklist item; an edit wins when its device_time is not older than the
-- stored one (documented in sync/mod.rs).
CREATE TABLE household_checks (
    household_id TEXT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    done BOOLEAN NOT NULL,
    counted BOOLEAN NOT NULL DEFAULT FALSE,
    device_time BIGINT NOT NULL,
    updated_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT household_checks_pk PRIMARY KEY (household_id, item)
);

-- kinds: comma-separated (vneid_install, vneid_level2, online_dossier, cashless, scam_warning,
-- social_safe, other). Append-only: an activity is never edited by sync.
CREATE TABLE activities (
    id TEXT NOT NULL CONSTRAINT activities_pk PRIMARY KEY,
    team_id TEXT CONSTRAINT activities_team_fk REFERENCES teams(id) ON DELETE SET NULL,
    village_code TEXT NOT NULL CONSTRAINT activities_village_fk REFERENCES units(code),
    household_id TEXT CONSTRAINT activities_household_fk REFERENCES households(id) ON DELETE SET NULL,
    happened_on TEXT NOT NULL,
    kinds TEXT NOT NULL,
    people_helped BIGINT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    recorded_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    device_time BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX activities_village_idx ON activities(village_code, happened_on);
CREATE INDEX activities_team_idx ON activities(team_id, happened_on);

CREATE TABLE activity_members (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    CONSTRAINT activity_members_pk PRIMARY KEY (activity_id, person_id)
);
CREATE INDEX activity_members_person_idx ON activity_members(person_id);

-- What a team member or instructor did on someone's behalf; that person sees these rows.
CREATE TABLE acted_for (
    id TEXT NOT NULL CONSTRAINT acted_for_pk PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX acted_for_person_idx ON acted_for(person_id, at);

-- Every offline write carries a client-generated UUID; its receipt makes replays harmless.
CREATE TABLE sync_receipts (
    client_id TEXT NOT NULL CONSTRAINT sync_receipts_pk PRIMARY KEY,
    kind TEXT NOT NULL,
    actor_id TEXT,
    record_id TEXT NOT NULL,
    device_time BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
