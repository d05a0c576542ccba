//! The ingest run: for each file, skip it when its fingerprint is known,
//! sniff, detect columns and read records on this thread, while a keying
//! thread keys the identifiers on all cores and builds segments in bounded
//! memory; then publish the segments and the updated breach metadata in one
//! transaction. Statistics count distinct identifiers new to the breach.
//! Nothing of the dump is written in the clear.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use lekradar_breach::{BreachMetadata, NaiveDate, SourceFile, Utc};
use lekradar_check::{filing, DomainKeyer};
use lekradar_index::{
    BuildStats, BuiltSegment, ClassSet, DomainCounts, Group, IndexWriter, SegmentBuilder, Snapshot,
    Transaction, NO_DOMAIN, UNCOUNTED,
};
use lekradar_normalize::{Identifier, Region};
use lekradar_prf::ServerKey;
use rayon::prelude::*;

use crate::columns::ColumnRole;
use crate::read::{read_path, Reading};
use crate::rows::{Reject, RejectReason};
use crate::source::SourceError;

/// Identifiers keyed together on all cores.
const BATCH: usize = 4096;
/// Batches read ahead of the keying thread.
const BATCHES_AHEAD: usize = 4;
/// A run counts addresses for up to `--memory / DOMAIN_SHARE` distinct
/// domains (2 Mi at the default 512 MiB). One costs at most about 64 bytes
/// (its name and number in a hash map, its keyed hash), so the domains take
/// at most a quarter more than `--memory`. Addresses at further domains are
/// indexed as always but not counted per domain, and the report says so.
const DOMAIN_SHARE: usize = 256;

/// Why an ingest stopped.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Index(#[from] lekradar_index::IndexError),
    #[error(transparent)]
    Breach(#[from] lekradar_catalogue::edit::EditError),
    #[error(transparent)]
    Metadata(#[from] lekradar_breach::MetadataError),
    #[error("keyed PRF failed: {0}")]
    Check(#[from] lekradar_check::CheckError),
    #[error("no breach named {0:?}: add it first with `lekradar breach add`")]
    UnknownBreach(String),
    #[error("breach {0:?} is retired: its entries left the index and it takes no new files; add the data as a new breach with `lekradar breach add`")]
    RetiredBreach(String),
    #[error("{path}: read as {format}, found no phone number or email column ({columns}); name the columns with --map COLUMN=phone|mobile|email|..., or choose the format with --format and --delimiter")]
    NoIdentifierColumn {
        path: PathBuf,
        format: String,
        columns: String,
    },
    #[error("{path}: read as {format}, {why}; {hint}")]
    NothingRead {
        path: PathBuf,
        format: String,
        why: String,
        hint: String,
    },
    #[error("{path}: {warning}; {hint}, or accept it with --allow-sparse")]
    Sparse {
        path: PathBuf,
        warning: String,
        hint: String,
    },
    #[error("{0}")]
    Format(String),
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
    /// A format's registry name (`--format`) instead of detection.
    pub format: Option<String>,
    /// The delimiter for delimited text and credential lists (`--delimiter`).
    pub delimiter: Option<u8>,
    /// The password of encrypted ZIP archives (`--password-file`).
    pub password: Option<Vec<u8>>,
    /// A file with far fewer records than rows is a warning, not an error.
    pub allow_sparse: bool,
}

impl Default for IngestConfig {
    /// The breach's regions, 512 MiB for segments, formats detected.
    fn default() -> IngestConfig {
        IngestConfig {
            regions: Vec::new(),
            memory: 512 << 20,
            map: Vec::new(),
            dry_run: false,
            format: None,
            delimiter: None,
            password: None,
            allow_sparse: false,
        }
    }
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
    /// Domains at which the breach gained addresses (counted per keyed
    /// domain, for organisations that prove they hold one).
    pub new_domains: usize,
    /// Addresses not counted per domain: the run met more domains than its
    /// memory budget counts (`--memory` / 256 bytes).
    pub domains_uncounted: u64,
    /// Whether the breach's addresses are counted per domain (not for a
    /// breach loaded before domains were counted).
    pub domains_counted: bool,
}

/// What happened to one file, or one member of an archive (counts are
/// occurrences in it).
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: PathBuf,
    /// The member's name inside the archive `path`.
    pub member: Option<String>,
    pub fingerprint: String,
    /// Ingested before for this breach: nothing was done.
    pub already_ingested: bool,
    /// What it was read as, for people.
    pub format: String,
    /// The registry name of the format.
    pub format_name: &'static str,
    pub compression: String,
    pub encoding: String,
    /// Each table (a SQL dump's tables, a workbook's sheets; one otherwise).
    pub tables: Vec<TableReport>,
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
    /// What was accepted with `--allow-sparse`.
    pub warnings: Vec<String>,
}

impl FileReport {
    /// The file, or `archive!member`.
    pub fn display_path(&self) -> PathBuf {
        match &self.member {
            Some(m) => crate::read::member_path(&self.path, m),
            None => self.path.clone(),
        }
    }
}

/// One table of a file: its columns, a redacted sample, its counts.
#[derive(Debug, Clone, Default)]
pub struct TableReport {
    /// The SQL table's or sheet's name.
    pub name: Option<String>,
    /// Column name (or number) → role and how it was found.
    pub columns: Vec<(String, String, &'static str)>,
    /// Redacted first rows (secrets not even by their shape).
    pub sample: Vec<Vec<String>>,
    pub rows: u64,
    pub records: u64,
    /// Why the table was not read (it has no identifier column).
    pub skipped: Option<String>,
}

/// Progress of a run: bytes of the current file read, its size, rows so far.
pub type ProgressFn<'a> = &'a (dyn Fn(&Path, u64, u64, u64) + Sync);

/// Ingests `files` into `breach`. The breach must exist (`breach add`).
pub fn ingest(
    writer: &mut IndexWriter,
    key: &ServerKey,
    breach: &str,
    files: &[PathBuf],
    config: &IngestConfig,
    progress: ProgressFn<'_>,
) -> Result<IngestReport, IngestError> {
    let snapshot = writer.snapshot()?;
    let (mut meta, regions) = prepare(&snapshot, breach, config)?;
    let builder = if config.dry_run {
        None
    } else {
        Some(writer.segment_builder(config.memory)?)
    };
    let run = read_and_key(
        &snapshot, key, breach, files, config, &regions, &mut meta, builder, None, progress,
    )?;
    // A dry run, or nothing new: the files' reports only.
    let builder = match run.builder {
        Some(b) if !run.files.iter().all(|f| f.already_ingested) => b,
        _ => {
            return Ok(IngestReport {
                files: run.files,
                ..IngestReport::default()
            })
        }
    };
    let (segments, stats) = builder.finish()?;
    let Counting { groups, domains } = run.counting;
    let run = Keyed {
        files: run.files,
        groups: groups.labels,
        domain_keys: domains.keys,
        domains_uncounted: domains.uncounted,
    };
    publish_run(writer, &snapshot, breach, meta, run, segments, stats)
}

/// The breach's metadata and the regions its numbers are read in; refuses
/// an unknown or retired breach.
pub(crate) fn prepare(
    snapshot: &Snapshot,
    breach: &str,
    config: &IngestConfig,
) -> Result<(BreachMetadata, Vec<Region>), IngestError> {
    let meta: BreachMetadata = lekradar_catalogue::edit::find(snapshot, breach)?
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
    Ok((meta, regions))
}

/// What reading and keying a run gave.
pub(crate) struct ReadRun<'b> {
    pub files: Vec<FileReport>,
    /// `None` in a dry run.
    pub builder: Option<SegmentBuilder>,
    pub counting: Counting<'b>,
}

/// Reads every file on this thread while a keying thread keys the
/// identifiers on all cores into `builder` (none: a dry run); with `shard`,
/// only that shard's share is keyed (every file is still read in full, so
/// its report and the metadata are the whole file's).
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_and_key<'b>(
    snapshot: &Snapshot,
    key: &ServerKey,
    breach: &'b str,
    files: &[PathBuf],
    config: &IngestConfig,
    regions: &[Region],
    meta: &mut BreachMetadata,
    builder: Option<SegmentBuilder>,
    shard: Option<Shard>,
    progress: ProgressFn<'_>,
) -> Result<ReadRun<'b>, IngestError> {
    let mut counting = Counting {
        groups: Groups::default(),
        domains: Domains::new(
            DomainKeyer::new(key),
            breach,
            (config.memory / DOMAIN_SHARE).max(1 << 16),
        ),
    };
    let (files, built) = std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<Vec<Pending>>(BATCHES_AHEAD);
        let keying = builder.map(|builder| {
            scope.spawn(move || key_batches(receiver, builder, key, snapshot, breach))
        });
        let read = read_files(
            files,
            config,
            regions,
            meta,
            &mut counting,
            keying.as_ref().map(|_| &sender),
            shard,
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
    Ok(ReadRun {
        files,
        builder: built,
        counting,
    })
}

/// A run's keyed identifiers' numbering: the label of each counting group
/// (`None`: email addresses; `Some(cc)`: phone numbers of calling code
/// `cc`), the keyed hash of each domain number, and the addresses left
/// uncounted per domain.
pub(crate) struct Keyed {
    pub files: Vec<FileReport>,
    pub groups: Vec<Option<u16>>,
    pub domain_keys: Vec<u64>,
    pub domains_uncounted: u64,
}

/// Publishes a run's built segments with the breach's updated metadata,
/// statistics (distinct identifiers new to the breach, from the build) and
/// domain counts, in one transaction.
pub(crate) fn publish_run(
    writer: &mut IndexWriter,
    snapshot: &Snapshot,
    breach: &str,
    mut meta: BreachMetadata,
    run: Keyed,
    segments: Vec<BuiltSegment>,
    stats: BuildStats,
) -> Result<IngestReport, IngestError> {
    let mut report = IngestReport {
        files: run.files,
        ..IngestReport::default()
    };
    report.entries_written = stats.written;
    for (group, label) in run.groups.iter().enumerate() {
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
    let new_counts = DomainCounts::from_pairs(
        stats
            .per_domain
            .iter()
            .enumerate()
            .filter_map(|(id, &n)| Some((*run.domain_keys.get(id)?, n))),
    );
    report.new_domains = new_counts.len();
    report.domains_uncounted = run.domains_uncounted;
    // A breach loaded before domains were counted has entries no count
    // covers: counting only this run's addresses would show a part as the
    // whole, so such a breach stays uncounted.
    let (counted, held) = match snapshot.breach(breach) {
        None => (true, Default::default()),
        Some(b) => (
            b.has_domain_counts() || b.segments().is_empty(),
            b.domain_counts().clone(),
        ),
    };
    report.domains_counted = counted;
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
    if counted {
        tx.set_domain_counts(breach, held.merged(&new_counts));
    }
    writer.commit(tx)?;
    Ok(report)
}

/// One shard of a run spread over machines: `index` of `count` (from 0).
/// Identifiers are dealt out in the order read in chunks of
/// [`Shard::CHUNK`], chunk `c` to shard `c % count`: any format and
/// container splits evenly and deterministically, whatever its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Identifiers per chunk dealt to one shard.
    pub const CHUNK: u64 = 4096;
    /// Shards a run may be spread over at most.
    pub const MAX_COUNT: u32 = 4096;

    /// Whether the identifier read `ordinal`-th (from 0) is this shard's.
    pub fn owns(&self, ordinal: u64) -> bool {
        (ordinal / Self::CHUNK) % u64::from(self.count) == u64::from(self.index)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `I/N`: shard I (0 ≤ I < N) of N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("{s:?}: write I/N, shard I (from 0) of N, e.g. 0/4 .. 3/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<u32>().map_err(|_| bad())?,
            n.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if count == 0 || count > Shard::MAX_COUNT || index >= count {
            return Err(format!(
                "{s:?}: the shard must be 0..N-1 of N shards, N from 1 to {}",
                Shard::MAX_COUNT
            ));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// An identifier read, waiting to be keyed.
struct Pending {
    id: Identifier,
    classes: ClassSet,
    group: Group,
    /// The number [`Domains`] gave the address's domain; [`NO_DOMAIN`].
    domain: u32,
}

/// The email domains of one run, numbered in the order met, each with its
/// keyed hash in the breach; the names stay in memory only.
pub(crate) struct Domains<'b> {
    keyer: DomainKeyer,
    breach: &'b str,
    ids: HashMap<Box<str>, u32>,
    /// Keyed hash per number.
    pub keys: Vec<u64>,
    /// Domains numbered at most.
    max: usize,
    /// Addresses met at further domains.
    pub uncounted: u64,
}

impl<'b> Domains<'b> {
    fn new(keyer: DomainKeyer, breach: &'b str, max: usize) -> Domains<'b> {
        Domains {
            keyer,
            breach,
            ids: HashMap::new(),
            keys: Vec::new(),
            max: max.min(NO_DOMAIN as usize),
            uncounted: 0,
        }
    }

    fn of(&mut self, id: &Identifier) -> u32 {
        let Identifier::Email(address) = id else {
            return NO_DOMAIN;
        };
        let domain = address.domain();
        if let Some(&n) = self.ids.get(domain) {
            return n;
        }
        match u32::try_from(self.keys.len()) {
            Ok(n) if self.keys.len() < self.max => {
                self.keys.push(self.keyer.key(self.breach, domain));
                self.ids.insert(domain.into(), n);
                n
            }
            _ => {
                self.uncounted += 1;
                NO_DOMAIN
            }
        }
    }
}

/// How the identifiers of a run are counted: per group and per domain.
pub(crate) struct Counting<'b> {
    pub groups: Groups,
    pub domains: Domains<'b>,
}

/// Counting groups of identifiers: group 0 holds email addresses, the others
/// one country calling code each, in the order met.
pub(crate) struct Groups {
    /// `None`: email addresses; `Some(cc)`: phone numbers of calling code `cc`.
    pub labels: Vec<Option<u16>>,
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
                    None => Some((k, p.classes, pad, p.group, p.domain)),
                    // Nothing new about this person: the breach stays as it is.
                    Some((held, _)) if p.classes & !held == 0 => None,
                    Some((_, entries)) => Some((
                        k,
                        p.classes,
                        filed.pad_in(breach, entries),
                        UNCOUNTED,
                        p.domain,
                    )),
                })
            })
            .collect::<Result<_, lekradar_check::CheckError>>()?;
        for (k, classes, pad, group, domain) in keyed.into_iter().flatten() {
            builder.push_sealed_in_domain(k, classes, pad, group, domain)?;
        }
    }
    Ok(builder)
}

/// Reads every file, sending its identifiers to `keying` in batches (none in
/// a dry run; with `shard`, only the shard's share).
#[allow(clippy::too_many_arguments)]
fn read_files(
    files: &[PathBuf],
    config: &IngestConfig,
    regions: &[Region],
    meta: &mut BreachMetadata,
    counting: &mut Counting<'_>,
    keying: Option<&SyncSender<Vec<Pending>>>,
    shard: Option<Shard>,
    progress: ProgressFn<'_>,
) -> Result<Vec<FileReport>, IngestError> {
    let mut ordinal = 0u64;
    let mut reports: Vec<FileReport> = Vec::new();
    let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
    let send = |batch: &mut Vec<Pending>| match keying {
        Some(sender) if !batch.is_empty() => {
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
            // The keying thread only hangs up when it failed; its own error is reported.
            sender.send(full).map_err(|_| IngestError::KeyingThread)
        }
        _ => Ok(()),
    };
    let sources: Vec<String> = meta.sources.iter().map(|s| s.fingerprint.clone()).collect();
    for path in crate::container::expand(files)? {
        let seen: Vec<String> = reports.iter().map(|r| r.fingerprint.clone()).collect();
        let known = |fp: &str| sources.iter().chain(&seen).any(|s| s == fp);
        let mut reading = Reading {
            config,
            regions,
            meta,
            progress,
            known: &known,
        };
        let got = read_path(&path, &mut reading, &mut |id, classes| {
            let mine = shard.is_none_or(|s| s.owns(ordinal));
            ordinal += 1;
            if keying.is_some() && mine {
                let group = counting.groups.of(&id);
                let domain = counting.domains.of(&id);
                batch.push(Pending {
                    id,
                    classes,
                    group,
                    domain,
                });
                if batch.len() >= BATCH {
                    send(&mut batch)?;
                }
            }
            Ok(())
        })?;
        reports.extend(got);
    }
    send(&mut batch)?;
    Ok(reports)
}

/// The identifiers of one dump as ingest reads them, in file order, with the
/// reports of the reading (one per file of an archive); nothing is keyed or
/// written. For measuring.
pub fn read_identifiers(
    path: &Path,
    config: &IngestConfig,
) -> Result<(Vec<Identifier>, Vec<FileReport>), IngestError> {
    let mut meta = BreachMetadata::new("Measure", "Measure", NaiveDate::MIN);
    let mut ids = Vec::new();
    let mut reading = Reading {
        config,
        regions: &config.regions,
        meta: &mut meta,
        progress: &|_, _, _, _| {},
        known: &|_| false,
    };
    let reports = read_path(path, &mut reading, &mut |id, _| {
        ids.push(id);
        Ok(())
    })?;
    Ok((ids, reports))
}
