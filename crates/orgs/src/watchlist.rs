//! Reading a watchlist: an uploaded file, in any format ingest reads
//! (`lekradar-ingest`: delimited text, spreadsheets, JSON, vCards, …,
//! compressed or not), read in memory — never written to disk. Each row
//! gives its email addresses and phone numbers, and the organisation's own
//! reference for the person: the row's other values (a name, a staff
//! number), joined.

use std::io::Cursor;
use std::path::Path;

use lekradar_ingest::{read_phone, ColumnRole, IngestConfig, Row, Source};
use lekradar_normalize::{normalize_email, Identifier, Region};

/// The longest reference kept, in characters.
pub const MAX_REFERENCE: usize = 200;

/// One identifier read, with its row's reference.
#[derive(Clone)]
pub struct ReadEntry {
    /// The row (line) it came from; 0 when added one by one.
    pub line: u64,
    pub identifier: Identifier,
    pub reference: String,
}

impl std::fmt::Debug for ReadEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadEntry")
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

/// A row or entry not taken, and why (naming no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub line: u64,
    pub reason: RefusedReason,
}

/// Why an entry was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusedReason {
    /// The row holds no email address or phone number.
    NoIdentifier,
    /// An address at a domain the organisation has not proved.
    DomainNotProved,
    /// More phone numbers than the organisation may watch.
    PhoneCap,
    /// More entries than the organisation may watch.
    EntryCap,
    /// A phone number that is not a mobile number.
    NotMobile,
    /// A mobile number, where numbers need their holder's confirmation by
    /// SMS and this server sends none.
    NoSms,
}

impl RefusedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusedReason::NoIdentifier => "no-identifier",
            RefusedReason::DomainNotProved => "domain-not-proved",
            RefusedReason::PhoneCap => "phone-cap",
            RefusedReason::EntryCap => "entry-cap",
            RefusedReason::NotMobile => "not-mobile",
            RefusedReason::NoSms => "no-sms",
        }
    }
}

/// What a file gave.
#[derive(Debug, Default)]
pub struct ReadFile {
    pub entries: Vec<ReadEntry>,
    pub refused: Vec<Refused>,
    pub rows: u64,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("{0}")]
    Unreadable(String),
    #[error("the file holds no email address or phone number")]
    Nothing,
}

/// The reference of a row: its values that are neither identifiers nor
/// secrets, joined.
fn reference(roles: &[ColumnRole], row: &Row) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for (i, value) in row.values() {
        let role = roles.get(i).copied().unwrap_or(ColumnRole::Ignore);
        if role.is_identifier()
            || role.is_secret()
            || matches!(role, ColumnRole::Phone { .. } | ColumnRole::Email)
        {
            continue;
        }
        let value = value.trim();
        if !value.is_empty() {
            parts.push(value);
        }
    }
    let joined = parts.join(" · ");
    joined
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_REFERENCE)
        .collect()
}

/// Reads the watchlist file `bytes`, named `name` (its extension is a hint
/// to the format), reading national phone numbers under `regions`.
pub fn read_file(bytes: Vec<u8>, name: &str, regions: &[Region]) -> Result<ReadFile, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let len = bytes.len() as u64;
    let source = Source::from_reader(Cursor::new(bytes), len)
        .map_err(|e| ReadError::Unreadable(e.to_string()))?;
    let config = IngestConfig {
        regions: regions.to_vec(),
        allow_sparse: true,
        ..IngestConfig::default()
    };
    let mut out = ReadFile::default();
    let path = Path::new(name);
    let rows = lekradar_ingest::read_stream(source, path, &config, regions, &mut |roles, row| {
        let mut found = Vec::new();
        for (i, value) in row.values() {
            let role = roles.get(i).copied().unwrap_or(ColumnRole::Ignore);
            let id =
                match role {
                    ColumnRole::Email => normalize_email(value).ok().map(Identifier::Email),
                    ColumnRole::Phone { mobile } => {
                        read_phone(value, regions, mobile).map(|(p, _, _)| Identifier::Phone(p))
                    }
                    ColumnRole::Login => normalize_email(value)
                        .ok()
                        .map(Identifier::Email)
                        .or_else(|| {
                            read_phone(value, regions, false).map(|(p, _, _)| Identifier::Phone(p))
                        }),
                    _ => None,
                };
            if let Some(id) = id {
                if !found.contains(&id) {
                    found.push(id);
                }
            }
        }
        if found.is_empty() {
            out.refused.push(Refused {
                line: row.line,
                reason: RefusedReason::NoIdentifier,
            });
            return;
        }
        let reference = reference(roles, row);
        for identifier in found {
            out.entries.push(ReadEntry {
                line: row.line,
                identifier,
                reference: reference.clone(),
            });
        }
    })
    .map_err(|e| ReadError::Unreadable(e.to_string()))?;
    out.rows = rows;
    if out.entries.is_empty() {
        return Err(ReadError::Nothing);
    }
    Ok(out)
}

/// One entry typed in: an address or number and a reference.
pub fn read_one(text: &str, reference: &str, region: Region) -> Option<ReadEntry> {
    let text = text.trim();
    let identifier = normalize_email(text)
        .ok()
        .map(Identifier::Email)
        .or_else(|| read_phone(text, &[region], true).map(|(p, _, _)| Identifier::Phone(p)))?;
    Some(ReadEntry {
        line: 0,
        identifier,
        reference: reference
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_REFERENCE)
            .collect(),
    })
}
