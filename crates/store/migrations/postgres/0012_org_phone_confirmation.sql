-- Mobile numbers confirmed by their holders (crates/orgs/src/phones.rs).
--
-- In an owner-only deployment an organisation sees the results of a
-- watched mobile number only once the number's holder confirmed it by
-- giving the organisation the code sent to the number by SMS.
-- confirmed_at_us: when (NULL: not confirmed; e-mail addresses are proved
-- by their domain instead).
ALTER TABLE org_watch ADD COLUMN confirmed_at_us BIGINT;

-- The code sent for an entry: its keyed hash (never the code), the wrong
-- tries so far, when it was sent and until when it holds.
CREATE TABLE org_watch_codes (
    watch         BIGINT  PRIMARY KEY REFERENCES org_watch (id) ON DELETE CASCADE,
    code_hash     BYTEA   NOT NULL,
    attempts      BIGINT  NOT NULL,
    sent_at_us    BIGINT  NOT NULL,
    expires_at_us BIGINT  NOT NULL
);
