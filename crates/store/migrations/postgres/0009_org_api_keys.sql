-- An organisation's API keys (the HIBP domain API): rows of api_keys, each
-- linked to one organisation. Deleting the organisation revokes its keys
-- first (crates/orgs), then this link goes with it.
CREATE TABLE org_api_keys (
    key_id BIGINT  PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
    org    BIGINT  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE
);
CREATE INDEX org_api_keys_org ON org_api_keys (org);
