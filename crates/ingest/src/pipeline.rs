//! The ingest run: for each file, skip it when its fingerprint is known,
//! sniff, detect columns and read records on this thread, while a keying
//! thread keys the identifiers on all cores and builds segments in bounded
//! memory; then publish the segments and the updated breach metadata in one
//! transaction. Statistics count distinct identifiers new to the breach.
//! Nothing of the dump is written in the clear.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use lekradar_breach::{BreachMetadata, NaiveDate, SourceFile, Utc};
use lekradar_check::filing;
use lekradar_index::{
    ClassSet, Group, IndexReader, IndexWriter, SegmentBuilder, Snapshot, Transaction, UNCOUNTED,
};
use lekradar_normalize::{Identifier, Region};
use lekradar_prf::ServerKey;
use rayon::prelude::*;

use crate::columns::{detect_columns, ColumnRole, Detection};
use crate::rows::{to_record, Reject, RejectReason, Rows};
use crate::sniff::{sniff, Format};
use crate::source::{fingerprint, open, SourceError};

/// Identifiers keyed together on all cores.
const BATCH: usize = 4096;
/// Batches read ahead of the keying thread.
const BATCHES_AHEAD: usize = 4;
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
    #[error("breach {0:?} is retired: its entries left the index and it takes no new files; add the data as a new breach with `lekradar breach add`")]
    RetiredBreach(String),
    #[error("{path}: found no phone number or email column ({columns}); name the columns with --map COLUMN=phone|mobile|email|...")]
    NoIdentifierColumn { path: PathBuf, columns: String },
    #[error("{path}: --map names column {column:?}, which the file does not have")]
    UnknownMapColumn { path: PathBuf, column: String },
    #[error("breach {0:?} would have more than 32 data classes")]
    TooManyClasses(String),
    #[error("the keying thread stopped unexpectedly")]
    KeyingThread,
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

/// What a run did: a report per file, and what the breach gained.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub files: Vec<FileReport>,
    /// Distinct identifiers new to the breach (ones it already held, or met
    /// twice in this run, count once).
    pub new_identifiers: u64,
    /// Of which email addresses.
    pub new_emails: u64,
    /// Of which phone numbers, per country calling code.
    pub new_phones_by_country: BTreeMap<String, u64>,
    /// Index entries written (identifiers met twice in this run merged).
    pub entries_written: u64,
}

/// What happened to one file (counts are occurrences in this file).
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
    /// Phone numbers read per country calling code.
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
) -> Result<IngestReport, IngestError> {
    let snapshot = IndexReader::open(writer.dir())?.snapshot();
    let mut meta: BreachMetadata = lekradar_breach::find(&snapshot, breach)?
        .ok_or_else(|| IngestError::UnknownBreach(breach.to_owned()))?;
    // Re-ingesting into a retired breach would seal its people's entries
    // again from pad 0 under the same tags and count them twice.
    if meta.is_retired || snapshot.breach(breach).is_some_and(|b| b.is_retired()) {
        return Err(IngestError::RetiredBreach(breach.to_owned()));
    }
    let regions: Vec<Region> = if config.regions.is_empty() {
        meta.default_regions
            .iter()
            .filter_map(|r| r.parse().ok())
            .collect()
    } else {
        config.regions.clone()
    };
    let builder = if config.dry_run {
        None
    } else {
        Some(writer.segment_builder(config.memory)?)
    };
    let mut groups = Groups::default();
    let (files, built) = std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<Vec<Pending>>(BATCHES_AHEAD);
        let keying = builder.map(|builder| {
            let snapshot = &snapshot;
            scope.spawn(move || key_batches(receiver, builder, key, snapshot, breach))
        });
        let read = read_files(
            files,
            config,
            &regions,
            &mut meta,
            &mut groups,
            keying.as_ref().map(|_| &sender),
            progress,
        );
        drop(sender);
        let keyed = keying
            .map(|handle| handle.join().map_err(|_| IngestError::KeyingThread)?)
            .transpose();
        // When keying failed, reading stopped for that reason: report keying's error.
        let keyed = keyed?;
        Ok::<_, IngestError>((read?, keyed))
    })?;
    let mut report = IngestReport {
        files,
        ..IngestReport::default()
    };
    let Some(builder) = built else {
        return Ok(report);
    };
    if report.files.iter().all(|f| f.already_ingested) {
        return Ok(report);
    }
    let (segments, stats) = builder.finish()?;
    report.entries_written = stats.written;
    for (group, label) in groups.labels.iter().enumerate() {
        let n = stats.distinct(group as Group);
        report.new_identifiers += n;
        match label {
            None => report.new_emails += n,
            Some(cc) => {
                *report
                    .new_phones_by_country
                    .entry(cc.to_string())
                    .or_default() += n
            }
        }
    }
    for file in report.files.iter().filter(|f| !f.already_ingested) {
        meta.sources.push(SourceFile {
            fingerprint: file.fingerprint.clone(),
            rows: file.rows,
            identifiers: file.identifiers,
            added: Utc::now(),
        });
        for (class, n) in &file.records_by_class {
            *meta
                .statistics
                .records_by_data_class
                .entry(class.clone())
                .or_default() += n;
        }
    }
    for (cc, n) in &report.new_phones_by_country {
        *meta
            .statistics
            .phone_numbers_by_country
            .entry(cc.clone())
            .or_default() += n;
    }
    meta.statistics.email_addresses += report.new_emails;
    meta.pwn_count += report.new_identifiers;
    meta.modified_date = Utc::now();
    meta.validate()?;
    let mut tx = Transaction::new();
    tx.set_metadata(breach, meta.encode())
        .add_segments(breach, segments);
    writer.commit(tx)?;
    Ok(report)
}

/// An identifier read, waiting to be keyed.
struct Pending {
    id: Identifier,
    classes: ClassSet,
    group: Group,
}

/// Counting groups of identifiers: group 0 holds email addresses, the others
/// one country calling code each, in the order met.
struct Groups {
    /// `None`: email addresses; `Some(cc)`: phone numbers of calling code `cc`.
    labels: Vec<Option<u16>>,
}

impl Default for Groups {
    fn default() -> Groups {
        Groups { labels: vec![None] }
    }
}

impl Groups {
    fn of(&mut self, id: &Identifier) -> Group {
        let label = match id {
            Identifier::Phone(p) => Some(p.country_code()),
            Identifier::Email(_) => None,
        };
        let index = match self.labels.iter().position(|l| *l == label) {
            Some(i) => i,
            None => {
                // Fewer than 250 calling codes exist, so this always fits.
                self.labels.push(label);
                self.labels.len() - 1
            }
        };
        Group::try_from(index)
            .ok()
            .filter(|&g| g != UNCOUNTED)
            .unwrap_or(UNCOUNTED)
    }
}

/// The keying thread: keys each batch on all cores and adds it to the
/// builder. An identifier the breach already holds is not counted again; it
/// is added only when its record brings classes the breach did not hold for
/// it, as the next entry of its tag, sealed with that entry's own pad (a
/// reused pad would tell whoever holds the bucket how the records differ).
fn key_batches(
    batches: Receiver<Vec<Pending>>,
    mut builder: SegmentBuilder,
    key: &ServerKey,
    snapshot: &Snapshot,
    breach: &str,
) -> Result<SegmentBuilder, IngestError> {
    let existing = snapshot.breach(breach);
    for batch in batches {
        let keyed: Vec<_> = batch
            .par_iter()
            .map(|p| {
                let filed = filing(key, &p.id)?;
                let (k, pad) = filed.in_breach(breach);
                Ok(match existing.and_then(|b| filed.records_in(b)) {
                    None => Some((k, p.classes, pad, p.group)),
                    // Nothing new about this person: the breach stays as it is.
                    Some((held, _)) if p.classes & !held == 0 => None,
                    Some((_, entries)) => {
                        Some((k, p.classes, filed.pad_in(breach, entries), UNCOUNTED))
                    }
                })
            })
            .collect::<Result<_, lekradar_check::CheckError>>()?;
        for (k, classes, pad, group) in keyed.into_iter().flatten() {
            builder.push_sealed(k, classes, pad, group)?;
        }
    }
    Ok(builder)
}

/// Reads every file, sending its identifiers to `keying` in batches (none in
/// a dry run).
fn read_files(
    files: &[PathBuf],
    config: &IngestConfig,
    regions: &[Region],
    meta: &mut BreachMetadata,
    groups: &mut Groups,
    keying: Option<&SyncSender<Vec<Pending>>>,
    progress: ProgressFn<'_>,
) -> Result<Vec<FileReport>, IngestError> {
    let mut reports = Vec::new();
    let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
    let send = |batch: &mut Vec<Pending>| match keying {
        Some(sender) if !batch.is_empty() => {
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
            // The keying thread only hangs up when it failed; its own error is reported.
            sender.send(full).map_err(|_| IngestError::KeyingThread)
        }
        _ => Ok(()),
    };
    for path in files {
        let fingerprint = fingerprint(path)?;
        let known = meta.sources.iter().any(|s| s.fingerprint == fingerprint)
            || reports
                .iter()
                .any(|r: &FileReport| r.fingerprint == fingerprint);
        let mut report = FileReport {
            path: path.clone(),
            fingerprint,
            already_ingested: known,
            ..FileReport::default()
        };
        if !known {
            read_file(
                &mut report,
                config,
                regions,
                meta,
                progress,
                &mut |id, classes| {
                    if keying.is_some() {
                        let group = groups.of(&id);
                        batch.push(Pending { id, classes, group });
                        if batch.len() >= BATCH {
                            send(&mut batch)?;
                        }
                    }
                    Ok(())
                },
            )?;
        }
        reports.push(report);
    }
    send(&mut batch)?;
    Ok(reports)
}

/// The identifiers of one dump as ingest reads them, in file order, with the
/// report of the reading; nothing is keyed or written. For measuring.
pub fn read_identifiers(
    path: &Path,
    regions: &[Region],
    map: &[(String, ColumnRole)],
) -> Result<(Vec<Identifier>, FileReport), IngestError> {
    let config = IngestConfig {
        regions: regions.to_vec(),
        memory: 0,
        map: map.to_vec(),
        dry_run: true,
    };
    let mut meta = BreachMetadata::new("Measure", "Measure", NaiveDate::MIN);
    let mut report = FileReport {
        path: path.to_owned(),
        ..FileReport::default()
    };
    let mut ids = Vec::new();
    read_file(
        &mut report,
        &config,
        regions,
        &mut meta,
        &|_, _, _, _| {},
        &mut |id, _| {
            ids.push(id);
            Ok(())
        },
    )?;
    Ok((ids, report))
}

/// Reads one file into `report`, giving each identifier with its record's
/// classes to `sink`.
fn read_file(
    report: &mut FileReport,
    config: &IngestConfig,
    regions: &[Region],
    meta: &mut BreachMetadata,
    progress: ProgressFn<'_>,
    sink: &mut dyn FnMut(Identifier, ClassSet) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let path = report.path.clone();
    let path = path.as_path();
    let sniffed = sniff(path)?;
    let mut detection = detect_columns(sniffed.header.as_deref(), &sniffed.sample, regions);
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
            path: path.to_owned(),
            columns: report
                .columns
                .iter()
                .map(|c| c.0.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let source = open(path)?;
    let consumed = source.consumed.clone();
    let file_len = source.file_len;
    let columns = match sniffed.format {
        Format::Lines => None,
        _ => sniffed.header.clone(),
    };
    let mut rows = Rows::new(source.reader, &sniffed.format, columns);
    loop {
        let next = rows.next_row();
        let end = next.is_none();
        if let Some(row) = next {
            report.rows += 1;
            match row.and_then(|r| to_record(&r, &detection, regions)) {
                Ok(record) => {
                    report.records += 1;
                    let mut bits: ClassSet = 0;
                    for class in &record.classes {
                        let bit = meta
                            .class_bit(class)
                            .ok_or_else(|| IngestError::TooManyClasses(meta.name.clone()))?;
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
                        sink(id, bits)?;
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
        if end || report.rows.is_multiple_of(BATCH as u64) {
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
    Ok(())
}
