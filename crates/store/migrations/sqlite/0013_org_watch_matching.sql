-- Large watchlist uploads are matched in the background
-- (crates/service/src/watchlists.rs): an entry stored before it was
-- matched against the index waits with awaiting_match = 1 until its
-- `orgs.match-watch` job, enqueued in the same transaction, records its
-- hits. Reports say how many entries are still waiting.
ALTER TABLE org_watch ADD COLUMN awaiting_match INTEGER NOT NULL DEFAULT 0;
CREATE INDEX org_watch_awaiting ON org_watch (org) WHERE awaiting_match = 1;
