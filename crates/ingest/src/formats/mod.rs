//! The formats dumps come in, in one registry ([`FORMATS`]): each format has
//! a module with its detector (a score from the first bytes and lines of a
//! file, the extension only as a tie-breaker) and a streaming record source
//! ([`Records`]) that reads in bounded memory whatever the size of a line or
//! of the file. The sniffer, `--format`, `--dry-run` and `gen-data` all go
//! through this list.
//!
//! A source yields [`Item`]s: a [`TableInfo`] whenever a new table starts (a
//! file's only table, a SQL dump's next `INSERT` target, a spreadsheet's
//! next sheet), then that table's rows. Each table gets its own column
//! detection in the pipeline.

mod credentials;
mod delimited;
mod json;
mod lines;
mod ods;
mod sheet;
mod sql;
mod vcard;

use std::io::BufRead;

use crate::columns::ColumnRole;
use crate::rows::{Reject, Row};
use crate::source::decode_line;

pub use credentials::CredentialLayout;
pub use lines::LineReader;

/// Bytes of a file's (decompressed, decoded) start that detection looks at.
pub const HEAD_BYTES: usize = 256 * 1024;
/// Rows kept as a table's sample for column detection.
pub const SAMPLE_ROWS: usize = 500;

/// The layout of a dump, with what reading it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Delimited text; `header` when the first row names the columns.
    Delimited { delimiter: u8, header: bool },
    /// One value per line.
    Lines,
    /// One JSON object per line.
    JsonLines,
    /// JSON documents: one array of objects (streamed element by element),
    /// or objects one after another however they are laid out; nested
    /// objects and arrays are read as paths (`contact.phones[]`).
    Json,
    /// Credential lists: `email:password`, `url:login:password`,
    /// `login:password:url` (also with `|` or `;`).
    Credentials {
        delimiter: u8,
        layout: CredentialLayout,
    },
    /// Stealer-log blocks: `URL:` / `Username:` / `Password:` lines,
    /// separated by blank lines or `===`.
    StealerLog,
    /// SQL dumps: MySQL `INSERT … VALUES (…),(…)`, PostgreSQL `COPY … FROM
    /// stdin` and `INSERT`; several tables, each with its columns.
    Sql,
    /// vCard contact exports.
    Vcard,
}

impl Format {
    /// For reports: what was seen.
    pub fn describe(&self) -> String {
        match self {
            Format::Delimited { delimiter, header } => format!(
                "delimited by {}, {}",
                delimiter_name(*delimiter),
                if *header {
                    "with header row"
                } else {
                    "no header row"
                }
            ),
            Format::Lines => "one value per line".into(),
            Format::JsonLines => "JSON Lines".into(),
            Format::Json => "JSON (arrays streamed, nested paths)".into(),
            Format::Credentials { delimiter, layout } => format!(
                "credential list {} delimited by {}",
                layout.as_str(),
                delimiter_name(*delimiter)
            ),
            Format::StealerLog => "stealer log (URL/Username/Password blocks)".into(),
            Format::Sql => "SQL dump".into(),
            Format::Vcard => "vCard contacts".into(),
        }
    }

    /// The registry's name of this format (as `--format` takes it).
    pub fn name(&self) -> &'static str {
        match self {
            Format::Delimited { .. } => "delimited",
            Format::Lines => "lines",
            Format::JsonLines => "jsonl",
            Format::Json => "json",
            Format::Credentials { .. } => "credentials",
            Format::StealerLog => "stealer",
            Format::Sql => "sql",
            Format::Vcard => "vcard",
        }
    }

    /// What a position in this format is called in reports.
    pub fn unit(&self) -> &'static str {
        match self {
            Format::Json => "record",
            _ => "line",
        }
    }
}

/// A delimiter as a word for reports.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_owned(),
        b => format!("'{}'", char::from(b)),
    }
}

/// The start of a file as detectors see it.
pub struct Head<'a> {
    /// Decompressed bytes (UTF-8 after decoding), at most [`HEAD_BYTES`].
    pub bytes: &'a [u8],
    /// Its non-empty lines, decoded; a last line cut by the limit dropped.
    pub lines: Vec<String>,
    /// The file's name, for the extension hint.
    pub name: &'a str,
}

impl<'a> Head<'a> {
    pub fn new(bytes: &'a [u8], name: &'a str) -> Head<'a> {
        let complete = bytes.len() < HEAD_BYTES;
        let mut lines: Vec<String> = bytes
            .split(|&b| b == b'\n')
            .map(|l| decode_line(l.strip_suffix(b"\r").unwrap_or(l)).into_owned())
            .collect();
        if !complete {
            lines.pop();
        }
        lines.retain(|l| !l.trim().is_empty());
        Head { bytes, lines, name }
    }

    /// The file name's extension, lower case, compression suffixes removed.
    pub fn extension(&self) -> String {
        let name = self.name.to_ascii_lowercase();
        let mut name = name.as_str();
        for suffix in [".gz", ".zst", ".bz2", ".xz"] {
            name = name.strip_suffix(suffix).unwrap_or(name);
        }
        name.rsplit_once('.')
            .map(|(_, e)| e.to_owned())
            .unwrap_or_default()
    }
}

/// A detector's verdict: how sure (0–100) and the format with its parameters.
pub type Guess = Option<(u32, Format)>;

/// One entry of the registry.
pub struct FormatSpec {
    /// The name `--format` takes.
    pub name: &'static str,
    /// Other names `--format` takes.
    pub aliases: &'static [&'static str],
    /// For `--help` and reports.
    pub what: &'static str,
    /// Extensions that break ties in this format's favour.
    pub extensions: &'static [&'static str],
    /// How sure this format is of a text file's start (`None`: not it).
    pub detect: fn(&Head<'_>) -> Guess,
}

/// Every format, in the order ties are broken.
pub static FORMATS: &[FormatSpec] = &[
    FormatSpec {
        name: "sql",
        aliases: &["mysql", "postgres", "pg_dump", "mysqldump"],
        what: "SQL dumps: MySQL INSERT (extended inserts), PostgreSQL COPY FROM stdin and INSERT; every table with its own columns",
        extensions: &["sql"],
        detect: sql::detect,
    },
    FormatSpec {
        name: "vcard",
        aliases: &["vcf"],
        what: "vCard contact exports: every TEL and EMAIL of a card",
        extensions: &["vcf", "vcard"],
        detect: vcard::detect,
    },
    FormatSpec {
        name: "json",
        aliases: &["json-array", "mongodb", "elasticsearch"],
        what: "JSON: an array of objects (streamed) or objects one after another, nested objects and arrays as paths",
        extensions: &["json"],
        detect: json::detect,
    },
    FormatSpec {
        name: "jsonl",
        aliases: &["json-lines", "ndjson"],
        what: "JSON Lines: one object per line",
        extensions: &["jsonl", "ndjson"],
        detect: json::detect_lines,
    },
    FormatSpec {
        name: "stealer",
        aliases: &["stealer-log"],
        what: "stealer-log blocks: URL:/Username:/Password: lines separated by blank lines or ===",
        extensions: &[],
        detect: credentials::detect_stealer,
    },
    FormatSpec {
        name: "credentials",
        aliases: &["combolist", "combo"],
        what: "credential lists: email:password, phone:password, url:login:password, login:password:url (also | or ;)",
        extensions: &[],
        detect: credentials::detect,
    },
    FormatSpec {
        name: "delimited",
        aliases: &["csv", "tsv"],
        what: "delimited text: , ; tab | or : with or without a header row, quoted fields",
        extensions: &["csv", "tsv", "txt"],
        detect: delimited::detect,
    },
    FormatSpec {
        name: "lines",
        aliases: &["list"],
        what: "one phone number or email address per line",
        extensions: &["txt", "lst"],
        detect: lines::detect,
    },
    FormatSpec {
        name: "spreadsheet",
        aliases: &["xlsx", "ods", "excel"],
        what: "spreadsheets: XLSX and ODS, every sheet",
        extensions: &["xlsx", "ods"],
        detect: |_| None,
    },
];

/// The registry entry called `name` (or one of its aliases).
pub fn spec(name: &str) -> Option<&'static FormatSpec> {
    let name = name.trim().to_ascii_lowercase();
    FORMATS
        .iter()
        .find(|s| s.name == name || s.aliases.contains(&name.as_str()))
}

/// The registry entry called `name`, or the error a user sees for it.
pub fn spec_or_error(name: &str) -> Result<&'static FormatSpec, String> {
    spec(name).ok_or_else(|| {
        format!(
            "unknown format {name:?}: use one of {}",
            FORMATS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// How a spreadsheet is described in reports.
pub const SPREADSHEET: &str = "spreadsheet (XLSX/ODS)";

/// Whether `bytes` (a file's raw start) is a spreadsheet: a ZIP holding an
/// Excel workbook or an OpenDocument spreadsheet.
pub fn is_spreadsheet(bytes: &[u8]) -> bool {
    sheet::is_spreadsheet(bytes)
}

/// The best format for a text file's start, and the scores of the others.
pub fn detect(head: &Head<'_>) -> Option<Format> {
    let ext = head.extension();
    let mut best: Option<(u32, usize, Format)> = None;
    for (i, spec) in FORMATS.iter().enumerate() {
        let Some((score, format)) = (spec.detect)(head) else {
            continue;
        };
        let score = score * 10 + u32::from(spec.extensions.contains(&ext.as_str())) * 5;
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, i, format));
        }
    }
    best.map(|(_, _, f)| f)
}

/// The format `--format NAME` (with `--delimiter`) asks for; detection
/// fills in what the name leaves open (a delimiter, a header row).
pub fn forced(name: &str, delimiter: Option<u8>, head: &Head<'_>) -> Result<Format, String> {
    let spec = spec_or_error(name)?;
    Ok(match spec.name {
        "delimited" => delimited::forced(head, delimiter),
        "credentials" => credentials::forced(head, delimiter),
        "spreadsheet" => return Err("a spreadsheet is read from its bytes, not as text".into()),
        _ => {
            if delimiter.is_some() {
                return Err(format!(
                    "--delimiter does not apply to --format {}",
                    spec.name
                ));
            }
            (spec.detect)(head)
                .map(|(_, f)| f)
                .unwrap_or(match spec.name {
                    "sql" => Format::Sql,
                    "vcard" => Format::Vcard,
                    "json" => Format::Json,
                    "jsonl" => Format::JsonLines,
                    "stealer" => Format::StealerLog,
                    _ => Format::Lines,
                })
        }
    })
}

/// Where a table starts and what its columns are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// The table's or sheet's name, when the format has several.
    pub name: Option<String>,
    /// Column names: the header row, JSON paths, SQL column names.
    pub columns: Option<Vec<String>>,
    /// The roles when the format itself says them (credential lists,
    /// stealer logs, vCards); `None`: detect from names and content.
    pub roles: Option<Vec<ColumnRole>>,
}

/// What a record source yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A new table starts; its rows follow.
    Table(TableInfo),
    Row(Result<Row, Reject>),
}

/// A streaming reader of one file's tables and rows.
pub trait Records: Send {
    fn next_item(&mut self) -> Option<Item>;

    /// The current table's columns as the source knows them now, when they
    /// grow as rows are read (JSON paths first met later).
    fn columns(&self) -> Option<Vec<String>> {
        None
    }
}

/// The records of a text file in `format` (a spreadsheet is not text and
/// needs the whole file: [`spreadsheet`]).
pub fn records(
    format: &Format,
    reader: Box<dyn BufRead + Send>,
    head: &Head<'_>,
) -> Box<dyn Records> {
    match format {
        Format::Delimited { .. } | Format::Lines => delimited::records(format, reader, head),
        Format::JsonLines => json::lines_records(reader, head),
        Format::Json => json::records(reader),
        Format::Credentials { delimiter, layout } => {
            credentials::records(reader, *delimiter, *layout)
        }
        Format::StealerLog => credentials::stealer_records(reader),
        Format::Sql => sql::records(reader),
        Format::Vcard => vcard::records(reader),
    }
}

/// The records of a spreadsheet held in memory: every sheet a table.
pub fn spreadsheet(bytes: Vec<u8>) -> Result<Box<dyn Records>, String> {
    sheet::records(bytes)
}
