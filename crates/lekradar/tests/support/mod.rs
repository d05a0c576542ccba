//! Helpers of the binary's integration tests: running the binary on a data
//! directory; the rest is `lekradar-testkit`'s.

#![allow(dead_code, unused_imports)]

use std::path::Path;
use std::process::{Command, Output};

pub use lekradar_testkit::{
    all_files, assert_none_in, free_port, repo_root, DemoExamples, Process,
};

/// Runs `lekradar --data-dir DATA ARGS...` to completion.
pub fn lekradar(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}
