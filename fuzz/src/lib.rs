//! What the fuzz targets share: opening fuzz input as a dump, region sets,
//! and the bounds that keep one input fast (a small input may decompress to
//! far more).

use std::io::Cursor;

use lekradar_ingest::Source;
use lekradar_normalize::Region;

/// Decompressed bytes read from one input, at most.
pub const MAX_DECOMPRESSED: u64 = 1 << 20;
/// Rows read from one input, at most.
pub const MAX_ROWS: usize = 5_000;

/// The fuzz input as a dump held in memory, opened as `lekradar_ingest::open` opens a file.
pub fn open(bytes: &[u8]) -> Option<Source> {
    Source::from_reader(Cursor::new(bytes.to_vec()), bytes.len() as u64).ok()
}

/// One of a few region lists an operator could give (`--region`, in order).
pub fn regions(selector: u8) -> Vec<Region> {
    match selector % 4 {
        0 => vec![Region::NL],
        1 => vec![Region::NL, Region::BE],
        2 => vec![Region::BE, Region::NL],
        _ => ["FR", "DE", "BE", "NL", "US"]
            .iter()
            .filter_map(|r| r.parse().ok())
            .collect(),
    }
}
