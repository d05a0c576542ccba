-- Rate budgets shared by every server using this store (GCRA): one row per
-- budget with its theoretical arrival time in microseconds since the epoch.
-- Names are opaque: "global", "key:<id>", or "addr:<keyed hash>" (never a
-- client address in the clear).
CREATE TABLE rate_budgets (
    name   TEXT   PRIMARY KEY,
    tat_us BIGINT NOT NULL
);
