-- Assistant: questions it could not answer (personal data stripped, grouped by their folded wording),
-- FAQ entries admins write from them, and the version every app server polls to know when to rebuild
-- its in-process knowledge base.

-- One row per distinct unanswered question (`question_key` = its folded, tokenised wording), counted
-- each time it is asked again. `near` is the closest document the search found, to help the writer.
CREATE TABLE assistant_gaps (
    id TEXT NOT NULL CONSTRAINT assistant_gaps_pk PRIMARY KEY,
    question_key TEXT NOT NULL CONSTRAINT assistant_gaps_key_uq UNIQUE,
    question TEXT NOT NULL,
    asked BIGINT NOT NULL,
    near TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT assistant_gaps_status_ck CHECK (status IN ('open', 'dismissed', 'drafted')),
    decided_by TEXT CONSTRAINT assistant_gaps_decided_by_fk REFERENCES people(id) ON DELETE SET NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX assistant_gaps_status_idx ON assistant_gaps(status, asked);

-- An FAQ entry written on the platform. Published entries are indexed by every app server next to the
-- content folder's; "export" turns them into `[[faq]]` TOML to move into content/faq/ for good.
CREATE TABLE assistant_faq (
    id TEXT NOT NULL CONSTRAINT assistant_faq_pk PRIMARY KEY,
    slug TEXT NOT NULL CONSTRAINT assistant_faq_slug_uq UNIQUE,
    q TEXT NOT NULL,
    alt TEXT NOT NULL,
    a TEXT NOT NULL,
    lessons TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT assistant_faq_status_ck CHECK (status IN ('draft', 'published')),
    gap_id TEXT CONSTRAINT assistant_faq_gap_fk REFERENCES assistant_gaps(id) ON DELETE SET NULL,
    updated_by TEXT CONSTRAINT assistant_faq_updated_by_fk REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row; bumped in the same transaction as every change to published entries.
CREATE TABLE assistant_versions (
    id BIGINT NOT NULL CONSTRAINT assistant_versions_pk PRIMARY KEY CONSTRAINT assistant_versions_one_ck CHECK (id = 1),
    faq BIGINT NOT NULL
);
INSERT INTO assistant_versions (id, faq) VALUES (1, 0);
