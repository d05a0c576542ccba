//! The ingest run: for each file, skip it when its fingerprint is known,
//! sniff, detect columns, read records, key their identifiers on all cores,
//! build segments in bounded memory, and publish segments and updated breach
//! metadata in one transaction. Nothing of the dump is written in the clear.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use lekradar_breach::{BreachMetadata, SourceFile, Utc};
use lekradar_check::index_key;
use lekradar_index::{BuiltSegment, IndexReader, IndexWriter, Key, Transaction};
use lekradar_normalize::{Identifier, Region};
use lekradar_prf::ServerKey;
use rayon::prelude::*;

use crate::columns::{detect_columns, ColumnRole, Detection};
use crate::rows::{to_record, Reject, RejectReason, Rows};
use crate::sniff::{sniff, Format};
use crate::source::{fingerprint, open, SourceError};

/// Rows keyed together on all cores.
const BATCH: usize = 4096;
/// Rejects listed one by one in a report (all are counted).
const LISTED_REJECTS: usize = 100;

/// Why an ingest stopped.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Index(#[from] lekradar_index::IndexError),
    #[error(transparent)]
    Breach(#[from] lekradar_breach::StoreError),
    #[error(transparent)]
    Metadata(#[from] lekradar_breach::MetadataError),
    #[error("keyed PRF failed: {0}")]
    Check(#[from] lekradar_check::CheckError),
    #[error("no breach named {0:?}: add it first with `lekradar breach add`")]
    UnknownBreach(String),
    #[error("{path}: found no phone number or email column ({columns}); name the columns with --map COLUMN=phone|mobile|email|...")]
    NoIdentifierColumn { path: PathBuf, columns: String },
    #[error("{path}: --map names column {column:?}, which the file does not have")]
    UnknownMapColumn { path: PathBuf, column: String },
    #[error("breach {0:?} would have more than 32 data classes")]
    TooManyClasses(String),
}

/// How to ingest.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Regions tried in order for national-format numbers; empty: the breach's own.
    pub regions: Vec<Region>,
    /// Memory budget for building segments.
    pub memory: usize,
    /// Column overrides: a header name or 1-based column number, and its role.
    pub map: Vec<(String, ColumnRole)>,
    /// Only report what would be ingested.
    pub dry_run: bool,
}

/// What happened to one file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: PathBuf,
    pub fingerprint: String,
    /// Ingested before for this breach: nothing was done.
    pub already_ingested: bool,
    pub format: String,
    pub compression: String,
    /// Column name (or number) → role and how it was found.
    pub columns: Vec<(String, String, &'static str)>,
    /// Redacted first rows.
    pub sample: Vec<Vec<String>>,
    pub rows: u64,
    pub records: u64,
    pub identifiers: u64,
    pub rejects: BTreeMap<RejectReason, u64>,
    pub listed_rejects: Vec<Reject>,
    /// Phone numbers read per region (`+CC` for numbers written with a country code).
    pub phones_by_region: BTreeMap<String, u64>,
    /// Phone numbers valid under more than one of the regions tried.
    pub ambiguous_phones: u64,
    pub phones_by_country: BTreeMap<String, u64>,
    pub records_by_class: BTreeMap<String, u64>,
    pub emails: u64,
}

/// Progress of a run: bytes of the current file read, its size, rows so far.
pub type ProgressFn<'a> = &'a (dyn Fn(&Path, u64, u64, u64) + Sync);

fn apply_map(
    path: &Path,
    detection: &mut Detection,
    header: Option<&[String]>,
    map: &[(String, ColumnRole)],
) -> Result<(), IngestError> {
    for (column, role) in map {
        let index = header
            .and_then(|h| {
                h.iter()
                    .position(|name| name.trim().eq_ignore_ascii_case(column.trim()))
            })
            .or_else(|| {
                column
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(|n| n - 1)
            })
            .ok_or_else(|| IngestError::UnknownMapColumn {
                path: path.to_owned(),
                column: column.clone(),
            })?;
        if index >= detection.roles.len() {
            detection.roles.resize(index + 1, ColumnRole::Ignore);
            detection.found_by.resize(index + 1, "content");
        }
        detection.roles[index] = *role;
        detection.found_by[index] = "map";
    }
    Ok(())
}

/// Ingests `files` into `breach`. The breach must exist (`breach add`).
pub fn ingest(
    writer: &mut IndexWriter,
    key: &ServerKey,
    breach: &str,
    files: &[PathBuf],
    config: &IngestConfig,
    progress: ProgressFn<'_>,
) -> Result<Vec<FileReport>, IngestError> {
    let snapshot = IndexReader::open(writer.dir())?.snapshot();
    let mut meta: BreachMetadata = lekradar_breach::find(&snapshot, breach)?
        .ok_or_else(|| IngestError::UnknownBreach(breach.to_owned()))?;
    let regions: Vec<Region> = if config.regions.is_empty() {
        meta.default_regions
            .iter()
            .filter_map(|r| r.parse().ok())
            .collect()
    } else {
        config.regions.clone()
    };
    let mut reports = Vec::new();
    let mut segments: Vec<BuiltSegment> = Vec::new();
    for path in files {
        let mut report = FileReport {
            path: path.clone(),
            fingerprint: fingerprint(path)?,
            ..FileReport::default()
        };
        if meta
            .sources
            .iter()
            .any(|s| s.fingerprint == report.fingerprint)
        {
            report.already_ingested = true;
            reports.push(report);
            continue;
        }
        let sniffed = sniff(path)?;
        let mut detection = detect_columns(sniffed.header.as_deref(), &sniffed.sample, &regions);
        apply_map(path, &mut detection, sniffed.header.as_deref(), &config.map)?;
        report.format = sniffed.format.describe();
        report.compression = sniffed.compression.as_str().to_owned();
        report.columns = detection
            .roles
            .iter()
            .enumerate()
            .map(|(i, role)| {
                let name = sniffed
                    .header
                    .as_ref()
                    .and_then(|h| h.get(i).cloned())
                    .unwrap_or_else(|| format!("column {}", i + 1));
                (name, format!("{role:?}"), detection.found_by[i])
            })
            .collect();
        report.sample = sniffed
            .sample
            .iter()
            .take(5)
            .map(|r| r.iter().map(|v| crate::columns::redact(v)).collect())
            .collect();
        if !detection.roles.iter().any(ColumnRole::is_identifier) {
            return Err(IngestError::NoIdentifierColumn {
                path: path.clone(),
                columns: report
                    .columns
                    .iter()
                    .map(|c| c.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let mut builder = if config.dry_run {
            None
        } else {
            Some(writer.segment_builder(config.memory)?)
        };
        let source = open(path)?;
        let consumed = source.consumed.clone();
        let file_len = source.file_len;
        let columns = match sniffed.format {
            Format::Lines => None,
            _ => sniffed.header.clone(),
        };
        let mut rows = Rows::new(source.reader, &sniffed.format, columns);
        let mut batch: Vec<(Identifier, u32)> = Vec::with_capacity(BATCH);
        loop {
            let next = rows.next_row();
            let end = next.is_none();
            if let Some(row) = next {
                report.rows += 1;
                match row.and_then(|r| to_record(&r, &detection, &regions)) {
                    Ok(record) => {
                        report.records += 1;
                        let mut bits = 0u32;
                        for class in &record.classes {
                            let bit = meta
                                .class_bit(class)
                                .ok_or_else(|| IngestError::TooManyClasses(breach.to_owned()))?;
                            bits |= 1 << bit;
                            *report
                                .records_by_class
                                .entry((*class).to_owned())
                                .or_default() += 1;
                        }
                        for (region, ambiguous) in &record.phone_regions {
                            let name = region.map_or_else(|| "+CC".to_owned(), |r| r.to_string());
                            *report.phones_by_region.entry(name).or_default() += 1;
                            report.ambiguous_phones += u64::from(*ambiguous);
                        }
                        for id in record.identifiers {
                            match &id {
                                Identifier::Phone(p) => {
                                    *report
                                        .phones_by_country
                                        .entry(p.country_code().to_string())
                                        .or_default() += 1
                                }
                                Identifier::Email(_) => report.emails += 1,
                            }
                            report.identifiers += 1;
                            batch.push((id, bits));
                        }
                    }
                    Err(reject) => {
                        *report.rejects.entry(reject.reason).or_default() += 1;
                        if report.listed_rejects.len() < LISTED_REJECTS {
                            report.listed_rejects.push(reject);
                        }
                    }
                }
            }
            if batch.len() >= BATCH || (end && !batch.is_empty()) {
                if let Some(b) = builder.as_mut() {
                    let keyed: Vec<Result<(Key, u32), lekradar_check::CheckError>> = batch
                        .par_iter()
                        .map(|(id, bits)| Ok((index_key(key, id)?, *bits)))
                        .collect();
                    for item in keyed {
                        let (k, bits) = item?;
                        b.push(k, bits)?;
                    }
                }
                batch.clear();
                progress(
                    path,
                    consumed.load(Ordering::Relaxed),
                    file_len,
                    report.rows,
                );
            }
            if end {
                break;
            }
        }
        progress(path, file_len, file_len, report.rows);
        if let Some(b) = builder {
            let (built, _) = b.finish()?;
            segments.extend(built);
            meta.sources.push(SourceFile {
                fingerprint: report.fingerprint.clone(),
                rows: report.rows,
                identifiers: report.identifiers,
                added: Utc::now(),
            });
            for (cc, n) in &report.phones_by_country {
                *meta
                    .statistics
                    .phone_numbers_by_country
                    .entry(cc.clone())
                    .or_default() += n;
            }
            for (class, n) in &report.records_by_class {
                *meta
                    .statistics
                    .records_by_data_class
                    .entry(class.clone())
                    .or_default() += n;
            }
            meta.statistics.email_addresses += report.emails;
            meta.pwn_count += report.identifiers;
        }
        reports.push(report);
    }
    if !config.dry_run && reports.iter().any(|r| !r.already_ingested) {
        meta.modified_date = Utc::now();
        meta.validate()?;
        let mut tx = Transaction::new();
        tx.set_metadata(breach, meta.encode())
            .add_segments(breach, segments);
        writer.commit(tx)?;
    }
    Ok(reports)
}
