//! Past one machine: the index in S3-compatible object storage (a real
//! SeaweedFS cluster on loopback), written by `lekradar ingest` on one
//! "machine" (data directory) and served by three `lekradar serve` on three
//! others, each with its own cache, behind nginx, on one PostgreSQL store;
//! a breach ingested in two shards on two more, published by the writer.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use lekradar_testkit::services::{Balancer, SeaweedFs, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY};
use support::*;

const BUCKET: &str = "lekradar";

/// The environment that points every command at the bucket.
fn s3_env(sw: &SeaweedFs) -> Vec<(&'static str, String)> {
    vec![
        ("LEKRADAR_INDEX", format!("s3://{BUCKET}/deployment")),
        ("LEKRADAR_S3_ENDPOINT", sw.endpoint()),
        ("LEKRADAR_S3_ACCESS_KEY_ID", S3_ACCESS_KEY_ID.to_owned()),
        (
            "LEKRADAR_S3_SECRET_ACCESS_KEY",
            S3_SECRET_ACCESS_KEY.to_owned(),
        ),
        // A test's reload interval is short; nothing here needs the day.
        ("LEKRADAR_INDEX_GC_GRACE", "10m".to_owned()),
    ]
}

fn run(data: &Path, env: &[(&str, String)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lekradar"));
    cmd.arg("--data-dir").arg(data).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}\n{}", stdout(out), stderr(out));
    stdout(out)
}

/// Publishes breach `name` holding `emails` from the data directory `data`.
fn publish(data: &Path, env: &[(&str, String)], name: &str, emails: &[&str]) {
    ok(&run(
        data,
        env,
        &[
            "breach",
            "add",
            name,
            "--title",
            name,
            "--breach-date",
            "2026-11-01",
        ],
    ));
    let file = data.join(format!("{name}.csv"));
    let mut text = String::from("email\n");
    for e in emails {
        text.push_str(e);
        text.push('\n');
    }
    std::fs::write(&file, text).unwrap();
    let out = run(
        data,
        env,
        &["ingest", "--breach", name, file.to_str().unwrap()],
    );
    std::fs::remove_file(&file).unwrap();
    ok(&out);
}

fn curl_get(url: &str) -> (u16, String) {
    curl(&[url])
}

/// Waits (up to a minute) until the server whose operator endpoints are at
/// `ops` says whether its index's store is reachable; its `/readyz` then.
fn wait_reachable(ops: &str, reachable: bool) -> String {
    let want = format!("\"indexReachable\":{reachable}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, readyz) = curl_get(&format!("{ops}/readyz"));
        if readyz.contains(&want) {
            return readyz;
        }
        assert!(Instant::now() < deadline, "{readyz}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn check(base: &str, account: &str) -> (u16, String) {
    check_from(base, CLIENT_ADDR, account, &[])
}

#[test]
fn three_servers_serve_an_index_in_object_storage_through_an_outage() {
    let mut sw = SeaweedFs::start();
    sw.create_bucket(BUCKET);
    let env = s3_env(&sw);
    let dir = tempfile::tempdir().unwrap();
    let writer_data = dir.path().join("writer");
    ok(&run(&writer_data, &env, &["key", "init"]));
    let first = "eerste.persoon@example.org";
    publish(&writer_data, &env, "Telco", &[first, "tweede@example.org"]);
    assert!(
        !writer_data.join("index").exists(),
        "nothing of the index on the writer's disk but its cache"
    );

    let url = postgres_url("objstore");
    let env_args: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut datas: Vec<PathBuf> = Vec::new();
    let mut servers: Vec<Server> = (0..3)
        .map(|i| {
            let data = dir.path().join(format!("server{i}"));
            std::fs::create_dir_all(&data).unwrap();
            std::fs::copy(writer_data.join("oprf.key"), data.join("oprf.key")).unwrap();
            datas.push(data.clone());
            Server::start(
                &data,
                &[
                    "serve",
                    "--listen",
                    "127.0.0.1:0",
                    "--ops-listen",
                    "127.0.0.1:0",
                    "--database-url",
                    &url,
                    "--trusted-proxy",
                    "127.0.0.1",
                    "--reload-interval",
                    "200ms",
                    "--workers",
                    "1",
                    "--reads-per-address",
                    "1000000/min",
                    "--rate-per-address",
                    "100000/min",
                    "--rate-per-subnet",
                    "100000/min",
                ],
                &env_args,
            )
        })
        .collect();
    let ports: Vec<u16> = servers
        .iter()
        .map(|s| s.base.rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    let lb = Balancer::start(&ports);
    let (code, body) = check(&lb.base(), first);
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Telco"), "{body}");

    // A fourth process publishes; every server serves it within the poll
    // interval (plus the download).
    let later = "later.persoon@example.org";
    let published = Instant::now();
    publish(&writer_data, &env, "LaterShop", &[later]);
    let publish_took = published.elapsed();
    let after_publish = Instant::now();
    // Served: the breach's entries, not only its metadata (published a
    // generation earlier, by `breach add`).
    for server in &servers {
        loop {
            let (code, body) = check(&server.base, later);
            if code == 200 && body.contains("LaterShop") {
                break;
            }
            assert!(
                after_publish.elapsed() < Duration::from_secs(30),
                "{} never served the new breach:\n{}",
                server.base,
                server.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    eprintln!(
        "publish to object storage took {publish_took:?}; all three served it {:?} later",
        after_publish.elapsed()
    );

    // Ingest spread over two more machines: each keys its shard and stages
    // it in the bucket; the writer publishes both in one step.
    ok(&run(
        &writer_data,
        &env,
        &["breach", "add", "Sharded", "--breach-date", "2026-11-03"],
    ));
    let dump = dir.path().join("sharded.csv");
    let mut text = String::from("email\n");
    for i in 0..10_000 {
        text.push_str(&format!("persoon{i}@sharded.example\n"));
    }
    std::fs::write(&dump, text).unwrap();
    let shards: Vec<_> = (0..2)
        .map(|i| {
            let data = dir.path().join(format!("shard-machine{i}"));
            std::fs::create_dir_all(&data).unwrap();
            std::fs::copy(writer_data.join("oprf.key"), data.join("oprf.key")).unwrap();
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_lekradar"));
            cmd.arg("--data-dir").arg(&data).args([
                "ingest",
                "--breach",
                "Sharded",
                "--shard",
                &format!("{i}/2"),
                dump.to_str().unwrap(),
            ]);
            for (k, v) in &env {
                cmd.env(k, v);
            }
            cmd.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in shards {
        ok(&child.wait_with_output().unwrap());
    }
    let text = ok(&run(
        &writer_data,
        &env,
        &["publish", "--breach", "Sharded"],
    ));
    assert!(text.contains("2 shards merged and published"), "{text}");
    assert!(
        text.contains("10000 identifiers new to the breach"),
        "{text}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (code, body) = check(&lb.base(), "persoon7777@sharded.example");
        if code == 200 && body.contains("Sharded") {
            break;
        }
        assert!(Instant::now() < deadline, "{code} {body}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = run(&writer_data, &env, &["publish", "--breach", "Sharded"]);
    assert!(
        stderr(&out).contains("no shards of breach \"Sharded\" are staged"),
        "the staged shards left the bucket: {}",
        stderr(&out)
    );
    std::fs::remove_file(&dump).unwrap();

    // The object store goes away: the servers keep serving their last
    // generation and say so.
    sw.stop_gateway();
    let ops = servers[0].ops();
    let readyz = wait_reachable(&ops, false);
    assert!(readyz.contains("\"ready\":true"), "{readyz}");
    let (_, metrics) = curl_get(&format!("{ops}/metrics"));
    assert!(
        metrics.contains("lekradar_index_storage_reachable 0"),
        "{metrics}"
    );
    let mut failed = Vec::new();
    for i in 0..60 {
        let account = if i % 2 == 0 { first } else { later };
        let (code, body) = check(&lb.base(), account);
        if code != 200 || !body.contains("Shop") && !body.contains("Telco") {
            failed.push((code, body));
        }
    }
    assert!(
        failed.is_empty(),
        "checks failed while the store was away: {failed:?}"
    );
    // A publish while it is away fails clearly; the index is as it was.
    let out = run(
        &writer_data,
        &env,
        &[
            "breach",
            "add",
            "Unpublished",
            "--title",
            "U",
            "--breach-date",
            "2026-11-02",
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("s3://{BUCKET}/deployment")),
        "{}",
        stderr(&out)
    );
    // A server restarted while the store is away starts from its warm
    // cache and says the store is unreachable; one with a cold cache
    // cannot start, and says why.
    let mut logs = Vec::new();
    let (_, log) = servers.pop().unwrap().terminate();
    logs.push(("server log".to_owned(), log.into_bytes()));
    let warm = Server::start(
        &datas[2],
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--ops-listen",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--reload-interval",
            "200ms",
        ],
        &env_args,
    );
    let (code, body) = check(&warm.base, later);
    assert_eq!(code, 200, "{body}\n{}", warm.logs());
    assert!(body.contains("LaterShop"), "{body}");
    let warm_ops = warm.ops();
    wait_reachable(&warm_ops, false);
    let cold_data = dir.path().join("cold-server");
    std::fs::create_dir_all(&cold_data).unwrap();
    std::fs::copy(writer_data.join("oprf.key"), cold_data.join("oprf.key")).unwrap();
    let out = run(
        &cold_data,
        &env,
        &["serve", "--listen", "127.0.0.1:0", "--database-url", &url],
    );
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!(
            "cannot read the index at s3://{BUCKET}/deployment"
        )),
        "{}",
        stderr(&out)
    );
    sw.start_gateway();
    wait_reachable(&warm_ops, true);
    let (_, log) = warm.terminate();
    logs.push(("warm-started server log".to_owned(), log.into_bytes()));
    wait_reachable(&ops, true);
    let (code, body) = check(&lb.base(), later);
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("LaterShop"), "{body}");

    // A server restarted with its cache warm, and one with it cold.
    drop(lb);
    for server in servers {
        let (_, log) = server.terminate();
        logs.push(("server log".to_owned(), log.into_bytes()));
    }
    std::fs::remove_dir_all(datas[1].join("index-cache")).unwrap();
    for data in &datas[..2] {
        let server = Server::start(
            data,
            &["serve", "--listen", "127.0.0.1:0", "--database-url", &url],
            &env_args,
        );
        let (code, body) = check(&server.base, later);
        assert_eq!(code, 200, "{body}");
        assert!(body.contains("LaterShop"), "{body}");
        let (_, log) = server.terminate();
        logs.push(("restarted server log".to_owned(), log.into_bytes()));
    }

    // No address in the clear on any machine's disk or in any log.
    let mut files = logs;
    all_files(dir.path(), &mut files);
    assert_none_in(
        &files,
        &[
            first,
            later,
            "tweede@example.org",
            "persoon7777@sharded.example",
        ],
    );
}

/// `env` with the generation held in PostgreSQL at `catalog`.
fn with_catalog(env: &[(&'static str, String)], catalog: &str) -> Vec<(&'static str, String)> {
    let mut env = env.to_vec();
    env.push(("LEKRADAR_INDEX_CATALOG", catalog.to_owned()));
    env
}

/// Whether a session holds the index writer lock of the catalog at `url`.
fn writer_lock_held(url: &str) -> bool {
    let out = Command::new("psql")
        .args([
            url,
            "-tAc",
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND objsubid = 2 AND classid::bigint = (hashtext('lekradar-index-writer')::bigint & 4294967295)",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "psql: {}", stderr(&out));
    stdout(&out).trim() != "0"
}

/// The generation held in PostgreSQL (`--index-catalog`), on a store with
/// or without conditional writes (`env` points at it): an index published
/// without the catalog is adopted (where the store allows publishing
/// without it at all; where it does not, that is refused); every process
/// with the catalog reads and publishes through it, a server serves what
/// another machine published; a process without it refuses the index; one
/// writer at a time across machines, the other told so, its re-run
/// completing.
fn catalog_scenario(env: &[(&'static str, String)], catalog: &str, conditional_writes: bool) {
    let dir = tempfile::tempdir().unwrap();
    let env_with = with_catalog(env, catalog);
    let writer = dir.path().join("writer");
    ok(&run(&writer, env, &["key", "init"]));
    let machine = |name: &str| {
        let data = dir.path().join(name);
        std::fs::create_dir_all(&data).unwrap();
        std::fs::copy(writer.join("oprf.key"), data.join("oprf.key")).unwrap();
        data
    };
    let (first, second, third, fourth) = (
        "eerste@catalogus.example",
        "tweede@catalogus.example",
        "derde@catalogus.example",
        "vierde@catalogus.example",
    );
    if conditional_writes {
        publish(&writer, env, "Eerste", &[first]);
    } else {
        let out = run(
            &writer,
            env,
            &["breach", "add", "Eerste", "--breach-date", "2026-11-01"],
        );
        assert!(!out.status.success(), "{}", stdout(&out));
        assert!(
            stderr(&out).contains("ignores conditional writes"),
            "{}",
            stderr(&out)
        );
        publish(&writer, &env_with, "Eerste", &[first]);
    }
    publish(&writer, &env_with, "Tweede", &[second]);
    for (account, breach) in [(first, "Eerste"), (second, "Tweede")] {
        let look = ok(&run(&writer, &env_with, &["lookup", account]));
        assert!(look.contains(breach), "{account}: {look}");
    }
    // Without the catalog: refused, not a stale answer or a rival publish.
    for args in [
        &["lookup", first][..],
        &["breach", "add", "Rivaal", "--breach-date", "2026-11-01"][..],
    ] {
        let out = run(&writer, env, args);
        assert!(!out.status.success(), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("held in a catalog"),
            "{args:?}: {}",
            stderr(&out)
        );
    }

    // A server reading through the catalog serves what another machine
    // publishes, within its poll interval.
    let served = machine("server");
    let env_args: Vec<(&str, &str)> = env_with.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start(
        &served,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--reload-interval",
            "200ms",
            "--reads-per-address",
            "1000000/min",
            "--rate-per-address",
            "100000/min",
            "--rate-per-subnet",
            "100000/min",
        ],
        &env_args,
    );
    let (code, body) = check(&server.base, second);
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Tweede"), "{body}");
    let other = machine("other");
    publish(&other, &env_with, "Derde", &[third]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (code, body) = check(&server.base, third);
        if code == 200 && body.contains("Derde") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{code} {body}\n{}",
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // One writer at a time across machines: while the writer ingests,
    // another machine's publish is refused at once, naming the index; run
    // again afterwards, it completes.
    ok(&run(
        &writer,
        &env_with,
        &["breach", "add", "Groot", "--breach-date", "2026-11-04"],
    ));
    let dump = writer.join("groot.csv");
    let mut text = String::from("email\n");
    for i in 0..40_000 {
        text.push_str(&format!("persoon{i}@groot.example\n"));
    }
    std::fs::write(&dump, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lekradar"));
    cmd.arg("--data-dir")
        .arg(&writer)
        .args(["ingest", "--breach", "Groot", dump.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in &env_with {
        cmd.env(k, v);
    }
    let big = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !writer_lock_held(catalog) {
        assert!(
            Instant::now() < deadline,
            "the ingest never took the writer lock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = run(
        &other,
        &env_with,
        &["breach", "add", "Vierde", "--breach-date", "2026-11-05"],
    );
    let big = big.wait_with_output().unwrap();
    ok(&big);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("another lekradar process is writing to the index in s3://"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&dump).unwrap();
    publish(&other, &env_with, "Vierde", &[fourth]);
    for (account, breach) in [
        (first, "Eerste"),
        (third, "Derde"),
        (fourth, "Vierde"),
        ("persoon39999@groot.example", "Groot"),
    ] {
        let look = ok(&run(&served, &env_with, &["lookup", account]));
        assert!(look.contains(breach), "{account}: {look}");
    }
    let (_, log) = server.terminate();
    let mut files = vec![("server log".to_owned(), log.into_bytes())];
    all_files(dir.path(), &mut files);
    assert_none_in(
        &files,
        &[first, second, third, fourth, "persoon39999@groot.example"],
    );
}

#[test]
fn the_generation_held_in_postgresql_adopts_serves_and_keeps_one_writer() {
    let mut sw = SeaweedFs::start();
    sw.create_bucket(BUCKET);
    let mut env = s3_env(&sw);
    env[0].1 = format!("s3://{BUCKET}/catalogued");
    catalog_scenario(&env, &postgres_url("catalog"), true);
}

/// Garage ignores conditional writes: publishing to it without a catalog
/// is refused by the start-up probe, and with the catalog it works.
/// Opt-in, as Garage takes 12–20 minutes to build here:
/// `scripts/test-deps-garage.sh`, then
/// `cargo nextest run -p lekradar --features garage-tests -E 'test(garage)'`.
#[cfg(feature = "garage-tests")]
#[test]
fn garage_without_conditional_writes_needs_the_catalog() {
    let garage = lekradar_testkit::services::Garage::start(BUCKET);
    let env = vec![
        ("LEKRADAR_INDEX", format!("s3://{BUCKET}/garage")),
        ("LEKRADAR_S3_ENDPOINT", garage.endpoint()),
        ("LEKRADAR_S3_REGION", "garage".to_owned()),
        (
            "LEKRADAR_S3_ACCESS_KEY_ID",
            garage.access_key_id().to_owned(),
        ),
        (
            "LEKRADAR_S3_SECRET_ACCESS_KEY",
            garage.secret_access_key().to_owned(),
        ),
        ("LEKRADAR_INDEX_GC_GRACE", "10m".to_owned()),
    ];
    catalog_scenario(&env, &postgres_url("garage"), false);
}
