//! `lekradar apikey create|list|revoke`: API keys for the HIBP-compatible
//! and native APIs, each with its own rate. A key's secret is printed once
//! at creation; the store keeps only its hash.

use std::process::ExitCode;

use lekradar_store::{ApiKeyInfo, Rate, Store};

use crate::cmd::serve::{redact_url, DatabaseArgs};
use crate::data_dir::DataDir;

#[derive(Debug, clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print its secret (shown only this once)
    Create {
        /// A name for the key: letters, digits, '.', '_', '-'
        name: String,
        /// Checks this key may make, e.g. 60/min, 10/s, 5000/day
        #[arg(long, default_value = "60/min")]
        rate: Rate,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List the keys (never their secrets)
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revoke a key by id or name; it stops working within the server's key cache time
    Revoke {
        id_or_name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn describe(k: &ApiKeyInfo) -> String {
    let state = match k.revoked_at {
        Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
        None => "active".to_owned(),
    };
    format!(
        "{:>4}  {:<24} {}…  {:>12}  created {}  {state}",
        k.id,
        k.name,
        k.prefix,
        k.rate.to_string(),
        k.created_at.format("%Y-%m-%d %H:%M"),
    )
}

pub fn run(data: &DataDir, command: ApiKeyCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let database = match &command {
            ApiKeyCommand::Create { database, .. }
            | ApiKeyCommand::List { database }
            | ApiKeyCommand::Revoke { database, .. } => database,
        };
        let url = database.url(data)?;
        data.create()?;
        let store = Store::open(&url).await.map_err(|e| {
            anyhow::anyhow!("cannot open the metadata store {}: {e}", redact_url(&url))
        })?;
        match command {
            ApiKeyCommand::Create { name, rate, .. } => {
                let key = store.api_keys().create(&name, rate).await?;
                eprintln!(
                    "created API key {} ({}), rate {}",
                    key.info.id, key.info.name, key.info.rate
                );
                eprintln!("its secret follows; it is shown only now, keep it safe:");
                println!("{}", key.secret);
            }
            ApiKeyCommand::List { .. } => {
                let keys = store.api_keys().list().await?;
                if keys.is_empty() {
                    println!("no API keys; create one with `lekradar apikey create NAME`");
                }
                for k in &keys {
                    println!("{}", describe(k));
                }
            }
            ApiKeyCommand::Revoke { id_or_name, .. } => {
                let k = store.api_keys().revoke(&id_or_name).await?;
                println!("{}", describe(&k));
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
