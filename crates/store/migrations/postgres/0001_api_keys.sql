-- API keys: only the SHA-256 (hex) of each secret and its first 12
-- characters are stored; the secret itself never is.
CREATE TABLE api_keys (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT        NOT NULL,
    prefix           TEXT        NOT NULL,
    key_hash         TEXT        NOT NULL CHECK (length(key_hash) = 64),
    rate_count       INTEGER     NOT NULL CHECK (rate_count BETWEEN 1 AND 1000000000),
    rate_period_secs INTEGER     NOT NULL CHECK (rate_period_secs BETWEEN 1 AND 86400),
    created_at       TIMESTAMPTZ NOT NULL,
    revoked_at       TIMESTAMPTZ,
    CONSTRAINT api_keys_name_unique UNIQUE (name),
    CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash)
);
