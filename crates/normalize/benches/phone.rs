//! Phone normalization throughput on one core: ours against the Python reference.
//!
//! `CARGO_TARGET_DIR=/work/target-normalize cargo bench -p lekradar-normalize --bench phone`
//!
//! A fixed, deterministic mix of messy Dutch and Belgian inputs (the same
//! generator as the differential test) goes through `normalize_phone`
//! (parse + validate + format E.164) on the current thread, and through
//! `scripts/phone_reference.py --bench`, which times only its own
//! parse/validate/format loop. Target: ≥ 1 M normalizations/s/core.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use lekradar_normalize::{normalize_phone, Region};

const SEED: u64 = 0xbe_2026;
const INPUTS: usize = 120_000;
const MIN_TIME: Duration = Duration::from_secs(3);

/// CPU time this thread has spent running, in seconds (Linux:
/// /proc/thread-self/schedstat); `None` elsewhere. Unlike wall-clock time it
/// does not count time spent waiting for a core on a busy machine.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Runs all records through `normalize_phone` in rounds of one pass each, for at
/// least `MIN_TIME`; returns the median and the best round's normalizations per
/// second of thread CPU time (wall-clock time where that is unavailable), and
/// the number of valid results in one pass.
fn measure(records: &[(Region, &str)]) -> (f64, f64, usize) {
    let pass = || {
        let mut valid = 0usize;
        for (region, input) in records {
            if let Ok(p) = normalize_phone(black_box(input), *region) {
                valid += 1;
                black_box(p.e164());
            }
        }
        valid
    };
    let valid = pass(); // warm-up (also initializes libphonenumber's metadata)
    let start = Instant::now();
    let mut rates = Vec::new();
    while start.elapsed() < MIN_TIME || rates.len() < 5 {
        let wall = Instant::now();
        let cpu = thread_cpu_seconds();
        black_box(pass());
        let seconds = match (cpu, thread_cpu_seconds()) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => wall.elapsed().as_secs_f64(),
        };
        rates.push(records.len() as f64 / seconds);
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    let best = rates[rates.len() - 1];
    (median, best, valid)
}

fn python_rate(records: &[(&str, &str)]) -> Result<(f64, usize), String> {
    let python = match std::env::var_os("LEKRADAR_PYTHON") {
        Some(p) if !p.is_empty() => std::path::PathBuf::from(p),
        _ => support::workspace_root().join(".venv/bin/python"),
    };
    if !python.exists() {
        return Err(format!(
            "{} missing: run scripts/test-deps.sh",
            python.display()
        ));
    }
    let out = support::run_reference(records, &["--bench"]);
    let field = |name: &str| {
        out.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name))
            .ok_or_else(|| format!("unexpected output: {out:?}"))
    };
    let rate: f64 = field("rate=")?.parse().map_err(|e| format!("{e}"))?;
    let valid: usize = field("valid=")?.parse().map_err(|e| format!("{e}"))?;
    Ok((rate, valid))
}

fn fmt_rate(r: f64) -> String {
    if r >= 1e6 {
        format!("{:.2} M/s", r / 1e6)
    } else {
        format!("{:.1} k/s", r / 1e3)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let generated = support::generate_nl_be_records(SEED, INPUTS);
    let records: Vec<(Region, &str)> = generated
        .iter()
        .map(|(r, s)| (r.parse().expect("region"), s.as_str()))
        .collect();
    let valid_only: Vec<(Region, &str)> = records
        .iter()
        .filter(|(r, s)| normalize_phone(s, *r).is_ok())
        .copied()
        .collect();
    let invalid_only: Vec<(Region, &str)> = records
        .iter()
        .filter(|(r, s)| normalize_phone(s, *r).is_err())
        .copied()
        .collect();

    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || b" -./()+".contains(&b))
    };
    let plain_only: Vec<(Region, &str)> =
        records.iter().filter(|(_, s)| plain(s)).copied().collect();
    let other_only: Vec<(Region, &str)> =
        records.iter().filter(|(_, s)| !plain(s)).copied().collect();

    let (ours_all, ours_all_best, ours_valid) = measure(&records);
    let (ours_v, ours_v_best, _) = measure(&valid_only);
    let (ours_i, ours_i_best, _) = measure(&invalid_only);
    let (ours_plain, ours_plain_best, _) = measure(&plain_only);
    let (ours_other, ours_other_best, _) = measure(&other_only);

    let py_records: Vec<(&str, &str)> = generated.iter().map(|(r, s)| (*r, s.as_str())).collect();
    let python = python_rate(&py_records);

    println!();
    println!(
        "phone normalization per core (thread CPU time), {} messy NL/BE inputs ({} valid, {} invalid)",
        records.len(),
        valid_only.len(),
        invalid_only.len()
    );
    println!(
        "{:<46} {:>11} {:>9} {:>11}",
        "input set", "median", "ns/input", "best round"
    );
    let row = |name: &str, r: f64, best: Option<f64>| {
        println!(
            "{:<46} {:>11} {:>9.0} {:>11}",
            name,
            fmt_rate(r),
            1e9 / r,
            best.map(fmt_rate).unwrap_or_default()
        );
    };
    row("ours: full mix", ours_all, Some(ours_all_best));
    row("ours: valid inputs", ours_v, Some(ours_v_best));
    row("ours: invalid inputs", ours_i, Some(ours_i_best));
    row(
        &format!(
            "ours: ASCII digits and ' -./()+' only ({})",
            plain_only.len()
        ),
        ours_plain,
        Some(ours_plain_best),
    );
    row(
        &format!("ours: all other inputs ({})", other_only.len()),
        ours_other,
        Some(ours_other_best),
    );
    match python {
        Ok((py, py_valid)) => {
            row("python phonenumbers: full mix", py, None);
            println!(
                "{:<46} {:>10.1}x",
                "ratio ours / python (full mix, median)",
                ours_all / py
            );
            println!(
                "valid results: ours {ours_valid}, python {py_valid} (the difference is \
                 the differential test's listed exceptions: U+0130/U+0131 etc.)"
            );
        }
        Err(e) => println!("python phonenumbers: not measured ({e})"),
    }
    println!(
        "target >= 1.00 M/s/core on the full mix: {} (median), {} (best round)",
        if ours_all >= 1e6 { "met" } else { "NOT met" },
        if ours_all_best >= 1e6 {
            "met"
        } else {
            "NOT met"
        }
    );
}
