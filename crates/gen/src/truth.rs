//! The truth file written beside every dump (`<dump>.truth.json`): the
//! options, totals, junk line numbers, distinct identifier counts, data-class
//! counts and capped per-row truth. Ingest never reads it; tests do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::GenOptions;

/// Version of the truth file layout.
pub const TRUTH_VERSION: u32 = 2;

/// Everything known about a generated dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// Layout version ([`TRUTH_VERSION`]).
    pub version: u32,
    /// File name of the dump (no directory): the archive when there is one.
    pub dump: String,
    /// The dump's name inside the archive, when it is in one.
    #[serde(default)]
    pub member: Option<String>,
    /// The options the dump was generated with.
    pub options: GenOptions,
    /// Dump-wide choices drawn from the seed (header, quoting, date format...).
    pub style: Style,
    /// Line and row totals, junk lines.
    pub totals: Totals,
    /// Distinct valid phone numbers per country calling code (`"31"`, `"32"`...).
    pub distinct_phones_by_calling_code: BTreeMap<String, u64>,
    /// Distinct valid phone numbers in total.
    pub distinct_phones: u64,
    /// Distinct valid email addresses (canonical: trimmed, lower-cased).
    pub distinct_emails: u64,
    /// For each data class (HIBP names, plus "Customer numbers"), how many
    /// valid (non-junk) rows carry it.
    pub data_classes: BTreeMap<String, u64>,
    /// Per-row truth of the first `options.truth_rows` valid rows.
    pub rows: Vec<RowTruth>,
}

/// Dump-wide choices drawn from the seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Style {
    /// Column names in order (the CSV header, or the JSON keys).
    pub columns: Vec<String>,
    /// `minimal`, `text` (text columns always quoted) or `all` (CSV only).
    pub quote_style: String,
    /// `yyyy-mm-dd`, `dd-mm-yyyy` or `dd/mm/yyyy`.
    pub date_format: String,
    /// IBANs printed in groups of four (`NL91 ABNA 0417 1643 00`).
    pub iban_grouped: bool,
    /// Nested JSON: `mongodb` (`_id.$oid`) or `elasticsearch` (`_source`).
    #[serde(default)]
    pub json_style: Option<String>,
    /// Stealer logs: `===` (a line of `=`) or `blank` between blocks.
    #[serde(default)]
    pub block_separator: Option<String>,
    /// SQL dumps: the table's name.
    #[serde(default)]
    pub table: Option<String>,
}

/// Line and row counts. Positions (`RowTruth::line`, junk) are 1-based
/// physical lines of the decompressed file when every record is one line
/// (`unit` = `line`: delimited, JSON Lines, plain lines, credential lists),
/// otherwise 1-based record ordinals (`unit` = `record`: nested JSON, SQL,
/// stealer logs, vCards, spreadsheets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// `line` or `record`: what positions count.
    #[serde(default = "line_unit")]
    pub unit: String,
    /// Physical lines in the decompressed file (header included); for a
    /// spreadsheet, its rows (headers included).
    pub physical_lines: u64,
    /// Header lines (1 for delimited text, 0 for JSON Lines and plain
    /// lines; lines before the first record for the other text formats;
    /// header rows for a spreadsheet).
    pub header_lines: u64,
    /// Rows written after the header: valid rows plus junk rows.
    pub rows_written: u64,
    /// Valid rows (originals plus duplicates).
    pub valid_rows: u64,
    /// Rows that repeat an earlier person's identifiers.
    pub duplicate_rows: u64,
    /// Junk rows in total.
    pub junk_rows: u64,
    /// Junk line numbers per reason: `wrong_field_count`, `unparsable_phone`,
    /// `invalid_email`, `binary_garbage`, `unterminated_quote`. Junk rows hold
    /// no valid identifier and count towards no data class.
    pub junk: BTreeMap<String, Vec<u64>>,
    /// The unterminated quote, if any: always the very last line, so a strict
    /// CSV reader swallows from `line` to `swallowed_through` (the same line).
    pub unterminated_quote: Option<Swallowed>,
}

fn line_unit() -> String {
    "line".into()
}

/// Lines a standard CSV reader loses to an unterminated quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swallowed {
    /// Line of the opening quote.
    pub line: u64,
    /// Last line swallowed (end of file).
    pub swallowed_through: u64,
}

/// Truth of one valid row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowTruth {
    /// 1-based physical line.
    pub line: u64,
    /// Country of the person (the region for reading national formats).
    pub region: String,
    /// Canonical E.164 phone numbers in the row.
    pub phones: Vec<String>,
    /// Canonical email addresses in the row.
    pub emails: Vec<String>,
    /// Data classes present in the row.
    pub classes: Vec<String>,
    /// The row repeats an earlier person.
    pub duplicate: bool,
}

impl Truth {
    /// Reads a truth file.
    pub fn read(path: &std::path::Path) -> Result<Truth, crate::GenError> {
        let bytes = std::fs::read(path).map_err(|source| crate::GenError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|e| crate::GenError::TruthFormat {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}
