//! Differential test: our phone normalization against Python's `phonenumbers`
//! (the reference libphonenumber port, same metadata release) on more than
//! 100 000 deterministic messy inputs, each under default regions NL and BE.
//!
//! Both sides implement the same procedure (see the crate docs and
//! `scripts/phone_reference.py`). Every input must give the identical E.164
//! result, or be rejected by both. Known, explained differences must be listed
//! in [`EXCEPTIONS`]; anything else fails the test.

mod support;

use std::time::Instant;

use lekradar_normalize::{normalize_phone, Region};

const SEED: u64 = 0x1e4_4ad4_2026;
const INPUTS: usize = 120_000;
const REGIONS: &[&str] = &["NL", "BE", "DE"];

/// An explained difference: inputs containing `pattern` (a plain substring)
/// may differ, for `reason`. With `only_we_reject`, only in the direction that
/// we reject the input and Python accepts it.
struct Exception {
    pattern: &'static str,
    only_we_reject: bool,
    reason: &'static str,
}

/// Known differences. All come from Python's `re` treating a few non-ASCII
/// letters as ASCII letters under IGNORECASE, where Rust's `regex` (like RE2
/// in C++ libphonenumber) uses Unicode simple case folding.
const EXCEPTIONS: &[Exception] = &[
    Exception {
        pattern: "\u{130}",
        only_we_reject: true,
        reason: "U+0130 'İ' matches [a-z] in Python's re with IGNORECASE (lower-cases to i), \
                 not in Rust regex (no simple case fold); the number is then not viable for \
                 us, while Python ignores the stray letter",
    },
    Exception {
        pattern: "\u{131}",
        only_we_reject: true,
        reason: "U+0131 'ı' (dotless i): as U+0130 (upper-cases to I in Python; Python's \
                 vanity mapping even makes it a 4); we reject, Python accepts",
    },
    Exception {
        pattern: "\u{17f}",
        only_we_reject: false,
        reason: "U+017F 'ſ' (long s) is a letter for both, but Python upper-cases it to 'S' \
                 and, in vanity numbers (3+ letters), maps it to keypad digit 7, while \
                 rlibphonenumber drops it: different numbers or validity",
    },
];

fn excepted(input: &str, ours: Option<&str>) -> Option<&'static Exception> {
    EXCEPTIONS
        .iter()
        .find(|e| input.contains(e.pattern) && (ours.is_none() || !e.only_we_reject))
}

#[test]
fn reference_version_matches_pin() {
    assert_eq!(
        support::reference_version(),
        support::pinned_version(),
        "the reference interpreter has a different phonenumbers version than \
         scripts/phonenumbers-version: run scripts/test-deps.sh"
    );
}

#[test]
fn matches_python_phonenumbers() {
    let inputs = support::generate_inputs(SEED, INPUTS);
    let regions: Vec<Region> = REGIONS
        .iter()
        .map(|r| r.parse().expect("known region"))
        .collect();

    let mut records: Vec<(&str, &str)> = Vec::with_capacity(inputs.len() * REGIONS.len());
    for region in REGIONS {
        for input in &inputs {
            records.push((region, input.as_str()));
        }
    }

    let started = Instant::now();
    let ours: Vec<Option<String>> = REGIONS
        .iter()
        .zip(&regions)
        .flat_map(|(_, &region)| {
            inputs.iter().map(move |input| {
                normalize_phone(input, region)
                    .ok()
                    .map(|p| p.e164().to_owned())
            })
        })
        .collect();
    let ours_elapsed = started.elapsed();

    let started = Instant::now();
    let reference = support::run_reference(&records, &[]);
    let python_elapsed = started.elapsed();
    let reference: Vec<&str> = reference.lines().collect();
    assert_eq!(
        reference.len(),
        records.len(),
        "the Python reference returned a different number of lines"
    );

    let mut differences = Vec::new();
    let mut excepted_count = 0usize;
    let mut per_exception = vec![0usize; EXCEPTIONS.len()];
    let mut valid = 0usize;
    for (((region, input), ours), theirs) in records.iter().zip(&ours).zip(&reference) {
        let theirs = (*theirs != "INVALID").then_some(*theirs);
        if ours.is_some() {
            valid += 1;
        }
        if ours.as_deref() != theirs {
            if let Some(e) = excepted(input, ours.as_deref()) {
                excepted_count += 1;
                if let Some(i) = EXCEPTIONS.iter().position(|x| std::ptr::eq(x, e)) {
                    per_exception[i] += 1;
                }
                if excepted_count <= 5 {
                    eprintln!("excepted: {region} {input:?} ({})", e.pattern);
                }
                continue;
            }
            differences.push(format!(
                "{region} {input:?}: ours {} / python {}",
                ours.as_deref().unwrap_or("INVALID"),
                theirs.unwrap_or("INVALID")
            ));
        }
    }

    eprintln!(
        "differential: {} inputs x {} regions = {} comparisons, {} valid, {} differences, \
         {} excepted; ours {:.2?}, python {:.2?}",
        inputs.len(),
        REGIONS.len(),
        records.len(),
        valid,
        differences.len(),
        excepted_count,
        ours_elapsed,
        python_elapsed,
    );
    for (e, n) in EXCEPTIONS.iter().zip(&per_exception) {
        eprintln!("  excepted {n:>5} x {:?}: {}", e.pattern, e.reason);
    }
    // The mix must exercise both outcomes substantially.
    assert!(valid > records.len() / 5, "too few valid inputs: {valid}");
    assert!(
        valid < records.len() * 4 / 5,
        "too few invalid inputs: {valid}"
    );
    assert!(
        differences.is_empty(),
        "{} unlisted differences between lekradar-normalize and Python phonenumbers; first {}:\n{}",
        differences.len(),
        differences.len().min(20),
        differences
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
