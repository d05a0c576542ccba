//! `lekradar ingest --breach NAME FILE...`: load dumps into a breach, with a
//! progress bar (plain periodic lines when stderr is not a terminal), and a
//! report of what was found, what was rejected (redacted) and the counts.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lekradar_ingest::{
    ingest, ingest_shard, ColumnRole, FileReport, IngestConfig, IngestReport, Shard,
};
use lekradar_normalize::Region;
use lekradar_prf::ServerKey;

use crate::cmd::parse_memory;
use crate::data_dir::DataDir;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The breach to add to (create it first with `lekradar breach add`)
    #[arg(long)]
    breach: String,
    /// Regions tried in order for numbers without a country code, e.g. NL,BE
    /// [default: the breach's DefaultRegions]
    #[arg(long, value_delimiter = ',')]
    region: Vec<Region>,
    /// Memory budget for building the index
    #[arg(long, default_value = "512MiB", value_parser = parse_memory)]
    memory: usize,
    /// Override a column's role: COLUMN=ROLE, COLUMN a header name or 1-based number,
    /// ROLE one of phone, mobile, email, name, first_name, last_name, street, postcode,
    /// city, iban, date_of_birth, id_document, id_expiry, customer_number, job_title,
    /// employer, login (email, phone or username), username, password, password_hash, ip,
    /// gender, location, social_profile, url, ignore
    #[arg(long, value_parser = parse_map)]
    map: Vec<(String, ColumnRole)>,
    /// Read every file as this format instead of detecting it: delimited (csv, tsv), lines,
    /// jsonl, json, credentials (combolist), stealer, sql, spreadsheet (xlsx, ods), vcard
    #[arg(long, value_parser = parse_format)]
    format: Option<String>,
    /// The delimiter of delimited text or a credential list: one character, or tab
    #[arg(long, value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// A file holding the password of encrypted ZIP archives (one trailing newline ignored)
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// Accept a file whose rows mostly hold no phone number or email address (a warning)
    #[arg(long)]
    allow_sparse: bool,
    /// Show per file the format, encoding, tables, column roles with their evidence, a
    /// redacted sample and the counts; write nothing
    #[arg(long, conflicts_with = "shard")]
    dry_run: bool,
    /// Key only shard I (from 0) of N of the input and stage it next to the index, for
    /// `lekradar publish --breach NAME` once all N are staged: run the N shards on as many
    /// machines (or processes) with the same files, options, key and index location. Every
    /// shard reads the files in full and keys its share of the identifiers
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Dumps, archives (zip, tar, tar.gz) or directories of them: delimited text, credential
    /// lists, stealer logs, SQL dumps, JSON, JSON Lines, XLSX/ODS, vCard or one value per
    /// line; gzip, zstd, bzip2 or xz
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_format(s: &str) -> Result<String, String> {
    lekradar_ingest::formats::spec_or_error(s).map(|spec| spec.name.to_owned())
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.as_bytes()[0].is_ascii_punctuation() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "{s:?}: give one punctuation character (, ; | : ...) or tab"
        )),
    }
}

/// The password in `path`, without one trailing line ending.
fn read_password(path: &Path) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    let mut password = std::fs::read(path)
        .with_context(|| format!("reading the password file {}", path.display()))?;
    if password.ends_with(b"\n") {
        password.pop();
        if password.ends_with(b"\r") {
            password.pop();
        }
    }
    if password.is_empty() {
        anyhow::bail!("the password file {} is empty", path.display());
    }
    Ok(password)
}

fn parse_map(s: &str) -> Result<(String, ColumnRole), String> {
    let (column, role) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("{s:?}: write COLUMN=ROLE"))?;
    let role =
        ColumnRole::from_name(role).ok_or_else(|| format!("{role:?} is not a column role"))?;
    Ok((column.to_owned(), role))
}

pub fn run(data: &DataDir, args: Args) -> anyhow::Result<ExitCode> {
    let key = ServerKey::load(&data.key_file())?;
    let config = IngestConfig {
        regions: args.region.clone(),
        memory: args.memory,
        map: args.map.clone(),
        dry_run: args.dry_run,
        format: args.format.clone(),
        delimiter: args.delimiter,
        password: args
            .password_file
            .as_deref()
            .map(read_password)
            .transpose()?,
        allow_sparse: args.allow_sparse,
    };
    let total: u64 = args
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let progress = Progress::new(total);
    if let Some(shard) = args.shard {
        // No writer lock: shards stage beside the index and change nothing.
        let storage = data.index_storage(true)?;
        let reader = data.index_reader_of(std::sync::Arc::clone(&storage))?;
        let work = data.root().join("shard-work").join(format!(
            "{}-{}-of-{}",
            args.breach, shard.index, shard.count
        ));
        let started = Instant::now();
        let outcome = ingest_shard(
            storage.as_ref(),
            &reader.snapshot(),
            &key,
            &args.breach,
            &args.files,
            &config,
            shard,
            &work,
            &|path, done, len, rows| progress.update(path, done, len, rows),
        );
        let _ = std::fs::remove_dir(&work);
        let outcome = outcome?;
        progress.finish();
        for file in &outcome.files {
            print_file_report(file, false);
        }
        println!(
            "shard {shard} of {}: keyed {} identifiers ({} entries) in {:.1} s, staged in {}",
            args.breach,
            outcome.keyed,
            outcome.entries,
            started.elapsed().as_secs_f64(),
            outcome.staged
        );
        let staged = outcome.staged_shards.len();
        if staged as u32 == shard.count {
            println!(
                "  all {} shards are staged: publish them with `lekradar publish --breach {}`",
                shard.count, args.breach
            );
        } else {
            println!(
                "  {staged} of {} shards staged; publish with `lekradar publish --breach {}` once all are",
                shard.count, args.breach
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut writer = data.index_writer()?;
    let report = ingest(
        &mut writer,
        &key,
        &args.breach,
        &args.files,
        &config,
        &|path, done, len, rows| progress.update(path, done, len, rows),
    )?;
    progress.finish();
    for file in &report.files {
        print_file_report(file, args.dry_run);
    }
    if !args.dry_run {
        print_run_report(&args.breach, &report);
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on a terminal, else a line every few seconds.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    start: Instant,
    state: Mutex<(Instant, u64, Option<PathBuf>, u64)>,
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {msg} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
            state: Mutex::new((Instant::now(), 0, None, 0)),
        }
    }

    pub fn update(&self, path: &Path, done: u64, len: u64, rows: u64) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.2.as_deref() != Some(path) {
            // A new file: earlier files count as done.
            state.1 += state.3;
            state.2 = Some(path.to_owned());
        }
        state.3 = len;
        let position = state.1 + done;
        let rate = rows as f64 / self.start.elapsed().as_secs_f64().max(0.001);
        match &self.bar {
            Some(bar) => {
                bar.set_position(position);
                bar.set_message(format!("{rows} rows, {rate:.0} rows/s"));
            }
            None => {
                if state.0.elapsed() >= Duration::from_secs(5) {
                    state.0 = Instant::now();
                    eprintln!(
                        "ingest: {} {done}/{len} bytes, {rows} rows, {rate:.0} rows/s",
                        path.display()
                    );
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn print_file_report(r: &FileReport, dry_run: bool) {
    println!("{}", r.display_path().display());
    if r.already_ingested {
        println!("  already ingested into this breach (same content fingerprint); nothing to do");
        return;
    }
    println!(
        "  format: {}, encoding {}, compression {}",
        r.format, r.encoding, r.compression
    );
    let named = r.tables.len() > 1 || r.tables.iter().any(|t| t.name.is_some());
    for t in &r.tables {
        let indent = if named {
            println!(
                "  table {}: rows {}, records {}{}",
                t.name.as_deref().unwrap_or("(unnamed)"),
                t.rows,
                t.records,
                t.skipped
                    .as_deref()
                    .map(|s| format!(", skipped: {s}"))
                    .unwrap_or_default()
            );
            "    "
        } else {
            "  "
        };
        for (name, role, how) in &t.columns {
            println!("{indent}column {name:?}: {role} (from {how})");
        }
        if dry_run && !t.sample.is_empty() {
            println!("{indent}sample (redacted):");
            for row in &t.sample {
                println!("{indent}  {}", row.join(" | "));
            }
        }
    }
    for warning in &r.warnings {
        println!("  warning: {warning}");
    }
    println!(
        "  rows {}, records {}, identifiers {} ({} email addresses)",
        r.rows, r.records, r.identifiers, r.emails
    );
    println!(
        "  phone numbers by region read: {}",
        by(&r.phones_by_region)
    );
    println!(
        "  phone numbers valid under more than one region: {}",
        r.ambiguous_phones
    );
    println!(
        "  phone numbers read by country calling code: {}",
        by(&r.phones_by_country)
    );
    println!("  records by data class: {}", by(&r.records_by_class));
    let rejected: u64 = r.rejects.values().sum();
    if rejected > 0 {
        println!("  rejected rows: {rejected}");
        for (reason, n) in &r.rejects {
            println!("    {}: {n}", reason.as_str());
        }
        for reject in &r.listed_rejects {
            println!(
                "    line {}: {} [{}]",
                reject.line,
                reject.reason.as_str(),
                reject.redacted
            );
        }
    }
    if dry_run {
        println!("  dry run: nothing was written");
    }
}

fn by(m: &std::collections::BTreeMap<String, u64>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn print_run_report(breach: &str, r: &IngestReport) {
    if r.files.iter().all(|f| f.already_ingested) {
        return;
    }
    println!(
        "{breach}: {} identifiers new to the breach ({} email addresses), {} index entries written",
        r.new_identifiers, r.new_emails, r.entries_written
    );
    println!(
        "  new phone numbers by country calling code: {}",
        by(&r.new_phones_by_country)
    );
    if r.new_emails > 0 && r.domains_counted {
        println!(
            "  email addresses counted per domain (keyed, for organisations' reports): {} domains",
            r.new_domains
        );
    } else if r.new_emails > 0 {
        println!(
            "  note: this breach was loaded before addresses were counted per domain, so organisations' reports show no per-domain count for it (load its files into a new breach to count them)"
        );
    }
    if r.domains_uncounted > 0 {
        println!(
            "  warning: {} addresses were met at more domains than --memory lets a run count; they are indexed but not counted per domain (raise --memory to count them)",
            r.domains_uncounted
        );
    }
}
