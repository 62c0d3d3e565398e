-- Scam check: citizens' reports, what admins confirmed from them, admin edits of the rule files, and the
-- versions every app server polls to know when to rebuild its in-process checker.

-- A reported message, with the reporter's own data stripped. `kind` is the code of the strongest
-- reason at report time ("none" when the checker saw nothing); numbers and domains are the evidence
-- found in the text, space-separated.
CREATE TABLE scam_reports (
    id TEXT NOT NULL CONSTRAINT scam_reports_pk PRIMARY KEY,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    verdict TEXT NOT NULL CONSTRAINT scam_reports_verdict_ck CHECK (verdict IN ('scam', 'suspicious', 'safe')),
    score_milli BIGINT NOT NULL,
    numbers TEXT NOT NULL,
    domains TEXT NOT NULL,
    unit_code TEXT NOT NULL CONSTRAINT scam_reports_unit_fk REFERENCES units(code),
    status TEXT NOT NULL CONSTRAINT scam_reports_status_ck CHECK (status IN ('new', 'confirmed', 'rejected')),
    decided_by TEXT CONSTRAINT scam_reports_decided_by_fk REFERENCES people(id) ON DELETE SET NULL,
    decided_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX scam_reports_unit_idx ON scam_reports(unit_code, status, created_at);
CREATE INDEX scam_reports_status_idx ON scam_reports(status, created_at);

-- Numbers and domains an admin confirmed as a scammer's, per report: rejecting the report later
-- removes only its own rows, so a number confirmed by two reports stays confirmed.
CREATE TABLE scam_confirmed (
    kind TEXT NOT NULL CONSTRAINT scam_confirmed_kind_ck CHECK (kind IN ('number', 'domain')),
    value TEXT NOT NULL,
    report_id TEXT NOT NULL CONSTRAINT scam_confirmed_report_fk REFERENCES scam_reports(id) ON DELETE CASCADE,
    confirmed_by TEXT CONSTRAINT scam_confirmed_by_fk REFERENCES people(id) ON DELETE SET NULL,
    confirmed_at BIGINT NOT NULL,
    CONSTRAINT scam_confirmed_pk PRIMARY KEY (kind, value, report_id)
);
CREATE INDEX scam_confirmed_report_idx ON scam_confirmed(report_id);

-- Report submissions per client address (a SHA-256 of it, never the address), for the rate limit and
-- so a double tap is counted once. Rows older than a day are deleted as new ones arrive.
CREATE TABLE scam_report_hits (
    id TEXT NOT NULL CONSTRAINT scam_report_hits_pk PRIMARY KEY,
    client_key TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    report_id TEXT NOT NULL CONSTRAINT scam_report_hits_report_fk REFERENCES scam_reports(id) ON DELETE CASCADE,
    at BIGINT NOT NULL
);
CREATE INDEX scam_report_hits_key_idx ON scam_report_hits(client_key, at);

-- A province admin's edit of a rule file ("scam/domains.toml", "scam/signals.toml"); it replaces the
-- file of the same name until deleted. Validated before it is stored.
CREATE TABLE scam_rule_files (
    name TEXT NOT NULL CONSTRAINT scam_rule_files_pk PRIMARY KEY,
    body TEXT NOT NULL,
    updated_by TEXT CONSTRAINT scam_rule_files_by_fk REFERENCES people(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);

-- One row. Each change to the rule edits or the confirmed data bumps its counter in the same
-- transaction; app servers compare it with what they built from.
CREATE TABLE scam_versions (
    id BIGINT NOT NULL CONSTRAINT scam_versions_pk PRIMARY KEY CONSTRAINT scam_versions_one_ck CHECK (id = 1),
    rules BIGINT NOT NULL,
    community BIGINT NOT NULL
);
INSERT INTO scam_versions (id, rules, community) VALUES (1, 0, 0);
