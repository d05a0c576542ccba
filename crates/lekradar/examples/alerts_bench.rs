//! The alerts benchmark (run by `bench/alerts.sh`, never a test): a breach
//! of `--breach` email addresses published against `--subscriptions`
//! active subscriptions of which `--matching` are in it, through the real
//! parts — `Service::match_new_segments`, the store (SQLite, or PostgreSQL
//! with `--store postgres` and `TEST_DATABASE_URL`), the runner with the
//! outbox, `lekradar-messages`' mailer (lettre, DKIM) and the aiosmtpd sink
//! of `lekradar-testkit` on loopback — beside baselines of the same run.
//!
//! Phases (`--phases`, comma-separated; each on a fresh store and index;
//! `match` is `staged` without the deliveries, e.g. to profile it):
//! - `scan`: matching alone, `--scan` subscriptions none of which is in the
//!   breach (time linear? memory flat?); `scan-dense` the same with every
//!   subscription in a bucket of the breach (no HKDF skipped: a breach
//!   filling nearly every bucket, ~100 M entries);
//! - `decompose`: what one subscription costs in matching, part by part
//!   (store page reads, HKDF, segment lookups), and the same loop on every
//!   core;
//! - `staged`: matching with `--matching` alerts enqueued, then for each
//!   `--concurrency` the outbox draining the queue into a fresh sink, the
//!   mailer without the outbox (same mails, same concurrency), and the
//!   ceiling: the sink's own acceptance rate for the same bytes sent by a
//!   plain SMTP client (before and after the outbox);
//! - `pipeline`: what a server does: the runner with the service's work
//!   and the outbox, the breach published while it runs; publish to the
//!   last mail accepted.
//!
//! Results are appended to `--out` as lines `KIND key=value ...`;
//! `bench/alerts.sh` prints them as tables. Progress goes to stderr.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context as _};
use clap::Parser;
use lekradar_breach::{BreachMetadata, NaiveDate};
use lekradar_check::filing_of_output;
use lekradar_index::{IndexReader, IndexWriter, Key, Transaction};
use lekradar_jobs::{Runner, RunnerConfig};
use lekradar_l10n::advice::RenderedAdvice;
use lekradar_l10n::L10n;
use lekradar_messages::{
    ContactKey, DkimSettings, MailConfig, Mailer, Outbox, OutgoingMail, Templates,
};
use lekradar_normalize::Region;
use lekradar_prf::{ServerKey, OUTPUT_LEN};
use lekradar_service::{DeploymentMode, Messaging, Rates, Service, ServiceConfig};
use lekradar_store::{Rate, Store};
use lekradar_testkit::services::{SmtpSink, SmtpSinkOptions};
use rand::{Rng, RngCore, SeedableRng};
use rayon::prelude::*;

const BREACH: &str = "BenchShop";
const PUBLIC_URL: &str = "https://lekradar.test";
const FROM: &str = "Lekradar <alerts@lekradar.test>";
const ENVELOPE_FROM: &str = "alerts@lekradar.test";
/// The matching page of `Service::match_new_segments` (alerts.rs `PAGE`),
/// for the decomposition.
const PAGE: i64 = 20_000;

#[derive(Debug, Parser)]
struct Args {
    /// Working directory: the keyed breach is cached here across runs.
    #[arg(long)]
    work: PathBuf,
    /// sqlite, or postgres (TEST_DATABASE_URL; a fresh schema per phase).
    #[arg(long, default_value = "sqlite")]
    store: String,
    /// Email addresses in the breach.
    #[arg(long, default_value_t = 1_000_000)]
    breach: usize,
    /// Active subscriptions of the staged and pipeline phases.
    #[arg(long, default_value_t = 100_000)]
    subscriptions: usize,
    /// How many of them are in the breach (one alert mail each).
    #[arg(long, default_value_t = 10_000)]
    matching: usize,
    /// Subscription counts of the scan phase (none in the breach).
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    scan: Vec<usize>,
    /// Runner concurrency (= plain-client connections) of the staged
    /// phase, each on its own queue; the pipeline uses the first.
    #[arg(long, value_delimiter = ',', default_value = "8")]
    concurrency: Vec<usize>,
    /// The mailer's SMTP connection pool: serve (10, what `lekradar
    /// serve` builds), match (= the concurrency) or a number.
    #[arg(long, default_value = "match")]
    pool_size: String,
    /// DKIM signature of the mails: ed25519, rsa (2048 bits) or none.
    #[arg(long, default_value = "ed25519")]
    dkim: String,
    /// Phases to run: scan, scan-dense, decompose, staged (match), pipeline.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "scan,decompose,staged,pipeline"
    )]
    phases: Vec<String>,
    /// Where result lines are appended.
    #[arg(long)]
    out: PathBuf,
    /// The SQLite stores' directory (default: WORK/stores; on disk, as a
    /// deployment's data directory).
    #[arg(long)]
    store_dir: Option<PathBuf>,
    /// The store's name in results (default: --store).
    #[arg(long)]
    label: Option<String>,
}

// ---------------------------------------------------------------------------
// Results, CPU and memory

struct Out {
    file: std::fs::File,
    backend: String,
}

impl Out {
    fn line(&mut self, kind: &str, fields: &[(&str, String)]) {
        let mut s = format!("{kind} store={}", self.backend);
        for (k, v) in fields {
            s.push_str(&format!(" {k}={v}"));
        }
        eprintln!("RESULT {s}");
        writeln!(self.file, "{s}").unwrap();
    }
}

fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
}

/// utime + stime of a process, in seconds.
fn cpu_of(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields after the command: state is 3rd overall, utime 14th, stime 15th.
    let ticks: u64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    ticks as f64 / clk_tck()
}

/// CPU seconds of every process whose command name is `comm`.
fn cpu_of_comm(comm: &str) -> f64 {
    let mut total = 0.0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if std::fs::read_to_string(entry.path().join("comm"))
            .map(|c| c.trim() == comm)
            .unwrap_or(false)
        {
            total += cpu_of(&name);
        }
    }
    total
}

/// The PID of the SMTP sink listening on `port`.
fn sink_pid(port: u16) -> Option<String> {
    let want = format!("--port\0{port}\0");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.contains("smtp_sink.py") && cmdline.contains(&want) {
            return Some(name);
        }
    }
    None
}

/// CPU seconds of this process, the sink and PostgreSQL's processes.
/// (All of them: the machine's busy time, to tell what else ran; `pg`
/// counts every postgres process, `pg_mine` the backends of this process's
/// connections, as the shared test cluster may serve others too.)
#[derive(Clone, Default)]
struct Cpu {
    me: f64,
    sink: f64,
    pg: f64,
    all: f64,
    pg_mine: f64,
    backends: HashMap<String, f64>,
}

/// CPU seconds of the PostgreSQL backends serving this process's TCP
/// connections, by PID (a backend's title names its client's port).
fn my_backends() -> HashMap<String, f64> {
    let mut inodes = std::collections::HashSet::new();
    for fd in std::fs::read_dir("/proc/self/fd")
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Ok(target) = std::fs::read_link(fd.path()) {
            let t = target.to_string_lossy();
            if let Some(inode) = t.strip_prefix("socket:[").and_then(|r| r.strip_suffix(']')) {
                inodes.insert(inode.to_owned());
            }
        }
    }
    let mut ports = Vec::new();
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        for line in std::fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
        {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() > 9 && inodes.contains(f[9]) {
                if let Some(port) = f[1]
                    .rsplit(':')
                    .next()
                    .and_then(|p| u16::from_str_radix(p, 16).ok())
                {
                    ports.push(format!("({port})"));
                }
            }
        }
    }
    let mut out = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let title = String::from_utf8_lossy(&cmdline);
        if title.starts_with("postgres:") && ports.iter().any(|p| title.contains(p.as_str())) {
            out.insert(pid.clone(), cpu_of(&pid));
        }
    }
    out
}

/// Busy CPU seconds of the whole machine (/proc/stat: all but idle and
/// iowait).
fn machine_busy() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let f: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: f64 = f.iter().take(8).sum();
    let idle = f.get(3).copied().unwrap_or(0.0) + f.get(4).copied().unwrap_or(0.0);
    (total - idle) / clk_tck()
}

fn cpu_now(sink: Option<&str>, pg: bool) -> Cpu {
    Cpu {
        me: cpu_of("self"),
        sink: sink.map_or(0.0, cpu_of),
        pg: if pg { cpu_of_comm("postgres") } else { 0.0 },
        all: machine_busy(),
        pg_mine: 0.0,
        backends: if pg { my_backends() } else { HashMap::new() },
    }
}

impl Cpu {
    fn since(self, before: Cpu) -> Cpu {
        let pg_mine = self
            .backends
            .iter()
            .map(|(pid, t)| t - before.backends.get(pid).copied().unwrap_or(0.0))
            .sum::<f64>()
            + 0.0;
        Cpu {
            me: self.me - before.me,
            sink: self.sink - before.sink,
            pg: self.pg - before.pg,
            all: self.all - before.all,
            pg_mine,
            backends: HashMap::new(),
        }
    }

    /// CPU seconds of everything else on the machine.
    fn other(&self) -> f64 {
        (self.all - self.me - self.sink - self.pg).max(0.0)
    }
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Peak memory of one phase: VmHWM after resetting it (clear_refs 5), and
/// the largest anonymous RSS seen by a sampler every 2 ms.
struct MemoryPeak {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
    rss_before: u64,
    anon_before: u64,
}

impl MemoryPeak {
    fn start() -> MemoryPeak {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut max = 0;
            while !flag.load(Ordering::Relaxed) {
                max = max.max(status_kib("RssAnon:"));
                std::thread::sleep(Duration::from_millis(2));
            }
            max.max(status_kib("RssAnon:"))
        });
        MemoryPeak {
            stop,
            thread,
            rss_before: status_kib("VmRSS:"),
            anon_before: status_kib("RssAnon:"),
        }
    }

    /// (RSS before, peak RSS, anon before, peak anon), MiB.
    fn finish(self) -> [f64; 4] {
        self.stop.store(true, Ordering::Relaxed);
        let anon = self.thread.join().unwrap();
        let mib = |k: u64| k as f64 / 1024.0;
        [
            mib(self.rss_before),
            mib(status_kib("VmHWM:")),
            mib(self.anon_before),
            mib(anon),
        ]
    }
}

fn f1(x: f64) -> String {
    format!("{x:.1}")
}
fn f3(x: f64) -> String {
    format!("{x:.3}")
}
fn f0(x: f64) -> String {
    format!("{x:.0}")
}

// ---------------------------------------------------------------------------
// The keyed breach, cached

fn email(i: usize) -> String {
    format!("p{i:07}@d{:03}.example.nl", i % 997)
}

/// One identifier of the breach as the index files it, and the subscribed
/// ones as a subscription row needs them.
struct Keyed {
    entries: Vec<(u32, [u8; 8], u32)>,
    subscribed: Vec<(String, [u8; OUTPUT_LEN], u32)>,
}

fn keyed(work: &Path, n: usize, m: usize) -> anyhow::Result<(PathBuf, Keyed)> {
    let cache = work.join("cache");
    std::fs::create_dir_all(&cache)?;
    let key_file = cache.join("oprf.key");
    let key = if key_file.exists() {
        ServerKey::load(&key_file)?
    } else {
        ServerKey::create_file(&key_file)?
    };
    let path = cache.join(format!("breach-{n}-{m}-{}.bin", key.key_id()));
    if let Ok(bytes) = std::fs::read(&path) {
        return Ok((key_file, decode_keyed(&bytes, n, m)?));
    }
    ensure!(
        m > 0 && n.is_multiple_of(m),
        "--breach must be a multiple of --matching"
    );
    eprintln!("keying {n} addresses (cached in {}) ...", path.display());
    let started = Instant::now();
    let step = n / m;
    let rows: Vec<_> = (0..n)
        .into_par_iter()
        .map(|i| {
            let id = lekradar_normalize::normalize(&email(i), Region::NL).unwrap();
            let input = id.prf_input();
            let output = key.evaluate(&input).unwrap();
            let bucket = lekradar_prf::bucket(&input);
            let (k, pad) = filing_of_output(bucket, &output).in_breach(BREACH);
            let sub = (i % step == 0).then(|| (id.canonical().to_owned(), output, bucket));
            ((k.bucket(), *k.tag(), pad), sub)
        })
        .collect();
    eprintln!("keyed in {:.1} s", started.elapsed().as_secs_f64());
    let mut keyed = Keyed {
        entries: Vec::with_capacity(n),
        subscribed: Vec::with_capacity(m),
    };
    for (e, s) in rows {
        keyed.entries.push(e);
        keyed.subscribed.extend(s);
    }
    let mut bytes = Vec::new();
    for (b, t, p) in &keyed.entries {
        bytes.extend_from_slice(&b.to_le_bytes());
        bytes.extend_from_slice(t);
        bytes.extend_from_slice(&p.to_le_bytes());
    }
    for (e, o, b) in &keyed.subscribed {
        bytes.extend_from_slice(o);
        bytes.extend_from_slice(&b.to_le_bytes());
        bytes.push(u8::try_from(e.len())?);
        bytes.extend_from_slice(e.as_bytes());
    }
    std::fs::write(&path, bytes)?;
    Ok((key_file, keyed))
}

fn decode_keyed(bytes: &[u8], n: usize, m: usize) -> anyhow::Result<Keyed> {
    let mut keyed = Keyed {
        entries: Vec::with_capacity(n),
        subscribed: Vec::with_capacity(m),
    };
    let mut at = 0;
    for _ in 0..n {
        let e = &bytes[at..at + 16];
        keyed.entries.push((
            u32::from_le_bytes(e[0..4].try_into()?),
            e[4..12].try_into()?,
            u32::from_le_bytes(e[12..16].try_into()?),
        ));
        at += 16;
    }
    for _ in 0..m {
        let output: [u8; OUTPUT_LEN] = bytes[at..at + OUTPUT_LEN].try_into()?;
        at += OUTPUT_LEN;
        let bucket = u32::from_le_bytes(bytes[at..at + 4].try_into()?);
        at += 4;
        let len = bytes[at] as usize;
        at += 1;
        let email = std::str::from_utf8(&bytes[at..at + len])?.to_owned();
        at += len;
        keyed.subscribed.push((email, output, bucket));
    }
    ensure!(at == bytes.len(), "the keyed cache has trailing bytes");
    Ok(keyed)
}

fn metadata() -> BreachMetadata {
    let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let mut meta = BreachMetadata::new(BREACH, "A web shop", date);
    meta.domain = "shop.example".into();
    meta.is_verified = true;
    meta.descriptions.nl = Some("Een webwinkel lekte zijn klantenbestand.".into());
    meta.descriptions.fr = Some("Une boutique en ligne a perdu ses clients.".into());
    meta.descriptions.en = Some("A web shop leaked its customer file.".into());
    meta
}

/// Writes the breach's segments into `dir` (a fresh index); returns the
/// writer and the transaction that publishes them.
fn build_index(dir: &Path, keyed: &Keyed) -> anyhow::Result<(IndexWriter, Transaction)> {
    let writer = IndexWriter::open(dir)?;
    let mut meta = metadata();
    let classes = ["Email addresses", "Names", "Passwords", "Phone numbers"]
        .iter()
        .map(|c| 1u32 << meta.class_bit(c).unwrap())
        .fold(0, |a, b| a | b);
    let mut builder = writer.segment_builder(64 << 20)?;
    for (b, t, pad) in &keyed.entries {
        builder.push_sealed(Key::masked(*b, *t), classes, *pad, 0)?;
    }
    let (segments, stats) = builder.finish()?;
    meta.pwn_count = stats.written;
    meta.validate()?;
    let mut tx = Transaction::new();
    tx.set_metadata(&meta.name, meta.encode())
        .add_segments(&meta.name, segments);
    Ok((writer, tx))
}

// ---------------------------------------------------------------------------
// Stores and subscription rows

/// A fresh store of the chosen backend.
struct Db {
    url: String,
    sqlite: Option<PathBuf>,
    schema: Option<String>,
}

impl Db {
    async fn fresh(args: &Args, name: &str) -> anyhow::Result<(Db, Store)> {
        let db = match args.store.as_str() {
            "sqlite" => {
                let dir = args
                    .store_dir
                    .clone()
                    .unwrap_or_else(|| args.work.join("stores"));
                std::fs::create_dir_all(&dir)?;
                let path = dir.join(format!("{name}.sqlite3"));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                Db {
                    url: format!("sqlite:{}", path.display()),
                    sqlite: Some(path),
                    schema: None,
                }
            }
            "postgres" => {
                let (schema, url) = lekradar_testkit::postgres_fresh_schema("alerts_bench").await;
                Db {
                    url,
                    sqlite: None,
                    schema: Some(schema),
                }
            }
            other => bail!("--store {other}: sqlite or postgres"),
        };
        let store = Store::open(&db.url).await?;
        Ok((db, store))
    }

    fn psql(&self, url: &str, sql: &str, stdin: Option<&[u8]>) -> anyhow::Result<Vec<u8>> {
        let mut child = Command::new("psql")
            .env("PGOPTIONS", "-c client_min_messages=warning")
            .args([
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                url,
                "-c",
                sql,
            ])
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .spawn()
            .context("psql")?;
        if let Some(bytes) = stdin {
            let mut pipe = child.stdin.take().unwrap();
            let bytes = bytes.to_vec();
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let out = child.wait_with_output()?;
        ensure!(out.status.success(), "psql failed: {sql}");
        Ok(out.stdout)
    }

    /// Runs one statement outside the store (bench bookkeeping only).
    fn execute(&self, sql: &str) -> anyhow::Result<()> {
        match &self.sqlite {
            Some(path) => {
                let c = rusqlite::Connection::open(path)?;
                c.busy_timeout(Duration::from_secs(30))?;
                c.execute_batch(sql)?;
            }
            None => {
                self.psql(&self.url, sql, None)?;
            }
        }
        Ok(())
    }

    /// Inserts active email subscriptions directly (setup, not measured).
    fn insert(&self, rows: &[SubRow]) -> anyhow::Result<()> {
        let now = lekradar_store::jobs::now_us();
        match &self.sqlite {
            Some(path) => {
                let mut c = rusqlite::Connection::open(path)?;
                c.busy_timeout(Duration::from_secs(30))?;
                let tx = c.transaction()?;
                {
                    let mut stmt = tx.prepare(
                        "INSERT INTO subscriptions (kind, purpose, prf_output, bucket, contact, lang, state, \
                         created_at_us, confirmed_at_us) \
                         VALUES ('email', 'alerts', ?1, ?2, ?3, ?4, 'active', ?5, ?5)",
                    )?;
                    for r in rows {
                        stmt.execute(rusqlite::params![
                            &r.output[..],
                            i64::from(r.bucket),
                            r.contact,
                            r.lang,
                            now
                        ])?;
                    }
                }
                tx.commit()?;
            }
            None => {
                // In chunks: the setup's memory stays small beside what is
                // measured.
                for chunk in rows.chunks(100_000) {
                    let mut csv = Vec::with_capacity(chunk.len() * 300);
                    for r in chunk {
                        writeln!(
                            csv,
                            "email,alerts,\\x{},{},\\x{},{},active,{now},{now}",
                            hex(&r.output),
                            r.bucket,
                            hex(&r.contact),
                            r.lang
                        )?;
                    }
                    self.psql(
                        &self.url,
                        "COPY subscriptions (kind, purpose, prf_output, bucket, contact, lang, \
                         state, created_at_us, confirmed_at_us) FROM STDIN (FORMAT csv)",
                        Some(&csv),
                    )?;
                }
                // What autovacuum would have done by the time a breach comes.
                self.psql(&self.url, "ANALYZE subscriptions", None)?;
            }
        }
        Ok(())
    }

    /// The outbox's sealed mails, in queue order.
    fn outbox_payloads(&self) -> anyhow::Result<Vec<Vec<u8>>> {
        let sql = "SELECT payload FROM jobs WHERE kind = 'outbox.mail' ORDER BY id";
        match &self.sqlite {
            Some(path) => {
                let c = rusqlite::Connection::open(path)?;
                let mut stmt = c.prepare(sql)?;
                let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            None => {
                let out = self.psql(
                    &self.url,
                    "SELECT encode(payload, 'hex') FROM jobs WHERE kind = 'outbox.mail' ORDER BY id",
                    None,
                )?;
                Ok(String::from_utf8(out)?
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(unhex)
                    .collect())
            }
        }
    }

    fn drop_schema(&self) {
        if let Some(schema) = &self.schema {
            let base = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
            let _ = self.psql(&base, &format!("DROP SCHEMA {schema} CASCADE"), None);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

struct SubRow {
    output: [u8; OUTPUT_LEN],
    bucket: u32,
    contact: Vec<u8>,
    lang: &'static str,
}

const LANGS: [&str; 3] = ["nl", "fr", "en"];

/// `count` subscriptions not in the breach (random PRF outputs: the PRF is
/// a random function to whoever lacks the key), numbered from `from`.
fn outsiders(contact: &ContactKey, from: usize, count: usize, seed: u64) -> Vec<SubRow> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (from..from + count)
        .map(|j| {
            let mut output = [0u8; OUTPUT_LEN];
            rng.fill_bytes(&mut output);
            SubRow {
                output,
                bucket: rng.gen::<u32>() & 0x00ff_ffff,
                contact: contact.seal(
                    b"contact",
                    format!("other{j:07}@elsewhere.example.org").as_bytes(),
                ),
                lang: LANGS[j % 3],
            }
        })
        .collect()
}

/// `total` subscriptions of which every (total / matching)-th is in the
/// breach.
fn mixed(contact: &ContactKey, keyed: &Keyed, total: usize, seed: u64) -> Vec<SubRow> {
    let m = keyed.subscribed.len();
    let step = (total / m).max(1);
    let mut rest = outsiders(contact, 0, total - m, seed).into_iter();
    let mut subscribed = keyed.subscribed.iter();
    (0..total)
        .map(|i| {
            if i % step == 0 {
                if let Some((email, output, bucket)) = subscribed.next() {
                    return SubRow {
                        output: *output,
                        bucket: *bucket,
                        contact: contact.seal(b"contact", email.as_bytes()),
                        lang: LANGS[i % 3],
                    };
                }
            }
            rest.next().unwrap()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Service, mail

fn messaging(contact: &ContactKey) -> anyhow::Result<Messaging> {
    let l10n = L10n::new()?;
    Ok(Messaging {
        key: contact.clone(),
        templates: Arc::new(Templates::new(&Messaging::address(PUBLIC_URL))?),
        advice: Arc::new(RenderedAdvice::new(&l10n)),
        l10n: Arc::new(l10n),
        public_url: PUBLIC_URL.into(),
        mail: true,
        sms: false,
        orgs: None,
    })
}

fn service(
    index: &Path,
    key_file: &Path,
    store: &Store,
    contact: &ContactKey,
) -> anyhow::Result<Service> {
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
        // `lekradar serve`'s default.
        reload_interval: Duration::from_secs(1),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    Ok(Service::new(
        config,
        IndexReader::open(index)?,
        ServerKey::load(key_file)?,
        store.clone(),
        tx,
        Some(messaging(contact)?),
    ))
}

/// A DKIM key of the chosen kind (made once by openssl), or none.
fn dkim(work: &Path, kind: &str) -> anyhow::Result<Option<DkimSettings>> {
    let algorithm: &[&str] = match kind {
        "none" => return Ok(None),
        "ed25519" => &["-algorithm", "ed25519"],
        "rsa" => &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        other => bail!("--dkim {other}: ed25519, rsa or none"),
    };
    let path = work.join("cache").join(format!("dkim-{kind}.pem"));
    if !path.exists() {
        let ok = Command::new("openssl")
            .arg("genpkey")
            .args(algorithm)
            .arg("-out")
            .arg(&path)
            .status()?;
        ensure!(ok.success(), "openssl genpkey failed");
    }
    Ok(Some(DkimSettings {
        key_file: path,
        selector: "bench".into(),
        domain: None,
    }))
}

fn mailer(port: u16, dkim: &Option<DkimSettings>, pool: u32) -> anyhow::Result<Mailer> {
    let mut config = MailConfig::new(format!("smtp://127.0.0.1:{port}"), FROM);
    config.dkim = dkim.clone();
    config.pool_size = pool;
    Ok(Mailer::new(&config)?)
}

/// The mailer's work (build, sign) sent over connections with TCP_NODELAY
/// (lettre 0.11.23 leaves Nagle on, and writes a message's final
/// `CRLF.CRLF` apart from its body), with a NOOP before each mail as
/// lettre's pool does on reuse.
async fn nodelay_mailer(
    port: u16,
    builder: Mailer,
    mails: Arc<Vec<OutgoingMail>>,
    connections: usize,
) -> anyhow::Result<()> {
    use lettre::transport::smtp::client::AsyncSmtpConnection;
    use lettre::transport::smtp::extension::ClientId;
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (mails, next, builder) = (Arc::clone(&mails), Arc::clone(&next), builder.clone());
            tokio::spawn(async move {
                let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
                tcp.set_nodelay(true)?;
                let hello = ClientId::Domain("bench.lekradar.test".into());
                let mut conn =
                    AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello).await?;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(mail) = mails.get(i) else { break };
                    let message = builder.build(mail).map_err(|e| anyhow::anyhow!("{e}"))?;
                    ensure!(conn.test_connected().await, "connection lost");
                    conn.send(message.envelope(), &message.formatted()).await?;
                }
                conn.quit().await?;
                anyhow::Ok(())
            })
        })
        .collect();
    for t in tasks {
        t.await??;
    }
    Ok(())
}

fn start_sink() -> (SmtpSink, String) {
    let sink = SmtpSink::start(SmtpSinkOptions::default());
    let pid = sink_pid(sink.port()).expect("the SMTP sink's PID");
    (sink, pid)
}

/// Arrival times (ns since the epoch) of the sink's stored mails: its
/// file names start with them.
fn arrivals(sink: &SmtpSink) -> Vec<u128> {
    let mut times: Vec<u128> = std::fs::read_dir(sink.maildir().join("new"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.get(..20).and_then(|t| t.parse().ok())
                })
                .collect()
        })
        .unwrap_or_default();
    times.sort_unstable();
    times
}

/// How many mails the sink stored. On tmpfs (the sink's Maildir is in
/// /dev/shm) a directory's size is 40 + 20 bytes per entry: one stat
/// instead of listing thousands of names, which would take CPU from the
/// senders measured.
fn count(sink: &SmtpSink) -> usize {
    let new = sink.maildir().join("new");
    let on_tmpfs = {
        use std::os::unix::ffi::OsStrExt as _;
        let path = std::ffi::CString::new(new.as_os_str().as_bytes()).unwrap();
        // SAFETY: statfs writes the struct it is given; `path` is a C string.
        let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
        (unsafe { libc::statfs(path.as_ptr(), &mut fs) } == 0) && fs.f_type == 0x0102_1994
    };
    match std::fs::metadata(&new) {
        Ok(meta) if on_tmpfs => (meta.len().saturating_sub(40) / 20) as usize,
        _ => std::fs::read_dir(new).map(|d| d.count()).unwrap_or(0),
    }
}

/// Waits (polling gently: listing thousands of files costs CPU the sender
/// needs) until the sink holds `n` mails; panics after `timeout`.
async fn wait_mails(sink: &SmtpSink, n: usize, timeout: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let t = Instant::now();
        let c = count(sink);
        if c >= n {
            return Ok(());
        }
        ensure!(
            started.elapsed() < timeout,
            "the sink got {c} of {n} mails in {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(20).max(t.elapsed() * 10)).await;
    }
}

/// CLOCK_MONOTONIC in seconds, as `perf record -k CLOCK_MONOTONIC` stamps
/// samples: phases print it so that a profile can be cut to one of them
/// (`perf report --time START,END`).
fn monotonic() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// A plain SMTP client: `connections` threads, each one connection,
/// sending the prepared (dot-stuffed) messages one after another, no
/// pipelining (as lettre). Returns when the last is accepted.
fn plain_client(port: u16, messages: Arc<Vec<(String, Vec<u8>)>>, connections: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let (messages, next) = (Arc::clone(&messages), Arc::clone(&next));
            std::thread::spawn(move || {
                let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut w = stream.try_clone().unwrap();
                let mut r = BufReader::new(stream);
                reply(&mut r, "220");
                w.write_all(b"EHLO bench.lekradar.test\r\n").unwrap();
                reply(&mut r, "250");
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((rcpt, data)) = messages.get(i) else {
                        break;
                    };
                    w.write_all(format!("MAIL FROM:<{ENVELOPE_FROM}>\r\n").as_bytes())
                        .unwrap();
                    reply(&mut r, "250");
                    w.write_all(format!("RCPT TO:<{rcpt}>\r\n").as_bytes())
                        .unwrap();
                    reply(&mut r, "250");
                    w.write_all(b"DATA\r\n").unwrap();
                    reply(&mut r, "354");
                    w.write_all(data).unwrap();
                    reply(&mut r, "250");
                }
                w.write_all(b"QUIT\r\n").unwrap();
                let mut rest = Vec::new();
                let _ = r.read_to_end(&mut rest);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

/// Reads one (possibly multi-line) SMTP reply, which must have `code`.
fn reply(r: &mut BufReader<TcpStream>, code: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        assert!(line.starts_with(code), "expected {code}, got {line:?}");
        if line.as_bytes().get(3) == Some(&b' ') {
            return;
        }
    }
}

/// The DATA of a message as a client sends it: CRLF lines, dot-stuffed,
/// ending with the terminating dot.
fn data_bytes(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 64);
    let mut at_line_start = true;
    for &b in message {
        if at_line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        at_line_start = b == b'\n';
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

// ---------------------------------------------------------------------------
// Tracing: the time matching finished, and warnings

#[derive(Default)]
struct Seen {
    matched_at: Option<u128>,
    matched_fields: String,
    retries: u64,
    warnings: u64,
}

struct Watch(Arc<Mutex<Seen>>);

struct Fields(String, String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        } else {
            self.1.push_str(&format!(" {}={value:?}", field.name()));
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Watch {
    // At most INFO, as `lekradar serve` logs by default: debug events of
    // chatty dependencies are never built.
    fn register_callsite(
        &self,
        meta: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        if *meta.level() <= tracing::Level::INFO {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(
        &self,
        meta: &tracing::Metadata<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        *meta.level() <= tracing::Level::INFO
    }

    fn max_level_hint(&self) -> Option<tracing_subscriber::filter::LevelFilter> {
        Some(tracing_subscriber::filter::LevelFilter::INFO)
    }

    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let level = *event.metadata().level();
        if level > tracing::Level::INFO {
            return;
        }
        let mut f = Fields(String::new(), String::new());
        event.record(&mut f);
        let mut seen = self.0.lock().unwrap();
        if f.0.contains("matched against subscriptions") {
            seen.matched_at = Some(now_ns());
            seen.matched_fields = f.1.trim().replace(' ', ",");
        } else if f.0.contains("retrying later") {
            seen.retries += 1;
        }
        if level <= tracing::Level::WARN {
            seen.warnings += 1;
            eprintln!("{level} {}: {}{}", event.metadata().target(), f.0, f.1);
        }
    }
}

// ---------------------------------------------------------------------------
// Phases

struct Bench {
    args: Args,
    out: Out,
    key_file: PathBuf,
    keyed: Keyed,
    contact: ContactKey,
    dkim: Option<DkimSettings>,
    seen: Arc<Mutex<Seen>>,
}

impl Bench {
    fn pg(&self) -> bool {
        self.args.store == "postgres"
    }

    fn pool(&self, conc: usize) -> anyhow::Result<u32> {
        Ok(match self.args.pool_size.as_str() {
            "default" => MailConfig::new("smtp://localhost", FROM).pool_size,
            "match" => u32::try_from(conc)?,
            n => n.parse()?,
        })
    }

    fn scratch(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = self.args.work.join("scratch").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Matching alone against growing numbers of subscriptions, none in
    /// the breach.
    /// `dense`: every subscription's bucket holds an entry of the breach
    /// (its PRF output is still not in it), so matching cannot skip the
    /// HKDF for any: the cost per subscription a breach of ~100 M entries
    /// would have, when nearly every bucket holds one.
    async fn scan(&mut self, dense: bool) -> anyhow::Result<()> {
        let kind = if dense { "scan-dense" } else { "scan" };
        let index = self.scratch("scan-index")?;
        let (mut writer, tx) = build_index(&index, &self.keyed)?;
        writer.commit(tx)?;
        drop(writer);
        let (db, store) = Db::fresh(&self.args, "scan").await?;
        let svc = service(&index, &self.key_file, &store, &self.contact)?;
        let mut sizes = self.args.scan.clone();
        sizes.sort_unstable();
        let mut have = 0;
        for &size in &sizes {
            let mut add = outsiders(&self.contact, have, size - have, 7 + have as u64);
            if dense {
                let entries = &self.keyed.entries;
                let mut rng = rand::rngs::StdRng::seed_from_u64(11 + have as u64);
                for row in &mut add {
                    row.bucket = entries[rng.gen_range(0..entries.len())].0;
                }
            }
            db.insert(&add)?;
            drop(add);
            have = size;
            db.execute("DELETE FROM alert_scans")?;
            for run in 1..=2 {
                let mem = MemoryPeak::start();
                let cpu0 = cpu_now(None, self.pg());
                let t = Instant::now();
                let stats = svc.match_new_segments().await?;
                let secs = t.elapsed().as_secs_f64();
                let cpu = cpu_now(None, self.pg()).since(cpu0);
                let [rss0, rss, anon0, anon] = mem.finish();
                ensure!(stats.subscriptions == size as u64 && stats.matches == 0);
                self.out.line(
                    kind,
                    &[
                        ("subs", size.to_string()),
                        ("run", run.to_string()),
                        ("segments", stats.segments.to_string()),
                        ("seconds", f3(secs)),
                        ("subs_per_s", f0(size as f64 / secs)),
                        ("cpu_me_s", f3(cpu.me)),
                        ("cpu_pg_s", f3(cpu.pg)),
                        ("cpu_pg_mine_s", f3(cpu.pg_mine)),
                        ("cpu_other_s", f3(cpu.other())),
                        ("rss_before_mib", f1(rss0)),
                        ("rss_peak_mib", f1(rss)),
                        ("anon_before_mib", f1(anon0)),
                        ("anon_peak_mib", f1(anon)),
                    ],
                );
                db.execute("DELETE FROM alert_scans")?;
            }
        }
        drop(svc);
        drop(store);
        db.drop_schema();
        Ok(())
    }

    /// What matching one subscription costs, part by part, on the largest
    /// scan size (none in the breach).
    async fn decompose(&mut self) -> anyhow::Result<()> {
        let size = self.args.scan.iter().copied().max().unwrap_or(100_000);
        let index = self.scratch("decompose-index")?;
        let (mut writer, tx) = build_index(&index, &self.keyed)?;
        writer.commit(tx)?;
        drop(writer);
        let (db, store) = Db::fresh(&self.args, "decompose").await?;
        db.insert(&outsiders(&self.contact, 0, size, 99))?;
        let reader = IndexReader::open(&index)?;
        let snapshot = reader.snapshot();
        let view = snapshot.breach(BREACH).context("the breach")?;
        let segments = view.segments().to_vec();
        let mut line = vec![
            ("subs", size.to_string()),
            ("segments", segments.len().to_string()),
        ];
        // 1. Reading the pages from the store.
        let t = Instant::now();
        let mut rows = Vec::with_capacity(size);
        let mut after = 0;
        loop {
            let page = store.subscriptions().active_page(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            rows.extend(page);
        }
        let read = t.elapsed().as_secs_f64();
        ensure!(rows.len() == size);
        line.push(("read_us", f3(read * 1e6 / size as f64)));
        // 2. HKDF: extract from the PRF output, expand for the breach (and
        // the v1 key, as match_page computes it).
        let t = Instant::now();
        let keys: Vec<(Key, Key)> = rows
            .iter()
            .map(|s| {
                let output: [u8; OUTPUT_LEN] = s.prf_output.as_slice().try_into().unwrap();
                let filing = filing_of_output(s.bucket, &output);
                (filing.in_breach(BREACH).0, filing.v1_key())
            })
            .collect();
        let hkdf = t.elapsed().as_secs_f64();
        line.push(("hkdf_us", f3(hkdf * 1e6 / size as f64)));
        // 2b. The same tags with the salt's HMAC keyed once and cloned per
        // subscription (a change EntrySecrets::new could make): 6 SHA-512
        // compressions instead of 8.
        let template = hkdf::HkdfExtract::<sha2::Sha512>::new(Some(lekradar_prf::ENTRY_SALT));
        let t = Instant::now();
        let presalted: Vec<[u8; 8]> = rows
            .iter()
            .map(|s| {
                let mut extract = template.clone();
                extract.input_ikm(&s.prf_output);
                let (_, hk) = extract.finalize();
                let mut okm = [0u8; 12];
                hk.expand(BREACH.as_bytes(), &mut okm).unwrap();
                okm[..8].try_into().unwrap()
            })
            .collect();
        let hkdf_presalted = t.elapsed().as_secs_f64();
        ensure!(
            presalted
                .iter()
                .zip(&keys)
                .all(|(tag, (key, _))| tag == key.tag()),
            "the pre-salted HKDF gives other tags"
        );
        line.push(("hkdf_presalted_us", f3(hkdf_presalted * 1e6 / size as f64)));
        // 2c. Expand alone, from HKDF states made beforehand: the floor if
        // a subscription kept its keyed HMAC state (2 compressions).
        let states: Vec<hkdf::Hkdf<sha2::Sha512>> = rows
            .iter()
            .take(100_000)
            .map(|s| hkdf::Hkdf::<sha2::Sha512>::new(Some(lekradar_prf::ENTRY_SALT), &s.prf_output))
            .collect();
        let t = Instant::now();
        let mut x = 0u8;
        for hk in &states {
            let mut okm = [0u8; 12];
            hk.expand(BREACH.as_bytes(), &mut okm).unwrap();
            x ^= okm[0];
        }
        let expand = t.elapsed().as_secs_f64();
        std::hint::black_box(x);
        line.push((
            "hkdf_expand_only_us",
            f3(expand * 1e6 / states.len() as f64),
        ));
        drop(states);
        // 3. Lookups in the breach's segments.
        let t = Instant::now();
        let hits = keys
            .iter()
            .filter(|(k, _)| segments.iter().any(|s| s.get(k).is_some()))
            .count();
        let lookup = t.elapsed().as_secs_f64();
        ensure!(hits == 0);
        line.push(("lookup_us", f3(lookup * 1e6 / size as f64)));
        // 3b. How many subscriptions' buckets hold an entry of the breach:
        // only those need the HKDF (matching skips the others with a
        // bitset of the new segments' buckets).
        let mut bits = vec![0u64; (1usize << 24) / 64];
        for seg in &segments {
            for e in seg.iter() {
                let b = (e.key.bucket() & 0x00ff_ffff) as usize;
                bits[b >> 6] |= 1u64 << (b & 63);
            }
        }
        let t = Instant::now();
        let occupied = rows
            .iter()
            .filter(|s| {
                let b = (s.bucket & 0x00ff_ffff) as usize;
                bits[b >> 6] & (1u64 << (b & 63)) != 0
            })
            .count();
        let bit_test = t.elapsed().as_secs_f64();
        line.push((
            "bucket_hit_share",
            format!("{:.4}", occupied as f64 / size as f64),
        ));
        line.push(("bit_test_us", f3(bit_test * 1e6 / size as f64)));
        // 4. Bit test, then HKDF + lookup, as match_page does, on one
        // thread and on all cores (what a parallel match_page would reach,
        // reads aside).
        let one = |s: &lekradar_store::subscriptions::ActiveEntry| {
            let b = (s.bucket & 0x00ff_ffff) as usize;
            if bits[b >> 6] & (1u64 << (b & 63)) == 0 {
                return false;
            }
            let output: [u8; OUTPUT_LEN] = s.prf_output.as_slice().try_into().unwrap();
            let filing = filing_of_output(s.bucket, &output);
            let (key, _) = filing.in_breach(BREACH);
            segments.iter().any(|seg| seg.get(&key).is_some())
        };
        let t = Instant::now();
        let n1 = rows.iter().filter(|s| one(s)).count();
        let serial = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let n2 = rows.par_iter().filter(|s| one(s)).count();
        let parallel = t.elapsed().as_secs_f64();
        ensure!(n1 == 0 && n2 == 0);
        line.push(("cpu_1thread_subs_per_s", f0(size as f64 / serial)));
        line.push(("cpu_all_cores_subs_per_s", f0(size as f64 / parallel)));
        line.push(("threads", rayon::current_num_threads().to_string()));
        // 5. Reads overlapped with parallel matching: the best a pipelined,
        // parallel match_new_segments could do with this store.
        line.push((
            "pipelined_bound_subs_per_s",
            f0(size as f64 / read.max(parallel)),
        ));
        self.out.line("decompose", &line);
        drop(store);
        db.drop_schema();
        Ok(())
    }

    /// Matching with alerts, then deliveries of the same queue: the plain
    /// client (ceiling), the outbox, the mailer alone, the ceiling again.
    async fn staged(&mut self, deliver: bool) -> anyhow::Result<()> {
        let total = self.args.subscriptions;
        let m = self.keyed.subscribed.len();
        for (round, &conc) in self.args.concurrency.clone().iter().enumerate() {
            let index = self.scratch("staged-index")?;
            let (mut writer, tx) = build_index(&index, &self.keyed)?;
            writer.commit(tx)?;
            drop(writer);
            let (db, store) = Db::fresh(&self.args, "staged").await?;
            db.insert(&mixed(&self.contact, &self.keyed, total, 1234))?;
            let svc = service(&index, &self.key_file, &store, &self.contact)?;
            eprintln!("staged: matching {total} subscriptions ({m} in the breach) ...");
            eprintln!("mark match-start {:.6}", monotonic());
            let mem = MemoryPeak::start();
            let cpu0 = cpu_now(None, self.pg());
            let t = Instant::now();
            let stats = svc.match_new_segments().await?;
            let secs = t.elapsed().as_secs_f64();
            eprintln!("mark match-end {:.6}", monotonic());
            let cpu = cpu_now(None, self.pg()).since(cpu0);
            let [rss0, rss, anon0, anon] = mem.finish();
            ensure!(
                stats.enqueued == m as u64,
                "{} alerts enqueued, {m} expected",
                stats.enqueued
            );
            if round == 0 {
                self.out.line(
                    "match",
                    &[
                        ("subs", total.to_string()),
                        ("alerts", stats.enqueued.to_string()),
                        ("seconds", f3(secs)),
                        ("subs_per_s", f0(total as f64 / secs)),
                        ("cpu_me_s", f3(cpu.me)),
                        ("cpu_pg_s", f3(cpu.pg)),
                        ("cpu_pg_mine_s", f3(cpu.pg_mine)),
                        ("cpu_other_s", f3(cpu.other())),
                        ("rss_before_mib", f1(rss0)),
                        ("rss_peak_mib", f1(rss)),
                        ("anon_before_mib", f1(anon0)),
                        ("anon_peak_mib", f1(anon)),
                    ],
                );
            }
            if !deliver {
                drop(svc);
                drop(store);
                db.drop_schema();
                break;
            }
            // The same mails as the outbox sends, for the baselines.
            let mails: Vec<OutgoingMail> = db
                .outbox_payloads()?
                .iter()
                .map(|p| {
                    let json = self.contact.open(b"outbox.mail", p).unwrap();
                    serde_json::from_slice(&json).unwrap()
                })
                .collect();
            ensure!(mails.len() == m);
            let pool = self.pool(conc)?;
            let builder = mailer(25, &self.dkim, pool)?;
            let prepared: Arc<Vec<(String, Vec<u8>)>> = Arc::new(
                mails
                    .iter()
                    .map(|mail| {
                        let message = builder.build(mail).unwrap().formatted();
                        (mail.to.clone(), data_bytes(&message))
                    })
                    .collect(),
            );
            let bytes: usize = prepared.iter().map(|(_, d)| d.len()).sum();
            let mean_bytes = bytes / m;

            self.ceiling(&prepared, conc, "ceiling-1", mean_bytes)
                .await?;

            // The outbox: the runner draining the queue.
            let (sink, pid) = start_sink();
            let outbox = Outbox {
                key: self.contact.clone(),
                mailer: Some(mailer(sink.port(), &self.dkim, pool)?),
                sms: None,
                webhooks: None,
            };
            let mut runner = Runner::new(
                store.clone(),
                RunnerConfig {
                    concurrency: conc,
                    ..RunnerConfig::default()
                },
            );
            outbox.register(&mut runner);
            let metrics = runner.metrics().clone();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            eprintln!("staged: the outbox sends {m} mails, concurrency {conc} ...");
            let cpu0 = cpu_now(Some(&pid), self.pg());
            let start = now_ns();
            eprintln!("mark outbox-start {:.6}", monotonic());
            let running = tokio::spawn(runner.run(async {
                let _ = stopped.await;
            }));
            wait_mails(&sink, m, Duration::from_secs(600)).await?;
            eprintln!("mark outbox-end {:.6}", monotonic());
            let cpu = cpu_now(Some(&pid), self.pg()).since(cpu0);
            let done_at = wait_done(&metrics, m).await?;
            let _ = stop.send(());
            running.await?;
            let times = arrivals(&sink);
            ensure!(times.len() == m, "{} mails in the sink", times.len());
            self.delivery_line(
                "outbox",
                conc,
                m,
                start,
                &times,
                cpu,
                mean_bytes,
                &[(
                    "all_done_s",
                    f3((done_at.saturating_sub(start)) as f64 / 1e9),
                )],
            );
            drop(sink);

            // The runner and the store alone: the same queue again, each
            // job done at once by a handler that sends nothing.
            db.execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, lease_token = NULL, \
                 lease_until_us = NULL, finished_at_us = NULL, last_error = NULL \
                 WHERE kind = 'outbox.mail'",
            )?;
            if self.pg() {
                // What autovacuum does to a queue table between bursts.
                db.execute("VACUUM ANALYZE jobs")?;
            }
            let mut runner = Runner::new(
                store.clone(),
                RunnerConfig {
                    concurrency: conc,
                    ..RunnerConfig::default()
                },
            );
            runner.handle(lekradar_messages::outbox::MAIL, |_job| {
                Box::pin(async { Ok(()) })
            });
            let metrics = runner.metrics().clone();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            eprintln!("staged: the runner alone (no mail) on the same {m} jobs, {conc} ...");
            let cpu0 = cpu_now(None, self.pg());
            let start = now_ns();
            let running = tokio::spawn(runner.run(async {
                let _ = stopped.await;
            }));
            let done_at = wait_done(&metrics, m).await?;
            let cpu = cpu_now(None, self.pg()).since(cpu0);
            let _ = stop.send(());
            running.await?;
            let secs = done_at.saturating_sub(start) as f64 / 1e9;
            let per = |s: f64| f0(s * 1e6 / m as f64);
            self.out.line(
                "runner",
                &[
                    ("concurrency", conc.to_string()),
                    ("jobs", m.to_string()),
                    ("seconds", f3(secs)),
                    ("jobs_per_s", f0(m as f64 / secs)),
                    ("cpu_me_us_per_job", per(cpu.me)),
                    ("cpu_pg_mine_us_per_job", per(cpu.pg_mine)),
                    ("cpu_other_s", f3(cpu.other())),
                ],
            );

            // The mailer without the outbox: same mails, same concurrency.
            let (sink, pid) = start_sink();
            let direct = mailer(sink.port(), &self.dkim, pool)?;
            let mails = Arc::new(mails);
            let next = Arc::new(AtomicUsize::new(0));
            eprintln!("staged: the mailer alone sends {m} mails, concurrency {conc} ...");
            let cpu0 = cpu_now(Some(&pid), self.pg());
            let start = now_ns();
            let tasks: Vec<_> = (0..conc)
                .map(|_| {
                    let (mails, next, direct) =
                        (Arc::clone(&mails), Arc::clone(&next), direct.clone());
                    tokio::spawn(async move {
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(mail) = mails.get(i) else { break };
                            direct.send(mail).await.unwrap();
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await?;
            }
            wait_mails(&sink, m, Duration::from_secs(60)).await?;
            let cpu = cpu_now(Some(&pid), self.pg()).since(cpu0);
            let times = arrivals(&sink);
            self.delivery_line("mailer", conc, m, start, &times, cpu, mean_bytes, &[]);
            drop(sink);

            // The same with TCP_NODELAY.
            let (sink, pid) = start_sink();
            eprintln!("staged: the mailer's work over TCP_NODELAY connections, {conc} ...");
            let cpu0 = cpu_now(Some(&pid), self.pg());
            let start = now_ns();
            nodelay_mailer(sink.port(), builder.clone(), Arc::clone(&mails), conc).await?;
            wait_mails(&sink, m, Duration::from_secs(60)).await?;
            let cpu = cpu_now(Some(&pid), self.pg()).since(cpu0);
            let times = arrivals(&sink);
            self.delivery_line(
                "mailer-nodelay",
                conc,
                m,
                start,
                &times,
                cpu,
                mean_bytes,
                &[],
            );
            drop(sink);

            self.ceiling(&prepared, conc, "ceiling-2", mean_bytes)
                .await?;
            drop(svc);
            drop(store);
            db.drop_schema();
        }
        Ok(())
    }

    async fn ceiling(
        &mut self,
        prepared: &Arc<Vec<(String, Vec<u8>)>>,
        conc: usize,
        name: &str,
        mean_bytes: usize,
    ) -> anyhow::Result<()> {
        let (sink, pid) = start_sink();
        let m = prepared.len();
        eprintln!("{name}: a plain client sends the same {m} messages, {conc} connections ...");
        let cpu0 = cpu_now(Some(&pid), false);
        let start = now_ns();
        let (port, messages) = (sink.port(), Arc::clone(prepared));
        tokio::task::spawn_blocking(move || plain_client(port, messages, conc)).await?;
        wait_mails(&sink, m, Duration::from_secs(60)).await?;
        let cpu = cpu_now(Some(&pid), false).since(cpu0);
        let times = arrivals(&sink);
        self.delivery_line(name, conc, m, start, &times, cpu, mean_bytes, &[]);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn delivery_line(
        &mut self,
        name: &str,
        conc: usize,
        m: usize,
        start: u128,
        times: &[u128],
        cpu: Cpu,
        mean_bytes: usize,
        extra: &[(&str, String)],
    ) {
        let first = times.first().copied().unwrap_or(start);
        let last = times.last().copied().unwrap_or(start);
        let secs = (last.saturating_sub(start)) as f64 / 1e9;
        let per = |s: f64| f0(s * 1e6 / m as f64);
        let mut fields = vec![
            ("name", name.to_owned()),
            ("concurrency", conc.to_string()),
            (
                "pool",
                self.pool(conc).map_or("?".into(), |p| p.to_string()),
            ),
            ("dkim", self.args.dkim.clone()),
            ("mails", m.to_string()),
            ("bytes_per_mail", mean_bytes.to_string()),
            ("first_s", f3((first.saturating_sub(start)) as f64 / 1e9)),
            ("last_s", f3(secs)),
            ("msgs_per_s", f0(m as f64 / secs)),
            ("cpu_me_us_per_msg", per(cpu.me)),
            ("cpu_sink_us_per_msg", per(cpu.sink)),
            ("cpu_pg_us_per_msg", per(cpu.pg)),
            ("cpu_pg_mine_us_per_msg", per(cpu.pg_mine)),
            ("sink_busy", f3(cpu.sink / secs)),
            ("cpu_other_s", f3(cpu.other())),
        ];
        fields.extend(extra.iter().cloned());
        self.out.line("deliver", &fields);
    }

    /// A server's way: the runner with the service's periodic work and the
    /// outbox; the breach is published while it runs.
    async fn pipeline(&mut self) -> anyhow::Result<()> {
        let total = self.args.subscriptions;
        let m = self.keyed.subscribed.len();
        let conc = self.args.concurrency[0];
        let index = self.scratch("pipeline-index")?;
        let (mut writer, tx) = build_index(&index, &self.keyed)?;
        let (db, store) = Db::fresh(&self.args, "pipeline").await?;
        db.insert(&mixed(&self.contact, &self.keyed, total, 4321))?;
        let svc = service(&index, &self.key_file, &store, &self.contact)?;
        let (sink, pid) = start_sink();
        let outbox = Outbox {
            key: self.contact.clone(),
            mailer: Some(mailer(sink.port(), &self.dkim, self.pool(conc)?)?),
            sms: None,
            webhooks: None,
        };
        let mut runner = Runner::new(
            store.clone(),
            RunnerConfig {
                concurrency: conc,
                ..RunnerConfig::default()
            },
        );
        svc.schedule(&mut runner);
        outbox.register(&mut runner);
        let metrics = runner.metrics().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(runner.run(async {
            let _ = stopped.await;
        }));
        // Let the runner settle: its first reload tick matches the empty
        // index once.
        tokio::time::sleep(Duration::from_secs(3)).await;
        *self.seen.lock().unwrap() = Seen::default();
        eprintln!("pipeline: publishing the breach; {m} of {total} subscriptions in it ...");
        let mem = MemoryPeak::start();
        let cpu0 = cpu_now(Some(&pid), self.pg());
        let start = now_ns();
        writer.commit(tx)?;
        wait_mails(&sink, m, Duration::from_secs(900)).await?;
        let cpu = cpu_now(Some(&pid), self.pg()).since(cpu0);
        let done_at = wait_done(&metrics, m).await?;
        let [rss0, rss, anon0, anon] = mem.finish();
        let _ = stop.send(());
        running.await?;
        let times = arrivals(&sink);
        ensure!(times.len() == m, "{} mails in the sink", times.len());
        let seen = std::mem::take(&mut *self.seen.lock().unwrap());
        let matched = seen
            .matched_at
            .map_or("-".to_owned(), |t| f3(t.saturating_sub(start) as f64 / 1e9));
        let mean_bytes = std::fs::read_dir(sink.maildir().join("new"))?
            .flatten()
            .map(|e| e.metadata().map_or(0, |m| m.len() as usize))
            .sum::<usize>()
            / m;
        self.delivery_line(
            "pipeline",
            conc,
            m,
            start,
            &times,
            cpu,
            mean_bytes,
            &[
                ("subs", total.to_string()),
                ("matched_s", matched),
                ("match_stats", seen.matched_fields.clone()),
                (
                    "all_done_s",
                    f3((done_at.saturating_sub(start)) as f64 / 1e9),
                ),
                ("retries", seen.retries.to_string()),
                ("warnings", seen.warnings.to_string()),
                ("rss_before_mib", f1(rss0)),
                ("rss_peak_mib", f1(rss)),
                ("anon_before_mib", f1(anon0)),
                ("anon_peak_mib", f1(anon)),
            ],
        );
        drop(sink);
        drop(svc);
        drop(store);
        db.drop_schema();
        Ok(())
    }
}

/// Waits until the runner whose metrics these are has finished `m`
/// outbox jobs (its own counter: no store query competes with it); when
/// (ns since the epoch).
async fn wait_done(metrics: &lekradar_jobs::RunnerMetrics, m: usize) -> anyhow::Result<u128> {
    let started = Instant::now();
    let labels = lekradar_jobs::RunLabels {
        kind: lekradar_messages::outbox::MAIL.to_owned(),
        outcome: "done",
    };
    loop {
        let done = metrics.runs.get_or_create(&labels).get();
        if done >= m as u64 {
            return Ok(now_ns());
        }
        ensure!(
            started.elapsed() < Duration::from_secs(600),
            "{done} of {m} outbox jobs done"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use tracing_subscriber::layer::SubscriberExt as _;
    let args = Args::parse();
    let seen = Arc::new(Mutex::new(Seen::default()));
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(Watch(Arc::clone(&seen))),
    )?;
    std::fs::create_dir_all(&args.work)?;
    let (key_file, keyed) = keyed(&args.work, args.breach, args.matching)?;
    let contact_file = args.work.join("cache").join("mail.key");
    let contact = ContactKey::load_or_create(&contact_file)?;
    let dkim = dkim(&args.work, &args.dkim)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.out)?;
    let phases = args.phases.clone();
    let mut bench = Bench {
        out: Out {
            file,
            backend: args.label.clone().unwrap_or_else(|| args.store.clone()),
        },
        args,
        key_file,
        keyed,
        contact,
        dkim,
        seen,
    };
    for phase in &phases {
        eprintln!("== {phase} ({})", bench.args.store);
        match phase.as_str() {
            "scan" => bench.scan(false).await?,
            "scan-dense" => bench.scan(true).await?,
            "decompose" => bench.decompose().await?,
            "staged" => bench.staged(true).await?,
            "match" => bench.staged(false).await?,
            "pipeline" => bench.pipeline().await?,
            other => bail!("unknown phase {other}"),
        }
    }
    Ok(())
}
