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

/// Runs `f` over all records repeatedly for at least `MIN_TIME`; returns
/// normalizations per second and the number of valid results in one pass.
fn measure(records: &[(Region, &str)]) -> (f64, usize) {
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
    let mut done = 0usize;
    while start.elapsed() < MIN_TIME {
        black_box(pass());
        done += records.len();
    }
    (done as f64 / start.elapsed().as_secs_f64(), valid)
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

    let (ours_all, ours_valid) = measure(&records);
    let (ours_v, _) = measure(&valid_only);
    let (ours_i, _) = measure(&invalid_only);

    let py_records: Vec<(&str, &str)> = generated.iter().map(|(r, s)| (*r, s.as_str())).collect();
    let python = python_rate(&py_records);

    println!();
    println!(
        "phone normalization, one core, {} messy NL/BE inputs ({} valid, {} invalid)",
        records.len(),
        valid_only.len(),
        invalid_only.len()
    );
    println!("{:<44} {:>12} {:>12}", "input set", "rate", "ns/input");
    let row = |name: &str, r: f64| {
        println!("{:<44} {:>12} {:>12.0}", name, fmt_rate(r), 1e9 / r);
    };
    row("ours: full mix", ours_all);
    row("ours: valid inputs only", ours_v);
    row("ours: invalid inputs only", ours_i);
    match python {
        Ok((py, py_valid)) => {
            row("python phonenumbers: full mix", py);
            println!(
                "{:<44} {:>11.1}x",
                "ratio ours / python (full mix)",
                ours_all / py
            );
            println!(
                "valid results: ours {ours_valid}, python {py_valid}{}",
                if ours_valid == py_valid {
                    " (agree)"
                } else {
                    " (DIFFER)"
                }
            );
        }
        Err(e) => println!("python phonenumbers: not measured ({e})"),
    }
    println!(
        "target >= 1.00 M/s/core: {}",
        if ours_all >= 1e6 { "met" } else { "NOT met" }
    );
}
