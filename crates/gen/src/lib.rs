//! Deterministic synthetic breach dumps for testing and benchmarking ingest.
//!
//! [`generate`] writes a dump shaped like a real one (a telecom customer
//! export, a scraped list of mobile numbers, or a data-broker export) from a
//! seeded RNG, with messy phone spellings, mixed-case emails, junk rows and
//! duplicates, in CSV / JSON Lines / plain lines, UTF-8 or Latin-1, optionally
//! gzip- or zstd-compressed. Beside it goes `<dump>.truth.json` ([`Truth`]):
//! exact counts and per-row canonical identifiers, so a test can check ingest
//! recall against the truth. No real person's data: names are invented
//! combinations from small lists, emails use reserved domains only.
//!
//! Memory stays bounded for any row count: rows are streamed, the generator
//! keeps counts, junk line numbers and the capped per-row truth only;
//! distinct counts hold by construction (every person gets a distinct number
//! and email, duplicates repeat a known person).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod data;
mod generate;
pub mod iban;
pub mod phone;
mod sink;
mod truth;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use generate::{generate, truth_path};
pub use phone::Country;
pub use truth::{RowTruth, Style, Swallowed, Totals, Truth, TRUTH_VERSION};

/// What kind of dump to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DumpKind {
    /// A telecom's customer export (names, address, email, mobile, IBAN,
    /// date of birth, ID document).
    Telecom,
    /// A scraped list of mobile numbers, one per line.
    Scrape,
    /// A data-broker export (name, company, job title, work email, mobile).
    Broker,
}

/// File format of the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Format {
    /// CSV with a header row; `delimiter` is `,`, `;`, tab or `|`.
    Csv { delimiter: char },
    /// One JSON object per line, keys = the header names.
    JsonLines,
    /// One value per line, no header (scrape dumps only).
    Lines,
}

/// Text encoding of the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Utf8,
    /// ISO-8859-1: `é`, `ë`, `ç` as single bytes.
    Latin1,
}

/// Compression of the dump file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// Language of the header row (and JSON keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nl,
    Fr,
    En,
}

/// Everything that determines a dump; the same options give the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenOptions {
    pub kind: DumpKind,
    /// Rows after the header (valid rows, duplicates and junk together).
    pub rows: u64,
    pub seed: u64,
    pub format: Format,
    pub encoding: Encoding,
    pub compression: Compression,
    pub header_lang: Lang,
    /// Share of junk rows, 0..=1 (default 0.005).
    pub junk_rate: f64,
    /// Share of rows repeating an earlier person, 0..=1 (default 0.02).
    pub duplicate_rate: f64,
    /// Per-row truth is kept for at most this many valid rows.
    pub truth_rows: u64,
    /// Countries of the persons with optional weights: `["NL:60", "BE:40"]`
    /// or `["NL", "BE"]` (equal shares). Supported: NL BE DE FR GB ES IT EG SA US.
    pub regions: Vec<String>,
    /// Replace an existing dump / truth file instead of refusing.
    #[serde(default)]
    pub overwrite: bool,
}

impl GenOptions {
    /// Sensible defaults for `kind`: 10 000 rows, seed 1; telecom and broker
    /// as `;`-separated CSV of NL (60 %) and BE (40 %) persons, scrape as
    /// plain lines of a country mix.
    pub fn new(kind: DumpKind) -> GenOptions {
        let (format, regions): (Format, &[&str]) = match kind {
            DumpKind::Telecom | DumpKind::Broker => {
                (Format::Csv { delimiter: ';' }, &["NL:60", "BE:40"])
            }
            DumpKind::Scrape => (
                Format::Lines,
                &[
                    "NL:35", "BE:25", "DE:8", "FR:8", "GB:6", "ES:5", "IT:5", "EG:3", "SA:3",
                    "US:2",
                ],
            ),
        };
        GenOptions {
            kind,
            rows: 10_000,
            seed: 1,
            format,
            encoding: Encoding::Utf8,
            compression: Compression::None,
            header_lang: Lang::Nl,
            junk_rate: 0.005,
            duplicate_rate: 0.02,
            truth_rows: 100_000,
            regions: regions.iter().map(|s| s.to_string()).collect(),
            overwrite: false,
        }
    }
}

/// Why a dump could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{path} already exists; choose another path or allow overwriting (--force)")]
    Exists { path: PathBuf },
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid option: {0}")]
    InvalidOption(String),
    #[error("cannot read truth file {path}: {message}")]
    TruthFormat { path: PathBuf, message: String },
}
