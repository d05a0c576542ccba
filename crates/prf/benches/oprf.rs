//! Throughput of the keyed PRF (a plain program, `harness = false`): full VOPRF evaluations
//! on one and two cores, the server's blind evaluation with DLEQ proof, and the SHA-256
//! bucket. Prints which curve25519-dalek backend the build uses.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-prf cargo bench -p lekradar-prf --bench oprf`.
//! Serial backend for comparison: add
//! `RUSTFLAGS='--cfg curve25519_dalek_backend="serial"'` and a separate target dir.
//! `BENCH_SECS` (default 2) sets the time per measurement.
//!
//! Columns: ops/s and µs/op by wall clock; `cpu` = share of the used cores this process
//! actually got (below ~95% means other load disturbed the run); `ops/cpu-s` = operations
//! per second of CPU time per thread, i.e. the rate on otherwise idle cores.

// `curve25519_dalek_backend` is only ever set by the user through RUSTFLAGS (which reach
// every crate); it is read here to label the output.
#![allow(unexpected_cfgs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use lekradar_prf::voprf::VoprfClient;
use lekradar_prf::{bucket, ServerKey, Suite};
use rand::rngs::OsRng;
use rayon::prelude::*;

/// Realistic PRF inputs: normalized phone numbers and e-mail addresses.
fn inputs(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                format!("+316{:08}", i).into_bytes()
            } else {
                format!("user{i}@example.org").into_bytes()
            }
        })
        .collect()
}

/// CPU time (user + system) consumed so far by this process, all threads, from
/// `/proc/self/stat` (clock ticks of 10 ms; precise enough over a 2-second run).
fn process_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state(0) ... utime(11) stime(12).
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

/// Result of one measurement.
struct Rate {
    /// Operations per wall-clock second.
    wall: f64,
    /// Fraction of `threads` cores this process actually got (other load on the machine
    /// lowers it).
    cpu_share: f64,
    /// Operations per second of CPU time per thread: the figure if the cores were idle.
    per_cpu: f64,
}

/// Runs `batch` (which performs `per_batch` operations) repeatedly for about `secs`.
fn measure(secs: f64, threads: usize, per_batch: usize, mut batch: impl FnMut()) -> Rate {
    batch(); // warm-up
    let budget = Duration::from_secs_f64(secs);
    let cpu0 = process_cpu_secs();
    let start = Instant::now();
    let mut ops = 0usize;
    while start.elapsed() < budget {
        batch();
        ops += per_batch;
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = (process_cpu_secs() - cpu0).max(1e-3);
    Rate {
        wall: ops as f64 / wall,
        cpu_share: cpu / (wall * threads as f64),
        per_cpu: ops as f64 / cpu * threads as f64,
    }
}

fn backend() -> String {
    let forced = if cfg!(curve25519_dalek_backend = "serial") {
        Some("serial")
    } else if cfg!(curve25519_dalek_backend = "fiat") {
        Some("fiat")
    } else if cfg!(curve25519_dalek_backend = "simd") {
        Some("simd")
    } else {
        None
    };
    let avx2 = is_x86_feature_detected!("avx2");
    let ifma = is_x86_feature_detected!("avx512ifma") && is_x86_feature_detected!("avx512vl");
    let simd_choice = if cfg!(nightly) && ifma {
        "AVX-512 IFMA (nightly cfg)"
    } else if avx2 {
        "AVX2"
    } else {
        "serial"
    };
    let label = match forced {
        Some("serial") => "serial (forced via RUSTFLAGS --cfg)".to_string(),
        Some("fiat") => "fiat (forced via RUSTFLAGS --cfg)".to_string(),
        Some(_) => format!("simd (forced), runtime pick: {simd_choice}"),
        None => format!("default = simd build on x86_64, runtime pick: {simd_choice}"),
    };
    format!("{label}; CPU has avx2={avx2} avx512ifma+vl={ifma}")
}

fn row(name: &str, r: &Rate) {
    println!(
        "{name:<44} {:>11.0} {:>9.2} {:>6.0}% {:>11.0}",
        r.wall,
        1e6 / r.wall,
        100.0 * r.cpu_share,
        r.per_cpu
    );
}

fn main() {
    let secs: f64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let key = ServerKey::generate();
    let data = inputs(4096);

    println!("curve25519-dalek backend: {}", backend());
    println!(
        "threads available: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!(
        "{:<44} {:>11} {:>9} {:>7} {:>11}",
        "operation", "ops/s", "µs/op", "cpu", "ops/cpu-s"
    );
    println!("{}", "-".repeat(86));

    let chunk = 256;
    let mut off = 0;
    let one = measure(secs, 1, chunk, || {
        for x in &data[off..off + chunk] {
            black_box(key.evaluate(black_box(x)).ok());
        }
        off = (off + chunk) % data.len();
    });
    row("VOPRF evaluate F(k,x), 1 core", &one);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("rayon pool");
    let two = pool.install(|| {
        measure(secs, 2, data.len(), || {
            data.par_iter().for_each(|x| {
                black_box(key.evaluate(black_box(x)).ok());
            })
        })
    });
    row("VOPRF evaluate F(k,x), 2 threads (rayon)", &two);

    let blinded: Vec<Vec<u8>> = data[..256]
        .iter()
        .map(|x| {
            VoprfClient::<Suite>::blind(x, &mut OsRng)
                .expect("blind")
                .message
                .serialize()
                .to_vec()
        })
        .collect();
    let blind = measure(secs, 1, blinded.len(), || {
        for b in &blinded {
            black_box(key.blind_evaluate(black_box(b)).ok());
        }
    });
    row("blind_evaluate + DLEQ proof, 1 core", &blind);

    let buckets = measure(secs, 1, data.len(), || {
        for x in &data {
            black_box(bucket(black_box(x)));
        }
    });
    row("bucket = SHA-256 prefix, 1 core", &buckets);
}
