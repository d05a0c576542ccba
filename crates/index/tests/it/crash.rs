//! A process killed at any step of a build or publish leaves the previous
//! manifest and every query intact, and the next writer removes whatever it
//! left behind. The test re-runs its own binary as the child that crashes
//! (`LEKRADAR_FAILPOINT` aborts it at the named step, like `kill -9`).

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

use lekradar_index::{failpoint, IndexReader, IndexWriter, Transaction, MIN_MEMORY};

use crate::{files, key, publish_breach};

const CHILD_DIR_VAR: &str = "LEKRADAR_CRASH_TEST_DIR";
const NEW_ENTRIES: u64 = 120_000;

/// The change the child publishes: a new breach built in small memory (so
/// it spills runs) and, in the same transaction, the retirement of "Old2".
fn publish_change(dir: &Path) {
    let mut writer = IndexWriter::open(dir).unwrap();
    let mut builder = writer.segment_builder(MIN_MEMORY).unwrap();
    for i in 0..NEW_ENTRIES {
        builder.push(key("New", i), 1).unwrap();
    }
    let (segments, stats) = builder.finish().unwrap();
    assert!(stats.runs >= 2);
    let mut tx = Transaction::new();
    tx.set_metadata("New", b"new".to_vec())
        .add_segments("New", segments)
        .retire("Old2");
    writer.commit(tx).unwrap();
}

/// Entry point of the child process; does nothing in a normal test run.
#[test]
fn crash_child_process() {
    if let Ok(dir) = std::env::var(CHILD_DIR_VAR) {
        publish_change(Path::new(&dir));
    }
}

fn assert_old_state(dir: &Path) {
    let snap = IndexReader::open(dir).unwrap().snapshot();
    assert_eq!(snap.generation(), 2);
    for i in (0..5000).step_by(7) {
        assert_eq!(snap.lookup(&key("Old1", i)).len(), 1);
        assert_eq!(snap.lookup(&key("Old2", i)).len(), 1);
    }
    assert!(snap.lookup(&key("New", 3)).is_empty());
}

fn assert_new_state(dir: &Path) {
    let snap = IndexReader::open(dir).unwrap().snapshot();
    for i in (0..5000).step_by(7) {
        assert_eq!(snap.lookup(&key("Old1", i)).len(), 1);
        assert!(snap.lookup(&key("Old2", i)).is_empty());
    }
    for i in (0..NEW_ENTRIES).step_by(101) {
        assert_eq!(snap.lookup(&key("New", i)).len(), 1);
    }
}

/// Only the manifest, the lock and the files the manifest names remain.
fn assert_no_garbage(dir: &Path) {
    let writer = IndexWriter::open(dir).unwrap();
    let mut expected: Vec<String> = writer.manifest().files().map(String::from).collect();
    expected.extend([".lock".to_string(), "MANIFEST".to_string()]);
    expected.sort();
    assert_eq!(files(dir), expected);
}

#[test]
fn killed_at_every_step_the_previous_state_survives() {
    for point in failpoint::ALL {
        let dir = tempfile::tempdir().unwrap();
        publish_breach(dir.path(), "Old1", 5000, MIN_MEMORY);
        publish_breach(dir.path(), "Old2", 5000, MIN_MEMORY);

        let status = Command::new(std::env::current_exe().unwrap())
            .args(["crash::crash_child_process", "--exact", "--nocapture"])
            .env(CHILD_DIR_VAR, dir.path())
            .env("LEKRADAR_FAILPOINT", point)
            .output()
            .unwrap()
            .status;
        // SIGABRT (6) from the crash point; a panic or a clean exit would
        // mean the point was never reached.
        assert_eq!(
            status.signal(),
            Some(6),
            "the child must have died at {point}: {status}"
        );

        // A reader right after the crash sees one whole manifest: the old one
        // up to the rename, the new one from then on.
        let published = matches!(*point, "publish:after-rename" | "publish:during-gc");
        if published {
            assert_new_state(dir.path());
        } else {
            assert_old_state(dir.path());
            assert!(
                files(dir.path())
                    .iter()
                    .any(|f| f.starts_with("seg-") || f.starts_with("run-")),
                "{point}: the crash should have left unpublished files to clean"
            );
        }
        // The next writer cleans up, and the change can be made again.
        assert_no_garbage(dir.path());
        if !published {
            publish_change(dir.path());
        }
        assert_new_state(dir.path());
        assert_no_garbage(dir.path());
    }
}
