-- API keys: only the SHA-256 (hex) of each secret and its first 12
-- characters are stored; the secret itself never is.
CREATE TABLE api_keys (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL,
    prefix           TEXT    NOT NULL,
    key_hash         TEXT    NOT NULL CHECK (length(key_hash) = 64),
    rate_count       INTEGER NOT NULL CHECK (rate_count BETWEEN 1 AND 1000000000),
    rate_period_secs INTEGER NOT NULL CHECK (rate_period_secs BETWEEN 1 AND 86400),
    -- UTC, RFC 3339 with microseconds: 2026-01-31T12:34:56.123456Z
    created_at       TEXT    NOT NULL,
    revoked_at       TEXT,
    CONSTRAINT api_keys_name_unique UNIQUE (name),
    CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash)
);
