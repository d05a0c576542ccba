-- Telling organisations about new breaches (crates/orgs/src/alerts.rs).
--
-- org_webhooks: an organisation's endpoints for Standard Webhooks. secrets:
-- the signing secrets sealed with the contact key (the newest first, the
-- ones rotated out kept until their end); state 'disabled' once an endpoint
-- answered 410 Gone (reason says so) or an owner turned it off.
CREATE TABLE org_webhooks (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org           BIGINT  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    url           TEXT    NOT NULL,
    secrets       BYTEA   NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('enabled', 'disabled')),
    reason        TEXT,
    last_status   TEXT,
    last_at_us    BIGINT,
    created_at_us BIGINT  NOT NULL
);
CREATE INDEX org_webhooks_org ON org_webhooks (org);

-- The ledger of alerts: a row per (organisation, breach) it was told about,
-- written in the transaction that enqueues the digest mail and the
-- webhooks, so a new breach is told once, whatever reruns.
CREATE TABLE org_alerted (
    org      BIGINT  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    breach   TEXT    NOT NULL,
    people   BIGINT  NOT NULL,
    at_us    BIGINT  NOT NULL,
    PRIMARY KEY (org, breach)
);
