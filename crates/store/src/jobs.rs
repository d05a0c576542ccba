//! The durable job queue: rows that a worker claims with a lease, runs
//! outside any transaction, then marks done, retries later or declares
//! dead. Any number of workers on one PostgreSQL store share the queue
//! without running a job twice while its lease holds: a claim locks the row
//! with `FOR UPDATE SKIP LOCKED` and stamps a fresh lease token, and only
//! the holder of that token can finish the job. SQLite claims under its
//! single write lock (`BEGIN IMMEDIATE`).
//!
//! A lease that runs out (the worker died or hung) makes the job claimable
//! again; the late worker's `complete` or `fail` then finds another token
//! and changes nothing. Work that must not happen twice therefore records
//! its own effect idempotently (the outbox keeps a deterministic message id
//! per recipient and event).
//!
//! [`enqueue`] takes a [`Conn`], so a job commits in the same transaction as
//! the event that causes it.

use std::time::Duration;

use chrono::Utc;
use rusqlite::{params, params_from_iter, OptionalExtension as _};

use crate::conn::{Conn, Side};
use crate::{Store, StoreError};

/// Attempts before a job is dead, unless its [`NewJob`] says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// Longest `last_error` kept (characters).
const MAX_ERROR_LEN: usize = 500;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobState {
    /// Waiting for its `run_at` time and a worker.
    Queued,
    /// Claimed; its lease says until when.
    Running,
    Done,
    /// Failed for good (a permanent error or too many attempts); kept for
    /// an operator to read and retry.
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    fn parse(text: &str) -> Result<JobState, StoreError> {
        JobState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| StoreError::corrupt(format!("{text:?} is not a job state")))
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A job to enqueue.
#[derive(Clone)]
pub struct NewJob {
    pub kind: String,
    pub payload: Vec<u8>,
    /// At most one job ever holds a given key (in any state, until purged):
    /// enqueueing a second one does nothing.
    pub dedup_key: Option<String>,
    /// Not before this time (microseconds since the epoch).
    pub run_at_us: i64,
    pub max_attempts: u32,
}

impl NewJob {
    /// A job of `kind` to run now, with the default attempts.
    pub fn new(kind: impl Into<String>, payload: Vec<u8>) -> NewJob {
        NewJob {
            kind: kind.into(),
            payload,
            dedup_key: None,
            run_at_us: now_us(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn dedup_key(mut self, key: impl Into<String>) -> NewJob {
        self.dedup_key = Some(key.into());
        self
    }

    pub fn run_at_us(mut self, at_us: i64) -> NewJob {
        self.run_at_us = at_us;
        self
    }

    pub fn max_attempts(mut self, attempts: u32) -> NewJob {
        self.max_attempts = attempts.max(1);
        self
    }
}

impl std::fmt::Debug for NewJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The payload may be sealed personal data: its length only.
        f.debug_struct("NewJob")
            .field("kind", &self.kind)
            .field("payload_len", &self.payload.len())
            .field("dedup_key", &self.dedup_key)
            .field("run_at_us", &self.run_at_us)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// A claimed job: what its handler needs, and the lease token that proves
/// the claim when finishing it.
#[derive(Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: Vec<u8>,
    /// This attempt's number, from 1.
    pub attempt: u32,
    pub max_attempts: u32,
    pub lease_token: i64,
    pub lease_until_us: i64,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("payload_len", &self.payload.len())
            .field("attempt", &self.attempt)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// A job as listed for an operator (no payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    pub id: i64,
    pub kind: String,
    pub state: JobState,
    pub attempts: u32,
    pub max_attempts: u32,
    pub run_at_us: i64,
    pub last_error: Option<String>,
    pub created_at_us: i64,
    pub finished_at_us: Option<i64>,
}

/// How a failed attempt goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Queued again at this time, unless that was the last attempt.
    At { run_at_us: i64 },
    /// A permanent error: dead now.
    Never,
}

/// `store.jobs()`: each method one statement or one short transaction.
pub struct Jobs<'s>(pub(crate) &'s Store);

impl Jobs<'_> {
    /// Enqueues `job`; `None` when a job with its dedup key exists.
    pub async fn enqueue(&self, job: NewJob) -> Result<Option<i64>, StoreError> {
        self.0
            .run(move |c| Box::pin(async move { enqueue(c, &job).await }))
            .await
    }

    /// Claims the next due job of one of `kinds` for `lease`, or a running
    /// one whose lease ran out; first marks dead the running jobs whose
    /// lease ran out on their last attempt.
    pub async fn claim(
        &self,
        kinds: &[String],
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        let kinds = kinds.to_vec();
        self.0
            .transaction(move |c| {
                Box::pin(async move { claim_at(c, &kinds, lease, now_us()).await })
            })
            .await
    }

    /// Claims up to `limit` jobs in one transaction (a runner with that
    /// many free slots): as [`Jobs::claim`], several at once.
    pub async fn claim_many(
        &self,
        kinds: &[String],
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        let kinds = kinds.to_vec();
        self.0
            .transaction(move |c| {
                Box::pin(async move { claim_many_at(c, &kinds, lease, now_us(), limit).await })
            })
            .await
    }

    /// Marks these jobs done in one transaction; for each, `false` when its
    /// lease was lost (as [`Jobs::complete`]).
    pub async fn complete_many(&self, jobs: &[(i64, i64)]) -> Result<Vec<bool>, StoreError> {
        let jobs = jobs.to_vec();
        self.0
            .transaction(move |c| {
                Box::pin(async move {
                    let mut done = Vec::with_capacity(jobs.len());
                    for (id, token) in jobs {
                        done.push(complete(c, id, token).await?);
                    }
                    Ok(done)
                })
            })
            .await
    }

    /// Gives claimed jobs back that were never started (a runner stopping
    /// with jobs claimed ahead): queued again at once, the claim's attempt
    /// not counted. A job whose lease was lost is left alone.
    pub async fn release(&self, jobs: &[(i64, i64)]) -> Result<(), StoreError> {
        let jobs = jobs.to_vec();
        self.0
            .transaction(move |c| {
                Box::pin(async move {
                    for (id, token) in jobs {
                        release(c, id, token).await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Marks the job done; `false` when the lease was lost (another worker
    /// holds the job now, or it was finished already).
    pub async fn complete(&self, job: &Job) -> Result<bool, StoreError> {
        let (id, token) = (job.id, job.lease_token);
        self.0
            .run(move |c| Box::pin(async move { complete(c, id, token).await }))
            .await
    }

    /// Records a failed attempt; the job's new state, or `None` when the
    /// lease was lost. `error` must hold no personal data.
    pub async fn fail(
        &self,
        job: &Job,
        error: &str,
        retry: Retry,
    ) -> Result<Option<JobState>, StoreError> {
        let (id, token, error) = (job.id, job.lease_token, error.to_owned());
        self.0
            .run(move |c| Box::pin(async move { fail(c, id, token, &error, retry).await }))
            .await
    }

    /// Extends the lease to `lease` from now; `false` when it was lost.
    pub async fn heartbeat(&self, job: &Job, lease: Duration) -> Result<bool, StoreError> {
        let (id, token) = (job.id, job.lease_token);
        let until = now_us().saturating_add(micros(lease));
        self.0
            .run(move |c| Box::pin(async move { heartbeat(c, id, token, until).await }))
            .await
    }

    /// Queues a dead job again with fresh attempts; `false` when no dead job
    /// has this id.
    pub async fn retry(&self, id: i64) -> Result<bool, StoreError> {
        self.0
            .run(move |c| Box::pin(async move { retry_dead(c, id).await }))
            .await
    }

    /// The newest `limit` jobs, of one state or all.
    pub async fn list(
        &self,
        state: Option<JobState>,
        limit: u32,
    ) -> Result<Vec<JobInfo>, StoreError> {
        self.list_kinds(state, None, limit).await
    }

    /// The newest `limit` jobs whose kind starts with `kind_prefix` (the
    /// outbox: `outbox.`), of one state or all.
    pub async fn list_kinds(
        &self,
        state: Option<JobState>,
        kind_prefix: Option<&str>,
        limit: u32,
    ) -> Result<Vec<JobInfo>, StoreError> {
        let pattern = kind_prefix.map(|p| format!("{}%", p.replace(['%', '_'], "")));
        self.0
            .run(move |c| Box::pin(async move { list(c, state, pattern.as_deref(), limit).await }))
            .await
    }

    /// How many jobs there are of each (kind, state).
    pub async fn counts(&self) -> Result<Vec<(String, JobState, u64)>, StoreError> {
        self.0.run(|c| Box::pin(counts(c))).await
    }

    /// Deletes done jobs finished before `before_us`; returns how many.
    pub async fn purge_done(&self, before_us: i64) -> Result<u64, StoreError> {
        self.0
            .run(move |c| Box::pin(async move { purge_done(c, before_us).await }))
            .await
    }
}

/// Microseconds since the epoch, now.
pub fn now_us() -> i64 {
    Utc::now().timestamp_micros()
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

fn attempts_column(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn count_from_column(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::corrupt(format!("job attempt count {n}")))
}

/// Enqueues `job` on `c` (inside a transaction, with the event causing it);
/// `None` when its dedup key is taken.
pub async fn enqueue(c: &mut Conn<'_>, job: &NewJob) -> Result<Option<i64>, StoreError> {
    let context = "enqueueing a job";
    let now = now_us();
    let max = attempts_column(job.max_attempts.max(1));
    let id = match c.side() {
        Side::Sqlite(conn) => conn
            .prepare_cached(
                "INSERT INTO jobs (kind, payload, dedup_key, state, max_attempts, run_at_us, created_at_us) \
                 VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6) \
                 ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
            )
            .and_then(|mut stmt| {
                stmt.query_row(
                    params![job.kind, job.payload, job.dedup_key, max, job.run_at_us, now],
                    |row| row.get(0),
                )
                .optional()
            })
            .map_err(StoreError::sqlite(context)),
        Side::Postgres(pg) => pg
            .query_opt(
                "INSERT INTO jobs (kind, payload, dedup_key, state, max_attempts, run_at_us, created_at_us) \
                 VALUES ($1, $2, $3, 'queued', $4, $5, $6) \
                 ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
                &[&job.kind, &job.payload, &job.dedup_key, &max, &job.run_at_us, &now],
            )
            .await
            .map_err(StoreError::postgres(context))?
            .map(|row| row.try_get(0))
            .transpose()
            .map_err(StoreError::postgres(context)),
    }?;
    if id.is_some() && job.run_at_us <= now {
        c.note_enqueued();
    }
    Ok(id)
}

/// Claims on `c`, which should be a transaction (see [`Jobs::claim`]).
pub async fn claim_at(
    c: &mut Conn<'_>,
    kinds: &[String],
    lease: Duration,
    now_us: i64,
) -> Result<Option<Job>, StoreError> {
    Ok(claim_many_at(c, kinds, lease, now_us, 1).await?.pop())
}

/// Claims up to `limit` jobs on `c`, which should be a transaction (see
/// [`Jobs::claim_many`]): due queued jobs first (oldest due first), then
/// running ones whose lease ran out. All of them share one lease token.
pub async fn claim_many_at(
    c: &mut Conn<'_>,
    kinds: &[String],
    lease: Duration,
    now_us: i64,
    limit: u32,
) -> Result<Vec<Job>, StoreError> {
    if kinds.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let context = "claiming a job";
    let token: i64 = rand::random();
    let until = now_us.saturating_add(micros(lease));
    const LOST: &str = "its lease ran out on the last attempt (the worker stopped or hung)";
    const RETURNING: &str = "RETURNING id, kind, payload, attempts, max_attempts";
    // Due queued jobs first, then running ones whose lease ran out: two
    // statements, each served by the (state, run_at_us) index, instead of
    // one OR that scans the whole table per claim.
    const CANDIDATES: [&str; 2] = [
        "state = 'queued' AND run_at_us <= {now} ORDER BY run_at_us, id",
        "state = 'running' AND lease_until_us < {now} ORDER BY lease_until_us, id",
    ];
    let mut rows: Vec<(i64, String, Vec<u8>, i64, i64)> = Vec::new();
    match c.side() {
        Side::Sqlite(conn) => {
            let marks = vec!["?"; kinds.len()].join(", ");
            conn.execute(
                &format!(
                    "UPDATE jobs SET state = 'dead', last_error = ?1, finished_at_us = ?2, \
                     lease_token = NULL, lease_until_us = NULL \
                     WHERE state = 'running' AND lease_until_us < ?2 AND attempts >= max_attempts \
                     AND kind IN ({})",
                    (3..3 + kinds.len())
                        .map(|i| format!("?{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                params_from_iter(
                    [
                        rusqlite::types::Value::from(LOST.to_owned()),
                        rusqlite::types::Value::from(now_us),
                    ]
                    .into_iter()
                    .chain(
                        kinds
                            .iter()
                            .map(|k| rusqlite::types::Value::from(k.clone())),
                    ),
                ),
            )
            .map_err(StoreError::sqlite(context))?;
            for candidates in CANDIDATES {
                let want = i64::from(limit) - rows.len() as i64;
                if want <= 0 {
                    break;
                }
                let sql = format!(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, \
                     lease_until_us = ?, lease_token = ? \
                     WHERE id IN (SELECT id FROM jobs WHERE kind IN ({marks}) AND {} \
                     LIMIT ?) {RETURNING}",
                    candidates.replace("{now}", "?")
                );
                let values: Vec<rusqlite::types::Value> = [until.into(), token.into()]
                    .into_iter()
                    .chain(kinds.iter().map(|k| k.clone().into()))
                    .chain([now_us.into(), want.into()])
                    .collect();
                let mut stmt = conn
                    .prepare_cached(&sql)
                    .map_err(StoreError::sqlite(context))?;
                let claimed = stmt
                    .query_map(params_from_iter(values), |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, Vec<u8>>(2)?,
                            row.get::<_, i64>(3)?,
                            row.get::<_, i64>(4)?,
                        ))
                    })
                    .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                    .map_err(StoreError::sqlite(context))?;
                rows.extend(claimed);
            }
        }
        Side::Postgres(pg) => {
            pg.execute(
                "UPDATE jobs SET state = 'dead', last_error = $1, finished_at_us = $2, \
                 lease_token = NULL, lease_until_us = NULL \
                 WHERE state = 'running' AND lease_until_us < $2 AND attempts >= max_attempts \
                 AND kind = ANY($3)",
                &[&LOST, &now_us, &kinds],
            )
            .await
            .map_err(StoreError::postgres(context))?;
            for candidates in CANDIDATES {
                let want = i64::from(limit) - rows.len() as i64;
                if want <= 0 {
                    break;
                }
                // `= ANY(ARRAY(...))`: the locked subquery runs once, as
                // written (an `IN` may be planned as a join around it).
                let claimed = pg
                    .query(
                        &format!(
                            "UPDATE jobs SET state = 'running', attempts = attempts + 1, \
                             lease_until_us = $1, lease_token = $2 \
                             WHERE id = ANY(ARRAY(SELECT id FROM jobs WHERE kind = ANY($3) AND {} \
                             LIMIT $5 FOR UPDATE SKIP LOCKED)) {RETURNING}",
                            candidates.replace("{now}", "$4")
                        ),
                        &[&until, &token, &kinds, &now_us, &want],
                    )
                    .await
                    .map_err(StoreError::postgres(context))?;
                let get = StoreError::postgres(context);
                for row in claimed {
                    let attempts: i32 = row.try_get(3).map_err(&get)?;
                    let max: i32 = row.try_get(4).map_err(&get)?;
                    rows.push((
                        row.try_get(0).map_err(&get)?,
                        row.try_get(1).map_err(&get)?,
                        row.try_get(2).map_err(&get)?,
                        attempts.into(),
                        max.into(),
                    ));
                }
            }
        }
    }
    // RETURNING gives no order: oldest first, as they were chosen.
    rows.sort_by_key(|r| r.0);
    rows.into_iter()
        .map(|(id, kind, payload, attempts, max)| {
            Ok(Job {
                id,
                kind,
                payload,
                attempt: count_from_column(attempts)?,
                max_attempts: count_from_column(max)?,
                lease_token: token,
                lease_until_us: until,
            })
        })
        .collect()
}

/// Marks a claimed job done (see [`Jobs::complete`]).
pub async fn complete(c: &mut Conn<'_>, id: i64, token: i64) -> Result<bool, StoreError> {
    let context = "completing a job";
    let now = now_us();
    let n = match c.side() {
        Side::Sqlite(conn) => conn
            .prepare_cached(
                "UPDATE jobs SET state = 'done', finished_at_us = ?1, lease_token = NULL, \
                 lease_until_us = NULL, last_error = NULL \
                 WHERE id = ?2 AND state = 'running' AND lease_token = ?3",
            )
            .and_then(|mut stmt| stmt.execute(params![now, id, token]))
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context))?,
        Side::Postgres(pg) => pg
            .execute(
                "UPDATE jobs SET state = 'done', finished_at_us = $1, lease_token = NULL, \
                 lease_until_us = NULL, last_error = NULL \
                 WHERE id = $2 AND state = 'running' AND lease_token = $3",
                &[&now, &id, &token],
            )
            .await
            .map_err(StoreError::postgres(context))?,
    };
    Ok(n == 1)
}

/// Records a failed attempt (see [`Jobs::fail`]).
pub async fn fail(
    c: &mut Conn<'_>,
    id: i64,
    token: i64,
    error: &str,
    retry: Retry,
) -> Result<Option<JobState>, StoreError> {
    let context = "recording a failed job";
    let now = now_us();
    let error: String = error.chars().take(MAX_ERROR_LEN).collect();
    let (permanent, run_at) = match retry {
        Retry::Never => (true, now),
        Retry::At { run_at_us } => (false, run_at_us),
    };
    let state: Option<String> = match c.side() {
        Side::Sqlite(conn) => conn
            .query_row(
                "UPDATE jobs SET \
                   state = CASE WHEN ?1 OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
                   finished_at_us = CASE WHEN ?1 OR attempts >= max_attempts THEN ?2 ELSE NULL END, \
                   run_at_us = ?3, last_error = ?4, lease_token = NULL, lease_until_us = NULL \
                 WHERE id = ?5 AND state = 'running' AND lease_token = ?6 RETURNING state",
                params![permanent, now, run_at, error, id, token],
                |row| row.get(0),
            )
            .optional()
            .map_err(StoreError::sqlite(context))?,
        Side::Postgres(pg) => pg
            .query_opt(
                "UPDATE jobs SET \
                   state = CASE WHEN $1 OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
                   finished_at_us = CASE WHEN $1 OR attempts >= max_attempts THEN $2::bigint ELSE NULL END, \
                   run_at_us = $3, last_error = $4, lease_token = NULL, lease_until_us = NULL \
                 WHERE id = $5 AND state = 'running' AND lease_token = $6 RETURNING state",
                &[&permanent, &now, &run_at, &error, &id, &token],
            )
            .await
            .map_err(StoreError::postgres(context))?
            .map(|row| row.try_get(0))
            .transpose()
            .map_err(StoreError::postgres(context))?,
    };
    state.as_deref().map(JobState::parse).transpose()
}

/// Extends a lease to `until_us` (see [`Jobs::heartbeat`]).
pub async fn heartbeat(
    c: &mut Conn<'_>,
    id: i64,
    token: i64,
    until_us: i64,
) -> Result<bool, StoreError> {
    let context = "extending a job's lease";
    let n = match c.side() {
        Side::Sqlite(conn) => conn
            .execute(
                "UPDATE jobs SET lease_until_us = ?1 \
                 WHERE id = ?2 AND state = 'running' AND lease_token = ?3",
                params![until_us, id, token],
            )
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context))?,
        Side::Postgres(pg) => pg
            .execute(
                "UPDATE jobs SET lease_until_us = $1 \
                 WHERE id = $2 AND state = 'running' AND lease_token = $3",
                &[&until_us, &id, &token],
            )
            .await
            .map_err(StoreError::postgres(context))?,
    };
    Ok(n == 1)
}

/// Gives a claimed job back unstarted (see [`Jobs::release`]).
pub async fn release(c: &mut Conn<'_>, id: i64, token: i64) -> Result<bool, StoreError> {
    let context = "releasing a job";
    let n = match c.side() {
        Side::Sqlite(conn) => conn
            .execute(
                "UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_token = NULL, \
                 lease_until_us = NULL WHERE id = ?1 AND state = 'running' AND lease_token = ?2",
                params![id, token],
            )
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context))?,
        Side::Postgres(pg) => pg
            .execute(
                "UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_token = NULL, \
                 lease_until_us = NULL WHERE id = $1 AND state = 'running' AND lease_token = $2",
                &[&id, &token],
            )
            .await
            .map_err(StoreError::postgres(context))?,
    };
    Ok(n == 1)
}

/// Queues a dead job again (see [`Jobs::retry`]).
pub async fn retry_dead(c: &mut Conn<'_>, id: i64) -> Result<bool, StoreError> {
    let context = "retrying a dead job";
    let now = now_us();
    let n = match c.side() {
        Side::Sqlite(conn) => conn
            .execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_at_us = ?1, finished_at_us = NULL \
                 WHERE id = ?2 AND state = 'dead'",
                params![now, id],
            )
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context))?,
        Side::Postgres(pg) => pg
            .execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_at_us = $1, finished_at_us = NULL \
                 WHERE id = $2 AND state = 'dead'",
                &[&now, &id],
            )
            .await
            .map_err(StoreError::postgres(context))?,
    };
    Ok(n == 1)
}

const INFO_COLUMNS: &str =
    "id, kind, state, attempts, max_attempts, run_at_us, last_error, created_at_us, finished_at_us";

/// Lists jobs, newest first (see [`Jobs::list`]).
pub async fn list(
    c: &mut Conn<'_>,
    state: Option<JobState>,
    kind_like: Option<&str>,
    limit: u32,
) -> Result<Vec<JobInfo>, StoreError> {
    let context = "listing jobs";
    let state = state.map(JobState::as_str);
    let limit = i64::from(limit);
    match c.side() {
        Side::Sqlite(conn) => {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {INFO_COLUMNS} FROM jobs WHERE (?1 IS NULL OR state = ?1) \
                     AND (?3 IS NULL OR kind LIKE ?3) ORDER BY id DESC LIMIT ?2"
                ))
                .map_err(StoreError::sqlite(context))?;
            let rows = stmt
                .query_map(params![state, limit, kind_like], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, i64>(3)?,
                        row.get::<_, i64>(4)?,
                        row.get::<_, i64>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, i64>(7)?,
                        row.get::<_, Option<i64>>(8)?,
                    ))
                })
                .map_err(StoreError::sqlite(context))?;
            rows.map(|row| {
                let (id, kind, state, attempts, max, run_at, error, created, finished) =
                    row.map_err(StoreError::sqlite(context))?;
                Ok(JobInfo {
                    id,
                    kind,
                    state: JobState::parse(&state)?,
                    attempts: count_from_column(attempts)?,
                    max_attempts: count_from_column(max)?,
                    run_at_us: run_at,
                    last_error: error,
                    created_at_us: created,
                    finished_at_us: finished,
                })
            })
            .collect()
        }
        Side::Postgres(pg) => {
            let get = StoreError::postgres(context);
            pg.query(
                &format!(
                    "SELECT {INFO_COLUMNS} FROM jobs WHERE ($1::text IS NULL OR state = $1) \
                     AND ($3::text IS NULL OR kind LIKE $3) ORDER BY id DESC LIMIT $2"
                ),
                &[&state, &limit, &kind_like],
            )
            .await
            .map_err(&get)?
            .iter()
            .map(|row| {
                let state: String = row.try_get(2).map_err(&get)?;
                let attempts: i32 = row.try_get(3).map_err(&get)?;
                let max: i32 = row.try_get(4).map_err(&get)?;
                Ok(JobInfo {
                    id: row.try_get(0).map_err(&get)?,
                    kind: row.try_get(1).map_err(&get)?,
                    state: JobState::parse(&state)?,
                    attempts: count_from_column(attempts.into())?,
                    max_attempts: count_from_column(max.into())?,
                    run_at_us: row.try_get(5).map_err(&get)?,
                    last_error: row.try_get(6).map_err(&get)?,
                    created_at_us: row.try_get(7).map_err(&get)?,
                    finished_at_us: row.try_get(8).map_err(&get)?,
                })
            })
            .collect()
        }
    }
}

/// Jobs per (kind, state) (see [`Jobs::counts`]).
pub async fn counts(c: &mut Conn<'_>) -> Result<Vec<(String, JobState, u64)>, StoreError> {
    let context = "counting jobs";
    const SQL: &str =
        "SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state";
    let rows: Vec<(String, String, i64)> = match c.side() {
        Side::Sqlite(conn) => {
            let mut stmt = conn
                .prepare_cached(SQL)
                .map_err(StoreError::sqlite(context))?;
            let rows = stmt
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .map_err(StoreError::sqlite(context))?;
            rows.collect::<Result<_, _>>()
                .map_err(StoreError::sqlite(context))?
        }
        Side::Postgres(pg) => pg
            .query(SQL, &[])
            .await
            .map_err(StoreError::postgres(context))?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect::<Result<_, tokio_postgres::Error>>()
            .map_err(StoreError::postgres(context))?,
    };
    rows.into_iter()
        .map(|(kind, state, n)| Ok((kind, JobState::parse(&state)?, n.max(0) as u64)))
        .collect()
}

/// Deletes done jobs finished before `before_us` (see [`Jobs::purge_done`]).
pub async fn purge_done(c: &mut Conn<'_>, before_us: i64) -> Result<u64, StoreError> {
    let context = "purging done jobs";
    match c.side() {
        Side::Sqlite(conn) => conn
            .execute(
                "DELETE FROM jobs WHERE state = 'done' AND finished_at_us < ?1",
                params![before_us],
            )
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context)),
        Side::Postgres(pg) => pg
            .execute(
                "DELETE FROM jobs WHERE state = 'done' AND finished_at_us < $1",
                &[&before_us],
            )
            .await
            .map_err(StoreError::postgres(context)),
    }
}
