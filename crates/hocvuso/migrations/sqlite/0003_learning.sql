-- Learning: the curriculum as loaded from content/courses (and local courses written in the browser),
-- each learner's progress, the client ids of offline writes, and certificates.

-- A course. Ids are stable: content imports match courses by slug and lessons by (course, slug) and
-- update their text in place, so progress and certificates survive every edit. A course or lesson
-- removed from the files is unpublished, never deleted.
CREATE TABLE courses (
    id TEXT NOT NULL CONSTRAINT courses_pk PRIMARY KEY,
    slug TEXT NOT NULL CONSTRAINT courses_slug_uq UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    topic TEXT NOT NULL,
    level TEXT NOT NULL CONSTRAINT courses_level_ck CHECK (level IN ('co-ban', 'nang-cao')),
    -- Target-group slugs, space-separated, with a space at each end (" nguoi-dan can-bo ").
    audiences TEXT NOT NULL,
    framework TEXT NOT NULL,
    position BIGINT NOT NULL,
    pass_percent BIGINT NOT NULL CONSTRAINT courses_pass_ck CHECK (pass_percent BETWEEN 1 AND 100),
    source TEXT NOT NULL CONSTRAINT courses_source_ck CHECK (source IN ('file', 'local')),
    published BOOLEAN NOT NULL,
    -- Title, summary and lesson titles folded (no diacritics, lower case) for the catalogue search.
    search_key TEXT NOT NULL,
    created_by TEXT CONSTRAINT courses_created_by_fk REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX courses_position_idx ON courses(published, position);

CREATE TABLE lessons (
    id TEXT NOT NULL CONSTRAINT lessons_pk PRIMARY KEY,
    course_id TEXT NOT NULL CONSTRAINT lessons_course_fk REFERENCES courses(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_md TEXT NOT NULL,
    -- Sanitised HTML rendered from body_md at import or save.
    body_html TEXT NOT NULL,
    -- JSON array of {q, choices, answer, explain}.
    quiz TEXT NOT NULL,
    reading_minutes BIGINT NOT NULL,
    published BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT lessons_slug_uq UNIQUE (course_id, slug)
);

-- One row per learner and lesson they touched. `passed_at` is the first time the lesson's quiz was
-- passed; a lesson is done when it was opened and its quiz passed (or it has no quiz).
CREATE TABLE lesson_progress (
    person_id TEXT NOT NULL CONSTRAINT lesson_progress_person_fk REFERENCES people(id) ON DELETE CASCADE,
    lesson_id TEXT NOT NULL CONSTRAINT lesson_progress_lesson_fk REFERENCES lessons(id) ON DELETE CASCADE,
    opened_at BIGINT,
    passed_at BIGINT,
    best_percent BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    CONSTRAINT lesson_progress_pk PRIMARY KEY (person_id, lesson_id)
);
CREATE INDEX lesson_progress_lesson_idx ON lesson_progress(lesson_id);

-- Writes that carried a client-generated id (the JSON API, the merge of browser progress): a replay
-- finds its id here and changes nothing; `result` is what the first write answered.
CREATE TABLE learning_writes (
    client_id TEXT NOT NULL CONSTRAINT learning_writes_pk PRIMARY KEY,
    person_id TEXT NOT NULL CONSTRAINT learning_writes_person_fk REFERENCES people(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    result TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX learning_writes_person_idx ON learning_writes(person_id);

-- A certificate. Name, course title and province are copied at issue time: the paper says what it
-- said on the day. `code` is random (60 bits) and is what /verify/{code} and the QR code carry.
CREATE TABLE certificates (
    id TEXT NOT NULL CONSTRAINT certificates_pk PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT certificates_code_uq UNIQUE,
    person_id TEXT NOT NULL CONSTRAINT certificates_person_fk REFERENCES people(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL CONSTRAINT certificates_course_fk REFERENCES courses(id),
    full_name TEXT NOT NULL,
    course_title TEXT NOT NULL,
    province_name TEXT NOT NULL,
    unit_code TEXT NOT NULL CONSTRAINT certificates_unit_fk REFERENCES units(code),
    via TEXT NOT NULL CONSTRAINT certificates_via_ck CHECK (via IN ('online', 'class')),
    issued_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_reason TEXT,
    revoked_by TEXT CONSTRAINT certificates_revoked_by_fk REFERENCES people(id) ON DELETE SET NULL,
    CONSTRAINT certificates_person_course_uq UNIQUE (person_id, course_id)
);
CREATE INDEX certificates_issued_idx ON certificates(issued_at);

-- Pictures uploaded for local courses, resized to phone width and re-encoded as JPEG (base64).
CREATE TABLE learning_images (
    id TEXT NOT NULL CONSTRAINT learning_images_pk PRIMARY KEY,
    course_id TEXT NOT NULL CONSTRAINT learning_images_course_fk REFERENCES courses(id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    created_by TEXT CONSTRAINT learning_images_by_fk REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);

-- The hash of the content files last imported, so a start with unchanged files writes nothing.
CREATE TABLE learning_imports (
    id BIGINT NOT NULL CONSTRAINT learning_imports_pk PRIMARY KEY CONSTRAINT learning_imports_one_ck CHECK (id = 1),
    content_hash TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

-- Bumped by every write that changes what lesson pages show (imports, local-course edits); app
-- servers compare it with what their in-memory page cache was built from.
CREATE TABLE learning_version (
    id BIGINT NOT NULL CONSTRAINT learning_version_pk PRIMARY KEY CONSTRAINT learning_version_one_ck CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO learning_version (id, version) VALUES (1, 0);
