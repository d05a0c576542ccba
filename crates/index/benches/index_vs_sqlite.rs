//! Index benchmark against SQLite on the same keys in the same run:
//! build rate (PRF excluded), point lookups/s and latency, bytes per entry.
//!
//! `cargo bench -p lekradar-index --bench index_vs_sqlite`
//! (`LEKRADAR_BENCH_ENTRIES` sets the size, default 10 000 000).

use std::time::{Duration, Instant};

use lekradar_index::{IndexReader, IndexWriter, Key, Snapshot, Transaction};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

const LOOKUPS: usize = 1_000_000;

fn keys(n: usize, salt: &str) -> Vec<Key> {
    use rayon::prelude::*;
    (0..n)
        .into_par_iter()
        .map(|i| {
            let h = Sha256::digest(format!("{salt}{i}").as_bytes());
            let mut tag = [0u8; 8];
            tag.copy_from_slice(&h[3..11]);
            Key::new(u32::from_be_bytes([0, h[0], h[1], h[2]]), tag).unwrap()
        })
        .collect()
}

fn sql_key(k: &Key) -> [u8; 11] {
    let mut out = [0u8; 11];
    out[..3].copy_from_slice(&k.bucket().to_be_bytes()[1..]);
    out[3..].copy_from_slice(k.tag());
    out
}

struct Latency {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

/// Runs `probe` over `probes` on `threads` threads; rate over all, percentiles per call.
fn measure<F>(probes: &[Key], threads: usize, probe: F) -> Latency
where
    F: Fn(usize) -> Box<dyn FnMut(&Key) -> bool + Send> + Sync,
{
    let start = Instant::now();
    let chunk = probes.len().div_ceil(threads);
    let mut samples: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = probes
            .chunks(chunk)
            .enumerate()
            .map(|(t, part)| {
                let probe = &probe;
                s.spawn(move || {
                    let mut f = probe(t);
                    let mut lat = Vec::with_capacity(part.len());
                    let mut found = 0usize;
                    for k in part {
                        let t0 = Instant::now();
                        found += f(k) as usize;
                        lat.push(t0.elapsed());
                    }
                    assert!(found > 0);
                    lat
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = start.elapsed();
    samples.sort_unstable();
    Latency {
        per_sec: probes.len() as f64 / elapsed.as_secs_f64(),
        p50: samples[samples.len() / 2],
        p99: samples[samples.len() * 99 / 100],
    }
}

fn lookup_ours(snap: &Snapshot, k: &Key) -> bool {
    !snap.lookup(k).is_empty()
}

fn main() {
    let n: usize = std::env::var("LEKRADAR_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let work =
        tempfile::tempdir_in(std::env::var("LEKRADAR_BENCH_DIR").unwrap_or_else(|_| ".".into()))
            .unwrap();
    println!(
        "index vs SQLite, {n} entries, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    let t = Instant::now();
    let all = keys(n, "bench-");
    println!("(keys generated in {:.1?}, not timed below)", t.elapsed());

    // --- Our segment build, all in memory and with a 64 MiB budget. ---
    let mut build = Vec::new();
    for (label, memory) in [
        ("lekradar, 2 GiB budget", 2usize << 30),
        ("lekradar, 64 MiB budget (external sort)", 64 << 20),
    ] {
        let dir = work.path().join(format!("idx-{memory}"));
        let t = Instant::now();
        let mut writer = IndexWriter::open(&dir).unwrap();
        let mut b = writer.segment_builder(memory).unwrap();
        for (i, k) in all.iter().enumerate() {
            b.push(*k, 1 | (i as u32 & 6)).unwrap();
        }
        let (segs, stats) = b.finish().unwrap();
        let mut tx = Transaction::new();
        tx.add_segments("Bench", segs);
        writer.commit(tx).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let bytes: u64 = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        build.push((label, secs, stats.runs, bytes, dir));
    }

    // --- SQLite: insert the same keys, then build the index. ---
    let db_path = work.path().join("bench.sqlite");
    let t = Instant::now();
    {
        let mut conn = Connection::open(&db_path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;
             CREATE TABLE exposure(key BLOB NOT NULL, classes INTEGER NOT NULL);",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx.prepare("INSERT INTO exposure VALUES (?1, ?2)").unwrap();
            for (i, k) in all.iter().enumerate() {
                stmt.execute(rusqlite::params![&sql_key(k)[..], 1 | (i as u32 & 6)])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
        conn.execute_batch("CREATE INDEX exposure_key ON exposure(key);")
            .unwrap();
    }
    let sqlite_secs = t.elapsed().as_secs_f64();
    let sqlite_bytes = std::fs::metadata(&db_path).unwrap().len();

    println!();
    println!(
        "{:<44} {:>10} {:>12} {:>8} {:>12}",
        "build", "seconds", "entries/s", "runs", "bytes/entry"
    );
    for (label, secs, runs, bytes, _) in &build {
        println!(
            "{:<44} {:>10.2} {:>12.0} {:>8} {:>12.2}",
            label,
            secs,
            n as f64 / secs,
            runs,
            *bytes as f64 / n as f64
        );
    }
    println!(
        "{:<44} {:>10.2} {:>12.0} {:>8} {:>12.2}",
        "SQLite insert + CREATE INDEX",
        sqlite_secs,
        n as f64 / sqlite_secs,
        "-",
        sqlite_bytes as f64 / n as f64
    );
    println!(
        "build speed-up over SQLite (2 GiB budget): {:.1}x (target >= 3x)",
        sqlite_secs / build[0].1
    );
    println!(
        "bytes per entry: {:.2} vs SQLite {:.2} (target <= 16)",
        build[0].3 as f64 / n as f64,
        sqlite_bytes as f64 / n as f64
    );

    // --- Lookups: half present, half absent, in random order. ---
    let absent = keys(LOOKUPS / 2, "absent-");
    let mut probes: Vec<Key> = all
        .iter()
        .step_by((n / (LOOKUPS / 2)).max(1))
        .take(LOOKUPS / 2)
        .copied()
        .collect();
    probes.extend(absent);
    // Deterministic shuffle.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..probes.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        probes.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let reader = IndexReader::open(&build[0].4).unwrap();
    let snap = reader.snapshot();
    println!();
    println!(
        "{:<44} {:>12} {:>10} {:>10}",
        "point lookups (50% hits)", "lookups/s", "p50", "p99"
    );
    let mut ours1 = 0.0;
    for threads in [1, 2] {
        let l = measure(&probes, threads, |_| {
            let snap = snap.clone();
            Box::new(move |k| lookup_ours(&snap, k))
        });
        if threads == 1 {
            ours1 = l.per_sec;
        }
        println!(
            "{:<44} {:>12.0} {:>10.2?} {:>10.2?}",
            format!("lekradar, {threads} thread(s)"),
            l.per_sec,
            l.p50,
            l.p99
        );
    }
    let mut sqlite1 = 0.0;
    for threads in [1, 2] {
        let l = measure(&probes, threads, |_| {
            let conn =
                Connection::open_with_flags(&db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .unwrap();
            conn.execute_batch("PRAGMA cache_size=-262144;").unwrap();
            Box::new(move |k| {
                let mut stmt = conn
                    .prepare_cached("SELECT classes FROM exposure WHERE key = ?1")
                    .unwrap();
                let mut rows = stmt.query([&sql_key(k)[..]]).unwrap();
                rows.next().unwrap().is_some()
            })
        });
        if threads == 1 {
            sqlite1 = l.per_sec;
        }
        println!(
            "{:<44} {:>12.0} {:>10.2?} {:>10.2?}",
            format!("SQLite indexed BLOB, {threads} thread(s)"),
            l.per_sec,
            l.p50,
            l.p99
        );
    }
    println!(
        "lookup speed-up over SQLite (1 thread): {:.1}x (target >= 5x, p99 < 50 us)",
        ours1 / sqlite1
    );
}
