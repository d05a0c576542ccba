-- Organisations (crates/store/src/orgs.rs, crates/orgs): people who sign
-- in, organisations and their members, single-use links, sessions, the
-- domains an organisation proved it controls, and its audit log.
-- A person is found by the contact key's HMAC of their canonical address
-- (address_key) and reached through the address sealed with the contact key
-- (mail.key, never in this database); links and sessions are kept as the
-- SHA-256 of their token. Times are microseconds since the epoch.
CREATE TABLE org_people (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address_key   BYTEA   NOT NULL,
    address       BYTEA   NOT NULL,
    lang          TEXT    NOT NULL,
    created_at_us BIGINT  NOT NULL,
    CONSTRAINT org_people_address_key_unique UNIQUE (address_key)
);

-- public_id: random, the organisation's name in URLs.
CREATE TABLE orgs (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id     TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    created_at_us BIGINT  NOT NULL,
    CONSTRAINT orgs_public_id_unique UNIQUE (public_id)
);

CREATE TABLE org_members (
    org           BIGINT  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    person        BIGINT  NOT NULL REFERENCES org_people (id) ON DELETE CASCADE,
    role          TEXT    NOT NULL CHECK (role IN ('owner', 'viewer')),
    created_at_us BIGINT  NOT NULL,
    PRIMARY KEY (org, person)
);
CREATE INDEX org_members_person ON org_members (person);

-- state: 'pending' (never verified), 'verified', 'lapsed' (verified once,
-- then the record went away or the mailed proof grew too old).
-- method: how it was last verified, 'dns' or 'mail'.
CREATE TABLE org_domains (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org            BIGINT  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    domain         TEXT    NOT NULL,
    token          TEXT    NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('pending', 'verified', 'lapsed')),
    method         TEXT    CHECK (method IN ('dns', 'mail')),
    verified_at_us BIGINT ,
    checked_at_us  BIGINT ,
    created_at_us  BIGINT  NOT NULL,
    CONSTRAINT org_domains_org_domain_unique UNIQUE (org, domain)
);
CREATE INDEX org_domains_state ON org_domains (state, checked_at_us);

-- Single-use links mailed to a person: sign-in, invitation (org, role),
-- proof of a domain by a role address (org, domain).
CREATE TABLE org_links (
    token_hash    BYTEA   PRIMARY KEY,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('sign-in', 'invitation', 'domain')),
    address_key   BYTEA   NOT NULL,
    address       BYTEA   NOT NULL,
    lang          TEXT    NOT NULL,
    org           BIGINT  REFERENCES orgs (id) ON DELETE CASCADE,
    role          TEXT    CHECK (role IN ('owner', 'viewer')),
    domain        BIGINT  REFERENCES org_domains (id) ON DELETE CASCADE,
    expires_at_us BIGINT  NOT NULL,
    created_at_us BIGINT  NOT NULL
);
CREATE INDEX org_links_address ON org_links (address_key, purpose, created_at_us);

CREATE TABLE org_sessions (
    token_hash      BYTEA   PRIMARY KEY,
    person          BIGINT  NOT NULL REFERENCES org_people (id) ON DELETE CASCADE,
    created_at_us   BIGINT  NOT NULL,
    last_seen_at_us BIGINT  NOT NULL,
    expires_at_us   BIGINT  NOT NULL
);
CREATE INDEX org_sessions_person ON org_sessions (person);

-- Who did what. actor and subject are addresses sealed with the contact
-- key (NULL for the system or when there is none); detail names no person.
CREATE TABLE org_audit (
    id      BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org     BIGINT  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    at_us   BIGINT  NOT NULL,
    actor   BYTEA,
    action  TEXT    NOT NULL,
    subject BYTEA,
    detail  TEXT    NOT NULL
);
CREATE INDEX org_audit_org_at ON org_audit (org, at_us);
CREATE INDEX org_audit_at ON org_audit (at_us);
