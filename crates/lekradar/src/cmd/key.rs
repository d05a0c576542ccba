//! `lekradar key init|show`: create the server's OPRF key file and show its
//! public identity. The secret itself is never printed or logged.

use std::process::ExitCode;

use anyhow::Context;
use lekradar_prf::ServerKey;

use crate::data_dir::DataDir;

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Create a new key (refuses to overwrite an existing one)
    Init,
    /// Print the key's identifier and public key
    Show,
}

pub fn run(data: &DataDir, cmd: KeyCommand) -> anyhow::Result<ExitCode> {
    let path = data.key_file();
    match cmd {
        KeyCommand::Init => {
            data.create().with_context(|| {
                format!("cannot create data directory {}", data.root().display())
            })?;
            let key = ServerKey::create_file(&path)?;
            println!("created key {} in {}", key.key_id(), path.display());
            println!("back this file up: without it the index cannot be queried or extended");
        }
        KeyCommand::Show => {
            let key = ServerKey::load(&path)?;
            println!("key id     {}", key.key_id());
            println!("public key {}", hex(&key.public_key()));
            println!("file       {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
