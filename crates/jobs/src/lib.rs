//! The job runner: everything Lekradar does in the background, in one
//! place and on its own schedules rather than on a request path or the
//! index-reload tick.
//!
//! - **Local periodic tasks** ([`Runner::every`]): work each process does
//!   for itself (picking up a new index, tidying in-memory budgets), on a
//!   fixed period; a failing run is logged and counted and the next one
//!   comes on time.
//! - **Durable jobs** ([`Runner::handle`]): rows of the store's job queue
//!   (`lekradar_store::jobs`), enqueued by anyone — in the same transaction
//!   as the event that causes them — and claimed by any runner on the same
//!   store. A claimed job holds a lease that the runner extends while its
//!   handler runs; it is then marked done, retried later with exponential
//!   backoff and jitter ([`JobError::Transient`]), or dead
//!   ([`JobError::Permanent`], or too many attempts), visible in
//!   `/metrics` and to an operator.
//! - **Cluster-wide periodic tasks** ([`Runner::every_in_cluster`]): every
//!   runner enqueues the task once per period with the dedup key
//!   `NAME:SLOT` (the period's number since the epoch); the store keeps one
//!   job per key, so across every server on one PostgreSQL store the task
//!   runs once per period, by whichever runner claims it.
//!
//! # Guarantees
//!
//! - **At least once.** A job stays in the queue until a handler returned
//!   `Ok` for it (done), failed it for good, or used up its attempts (dead).
//!   A worker that dies or hangs mid-job leaves it `running` until its
//!   lease runs out; then any runner claims it again.
//! - **Never twice at the same time while the lease holds.** A claim locks
//!   the row (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on
//!   SQLite) and stamps a lease token; the runner extends the lease every
//!   third of it while the handler runs. Once a lease is lost (the heartbeat
//!   could not reach the store in time, or was turned off), another runner
//!   may run the job while the first still does; the first's completion
//!   then changes nothing and is counted as `lease_lost`. **Handlers must
//!   therefore be idempotent**: record their effect so that a second run
//!   does nothing (the outbox keeps a deterministic message id per
//!   recipient and event).
//! - **Handlers run outside any transaction**, on their own task: a handler
//!   that panics counts as a transient failure (retried with backoff), and
//!   stops its heartbeat.
//! - **Cluster-wide periodic tasks run at most once per slot.** Slot `n` of
//!   a task with period `p` is the wall-clock interval `[n·p, (n+1)·p)`
//!   since the epoch. Each runner ticks in the middle of every slot
//!   (clocks a little apart still agree on the slot) and enqueues
//!   `NAME:n`; the store's unique dedup key keeps the first and drops the
//!   others, so the task's handler runs once for the slot, as a durable job
//!   (retried up to 3 attempts). A slot is skipped only when no runner was
//!   up during it. Dedup keys live as long as their job: done jobs are
//!   purged after [`RunnerConfig::done_retention`] (a built-in cluster-wide
//!   task, hourly), long after their slot has passed.
//!
//! Error messages ([`JobError`], periodic tasks' `Err`) are stored, logged
//! and shown to operators: they must never hold personal data (say what
//! failed, not for whom). Metric labels are kinds, states, outcomes and task
//! names only.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod metrics;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use lekradar_store::jobs::{now_us, Retry};
use lekradar_store::{Job, JobState, NewJob, Store, StoreError};
use prometheus_client::registry::Registry;
use tokio::sync::{Notify, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

pub use metrics::{JobLabels, RunLabels, RunnerMetrics, TaskLabels};

/// A boxed future, as handlers and tasks return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How a runner works.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// How often the queue is polled when nothing woke the runner.
    pub poll_interval: Duration,
    /// How long a claim holds; extended every third of it while the job
    /// runs (see `heartbeat`).
    pub lease: Duration,
    /// Whether a running job's lease is extended while its handler runs.
    /// Without it a handler that outlives `lease` loses its job to another
    /// runner (tests turn it off to show just that).
    pub heartbeat: bool,
    /// Jobs run at once by this runner.
    pub concurrency: usize,
    /// The first retry's delay; doubled per attempt up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// How long done jobs are kept (their dedup keys with them).
    pub done_retention: Duration,
    /// How often the `lekradar_jobs` gauges are refreshed from the store.
    pub metrics_interval: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            heartbeat: true,
            concurrency: 2,
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(3600),
            done_retention: Duration::from_secs(7 * 86_400),
            metrics_interval: Duration::from_secs(5),
        }
    }
}

/// Why a job's attempt failed. The message is stored and shown to
/// operators: never put personal data in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt later (a server not answering).
    #[error("{0}")]
    Transient(String),
    /// No attempt can succeed (a malformed payload, a refused address).
    #[error("{0}")]
    Permanent(String),
    /// Worth another attempt after this delay, chosen by the handler (a
    /// schedule a protocol prescribes, such as Standard Webhooks') rather
    /// than the runner's backoff.
    #[error("{0}")]
    RetryAfter(String, Duration),
}

/// A durable job's handler.
pub type Handler = Arc<dyn Fn(Job) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync>;

/// A periodic task.
type Task = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

struct Periodic {
    name: &'static str,
    period: Duration,
    task: Task,
}

/// Wakes a runner at once (for a job enqueued in this process); cheap to
/// clone. A wake-up while the runner is busy is kept for its next wait.
#[derive(Clone, Debug)]
pub struct Notifier(Arc<Notify>);

impl Notifier {
    pub fn notify(&self) {
        self.0.notify_one();
    }
}

/// The runner of one process. Build it, register handlers and tasks, then
/// [`run`](Runner::run) it.
pub struct Runner {
    shared: Arc<Shared>,
    periodic: Vec<Periodic>,
    in_cluster: Vec<(&'static str, Duration)>,
}

struct Shared {
    store: Store,
    config: RunnerConfig,
    handlers: HashMap<&'static str, Handler>,
    kinds: Vec<String>,
    metrics: RunnerMetrics,
    wake: Arc<Notify>,
    completions: GroupCommit,
}

impl Runner {
    pub fn new(store: Store, config: RunnerConfig) -> Runner {
        let mut runner = Runner {
            shared: Arc::new(Shared {
                store,
                config,
                handlers: HashMap::new(),
                kinds: Vec::new(),
                metrics: RunnerMetrics::default(),
                wake: Arc::new(Notify::new()),
                completions: GroupCommit::default(),
            }),
            periodic: Vec::new(),
            in_cluster: Vec::new(),
        };
        let store = runner.shared.store.clone();
        let retention = runner.shared.config.done_retention;
        runner.every_in_cluster("jobs.purge-done", Duration::from_secs(3600), move || {
            let store = store.clone();
            Box::pin(async move {
                let before = now_us().saturating_sub(micros(retention));
                let n = store
                    .jobs()
                    .purge_done(before)
                    .await
                    .map_err(|e| JobError::Transient(e.to_string()))?;
                tracing::debug!(purged = n, "done jobs purged");
                Ok(())
            })
        });
        runner
    }

    fn shared_mut(&mut self) -> &mut Shared {
        // Registration happens before `run`, while this is the only handle.
        Arc::get_mut(&mut self.shared).unwrap_or_else(|| unreachable_registration())
    }

    /// Runs `handler` for every job of `kind` this runner claims.
    pub fn handle<F>(&mut self, kind: &'static str, handler: F)
    where
        F: Fn(Job) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync + 'static,
    {
        let shared = self.shared_mut();
        shared.handlers.insert(kind, Arc::new(handler));
        if !shared.kinds.iter().any(|k| k == kind) {
            shared.kinds.push(kind.to_owned());
        }
        shared.metrics.know_kind(kind);
    }

    /// Runs `task` in this process every `period` (first run after one
    /// period; a run that overruns delays the next rather than piling up).
    /// A run that fails or panics is logged and counted
    /// (`lekradar_periodic_runs{outcome="error"}`); the next comes on time.
    pub fn every<F>(&mut self, name: &'static str, period: Duration, task: F)
    where
        F: Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync + 'static,
    {
        self.periodic.push(Periodic {
            name,
            period: period.max(MIN_PERIOD),
            task: Arc::new(task),
        });
    }

    /// Runs `task` once per `period` across every runner on this store: a
    /// durable job of kind `name`, deduplicated per period (see the crate
    /// docs). Registering `name` again replaces the task.
    pub fn every_in_cluster<F>(&mut self, name: &'static str, period: Duration, task: F)
    where
        F: Fn() -> BoxFuture<'static, Result<(), JobError>> + Send + Sync + 'static,
    {
        self.handle(name, move |_job| task());
        self.in_cluster.retain(|(n, _)| *n != name);
        self.in_cluster.push((name, period.max(MIN_PERIOD)));
    }

    /// A handle that wakes this runner at once.
    pub fn notifier(&self) -> Notifier {
        Notifier(Arc::clone(&self.shared.wake))
    }

    /// The runner's metrics, e.g. to read a counter.
    pub fn metrics(&self) -> &RunnerMetrics {
        &self.shared.metrics
    }

    /// Registers the runner's metrics under the registry's prefix (the
    /// server's is `lekradar`): `jobs` (gauge by kind and state),
    /// `job_runs_total` (by kind and outcome), `periodic_runs_total` (by task
    /// and outcome).
    pub fn register_metrics(&self, registry: &mut Registry) {
        self.shared.metrics.register(registry);
    }

    /// Runs every due job, one at a time, until none is left (for `lekradar
    /// worker --once` and tests); returns how many ran. A job retried with a
    /// delay is not due, so it is left for later. Runs no periodic task.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        let mut ran = 0;
        while let Some(job) = self.shared.claim(1).await?.pop() {
            self.shared.execute(job).await;
            ran += 1;
        }
        Ok(ran)
    }

    /// Runs until `shutdown` completes: the periodic tasks, the cluster
    /// ticks, the gauges' refresh and the claim loop. Then claims nothing
    /// more and waits for the jobs in flight, at most one lease; a job still
    /// running then is stopped (its lease runs out and another runner takes
    /// it).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let shared = self.shared;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut tasks = JoinSet::new();
        for p in self.periodic {
            let metrics = shared.metrics.clone();
            let stop = stop_rx.clone();
            tasks.spawn(every(p.period, stop, move || {
                let task = Arc::clone(&p.task);
                let metrics = metrics.clone();
                async move {
                    // On a task of its own: a panic is one failed run.
                    let run = AbortOnDrop(tokio::spawn(task()));
                    let outcome = match run.join().await {
                        Ok(outcome) => outcome,
                        Err(e) if e.is_panic() => Err("the task panicked".to_owned()),
                        Err(_) => Err("the task was cancelled".to_owned()),
                    };
                    if let Err(e) = &outcome {
                        tracing::warn!(task = p.name, error = %e, "periodic task failed");
                    }
                    metrics.periodic(p.name, outcome.is_ok());
                }
            }));
        }
        for (name, period) in self.in_cluster {
            tasks.spawn(tick_in_cluster(
                Arc::clone(&shared),
                name,
                period,
                stop_rx.clone(),
            ));
        }
        {
            let shared = Arc::clone(&shared);
            let stop = stop_rx.clone();
            let period = shared.config.metrics_interval.max(MIN_PERIOD);
            tasks.spawn(async move {
                shared.refresh_gauges().await;
                every(period, stop, move || {
                    let shared = Arc::clone(&shared);
                    async move { shared.refresh_gauges().await }
                })
                .await
            });
        }
        let concurrency = shared.config.concurrency.max(1);
        let permits = Arc::new(Semaphore::new(concurrency));
        let mut running = JoinSet::new();
        // Jobs claimed ahead of a free slot, with when they were claimed: a
        // claim takes the free slots' jobs and as many again (up to
        // CLAIM_BATCH), so that under load one transaction serves many jobs
        // instead of each finishing job's slot claiming one.
        let mut ready: std::collections::VecDeque<(Job, tokio::time::Instant)> =
            std::collections::VecDeque::new();
        let ahead = concurrency.min(CLAIM_BATCH);
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            while running.try_join_next().is_some() {}
            let permit = tokio::select! {
                () = &mut shutdown => break,
                permit = Arc::clone(&permits).acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            if ready.is_empty() {
                let free = 1 + permits.available_permits();
                // Not cancelled by `shutdown`: a claim that committed must
                // reach its jobs' handlers (or be released).
                match shared
                    .claim((free + ahead).min(CLAIM_BATCH.max(free)))
                    .await
                {
                    Ok(jobs) => {
                        let now = tokio::time::Instant::now();
                        ready.extend(jobs.into_iter().map(|job| (job, now)));
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot claim a job; trying again"),
                }
            }
            let Some((job, claimed_at)) = ready.pop_front() else {
                drop(permit);
                tokio::select! {
                    () = &mut shutdown => break,
                    () = shared.wake.notified() => {}
                    () = shared.store.job_enqueued() => {}
                    () = tokio::time::sleep(shared.config.poll_interval) => {}
                }
                continue;
            };
            let shared = Arc::clone(&shared);
            running.spawn(async move {
                // Waited long for a slot: renew the lease first; skip the
                // job when another runner has it by now.
                if claimed_at.elapsed() >= shared.config.lease / 3
                    && !matches!(
                        shared
                            .store
                            .jobs()
                            .heartbeat(&job, shared.config.lease)
                            .await,
                        Ok(true)
                    )
                {
                    tracing::warn!(
                        id = job.id,
                        "a job claimed ahead lost its lease before it started"
                    );
                    return;
                }
                shared.execute(job).await;
                drop(permit);
            });
        }
        if !ready.is_empty() {
            let unstarted: Vec<(i64, i64)> =
                ready.iter().map(|(j, _)| (j.id, j.lease_token)).collect();
            if let Err(e) = shared.store.jobs().release(&unstarted).await {
                tracing::warn!(jobs = unstarted.len(), error = %e, "cannot give back jobs claimed ahead; their leases will run out and another runner takes them");
            }
        }
        let _ = stop_tx.send(true);
        let grace = shared.config.lease;
        let finished = tokio::time::timeout(grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                jobs = running.len(),
                "jobs still running at shutdown are stopped; their leases will run out and another runner takes them"
            );
        }
        running.shutdown().await;
        tasks.shutdown().await;
    }
}

/// The shortest period of a task, heartbeat or slot (a zero period would
/// spin).
const MIN_PERIOD: Duration = Duration::from_millis(1);

#[cold]
fn unreachable_registration() -> ! {
    // `Runner` is only shared once `run` or `drain` starts, which take it
    // by value or by shared reference; registration needs `&mut Runner`.
    #[allow(clippy::panic)]
    {
        panic!("a runner's handlers are registered before it runs")
    }
}

/// A spawned task that is aborted when this handle is dropped (when the
/// job or tick that awaits it is itself stopped).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    async fn join(mut self) -> Result<T, tokio::task::JoinError> {
        (&mut self.0).await
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Calls `tick` every `period` until `stop` is set; a slow tick delays the
/// next instead of piling up.
async fn every<F, Fut>(period: Duration, mut stop: tokio::sync::watch::Receiver<bool>, tick: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            _ = interval.tick() => {}
        }
        tick().await;
    }
}

/// Enqueues a cluster-wide task's job in the middle of every slot (see the
/// crate docs) until `stop` is set.
async fn tick_in_cluster(
    shared: Arc<Shared>,
    name: &'static str,
    period: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let period_us = slot_micros(period);
    loop {
        let now = now_us();
        let slot = now.div_euclid(period_us);
        let next_middle = slot
            .saturating_add(1)
            .saturating_mul(period_us)
            .saturating_add(period_us / 2);
        let wait = Duration::from_micros(u64::try_from(next_middle - now).unwrap_or(0));
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = tokio::time::sleep(wait) => {}
        }
        shared.enqueue_slot(name, period).await;
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

fn slot_micros(period: Duration) -> i64 {
    micros(period.max(MIN_PERIOD))
}

/// The delay before attempt `attempt + 1`: base × 2^(attempt-1), at most
/// `cap`, with ±25 % jitter (still at most `cap`) so that jobs that failed
/// together do not return together. `jitter` is in `[0, 1)`.
fn backoff(base: Duration, cap: Duration, attempt: u32, jitter: f64) -> Duration {
    let exp = 2u32.saturating_pow(attempt.saturating_sub(1).min(30));
    let delay = base.saturating_mul(exp).min(cap);
    let factor = 0.75 + jitter.clamp(0.0, 1.0) * 0.5;
    Duration::try_from_secs_f64(delay.as_secs_f64() * factor)
        .unwrap_or(delay)
        .min(cap)
}

/// Keeps a running job's lease until aborted or lost.
async fn keep_lease(store: Store, job: Job, lease: Duration, kind: &'static str) {
    let every = (lease / 3).max(MIN_PERIOD);
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match store.jobs().heartbeat(&job, lease).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(
                    kind,
                    id = job.id,
                    "a running job's lease was lost; another runner may run it now"
                );
                return;
            }
            Err(e) => tracing::warn!(kind, id = job.id, error = %e, "cannot extend a job's lease"),
        }
    }
}

/// Jobs claimed at once by one claim, at most (fewer when fewer slots are
/// free).
const CLAIM_BATCH: usize = 32;

/// Completions recorded at once, at most.
const COMPLETE_BATCH: usize = 64;

/// Group commit of completions: the first job to finish while no commit is
/// under way records its own completion and every one queued meanwhile, in
/// one transaction, and goes on until none is left; the others wait for
/// their answer. One commit (one fsync on SQLite, one round trip and WAL
/// flush on PostgreSQL) then serves many jobs when many finish together,
/// and a lone job is recorded at once.
#[derive(Default)]
struct GroupCommit {
    state: std::sync::Mutex<GroupState>,
}

type Answer = tokio::sync::oneshot::Sender<Result<bool, StoreError>>;

#[derive(Default)]
struct GroupState {
    pending: Vec<(i64, i64, Answer)>,
    flushing: bool,
}

/// Hands the flush over when a leader is dropped mid-way (its task
/// aborted): the jobs it held are answered with an error (their leases run
/// out and they run again), the queued ones too, and the next completion
/// leads.
struct Leader<'a>(&'a GroupCommit);

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.flushing = false;
        state.pending.clear();
    }
}

impl GroupCommit {
    fn lock(&self) -> std::sync::MutexGuard<'_, GroupState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks `job` done, with whatever else is waiting; `false` when its
    /// lease was lost.
    async fn complete(&self, store: &Store, job: &Job) -> Result<bool, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let lead = {
            let mut state = self.lock();
            state.pending.push((job.id, job.lease_token, tx));
            !std::mem::replace(&mut state.flushing, true)
        };
        if lead {
            let leader = Leader(self);
            loop {
                let batch: Vec<_> = {
                    let mut state = self.lock();
                    if state.pending.is_empty() {
                        state.flushing = false;
                        break;
                    }
                    let n = state.pending.len().min(COMPLETE_BATCH);
                    state.pending.drain(..n).collect()
                };
                let ids: Vec<(i64, i64)> =
                    batch.iter().map(|(id, token, _)| (*id, *token)).collect();
                match store.jobs().complete_many(&ids).await {
                    Ok(done) => {
                        for ((_, _, answer), ok) in batch.into_iter().zip(done) {
                            let _ = answer.send(Ok(ok));
                        }
                    }
                    Err(e) => {
                        let reason = e.to_string();
                        for (_, _, answer) in batch {
                            let _ = answer.send(Err(StoreError::aborted(reason.clone())));
                        }
                    }
                }
            }
            std::mem::forget(leader);
        }
        // Dropped unanswered: the leader's task was aborted mid-commit.
        rx.await.unwrap_or(Err(StoreError::TaskFailed))
    }
}

impl Shared {
    async fn claim(&self, limit: usize) -> Result<Vec<Job>, StoreError> {
        self.store
            .jobs()
            .claim_many(
                &self.kinds,
                self.config.lease,
                u32::try_from(limit).unwrap_or(u32::MAX),
            )
            .await
    }

    /// Enqueues this slot's run of a cluster-wide task (nothing when
    /// another runner did already).
    async fn enqueue_slot(&self, name: &'static str, period: Duration) {
        let slot = now_us().div_euclid(slot_micros(period));
        let job = NewJob::new(name, Vec::new())
            .dedup_key(format!("{name}:{slot}"))
            .max_attempts(3);
        match self.store.jobs().enqueue(job).await {
            Ok(Some(_)) => self.wake.notify_one(),
            Ok(None) => {}
            Err(e) => tracing::warn!(task = name, error = %e, "cannot enqueue a periodic job"),
        }
    }

    async fn refresh_gauges(&self) {
        match self.store.jobs().counts().await {
            Ok(counts) => self.metrics.set_counts(&counts),
            Err(e) => tracing::warn!(error = %e, "cannot count jobs for the metrics"),
        }
    }

    /// Runs one claimed job to its end: its handler on a task of its own
    /// (a panic is a transient failure) while the lease is kept, then done,
    /// retry or dead.
    async fn execute(&self, job: Job) {
        let Some((&kind, handler)) = self.handlers.get_key_value(job.kind.as_str()) else {
            // Claimed only by kind: cannot happen; give it back.
            let _ = self
                .store
                .jobs()
                .fail(
                    &job,
                    "no handler for this kind",
                    Retry::At {
                        run_at_us: now_us(),
                    },
                )
                .await;
            return;
        };
        let heartbeat = self.config.heartbeat.then(|| {
            AbortOnDrop(tokio::spawn(keep_lease(
                self.store.clone(),
                job.clone(),
                self.config.lease,
                kind,
            )))
        });
        let run = AbortOnDrop(tokio::spawn(handler(job.clone())));
        let outcome = match run.join().await {
            Ok(outcome) => outcome,
            Err(e) if e.is_panic() => {
                tracing::warn!(
                    kind,
                    id = job.id,
                    attempt = job.attempt,
                    "job handler panicked"
                );
                Err(JobError::Transient("the handler panicked".to_owned()))
            }
            Err(_) => Err(JobError::Transient("the handler was cancelled".to_owned())),
        };
        drop(heartbeat);
        let jobs = self.store.jobs();
        let finished = match &outcome {
            Ok(()) => self
                .completions
                .complete(&self.store, &job)
                .await
                .map(|ok| ok.then_some(JobState::Done)),
            Err(JobError::Permanent(message)) => jobs.fail(&job, message, Retry::Never).await,
            Err(JobError::Transient(message)) => {
                let delay = backoff(
                    self.config.backoff_base,
                    self.config.backoff_cap,
                    job.attempt,
                    rand::random::<f64>(),
                );
                let run_at_us = now_us().saturating_add(micros(delay));
                jobs.fail(&job, message, Retry::At { run_at_us }).await
            }
            Err(JobError::RetryAfter(message, delay)) => {
                let run_at_us = now_us().saturating_add(micros(*delay));
                jobs.fail(&job, message, Retry::At { run_at_us }).await
            }
        };
        let error = outcome.as_ref().err().map(ToString::to_string);
        let label = match finished {
            Ok(Some(JobState::Done)) => "done",
            Ok(Some(JobState::Dead)) => {
                tracing::warn!(
                    kind,
                    id = job.id,
                    attempt = job.attempt,
                    error = error.as_deref().unwrap_or_default(),
                    "job is dead"
                );
                "dead"
            }
            Ok(Some(_)) => {
                tracing::info!(
                    kind,
                    id = job.id,
                    attempt = job.attempt,
                    error = error.as_deref().unwrap_or_default(),
                    "job failed; retrying later"
                );
                "retry"
            }
            Ok(None) => {
                tracing::warn!(
                    kind,
                    id = job.id,
                    "job's lease was lost before it finished; another runner has it"
                );
                "lease_lost"
            }
            Err(e) => {
                tracing::warn!(kind, id = job.id, error = %e, "cannot record a job's outcome; its lease will run out and it runs again");
                "error"
            }
        };
        self.metrics.run(kind, label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let (base, cap) = (Duration::from_secs(2), Duration::from_secs(3600));
        assert_eq!(backoff(base, cap, 1, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(base, cap, 2, 0.5), Duration::from_secs(4));
        assert_eq!(backoff(base, cap, 4, 0.5), Duration::from_secs(16));
        assert_eq!(backoff(base, cap, 1, 0.0), Duration::from_millis(1500));
        let top = backoff(base, cap, 1, 0.999_999_9);
        assert!(top > Duration::from_millis(2499) && top <= Duration::from_millis(2500));
        for attempt in [12, 13, 40, u32::MAX] {
            for jitter in [0.0, 0.5, 0.9999] {
                let d = backoff(base, cap, attempt, jitter);
                assert!(
                    d >= cap.mul_f64(0.75) && d <= cap,
                    "{attempt} {jitter} {d:?}"
                );
            }
        }
        // No overflow however large the cap.
        assert!(backoff(Duration::MAX, Duration::MAX, 9, 0.99) <= Duration::MAX);
        assert_eq!(backoff(Duration::ZERO, cap, 5, 0.3), Duration::ZERO);
    }

    #[test]
    fn default_config() {
        let c = RunnerConfig::default();
        assert_eq!(c.poll_interval, Duration::from_secs(1));
        assert_eq!(c.lease, Duration::from_secs(60));
        assert!(c.heartbeat);
        assert_eq!(c.concurrency, 2);
        assert_eq!(c.backoff_base, Duration::from_secs(2));
        assert_eq!(c.backoff_cap, Duration::from_secs(3600));
        assert_eq!(c.done_retention, Duration::from_secs(7 * 86_400));
    }

    #[test]
    fn runner_and_notifier_are_send() {
        fn send<T: Send + 'static>() {}
        send::<Runner>();
        send::<Notifier>();
        fn sync<T: Sync>() {}
        sync::<Notifier>();
    }
}
