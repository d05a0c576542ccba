-- The job queue's indexes as the claim uses them: due queued jobs by
-- (run_at_us, id), lapsed running ones by (lease_until_us, id), each a
-- partial index of its state. They replace jobs_ready and jobs_claim, which
-- both led with the state, so that every state change wrote two entries
-- into each; now a claim moves a row from one small index to the other and
-- a completion only leaves one (done and dead jobs are in neither).
DROP INDEX jobs_ready;
DROP INDEX jobs_claim;
CREATE INDEX jobs_queued ON jobs (run_at_us, id) WHERE state = 'queued';
CREATE INDEX jobs_running ON jobs (lease_until_us, id) WHERE state = 'running';
