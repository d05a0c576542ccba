//! The prefix lengths a private check may ask. At the longest, a bucket
//! holds on average at least [`MIN_OCCUPANCY`] entries, so one person's
//! entries are lost in its natural variation. Review finding: with 3 602
//! entries at 16 bits a bucket was empty unless it held a member (40 of 40
//! members' buckets non-empty, 2 of 40 non-members'), a free membership
//! oracle.

/// Default bound on the bucket prefix length (`--private-bucket-bits`).
pub const DEFAULT_BUCKET_BITS: u32 = 16;

/// The shortest prefix a client may ask when the index is large enough; it
/// bounds the size of an answer (below it for small indexes, see
/// [`prefix_bounds`]).
pub const MIN_BUCKET_BITS: u32 = 12;

/// The least average number of entries in a bucket of the longest prefix
/// served. One person has one entry per breach they are in (more when a
/// later file told more about them); against a count that varies by about
/// the square root of this (±11), a handful of entries is noise: the counts
/// of members' and non-members' buckets differ by at most ≈ k/√(2π·128)
/// ≈ 0.035·k in total variation for a person with k entries.
pub const MIN_OCCUPANCY: u64 = 128;

/// The most entries a bucket of the longest prefix holds on average before
/// that prefix grows past the configured one: 4 096 entries of 12 bytes, a
/// 48 KiB answer, so that an answer stays under 64 KB however large the
/// index grows (about 92 KB at 500 M entries and 16 bits otherwise).
pub const MAX_AVERAGE_ENTRIES: u64 = 4096;

/// The prefix lengths a private check may ask of an index serving a number
/// of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixBounds {
    pub min: u32,
    pub max: u32,
}

impl PrefixBounds {
    /// Whether a prefix of `bits` may be asked.
    pub fn allows(&self, bits: u32) -> bool {
        (self.min..=self.max).contains(&bits)
    }
}

/// The longest prefix at which a bucket holds at least [`MIN_OCCUPANCY`] of
/// `served` entries on average (0, one bucket for the whole index, when
/// even that is too few), no longer than `configured` unless a bucket would
/// then hold more than [`MAX_AVERAGE_ENTRIES`] on average; and the
/// shortest: the floor [`MIN_BUCKET_BITS`], or the longest when that is
/// shorter.
pub fn prefix_bounds(served: u64, configured: u32) -> PrefixBounds {
    let mut max = 0;
    while max < lekradar_prf::BUCKET_BITS
        && served >> (max + 1) >= MIN_OCCUPANCY
        && (max < configured || served >> max > MAX_AVERAGE_ENTRIES)
    {
        max += 1;
    }
    PrefixBounds {
        min: max.min(MIN_BUCKET_BITS),
        max,
    }
}
