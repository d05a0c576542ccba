//! `lekradar demo`: a working instance with no set-up. Creates the key if
//! needed, builds two synthetic breaches (a scrape of mobile numbers and a
//! telecom customer file) through the real normalize → PRF → index path, and
//! checks the identifiers given on the command line, or a few examples.
//! No real person's data is involved.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use lekradar_breach::{BreachKind, BreachMetadata, NaiveDate, HIBP_DATA_CLASSES};
use lekradar_check::index_key;
use lekradar_index::{ClassSet, IndexReader, IndexWriter, Key, Transaction};
use lekradar_normalize::{normalize, Region};
use lekradar_prf::ServerKey;
use rayon::prelude::*;

use crate::cmd::lookup::print_check;
use crate::cmd::parse_memory;
use crate::data_dir::DataDir;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Identifiers to check once the demo index is ready
    #[arg(value_name = "IDENTIFIER")]
    identifiers: Vec<String>,
    /// People in the synthetic scrape (the telecom file gets a fifth as many)
    #[arg(long, default_value_t = 100_000)]
    size: u64,
    /// Memory budget for building segments
    #[arg(long, default_value = "256MiB", value_parser = parse_memory)]
    memory: usize,
    /// Region for phone numbers written without a country code
    #[arg(long, default_value = "NL")]
    region: Region,
}

const SCRAPE: &str = "DemoScrape";
const TELECOM: &str = "DemoTelecom";
/// The telecom file's classes: the first seven of HIBP's vocabulary
/// (phone, email, names, addresses, bank accounts, birth dates, ID documents).
const TELECOM_CLASSES: &[&str] = HIBP_DATA_CLASSES.split_at(7).0;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Person `i`'s mobile number, in one of several real-world spellings.
fn mobile(i: u64) -> String {
    // 06-1… to 06-5…: Dutch mobile ranges.
    let n = 10_000_000 + (i.wrapping_mul(7_919_993) % 49_999_999);
    let (a, b) = (n / 10_000, n % 10_000);
    match i % 6 {
        0 => format!("06-{n:08}"),
        1 => format!("+31 6 {a:04} {b:04}"),
        2 => format!("0031 6 {n:08}"),
        3 => format!("(0)6 {a:04} {b:04}"),
        // Belgian mobiles, in international spellings so any region reads them.
        4 => format!(
            "+32 47{} {:02} {:02} {:02}",
            n % 10,
            (n / 10) % 100,
            (n / 1000) % 100,
            (n / 100_000) % 100
        ),
        _ => format!("0032 49{} {:06}", n % 10, (n / 10) % 1_000_000),
    }
}

fn email(i: u64) -> String {
    format!("Persoon.{i}@Lekradar-Demo.example")
}

/// Normalizes and keys `raw` identifiers on all cores.
fn keyed(
    key: &ServerKey,
    region: Region,
    raw: &[(String, ClassSet)],
) -> anyhow::Result<Vec<(Key, ClassSet)>> {
    raw.par_iter()
        .map(|(text, classes)| {
            let id = normalize(text, region)
                .map_err(|r| anyhow::anyhow!("synthetic identifier rejected: {r}"))?;
            Ok((index_key(key, &id)?, *classes))
        })
        .collect()
}

fn build(
    writer: &mut IndexWriter,
    key: &ServerKey,
    args: &Args,
    mut meta: BreachMetadata,
    raw: Vec<(String, ClassSet)>,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let name = meta.name.clone();
    eprintln!("building {name}: {} identifiers ...", raw.len());
    let keyed = keyed(key, args.region, &raw)?;
    let mut builder = writer.segment_builder(args.memory)?;
    for (k, classes) in keyed {
        builder.push(k, classes)?;
    }
    let (segments, stats) = builder.finish()?;
    meta.pwn_count = stats.written;
    meta.validate()?;
    let mut tx = Transaction::new();
    tx.set_metadata(&name, meta.encode())
        .add_segments(&name, segments);
    writer.commit(tx)?;
    eprintln!(
        "  {} entries published in {:.1?}",
        stats.written,
        t.elapsed()
    );
    Ok(())
}

pub fn run(data: &DataDir, args: Args) -> anyhow::Result<ExitCode> {
    data.create()
        .with_context(|| format!("cannot create data directory {}", data.root().display()))?;
    let key_path = data.key_file();
    let key = if key_path.exists() {
        ServerKey::load(&key_path)?
    } else {
        let key = ServerKey::create_file(&key_path)?;
        eprintln!(
            "created server key {} in {}",
            key.key_id(),
            key_path.display()
        );
        key
    };

    let mut writer = IndexWriter::open(&data.index_dir())?;
    let telecom_people = (args.size / 5).max(1);
    if writer.manifest().breach(SCRAPE).is_none() {
        let raw = (0..args.size).map(|i| (mobile(i), 1)).collect();
        let mut meta =
            BreachMetadata::new(SCRAPE, "Demo scrape of mobile numbers", date(2022, 11, 16));
        meta.kind = BreachKind::Scrape;
        meta.data_classes = vec!["Phone numbers".into()];
        meta.is_fabricated = true;
        build(&mut writer, &key, &args, meta, raw)?;
    }
    if writer.manifest().breach(TELECOM).is_none() {
        // Telecom customers are every third scrape person, so some people are
        // in both breaches; about half have an ID document in the file.
        let mut raw = Vec::new();
        for p in 0..telecom_people {
            let i = p * 3;
            let classes: ClassSet = 0b11_1111 | if i % 2 == 0 { 1 << 6 } else { 0 };
            raw.push((mobile(i), classes));
            raw.push((email(i), classes));
        }
        let mut meta =
            BreachMetadata::new(TELECOM, "Demo telecom customer file", date(2026, 2, 12));
        meta.data_classes = TELECOM_CLASSES.iter().map(|s| s.to_string()).collect();
        meta.is_fabricated = true;
        build(&mut writer, &key, &args, meta, raw)?;
    }
    drop(writer);

    let reader = IndexReader::open(&data.index_dir())?;
    let snapshot = reader.snapshot();
    println!(
        "Demo index in {} (key {})",
        data.index_dir().display(),
        key.key_id()
    );
    let examples: Vec<String> = if args.identifiers.is_empty() {
        println!("No identifiers given; checking some examples (give your own as arguments):");
        vec![
            mobile(0),
            mobile(1),
            email(3),
            mobile(4),
            mobile(args.size + 1),
            "jan.jansen@example.nl".into(),
            "06-123".into(),
        ]
    } else {
        args.identifiers.clone()
    };
    println!();
    for raw in &examples {
        print_check(&snapshot, &key, raw, args.region)?;
    }
    println!();
    println!(
        "Check more with: lekradar --data-dir {} lookup <phone or email>",
        data.root().display()
    );
    Ok(ExitCode::SUCCESS)
}
