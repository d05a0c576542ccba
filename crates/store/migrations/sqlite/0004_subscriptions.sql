-- Alerts (crates/store/src/subscriptions.rs). A subscription is found by
-- the keyed PRF output of its identifier (prf_output, never the identifier
-- or an unkeyed hash of it); the address or number to write to is sealed
-- with the contact key (mail.key), which is never in this database.
-- secret_hash: SHA-256 of a pending email's confirmation token, or the
-- contact key's HMAC of a pending phone's code; NULL once confirmed.
-- purpose: 'alerts', or 'opt-out' (a pending request to hide the identifier
-- from public search, confirmed like a subscription, then moved to opt_outs).
-- Times are microseconds since the epoch.
CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('email', 'phone')),
    purpose         TEXT    NOT NULL CHECK (purpose IN ('alerts', 'opt-out')),
    prf_output      BLOB    NOT NULL,
    bucket          INTEGER NOT NULL,
    contact         BLOB    NOT NULL,
    lang            TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'active')),
    secret_hash     BLOB,
    secret_tries    INTEGER NOT NULL DEFAULT 0,
    expires_at_us   INTEGER,
    sent_at_us      INTEGER,
    created_at_us   INTEGER NOT NULL,
    confirmed_at_us INTEGER,
    CONSTRAINT subscriptions_prf_output_unique UNIQUE (prf_output, purpose),
    CONSTRAINT subscriptions_secret_hash_unique UNIQUE (secret_hash)
);
CREATE INDEX subscriptions_state_id ON subscriptions (state, purpose, id);

-- One row per (subscription, breach) ever alerted or reported: a second
-- file of the same breach, or a second server, alerts nobody twice.
CREATE TABLE alert_ledger (
    subscription  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    breach        TEXT    NOT NULL,
    created_at_us INTEGER NOT NULL,
    PRIMARY KEY (subscription, breach)
);

-- Index segment files already matched against every subscription.
CREATE TABLE alert_scans (
    segment       TEXT    PRIMARY KEY,
    scanned_at_us INTEGER NOT NULL
);

-- Identifiers their verified owner hid from public search (HIBP's opt-out),
-- by keyed PRF output.
CREATE TABLE opt_outs (
    prf_output    BLOB    PRIMARY KEY,
    bucket        INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL
);

-- The outbox makes the job queue long: claims take the next due job in
-- (run_at_us, id) order straight from this index.
CREATE INDEX jobs_claim ON jobs (state, run_at_us, id);
