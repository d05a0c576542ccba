//! `lekradar lookup`: the direct check from the command line — normalize each
//! identifier, compute its index key with the server key, and print the
//! breaches holding it with the data classes of that person's record.

use std::process::ExitCode;

use lekradar_breach::BreachMetadata;
use lekradar_check::check;
use lekradar_index::Snapshot;
use lekradar_normalize::{normalize, Region};
use lekradar_prf::ServerKey;

use crate::data_dir::DataDir;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Region for phone numbers written without a country code
    #[arg(long, default_value = "NL", value_name = "REGION")]
    region: Region,
    /// Phone numbers or email addresses, in any spelling
    #[arg(required = true, value_name = "IDENTIFIER")]
    identifiers: Vec<String>,
}

pub fn run(data: &DataDir, args: Args) -> anyhow::Result<ExitCode> {
    let key = ServerKey::load(&data.key_file())?;
    let reader = data.index_reader()?;
    let snapshot = reader.snapshot();
    for raw in &args.identifiers {
        print_check(&snapshot, &key, raw, args.region)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the answer for one raw identifier; returns whether it was found.
pub fn print_check(
    snapshot: &Snapshot,
    key: &ServerKey,
    raw: &str,
    region: Region,
) -> anyhow::Result<bool> {
    let id = match normalize(raw, region) {
        Ok(id) => id,
        Err(reason) => {
            println!("{raw:?}: not checked, {reason}");
            return Ok(false);
        }
    };
    let hits = check(snapshot, key, &id)?;
    if hits.is_empty() {
        println!(
            "{raw:?} ({id}): not found in any of {} breaches",
            snapshot.breaches().len()
        );
        return Ok(false);
    }
    println!("{raw:?} ({id}): found in {} breach(es)", hits.len());
    for hit in hits {
        let meta = hit
            .breach
            .metadata()
            .and_then(|b| BreachMetadata::decode(b).ok());
        match meta {
            Some(meta) => println!(
                "  - {} ({}): {}",
                meta.title,
                hit.breach.name(),
                meta.class_names(hit.classes).join(", ")
            ),
            None => println!("  - {}: data classes {:#b}", hit.breach.name(), hit.classes),
        }
    }
    Ok(true)
}
