//! `lekradar publish --breach NAME`: merges the shards staged by
//! `lekradar ingest --shard I/N` into the breach in one atomic publish, or
//! discards them (`--discard`).

use std::process::ExitCode;
use std::time::Instant;

use lekradar_ingest::{discard_shards, publish_shards, Published};
use lekradar_prf::ServerKey;

use crate::cmd::parse_memory;
use crate::data_dir::DataDir;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The breach whose staged shards to publish
    #[arg(long)]
    breach: String,
    /// Memory budget for merging the shards into segments
    #[arg(long, default_value = "512MiB", value_parser = parse_memory)]
    memory: usize,
    /// Delete the breach's staged shards instead of publishing them
    #[arg(long)]
    discard: bool,
}

pub fn run(data: &DataDir, args: Args) -> anyhow::Result<ExitCode> {
    let key = ServerKey::load(&data.key_file())?;
    let mut writer = data.index_writer()?;
    if args.discard {
        let n = discard_shards(writer.storage().as_ref(), &args.breach)?;
        println!("{}: {n} staged shard files deleted", args.breach);
        return Ok(ExitCode::SUCCESS);
    }
    let work = data.root().join("shard-work").join("publish");
    let started = Instant::now();
    let published = publish_shards(&mut writer, &key, &args.breach, args.memory, &work);
    let _ = std::fs::remove_dir_all(&work);
    match published? {
        Published::Merged { shards, report } => {
            println!(
                "{}: {shards} shards merged and published (generation {}) in {:.1} s",
                args.breach,
                writer.manifest().generation,
                started.elapsed().as_secs_f64()
            );
            crate::cmd::ingest::print_run_report(&args.breach, &report);
        }
        Published::AlreadyPublished { shards } => {
            println!(
                "{}: the {shards} staged shards were already published; they are now deleted",
                args.breach
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
