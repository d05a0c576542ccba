//! The OpenAPI document kept true, and no server error on any input:
//! schemathesis (PyPI, installed into `.venv` by `scripts/test-deps-e2e.sh`)
//! generates requests from `/api/openapi.json` — valid and invalid ones,
//! every documented operation, stateful sequences — against a running
//! `lekradar serve`, and checks every response: no 5xx, status codes,
//! content types, headers and bodies as documented, invalid input
//! rejected. One check is left out: "positive data acceptance" expects every
//! schema-valid string to be accepted as an account, but no schema can say
//! which strings are phone numbers; those get the documented 400.

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::lekradar;

use support::Process as Server;

use support::repo_root;

#[test]
fn schemathesis_finds_no_server_error_and_no_undocumented_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = lekradar(&data, &["demo", "--size", "1000", "--no-serve"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made = lekradar(
        &data,
        &["apikey", "create", "schemathesis", "--rate", "1000000/min"],
    );
    assert!(made.status.success());
    let key = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    // An operator token, as a deployment that serves /metrics on the public
    // listener has (401 without it, as the document says).
    let token_file = dir.path().join("ops-token");
    std::fs::write(&token_file, format!("{:032x}\n", rand::random::<u128>())).unwrap();
    std::fs::set_permissions(
        &token_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_lekradar"))
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args([
                "--rate-per-address",
                "1000000/min",
                "--rate-per-subnet",
                "1000000/min",
                "--reads-per-address",
                "1000000/min",
                "--rate-global",
                "1000000/s",
                "--ops-token-file",
            ])
            .arg(&token_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let schemathesis = repo_root().join(".venv/bin/schemathesis");
    let seed = std::env::var("LEKRADAR_SCHEMATHESIS_SEED").unwrap_or_else(|_| "1".into());
    let out = Command::new(&schemathesis)
        .current_dir(dir.path())
        .args(["run", &format!("{base}/api/openapi.json"), "--url", &base])
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args([
            "--max-examples",
            "100",
            "--seed",
            &seed,
            // One worker: with two, hypothesis describes its strategies'
            // lambdas with `ast` on two threads at once, and CPython 3.11
            // then raises a spurious "AST constructor recursion depth
            // mismatch" (python/cpython#106905) that fails the run.
            "--workers",
            "1",
            "--request-timeout",
            "5",
        ])
        .args([
            "-H",
            &format!("hibp-api-key: {key}"),
            "-H",
            "user-agent: lekradar-schemathesis",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; scripts/test-deps-e2e.sh installs it",
                schemathesis.display()
            )
        });
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It really ran: every operation of the document, a thousand cases or more.
    let field = |name: &str| {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let selected = field("Selected:");
    let (chosen, total) = selected.split_once('/').unwrap_or(("", "?"));
    assert_eq!(chosen, total, "not every operation selected: {report}");
    assert_eq!(
        field("Tested:"),
        total,
        "not every operation tested: {report}"
    );
    assert!(total.parse::<u32>().unwrap_or(0) >= 17, "{report}");
    let generated: u64 = report
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_suffix(" passed")
                .and_then(|l| l.split(" generated, ").next())
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0);
    assert!(generated >= 1000, "only {generated} cases:\n{report}");
}
