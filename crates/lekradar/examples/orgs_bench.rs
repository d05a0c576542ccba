//! Organisations' benchmark (bench/orgs.sh): a watchlist of `--people`
//! entries at a proved domain (every 20th a mobile number) uploaded as a
//! CSV file through `read_file` and `Service::watch` — entries/s until the
//! upload answers (keyed and stored) and until the background jobs have
//! matched every entry, beside the keying ceiling of the same run (the
//! server key's PRF alone, on the same threads) — against an index of `--breaches` breaches each holding one
//! person in `--every`; then the report page, the organisation page and the
//! CSV export served over HTTP by the real router to two concurrent
//! clients: p50 and p99.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use lekradar_breach::{BreachMetadata, NaiveDate};
use lekradar_check::filing_of_output;
use lekradar_index::{IndexReader, IndexWriter, Key, Transaction};
use lekradar_l10n::advice::RenderedAdvice;
use lekradar_l10n::L10n;
use lekradar_messages::{ContactKey, Templates};
use lekradar_normalize::{Identifier, Region};
use lekradar_orgs::{OrgMail, Orgs, OrgsConfig};
use lekradar_prf::{ServerKey, OUTPUT_LEN};
use lekradar_service::{DeploymentMode, Messaging, Rates, Service, ServiceConfig};
use lekradar_store::jobs::now_us;
use lekradar_store::orgs as db;
use lekradar_store::{Rate, Store};
use sha2::{Digest, Sha256};

const PUBLIC_URL: &str = "https://lekradar.test";
const DOMAIN: &str = "acme.example";

#[derive(Parser)]
struct Args {
    /// Watchlist entries.
    #[arg(long, default_value_t = 100_000)]
    people: usize,
    /// Breaches in the index.
    #[arg(long, default_value_t = 50)]
    breaches: usize,
    /// Each breach holds one person in this many.
    #[arg(long, default_value_t = 10)]
    every: usize,
    /// Requests per page measured (two clients share them).
    #[arg(long, default_value_t = 400)]
    requests: usize,
    /// The store (`sqlite:PATH` by default in the work directory, or a
    /// `postgres://` URL).
    #[arg(long)]
    database: Option<String>,
}

fn person(j: usize) -> String {
    if j.is_multiple_of(20) {
        format!("+316{:08}", 10_000_000 + j)
    } else {
        format!("staff{j:06}@{DOMAIN}")
    }
}

/// Keys `ids` on `threads` threads, as `Service::watch` does.
fn key_all(key: &ServerKey, ids: &[Identifier], threads: usize) -> Vec<([u8; OUTPUT_LEN], u32)> {
    let chunk = ids.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|id| {
                            let input = id.prf_input();
                            (key.evaluate(&input).unwrap(), lekradar_prf::bucket(&input))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn measure(
    base: &str,
    path: &str,
    cookie: &str,
    n: usize,
) -> anyhow::Result<(f64, f64, usize)> {
    measure_with(base, path, ("cookie", format!("lekradar_org={cookie}")), n).await
}

async fn measure_with(
    base: &str,
    path: &str,
    header: (&'static str, String),
    n: usize,
) -> anyhow::Result<(f64, f64, usize)> {
    let client = reqwest::Client::builder().build()?;
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let client = client.clone();
        let url = format!("{base}{path}");
        let header = header.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut bytes = 0;
            for _ in 0..n / 2 {
                let t = Instant::now();
                let r = client
                    .get(&url)
                    .header(header.0, &header.1)
                    .header("user-agent", "lekradar-bench")
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "{url}: {}", r.status());
                bytes = r.bytes().await?.len();
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>((times, bytes))
        }));
    }
    let mut all = Vec::new();
    let mut bytes = 0;
    for t in tasks {
        let (times, b) = t.await??;
        all.extend(times);
        bytes = b;
    }
    all.sort();
    Ok((percentile(&all, 0.5), percentile(&all, 0.99), bytes))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let key_file = work.path().join("oprf.key");
    let key = ServerKey::create_file(&key_file)?;
    let ids: Vec<Identifier> = (0..args.people)
        .map(|j| lekradar_normalize::normalize(&person(j), Region::NL).unwrap())
        .collect();

    // The keying ceiling: the PRF alone on the same threads.
    let started = Instant::now();
    let keyed = key_all(&key, &ids, threads);
    let ceiling_secs = started.elapsed().as_secs_f64();
    let ceiling = args.people as f64 / ceiling_secs;
    eprintln!("keyed {} in {ceiling_secs:.1} s", args.people);

    // The index: each breach holds one person in `every`.
    let index = work.path().join("index");
    let mut writer = IndexWriter::open(&index)?;
    let mut tx = Transaction::new();
    for i in 0..args.breaches {
        let name = format!("Leak{i:02}");
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut meta = BreachMetadata::new(&name, &format!("Leak number {i}"), date);
        meta.is_verified = true;
        let classes = ["Email addresses", "Names", "Phone numbers"]
            .iter()
            .map(|c| 1u32 << meta.class_bit(c).unwrap())
            .fold(0, |a, b| a | b);
        let mut builder = writer.segment_builder(64 << 20)?;
        for (j, (output, bucket)) in keyed.iter().enumerate() {
            if (j + i).is_multiple_of(args.every) {
                let (k, pad) = filing_of_output(*bucket, output).in_breach(&name);
                builder.push_sealed(Key::masked(k.bucket(), *k.tag()), classes, pad, 0)?;
            }
        }
        let (segments, stats) = builder.finish()?;
        meta.pwn_count = stats.written;
        meta.validate()?;
        tx.set_metadata(&meta.name, meta.encode())
            .add_segments(&meta.name, segments);
    }
    writer.commit(tx)?;
    drop(writer);
    eprintln!("index built");

    // The service with organisations on a fresh store.
    let url = args
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", work.path().join("store.sqlite3").display()));
    let store = Store::open(&url).await.context("the store")?;
    let contact = ContactKey::generate();
    let templates = Arc::new(Templates::new(&Messaging::address(PUBLIC_URL))?);
    let orgs = Orgs::new(
        store.clone(),
        OrgMail {
            key: contact.clone(),
            templates: Arc::clone(&templates),
            public_url: PUBLIC_URL.into(),
        },
        OrgsConfig {
            max_entries: args.people.max(200_000),
            // Measuring, not budgeting: the domain search's key may ask freely.
            api_key_rate: (1_000_000_000, 1),
            ..OrgsConfig::default()
        },
    )?;
    let l10n = L10n::new()?;
    let messaging = Messaging {
        key: contact.clone(),
        templates,
        advice: Arc::new(RenderedAdvice::new(&l10n)),
        l10n: Arc::new(L10n::new()?),
        public_url: PUBLIC_URL.into(),
        mail: true,
        sms: false,
        orgs: Some(orgs.clone()),
    };
    let lifted = Rate::new(1_000_000_000, 1)?;
    let config = ServiceConfig {
        mode: DeploymentMode::Public,
        default_region: Region::NL,
        require_api_key: false,
        rates: Rates {
            per_address: lifted,
            per_subnet: lifted,
            per_site: lifted,
            global: lifted,
            reads_per_address: lifted,
        },
        shared_budgets: false,
        api_key_cache: Duration::from_secs(5),
        private_bucket_bits: 16,
        reload_interval: Duration::from_secs(1),
    };
    let (answers, mut rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let service = Service::new(
        config,
        IndexReader::open(&index)?,
        ServerKey::load(&key_file)?,
        store.clone(),
        answers,
        Some(messaging),
    );

    // An organisation with its domain proved and a signed-in owner.
    let token = "b".repeat(43);
    let sealed = contact.seal(b"org-person", format!("owner@{DOMAIN}").as_bytes());
    let public_id = "bench-org".to_owned();
    let public = public_id.clone();
    store
        .transaction(move |c| {
            Box::pin(async move {
                let now = now_us();
                let p = db::person_for(c, &[1; 32], &sealed, "en", now).await?;
                let org = db::create_org(c, &public, "Acme", now).await?;
                db::add_member(c, org, p.id, db::Role::Owner, now).await?;
                let d = db::add_domain(c, org, DOMAIN, "t", now).await?.unwrap();
                db::verify_domain(c, d, db::DomainMethod::Dns, now).await?;
                let hash = Sha256::digest("b".repeat(43).as_bytes()).to_vec();
                db::insert_session(c, &hash, p.id, now, now + 86_400_000_000).await
            })
        })
        .await?;
    let session = orgs.session(&token).await?;
    let member = orgs.member(&session, &public_id).await?;

    // The job runner, as `serve` runs it: it matches large uploads.
    let mut runner = lekradar_jobs::Runner::new(store.clone(), Default::default());
    service.schedule(&mut runner);
    let (stop_runner, runner_stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(runner.run(async {
        let _ = runner_stopped.await;
    }));

    // The upload: a CSV file read in memory, checked, keyed, matched, stored.
    let mut csv = String::from("name,email,mobile,staff\n");
    for j in 0..args.people {
        let p = person(j);
        if p.starts_with('+') {
            csv.push_str(&format!("Person {j},,{p},S{j}\n"));
        } else {
            csv.push_str(&format!("Person {j},{p},,S{j}\n"));
        }
    }
    let bytes = csv.into_bytes();
    let size = bytes.len();
    let started = Instant::now();
    let file = lekradar_orgs::watchlist::read_file(bytes, "staff.csv", &[Region::NL])?;
    let read_secs = started.elapsed().as_secs_f64();
    let read_n = file.entries.len();
    let watched = service.watch(&orgs, &member, file.entries, "bench").await?;
    let total_secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        watched.added.added == args.people && watched.refused.is_empty(),
        "added {:?}, refused {}",
        watched.added,
        watched.refused.len()
    );
    let upload = args.people as f64 / total_secs;
    eprintln!("uploaded in {total_secs:.1} s (read {read_secs:.1} s)");
    // Matched in the background: until no entry waits.
    let org = member.org;
    loop {
        let waiting = store
            .run(move |c| Box::pin(async move { db::watch_awaiting(c, org).await }))
            .await?;
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let matched_secs = started.elapsed().as_secs_f64();
    eprintln!("matched in {matched_secs:.1} s");

    // Keying and matching alone, on the same threads (what the upload adds
    // to the ceiling is matching, reading and storing).
    let (snapshot, catalogue) = service.snapshot();
    let started = Instant::now();
    let chunk = ids.len().div_ceil(threads).max(1);
    let hits: usize = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|part| {
                let (key, snapshot, catalogue) = (&key, &snapshot, &catalogue);
                s.spawn(move || {
                    part.iter()
                        .map(|id| {
                            let input = id.prf_input();
                            let output = key.evaluate(&input).unwrap();
                            let bucket = lekradar_prf::bucket(&input);
                            lekradar_service::watchlists::matches_of(
                                snapshot, catalogue, &output, bucket,
                            )
                            .len()
                        })
                        .sum::<usize>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let key_match_secs = started.elapsed().as_secs_f64();

    // The pages over HTTP.
    let mut server_config = lekradar_web::ServerConfig::new("127.0.0.1:0".parse()?);
    server_config.mode = DeploymentMode::Public;
    let app = lekradar_web::App::new(server_config, service.clone(), L10n::new()?);
    let listener = lekradar_web::bind("127.0.0.1:0".parse()?).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(lekradar_web::serve_with_operator(
        app,
        listener,
        None,
        async {
            let _ = stopped.await;
        },
    ));
    let t = Instant::now();
    let one = measure(&base, &format!("/org/{public_id}/report"), &token, 2).await?;
    eprintln!(
        "one report: {:.0} ms ({:.1} s)",
        one.0,
        t.elapsed().as_secs_f64()
    );
    let report = measure(
        &base,
        &format!("/org/{public_id}/report"),
        &token,
        args.requests,
    )
    .await?;
    let all = measure(
        &base,
        &format!("/org/{public_id}/report?all=1"),
        &token,
        args.requests,
    )
    .await?;
    let page = measure(&base, &format!("/org/{public_id}"), &token, args.requests).await?;
    let key = orgs.create_api_key(&member, "bench").await?;
    let domain = measure_with(
        &base,
        &format!("/api/v3/breacheddomain/{DOMAIN}"),
        ("hibp-api-key", key.secret.clone()),
        args.requests,
    )
    .await?;
    let export = measure(&base, &format!("/org/{public_id}/report.csv"), &token, 10).await?;
    let _ = stop.send(());
    let _ = server.await;
    let _ = stop_runner.send(());
    let _ = running.await;

    let exposed = (0..args.people)
        .filter(|j| (0..args.breaches).any(|i| (j + i).is_multiple_of(args.every)))
        .count();
    println!(
        "orgs benchmark: {} people ({} exposed), {} breaches, store {}, {threads} threads",
        args.people,
        exposed,
        args.breaches,
        store.backend()
    );
    println!();
    println!(
        "| upload of {} entries ({:.1} MiB CSV) | entries/s | s |",
        args.people,
        size as f64 / (1 << 20) as f64
    );
    println!("|---|---|---|");
    println!("| keying ceiling (PRF alone, same threads) | {ceiling:.0} | {ceiling_secs:.2} |");
    println!("| upload answered: read + check + key + store | {upload:.0} | {total_secs:.2} |");
    println!(
        "| until every entry is matched (background jobs) | {:.0} | {matched_secs:.2} |",
        args.people as f64 / matched_secs
    );
    println!(
        "| of which reading the file ({read_n} entries) | {:.0} | {read_secs:.2} |",
        read_n as f64 / read_secs
    );
    println!(
        "| keying + matching alone ({hits} hits) | {:.0} | {key_match_secs:.2} |",
        args.people as f64 / key_match_secs
    );
    println!("| upload / ceiling | {:.1} % | |", 100.0 * upload / ceiling);
    println!();
    println!("| page (2 clients) | p50 ms | p99 ms | bytes |");
    println!("|---|---|---|---|");
    println!(
        "| report (breaches, chart, first 100 exposed) | {:.1} | {:.1} | {} |",
        report.0, report.1, report.2
    );
    println!(
        "| report, everybody (first 100) | {:.1} | {:.1} | {} |",
        all.0, all.1, all.2
    );
    println!(
        "| organisation page | {:.1} | {:.1} | {} |",
        page.0, page.1, page.2
    );
    println!(
        "| HIBP breacheddomain (every watched address at the domain) | {:.1} | {:.1} | {} |",
        domain.0, domain.1, domain.2
    );
    println!(
        "| CSV export of everybody (10 requests) | {:.1} | {:.1} | {} |",
        export.0, export.1, export.2
    );
    Ok(())
}
