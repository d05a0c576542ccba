//! Building segments from unsorted entries in bounded memory: an external
//! sort. Entries are buffered up to the memory limit, sorted on all cores,
//! spilled to run files when the buffer fills, and k-way merged into one or
//! more segment files; identical keys merge by OR-ing their data classes, and
//! distinct keys are counted per caller-chosen group (see [`Group`]).
//!
//! An entry may come with a *pad* ([`SegmentBuilder::push_sealed`]): the
//! builder merges clear class sets and writes each record's class word as
//! `classes ^ pad`, so the segment holds sealed classes only. Identical keys
//! carry identical pads (both derive from the same PRF output).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rayon::slice::ParallelSliceMut;

use crate::entry::{
    packed_classes, packed_group, packed_key, ClassSet, Entry, Group, Key, UNCOUNTED,
};
use crate::error::{IndexError, IoContext, Result};
use crate::failpoint;
use crate::segment::SegmentWriter;

/// One buffered entry: the packed entry (bucket, tag, clear classes, group)
/// as two halves, its pad and its domain. 24 bytes (a `u128` field would
/// align to 32; the domain fills what alignment would leave empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    hi: u64,
    lo: u64,
    pad: u32,
    domain: u32,
}

/// The domain of an entry that is not an email address: counted in none.
pub const NO_DOMAIN: u32 = u32::MAX;

impl Item {
    fn in_domain(packed: u128, pad: u32, domain: u32) -> Item {
        Item {
            hi: (packed >> 64) as u64,
            lo: packed as u64,
            pad,
            domain,
        }
    }

    /// `self` with `other`'s classes added (same key: same pad and domain).
    fn or_classes(self, other: Item) -> Item {
        Item::in_domain(
            self.packed() | packed_classes(other.packed()),
            self.pad,
            self.domain,
        )
    }

    fn packed(&self) -> u128 {
        (u128::from(self.hi) << 64) | u128::from(self.lo)
    }

    /// Bytes of an item in a run file.
    const FILE_LEN: usize = 24;

    fn to_bytes(self) -> [u8; Self::FILE_LEN] {
        let mut out = [0u8; Self::FILE_LEN];
        out[..16].copy_from_slice(&self.packed().to_le_bytes());
        out[16..20].copy_from_slice(&self.pad.to_le_bytes());
        out[20..].copy_from_slice(&self.domain.to_le_bytes());
        out
    }

    fn from_bytes(b: &[u8; Self::FILE_LEN]) -> Item {
        let mut packed = [0u8; 16];
        packed.copy_from_slice(&b[..16]);
        Item::in_domain(
            u128::from_le_bytes(packed),
            u32::from_le_bytes([b[16], b[17], b[18], b[19]]),
            u32::from_le_bytes([b[20], b[21], b[22], b[23]]),
        )
    }
}

/// Bytes one buffered entry costs.
const ENTRY_BYTES: usize = std::mem::size_of::<Item>();
/// The smallest memory limit a builder accepts.
pub const MIN_MEMORY: usize = 1 << 20;
/// Run files merged at once by default; more runs are first merged in groups, so
/// open files and merge buffers stay bounded whatever the input size.
const DEFAULT_FAN_IN: usize = 64;
/// Default cap on entries per segment (segments address entries with `u32`).
pub const DEFAULT_MAX_SEGMENT_ENTRIES: u64 = 1 << 31;

/// A finished segment file, fsynced but not yet published.
#[derive(Debug, Clone)]
pub struct BuiltSegment {
    pub(crate) file_name: String,
    pub(crate) entries: u64,
}

impl BuiltSegment {
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    pub fn entries(&self) -> u64 {
        self.entries
    }
}

/// Figures of one build, for progress and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildStats {
    /// Entries pushed.
    pub pushed: u64,
    /// Entries written after merging identical keys.
    pub written: u64,
    /// Sorted runs spilled to disk (0 when everything fitted in memory).
    pub runs: usize,
    /// Distinct keys written per counting group (index: the group); keys
    /// pushed with [`UNCOUNTED`] are not counted.
    pub distinct: Vec<u64>,
    /// Of those, distinct keys per domain (index: the domain number given
    /// to [`SegmentBuilder::push_sealed_in_domain`]).
    pub per_domain: Vec<u64>,
}

impl BuildStats {
    /// Distinct keys written in `group`.
    pub fn distinct(&self, group: Group) -> u64 {
        self.distinct.get(usize::from(group)).copied().unwrap_or(0)
    }
}

/// Accumulates entries and writes them as sorted segments in `dir`.
///
/// Create one with [`crate::IndexWriter::segment_builder`], push entries in
/// any order, then [`SegmentBuilder::finish`]; the result is published with a
/// [`crate::Transaction`].
pub struct SegmentBuilder {
    dir: PathBuf,
    buffer: Vec<Item>,
    capacity: usize,
    memory: usize,
    runs: Vec<PathBuf>,
    pushed: u64,
    max_segment_entries: u64,
    fan_in: usize,
    spilled: usize,
}

impl SegmentBuilder {
    /// A builder whose run files and segments land in `dir`, using at most
    /// about `memory` bytes. [`crate::IndexWriter::segment_builder`] gives one
    /// for an index; a shard of a distributed ingest builds in a directory of
    /// its own.
    pub fn new(dir: &Path, memory: usize) -> Result<SegmentBuilder> {
        if memory < MIN_MEMORY {
            return Err(IndexError::MemoryLimit {
                limit: memory,
                min: MIN_MEMORY,
            });
        }
        // Leave a quarter of the budget for merge buffers and bookkeeping.
        let capacity = memory / 4 * 3 / ENTRY_BYTES;
        Ok(SegmentBuilder {
            dir: dir.to_owned(),
            buffer: Vec::new(),
            capacity,
            memory,
            runs: Vec::new(),
            pushed: 0,
            max_segment_entries: DEFAULT_MAX_SEGMENT_ENTRIES,
            fan_in: DEFAULT_FAN_IN,
            spilled: 0,
        })
    }

    /// Caps entries per segment; a build larger than this yields several segments.
    pub fn max_segment_entries(mut self, max: u64) -> Self {
        self.max_segment_entries = max.clamp(1, u64::from(u32::MAX));
        self
    }

    /// Sets how many run files are merged at once (2..=1024, default 64).
    pub fn merge_fan_in(mut self, fan_in: usize) -> Self {
        self.fan_in = fan_in.clamp(2, 1024);
        self
    }

    /// Adds one entry, counted in group 0.
    pub fn push(&mut self, key: Key, classes: ClassSet) -> Result<()> {
        self.push_in_group(key, classes, 0)
    }

    /// Adds one entry, counted in `group` ([`UNCOUNTED`]: not counted); its
    /// class word is written as is.
    pub fn push_in_group(&mut self, key: Key, classes: ClassSet, group: Group) -> Result<()> {
        self.push_sealed(key, classes, 0, group)
    }

    /// Adds one entry whose class word is written sealed, as `classes ^ pad`
    /// (after merging with entries of the same key, which must have the same
    /// pad), counted in `group`.
    pub fn push_sealed(
        &mut self,
        key: Key,
        classes: ClassSet,
        pad: u32,
        group: Group,
    ) -> Result<()> {
        self.push_sealed_in_domain(key, classes, pad, group, NO_DOMAIN)
    }

    /// As [`push_sealed`](Self::push_sealed); a counted key is also counted
    /// in `domain` (a small number the caller gives each domain it meets;
    /// [`NO_DOMAIN`]: none). Entries of the same key must have the same domain.
    pub fn push_sealed_in_domain(
        &mut self,
        key: Key,
        classes: ClassSet,
        pad: u32,
        group: Group,
        domain: u32,
    ) -> Result<()> {
        if self.buffer.len() >= self.capacity {
            self.spill()?;
        }
        if self.buffer.len() == self.buffer.capacity() {
            // Grow in steps, never past the budget, so small builds stay small
            // and large ones do not overshoot the limit by doubling.
            let len = self.buffer.len();
            self.buffer
                .reserve_exact(len.max(1 << 16).min(self.capacity - len).max(1));
        }
        self.buffer.push(Item::in_domain(
            Entry { key, classes }.pack(group),
            pad,
            domain,
        ));
        self.pushed += 1;
        Ok(())
    }

    /// Entries pushed so far.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    fn sort_buffer(&mut self) {
        self.buffer.par_sort_unstable();
        dedup_or(&mut self.buffer);
    }

    fn spill(&mut self) -> Result<()> {
        self.sort_buffer();
        let (path, mut out) = self.new_run()?;
        for item in &self.buffer {
            out.write_all(&item.to_bytes()).at(&path)?;
        }
        out.flush().at(&path)?;
        self.spilled += 1;
        self.buffer.clear();
        failpoint::hit("build:after-spill");
        Ok(())
    }

    /// Creates a run file, registered first so that a failure while writing
    /// it still has it removed.
    fn new_run(&mut self) -> Result<(PathBuf, BufWriter<File>)> {
        let path = self
            .dir
            .join(format!("run-{:032x}.tmp", rand::random::<u128>()));
        self.runs.push(path.clone());
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .at(&path)?;
        Ok((path, BufWriter::with_capacity(1 << 20, file)))
    }

    fn open_runs(&self, runs: &[PathBuf]) -> Result<Vec<RunReader>> {
        let per_run = (self.memory / 4 / runs.len().max(1)).clamp(4096, 4 << 20);
        let mut readers = Vec::with_capacity(runs.len());
        for path in runs {
            let file = File::open(path).at(path)?;
            readers.push(RunReader {
                path: path.clone(),
                input: BufReader::with_capacity(per_run, file),
            });
        }
        Ok(readers)
    }

    /// Merges the oldest `fan_in` runs into one new run.
    fn merge_runs_once(&mut self) -> Result<()> {
        let group: Vec<PathBuf> = self.runs.drain(..self.fan_in).collect();
        let mut readers = self.open_runs(&group)?;
        let (path, mut out) = self.new_run()?;
        merge(&mut readers, |item| {
            out.write_all(&item.to_bytes()).at(&path)
        })?;
        out.flush().at(&path)?;
        drop(readers);
        for old in &group {
            std::fs::remove_file(old).at(old)?;
        }
        Ok(())
    }

    /// Sorts, merges and writes everything pushed; returns the new segments
    /// (fsynced, not yet published) and the build's figures.
    pub fn finish(mut self) -> Result<(Vec<BuiltSegment>, BuildStats)> {
        let mut output = Output::new(&self.dir, self.pushed, self.max_segment_entries);
        if self.runs.is_empty() {
            self.sort_buffer();
            for &item in &self.buffer {
                output.push(item)?;
            }
        } else {
            if !self.buffer.is_empty() {
                self.spill()?;
            }
            self.buffer = Vec::new();
            while self.runs.len() > self.fan_in {
                self.merge_runs_once()?;
            }
            let mut readers = self.open_runs(&self.runs)?;
            merge(&mut readers, |item| output.push(item))?;
        }
        let (segments, stats) = output.finish()?;
        for path in &self.runs {
            std::fs::remove_file(path).at(path)?;
        }
        failpoint::hit("build:after-segments");
        let stats = BuildStats {
            pushed: self.pushed,
            runs: self.spilled,
            ..stats
        };
        Ok((segments, stats))
    }

    /// Sorts and merges everything pushed into one sorted run file at
    /// `path` instead of segments: the output of one shard of a distributed
    /// ingest, to be merged with the other shards' by
    /// [`SegmentBuilder::merge_shards`]. Entries keep their clear classes,
    /// pads, groups and domains, so shards merge exactly (a sealed segment
    /// could not be merged: `(a ^ p) | (b ^ p)` is not `(a | b) ^ p`).
    ///
    /// The file is a header ([`SHARD_RUN_MAGIC`]), the entries in key
    /// order, and a trailer with their count and CRC-32; it is fsynced.
    /// Returns the number of entries.
    pub fn finish_run(mut self, path: &Path) -> Result<u64> {
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(path)
            .at(path)?;
        let mut out = ShardRunWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            crc: crc32fast::Hasher::new(),
            count: 0,
        };
        out.out.write_all(SHARD_RUN_MAGIC).at(path)?;
        let written = (|| {
            if self.runs.is_empty() {
                self.sort_buffer();
                for &item in &self.buffer {
                    out.push(item).at(path)?;
                }
            } else {
                if !self.buffer.is_empty() {
                    self.spill()?;
                }
                self.buffer = Vec::new();
                while self.runs.len() > self.fan_in {
                    self.merge_runs_once()?;
                }
                let mut readers = self.open_runs(&self.runs)?;
                merge(&mut readers, |item| out.push(item).at(path))?;
            }
            out.finish().at(path)
        })();
        match written {
            Ok(count) => Ok(count),
            Err(e) => {
                let _ = std::fs::remove_file(path);
                Err(e)
            }
        }
    }

    /// Merges the sorted runs of the shards of a distributed ingest (each
    /// written by [`SegmentBuilder::finish_run`]) into segments, as
    /// [`SegmentBuilder::finish`] would have built them from all the shards'
    /// entries pushed into one builder: identical keys met in several shards
    /// merge, and distinct keys are counted per group and domain in the
    /// numbering the shards' maps give. Nothing pushed into `self` counts.
    ///
    /// A run that is damaged, truncated, out of order or names a group or
    /// domain its map lacks is an error naming its file; no segment of a
    /// failed merge survives.
    pub fn merge_shards(self, runs: &[ShardRun]) -> Result<(Vec<BuiltSegment>, BuildStats)> {
        let mut expected = 0u64;
        let mut readers = Vec::with_capacity(runs.len());
        let per_run = (self.memory / 4 / runs.len().max(1)).clamp(4096, 4 << 20);
        for run in runs {
            let reader = ShardRunReader::open(run, per_run)?;
            expected += reader.count;
            readers.push(reader);
        }
        let mut output = Output::new(&self.dir, expected, self.max_segment_entries);
        let merged = merge(&mut readers, |item| output.push(item));
        let merged = merged.and_then(|()| {
            for r in &mut readers {
                r.check_end()?;
            }
            Ok(())
        });
        if let Err(e) = merged {
            output.discard();
            return Err(e);
        }
        let (segments, stats) = output.finish()?;
        Ok((
            segments,
            BuildStats {
                pushed: expected,
                runs: runs.len(),
                ..stats
            },
        ))
    }
}

/// The first bytes of a shard's sorted run file.
pub const SHARD_RUN_MAGIC: &[u8; 8] = b"LKRRUN01";

struct ShardRunWriter {
    out: BufWriter<File>,
    crc: crc32fast::Hasher,
    count: u64,
}

impl ShardRunWriter {
    fn push(&mut self, item: Item) -> std::io::Result<()> {
        let bytes = item.to_bytes();
        self.crc.update(&bytes);
        self.count += 1;
        self.out.write_all(&bytes)
    }

    fn finish(mut self) -> std::io::Result<u64> {
        let crc = std::mem::take(&mut self.crc).finalize();
        self.out.write_all(&self.count.to_le_bytes())?;
        self.out.write_all(&crc.to_le_bytes())?;
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(self.count)
    }
}

/// One shard's sorted run and how its numbering maps to the merged one.
#[derive(Debug, Clone)]
pub struct ShardRun {
    pub path: PathBuf,
    /// The merged group of each of the shard's groups (by index).
    pub groups: Vec<Group>,
    /// The merged domain number of each of the shard's domains (by index).
    pub domains: Vec<u32>,
}

/// Bytes of a shard run's trailer: entry count and CRC-32.
const SHARD_RUN_TRAILER: u64 = 12;

/// Reads a shard's run, remapping groups and domains, checking order,
/// count and checksum.
struct ShardRunReader<'r> {
    run: &'r ShardRun,
    input: BufReader<File>,
    count: u64,
    read: u64,
    crc: crc32fast::Hasher,
    stored_crc: u32,
    last: Option<u128>,
}

impl<'r> ShardRunReader<'r> {
    fn open(run: &'r ShardRun, buffer: usize) -> Result<ShardRunReader<'r>> {
        let path = &run.path;
        let mut file = File::open(path).at(path)?;
        let len = file.metadata().at(path)?.len();
        let damaged = |why: &str| crate::error::corrupt(path, why.to_owned());
        let mut magic = [0u8; 8];
        if len < 8 + SHARD_RUN_TRAILER {
            return Err(damaged("too short for a shard run"));
        }
        file.read_exact(&mut magic).at(path)?;
        if &magic != SHARD_RUN_MAGIC {
            return Err(damaged("not a shard run (wrong magic)"));
        }
        use std::io::Seek;
        file.seek(std::io::SeekFrom::End(-(SHARD_RUN_TRAILER as i64)))
            .at(path)?;
        let mut trailer = [0u8; SHARD_RUN_TRAILER as usize];
        file.read_exact(&mut trailer).at(path)?;
        let mut count = [0u8; 8];
        count.copy_from_slice(&trailer[..8]);
        let count = u64::from_le_bytes(count);
        let stored_crc = u32::from_le_bytes([trailer[8], trailer[9], trailer[10], trailer[11]]);
        if count.checked_mul(Item::FILE_LEN as u64) != Some(len - 8 - SHARD_RUN_TRAILER) {
            return Err(damaged(
                "its length does not match its entry count (truncated?)",
            ));
        }
        file.seek(std::io::SeekFrom::Start(8)).at(path)?;
        Ok(ShardRunReader {
            run,
            input: BufReader::with_capacity(buffer, file),
            count,
            read: 0,
            crc: crc32fast::Hasher::new(),
            stored_crc,
            last: None,
        })
    }

    /// After the merge: every entry was read and the checksum holds.
    fn check_end(&mut self) -> Result<()> {
        let crc = std::mem::take(&mut self.crc).finalize();
        if self.read != self.count || crc != self.stored_crc {
            return Err(crate::error::corrupt(
                &self.run.path,
                "checksum mismatch: the shard run is damaged",
            ));
        }
        Ok(())
    }
}

impl RunSource for ShardRunReader<'_> {
    fn next_item(&mut self) -> Result<Option<Item>> {
        if self.read == self.count {
            return Ok(None);
        }
        let path = &self.run.path;
        let mut buf = [0u8; Item::FILE_LEN];
        self.input.read_exact(&mut buf).at(path)?;
        self.crc.update(&buf);
        self.read += 1;
        let item = Item::from_bytes(&buf);
        let key = packed_key(item.packed());
        if self.last.is_some_and(|last| last >= key) {
            return Err(crate::error::corrupt(
                path,
                "entries out of order: not a sorted shard run",
            ));
        }
        self.last = Some(key);
        let packed = item.packed();
        let group = packed_group(packed);
        let group = if group == UNCOUNTED {
            UNCOUNTED
        } else {
            *self.run.groups.get(usize::from(group)).ok_or_else(|| {
                crate::error::corrupt(path, format!("group {group} is not in the shard's report"))
            })?
        };
        let domain = if item.domain == NO_DOMAIN {
            NO_DOMAIN
        } else {
            *self.run.domains.get(item.domain as usize).ok_or_else(|| {
                crate::error::corrupt(
                    path,
                    format!("domain {} is not in the shard's report", item.domain),
                )
            })?
        };
        Ok(Some(Item::in_domain(
            Entry::unpack(packed).pack(group),
            item.pad,
            domain,
        )))
    }
}

impl Drop for SegmentBuilder {
    fn drop(&mut self) {
        // Best effort; a crash leaves them for the next writer's cleanup.
        for path in &self.runs {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Merges adjacent entries with the same key, OR-ing their classes.
fn dedup_or(sorted: &mut Vec<Item>) {
    sorted.dedup_by(|next, kept| {
        if packed_key(next.packed()) == packed_key(kept.packed()) {
            *kept = kept.or_classes(*next);
            true
        } else {
            false
        }
    });
}

struct RunReader {
    path: PathBuf,
    input: BufReader<File>,
}

/// A sorted stream of items for [`merge`].
trait RunSource {
    fn next_item(&mut self) -> Result<Option<Item>>;
}

impl RunSource for RunReader {
    fn next_item(&mut self) -> Result<Option<Item>> {
        let mut buf = [0u8; Item::FILE_LEN];
        match self.input.read_exact(&mut buf) {
            Ok(()) => Ok(Some(Item::from_bytes(&buf))),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e).at(&self.path),
        }
    }
}

/// K-way merge of sorted runs, emitting each key once with OR-ed classes.
fn merge<R: RunSource>(readers: &mut [R], mut emit: impl FnMut(Item) -> Result<()>) -> Result<()> {
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(v) = r.next_item()? {
            heap.push(Reverse((v, i)));
        }
    }
    let mut pending: Option<Item> = None;
    while let Some(Reverse((v, i))) = heap.pop() {
        if let Some(next) = readers[i].next_item()? {
            heap.push(Reverse((next, i)));
        }
        pending = match pending {
            Some(p) if packed_key(p.packed()) == packed_key(v.packed()) => Some(p.or_classes(v)),
            Some(p) => {
                emit(p)?;
                Some(v)
            }
            None => Some(v),
        };
    }
    if let Some(p) = pending {
        emit(p)?;
    }
    Ok(())
}

/// Writes merged entries, starting a new segment file when one is full.
struct Output {
    dir: PathBuf,
    expected: u64,
    max_entries: u64,
    current: Option<(SegmentWriter, String)>,
    done: Vec<BuiltSegment>,
    written: u64,
    distinct: Vec<u64>,
    per_domain: Vec<u64>,
}

impl Output {
    fn new(dir: &Path, expected: u64, max_entries: u64) -> Output {
        Output {
            dir: dir.to_owned(),
            expected,
            max_entries,
            current: None,
            done: Vec::new(),
            written: 0,
            distinct: vec![0; 256],
            per_domain: Vec::new(),
        }
    }

    /// Writes one merged entry (its classes sealed with its pad) and counts
    /// it in its group.
    fn push(&mut self, item: Item) -> Result<()> {
        let packed = item.packed();
        let mut entry = Entry::unpack(packed);
        entry.classes ^= item.pad;
        let group = packed_group(packed);
        if group != UNCOUNTED {
            self.distinct[usize::from(group)] += 1;
            if item.domain != NO_DOMAIN {
                let d = item.domain as usize;
                if d >= self.per_domain.len() {
                    self.per_domain.resize(d + 1, 0);
                }
                self.per_domain[d] += 1;
            }
        }
        if self
            .current
            .as_ref()
            .is_some_and(|(w, _)| w.count() >= self.max_entries)
        {
            self.close()?;
        }
        if self.current.is_none() {
            let name = new_segment_name();
            let remaining = self.expected.saturating_sub(self.written);
            let writer =
                SegmentWriter::create(&self.dir.join(&name), remaining.min(self.max_entries))?;
            self.current = Some((writer, name));
        }
        if let Some((writer, _)) = self.current.as_mut() {
            writer.push(entry)?;
        }
        self.written += 1;
        Ok(())
    }

    /// Removes what was written (a failed merge).
    fn discard(mut self) {
        let current = self.current.take().map(|(_, name)| name);
        for name in self
            .done
            .iter()
            .map(|s| &s.file_name)
            .chain(current.as_ref())
        {
            let _ = std::fs::remove_file(self.dir.join(name));
        }
    }

    fn close(&mut self) -> Result<()> {
        if let Some((writer, file_name)) = self.current.take() {
            let entries = writer.finish()?;
            self.done.push(BuiltSegment { file_name, entries });
        }
        Ok(())
    }

    /// The segments, and the figures with `pushed` and `runs` left for the
    /// builder to fill.
    fn finish(mut self) -> Result<(Vec<BuiltSegment>, BuildStats)> {
        self.close()?;
        let last = self
            .distinct
            .iter()
            .rposition(|&n| n > 0)
            .map_or(0, |i| i + 1);
        self.distinct.truncate(last);
        let stats = BuildStats {
            pushed: 0,
            written: self.written,
            runs: 0,
            distinct: self.distinct,
            per_domain: self.per_domain,
        };
        Ok((self.done, stats))
    }
}

pub(crate) fn new_segment_name() -> String {
    format!("seg-{:032x}.lks", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_merges_classes() {
        let e = |b: u32, c: u32| {
            Item::in_domain(
                Entry {
                    key: Key::new(b, [1; 8]).unwrap(),
                    classes: c,
                }
                .pack(5),
                0xabcd,
                NO_DOMAIN,
            )
        };
        let mut v = vec![e(1, 1), e(1, 2), e(1, 4), e(2, 1), e(3, 8), e(3, 8)];
        dedup_or(&mut v);
        assert_eq!(v, vec![e(1, 7), e(2, 1), e(3, 8)]);
    }

    #[test]
    fn distinct_keys_are_counted_per_domain_in_memory_and_through_runs() {
        let dir = tempfile::tempdir().unwrap();
        for memory in [crate::MIN_MEMORY, 64 << 20] {
            let mut b = SegmentBuilder::new(dir.path(), memory).unwrap();
            // 120 000 keys, key i at domain i % 3, every key pushed twice
            // (the second time after many others, so in another run), plus
            // uncounted keys and keys of no domain.
            let key = |i: u32| Key::new(i % 5000, u64::from(i).to_be_bytes()).unwrap();
            for round in 0..2 {
                for i in 0..120_000u32 {
                    b.push_sealed_in_domain(key(i), 1 << round, 0, 0, i % 3)
                        .unwrap();
                }
            }
            for i in 200_000..210_000u32 {
                b.push_sealed_in_domain(key(i), 1, 0, UNCOUNTED, 0).unwrap();
                b.push_sealed_in_domain(key(i + 50_000), 1, 0, 1, NO_DOMAIN)
                    .unwrap();
            }
            let (segments, stats) = b.finish().unwrap();
            if memory == crate::MIN_MEMORY {
                assert!(stats.runs > 1, "spilled");
            }
            assert_eq!(stats.per_domain, vec![40_000, 40_000, 40_000]);
            assert_eq!((stats.distinct(0), stats.distinct(1)), (120_000, 10_000));
            for s in &segments {
                std::fs::remove_file(dir.path().join(s.file_name())).unwrap();
            }
        }
    }

    #[test]
    fn sealed_words_are_the_merged_classes_xor_the_pad_in_memory_and_through_runs() {
        let dir = tempfile::tempdir().unwrap();
        for memory in [crate::MIN_MEMORY, 64 << 20] {
            let mut b = SegmentBuilder::new(dir.path(), memory).unwrap();
            // Enough entries to spill at the smallest budget.
            let n = 200_000u32;
            for i in 0..n {
                let key = Key::new(i % 1000, (u64::from(i / 1000)).to_be_bytes()).unwrap();
                let pad = i.wrapping_mul(0x9e37_79b9) | 1;
                b.push_sealed(key, 1 << (i % 3), pad, 0).unwrap();
                // The same key again with another class and the same pad.
                if i % 7 == 0 {
                    b.push_sealed(key, 1 << 5, pad, 0).unwrap();
                }
            }
            let (segments, stats) = b.finish().unwrap();
            assert_eq!(stats.written, u64::from(n));
            let seg = crate::Segment::open(&dir.path().join(segments[0].file_name())).unwrap();
            for i in (0..n).step_by(97) {
                let key = Key::new(i % 1000, (u64::from(i / 1000)).to_be_bytes()).unwrap();
                let pad = i.wrapping_mul(0x9e37_79b9) | 1;
                let mut classes = 1 << (i % 3);
                if i % 7 == 0 {
                    classes |= 1 << 5;
                }
                assert_eq!(
                    seg.get(&key),
                    Some(classes ^ pad),
                    "entry {i}, memory {memory}"
                );
            }
            for s in &segments {
                std::fs::remove_file(dir.path().join(s.file_name())).unwrap();
            }
        }
    }

    #[test]
    fn shard_runs_merge_into_what_one_builder_would_build() {
        let dir = tempfile::tempdir().unwrap();
        let key = |i: u32| Key::new(i % 3000, u64::from(i).to_be_bytes()).unwrap();
        // Key i: group (i % 2) (global numbering), domain i % 5, pad from i;
        // keys 0..60 000 go to shard i % 2, keys 20 000..30 000 to both (other classes).
        let pad = |i: u32| i.wrapping_mul(0x9e37_79b9);
        let mut whole = SegmentBuilder::new(dir.path(), crate::MIN_MEMORY).unwrap();
        let mut shards = [
            SegmentBuilder::new(dir.path(), crate::MIN_MEMORY).unwrap(),
            SegmentBuilder::new(dir.path(), 64 << 20).unwrap(),
        ];
        // Shard s numbers groups and domains its own way: s == 1 reverses them.
        let local_group = |s: usize, g: u8| if s == 1 { 1 - g } else { g };
        let local_domain = |s: usize, d: u32| if s == 1 { 4 - d } else { d };
        for i in 0..60_000u32 {
            let (g, d) = ((i % 2) as u8, i % 5);
            let s = (i % 2) as usize;
            whole
                .push_sealed_in_domain(key(i), 1, pad(i), g, d)
                .unwrap();
            shards[s]
                .push_sealed_in_domain(key(i), 1, pad(i), local_group(s, g), local_domain(s, d))
                .unwrap();
            if (20_000..30_000).contains(&i) {
                let o = 1 - s;
                whole
                    .push_sealed_in_domain(key(i), 2, pad(i), g, d)
                    .unwrap();
                shards[o]
                    .push_sealed_in_domain(key(i), 2, pad(i), local_group(o, g), local_domain(o, d))
                    .unwrap();
            }
        }
        let (expected, expected_stats) = whole.finish().unwrap();
        let mut runs = Vec::new();
        for (s, b) in shards.into_iter().enumerate() {
            let path = dir.path().join(format!("shard-{s}.lkr"));
            b.finish_run(&path).unwrap();
            runs.push(ShardRun {
                path,
                groups: (0..2).map(|g| local_group(s, g)).collect(),
                domains: (0..5).map(|d| local_domain(s, d)).collect(),
            });
        }
        let merger = SegmentBuilder::new(dir.path(), crate::MIN_MEMORY).unwrap();
        let (got, stats) = merger.merge_shards(&runs).unwrap();
        assert_eq!(stats.written, 60_000);
        assert_eq!(stats.distinct, expected_stats.distinct);
        assert_eq!(stats.per_domain, expected_stats.per_domain);
        let read = |segs: &[BuiltSegment]| {
            let seg = crate::Segment::open(&dir.path().join(segs[0].file_name())).unwrap();
            (0..60_000u32).map(|i| seg.get(&key(i))).collect::<Vec<_>>()
        };
        assert_eq!(read(&got), read(&expected));
        assert_eq!(read(&got)[25_000], Some(3 ^ pad(25_000)));

        // A damaged run: one byte flipped, then one truncated, then one missing a map entry.
        let bytes = std::fs::read(&runs[0].path).unwrap();
        let mut flipped = bytes.clone();
        flipped[8 + 24 * 100 + 3] ^= 1;
        std::fs::write(&runs[0].path, &flipped).unwrap();
        let before = std::fs::read_dir(dir.path()).unwrap().count();
        let merger = SegmentBuilder::new(dir.path(), crate::MIN_MEMORY).unwrap();
        let err = merger.merge_shards(&runs).unwrap_err();
        assert!(matches!(err, IndexError::Corrupt { .. }), "{err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            before,
            "no segment left"
        );
        std::fs::write(&runs[0].path, &bytes[..bytes.len() - 30]).unwrap();
        let merger = SegmentBuilder::new(dir.path(), crate::MIN_MEMORY).unwrap();
        let err = merger.merge_shards(&runs).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
        std::fs::write(&runs[0].path, &bytes).unwrap();
        runs[0].domains.pop();
        let merger = SegmentBuilder::new(dir.path(), crate::MIN_MEMORY).unwrap();
        let err = merger.merge_shards(&runs).unwrap_err().to_string();
        assert!(
            err.contains("domain 4 is not in the shard's report"),
            "{err}"
        );
    }
}
