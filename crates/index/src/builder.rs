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
    pub(crate) fn new(dir: &Path, memory: usize) -> Result<SegmentBuilder> {
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

impl RunReader {
    fn next(&mut self) -> Result<Option<Item>> {
        let mut buf = [0u8; Item::FILE_LEN];
        match self.input.read_exact(&mut buf) {
            Ok(()) => Ok(Some(Item::from_bytes(&buf))),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e).at(&self.path),
        }
    }
}

/// K-way merge of sorted runs, emitting each key once with OR-ed classes.
fn merge(readers: &mut [RunReader], mut emit: impl FnMut(Item) -> Result<()>) -> Result<()> {
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(v) = r.next()? {
            heap.push(Reverse((v, i)));
        }
    }
    let mut pending: Option<Item> = None;
    while let Some(Reverse((v, i))) = heap.pop() {
        if let Some(next) = readers[i].next()? {
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
}
