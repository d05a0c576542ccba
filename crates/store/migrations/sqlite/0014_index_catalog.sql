-- The current generation of each index in object storage whose publishing
-- is held here (`--index-catalog`): one row per index location
-- (s3://BUCKET/PREFIX), naming the generation in force and its manifest
-- object (relative to the prefix). A publish is one
-- UPDATE ... WHERE generation = expected, so it works on any S3 server,
-- also one that ignores conditional writes.
CREATE TABLE index_catalog (
    location   TEXT    PRIMARY KEY,
    generation INTEGER NOT NULL CHECK (generation > 0),
    manifest   TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
