//! `lekradar key init|show`: create the server's OPRF key file and show its
//! public identity. The secret itself is never printed or logged.

use std::process::ExitCode;

use anyhow::Context;
use lekradar_prf::ServerKey;

use crate::data_dir::DataDir;

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Create a new key (refuses to overwrite an existing one)
    Init {
        /// voprf: every private-check answer carries a proof against the
        /// published key (the default); oprf: base mode, no proof
        #[arg(long, default_value = "voprf")]
        mode: lekradar_prf::OprfMode,
    },
    /// Print the key's identifier and public key
    Show,
}

pub fn run(data: &DataDir, cmd: KeyCommand) -> anyhow::Result<ExitCode> {
    let path = data.key_file();
    match cmd {
        KeyCommand::Init { mode } => {
            data.create().with_context(|| {
                format!("cannot create data directory {}", data.root().display())
            })?;
            let key = ServerKey::create_file_in_mode(&path, mode)?;
            println!("created {mode} key {} in {}", key.key_id(), path.display());
            println!("back this file up: without it the index cannot be queried or extended");
        }
        KeyCommand::Show => {
            let key = ServerKey::load(&path)?;
            println!("key id     {}", key.key_id());
            println!("mode       {}", key.mode());
            println!("public key {}", hex(&key.public_key()));
            println!("file       {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
