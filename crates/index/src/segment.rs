//! Segment files: the immutable, sorted, checksummed unit of the index, and
//! the only module that memory-maps anything.
//!
//! Layout of format versions 1 and 2 (all integers little-endian unless noted):
//!
//! ```text
//! offset  size  field
//! 0       8     magic "LKRDSEG\0"
//! 8       4     format version (1 or 2)
//! 12      4     record length (15)
//! 16      8     entry count n
//! 24      1     directory bits d (0..=24)
//! 25      7     reserved, zero
//! 32      4     CRC-32 of the body (records and directory)
//! 36      24    reserved, zero
//! 60      4     CRC-32 of header bytes 0..60
//! 64      15·n  records sorted by (bucket, tag), no two with the same key:
//!               bucket u24 big-endian, tag 8 bytes, class word u32
//! ...     4·(2^d + 1)  directory: entry index of the first record whose
//!               bucket >> (24 - d) is >= i, for i in 0..=2^d
//! ...     8     trailer magic "LKRDEND\0"
//! ```
//!
//! The versions differ only in what the caller put in a record (the index
//! does not interpret either): in version 1 the tag is the PRF output's first
//! bytes and the class word the class bitset; in version 2 both are per
//! breach and the class word is sealed (`docs/INDEX-FORMAT.md`). A reader
//! asks [`Segment::format_version`] which it is.
//!
//! A file is opened only after its size, both checksums and the directory
//! have been checked, so a truncated or damaged file is reported as
//! [`IndexError::Corrupt`] and never read as data.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::entry::{Entry, Key, BUCKET_BITS, KEY_LEN, RECORD_LEN};
use crate::error::{corrupt, IndexError, IoContext, Result};

pub(crate) const MAGIC: &[u8; 8] = b"LKRDSEG\0";
pub(crate) const TRAILER: &[u8; 8] = b"LKRDEND\0";
/// The segment format this build writes, and the newest it reads.
pub const SEGMENT_FORMAT_VERSION: u32 = 2;
/// The oldest segment format this build reads.
pub const OLDEST_SEGMENT_FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 64;

/// Directory bits for a segment of about `n` entries: about 16 entries per
/// directory slot, so a lookup is one directory read and a few comparisons.
pub(crate) fn directory_bits(n: u64) -> u8 {
    let log2 = 63 - n.max(1).leading_zeros();
    log2.saturating_sub(4).min(BUCKET_BITS) as u8
}

/// Streams sorted, de-duplicated entries into a new segment file.
pub(crate) struct SegmentWriter {
    path: PathBuf,
    out: BufWriter<File>,
    crc: crc32fast::Hasher,
    dir_bits: u8,
    directory: Vec<u32>,
    count: u64,
    last_key: Option<[u8; KEY_LEN]>,
}

impl SegmentWriter {
    /// Creates `path` (which must not exist) for about `expected` entries.
    pub(crate) fn create(path: &Path, expected: u64) -> Result<SegmentWriter> {
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(path)
            .at(path)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(&[0u8; HEADER_LEN]).at(path)?;
        let dir_bits = directory_bits(expected);
        Ok(SegmentWriter {
            path: path.to_owned(),
            out,
            crc: crc32fast::Hasher::new(),
            dir_bits,
            directory: vec![0; (1usize << dir_bits) + 1],
            count: 0,
            last_key: None,
        })
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// Appends one entry; entries must come in strictly increasing key order.
    pub(crate) fn push(&mut self, entry: Entry) -> Result<()> {
        let key = entry.key.sort_bytes();
        if self.last_key.is_some_and(|last| last >= key) {
            return Err(corrupt(
                &self.path,
                "segment writer got entries out of order",
            ));
        }
        if self.count >= u64::from(u32::MAX) {
            return Err(corrupt(&self.path, "segment would exceed 2^32 - 1 entries"));
        }
        self.last_key = Some(key);
        let slot = (entry.key.bucket() >> (BUCKET_BITS - u32::from(self.dir_bits))) as usize;
        // Counts per slot for now; turned into starting offsets in `finish`.
        self.directory[slot + 1] += 1;
        let record = entry.to_record();
        self.crc.update(&record);
        self.out.write_all(&record).at(&self.path)?;
        self.count += 1;
        Ok(())
    }

    /// Writes directory, trailer and header, then fsyncs the file.
    pub(crate) fn finish(mut self) -> Result<u64> {
        for i in 1..self.directory.len() {
            self.directory[i] += self.directory[i - 1];
        }
        let mut dir_bytes = Vec::with_capacity(self.directory.len() * 4);
        for offset in &self.directory {
            dir_bytes.extend_from_slice(&offset.to_le_bytes());
        }
        self.crc.update(&dir_bytes);
        self.out.write_all(&dir_bytes).at(&self.path)?;
        self.out.write_all(TRAILER).at(&self.path)?;

        let header = encode_header(self.count, self.dir_bits, self.crc.finalize());
        let mut file = self
            .out
            .into_inner()
            .map_err(|e| e.into_error())
            .at(&self.path)?;
        file.seek(SeekFrom::Start(0)).at(&self.path)?;
        file.write_all(&header).at(&self.path)?;
        file.sync_all().at(&self.path)?;
        Ok(self.count)
    }
}

fn encode_header(count: u64, dir_bits: u8, body_crc: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&SEGMENT_FORMAT_VERSION.to_le_bytes());
    h[12..16].copy_from_slice(&(RECORD_LEN as u32).to_le_bytes());
    h[16..24].copy_from_slice(&count.to_le_bytes());
    h[24] = dir_bits;
    h[32..36].copy_from_slice(&body_crc.to_le_bytes());
    let crc = crc32fast::hash(&h[..60]);
    h[60..64].copy_from_slice(&crc.to_le_bytes());
    h
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

fn le_u64(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Where the parts of a validated segment lie in its bytes.
#[derive(Clone, Copy, Debug)]
struct Layout {
    version: u32,
    count: usize,
    dir_bits: u8,
    records_end: usize,
}

/// Checks everything about a segment's bytes that a reader relies on.
fn validate(path: &Path, bytes: &[u8]) -> Result<Layout> {
    let bad = |reason: &str| corrupt(path, reason);
    if bytes.len() < HEADER_LEN + TRAILER.len() {
        return Err(bad("file is shorter than a segment header (truncated?)"));
    }
    if &bytes[0..8] != MAGIC {
        return Err(bad("not a lekradar segment (wrong magic)"));
    }
    if le_u32(bytes, 60) != crc32fast::hash(&bytes[..60]) {
        return Err(bad("header checksum mismatch"));
    }
    let version = le_u32(bytes, 8);
    if !(OLDEST_SEGMENT_FORMAT_VERSION..=SEGMENT_FORMAT_VERSION).contains(&version) {
        return Err(IndexError::UnsupportedVersion {
            path: path.to_owned(),
            found: version,
            supported: SEGMENT_FORMAT_VERSION,
        });
    }
    if le_u32(bytes, 12) as usize != RECORD_LEN {
        return Err(bad("unexpected record length"));
    }
    let count = le_u64(bytes, 16);
    let dir_bits = bytes[24];
    if u32::from(dir_bits) > BUCKET_BITS {
        return Err(bad("directory bits out of range"));
    }
    let dir_len = ((1u64 << dir_bits) + 1) * 4;
    let expected_len = count
        .checked_mul(RECORD_LEN as u64)
        .and_then(|r| r.checked_add(HEADER_LEN as u64 + dir_len + TRAILER.len() as u64));
    if expected_len != Some(bytes.len() as u64) {
        return Err(bad(&format!(
            "file is {} bytes, header says {} entries (truncated or extended?)",
            bytes.len(),
            count
        )));
    }
    let count = count as usize;
    let body_end = bytes.len() - TRAILER.len();
    if &bytes[body_end..] != TRAILER {
        return Err(bad("missing trailer (truncated?)"));
    }
    if crc32fast::hash(&bytes[HEADER_LEN..body_end]) != le_u32(bytes, 32) {
        return Err(bad("body checksum mismatch"));
    }
    let records_end = HEADER_LEN + count * RECORD_LEN;
    let mut previous = 0u32;
    for i in 0..=(1usize << dir_bits) {
        let offset = le_u32(bytes, records_end + i * 4);
        if offset < previous || offset as usize > count {
            return Err(bad("directory is not monotone"));
        }
        previous = offset;
    }
    if le_u32(bytes, records_end) != 0 || previous as usize != count {
        return Err(bad("directory does not cover the records"));
    }
    Ok(Layout {
        version,
        count,
        dir_bits,
        records_end,
    })
}

/// The bytes of an open segment.
enum Bytes {
    // SAFETY rule for the whole crate: segment files are written once under a
    // fresh name, fsynced, and never modified or truncated afterwards; they are
    // only ever deleted (unlinking keeps an existing mapping valid on Unix).
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// An open, validated, memory-mapped segment.
pub struct Segment {
    path: PathBuf,
    bytes: Bytes,
    layout: Layout,
}

impl std::fmt::Debug for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segment")
            .field("path", &self.path)
            .field("entries", &self.layout.count)
            .finish()
    }
}

impl Segment {
    /// Opens and validates the segment at `path`.
    pub fn open(path: &Path) -> Result<Segment> {
        let file = File::open(path).at(path)?;
        let len = file.metadata().at(path)?.len();
        let bytes = if len == 0 {
            Bytes::Owned(Vec::new())
        } else {
            // SAFETY: see the rule on `Bytes::Mapped`; the index never writes to
            // a published segment, so the mapping stays what we validated.
            Bytes::Mapped(unsafe { memmap2::Mmap::map(&file) }.at(path)?)
        };
        Self::from_bytes(path, bytes)
    }

    /// Validates a segment held in memory (tests and tools).
    pub fn from_vec(path: &Path, bytes: Vec<u8>) -> Result<Segment> {
        Self::from_bytes(path, Bytes::Owned(bytes))
    }

    fn from_bytes(path: &Path, bytes: Bytes) -> Result<Segment> {
        let layout = validate(path, bytes.as_slice())?;
        Ok(Segment {
            path: path.to_owned(),
            bytes,
            layout,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The format version of this file (1 or 2): what its tags and class
    /// words mean is the caller's convention for that version.
    pub fn format_version(&self) -> u32 {
        self.layout.version
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.layout.count
    }

    pub fn is_empty(&self) -> bool {
        self.layout.count == 0
    }

    /// Size of the file in bytes.
    pub fn file_len(&self) -> usize {
        self.bytes.as_slice().len()
    }

    fn records(&self) -> &[u8] {
        &self.bytes.as_slice()[HEADER_LEN..self.layout.records_end]
    }

    fn record(&self, i: usize) -> &[u8; RECORD_LEN] {
        let start = i * RECORD_LEN;
        let slice = &self.records()[start..start + RECORD_LEN];
        // The slice is exactly RECORD_LEN long by construction.
        slice.try_into().unwrap_or(&[0; RECORD_LEN])
    }

    fn dir(&self, slot: usize) -> usize {
        le_u32(self.bytes.as_slice(), self.layout.records_end + slot * 4) as usize
    }

    /// Entry range `[lo, hi)` of the directory slots covering buckets `[first, end)`.
    fn slot_range(&self, first_bucket: u32, end_bucket: u64) -> (usize, usize) {
        let shift = BUCKET_BITS - u32::from(self.layout.dir_bits);
        let lo_slot = (first_bucket >> shift) as usize;
        // Slot holding the last bucket of the range, inclusive.
        let hi_slot = ((end_bucket - 1) >> shift) as usize;
        (self.dir(lo_slot), self.dir(hi_slot + 1))
    }

    /// First index in `[lo, hi)` whose key is >= `key`.
    fn lower_bound(&self, mut lo: usize, mut hi: usize, key: &[u8]) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if &self.record(mid)[..key.len()] < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The data classes stored for `key`, if it is in this segment.
    pub fn get(&self, key: &Key) -> Option<u32> {
        if self.layout.count == 0 {
            return None;
        }
        let (lo, hi) = self.slot_range(key.bucket(), u64::from(key.bucket()) + 1);
        let wanted = key.sort_bytes();
        let i = self.lower_bound(lo, hi, &wanted);
        if i < hi && self.record(i)[..KEY_LEN] == wanted {
            Some(Entry::from_record(self.record(i)).classes)
        } else {
            None
        }
    }

    /// All entries whose bucket starts with the `bits`-bit `prefix`.
    pub fn scan_prefix(&self, prefix: u32, bits: u32) -> impl Iterator<Item = Entry> + '_ {
        let (lo, hi) = if self.layout.count == 0 || bits > BUCKET_BITS || prefix >> bits != 0 {
            (0, 0)
        } else {
            let shift = BUCKET_BITS - bits;
            let first = prefix << shift;
            let end = (u64::from(prefix) + 1) << shift;
            let (lo, hi) = self.slot_range(first, end);
            let first_key = &first.to_be_bytes()[1..];
            let start = self.lower_bound(lo, hi, first_key);
            let stop = if end >> BUCKET_BITS != 0 {
                hi
            } else {
                self.lower_bound(start, hi, &(end as u32).to_be_bytes()[1..])
            };
            (start, stop)
        };
        (lo..hi).map(move |i| Entry::from_record(self.record(i)))
    }

    /// Every entry in key order.
    pub fn iter(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.layout.count).map(move |i| Entry::from_record(self.record(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(bucket: u32, tag: u64, classes: u32) -> Entry {
        Entry {
            key: Key::new(bucket, tag.to_be_bytes()).unwrap(),
            classes,
        }
    }

    fn write(entries: &[Entry]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.seg");
        let mut w = SegmentWriter::create(&path, entries.len() as u64).unwrap();
        for e in entries {
            w.push(*e).unwrap();
        }
        w.finish().unwrap();
        (dir, path)
    }

    #[test]
    fn round_trip_lookup_and_scan() {
        let mut entries: Vec<Entry> = (0..5000u32)
            .map(|i| entry((i * 3361) % (1 << 24), u64::from(i) * 0x9e37_79b9, i % 7))
            .collect();
        entries.sort_by_key(|e| e.pack(0));
        let (_d, path) = write(&entries);
        let seg = Segment::open(&path).unwrap();
        assert_eq!(seg.len(), 5000);
        for e in &entries {
            assert_eq!(seg.get(&e.key), Some(e.classes));
        }
        assert_eq!(seg.get(&Key::new(5, [1; 8]).unwrap()), None);
        for bits in 12..=24 {
            let prefix = entries[1234].key.bucket() >> (24 - bits);
            let got: Vec<Entry> = seg.scan_prefix(prefix, bits).collect();
            let want: Vec<Entry> = entries
                .iter()
                .filter(|e| e.key.bucket() >> (24 - bits) == prefix)
                .copied()
                .collect();
            assert_eq!(got, want, "bits {bits}");
        }
        let top = seg.scan_prefix((1 << 12) - 1, 12).count();
        let want = entries
            .iter()
            .filter(|e| e.key.bucket() >> 12 == 0xfff)
            .count();
        assert_eq!(top, want);
    }

    #[test]
    fn empty_segment_opens() {
        let (_d, path) = write(&[]);
        let seg = Segment::open(&path).unwrap();
        assert!(seg.is_empty());
        assert_eq!(seg.get(&Key::new(0, [0; 8]).unwrap()), None);
        assert_eq!(seg.scan_prefix(0, 12).count(), 0);
    }

    #[test]
    fn out_of_order_push_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SegmentWriter::create(&dir.path().join("x"), 2).unwrap();
        w.push(entry(2, 0, 0)).unwrap();
        assert!(w.push(entry(1, 0, 0)).is_err());
    }

    #[test]
    fn every_truncation_and_bit_flip_is_detected() {
        let entries: Vec<Entry> = (0..40u32).map(|i| entry(i * 1000, 7, i)).collect();
        let (_d, path) = write(&entries);
        let good = std::fs::read(&path).unwrap();
        for len in 0..good.len() {
            let r = Segment::from_vec(&path, good[..len].to_vec());
            assert!(matches!(r, Err(IndexError::Corrupt { .. })), "len {len}");
        }
        for byte in 0..good.len() {
            let mut bad = good.clone();
            bad[byte] ^= 0x10;
            let r = Segment::from_vec(&path, bad);
            assert!(r.is_err(), "flip at {byte} went unnoticed");
        }
    }

    #[test]
    fn newer_version_is_reported_as_such() {
        let (_d, path) = write(&[entry(1, 1, 1)]);
        let mut bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            Segment::from_vec(&path, bytes.clone())
                .unwrap()
                .format_version(),
            SEGMENT_FORMAT_VERSION
        );
        let newer = SEGMENT_FORMAT_VERSION + 1;
        bytes[8..12].copy_from_slice(&newer.to_le_bytes());
        let crc = crc32fast::hash(&bytes[..60]);
        bytes[60..64].copy_from_slice(&crc.to_le_bytes());
        let err = Segment::from_vec(&path, bytes).unwrap_err();
        assert!(matches!(
            err,
            IndexError::UnsupportedVersion { found, .. } if found == newer
        ));
        assert!(err.to_string().contains("upgrade lekradar"));
    }
}
