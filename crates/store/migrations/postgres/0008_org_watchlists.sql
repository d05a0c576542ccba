-- Organisations' watchlists (crates/store/src/orgs.rs): each entry is found
-- by the keyed PRF output of its identifier (never the identifier or an
-- unkeyed hash of it) and holds the identifier and the organisation's own
-- reference for the person sealed with the contact key (entry). domain: the
-- address's domain (one of the organisation's), NULL for a phone number.
-- Hits are what the index held for the entry when it was last matched: the
-- breach and the data classes of the person's record.
CREATE TABLE org_watch (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org           BIGINT  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('email', 'phone')),
    prf_output    BYTEA   NOT NULL,
    bucket        BIGINT  NOT NULL,
    domain        TEXT,
    entry         BYTEA   NOT NULL,
    created_at_us BIGINT  NOT NULL,
    CONSTRAINT org_watch_org_output_unique UNIQUE (org, prf_output)
);
-- Pages of the report walk an organisation's entries in id order.
CREATE INDEX org_watch_org_id ON org_watch (org, id);

CREATE TABLE org_watch_hits (
    watch   BIGINT  NOT NULL REFERENCES org_watch (id) ON DELETE CASCADE,
    breach  TEXT    NOT NULL,
    classes TEXT    NOT NULL,
    PRIMARY KEY (watch, breach)
);

-- Bumped by every change of an organisation's watchlist or its hits: a
-- server caches the watchlist's counts per version.
CREATE TABLE org_watch_state (
    org     BIGINT  PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    version BIGINT  NOT NULL
);
