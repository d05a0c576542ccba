//! The outbox under faults, with the real SMTP server: thousands of queued
//! mails survive the SMTP server going away for a while, refusing with
//! 4xx, dropping connections in the middle of DATA, and the worker being
//! SIGKILLed at random moments. Afterwards every message has arrived, none
//! is dead, and a duplicate (the same Message-ID twice) appears only for a
//! send cut between the server's acceptance and the outbox's mark: at most
//! the sends in flight at each kill. The counts are printed.

use crate::support;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lekradar_messages::outbox::{self, message_id};
use lekradar_messages::{ContactKey, OutgoingMail};
use lekradar_store::{JobState, Store};
use lekradar_testkit::services::{SmtpSink, SmtpSinkOptions};
use rand::Rng;

const MESSAGES: usize = 2000;
const CONCURRENCY: usize = 8;

fn worker(data: &Path, smtp_port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(data)
        .args(["worker", "--mail-from", "Lekradar <alerts@lekradar.test>"])
        .args(["--public-url", "https://lekradar.test"])
        .args(["--smtp-url", &format!("smtp://127.0.0.1:{smtp_port}")])
        .args(["--worker-concurrency", &CONCURRENCY.to_string()])
        .args(["--job-lease", "2s", "--job-retry-base", "100ms"])
        // On a loaded machine a short lease can lapse mid-send and count
        // as an attempt; doubling from 100 ms would then put a job's next
        // attempt past the test's wait. What is tested is that every mail
        // arrives, not the backoff schedule (crates/jobs tests that).
        .args(["--job-retry-cap", "2s"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn message_ids(messages: &[Vec<u8>]) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    for m in messages {
        let text = String::from_utf8_lossy(m);
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap_or_else(|| panic!("no Message-ID in {text}"))
            .trim()
            .to_owned();
        *ids.entry(id).or_insert(0) += 1;
    }
    ids
}

async fn outbox_states(store: &Store) -> HashMap<JobState, u64> {
    let mut states = HashMap::new();
    for (kind, state, n) in store.jobs().counts().await.unwrap() {
        if kind == outbox::MAIL {
            *states.entry(state).or_insert(0) += n;
        }
    }
    states
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_queued_mail_arrives_through_outages_refusals_drops_and_kills() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let key = ContactKey::load_or_create(&data.join("mail.key")).unwrap();
    let store = Store::open(&format!(
        "sqlite:{}",
        data.join("lekradar.sqlite3").display()
    ))
    .await
    .unwrap();
    // Thousands of messages, enqueued as events enqueue them.
    let key2 = key.clone();
    store
        .transaction(move |c| {
            Box::pin(async move {
                for i in 0..MESSAGES {
                    let to = format!("person{i}@example.org");
                    let mail = OutgoingMail {
                        subject: format!("Message {i}"),
                        text: "A message from the fault test.\n".repeat(20),
                        html: "<p>A message from the fault test.</p>".repeat(20),
                        message_id: message_id(&key2, &to, "fault-test"),
                        unsubscribe: None,
                        to,
                    };
                    assert!(outbox::enqueue_mail(c, &key2, &mail).await?);
                }
                Ok(())
            })
        })
        .await
        .unwrap();

    // The SMTP server refuses its first 40 mails with 451, and drops the
    // connection in the middle of every 101st DATA.
    let faults = SmtpSinkOptions {
        tempfail_first: 40,
        drop_every: 101,
        ..SmtpSinkOptions::default()
    };
    let mut sink = SmtpSink::start(faults.clone());
    let port = sink.port();
    let mut rng = rand::thread_rng();
    let mut kills = 0;
    let mut w = worker(&data, port);
    tokio::time::sleep(Duration::from_millis(800)).await;
    w.kill().unwrap();
    w.wait().unwrap();
    kills += 1;
    // The SMTP server away for a while: the worker keeps retrying.
    sink.stop();
    let mut w = worker(&data, port);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sink.restart_with(faults.clone());
    tokio::time::sleep(Duration::from_millis(400)).await;
    w.kill().unwrap();
    w.wait().unwrap();
    kills += 1;
    // SIGKILL at random moments.
    for _ in 0..3 {
        let mut w = worker(&data, port);
        tokio::time::sleep(Duration::from_millis(rng.gen_range(200..1200))).await;
        w.kill().unwrap();
        w.wait().unwrap();
        kills += 1;
    }
    // Then one worker runs to the end.
    let mut w = worker(&data, port);
    let start = Instant::now();
    loop {
        let states = outbox_states(&store).await;
        let pending = states.get(&JobState::Queued).copied().unwrap_or(0)
            + states.get(&JobState::Running).copied().unwrap_or(0);
        if pending == 0 {
            assert_eq!(
                states.get(&JobState::Dead).copied().unwrap_or(0),
                0,
                "{states:?}"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "still pending: {states:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    w.kill().unwrap();
    w.wait().unwrap();
    let messages = sink.messages();
    let ids = message_ids(&messages);
    let duplicates = messages.len() - ids.len();
    eprintln!(
        "outbox faults: {MESSAGES} queued, {} accepted by the SMTP server, {} distinct, {duplicates} duplicates after {kills} SIGKILLs (concurrency {CONCURRENCY}), 40 refusals with 451, a dropped connection every 101st DATA",
        messages.len(),
        ids.len()
    );
    assert_eq!(ids.len(), MESSAGES, "every message arrives");
    assert!(
        duplicates <= kills * CONCURRENCY,
        "{duplicates} duplicates: more than the sends in flight at {kills} kills"
    );
    // No address in the clear in the data directory.
    let mut files = Vec::new();
    support::all_files(&data, &mut files);
    support::assert_none_in(&files, &["person1@example.org", "person1999@example.org"]);
}
