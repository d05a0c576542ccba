//! Existing Have I Been Pwned clients, unchanged, against a running
//! `lekradar serve`: the npm package `hibp` (its `baseUrl` option) and the
//! PyPI package `pyhibp` (its module base URI), each over every endpoint it
//! supports that we serve (`e2e/hibp-client.mjs`, `e2e/pyhibp_client.py`).
//! Each call's result must be what the server answers to the same raw
//! request, and the answers must be right for the demo breaches' people.
//! The clients are installed by `scripts/test-deps-e2e.sh`.

use crate::support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lekradar;

use support::Process as Server;

use support::repo_root;

/// Demo breaches, DemoTelco2026 marked verified, a server and a key.
/// Returns (server, base URL, key, telecom phone, telecom email, broker email).
fn setup(dir: &Path) -> (Server, String, String, String, String, String) {
    let data = dir.join("data");
    let out = lekradar(&data, &["demo", "--size", "2000", "--no-serve"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let examples = support::DemoExamples::parse(&text);
    let pick = |note: &str, email: bool| examples.pick(note, email);
    let phone = pick("telecom", false);
    let email = pick("telecom", true);
    let broker = pick("data broker", true);
    let edit = lekradar(
        &data,
        &["breach", "edit", "DemoTelco2026", "--verified", "true"],
    );
    assert!(
        edit.status.success(),
        "{}",
        String::from_utf8_lossy(&edit.stderr)
    );
    let made = lekradar(
        &data,
        &["apikey", "create", "clients", "--rate", "100000/min"],
    );
    assert!(made.status.success());
    let key = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    let port = support::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_lekradar"))
        .arg("--data-dir")
        .arg(&data)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--reads-per-address",
            "100000/min",
            "--rate-per-address",
            "100000/min",
            "--rate-per-subnet",
            "100000/min",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while raw(&base, "/healthz", None).0 != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, base, key, phone, email, broker)
}

/// GET `path` with a user agent (and `hibp-api-key` if given): status and body.
fn raw(base: &str, path: &str, key: Option<&str>) -> (u16, String) {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-A", "lekradar-client-tests", "-w", "\n%{http_code}"]);
    if let Some(k) = key {
        cmd.args(["-H", &format!("hibp-api-key: {k}")]);
    }
    let out = cmd
        .arg(format!("{base}{path}"))
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.parse().unwrap_or(0), body.to_owned())
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query(params: &[(&str, String)]) -> String {
    if params.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("?{}", parts.join("&"))
}

/// The server's answer (status, JSON or null) to what a call asks.
fn answer(base: &str, key: &str, path: &str, keyed: bool) -> (u16, Value) {
    let (status, body) = raw(base, path, keyed.then_some(key));
    let value = if status == 200 {
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    } else {
        Value::Null
    };
    (status, value)
}

fn run_client(program: &str, script: &str, config: &Path) -> Vec<Value> {
    let out = Command::new(program)
        .arg(repo_root().join(script))
        .arg(config)
        .current_dir(repo_root())
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} {script}: {e}; scripts/test-deps-e2e.sh installs it")
        });
    assert!(
        out.status.success(),
        "{script}: {}\nrun scripts/test-deps-e2e.sh to install the clients",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report.as_array().unwrap().clone()
}

fn flag(args: &Value, name: &str) -> Option<bool> {
    args.get(name).and_then(Value::as_bool)
}

fn breach_names(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|b| b["Name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn npm_hibp_and_pypi_pyhibp_work_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base, key, phone, email, broker) = setup(dir.path());
    let clean = "+31621234567".to_owned();
    let config = dir.path().join("clients.json");
    std::fs::write(
        &config,
        json!({
            "baseUrl": format!("{base}/api/v3"),
            "apiKey": key,
            "badApiKey": "lkr_this-is-not-a-key",
            "accounts": [phone, email, broker, clean],
            "breachNames": ["DemoTelco2026", "demodatabroker"],
            "domains": ["telco.example"],
        })
        .to_string(),
    )
    .unwrap();

    // --- npm `hibp` ---------------------------------------------------------
    let report = run_client("node", "e2e/hibp-client.mjs", &config);
    assert!(report.len() > 40, "{}", report.len());
    let mut seen = std::collections::BTreeSet::new();
    for entry in &report {
        let call = entry["call"].as_str().unwrap();
        let args = &entry["args"];
        seen.insert(call.to_owned());
        let keyed = args["apiKey"] == "$apiKey";
        let path = match call {
            "breachedAccount" | "search" => {
                let mut q = Vec::new();
                if flag(args, "truncate") == Some(false) {
                    q.push(("truncateResponse", "false".to_owned()));
                }
                if flag(args, "includeUnverified") == Some(false) {
                    q.push(("includeUnverified", "false".to_owned()));
                }
                if let Some(d) = args["domain"].as_str() {
                    q.push(("domain", d.to_owned()));
                }
                format!(
                    "/api/v3/breachedaccount/{}{}",
                    encode(args["account"].as_str().unwrap()),
                    query(&q)
                )
            }
            "breaches" => {
                let q: Vec<(&str, String)> = args["domain"]
                    .as_str()
                    .map(|d| ("domain", d.to_owned()))
                    .into_iter()
                    .collect();
                format!("/api/v3/breaches{}", query(&q))
            }
            "breach" => format!(
                "/api/v3/breach/{}",
                encode(args["breachName"].as_str().unwrap())
            ),
            "dataClasses" => "/api/v3/dataclasses".to_owned(),
            "latestBreach" => "/api/v3/latestbreach".to_owned(),
            "pasteAccount" => format!(
                "/api/v3/pasteaccount/{}",
                encode(args["email"].as_str().unwrap())
            ),
            other => panic!("unexpected call {other}"),
        };
        let (status, expected) = answer(&base, &key, &path, keyed);
        if call == "breachedAccount" && !keyed {
            assert!(!entry["ok"].as_bool().unwrap(), "{entry}");
            let message = entry["error"]["message"].as_str().unwrap();
            let wanted = if args["apiKey"] == "$badApiKey" {
                "Access denied due to invalid hibp-api-key."
            } else {
                "Access denied due to missing hibp-api-key."
            };
            assert_eq!(message, wanted, "{entry}");
            continue;
        }
        assert!(entry["ok"].as_bool().unwrap(), "{entry}");
        let result = &entry["result"];
        match call {
            "search" => {
                assert_eq!(result["breaches"], expected, "{entry}");
                assert_eq!(result["pastes"], Value::Null, "{entry}");
            }
            _ => {
                assert!(status == 200 || status == 404, "{path}: {status}");
                assert_eq!(result, &expected, "{call} {args}");
            }
        }
    }
    for call in [
        "breachedAccount",
        "breaches",
        "breach",
        "dataClasses",
        "latestBreach",
        "pasteAccount",
        "search",
    ] {
        assert!(seen.contains(call), "hibp never called {call}");
    }
    // The answers are right for these people (not only equal to the raw ones).
    let find =
        |account: &str, truncate: Option<bool>, unverified: Option<bool>, domain: Option<&str>| {
            report
                .iter()
                .find(|e| {
                    e["call"] == "breachedAccount"
                        && e["args"]["account"] == account
                        && e["args"]["apiKey"] == "$apiKey"
                        && flag(&e["args"], "truncate") == truncate
                        && flag(&e["args"], "includeUnverified") == unverified
                        && e["args"]["domain"].as_str() == domain
                        && e["args"].get("userAgent").is_none()
                })
                .unwrap_or_else(|| panic!("no call for {account}"))["result"]
                .clone()
        };
    assert_eq!(
        find(&phone, None, None, None),
        json!([{"Name": "DemoTelco2026"}])
    );
    let full = find(&email, Some(false), None, None);
    assert_eq!(full[0]["Title"], "Demo: telecom customer file");
    assert_eq!(full[0]["IsVerified"], true);
    assert_eq!(
        breach_names(&find(&broker, None, None, None)),
        ["DemoDataBroker"]
    );
    // The broker breach is unverified; only Telco has the domain.
    assert_eq!(find(&broker, None, Some(false), None), Value::Null);
    assert_eq!(
        find(&phone, None, Some(false), None),
        json!([{"Name": "DemoTelco2026"}])
    );
    assert_eq!(
        find(&broker, None, None, Some("telco.example")),
        Value::Null
    );
    assert_eq!(find(&clean, None, None, None), Value::Null);
    let latest = report.iter().find(|e| e["call"] == "latestBreach").unwrap();
    assert_eq!(latest["result"]["Name"], "DemoDataBroker");
    let missing = report
        .iter()
        .find(|e| e["call"] == "breach" && e["args"]["breachName"] == "LekradarNoSuchBreach")
        .unwrap();
    assert_eq!(missing["result"], Value::Null);

    // --- PyPI `pyhibp` ------------------------------------------------------
    let python = std::env::var("LEKRADAR_PYTHON")
        .unwrap_or_else(|_| repo_root().join(".venv/bin/python").display().to_string());
    let report = run_client(&python, "e2e/pyhibp_client.py", &config);
    assert!(report.len() > 30, "{}", report.len());
    let mut seen = std::collections::BTreeSet::new();
    for entry in &report {
        let call = entry["call"].as_str().unwrap();
        let args = &entry["args"];
        seen.insert(call.to_owned());
        if args["apiKey"] == "$badApiKey" {
            assert_eq!(
                entry["error"]["message"],
                "HTTP 401 - Unauthorised - The API key provided was not valid.",
                "{entry}"
            );
            continue;
        }
        assert!(entry["ok"].as_bool().unwrap(), "{entry}");
        let (path, empty) = match call {
            "get_account_breaches" => {
                // pyhibp always sends both flags, as True/False, defaulting to False.
                let cap = |b: bool| if b { "True" } else { "False" };
                let mut q = vec![
                    (
                        "truncateResponse",
                        cap(flag(args, "truncate_response").unwrap_or(false)).to_owned(),
                    ),
                    (
                        "includeUnverified",
                        cap(flag(args, "include_unverified").unwrap_or(false)).to_owned(),
                    ),
                ];
                if let Some(d) = args["domain"].as_str() {
                    q.push(("domain", d.to_owned()));
                }
                (
                    format!(
                        "/api/v3/breachedaccount/{}{}",
                        args["account"].as_str().unwrap(),
                        query(&q)
                    ),
                    json!([]),
                )
            }
            "get_all_breaches" => {
                let q: Vec<(&str, String)> = args["domain"]
                    .as_str()
                    .map(|d| ("domain", d.to_owned()))
                    .into_iter()
                    .collect();
                (format!("/api/v3/breaches{}", query(&q)), json!([]))
            }
            "get_single_breach" => (
                format!("/api/v3/breach/{}", args["breach_name"].as_str().unwrap()),
                json!({}),
            ),
            "get_data_classes" => ("/api/v3/dataclasses".to_owned(), Value::Null),
            "get_pastes" => (
                format!(
                    "/api/v3/pasteaccount/{}",
                    args["email_address"].as_str().unwrap()
                ),
                json!([]),
            ),
            other => panic!("unexpected call {other}"),
        };
        let (status, expected) = answer(&base, &key, &path, true);
        let expected = if status == 404 { empty } else { expected };
        assert_eq!(entry["result"], expected, "{call} {args}");
    }
    for call in [
        "get_account_breaches",
        "get_all_breaches",
        "get_single_breach",
        "get_data_classes",
        "get_pastes",
    ] {
        assert!(seen.contains(call), "pyhibp never called {call}");
    }
    let default = report
        .iter()
        .find(|e| {
            e["call"] == "get_account_breaches"
                && e["args"]["account"] == phone.as_str()
                && e["args"].as_object().unwrap().len() == 2
        })
        .unwrap();
    // pyhibp's defaults: full objects, verified breaches only.
    assert_eq!(breach_names(&default["result"]), ["DemoTelco2026"]);
    assert_eq!(default["result"][0]["Domain"], "telco.example");
    let broker_default = report
        .iter()
        .find(|e| {
            e["call"] == "get_account_breaches"
                && e["args"]["account"] == broker.as_str()
                && e["args"].as_object().unwrap().len() == 2
        })
        .unwrap();
    assert_eq!(
        broker_default["result"],
        json!([]),
        "unverified broker breach hidden by pyhibp's default"
    );
}
