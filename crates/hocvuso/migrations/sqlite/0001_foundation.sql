-- Units: province → commune/ward/special zone → village. `path` ("44/19360/19360-001/") makes
-- "this unit and everything below it" a prefix match, the shape of every scope check and report.
CREATE TABLE units (
    code TEXT NOT NULL CONSTRAINT units_pk PRIMARY KEY,
    name TEXT NOT NULL,
    division_type TEXT NOT NULL,
    level INTEGER NOT NULL,
    parent_code TEXT REFERENCES units(code),
    codename TEXT NOT NULL,
    path TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT units_parent_name_uq UNIQUE (parent_code, name_key)
);
CREATE INDEX units_parent_idx ON units(parent_code);
CREATE INDEX units_path_idx ON units(path);

CREATE TABLE people (
    id TEXT NOT NULL CONSTRAINT people_pk PRIMARY KEY,
    phone TEXT CONSTRAINT people_phone_uq UNIQUE,
    password_hash TEXT,
    full_name TEXT NOT NULL,
    birth_year INTEGER,
    sex TEXT NOT NULL,
    ethnic_group TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    target_group TEXT NOT NULL,
    consent_at INTEGER NOT NULL,
    consent_version TEXT NOT NULL,
    consent_recorded_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    search_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX people_unit_idx ON people(unit_code);

CREATE TABLE roles (
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    granted_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    granted_at INTEGER NOT NULL,
    CONSTRAINT roles_pk PRIMARY KEY (person_id, role, unit_code)
);
CREATE INDEX roles_unit_idx ON roles(unit_code);

-- Only a hash of the session token is stored: a leaked table does not leak sessions.
CREATE TABLE sessions (
    token_hash TEXT NOT NULL CONSTRAINT sessions_pk PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_person_idx ON sessions(person_id);

-- Failed sign-ins, keyed "ip:…" or "phone:…", for rate limits shared by every app server.
CREATE TABLE login_failures (
    id TEXT NOT NULL CONSTRAINT login_failures_pk PRIMARY KEY,
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures(key, at);

-- Who read or changed whose personal data; the person sees their own rows.
CREATE TABLE access_log (
    id TEXT NOT NULL CONSTRAINT access_log_pk PRIMARY KEY,
    actor_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    subject_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX access_log_subject_idx ON access_log(subject_id, at);
