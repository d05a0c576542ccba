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

/// Reads `dump` as ingest reads a file called `name` (its extension a hint),
/// in `format` (detected when `None`), and turns every row into a record
/// with its table's roles; returns the rows read, or `None` when the input
/// is refused as a whole (an error, never a panic).
pub fn read_all(
    dump: &[u8],
    name: &str,
    format: Option<&str>,
    delimiter: Option<u8>,
    regions: &[Region],
) -> Option<u64> {
    use lekradar_ingest::{read_stream, to_record, Detection, IngestConfig};
    let config = IngestConfig {
        regions: regions.to_vec(),
        format: format.map(str::to_owned),
        delimiter,
        ..IngestConfig::default()
    };
    let source = open(dump)?;
    let mut records = 0u64;
    let rows = read_stream(
        source,
        std::path::Path::new(name),
        &config,
        regions,
        &mut |roles, row| {
            let detection = Detection {
                roles: roles.to_vec(),
                found_by: vec!["fuzz"; roles.len()],
            };
            if let Ok(record) = to_record(row, &detection, regions) {
                assert!(!record.identifiers.is_empty());
                records += 1;
            }
        },
    )
    .ok()?;
    assert!(records <= rows, "{records} records from {rows} rows");
    Some(rows)
}
