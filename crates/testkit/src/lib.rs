//! Test support shared by the workspace's tests, so that each helper exists
//! once: the repository root, a free port, a server process stopped when
//! dropped, the examples `lekradar demo` prints, a fresh PostgreSQL schema,
//! fixture breaches keyed with a server key, searching every file for
//! personal data that must not be there, and real mail, DNS and SMS
//! servers on loopback ([`services`]).
//!
//! A dev-dependency only (a test checks that no crate depends on it
//! otherwise); helpers panic with a message, as test code does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Child;

use lekradar_breach::BreachMetadata;
use lekradar_check::filing;
use lekradar_index::{IndexWriter, Transaction};
use lekradar_normalize::{normalize, Region};
use lekradar_prf::ServerKey;

pub mod services;

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A TCP port on loopback that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A child process killed (and reaped) when dropped, so a failing test
/// leaves no server behind.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The example identifiers `lekradar demo` prints (`try IDENTIFIER  (note)`).
pub struct DemoExamples(String);

impl DemoExamples {
    /// From the demo's standard output.
    pub fn parse(stdout: &str) -> DemoExamples {
        DemoExamples(stdout.to_owned())
    }

    /// The first example whose line mentions `note`, an email address or a
    /// phone number.
    pub fn pick(&self, note: &str, email: bool) -> String {
        self.0
            .lines()
            .filter(|l| l.contains(note))
            .filter_map(|l| l.strip_prefix("try "))
            .map(|l| l.split_whitespace().next().unwrap().to_owned())
            .find(|id| id.contains('@') == email)
            .unwrap_or_else(|| panic!("no example {note:?} in {}", self.0))
    }
}

const NO_POSTGRES: &str = "TEST_DATABASE_URL is not set: these tests also run against \
PostgreSQL. Run `scripts/test` (everything), or start the private test server and point the \
tests at it: `export TEST_DATABASE_URL=$(scripts/test-postgres.sh)` from the repository root";

/// The test PostgreSQL's URL (`TEST_DATABASE_URL`); panics with how to get
/// one when it is not set: PostgreSQL tests fail, they are never skipped.
pub fn postgres_base_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect(NO_POSTGRES)
}

/// A new, empty schema in the test PostgreSQL: its name, and a store URL
/// whose `search_path` is that schema.
pub async fn postgres_fresh_schema(prefix: &str) -> (String, String) {
    let base = postgres_base_url();
    let schema = format!("{prefix}_{:016x}", rand::random::<u64>());
    let (client, connection) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!("cannot connect to {base}: {e}; scripts/test-postgres.sh starts it")
        });
    let task = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    drop(client);
    let _ = task.await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    (schema, url)
}

/// A person's record in a fixture breach: the identifier as typed and the
/// data classes of that record.
pub struct Record {
    pub raw: &'static str,
    pub classes: &'static [&'static str],
}

/// Publishes breach `meta` with `records` (phone numbers read in NL) into
/// the index in `dir`, keyed with `key` as `lekradar ingest` keys them.
pub fn publish(dir: &Path, key: &ServerKey, mut meta: BreachMetadata, records: &[Record]) {
    let mut writer = IndexWriter::open(dir).unwrap();
    let mut builder = writer.segment_builder(16 << 20).unwrap();
    for r in records {
        let id = normalize(r.raw, Region::NL).unwrap();
        let mut classes = 0u32;
        for c in r.classes {
            classes |= 1 << meta.class_bit(c).unwrap();
        }
        let (k, pad) = filing(key, &id).unwrap().in_breach(&meta.name);
        builder.push_sealed(k, classes, pad, 0).unwrap();
    }
    let (segments, stats) = builder.finish().unwrap();
    meta.pwn_count = stats.written;
    meta.validate().unwrap();
    let mut tx = Transaction::new();
    tx.set_metadata(&meta.name, meta.encode())
        .add_segments(&meta.name, segments);
    writer.commit(tx).unwrap();
}

/// Copies the directory `from` into `to` (created), recursively; files keep
/// their permission bits (a key file stays 0600).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (recursively), as (path, bytes), appended to `out`.
pub fn all_files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
}

/// Fails if any of `needles` occurs (ASCII case-insensitively) in any of `files`.
pub fn assert_none_in<S: AsRef<str>>(files: &[(String, Vec<u8>)], needles: &[S]) {
    for (path, bytes) in files {
        for needle in needles {
            let needle = needle.as_ref();
            assert!(!needle.is_empty());
            let found = bytes
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            assert!(!found, "{needle} in the clear in {path}");
        }
    }
}
