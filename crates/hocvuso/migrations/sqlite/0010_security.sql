-- Admin sessions end after a while without use; refreshed at most once a minute, only for admins.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;

-- One-time passwords (set by an admin or the CLI) expire and must be replaced at first sign-in.
ALTER TABLE people ADD COLUMN password_expires_at INTEGER;
ALTER TABLE people ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- Request counters per client and fixed window, shared by every app server (sign-up, assistant, scam check).
CREATE TABLE rate_counters (
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    CONSTRAINT rate_counters_pk PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_window_idx ON rate_counters(window_start);

-- Invitations to teach a class or join a team: the role starts only when the invited person accepts.
-- Until then the inviter sees only the phone number they typed.
CREATE TABLE invitations (
    id TEXT NOT NULL CONSTRAINT invitations_pk PRIMARY KEY,
    kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    phone TEXT NOT NULL,
    member_role TEXT,
    invited_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT invitations_target_phone_uq UNIQUE (kind, target_id, phone)
);
CREATE INDEX invitations_phone_idx ON invitations(phone);
