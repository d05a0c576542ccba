//! Helpers shared by the binary's integration tests: running the binary on
//! a data directory, and searching every stored file for plaintext.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `lekradar --data-dir DATA ARGS...` to completion.
pub fn lekradar(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `dir`, as (path, bytes).
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
