-- Passkeys for organisation sign-in (crates/orgs/src/passkeys.rs).
--
-- org_passkeys: a person's WebAuthn credentials. credential_id: the
-- authenticator's id of the credential (found by it at sign-in); passkey:
-- the credential (public key, counter, flags) as webauthn-rs serialises
-- it, sealed with the contact key.
CREATE TABLE org_passkeys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person        INTEGER NOT NULL REFERENCES org_people (id) ON DELETE CASCADE,
    credential_id BLOB    NOT NULL,
    passkey       BLOB    NOT NULL,
    name          TEXT    NOT NULL,
    created_at_us INTEGER NOT NULL,
    used_at_us    INTEGER,
    CONSTRAINT org_passkeys_credential_unique UNIQUE (credential_id)
);
CREATE INDEX org_passkeys_person ON org_passkeys (person);

-- A registration or sign-in ceremony under way: found by the SHA-256 of
-- its token, taken (deleted) by the request that finishes it. person: who
-- registers (none for a sign-in); state: webauthn-rs's challenge state,
-- sealed with the contact key.
CREATE TABLE org_ceremonies (
    token_hash    BLOB    PRIMARY KEY,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('register', 'sign-in')),
    person        INTEGER REFERENCES org_people (id) ON DELETE CASCADE,
    state         BLOB    NOT NULL,
    expires_at_us INTEGER NOT NULL
);
CREATE INDEX org_ceremonies_expiry ON org_ceremonies (expires_at_us);
