//! The runner against real stores: SQLite in a temporary directory and
//! PostgreSQL (`TEST_DATABASE_URL`, a fresh schema per test; without it the
//! PostgreSQL tests fail, they are never skipped).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lekradar_jobs::{JobError, RunLabels, Runner, RunnerConfig, RunnerMetrics};
use lekradar_store::{JobState, NewJob, Store};
use prometheus_client::registry::Registry;
use tokio::time::Instant;

fn fast() -> RunnerConfig {
    RunnerConfig {
        poll_interval: Duration::from_millis(20),
        lease: Duration::from_secs(5),
        concurrency: 4,
        backoff_base: Duration::from_millis(1),
        backoff_cap: Duration::from_millis(5),
        metrics_interval: Duration::from_millis(50),
        ..RunnerConfig::default()
    }
}

async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("store.sqlite3").display());
    (Store::open(&url).await.unwrap(), dir)
}

/// Runs `body` with the URL of a fresh PostgreSQL schema, then drops the
/// schema (also when the body panics) and passes the panic on.
async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (schema, url) = lekradar_testkit::postgres_fresh_schema("jobs_test").await;
    let outcome = tokio::spawn(body(url)).await;
    let base = lekradar_testkit::postgres_base_url();
    let (client, connection) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .unwrap();
    let task = tokio::spawn(connection);
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
    drop(client);
    let _ = task.await;
    if let Err(err) = outcome {
        match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => panic!("test task failed: {err}"),
        }
    }
}

async fn open(url: &str) -> Store {
    Store::open(url).await.unwrap()
}

/// How many runs of `kind` ended with `outcome` in this runner.
fn runs(metrics: &RunnerMetrics, kind: &str, outcome: &'static str) -> u64 {
    metrics
        .runs
        .get_or_create(&RunLabels {
            kind: kind.to_owned(),
            outcome,
        })
        .get()
}

fn encode(registry: &Registry) -> String {
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, registry).unwrap();
    text
}

/// Enqueues a job of `kind` with an empty payload; its id.
async fn enqueue(store: &Store, kind: &str) -> i64 {
    store
        .jobs()
        .enqueue(NewJob::new(kind, vec![]))
        .await
        .unwrap()
        .expect("a job without a dedup key is always enqueued")
}

async fn state_of(store: &Store, id: i64) -> (JobState, u32) {
    let jobs = store.jobs().list(None, 1000).await.unwrap();
    let job = jobs.iter().find(|j| j.id == id).unwrap();
    (job.state, job.attempts)
}

/// Transient failures are retried with backoff until the handler succeeds;
/// a permanent one is dead at once; too many attempts are dead too.
async fn outcomes(store: Store) {
    let mut runner = Runner::new(store.clone(), fast());
    let calls = Arc::new(Mutex::new(0u32));
    let seen = Arc::clone(&calls);
    runner.handle("flaky", move |_job| {
        let seen = Arc::clone(&seen);
        Box::pin(async move {
            let mut n = seen.lock().unwrap();
            *n += 1;
            if *n < 3 {
                Err(JobError::Transient("the server did not answer".into()))
            } else {
                Ok(())
            }
        })
    });
    runner.handle("refused", |_job| {
        Box::pin(async { Err(JobError::Permanent("the address was refused".into())) })
    });
    runner.handle("hopeless", |_job| {
        Box::pin(async { Err(JobError::Transient("still down".into())) })
    });
    let mut registry = Registry::with_prefix("lekradar");
    runner.register_metrics(&mut registry);
    let jobs = store.jobs();
    let flaky = jobs
        .enqueue(NewJob::new("flaky", vec![1]))
        .await
        .unwrap()
        .unwrap();
    let refused = jobs
        .enqueue(NewJob::new("refused", vec![]))
        .await
        .unwrap()
        .unwrap();
    let hopeless = jobs
        .enqueue(NewJob::new("hopeless", vec![]).max_attempts(2))
        .await
        .unwrap()
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let all = [
            state_of(&store, flaky).await,
            state_of(&store, refused).await,
            state_of(&store, hopeless).await,
        ];
        if all
            == [
                (JobState::Done, 3),
                (JobState::Dead, 1),
                (JobState::Dead, 2),
            ]
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs did not settle: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The gauges follow the store.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let text = encode(&registry);
    for line in [
        "lekradar_jobs{kind=\"refused\",state=\"dead\"} 1",
        "lekradar_jobs{kind=\"hopeless\",state=\"dead\"} 1",
        "lekradar_jobs{kind=\"flaky\",state=\"done\"} 1",
        "lekradar_jobs{kind=\"flaky\",state=\"dead\"} 0",
        "lekradar_job_runs_total{kind=\"flaky\",outcome=\"retry\"} 2",
        "lekradar_job_runs_total{kind=\"flaky\",outcome=\"done\"} 1",
        "lekradar_job_runs_total{kind=\"refused\",outcome=\"dead\"} 1",
        "lekradar_job_runs_total{kind=\"hopeless\",outcome=\"retry\"} 1",
        "lekradar_job_runs_total{kind=\"hopeless\",outcome=\"dead\"} 1",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
    // The error is kept for the operator; a dead job can be retried.
    let dead = store.jobs().list(Some(JobState::Dead), 10).await.unwrap();
    assert!(dead
        .iter()
        .any(|j| j.id == refused && j.last_error.as_deref() == Some("the address was refused")));
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the runner stops promptly")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_on_sqlite() {
    let (store, _dir) = sqlite().await;
    outcomes(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_on_postgres() {
    on_postgres(|url| async move { outcomes(open(&url).await).await }).await;
}

/// Two runners on two connections to one store share 300 jobs: each runs
/// exactly once.
async fn shared_queue(first: Store, second: Store) {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let mut runners = Vec::new();
    for store in [first.clone(), second] {
        let mut runner = Runner::new(store, fast());
        let ran = Arc::clone(&ran);
        runner.handle("count", move |job| {
            let ran = Arc::clone(&ran);
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(1)).await;
                ran.lock().unwrap().push(job.payload.clone());
                Ok(())
            })
        });
        runners.push(runner);
    }
    for i in 0..300u32 {
        first
            .jobs()
            .enqueue(NewJob::new("count", i.to_le_bytes().to_vec()))
            .await
            .unwrap();
    }
    let (stop, _) = tokio::sync::watch::channel(false);
    let tasks: Vec<_> = runners
        .into_iter()
        .map(|r| {
            let mut rx = stop.subscribe();
            tokio::spawn(r.run(async move {
                let _ = rx.wait_for(|s| *s).await;
            }))
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while ran.lock().unwrap().len() < 300 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs did not all run"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Give a double run the time to show.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(true).unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let mut ran = ran.lock().unwrap().clone();
    ran.sort();
    let mut want: Vec<Vec<u8>> = (0..300u32).map(|i| i.to_le_bytes().to_vec()).collect();
    want.sort();
    assert_eq!(ran, want, "every job exactly once");
    let counts = first.jobs().counts().await.unwrap();
    assert!(
        counts.contains(&("count".to_owned(), JobState::Done, 300)),
        "{counts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runners_share_a_postgres_queue() {
    on_postgres(|url| async move { shared_queue(open(&url).await, open(&url).await).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runners_share_a_sqlite_queue() {
    let (first, dir) = sqlite().await;
    let url = format!("sqlite:{}", dir.path().join("store.sqlite3").display());
    let second = Store::open(&url).await.unwrap();
    shared_queue(first, second).await;
}

/// A cluster-wide task runs once per period however many runners tick it,
/// never twice for one period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_tasks_run_once_per_period() {
    on_postgres(|url| async move {
        let first = open(&url).await;
        let slots = Arc::new(Mutex::new(Vec::new()));
        let period = Duration::from_millis(200);
        let (stop, _) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::new();
        for store in [first.clone(), open(&url).await] {
            let mut runner = Runner::new(store, fast());
            let slots = Arc::clone(&slots);
            runner.every_in_cluster("tick", period, move || {
                let slots = Arc::clone(&slots);
                Box::pin(async move {
                    // Enqueued in the middle of its slot, run at once.
                    let slot = lekradar_store::jobs::now_us() / 200_000;
                    slots.lock().unwrap().push(slot);
                    Ok(())
                })
            });
            let mut rx = stop.subscribe();
            tasks.push(tokio::spawn(runner.run(async move {
                let _ = rx.wait_for(|s| *s).await;
            })));
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
        stop.send(true).unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        let jobs = first.jobs().list(None, 1000).await.unwrap();
        let ticks: Vec<_> = jobs.iter().filter(|j| j.kind == "tick").collect();
        let runs = slots.lock().unwrap().len();
        // About five periods in 1.1 s, each enqueued once by two runners.
        assert!((4..=6).contains(&ticks.len()), "{} tick jobs", ticks.len());
        assert_eq!(
            runs,
            ticks.iter().filter(|j| j.state == JobState::Done).count()
        );
        assert!(runs >= 4, "ran {runs} times");
        // The slot of each run: when its job was enqueued, in the middle of
        // the slot (the time it ran may be a slot later on a loaded machine).
        let mut slots: Vec<i64> = ticks
            .iter()
            .filter(|j| j.state == JobState::Done)
            .map(|j| j.created_at_us / 200_000)
            .collect();
        slots.sort();
        slots.dedup();
        assert_eq!(slots.len(), runs, "a period ran twice");
        // One after the other, none skipped.
        assert_eq!(
            slots.last().unwrap() - slots[0] + 1,
            runs as i64,
            "{slots:?}"
        );
    })
    .await;
}

/// A worker that died holding a job loses it when its lease runs out: the
/// next claim takes it over, and the dead worker's claim can no longer
/// finish it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lease_is_taken_over() {
    let (store, _dir) = sqlite().await;
    let mut runner = Runner::new(store.clone(), fast());
    runner.handle("work", |_job| Box::pin(async { Ok(()) }));
    let id = enqueue(&store, "work").await;
    // Another worker claims it with a short lease, then dies.
    let stale = store
        .jobs()
        .claim(&["work".to_owned()], Duration::from_millis(1))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(runner.drain().await.unwrap(), 1);
    assert_eq!(state_of(&store, id).await, (JobState::Done, 2));
    assert!(!store.jobs().complete(&stale).await.unwrap());
    assert_eq!(
        store
            .jobs()
            .fail(&stale, "late", lekradar_store::Retry::Never)
            .await
            .unwrap(),
        None
    );
}

/// A runner whose claim was lost before it finished counts `lease_lost`
/// and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_claim_is_counted() {
    let (store, _dir) = sqlite().await;
    let mut runner = Runner::new(store.clone(), fast());
    let other = store.clone();
    runner.handle("work", move |job| {
        let other = other.clone();
        Box::pin(async move {
            // Someone else finishes the job meanwhile (as a runner that
            // took over an expired lease would).
            assert!(other.jobs().complete(&job).await.unwrap());
            Ok(())
        })
    });
    let mut registry = Registry::with_prefix("lekradar");
    runner.register_metrics(&mut registry);
    store
        .jobs()
        .enqueue(NewJob::new("work", vec![]))
        .await
        .unwrap();
    assert_eq!(runner.drain().await.unwrap(), 1);
    let text = encode(&registry);
    assert!(
        text.contains("lekradar_job_runs_total{kind=\"work\",outcome=\"lease_lost\"} 1"),
        "{text}"
    );
}

/// `run` returns promptly after shutdown, letting the job in flight finish
/// and claiming no other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_job_in_flight() {
    let (store, _dir) = sqlite().await;
    let config = RunnerConfig {
        concurrency: 1,
        ..fast()
    };
    let mut runner = Runner::new(store.clone(), config);
    let (started_tx, started) = tokio::sync::oneshot::channel::<()>();
    let started_tx = Arc::new(Mutex::new(Some(started_tx)));
    runner.handle("long", move |_job| {
        let started_tx = Arc::clone(&started_tx);
        Box::pin(async move {
            if let Some(tx) = started_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(())
        })
    });
    let mut ids = Vec::new();
    for _ in 0..2 {
        let job = NewJob::new("long", vec![]);
        ids.push(store.jobs().enqueue(job).await.unwrap().unwrap());
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));
    started.await.unwrap();
    let stopping = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), running)
        .await
        .expect("run returns after its job")
        .unwrap();
    assert!(
        stopping.elapsed() < Duration::from_secs(1),
        "run took {:?} to stop",
        stopping.elapsed()
    );
    assert_eq!(state_of(&store, ids[0]).await, (JobState::Done, 1));
    assert_eq!(state_of(&store, ids[1]).await, (JobState::Queued, 0));
}

/// A job still running a lease after shutdown is stopped: `run` returns,
/// the job's heartbeat stops with it, and once its lease runs out another
/// runner takes it over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_a_job_that_outlives_the_lease() {
    let (store, _dir) = sqlite().await;
    let config = RunnerConfig {
        lease: Duration::from_millis(300),
        ..fast()
    };
    let calls = Arc::new(AtomicU32::new(0));
    let first_finished = Arc::new(AtomicBool::new(false));
    let (started_tx, started) = tokio::sync::oneshot::channel::<()>();
    let started_tx = Arc::new(Mutex::new(Some(started_tx)));
    let handler = {
        let (calls, first_finished) = (Arc::clone(&calls), Arc::clone(&first_finished));
        move |_job| {
            let (calls, first_finished) = (Arc::clone(&calls), Arc::clone(&first_finished));
            let started_tx = Arc::clone(&started_tx);
            Box::pin(async move {
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    if let Some(tx) = started_tx.lock().unwrap().take() {
                        let _ = tx.send(());
                    }
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    first_finished.store(true, Ordering::SeqCst);
                }
                Ok(())
            }) as lekradar_jobs::BoxFuture<'static, Result<(), JobError>>
        }
    };
    let mut runner = Runner::new(store.clone(), config.clone());
    runner.handle("stuck", handler.clone());
    let id = enqueue(&store, "stuck").await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));
    started.await.unwrap();
    // Longer than a lease: the heartbeat holds the job meanwhile.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(state_of(&store, id).await, (JobState::Running, 1));
    let stopping = Instant::now();
    stop.send(()).unwrap();
    running.await.unwrap();
    let took = stopping.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(2),
        "run waited {took:?} for a lease of 300 ms"
    );
    assert_eq!(state_of(&store, id).await, (JobState::Running, 1));
    // The lease (last extended at most 300 ms before) runs out.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut next = Runner::new(store.clone(), config);
    next.handle("stuck", handler);
    assert_eq!(next.drain().await.unwrap(), 1);
    assert_eq!(state_of(&store, id).await, (JobState::Done, 2));
    assert!(
        !first_finished.load(Ordering::SeqCst),
        "the stopped handler ran on"
    );
}

/// Local periodic tasks run on their own period, and a failing run is
/// counted and does not stop the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periodic_tasks_keep_their_schedule() {
    let (store, _dir) = sqlite().await;
    let mut runner = Runner::new(store, fast());
    let runs = Arc::new(Mutex::new(0u32));
    let seen = Arc::clone(&runs);
    runner.every("tick", Duration::from_millis(20), move || {
        let seen = Arc::clone(&seen);
        Box::pin(async move {
            let mut n = seen.lock().unwrap();
            *n += 1;
            if n.is_multiple_of(2) {
                Err("every other run fails".to_owned())
            } else {
                Ok(())
            }
        })
    });
    runner.every("boom", Duration::from_millis(20), || {
        Box::pin(async { panic!("a task that panics") })
    });
    let mut registry = Registry::with_prefix("lekradar");
    runner.register_metrics(&mut registry);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let running = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));
    // Until the panicking task has failed three times: a panic's backtrace
    // (RUST_BACKTRACE) can take longer to print than many periods.
    let boom_failed = "lekradar_periodic_runs_total{task=\"boom\",outcome=\"error\"}";
    let deadline = started + Duration::from_secs(30);
    while !encode(&registry)
        .lines()
        .filter_map(|l| l.strip_prefix(boom_failed))
        .any(|v| v.trim().parse::<u64>().is_ok_and(|n| n >= 3))
    {
        assert!(
            Instant::now() < deadline,
            "the panicking task stopped running"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.send(()).unwrap();
    running.await.unwrap();
    let elapsed = started.elapsed();
    let n = *runs.lock().unwrap();
    // On its period: not sooner (one run per 20 ms at most), and the
    // failing runs did not stop it.
    let most = u32::try_from(elapsed.as_millis() / 20).unwrap() + 1;
    assert!((3..=most).contains(&n), "{n} runs in {elapsed:?} at 20 ms");
    let text = encode(&registry);
    assert!(
        sample(
            &text,
            "lekradar_periodic_runs_total{task=\"tick\",outcome=\"error\"}"
        ) >= 1
    );
    assert!(
        sample(
            &text,
            "lekradar_periodic_runs_total{task=\"tick\",outcome=\"ok\"}"
        ) >= 2
    );
    // A panicking task fails each run and keeps its schedule.
    assert!(sample(&text, boom_failed) >= 3, "{text}");
}

/// The value of the sample `series` in `text`.
fn sample(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{series} missing from\n{text}"))
}

/// A job whose lease runs out while its handler still runs (no heartbeat)
/// is claimed and finished by another runner; the first one's completion
/// changes nothing and is counted as `lease_lost`.
async fn lease_runs_out(first: Store, second: Store) {
    let calls = Arc::new(AtomicU32::new(0));
    let handler = move |_job| {
        let calls = Arc::clone(&calls);
        Box::pin(async move {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_millis(600)).await;
            }
            Ok(())
        }) as lekradar_jobs::BoxFuture<'static, Result<(), JobError>>
    };
    let mut slow = Runner::new(
        first.clone(),
        RunnerConfig {
            lease: Duration::from_millis(200),
            heartbeat: false,
            ..fast()
        },
    );
    slow.handle("work", handler.clone());
    let mut other = Runner::new(second, fast());
    other.handle("work", handler);
    let id = enqueue(&first, "work").await;
    let slow_metrics = slow.metrics().clone();
    let slow = tokio::spawn(async move { slow.drain().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(
        other.drain().await.unwrap(),
        1,
        "the expired job is taken over"
    );
    assert_eq!(state_of(&first, id).await, (JobState::Done, 2));
    assert_eq!(slow.await.unwrap(), 1);
    assert_eq!(state_of(&first, id).await, (JobState::Done, 2));
    assert_eq!(runs(&slow_metrics, "work", "lease_lost"), 1);
    assert_eq!(runs(&slow_metrics, "work", "done"), 0);
    assert_eq!(runs(other.metrics(), "work", "done"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_that_runs_out_is_taken_over_on_sqlite() {
    let (store, _dir) = sqlite().await;
    lease_runs_out(store.clone(), store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_that_runs_out_is_taken_over_on_postgres() {
    on_postgres(|url| async move { lease_runs_out(open(&url).await, open(&url).await).await })
        .await;
}

/// The heartbeat keeps a job that runs longer than its lease: nobody else
/// can claim it meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heartbeat_keeps_a_long_job() {
    let (store, _dir) = sqlite().await;
    let mut runner = Runner::new(
        store.clone(),
        RunnerConfig {
            lease: Duration::from_millis(150),
            ..fast()
        },
    );
    runner.handle("long", |_job| {
        Box::pin(async {
            tokio::time::sleep(Duration::from_millis(600)).await;
            Ok(())
        })
    });
    let id = enqueue(&store, "long").await;
    let metrics = runner.metrics().clone();
    let running = tokio::spawn(async move { runner.drain().await.unwrap() });
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let claimed = store
            .jobs()
            .claim(&["long".to_owned()], Duration::from_secs(1))
            .await
            .unwrap();
        assert!(claimed.is_none(), "claimed a job whose lease is kept");
    }
    assert_eq!(running.await.unwrap(), 1);
    assert_eq!(state_of(&store, id).await, (JobState::Done, 1));
    assert_eq!(runs(&metrics, "long", "done"), 1);
}

/// A handler that panics fails its attempt (retried with backoff) instead
/// of holding its job; `drain` goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_is_retried() {
    let (store, _dir) = sqlite().await;
    // A backoff long enough to see the job queued again in between.
    let config = RunnerConfig {
        backoff_base: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(100),
        ..fast()
    };
    let mut runner = Runner::new(store.clone(), config);
    let calls = Arc::new(AtomicU32::new(0));
    let seen = Arc::clone(&calls);
    runner.handle("fragile", move |_job| {
        let seen = Arc::clone(&seen);
        Box::pin(async move {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("a handler bug");
            }
            Ok(())
        })
    });
    let id = enqueue(&store, "fragile").await;
    assert_eq!(runner.drain().await.unwrap(), 1);
    let failed = store.jobs().list(None, 10).await.unwrap();
    let failed = failed.iter().find(|j| j.id == id).unwrap();
    assert_eq!((failed.state, failed.attempts), (JobState::Queued, 1));
    assert_eq!(failed.last_error.as_deref(), Some("the handler panicked"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while state_of(&store, id).await.0 != JobState::Done {
        assert!(Instant::now() < deadline, "the job was not retried");
        tokio::time::sleep(Duration::from_millis(10)).await;
        runner.drain().await.unwrap();
    }
    assert_eq!(state_of(&store, id).await, (JobState::Done, 2));
    assert_eq!(runs(runner.metrics(), "fragile", "retry"), 1);
    assert_eq!(runs(runner.metrics(), "fragile", "done"), 1);
}

/// The notifier wakes the claim loop at once, long before its next poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notifier_wakes_the_runner() {
    let (store, _dir) = sqlite().await;
    let mut runner = Runner::new(
        store.clone(),
        RunnerConfig {
            poll_interval: Duration::from_secs(30),
            ..fast()
        },
    );
    runner.handle("mail", |_job| Box::pin(async { Ok(()) }));
    let notifier = runner.notifier();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));
    // The runner found nothing and waits for its next poll.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let id = enqueue(&store, "mail").await;
    notifier.notify();
    let deadline = Instant::now() + Duration::from_secs(2);
    while state_of(&store, id).await.0 != JobState::Done {
        assert!(
            Instant::now() < deadline,
            "the notified runner did not run the job"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.send(()).unwrap();
    running.await.unwrap();
}

/// A handler that names its delay (a protocol's retry schedule) is queued
/// again for then, not by the runner's backoff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_can_choose_its_retry_delay() {
    let (store, _dir) = sqlite().await;
    let mut runner = Runner::new(store.clone(), fast());
    runner.handle("scheduled", move |job| {
        Box::pin(async move {
            Err(JobError::RetryAfter(
                "HTTP 503".into(),
                Duration::from_secs(60 * u64::from(job.attempt)),
            ))
        })
    });
    let id = enqueue(&store, "scheduled").await;
    let before = lekradar_store::jobs::now_us();
    assert_eq!(runner.drain().await.unwrap(), 1);
    let jobs = store.jobs().list(None, 10).await.unwrap();
    let job = jobs.iter().find(|j| j.id == id).unwrap();
    assert_eq!((job.state, job.attempts), (JobState::Queued, 1));
    assert_eq!(job.last_error.as_deref(), Some("HTTP 503"));
    // 60 s after the attempt (the fast config's backoff is 5 ms at most).
    let delay = job.run_at_us - before;
    assert!(
        (59_000_000..62_000_000).contains(&delay),
        "queued again {delay} µs later"
    );
    // Not due yet: nothing runs.
    assert_eq!(runner.drain().await.unwrap(), 0);
}

/// A job enqueued through the store — by a transaction elsewhere in the
/// process, or by a handler as its follow-up — wakes the runner at once,
/// long before its next poll; a job queued for later does not.
async fn enqueued_jobs_wake_the_runner(store: Store) {
    let mut runner = Runner::new(
        store.clone(),
        RunnerConfig {
            poll_interval: Duration::from_secs(30),
            ..fast()
        },
    );
    let follow_up = store.clone();
    runner.handle("first", move |_job| {
        let store = follow_up.clone();
        Box::pin(async move {
            store
                .jobs()
                .enqueue(NewJob::new("second", Vec::new()))
                .await
                .map_err(|e| JobError::Transient(e.to_string()))?;
            Ok(())
        })
    });
    runner.handle("second", |_job| Box::pin(async { Ok(()) }));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));
    // The runner found nothing and waits for its next poll.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let id = store
        .transaction(|c| {
            Box::pin(async move {
                let id =
                    lekradar_store::jobs::enqueue(c, &NewJob::new("first", Vec::new())).await?;
                Ok(id.expect("a new job"))
            })
        })
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let jobs = store.jobs().list(None, 10).await.unwrap();
        let done = |kind: &str| {
            jobs.iter()
                .any(|j| j.kind == kind && j.state == JobState::Done)
        };
        if done("first") && done("second") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the runner was not woken by what was enqueued: {jobs:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state_of(&store, id).await, (JobState::Done, 1));
    stop.send(()).unwrap();
    running.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueued_jobs_wake_the_runner_on_sqlite() {
    let (store, _dir) = sqlite().await;
    enqueued_jobs_wake_the_runner(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueued_jobs_wake_the_runner_on_postgres() {
    on_postgres(|url| async move { enqueued_jobs_wake_the_runner(open(&url).await).await }).await;
}
