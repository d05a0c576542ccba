//! Deterministic synthetic breach dumps for testing and benchmarking ingest.
//!
//! [`generate`] writes a dump shaped like a real one (a telecom customer
//! export, a scraped list of mobile numbers, or a data-broker export) from a
//! seeded RNG, with messy phone spellings, mixed-case emails, junk rows and
//! duplicates, in every shape ingest reads ([`Format`]: delimited text, JSON
//! Lines, plain lines, nested JSON, SQL dumps, credential lists, stealer
//! logs, vCards, XLSX and ODS), UTF-8 or Latin-1, optionally gzip- or
//! zstd-, bzip2- or xz-compressed and put in a zip (optionally encrypted) or tar archive. Beside it goes `<dump>.truth.json` ([`Truth`]):
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

mod container;
mod data;
mod generate;
pub mod iban;
pub mod phone;
mod shapes;
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

/// File format of the dump. Each maps to one entry of ingest's format
/// registry ([`Format::registry_name`]); `lekradar gen-data --format` takes
/// the registry's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Format {
    /// Delimited text with a header row; `delimiter` is `,`, `;`, tab, `|`
    /// or `:` (with `:`, a comma inside a field stays a comma).
    Delimited { delimiter: char },
    /// One JSON object per line, keys = the header names.
    JsonLines,
    /// One value per line, no header (scrape dumps only).
    Lines,
    /// One JSON array of nested objects, as MongoDB (`_id.$oid`) or
    /// Elasticsearch (`_source`) exports them: identifiers in arrays
    /// under `contact` (`contact.mobiel[]`).
    Json,
    /// A SQL dump of one table in the dialect's own shape.
    Sql { dialect: SqlDialect },
    /// A credential list: each record's login (its email address, or its
    /// phone number when it has none) with a password, in `layout`.
    Credentials {
        layout: CredentialLayout,
        delimiter: char,
    },
    /// Stealer-log blocks (`URL:` / `Username:` / `Password:`), separated
    /// by `===` lines or blank lines (drawn from the seed).
    Stealer,
    /// vCard 3.0 contacts: `FN`, `TEL`, `EMAIL`, `ADR`, `BDAY`, `ORG`, `TITLE`.
    Vcard,
    /// An Excel workbook; the rows are split over two sheets, each with its
    /// header row.
    Xlsx,
    /// An OpenDocument spreadsheet, two sheets as for XLSX.
    Ods,
}

impl Format {
    /// The name of ingest's format registry entry that reads this format.
    pub fn registry_name(&self) -> &'static str {
        match self {
            Format::Delimited { .. } => "delimited",
            Format::JsonLines => "jsonl",
            Format::Lines => "lines",
            Format::Json => "json",
            Format::Sql { .. } => "sql",
            Format::Credentials { .. } => "credentials",
            Format::Stealer => "stealer",
            Format::Vcard => "vcard",
            Format::Xlsx | Format::Ods => "spreadsheet",
        }
    }

    /// Whether every record is one physical line (truth positions are
    /// lines; otherwise they are record ordinals).
    pub fn one_line_per_record(&self) -> bool {
        matches!(
            self,
            Format::Delimited { .. }
                | Format::JsonLines
                | Format::Lines
                | Format::Credentials { .. }
        )
    }

    /// The file extension a dump of this format usually has.
    pub fn extension(&self) -> &'static str {
        match self {
            Format::Delimited { delimiter: '\t' } => "tsv",
            Format::Delimited { delimiter: ':' } => "txt",
            Format::Delimited { .. } => "csv",
            Format::JsonLines => "jsonl",
            Format::Lines | Format::Credentials { .. } | Format::Stealer => "txt",
            Format::Json => "json",
            Format::Sql { .. } => "sql",
            Format::Vcard => "vcf",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
        }
    }
}

/// The dialect of a SQL dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SqlDialect {
    /// mysqldump: `CREATE TABLE` then extended `INSERT INTO … VALUES
    /// (…),(…)` lines of many rows, mysqldump's backslash escapes.
    Mysql,
    /// pg_dump: `COPY … (columns) FROM stdin`, tab-separated, `\N` nulls.
    PgCopy,
    /// pg_dump --inserts: `CREATE TABLE`, then one `INSERT` per row.
    PgInserts,
}

/// The order of a credential list's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialLayout {
    /// `login:password`
    LoginPassword,
    /// `url:login:password`
    UrlLoginPassword,
    /// `login:password:url`
    LoginPasswordUrl,
}

/// An archive the dump is put in (as its only member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Container {
    #[default]
    None,
    /// A zip archive (AES-256 encrypted when a password is given).
    Zip,
    /// A tar archive.
    Tar,
    /// A gzip-compressed tar archive.
    TarGz,
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
    Bzip2,
    Xz,
}

/// Language of the header row (and JSON keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nl,
    Fr,
    En,
}

/// Everything that determines a dump; the same options give the same bytes
/// (an ODS workbook: the same cells; its writer orders XML declarations at
/// random).
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
    /// The archive the dump goes into, if any.
    #[serde(default)]
    pub container: Container,
    /// Name of the dump inside the archive (default: the archive's name
    /// without its archive extension, or `dump.<extension>`).
    #[serde(default)]
    pub member: Option<String>,
    /// Password of an encrypted zip; never written to the truth file.
    #[serde(skip)]
    pub zip_password: Option<String>,
}

impl GenOptions {
    /// Sensible defaults for `kind`: 10 000 rows, seed 1; telecom and broker
    /// as `;`-separated CSV of NL (60 %) and BE (40 %) persons, scrape as
    /// plain lines of a country mix.
    pub fn new(kind: DumpKind) -> GenOptions {
        let (format, regions): (Format, &[&str]) = match kind {
            DumpKind::Telecom | DumpKind::Broker => {
                (Format::Delimited { delimiter: ';' }, &["NL:60", "BE:40"])
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
            container: Container::None,
            member: None,
            zip_password: None,
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
