//! The pages in a real browser: headless Debian Chromium driven by
//! playwright-core (`e2e/pages.mjs`) against a running `lekradar serve` over
//! the demo breaches. It checks a breached and a clean number and an email
//! in each language, chosen with the visible switch, by keyboard; reads the
//! person's data classes and advice; follows a breach page with its charts;
//! and keeps screenshots in `target/e2e-screenshots/`. Chromium and
//! playwright-core are installed by `scripts/test-deps-e2e.sh`.

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::lekradar;

use support::Process as Server;

use support::repo_root;

#[test]
fn pages_in_chromium_in_three_languages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = lekradar(&data, &["demo", "--size", "2000", "--no-serve"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let examples = support::DemoExamples::parse(&text);
    let example = |note: &str, email: bool| examples.pick(note, email);
    let phone = example("telecom", false);
    assert!(phone.starts_with("+31"), "{phone}");
    let email = example("telecom", true);
    let clean = example("in no breach", false);
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_lekradar"))
            .arg("--data-dir")
            .arg(&data)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--rate-per-address",
                "1000/min",
                "--rate-per-subnet",
                "1000/min",
            ])
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
    let shots = repo_root().join("target/e2e-screenshots");
    let config = dir.path().join("pages.json");
    std::fs::write(
        &config,
        serde_json::json!({
            "baseUrl": base,
            "screenshots": shots,
            "breachedPhone": phone,
            "breachedEmail": email,
            "cleanPhone": clean,
            "telecomBreach": "DemoTelco2026",
        })
        .to_string(),
    )
    .unwrap();
    let out = Command::new("node")
        .arg(repo_root().join("e2e/pages.mjs"))
        .arg(&config)
        .output()
        .expect("node runs; scripts/test-deps-e2e.sh installs Chromium and playwright-core");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("all page checks passed"), "{report}");
    for lang in ["nl", "fr", "en"] {
        for page in [
            "breached-phone",
            "breach-page",
            "clean-phone",
            "breached-email",
        ] {
            let shot = shots.join(format!("{lang}-{page}.png"));
            assert!(
                std::fs::metadata(&shot)
                    .map(|m| m.len() > 10_000)
                    .unwrap_or(false),
                "{}",
                shot.display()
            );
        }
    }
}
