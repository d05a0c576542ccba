//! The browser client of the private check agrees with the Rust side:
//! RFC 9497 test vectors (OPRF and VOPRF) through `@noble/curves` as the
//! page uses it, and the same canonical identifier — hence the same PRF
//! input — for thousands of messy real-world spellings of phone numbers
//! (regions NL and BE) and email addresses, from `libphonenumber-js` and the
//! browser's IDNA against `rlibphonenumber` and the `idna` crate. A
//! disagreement would make the private check miss a person the direct check
//! finds. Its messages are held to the protocol crate's known answers. The npm packages are installed by `crates/web/build.rs`.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use support::lekradar;

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../web/js")
        .canonicalize()
        .unwrap()
}

fn node(script: &str, args: &[&Path]) -> String {
    let out = Command::new("node")
        .arg(js_dir().join(script))
        .args(args)
        .output()
        .expect("node runs (scripts/test-deps-e2e.sh; crates/web/build.rs installs the packages)");
    assert!(
        out.status.success(),
        "{script}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn rfc9497_vectors_pass_through_noble() {
    let out = node("test/vectors.mjs", &[]);
    assert!(out.contains("checks passed"), "{out}");
}

/// The browser reads and writes the private check's messages byte for byte
/// as `lekradar-private` does (`crates/private/tests/kat.json`).
#[test]
fn the_browser_client_agrees_with_the_protocol_known_answers() {
    let out = node("test/kat.mjs", &[]);
    assert!(out.contains("checks passed"), "{out}");
}

/// The canonical forms `lekradar normalize` gives, in input order.
fn rust_canonical(dir: &Path, inputs: &[(String, &str)]) -> Vec<Option<String>> {
    let mut out = vec![None; inputs.len()];
    for region in ["NL", "BE"] {
        let picked: Vec<usize> = (0..inputs.len())
            .filter(|&i| inputs[i].1 == region)
            .collect();
        let mut child = Command::new(env!("CARGO_BIN_EXE_lekradar"))
            .args(["normalize", "--region", region])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let text: String = picked
            .iter()
            .map(|&i| format!("{}\n", inputs[i].0))
            .collect();
        // Write from another thread: the answers fill the pipe meanwhile.
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            stdin.write_all(text.as_bytes()).unwrap();
        });
        let result = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let lines: Vec<String> = String::from_utf8_lossy(&result.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(lines.len(), picked.len(), "{dir:?}");
        for (&i, line) in picked.iter().zip(lines) {
            out[i] = line
                .strip_prefix("phone ")
                .or_else(|| line.strip_prefix("email "))
                .map(str::to_owned);
        }
    }
    out
}

#[test]
fn the_browser_computes_the_same_canonical_identifiers() {
    let dir = tempfile::tempdir().unwrap();
    let scrape = dir.path().join("scrape.txt");
    let telecom = dir.path().join("telecom.jsonl");
    for (kind, rows, path, extra) in [
        ("scrape", "4000", &scrape, &[][..]),
        (
            "telecom",
            "1500",
            &telecom,
            &["--format", "jsonl", "--header-lang", "en"][..],
        ),
    ] {
        let out = lekradar(
            dir.path(),
            &[
                &[
                    "gen-data",
                    "--kind",
                    kind,
                    "--rows",
                    rows,
                    "--seed",
                    "9",
                    path.to_str().unwrap(),
                ][..],
                extra,
            ]
            .concat(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut inputs: Vec<(String, &str)> = Vec::new();
    let printable = |s: &str| !s.contains(['\n', '\r']) && !s.trim().is_empty();
    // Scraped numbers in every spelling, read as Dutch and as Belgian.
    for line in String::from_utf8_lossy(&std::fs::read(&scrape).unwrap()).lines() {
        if printable(line) {
            inputs.push((line.to_owned(), "NL"));
            inputs.push((line.to_owned(), "BE"));
        }
    }
    // Telecom customers' mobiles and emails (and the emails in upper case).
    for line in String::from_utf8_lossy(&std::fs::read(&telecom).unwrap()).lines() {
        let Ok(row) = serde_json::from_str::<Value>(line) else {
            continue; // junk rows
        };
        for field in ["mobile", "email"] {
            if let Some(v) = row
                .get(field)
                .and_then(Value::as_str)
                .filter(|v| printable(v))
            {
                inputs.push((v.to_owned(), "NL"));
                inputs.push((v.to_owned(), "BE"));
                if field == "email" {
                    inputs.push((v.to_uppercase(), "NL"));
                }
            }
        }
    }
    for edge in [
        "Jan@Bücher.Example",
        " Jan.Jansen+News@EXAMPLE.nl ",
        "x@xn--bcher-kva.example",
        "jan@münchen.de",
        "jan@ＥＸＡＭＰＬＥ.nl",
        "a..b@x.nl",
        "jan@localhost",
        "jan@[192.0.2.1]",
        "jan@192.0.2.1",
        "\"quoted\"@x.nl",
        "jan@exa_mple.nl",
        "jan@-x.nl",
        "0031 6 1234 5678",
        "31612345678",
        "(0)6 1234 5678",
        "tel:+31-6-1234-5678",
        "+32 470 12 34 56",
        "0470/12.34.56",
        "06-12",
        "+999 1234 5678",
    ] {
        inputs.push((edge.to_owned(), "NL"));
        inputs.push((edge.to_owned(), "BE"));
    }
    assert!(inputs.len() > 10_000, "{}", inputs.len());
    let request: Vec<Value> = inputs
        .iter()
        .map(|(i, r)| json!({"input": i, "region": r}))
        .collect();
    let file = dir.path().join("inputs.json");
    std::fs::write(&file, serde_json::to_string(&request).unwrap()).unwrap();
    let browser: Vec<Option<String>> =
        serde_json::from_str(&node("test/normalize.mjs", &[&file])).unwrap();
    let rust = rust_canonical(dir.path(), &inputs);
    let accepted = rust.iter().filter(|r| r.is_some()).count();
    assert!(
        accepted > inputs.len() / 2,
        "too few valid inputs: {accepted}"
    );
    let mismatches: Vec<String> = inputs
        .iter()
        .zip(rust.iter().zip(&browser))
        .filter(|(_, (r, b))| r != b)
        .map(|((input, region), (r, b))| format!("{input:?} ({region}): rust {r:?}, browser {b:?}"))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} inputs differ:\n{}",
        mismatches.len(),
        inputs.len(),
        mismatches
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
