//! Organisations' alerts benchmark (bench/org-alerts.sh): a new breach
//! matched against `--orgs` organisations with `--entries` watchlist
//! entries each, `--hits` of each organisation's people in the breach;
//! every organisation has one webhook endpoint, a receiver on loopback
//! that answers 200. Measured: from the matching job's enqueue (what a
//! server does when it loads a new index generation) to the last webhook
//! accepted, through the real runner (the `alerts.match` job, then one
//! `outbox.webhook` job per organisation, signed and POSTed by reqwest),
//! with the server's runner settings (32 jobs at once). Baselines from
//! the same run: a plain scan of the watchlist rows, and as many plain
//! POSTs to the same receiver.
//!
//! Set-up is not measured: organisations, owners, domains and endpoints
//! through the store's functions; the watchlist rows written straight into
//! the SQLite file (random PRF outputs, except the `--hits` per
//! organisation that are real keyed identifiers the breach holds).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use lekradar_breach::{BreachMetadata, NaiveDate};
use lekradar_check::filing_of_output;
use lekradar_index::{IndexReader, IndexWriter, Key, Transaction};
use lekradar_jobs::{Runner, RunnerConfig};
use lekradar_l10n::advice::RenderedAdvice;
use lekradar_l10n::L10n;
use lekradar_messages::webhook::Secrets;
use lekradar_messages::{ContactKey, Outbox, Templates, WebhookConfig, WebhookSender};
use lekradar_normalize::{Identifier, Region};
use lekradar_orgs::{OrgMail, Orgs, OrgsConfig};
use lekradar_prf::{ServerKey, OUTPUT_LEN};
use lekradar_service::{DeploymentMode, Messaging, Rates, Service, ServiceConfig};
use lekradar_store::jobs::now_us;
use lekradar_store::orgs as db;
use lekradar_store::{Rate, Store};
use rand::RngCore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PUBLIC_URL: &str = "https://lekradar.test";

#[derive(Parser)]
struct Args {
    /// Organisations.
    #[arg(long, default_value_t = 1000)]
    orgs: usize,
    /// Watchlist entries per organisation.
    #[arg(long, default_value_t = 10_000)]
    entries: usize,
    /// Of each organisation's entries, how many the new breach holds.
    #[arg(long, default_value_t = 10)]
    hits: usize,
    /// Other identifiers in the new breach.
    #[arg(long, default_value_t = 100_000)]
    filler: usize,
    /// The runner's jobs at once (serve's default).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Where the store and index go (default: a temporary directory).
    #[arg(long)]
    work: Option<std::path::PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

/// Keys `ids` on every core: (output, bucket).
fn key_all(key: &ServerKey, ids: &[Identifier]) -> Vec<([u8; OUTPUT_LEN], u32)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
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

/// A webhook receiver: HTTP/1.1 keep-alive, answers 200 to every POST;
/// counts them and notes when each arrived.
async fn receiver(count: Arc<AtomicU64>, last: Arc<Mutex<Option<Instant>>>) -> anyhow::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let (count, last) = (Arc::clone(&count), Arc::clone(&last));
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(8192);
                loop {
                    // Headers, then the body by content-length.
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 8192];
                        match conn.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + length {
                        let mut chunk = [0u8; 8192];
                        match conn.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..head_end + length);
                    count.fetch_add(1, Ordering::SeqCst);
                    *last.lock().unwrap() = Some(Instant::now());
                    if conn
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Ok(port)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let work = args.work.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&work)?;
    let key_file = work.join("oprf.key");
    let _ = std::fs::remove_file(&key_file);
    let key = ServerKey::create_file(&key_file)?;

    // The people the new breach holds: `hits` per organisation, keyed.
    let people: Vec<Identifier> = (0..args.orgs * args.hits)
        .map(|j| {
            let org = j / args.hits.max(1);
            let address = format!("person{j}@org{org}.example");
            lekradar_normalize::normalize(&address, Region::NL).unwrap()
        })
        .collect();
    let filler: Vec<Identifier> = (0..args.filler)
        .map(|j| lekradar_normalize::normalize(&format!("other{j}@else.example"), Region::NL))
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    let hit_keys = key_all(&key, &people);
    let filler_keys = key_all(&key, &filler);
    eprintln!(
        "keyed {} identifiers in {:.1} s",
        people.len() + filler.len(),
        started.elapsed().as_secs_f64()
    );

    // The store: organisations, owners, domains, endpoints.
    let store_path = work.join("store.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store_path.display()));
    }
    let store = Store::open(&format!("sqlite:{}", store_path.display()))
        .await
        .context("the store")?;
    let contact = ContactKey::generate();
    let count = Arc::new(AtomicU64::new(0));
    let last = Arc::new(Mutex::new(None));
    let port = receiver(Arc::clone(&count), Arc::clone(&last)).await?;
    let started = Instant::now();
    let (n_orgs, sealed_secrets) = (
        args.orgs,
        Secrets::new(lekradar_messages::webhook::new_secret()).seal(&contact),
    );
    let url = format!("http://127.0.0.1:{port}/hook");
    let owner_contact = contact.clone();
    let hook_url = url.clone();
    let org_ids: Vec<i64> = store
        .transaction(move |c| {
            Box::pin(async move {
                let now = now_us();
                let mut ids = Vec::with_capacity(n_orgs);
                for i in 0..n_orgs {
                    let address = format!("owner@org{i}.example");
                    let sealed = owner_contact.seal(b"org-person", address.as_bytes());
                    let mac = owner_contact.mac(b"org-person", &[address.as_bytes()]);
                    let p = db::person_for(c, &mac, &sealed, "en", now).await?;
                    let org =
                        db::create_org(c, &format!("org-{i:05}"), &format!("Org {i}"), now).await?;
                    db::add_member(c, org, p.id, db::Role::Owner, now).await?;
                    let d = db::add_domain(c, org, &format!("org{i}.example"), "t", now)
                        .await?
                        .expect("a new domain");
                    db::verify_domain(c, d, db::DomainMethod::Dns, now).await?;
                    db::add_webhook(c, org, &hook_url, &sealed_secrets, now).await?;
                    ids.push(org);
                }
                Ok(ids)
            })
        })
        .await?;

    // The watchlists, straight into the file: random outputs, and the
    // keyed people the breach holds.
    {
        let mut conn = rusqlite::Connection::open(&store_path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO org_watch (org, kind, prf_output, bucket, domain, entry, created_at_us)
                 VALUES (?1, 'email', ?2, ?3, ?4, x'00', 0)",
            )?;
            let mut rng = rand::thread_rng();
            let mut output = [0u8; OUTPUT_LEN];
            for (i, &org) in org_ids.iter().enumerate() {
                let domain = format!("org{i}.example");
                for e in 0..args.entries {
                    if e < args.hits {
                        let (out, bucket) = &hit_keys[i * args.hits + e];
                        insert.execute(rusqlite::params![org, &out[..], bucket, domain])?;
                    } else {
                        rng.fill_bytes(&mut output);
                        let bucket = rng.next_u32();
                        insert.execute(rusqlite::params![org, &output[..], bucket, domain])?;
                    }
                }
            }
        }
        tx.commit()?;
    }
    let rows = args.orgs * args.entries;
    let size = std::fs::metadata(&store_path)?.len()
        + std::fs::metadata(format!("{}-wal", store_path.display())).map_or(0, |m| m.len());
    eprintln!(
        "{rows} watchlist rows written in {:.1} s ({:.2} GB store)",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e9
    );

    // The new breach.
    let index = work.join("index");
    let _ = std::fs::remove_dir_all(&index);
    let mut writer = IndexWriter::open(&index)?;
    let mut tx = Transaction::new();
    let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let mut meta = BreachMetadata::new("NewLeak", "A new leak", date);
    meta.is_verified = true;
    let classes = ["Email addresses", "Names"]
        .iter()
        .map(|c| 1u32 << meta.class_bit(c).unwrap())
        .fold(0, |a, b| a | b);
    let mut builder = writer.segment_builder(256 << 20)?;
    for (output, bucket) in hit_keys.iter().chain(&filler_keys) {
        let (k, pad) = filing_of_output(*bucket, output).in_breach("NewLeak");
        builder.push_sealed(Key::masked(k.bucket(), *k.tag()), classes, pad, 0)?;
    }
    let (segments, stats) = builder.finish()?;
    meta.pwn_count = stats.written;
    meta.validate()?;
    tx.set_metadata(&meta.name, meta.encode())
        .add_segments(&meta.name, segments);
    writer.commit(tx)?;
    drop(writer);

    // The service with organisations, and the runner a server runs.
    let templates = Arc::new(Templates::new(&Messaging::address(PUBLIC_URL))?);
    let webhooks = WebhookConfig {
        allow_private: true,
        ..WebhookConfig::default()
    };
    let orgs = Orgs::new(
        store.clone(),
        OrgMail {
            key: contact.clone(),
            templates: Arc::clone(&templates),
            public_url: PUBLIC_URL.into(),
        },
        OrgsConfig {
            webhooks: webhooks.clone(),
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
    let mut runner = Runner::new(
        store.clone(),
        RunnerConfig {
            concurrency: args.concurrency,
            ..RunnerConfig::default()
        },
    );
    service.schedule(&mut runner);
    Outbox {
        key: contact.clone(),
        mailer: None,
        sms: None,
        webhooks: Some(WebhookSender::new(webhooks, store.clone(), contact)?),
    }
    .register(&mut runner);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));

    // Baselines in the same run, each a floor the measured path cannot beat:
    // reading every watchlist row from the same file, and as many plain
    // POSTs (same client library, same concurrency, no signing, no outbox)
    // to the same receiver.
    let scan_secs = {
        let path = store_path.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<(f64, usize)> {
            let conn = rusqlite::Connection::open(&path)?;
            let started = Instant::now();
            let mut statement = conn.prepare("SELECT org, prf_output, bucket FROM org_watch")?;
            let mut rows = statement.query([])?;
            let mut n = 0usize;
            while let Some(row) = rows.next()? {
                let output: Vec<u8> = row.get(1)?;
                n += usize::from(!output.is_empty());
            }
            Ok((started.elapsed().as_secs_f64(), n))
        })
        .await??
    };
    anyhow::ensure!(scan_secs.1 == rows, "the scan read {} rows", scan_secs.1);
    let scan_secs = scan_secs.0;
    let post_secs = {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        let permits = Arc::new(tokio::sync::Semaphore::new(args.concurrency));
        let body = serde_json::json!({
            "type": "breach.matched",
            "timestamp": "2026-12-01T00:00:00Z",
            "data": {"breach": "NewLeak", "organisation": "org-00000", "people": args.hits,
                     "data_classes": ["Email addresses", "Names"],
                     "details": format!("{PUBLIC_URL}/api/v3/breach/NewLeak")},
        })
        .to_string();
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..args.orgs {
            let (client, permits, body, url) = (
                client.clone(),
                Arc::clone(&permits),
                body.clone(),
                url.clone(),
            );
            tasks.spawn(async move {
                let _permit = permits.acquire().await?;
                let answer = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await?;
                anyhow::ensure!(answer.status().is_success(), "{}", answer.status());
                anyhow::Ok(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        started.elapsed().as_secs_f64()
    };
    count.store(0, Ordering::SeqCst);
    *last.lock().unwrap() = None;

    // Measured: from the matching job's enqueue to the last webhook.
    let started = Instant::now();
    service.enqueue_matching().await;
    let expected = args.orgs as u64;
    while count.load(Ordering::SeqCst) < expected {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(3600),
            "only {} of {expected} webhooks in an hour",
            count.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let last_at = last.lock().unwrap().expect("a delivery");
    let total = last_at.duration_since(started).as_secs_f64();
    // When matching ended: the job's row.
    let jobs = store.jobs().list(None, 100_000).await?;
    let matching = jobs
        .iter()
        .find(|j| j.kind == "alerts.match")
        .context("the matching job")?;
    let match_secs = matching
        .finished_at_us
        .map_or(f64::NAN, |f| (f - matching.created_at_us) as f64 / 1e6);
    let deliveries = jobs.iter().filter(|j| j.kind == "outbox.webhook").count();
    let digests = jobs.iter().filter(|j| j.kind == "outbox.mail").count();
    let _ = stop.send(());
    let _ = running.await;
    // Nothing more arrives (each event once).
    tokio::time::sleep(Duration::from_millis(500)).await;

    println!(
        "org alerts benchmark: {} organisations × {} entries = {rows} watchlist rows ({:.2} GB SQLite), {} hits each, breach of {} identifiers, {} threads",
        args.orgs,
        args.entries,
        size as f64 / 1e9,
        args.hits,
        hit_keys.len() + filler_keys.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| measured | s |");
    println!("|---|---|");
    println!("| **enqueue → last webhook accepted** ({deliveries} deliveries, {digests} digest mails enqueued) | **{total:.2}** |");
    println!("| matching job: enqueue → its completion recorded (scan {rows} rows, record hits, tell {} organisations; deliveries start while it tells, and completions are group-committed) | {match_secs:.2} |", args.orgs);
    println!();
    println!("| floor in the same run | s |");
    println!("|---|---|");
    println!(
        "| read every watchlist row of the same file (rusqlite, one thread) | {scan_secs:.2} |"
    );
    println!("| {} plain POSTs to the same receiver (reqwest, {} at once, no signing, no outbox) | {post_secs:.2} |", args.orgs, args.concurrency);
    println!("| sum of the floors | {:.2} |", scan_secs + post_secs);
    println!();
    println!("| rate | |");
    println!("|---|---|");
    println!(
        "| watchlist rows to the last webhook, per second | {:.0} |",
        rows as f64 / total
    );
    println!("| webhooks received | {} |", count.load(Ordering::SeqCst));
    Ok(())
}
