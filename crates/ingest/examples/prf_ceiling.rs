//! The ingest ceiling: keys the identifiers of a dump on all cores and
//! nothing else. `cargo run --release -p lekradar-ingest --example
//! prf_ceiling -- [--region NL,BE] [--read-only] FILE` reads the identifiers exactly as
//! `lekradar ingest` does (not timed), then times the keyed PRF plus bucket
//! hash of every one of them with a fresh key. `bench/ingest.sh` sets this
//! beside the end-to-end run.

use std::time::Instant;

use lekradar_check::filing;
use lekradar_ingest::{read_identifiers, IngestConfig};
use lekradar_normalize::Region;
use lekradar_prf::ServerKey;
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut regions = vec![Region::NL];
    let mut file = None;
    let mut read_only = false;
    let mut format = None;
    while let Some(arg) = args.next() {
        if arg == "--read-only" {
            read_only = true;
        } else if arg == "--format" {
            format = Some(args.next().ok_or("--format needs a value")?);
        } else if arg == "--region" {
            let list = args.next().ok_or("--region needs a value")?;
            regions = list.split(',').map(str::parse).collect::<Result<_, _>>()?;
        } else {
            file = Some(arg);
        }
    }
    let file =
        file.ok_or("usage: prf_ceiling [--region NL,BE] [--format NAME] [--read-only] FILE")?;
    let start = Instant::now();
    let config = IngestConfig {
        regions,
        format,
        ..IngestConfig::default()
    };
    let (ids, reports) = read_identifiers(file.as_ref(), &config)?;
    let rows: u64 = reports.iter().map(|r| r.rows).sum();
    let read_secs = start.elapsed().as_secs_f64();
    if read_only {
        println!(
            "rows {} identifiers {} read_secs {read_secs:.2}",
            rows,
            ids.len()
        );
        return Ok(());
    }
    let key = ServerKey::generate();
    let start = Instant::now();
    let keyed = ids
        .par_iter()
        .map(|id| filing(&key, id).map(|f| f.in_breach("Ceiling")))
        .filter(Result::is_ok)
        .count();
    let prf_secs = start.elapsed().as_secs_f64();
    println!(
        "rows {} identifiers {} keyed {keyed} read_secs {read_secs:.2} prf_secs {prf_secs:.2} prf_per_sec {:.0} threads {}",
        rows,
        ids.len(),
        ids.len() as f64 / prf_secs,
        rayon::current_num_threads()
    );
    Ok(())
}
