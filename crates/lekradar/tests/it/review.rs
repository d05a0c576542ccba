//! The security review's reproductions (issue 11) against this build of the
//! binary, over HTTP on loopback, as they were found: `bench/review.py`
//! runs each one (owner-only metrics, sparse buckets, slow clients under a
//! 256-descriptor limit, breach names in two cases, a pinned key against a
//! base-mode server, off-site links, cross-site requests, ingest into a
//! retired breach, one network's budgets) and prints LEAKS or HOLDS. Every
//! one must hold. Run against the build before the fixes, all nine leak
//! (`bench/runs/2026-12-04-review/summary-review.txt`).

use std::process::Command;

use lekradar_testkit::repo_root;

#[test]
fn every_finding_of_the_security_review_holds_against_the_binary() {
    let work = tempfile::tempdir().unwrap();
    let python = std::env::var("LEKRADAR_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = Command::new(python)
        .arg(repo_root().join("bench/review.py"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--work")
        .arg(work.path())
        .output()
        .expect("python3 runs bench/review.py");
    let report = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("finding "))
        .collect();
    assert_eq!(
        lines.len(),
        9,
        "every reproduction ran:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in &lines {
        assert!(line.ends_with("-> HOLDS"), "{line}\n{report}");
    }
    assert!(out.status.success(), "{report}");
}
