//! Caching-proxy benchmark (bench/cache.sh): private checks of `--checks`
//! random Dutch mobile numbers through nginx `proxy_cache` in front of
//! `--servers` `lekradar serve` processes, as a two-step client makes them:
//! the bucket of the number's prefix (`GET /api/v1/private/buckets/…`,
//! cacheable, what this counts) and then the blinded evaluation (a `POST`,
//! never cached, one per check whatever the cache). Reports the bucket
//! requests that reached a server per 1 000 checks, from nginx's own
//! `$upstream_cache_status`, for a first pass over a cold cache and a second
//! pass of new numbers over the warm one, beside the share a perfect cache
//! would let through (distinct prefixes met for the first time).

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use lekradar_normalize::{normalize, Region};
use lekradar_private::Prefix;
use lekradar_testkit::services::Balancer;
use lekradar_testkit::{copy_dir, free_port};
use rand::{Rng, SeedableRng};

#[derive(Parser)]
struct Args {
    /// The lekradar binary
    #[arg(long)]
    bin: PathBuf,
    /// A data directory with a key and an index (e.g. from `lekradar demo --no-serve`)
    #[arg(long)]
    data: PathBuf,
    #[arg(long, default_value_t = 100_000)]
    checks: usize,
    #[arg(long, default_value_t = 2)]
    servers: usize,
    /// Concurrent clients
    #[arg(long, default_value_t = 2)]
    clients: usize,
}

struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let ports: Vec<u16> = (0..args.servers).map(|_| free_port()).collect();
    let mut servers = Servers(Vec::new());
    for (i, port) in ports.iter().enumerate() {
        // One data directory each (copies of the key and index), as on
        // separate machines; budgets out of the way: this measures the cache.
        let data = args.data.with_extension(format!("server{i}"));
        let _ = std::fs::remove_dir_all(&data);
        copy_dir(&args.data.join("index"), &data.join("index"));
        std::fs::copy(args.data.join("oprf.key"), data.join("oprf.key"))?;
        let child = Command::new(&args.bin)
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--trusted-proxy", "127.0.0.1"])
            .args(["--reads-per-address", "1000000000/min"])
            .args(["--rate-per-address", "1000000000/min"])
            .args(["--rate-per-subnet", "1000000000/min"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting lekradar serve")?;
        servers.0.push(child);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.clients)
        .enable_all()
        .build()?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    for port in &ports {
        let url = format!("http://127.0.0.1:{port}/api/v1/private/config");
        let deadline = Instant::now() + Duration::from_secs(60);
        while runtime
            .block_on(async { http.get(&url).send().await })
            .map_or(true, |r| !r.status().is_success())
        {
            anyhow::ensure!(Instant::now() < deadline, "server on {port} never answered");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let lb = Balancer::start(&ports);
    let base = lb.base();
    let config: serde_json::Value = runtime.block_on(async {
        http.get(format!("{base}/api/v1/private/config"))
            .send()
            .await?
            .json()
            .await
    })?;
    let bits = config["bucketBits"]
        .as_u64()
        .or_else(|| config["bucket_bits"].as_u64())
        .context("no bucketBits in the configuration")? as u32;

    let mut rng = rand::rngs::StdRng::seed_from_u64(20221);
    let mut seen: HashSet<u32> = HashSet::new();
    println!(
        "caching proxy: {} checks per pass, {} servers behind nginx proxy_cache, {} clients, bucket prefix {bits} bits ({} buckets)",
        args.checks,
        args.servers,
        args.clients,
        1u64 << bits
    );
    println!(
        "{:<28} {:>10} {:>14} {:>16} {:>12}",
        "pass", "checks", "to servers", "per 1000 checks", "ideal/1000"
    );
    for pass in ["first (cold cache)", "second (warm cache)"] {
        let mut paths = Vec::with_capacity(args.checks);
        let mut first_time = 0usize;
        for _ in 0..args.checks {
            // A valid Dutch mobile number (a few ranges are not).
            let id = loop {
                let number = format!("+316{:08}", rng.gen_range(0..100_000_000u32));
                if let Ok(id) = normalize(&number, Region::NL) {
                    break id;
                }
            };
            let prefix = Prefix::of_bucket(lekradar_prf::bucket(&id.prf_input()), bits)?;
            if seen.insert(prefix.value()) {
                first_time += 1;
            }
            paths.push(format!(
                "{base}/api/v1/private/buckets/{bits}/{:x}",
                prefix.value()
            ));
        }
        let before = lb.access_log().len();
        let started = Instant::now();
        let chunks: Vec<Vec<String>> = paths
            .chunks(args.checks.div_ceil(args.clients))
            .map(<[String]>::to_vec)
            .collect();
        let failed: usize = runtime.block_on(async {
            let mut tasks = Vec::new();
            for chunk in chunks {
                let http = http.clone();
                tasks.push(tokio::spawn(async move {
                    let mut failed = 0;
                    for url in chunk {
                        match http.get(&url).send().await {
                            Ok(r) if r.status().is_success() => {
                                let _ = r.bytes().await;
                            }
                            _ => failed += 1,
                        }
                    }
                    failed
                }));
            }
            let mut failed = 0;
            for t in tasks {
                failed += t.await.unwrap_or(usize::MAX / 4);
            }
            failed
        });
        let took = started.elapsed();
        let log = lb.access_log();
        let lines = &log[before..];
        let reached = lines
            .iter()
            .filter(|l| l.contains("/private/buckets/"))
            .filter(|l| l.split(' ').nth(2).is_none_or(|s| s != "HIT"))
            .count();
        println!(
            "{:<28} {:>10} {:>14} {:>16.1} {:>12.1}   ({:.1} s, {failed} failed)",
            pass,
            args.checks,
            reached,
            1000.0 * reached as f64 / args.checks as f64,
            1000.0 * first_time as f64 / args.checks as f64,
            took.as_secs_f64()
        );
    }
    println!("to servers: nginx log lines whose $upstream_cache_status is not HIT (MISS, EXPIRED, UPDATING, or none).");
    println!("ideal: prefixes never asked for before in the run; every other answer could come from the cache.");
    println!("Bucket answers are cacheable for 60 s (Cache-Control max-age=60), then revalidated by ETag.");
    drop(lb);
    drop(servers);
    Ok(())
}
