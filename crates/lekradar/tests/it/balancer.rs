//! Three `lekradar serve` processes on loopback behind a real load balancer
//! (Debian's nginx), on one PostgreSQL store and one index: the client
//! address comes from the balancer's `X-Forwarded-For` only because the
//! balancer is a `--trusted-proxy`, budgets are shared across the servers
//! per client, a breach published by a fourth process is served by all
//! three, and a server killed under load (wrk) costs no request once the
//! balancer has noticed.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use lekradar_testkit::services::Balancer;
use support::*;

/// Three servers on `data` and the store at `url`, trusting the balancer
/// (on 127.0.0.1) to name the client.
fn servers(data: &Path, url: &str, extra: &[&str]) -> Vec<Server> {
    (0..3)
        .map(|_| {
            let mut args = vec![
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                url,
                "--trusted-proxy",
                "127.0.0.1",
                "--reload-interval",
                "200ms",
                "--workers",
                "1",
            ];
            args.extend_from_slice(extra);
            Server::start(data, &args, &[])
        })
        .collect()
}

fn port(server: &Server) -> u16 {
    server.base.rsplit(':').next().unwrap().parse().unwrap()
}

/// A direct check's status.
fn check(base: &str, from: &str, account: &str, headers: &[&str]) -> u16 {
    check_from(base, from, account, headers).0
}

#[test]
fn behind_nginx_budgets_are_per_client_and_shared_and_a_new_breach_reaches_every_server() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let url = postgres_url("balancer");
    let servers = servers(&data, &url, &["--rate-per-address", "3/hour"]);
    let ports: Vec<u16> = servers.iter().map(port).collect();
    let lb = Balancer::start(&ports);
    let base = lb.base();
    let person = &found[0];

    // One client's budget is one budget, whichever server answers.
    for _ in 0..3 {
        assert_eq!(check(&base, "127.0.0.5", person, &[]), 200);
    }
    assert_eq!(check(&base, "127.0.0.5", person, &[]), 429);
    let upstreams: std::collections::BTreeSet<String> = lb
        .access_log()
        .iter()
        .filter(|l| l.contains("/api/v1/check"))
        .map(|l| l.split(' ').nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(upstreams.len(), 3, "round robin: {upstreams:?}");
    // Another person behind the same balancer has a budget of their own.
    assert_eq!(check(&base, "127.0.0.6", person, &[]), 200);
    // A header the client sends itself changes nothing: the balancer
    // appends the address it saw, and that is what the servers read.
    assert_eq!(
        check(
            &base,
            "127.0.0.5",
            person,
            &["x-forwarded-for: 198.51.100.9"]
        ),
        429
    );
    // Straight to a server, the header of an untrusted peer is ignored:
    // claiming to be the spent client spends one's own budget, not theirs.
    let direct = &servers[0].base;
    for _ in 0..3 {
        assert_eq!(
            check(direct, "127.0.0.7", person, &["x-forwarded-for: 127.0.0.5"]),
            200
        );
    }
    assert_eq!(
        check(direct, "127.0.0.7", person, &["x-forwarded-for: 10.1.1.1"]),
        429
    );

    // Private-check buckets are served from the balancer's cache the
    // second time, with the servers' validator.
    let (code, config) = curl_from("127.0.0.8", &[&format!("{base}/api/v1/private/config")]);
    assert_eq!(code, 200, "{config}");
    let config: serde_json::Value = serde_json::from_str(&config).unwrap();
    let bits = config["bucketBits"].as_u64().unwrap();
    let bucket = format!("{base}/api/v1/private/buckets/{bits}/1");
    let first = Command::new("curl")
        .args(["-s", "-D", "-", "-o", "/dev/null", "-A", "t", &bucket])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&first.stdout).to_lowercase();
    assert!(first.starts_with("http/1.1 200"), "{first}");
    assert!(first.contains("x-cache: miss"), "{first}");
    assert!(
        first.contains("etag: \"g"),
        "the generation is in the validator: {first}"
    );
    let second = Command::new("curl")
        .args(["-s", "-D", "-", "-o", "/dev/null", "-A", "t", &bucket])
        .output()
        .unwrap();
    let second = String::from_utf8_lossy(&second.stdout).to_lowercase();
    assert!(second.contains("x-cache: hit"), "{second}");

    // A breach published by a fourth process reaches all three.
    let add = lekradar(
        &data,
        &[
            "breach",
            "add",
            "Balanced",
            "--title",
            "Balanced shop",
            "--breach-date",
            "2026-11-01",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let file = dir.path().join("balanced.csv");
    std::fs::write(&file, "email\nbalanced.person@example.org\n").unwrap();
    let published = Instant::now();
    let ing = lekradar(
        &data,
        &["ingest", "--breach", "Balanced", file.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", stderr(&ing));
    let published_in = published.elapsed();
    let ingested = Instant::now();
    for server in &servers {
        let breach = format!("{}/api/v3/breach/Balanced", server.base);
        loop {
            let (code, _) = curl_from("127.0.0.8", &[&breach]);
            if code == 200 {
                break;
            }
            assert_eq!(code, 404);
            assert!(
                ingested.elapsed() < Duration::from_secs(30),
                "{} never served the new breach",
                server.base
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    eprintln!(
        "ingest took {published_in:?}; all three servers served the new breach {:?} later (poll interval 200 ms)",
        ingested.elapsed()
    );
    drop(lb);
    let mut files = Vec::new();
    for server in servers {
        let (_, logs) = server.terminate();
        files.push(("server log".into(), logs.into_bytes()));
    }
    all_files(&data, &mut files);
    assert_none_in(&files, &["balanced.person@example.org", person.as_str()]);
}

/// wrk's summary: (requests, non-2xx answers, socket errors).
fn wrk(url: &str, seconds: u64) -> (u64, u64, u64) {
    let out = Command::new("wrk")
        .args(["-t", "2", "-c", "8", "-d", &format!("{seconds}s")])
        // A loaded CI machine may stall a request past wrk's 2 s default:
        // that is not a request the kill cost.
        .args(["--timeout", "10s"])
        // The HIBP API answers a request without a user agent with 403.
        .args(["-H", "User-Agent: lekradar-balancer-test", url])
        .output()
        .expect("wrk runs (scripts/test-deps-e2e.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    let number = |prefix: &str| -> u64 {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .map_or(0, |rest| rest.trim().parse().unwrap())
    };
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    let socket_errors = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .map_or(0, |rest| {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().last())
                .map(|n| n.parse::<u64>().unwrap())
                .sum()
        });
    (requests, number("Non-2xx or 3xx responses:"), socket_errors)
}

#[test]
fn a_server_killed_under_load_costs_no_request_once_the_balancer_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = demo_data(dir.path());
    let url = postgres_url("balancer_kill");
    let mut servers = servers(&data, &url, &["--reads-per-address", "1000000/min"]);
    let ports: Vec<u16> = servers.iter().map(port).collect();
    let lb = Balancer::start(&ports);
    let target = format!("{}/api/v3/breaches", lb.base());
    let load = std::thread::spawn({
        let target = target.clone();
        move || wrk(&target, 4)
    });
    std::thread::sleep(Duration::from_millis(1500));
    let mut victim = servers.remove(1);
    victim.child.kill().unwrap();
    victim.child.wait().unwrap();
    let (requests, failed, socket) = load.join().unwrap();
    eprintln!(
        "during the kill: {requests} requests, {failed} failed answers, {socket} socket errors"
    );
    assert!(requests > 100, "the load ran: {requests}");
    // The balancer has noticed (it marks a server down on its first
    // failure): from now on nothing fails.
    let (requests, failed, socket) = wrk(&target, 2);
    eprintln!("after: {requests} requests, {failed} failed answers, {socket} socket errors");
    assert!(requests > 100, "the load ran: {requests}");
    assert_eq!((failed, socket), (0, 0), "{}", lb.error_log());
    let dead = format!("127.0.0.1:{}", ports[1]);
    assert!(
        lb.error_log()
            .contains(&format!("upstream: \"http://{dead}/")),
        "the balancer saw the server fail: {}",
        lb.error_log()
    );
    let upstreams: std::collections::BTreeSet<String> = lb
        .access_log()
        .iter()
        .rev()
        .take(50)
        .map(|l| l.split(' ').nth(1).unwrap().to_owned())
        .collect();
    assert!(
        upstreams.iter().all(|u| !u.ends_with(&dead)),
        "the last answers came from the living servers: {upstreams:?}"
    );
}
