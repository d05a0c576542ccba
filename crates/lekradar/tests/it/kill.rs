//! `kill -9` at any moment of a real `lekradar ingest` leaves the previously
//! published state intact and queryable, the next writer removes what the
//! killed run left behind, and a re-run completes with the same result as an
//! uncut run.
//!
//! The test builds a data directory with the real binary (a key, breaches A
//! and B, a first dump published into A), measures an uncut ingest of a
//! second dump into B with a 1 MiB memory budget (so it spills sorted run
//! files and merges them), and then SIGKILLs the same ingest, in one data
//! directory one run after the other, at several points: as soon as it holds
//! the writer lock, at fractions of the uncut run's duration, when a spilled
//! run file appears and when a new segment file appears (found by polling the
//! index directory every millisecond). A run that finished before its kill
//! is retried; the run-file and segment points must be hit. After every kill,
//! what a user sees (`breach list`, `breach show`, `lookup`, `index verify`,
//! `index stats`) must be exactly as before it, and the next killed run,
//! once it writes files, must have removed the previous one's leftovers; the
//! final re-run must leave no garbage and publish the same entries and
//! statistics as the uncut run.
#![cfg(target_os = "linux")]

use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use lekradar_index::{IndexReader, Key, Manifest};
use lekradar_testkit::copy_dir;

const SIGKILL: i32 = 9;
/// Rows of the dump that is killed: about 57 000 identifiers, more than
/// the ~49 000 entries a 1 MiB builder holds, so the run spills.
const KILLED_ROWS: &str = "30000";
/// Attempts for a point that must be hit, and for the others.
const TRIES_REQUIRED: usize = 4;
const TRIES_OTHER: usize = 2;

fn lekradar(data: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(out.status.success(), "{args:?} failed: {err}");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The ingest that gets killed, as an operator would type it.
fn ingest_command(data: &Path, dump: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lekradar"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(["ingest", "--breach", "B", "--memory", "1MiB"])
        .arg(dump)
        .env("LEKRADAR_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn manifest(index: &Path) -> Manifest {
    let path = index.join("MANIFEST");
    Manifest::decode(&path, &std::fs::read(&path).unwrap()).unwrap()
}

/// Files a writer must delete: run files, a stale `MANIFEST.tmp`, and
/// segments and metadata the manifest does not name.
fn garbage(index: &Path) -> BTreeSet<String> {
    let manifest = manifest(index);
    let live: BTreeSet<&str> = manifest.files().collect();
    names(index)
        .into_iter()
        .filter(|n| {
            n == "MANIFEST.tmp"
                || (n.starts_with("run-") && n.ends_with(".tmp"))
                || ((n.starts_with("seg-") || n.starts_with("meta-")) && !live.contains(n.as_str()))
        })
        .collect()
}

/// Whether breach B has published segments.
fn b_published(data: &Path) -> bool {
    manifest(&data.join("index"))
        .breach("B")
        .is_some_and(|b| !b.segments.is_empty())
}

/// Whether process `pid` holds the flock on the file with inode `ino`.
fn holds_lock(pid: u32, ino: u64) -> bool {
    let pid = pid.to_string();
    let ino = format!(":{ino}");
    std::fs::read_to_string("/proc/locks")
        .unwrap_or_default()
        .lines()
        .any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            !f.contains(&"->") && f.contains(&pid.as_str()) && f.iter().any(|t| t.ends_with(&ino))
        })
}

/// What a user sees of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Visible {
    list: String,
    show_a: String,
    show_b: String,
    lookups: String,
    verify: String,
    stats: String,
}

impl Visible {
    fn read(data: &Path, ids: &[String]) -> Visible {
        let text = |args: &[&str]| stdout(&lekradar(data, args));
        let mut lookup = vec!["lookup", "--region", "NL"];
        lookup.extend(ids.iter().map(String::as_str));
        Visible {
            list: text(&["breach", "list"]),
            show_a: text(&["breach", "show", "A"]),
            show_b: text(&["breach", "show", "B"]),
            lookups: text(&lookup),
            verify: text(&["index", "verify"]),
            // The first line names the (temporary) directory.
            stats: text(&["index", "stats"])
                .lines()
                .skip(1)
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// Without the timestamps of B's ingest, which differ between runs.
    fn without_ingest_times(&self) -> Visible {
        let mut v = self.clone();
        v.show_b = v
            .show_b
            .lines()
            .filter(|l| !l.starts_with("ModifiedDate = ") && !l.starts_with("Added = "))
            .collect::<Vec<_>>()
            .join("\n");
        v
    }
}

/// Where to kill the ingest.
#[derive(Debug, Clone, Copy)]
enum Point {
    /// Never: the uncut reference run.
    Never,
    /// As soon as the child holds the index writer lock (it has opened the
    /// index, collected garbage and starts reading and keying).
    WriterOpen,
    /// At this fraction of an uncut run's duration.
    Fraction(f64),
    /// When a new spilled run file (`run-*.tmp`) exists.
    RunFile,
    /// When a new segment file (`seg-*.lks`) exists (segment writing).
    Segment,
}

struct Attempt {
    elapsed: Duration,
    /// The child died of our SIGKILL (not of its own accord).
    landed: bool,
    status: ExitStatus,
    stdout: String,
    /// New run and segment files seen when the kill was sent.
    runs_at_kill: usize,
    segments_at_kill: usize,
    first_run: Option<Duration>,
    first_segment: Option<Duration>,
    /// The child created files in the index (so it got past the writer's
    /// garbage collection).
    created: bool,
}

/// Runs the ingest of `dump` into B in `data` and SIGKILLs it at `point`;
/// `uncut` is an uncut run's duration, for [`Point::Fraction`].
fn run_ingest(data: &Path, dump: &Path, point: Point, uncut: Duration) -> Attempt {
    let index = data.join("index");
    let before = names(&index);
    let lock_ino = std::fs::metadata(index.join(".lock")).unwrap().ino();
    let start = Instant::now();
    let mut child = ingest_command(data, dump).spawn().unwrap();
    let pid = child.id();
    let (mut first_run, mut first_segment) = (None, None);
    let (mut runs_at_kill, mut segments_at_kill) = (0, 0);
    let mut created = false;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let new: Vec<String> = names(&index).difference(&before).cloned().collect();
        let runs = new.iter().filter(|n| n.starts_with("run-")).count();
        let segments = new.iter().filter(|n| n.starts_with("seg-")).count();
        created |= !new.is_empty();
        if runs > 0 && first_run.is_none() {
            first_run = Some(start.elapsed());
        }
        if segments > 0 && first_segment.is_none() {
            first_segment = Some(start.elapsed());
        }
        let fire = match point {
            Point::Never => false,
            Point::WriterOpen => holds_lock(pid, lock_ino),
            Point::Fraction(f) => start.elapsed() >= uncut.mul_f64(f),
            Point::RunFile => runs > 0,
            Point::Segment => segments > 0,
        };
        if fire {
            // `Child::kill` sends SIGKILL on unix.
            let _ = child.kill();
            (runs_at_kill, segments_at_kill) = (runs, segments);
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let out = child.wait_with_output().unwrap();
    let elapsed = start.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "ingest panicked: {err}");
    created |= names(&index).difference(&before).next().is_some();
    Attempt {
        elapsed,
        landed: out.status.signal() == Some(SIGKILL),
        status: out.status,
        stdout: stdout(&out),
        runs_at_kill,
        segments_at_kill,
        first_run,
        first_segment,
        created,
    }
}

/// Sample identifiers (canonical) from a dump's truth file.
fn sample_ids(dump: &Path, step: usize) -> Vec<String> {
    let truth = lekradar_gen::Truth::read(&lekradar_gen::truth_path(dump)).unwrap();
    truth
        .rows
        .iter()
        .filter(|r| !r.duplicate)
        .step_by(step)
        .flat_map(|r| r.phones.iter().chain(&r.emails).cloned())
        .collect()
}

/// Every entry of breach B, sorted.
fn entries_of_b(data: &Path) -> Vec<(Key, u32)> {
    let snapshot = IndexReader::open(&data.join("index")).unwrap().snapshot();
    let mut all: Vec<(Key, u32)> = snapshot
        .breach("B")
        .unwrap()
        .segments()
        .iter()
        .flat_map(|s| s.iter().map(|e| (e.key, e.classes)).collect::<Vec<_>>())
        .collect();
    all.sort_unstable();
    all
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// Everything the kill checks compare against.
struct Reference {
    base: PathBuf,
    dump: PathBuf,
    ids: Vec<String>,
    /// The state before the killed ingest.
    before: Visible,
    /// The state after the uncut ingest, without its timestamps.
    after: Visible,
    /// The duration of the latest uncut run (see the kill loop).
    uncut: Duration,
}

/// Checks the data directory after a kill. Returns whether B was published
/// (the kill landed after the commit point, or missed).
fn check_after_kill(r: &Reference, victim: &Path, label: &str, a: &Attempt) -> bool {
    let published = b_published(victim);
    if !a.landed {
        assert!(
            a.status.success(),
            "{label}: the ingest neither finished nor died of SIGKILL: {}",
            a.status
        );
    }
    let seen = Visible::read(victim, &r.ids);
    if published {
        assert_eq!(
            seen.without_ingest_times(),
            r.after,
            "{label}: published state differs from the uncut run's"
        );
    } else {
        assert_eq!(seen, r.before, "{label}: the previous state changed");
    }
    published
}

/// After a kill that left B published: a writer (the same ingest, now a
/// no-op) cleans up, and the directory starts again from the base copy.
fn clean_and_reset(r: &Reference, victim: &Path, label: &str) {
    let again = lekradar(
        victim,
        &[
            "ingest",
            "--breach",
            "B",
            "--memory",
            "1MiB",
            r.dump.to_str().unwrap(),
        ],
    );
    assert!(stdout(&again).contains("already ingested"), "{label}");
    let left = garbage(&victim.join("index"));
    assert!(left.is_empty(), "{label}: the next writer left {left:?}");
    std::fs::remove_dir_all(victim).unwrap();
    copy_dir(&r.base, victim);
}

#[test]
fn kill_9_during_ingest_keeps_the_published_state_and_a_rerun_completes() {
    let test_start = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    let first = dir.path().join("first.csv");
    let dump = dir.path().join("second.csv");

    // The previous published state: breach A holds a first dump; B exists
    // and is empty.
    lekradar(&base, &["key", "init"]);
    for (name, date) in [("A", "2025-06-01"), ("B", "2026-01-01")] {
        lekradar(
            &base,
            &[
                "breach",
                "add",
                name,
                "--breach-date",
                date,
                "--region",
                "NL",
                "--region",
                "BE",
            ],
        );
    }
    for (path, rows, seed) in [(&first, "3000", "1"), (&dump, KILLED_ROWS, "2")] {
        lekradar(
            &base,
            &[
                "gen-data",
                "--rows",
                rows,
                "--seed",
                seed,
                "--truth-rows",
                "3000",
                path.to_str().unwrap(),
            ],
        );
    }
    lekradar(&base, &["ingest", "--breach", "A", first.to_str().unwrap()]);
    let mut ids = sample_ids(&first, 25);
    ids.extend(sample_ids(&dump, 10));
    let before = Visible::read(&base, &ids);
    assert!(
        before.lookups.matches("found in 1 breach(es)").count() >= 150,
        "the first dump's sample is found in A: {}",
        before.lookups
    );
    assert!(before.show_b.contains("PwnCount = 0"), "{}", before.show_b);

    // The uncut run, in its own copy: its duration places the timed kills,
    // its result is what the re-run must reproduce.
    let uncut_dir = dir.path().join("uncut");
    copy_dir(&base, &uncut_dir);
    let uncut = run_ingest(&uncut_dir, &dump, Point::Never, Duration::ZERO);
    assert!(uncut.status.success(), "uncut ingest: {}", uncut.status);
    assert!(!uncut.stdout.contains("already ingested"));
    eprintln!(
        "uncut run: {} ms; first run file at {:?} ms, first segment file at {:?} ms",
        ms(uncut.elapsed),
        uncut.first_run.map(ms),
        uncut.first_segment.map(ms)
    );
    assert!(
        uncut.first_run.is_some(),
        "a 1 MiB ingest of this dump must spill run files"
    );
    assert!(garbage(&uncut_dir.join("index")).is_empty());
    let after = Visible::read(&uncut_dir, &ids);
    assert!(
        after.lookups.matches("found in 1 breach(es)").count()
            >= before.lookups.matches("found in 1 breach(es)").count() + 400,
        "the second dump's sample is found in B: {}",
        after.lookups
    );
    let mut r = Reference {
        base: base.clone(),
        dump: dump.clone(),
        ids,
        before,
        after: after.without_ingest_times(),
        uncut: uncut.elapsed,
    };

    // The kills, one after another in one data directory: each killed
    // ingest is the next writer after the previous kill. The points that
    // must be hit come last, so the final re-run starts from a cut run.
    let victim = dir.path().join("victim");
    copy_dir(&base, &victim);
    let points = [
        ("writer lock taken", Point::WriterOpen, false),
        ("10% of the uncut run", Point::Fraction(0.10), false),
        ("50% of the uncut run", Point::Fraction(0.50), false),
        ("90% of the uncut run", Point::Fraction(0.90), false),
        ("99% of the uncut run", Point::Fraction(0.99), false),
        ("run file exists", Point::RunFile, true),
        ("segment file exists", Point::Segment, true),
    ];
    let mut hit = Vec::new();
    for (label, point, must_hit) in points {
        let tries = if must_hit {
            TRIES_REQUIRED
        } else {
            TRIES_OTHER
        };
        for attempt in 1..=tries {
            let stale = garbage(&victim.join("index"));
            let a = run_ingest(&victim, &dump, point, r.uncut);
            let published = check_after_kill(&r, &victim, label, &a);
            let left = garbage(&victim.join("index"));
            // A child that created files got past its writer's garbage
            // collection: the previous kill's leftovers must be gone.
            let now = names(&victim.join("index"));
            let still: Vec<&String> = stale.intersection(&now).collect();
            if a.created {
                assert!(
                    still.is_empty(),
                    "{label}: the writer did not remove the previous run's leftovers {still:?}"
                );
            }
            eprintln!(
                "kill at {label} (try {attempt}): after {} ms (uncut run {} ms); {}; \
                 new run files {}, new segment files {} at the kill; {}; leftovers {:?}; \
                 earlier leftovers {}",
                ms(a.elapsed),
                ms(r.uncut),
                if a.landed {
                    "SIGKILL landed before the process exited"
                } else {
                    "the process had exited on its own before the kill"
                },
                a.runs_at_kill,
                a.segments_at_kill,
                if published {
                    "B was already published (the uncut result, checked)"
                } else {
                    "previous state intact (checked)"
                },
                left,
                if stale.is_empty() {
                    "none".to_owned()
                } else if still.is_empty() {
                    "removed".to_owned()
                } else {
                    format!("still there: {still:?}")
                },
            );
            if published {
                clean_and_reset(&r, &victim, label);
            }
            if !a.landed {
                // The machine got faster: this run is a fresh measurement
                // of an uncut run, and the retry is timed by it.
                r.uncut = a.elapsed;
            }
            let was_hit = a.landed
                && !published
                && match point {
                    Point::RunFile => a.runs_at_kill > 0,
                    Point::Segment => a.segments_at_kill > 0,
                    _ => true,
                };
            if was_hit {
                hit.push(label);
            }
            if was_hit {
                break;
            }
        }
    }
    eprintln!("points hit before publishing: {hit:?}");
    for required in ["run file exists", "segment file exists"] {
        assert!(
            hit.contains(&required),
            "the kill at {required:?} never landed in {TRIES_REQUIRED} tries"
        );
    }

    // The re-run completes, leaves no garbage and publishes exactly what the
    // uncut run did.
    let rerun = run_ingest(&victim, &dump, Point::Never, Duration::ZERO);
    assert!(rerun.status.success(), "re-run: {}", rerun.status);
    assert!(
        !rerun.stdout.contains("already ingested"),
        "{}",
        rerun.stdout
    );
    let left = garbage(&victim.join("index"));
    assert!(left.is_empty(), "after the re-run: {left:?}");
    assert_eq!(
        Visible::read(&victim, &r.ids).without_ingest_times(),
        r.after
    );
    let entries = entries_of_b(&victim);
    assert!(entries.len() > 50_000, "{}", entries.len());
    assert!(
        entries == entries_of_b(&uncut_dir),
        "the re-run's entries differ from the uncut run's"
    );
    eprintln!(
        "re-run: {} ms; {} entries in B, as in the uncut run; test took {} ms",
        ms(rerun.elapsed),
        entries.len(),
        ms(test_start.elapsed())
    );
}
