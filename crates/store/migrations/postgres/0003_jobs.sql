-- Durable jobs (crates/store/src/jobs.rs): queued work claimed with a
-- lease, retried with backoff, dead after max_attempts. Times are
-- microseconds since the epoch. last_error holds an error's kind and
-- message, never personal data; the payload is the job kind's own bytes.
CREATE TABLE jobs (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           TEXT    NOT NULL,
    payload        BYTEA   NOT NULL,
    dedup_key      TEXT,
    state          TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    max_attempts   INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_at_us      BIGINT  NOT NULL,
    lease_until_us BIGINT,
    lease_token    BIGINT,
    last_error     TEXT,
    created_at_us  BIGINT  NOT NULL,
    finished_at_us BIGINT,
    CONSTRAINT jobs_dedup_key_unique UNIQUE (dedup_key)
);
CREATE INDEX jobs_ready ON jobs (state, run_at_us);
