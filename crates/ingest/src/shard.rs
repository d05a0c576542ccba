//! Ingest spread over machines: `ingest --shard I/N` keys one shard's share
//! of the input ([`Shard`]) and stages a sorted run of its entries with a
//! report next to the index ([`ingest_shard`]); `publish` merges the N
//! staged shards of a breach into it in one atomic publish
//! ([`publish_shards`]) — segments, exact distinct statistics, sources —
//! as one `ingest` of the whole input would have.
//!
//! Every shard reads every file in full (only the keying, about nine tenths
//! of an ingest's work, is divided): the files' reports and the breach's
//! metadata are then the same in every shard, which lets `publish` check
//! that all shards read the same input with the same options, and every
//! format and container splits evenly whatever its layout.
//!
//! Staged files live under `shards/BREACH/N/` in the index's storage: `I.lkr`
//! (the run: keyed tags, clear classes with their pads, counting group and
//! domain number — no identifier, as in the builder's own spill files) and
//! `I.json` (the report), uploaded in that order, so a report means its run
//! is complete. A shard run again replaces its files. Publishing deletes them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lekradar_breach::BreachMetadata;
use lekradar_index::{IndexWriter, SegmentBuilder, ShardRun, Snapshot, Storage, UNCOUNTED};
use lekradar_prf::ServerKey;
use serde::{Deserialize, Serialize};

use crate::pipeline::{
    prepare, publish_run, read_and_key, Counting, FileReport, IngestConfig, IngestError,
    IngestReport, Keyed, ProgressFn, Shard,
};

/// The version of the shard report this build writes and reads.
const REPORT_FORMAT: u32 = 1;

/// What a shard staged, for its operator.
#[derive(Debug, Clone)]
pub struct ShardOutcome {
    pub shard: Shard,
    /// The files as read (in full) by this shard.
    pub files: Vec<FileReport>,
    /// Identifiers this shard keyed (its share).
    pub keyed: u64,
    /// Entries in its run (identifiers met twice merged).
    pub entries: u64,
    /// Where the run and report were staged.
    pub staged: String,
    /// Shards of this run staged so far (this one included).
    pub staged_shards: Vec<u32>,
}

/// A shard's report, as staged next to its run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ShardReport {
    format: u32,
    breach: String,
    index: u32,
    count: u32,
    /// The key's id: shards keyed with another key cannot be merged.
    key_id: String,
    /// The breach as the shard found it: its segments and source files.
    base_segments: Vec<String>,
    base_sources: Vec<String>,
    /// The breach's metadata after reading (classes numbered as read).
    metadata: String,
    files: Vec<ShardFile>,
    /// The label of each of the shard's counting groups (`None`: email).
    groups: Vec<Option<u16>>,
    /// The keyed hash of each of the shard's domain numbers.
    domains: Vec<u64>,
    domains_uncounted: u64,
    keyed: u64,
    entries: u64,
}

/// A file's counts (the whole file's, the same in every shard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ShardFile {
    path: PathBuf,
    member: Option<String>,
    fingerprint: String,
    already_ingested: bool,
    format: String,
    rows: u64,
    records: u64,
    identifiers: u64,
    emails: u64,
    records_by_class: BTreeMap<String, u64>,
    phones_by_country: BTreeMap<String, u64>,
}

impl ShardFile {
    fn of(f: &FileReport) -> ShardFile {
        ShardFile {
            path: f.path.clone(),
            member: f.member.clone(),
            fingerprint: f.fingerprint.clone(),
            already_ingested: f.already_ingested,
            format: f.format.clone(),
            rows: f.rows,
            records: f.records,
            identifiers: f.identifiers,
            emails: f.emails,
            records_by_class: f.records_by_class.clone(),
            phones_by_country: f.phones_by_country.clone(),
        }
    }

    fn report(&self) -> FileReport {
        FileReport {
            path: self.path.clone(),
            member: self.member.clone(),
            fingerprint: self.fingerprint.clone(),
            already_ingested: self.already_ingested,
            format: self.format.clone(),
            rows: self.rows,
            records: self.records,
            identifiers: self.identifiers,
            emails: self.emails,
            records_by_class: self.records_by_class.clone(),
            phones_by_country: self.phones_by_country.clone(),
            ..FileReport::default()
        }
    }
}

/// Why staging or publishing shards failed, beyond ingest's own errors.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("no shards of breach {breach:?} are staged in {location}: run `lekradar ingest --breach {breach} --shard I/N FILE...` for I = 0..N-1 first")]
    NoneStaged { breach: String, location: String },
    #[error("shards of breach {breach:?} are staged for different shard counts ({counts}) in {location}: publish takes the shards of one run; remove the others with `lekradar publish --breach {breach} --discard`, then run the shards again")]
    MixedCounts {
        breach: String,
        counts: String,
        location: String,
    },
    #[error("breach {breach:?}: {missing} of {count} shards are not staged yet (shards {list}); run them (`lekradar ingest --breach {breach} --shard I/{count} ...`), then publish again")]
    Missing {
        breach: String,
        count: u32,
        missing: usize,
        list: String,
    },
    #[error("shard {file}: {why}")]
    BadReport { file: String, why: String },
    #[error("shard {index}/{count} of breach {breach:?} was keyed with another key (id {found}, this key {expected}); run it again with this data directory's key")]
    OtherKey {
        breach: String,
        index: u32,
        count: u32,
        found: String,
        expected: String,
    },
    #[error("shards 0/{count} and {index}/{count} of breach {breach:?} did not read the same input ({what}): give every shard the same files and options, run the differing ones again, then publish")]
    Disagree {
        breach: String,
        index: u32,
        count: u32,
        what: String,
    },
    #[error("breach {breach:?} changed since its shards were keyed (segments or sources differ): its entries could be counted twice; discard them (`lekradar publish --breach {breach} --discard`) and run the shards again")]
    BreachChanged { breach: String },
}

/// Stages shard `shard` of a run into `breach`: reads `files` in full, keys
/// this shard's share into a sorted run built in `work_dir` (a directory of
/// its own: shards may share a machine), then uploads the run and its report
/// to the index's storage. The index itself is not changed.
#[allow(clippy::too_many_arguments)]
pub fn ingest_shard(
    storage: &dyn Storage,
    snapshot: &Snapshot,
    key: &ServerKey,
    breach: &str,
    files: &[PathBuf],
    config: &IngestConfig,
    shard: Shard,
    work_dir: &Path,
    progress: ProgressFn<'_>,
) -> Result<ShardOutcome, ShardError> {
    let (mut meta, regions) = prepare(snapshot, breach, config)?;
    std::fs::create_dir_all(work_dir).map_err(|e| io(work_dir, e))?;
    let builder = SegmentBuilder::new(work_dir, config.memory).map_err(IngestError::from)?;
    let run = read_and_key(
        snapshot,
        key,
        breach,
        files,
        config,
        &regions,
        &mut meta,
        Some(builder),
        Some(shard),
        progress,
    )?;
    let builder = run.builder.ok_or(IngestError::KeyingThread)?;
    let keyed = builder.pushed();
    let run_path = work_dir.join(format!("{}.lkr", shard.index));
    let _ = std::fs::remove_file(&run_path);
    let entries = builder.finish_run(&run_path).map_err(IngestError::from)?;
    let Counting { groups, domains } = run.counting;
    let report = ShardReport {
        format: REPORT_FORMAT,
        breach: breach.to_owned(),
        index: shard.index,
        count: shard.count,
        key_id: key.key_id(),
        base_segments: base_segments(snapshot, breach),
        base_sources: meta.sources.iter().map(|s| s.fingerprint.clone()).collect(),
        metadata: String::from_utf8_lossy(&meta.encode()).into_owned(),
        files: run.files.iter().map(ShardFile::of).collect(),
        groups: groups.labels,
        domains: domains.keys,
        domains_uncounted: domains.uncounted,
        keyed,
        entries,
    };
    let report_path = work_dir.join(format!("{}.json", shard.index));
    let json = serde_json::to_vec_pretty(&report).map_err(|e| ShardError::BadReport {
        file: report_path.display().to_string(),
        why: e.to_string(),
    })?;
    std::fs::write(&report_path, json).map_err(|e| io(&report_path, e))?;
    let dir = format!("{breach}/{}", shard.count);
    let staged = (|| {
        storage.put_shard_file(&format!("{dir}/{}.lkr", shard.index), &run_path)?;
        storage.put_shard_file(&format!("{dir}/{}.json", shard.index), &report_path)?;
        storage.list_shard_files(&format!("{dir}/"))
    })();
    let _ = std::fs::remove_file(&run_path);
    let _ = std::fs::remove_file(&report_path);
    let listed = staged.map_err(IngestError::from)?;
    let staged_shards = staged_indexes(&listed, &dir);
    Ok(ShardOutcome {
        shard,
        files: run.files,
        keyed,
        entries,
        staged: format!("{}/shards/{dir}/", storage.location()),
        staged_shards,
    })
}

/// What `publish` did.
#[derive(Debug, Clone)]
pub enum Published {
    /// The shards were merged into the breach.
    Merged { shards: u32, report: IngestReport },
    /// Every file the shards read was already in the breach (an earlier
    /// publish of these shards ended before removing them): nothing changed.
    AlreadyPublished { shards: u32 },
}

/// Merges the staged shards of `breach` into it in one atomic publish, then
/// removes them. `work_dir` receives copies of shards held in object
/// storage while they are merged. A failure publishes nothing and leaves the
/// shards staged, so publishing again (or re-running a bad shard) completes.
pub fn publish_shards(
    writer: &mut IndexWriter,
    key: &ServerKey,
    breach: &str,
    memory: usize,
    work_dir: &Path,
) -> Result<Published, ShardError> {
    let storage = std::sync::Arc::clone(writer.storage());
    let snapshot = writer.snapshot().map_err(IngestError::from)?;
    let (meta_now, _) = prepare(&snapshot, breach, &IngestConfig::default())?;
    let listed = storage
        .list_shard_files(&format!("{breach}/"))
        .map_err(IngestError::from)?;
    let count = staged_count(breach, &listed, &storage.location())?;
    let dir = format!("{breach}/{count}");
    let have = staged_indexes(&listed, &dir);
    let missing: Vec<u32> = (0..count).filter(|i| !have.contains(i)).collect();
    if !missing.is_empty() {
        return Err(ShardError::Missing {
            breach: breach.to_owned(),
            count,
            missing: missing.len(),
            list: short_list(&missing),
        });
    }
    std::fs::create_dir_all(work_dir).map_err(|e| io(work_dir, e))?;
    let mut reports = Vec::with_capacity(count as usize);
    for index in 0..count {
        let file = format!("{dir}/{index}.json");
        let path = storage
            .fetch_shard_file(&file, work_dir)
            .map_err(IngestError::from)?;
        let bad = |why: String| ShardError::BadReport {
            file: storage
                .describe(&format!("shards/{file}"))
                .display()
                .to_string(),
            why,
        };
        let bytes = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
        if path.starts_with(work_dir) {
            let _ = std::fs::remove_file(&path);
        }
        let report: ShardReport =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a shard report: {e}")))?;
        if report.format != REPORT_FORMAT {
            return Err(bad(format!(
                "written in report format {}, this build reads {REPORT_FORMAT}",
                report.format
            )));
        }
        if report.breach != breach || report.index != index || report.count != count {
            return Err(bad(format!(
                "it is shard {}/{} of breach {:?}, not {index}/{count} of {breach:?}",
                report.index, report.count, report.breach
            )));
        }
        if report.key_id != key.key_id() {
            return Err(ShardError::OtherKey {
                breach: breach.to_owned(),
                index,
                count,
                found: report.key_id,
                expected: key.key_id(),
            });
        }
        reports.push(report);
    }
    let first = &reports[0];
    for r in &reports[1..] {
        let what = if r.files != first.files {
            Some("their files or the counts read from them differ")
        } else if r.metadata != first.metadata {
            Some("the breach's metadata after reading differs")
        } else if r.base_segments != first.base_segments || r.base_sources != first.base_sources {
            Some("they found the breach in different states")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(ShardError::Disagree {
                breach: breach.to_owned(),
                index: r.index,
                count,
                what: what.to_owned(),
            });
        }
    }
    let held: Vec<String> = meta_now
        .sources
        .iter()
        .map(|s| s.fingerprint.clone())
        .collect();
    let unchanged =
        first.base_segments == base_segments(&snapshot, breach) && first.base_sources == held;
    let new_files = first.files.iter().filter(|f| !f.already_ingested);
    if !unchanged || new_files.clone().next().is_none() {
        let published = first.files.iter().all(|f| held.contains(&f.fingerprint));
        if !published {
            return Err(ShardError::BreachChanged {
                breach: breach.to_owned(),
            });
        }
        discard_listed(storage.as_ref(), &listed)?;
        return Ok(Published::AlreadyPublished { shards: count });
    }
    let meta = BreachMetadata::decode(first.metadata.as_bytes()).map_err(IngestError::from)?;

    // One numbering over all shards: groups by label, domains by keyed hash.
    let mut labels: Vec<Option<u16>> = vec![None];
    let mut domain_keys: Vec<u64> = Vec::new();
    let mut domain_ids: HashMap<u64, u32> = HashMap::new();
    let mut runs = Vec::with_capacity(reports.len());
    let mut uncounted = 0u64;
    for r in &reports {
        let mut groups = Vec::with_capacity(r.groups.len());
        for label in &r.groups {
            let at = match labels.iter().position(|l| l == label) {
                Some(at) => at,
                None => {
                    labels.push(*label);
                    labels.len() - 1
                }
            };
            groups.push(
                u8::try_from(at)
                    .ok()
                    .filter(|&g| g != UNCOUNTED)
                    .unwrap_or(UNCOUNTED),
            );
        }
        let mut domains = Vec::with_capacity(r.domains.len());
        for hash in &r.domains {
            let next = domain_keys.len() as u32;
            let id = *domain_ids.entry(*hash).or_insert_with(|| {
                domain_keys.push(*hash);
                next
            });
            domains.push(id);
        }
        uncounted += r.domains_uncounted;
        let file = format!("{dir}/{}.lkr", r.index);
        let path = storage
            .fetch_shard_file(&file, work_dir)
            .map_err(IngestError::from)?;
        runs.push(ShardRun {
            path,
            groups,
            domains,
        });
    }
    let builder = writer.segment_builder(memory).map_err(IngestError::from)?;
    let merged = builder.merge_shards(&runs);
    // Copies downloaded for the merge go; shard files of local storage stay
    // until the publish succeeded.
    for run in &runs {
        if run.path.starts_with(work_dir) {
            let _ = std::fs::remove_file(&run.path);
        }
    }
    let (segments, stats) = merged.map_err(IngestError::from)?;
    let run = Keyed {
        files: first.files.iter().map(ShardFile::report).collect(),
        groups: labels,
        domain_keys,
        domains_uncounted: uncounted,
    };
    let report = publish_run(writer, &snapshot, breach, meta, run, segments, stats)?;
    // Published: the staged shards are done with (a failure here leaves
    // them for `--discard`; publishing again says they are in already).
    let _ = discard_listed(storage.as_ref(), &listed);
    Ok(Published::Merged {
        shards: count,
        report,
    })
}

/// Removes every staged shard of `breach`; returns how many files went.
pub fn discard_shards(storage: &dyn Storage, breach: &str) -> Result<usize, ShardError> {
    let listed = storage
        .list_shard_files(&format!("{breach}/"))
        .map_err(IngestError::from)?;
    discard_listed(storage, &listed)?;
    Ok(listed.len())
}

fn discard_listed(storage: &dyn Storage, listed: &[String]) -> Result<(), ShardError> {
    for name in listed {
        storage.delete_shard_file(name).map_err(IngestError::from)?;
    }
    Ok(())
}

/// The file names of the breach's segments in `snapshot`.
fn base_segments(snapshot: &Snapshot, breach: &str) -> Vec<String> {
    snapshot.breach(breach).map_or_else(Vec::new, |b| {
        b.segments()
            .iter()
            .filter_map(|s| Some(s.path().file_name()?.to_string_lossy().into_owned()))
            .collect()
    })
}

/// The one shard count staged for `breach`.
fn staged_count(breach: &str, listed: &[String], location: &str) -> Result<u32, ShardError> {
    let mut counts: Vec<u32> = listed
        .iter()
        .filter_map(|n| {
            n.strip_prefix(&format!("{breach}/"))?
                .split('/')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    counts.sort_unstable();
    counts.dedup();
    match counts.as_slice() {
        [] => Err(ShardError::NoneStaged {
            breach: breach.to_owned(),
            location: location.to_owned(),
        }),
        [one] => Ok(*one),
        many => Err(ShardError::MixedCounts {
            breach: breach.to_owned(),
            counts: many
                .iter()
                .map(|c| format!("{c} shards"))
                .collect::<Vec<_>>()
                .join(", "),
            location: location.to_owned(),
        }),
    }
}

/// The shard indexes under `dir` with both a run and a report.
fn staged_indexes(listed: &[String], dir: &str) -> Vec<u32> {
    let under = |ext: &str| -> Vec<u32> {
        listed
            .iter()
            .filter_map(|n| {
                n.strip_prefix(&format!("{dir}/"))?
                    .strip_suffix(ext)?
                    .parse()
                    .ok()
            })
            .collect()
    };
    let runs = under(".lkr");
    let mut both: Vec<u32> = under(".json")
        .into_iter()
        .filter(|i| runs.contains(i))
        .collect();
    both.sort_unstable();
    both
}

/// `0, 2, 5` or `0, 1, 2, … (12 in all)`.
fn short_list(items: &[u32]) -> String {
    let shown: Vec<String> = items.iter().take(8).map(u32::to_string).collect();
    if items.len() > 8 {
        format!("{}, … ({} in all)", shown.join(", "), items.len())
    } else {
        shown.join(", ")
    }
}

fn io(path: &Path, source: std::io::Error) -> IngestError {
    IngestError::Index(lekradar_index::IndexError::Io {
        path: path.to_owned(),
        source,
    })
}
