//! `lekradar worker` and `lekradar jobs` as an operator uses them on a data
//! directory's store: an empty queue, a job run by `worker --once`, a dead
//! job listed with its error and sent round again, a clear error for an id
//! that is not dead, and a worker that runs until stopped.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use lekradar_store::jobs::Retry;
use lekradar_store::{JobState, NewJob, Store};

use crate::support;

use support::lekradar;

/// The periodic job `lekradar worker` handles: forgetting idle shared
/// budgets (`lekradar_service::schedule_cluster_work`).
const KIND: &str = "budgets.forget-idle";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The data directory's own store, as the binary opens it by default.
async fn store(data: &Path) -> Store {
    let url = format!("sqlite:{}", data.join("lekradar.sqlite3").display());
    Store::open(&url).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_listed_run_and_retried_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    // An empty queue.
    assert_eq!(ok(&lekradar(data, &["jobs", "list"])).trim(), "no jobs");
    let once = lekradar(data, &["worker", "--once"]);
    ok(&once);
    assert!(text(&once.stderr).contains("ran 0 job(s)"), "{once:?}");

    // A queued job is run by `worker --once` and listed as done.
    let store_now = store(data).await;
    let done_id = store_now
        .jobs()
        .enqueue(NewJob::new(KIND, Vec::new()))
        .await
        .unwrap()
        .unwrap();
    // One that fails for good: claimed here, failed permanently.
    let dead_id = store_now
        .jobs()
        .enqueue(NewJob::new(KIND, Vec::new()))
        .await
        .unwrap()
        .unwrap();
    let claimed = store_now
        .jobs()
        .claim(&[KIND.to_owned()], Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, done_id, "the oldest job is claimed first");
    // Give the first one back to the queue, due now; fail the second.
    store_now
        .jobs()
        .fail(
            &claimed,
            "store busy",
            Retry::At {
                run_at_us: lekradar_store::jobs::now_us(),
            },
        )
        .await
        .unwrap();
    let second = store_now
        .jobs()
        .claim(&[KIND.to_owned()], Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, dead_id);
    assert_eq!(
        store_now
            .jobs()
            .fail(&second, "refused for good", Retry::Never)
            .await
            .unwrap(),
        Some(JobState::Dead)
    );
    drop(store_now);

    let once = lekradar(data, &["worker", "--once"]);
    ok(&once);
    assert!(text(&once.stderr).contains("ran 1 job(s)"), "{once:?}");
    let done = ok(&lekradar(data, &["jobs", "list", "--state", "done"]));
    assert!(
        done.lines()
            .any(|l| l.trim_start().starts_with(&done_id.to_string()) && l.contains(KIND)),
        "{done}"
    );
    assert!(done.contains("attempts 2/"), "{done}");

    // The dead job, with its error; sent round again and run.
    let dead = ok(&lekradar(data, &["jobs", "list", "--state", "dead"]));
    assert_eq!(dead.lines().count(), 1, "{dead}");
    assert!(dead.contains("last error: refused for good"), "{dead}");
    let retried = ok(&lekradar(data, &["jobs", "retry", &dead_id.to_string()]));
    assert!(retried.contains(&format!("job {dead_id} queued again")));
    assert_eq!(
        ok(&lekradar(data, &["jobs", "list", "--state", "dead"])).trim(),
        "no jobs"
    );
    let once = lekradar(data, &["worker", "--once"]);
    assert!(text(&once.stderr).contains("ran 1 job(s)"), "{once:?}");
    let done = ok(&lekradar(data, &["jobs", "list", "--state", "done"]));
    assert_eq!(done.lines().count(), 2, "{done}");

    // Only a dead job can be retried; anything else is a clear error.
    let wrong = lekradar(data, &["jobs", "retry", &done_id.to_string()]);
    assert!(!wrong.status.success());
    assert!(
        text(&wrong.stderr).contains(&format!("no dead job has the id {done_id}")),
        "{wrong:?}"
    );
}

#[test]
fn a_worker_runs_until_it_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("worker")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Running: it has said so and not exited.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.path().join("lekradar.sqlite3").exists() {
        assert!(Instant::now() < deadline, "the worker opened no store");
        assert!(child.try_wait().unwrap().is_none(), "the worker exited");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "the worker exited");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the worker did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(
        stderr.contains("worker running on store sqlite"),
        "{stderr}"
    );
    assert!(stderr.contains("worker stopped"), "{stderr}");
}
