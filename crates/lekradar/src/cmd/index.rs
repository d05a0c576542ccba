//! `lekradar index stats|verify`: what the published index holds, and a full
//! check of every file it references.

use std::process::ExitCode;

use crate::data_dir::DataDir;

#[derive(Debug, clap::Subcommand)]
pub enum IndexCommand {
    /// List the breaches, their entries, segments and bytes on disk
    Stats,
    /// Open every file of the index and check its checksums
    Verify,
}

pub fn run(data: &DataDir, cmd: IndexCommand) -> anyhow::Result<ExitCode> {
    // Opening a reader validates the manifest, every metadata file and every
    // segment (sizes, both checksums, directory).
    let reader = data.index_reader()?;
    let snap = reader.snapshot();
    match cmd {
        IndexCommand::Verify => {
            let segments: usize = snap.breaches().iter().map(|b| b.segments().len()).sum();
            println!(
                "ok: generation {}, {} breaches, {segments} segments verified",
                snap.generation(),
                snap.breaches().len()
            );
        }
        IndexCommand::Stats => {
            println!(
                "index {} generation {}",
                data.index_location(),
                snap.generation()
            );
            println!(
                "{:<24} {:>8} {:>12} {:>9} {:>14} {:>7}",
                "breach", "state", "entries", "segments", "bytes", "B/entry"
            );
            for b in snap.breaches() {
                let bytes: usize = b.segments().iter().map(|s| s.file_len()).sum();
                let per = if b.entries() > 0 {
                    bytes as f64 / b.entries() as f64
                } else {
                    0.0
                };
                let state = if b.is_retired() { "retired" } else { "active" };
                println!(
                    "{:<24} {:>8} {:>12} {:>9} {:>14} {:>7.2}",
                    b.name(),
                    state,
                    b.entries(),
                    b.segments().len(),
                    bytes,
                    per
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
