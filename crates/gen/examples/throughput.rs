//! Prints generation throughput: `cargo run --release -p lekradar-gen
//! --example throughput [rows]` (default 1 000 000) for each kind.

use std::time::Instant;

use lekradar_gen::{generate, Compression, DumpKind, GenOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    for (kind, comp) in [
        (DumpKind::Scrape, Compression::None),
        (DumpKind::Scrape, Compression::Gzip),
        (DumpKind::Scrape, Compression::Zstd),
        (DumpKind::Telecom, Compression::None),
        (DumpKind::Broker, Compression::Zstd),
    ] {
        let mut o = GenOptions::new(kind);
        o.rows = rows;
        o.compression = comp;
        let out = dir.path().join(format!("{kind:?}-{comp:?}"));
        let start = Instant::now();
        let t = generate(&o, &out)?;
        let secs = start.elapsed().as_secs_f64();
        let size = std::fs::metadata(&out)?.len();
        println!(
            "{kind:?} {comp:?}: {rows} rows in {secs:.2} s = {:.0} rows/s, {:.1} MB, {} distinct phones",
            rows as f64 / secs,
            size as f64 / 1e6,
            t.distinct_phones
        );
    }
    Ok(())
}
