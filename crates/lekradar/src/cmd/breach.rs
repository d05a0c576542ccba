//! `lekradar breach add|list|show|edit|retire`: breach metadata from flags or
//! a TOML file (HIBP field names), validated and published with the index.

use std::process::ExitCode;

use anyhow::Context;
use lekradar_breach::{BreachKind, BreachMetadata, NaiveDate, Utc};

use crate::data_dir::DataDir;

#[derive(Debug, clap::Subcommand)]
pub enum BreachCommand {
    /// Add a breach, from flags or from a TOML file with HIBP's field names
    Add {
        /// Name (HIBP's `Name`): letters, digits, '-', '_', '.'
        #[arg(required_unless_present = "file")]
        name: Option<String>,
        /// Read the breach from this TOML file instead of flags
        #[arg(long, value_name = "FILE", conflicts_with = "name")]
        file: Option<std::path::PathBuf>,
        #[command(flatten)]
        fields: Fields,
    },
    /// List the breaches
    List,
    /// Show one breach
    Show {
        name: String,
        /// Print JSON instead of TOML
        #[arg(long)]
        json: bool,
    },
    /// Change fields of a breach (data classes can only be added)
    Edit {
        name: String,
        #[command(flatten)]
        fields: Fields,
    },
    /// Retire a breach: it stops being found, its metadata stays
    Retire { name: String },
}

/// Metadata fields settable from the command line.
#[derive(Debug, clap::Args)]
pub struct Fields {
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    domain: Option<String>,
    /// When the breach happened (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    breach_date: Option<NaiveDate>,
    /// breach, scrape, data-broker or stealer-log
    #[arg(long)]
    kind: Option<BreachKind>,
    /// A data class (HIBP's names, e.g. "Phone numbers"); repeat for several
    #[arg(long = "data-class", value_name = "CLASS")]
    data_classes: Vec<String>,
    /// Region for phone numbers without a country code; repeat to try several in order
    #[arg(long = "region", value_name = "REGION")]
    regions: Vec<String>,
    #[arg(long)]
    description: Option<String>,
    #[arg(long, value_name = "TEXT")]
    description_nl: Option<String>,
    #[arg(long, value_name = "TEXT")]
    description_fr: Option<String>,
    #[arg(long, value_name = "TEXT")]
    description_en: Option<String>,
    #[arg(long)]
    logo_path: Option<String>,
    #[arg(long)]
    pwn_count: Option<u64>,
    #[arg(long, value_name = "BOOL")]
    verified: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    fabricated: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    sensitive: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    spam_list: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    malware: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    subscription_free: Option<bool>,
    #[arg(long, value_name = "BOOL")]
    stealer_log: Option<bool>,
}

impl Fields {
    fn apply(self, m: &mut BreachMetadata) {
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *slot = v;
            }
        }
        set(&mut m.title, self.title);
        set(&mut m.domain, self.domain);
        set(&mut m.breach_date, self.breach_date);
        set(&mut m.kind, self.kind);
        set(&mut m.description, self.description);
        set(&mut m.logo_path, self.logo_path);
        set(&mut m.pwn_count, self.pwn_count);
        set(&mut m.is_verified, self.verified);
        set(&mut m.is_fabricated, self.fabricated);
        set(&mut m.is_sensitive, self.sensitive);
        set(&mut m.is_spam_list, self.spam_list);
        set(&mut m.is_malware, self.malware);
        set(&mut m.is_subscription_free, self.subscription_free);
        set(&mut m.is_stealer_log, self.stealer_log);
        if self.description_nl.is_some() {
            m.descriptions.nl = self.description_nl;
        }
        if self.description_fr.is_some() {
            m.descriptions.fr = self.description_fr;
        }
        if self.description_en.is_some() {
            m.descriptions.en = self.description_en;
        }
        if !self.regions.is_empty() {
            m.default_regions = self
                .regions
                .iter()
                .map(|r| r.trim().to_ascii_uppercase())
                .collect();
        }
        for class in self.data_classes {
            if !m.data_classes.contains(&class) {
                m.data_classes.push(class);
            }
        }
    }
}

pub fn run(data: &DataDir, cmd: BreachCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BreachCommand::List => list(data),
        BreachCommand::Show { name, json } => {
            let snapshot = data.index_reader()?.snapshot();
            let meta = lekradar_catalogue::edit::find(&snapshot, &name)?
                .ok_or_else(|| lekradar_catalogue::edit::EditError::Unknown(name.clone()))?;
            if json {
                println!("{}", String::from_utf8_lossy(&meta.encode()));
            } else {
                print!("{}", meta.to_toml());
            }
            Ok(ExitCode::SUCCESS)
        }
        BreachCommand::Add { name, file, fields } => {
            let meta = match (file, name) {
                (Some(path), _) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    let mut meta = BreachMetadata::from_toml(&text)
                        .with_context(|| format!("in {}", path.display()))?;
                    fields.apply(&mut meta);
                    meta
                }
                (None, Some(name)) => {
                    let title = fields.title.clone().unwrap_or_else(|| name.clone());
                    let date = fields
                        .breach_date
                        .context("give --breach-date YYYY-MM-DD (when the breach happened)")?;
                    let mut meta = BreachMetadata::new(&name, &title, date);
                    fields.apply(&mut meta);
                    meta
                }
                (None, None) => anyhow::bail!("give a breach name or --file"),
            };
            data.create()?;
            let mut writer = data.index_writer()?;
            lekradar_catalogue::edit::publish(&mut writer, &meta, true)?;
            for class in meta
                .data_classes
                .iter()
                .filter(|c| !lekradar_breach::known_data_class(c))
            {
                eprintln!("note: {class:?} is not one of HIBP's usual data classes");
            }
            println!("added breach {}", meta.name);
            Ok(ExitCode::SUCCESS)
        }
        BreachCommand::Edit { name, fields } => {
            let mut writer = data.index_writer()?;
            let snapshot = writer.snapshot()?;
            let mut meta = lekradar_catalogue::edit::find(&snapshot, &name)?
                .ok_or_else(|| lekradar_catalogue::edit::EditError::Unknown(name.clone()))?;
            fields.apply(&mut meta);
            meta.modified_date = Utc::now();
            lekradar_catalogue::edit::publish(&mut writer, &meta, false)?;
            println!("updated breach {name}");
            Ok(ExitCode::SUCCESS)
        }
        BreachCommand::Retire { name } => {
            let mut writer = data.index_writer()?;
            lekradar_catalogue::edit::retire(&mut writer, &name)?;
            println!("retired breach {name}: it is no longer found by checks");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(data: &DataDir) -> anyhow::Result<ExitCode> {
    let snapshot = data.index_reader()?.snapshot();
    let breaches = lekradar_catalogue::edit::all(&snapshot)?;
    if breaches.is_empty() {
        println!("no breaches yet; add one with `lekradar breach add`");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<24} {:<11} {:<12} {:>12} {:>8}  title",
        "name", "kind", "breach date", "pwn count", "state"
    );
    for m in breaches {
        let state = if m.is_retired { "retired" } else { "active" };
        println!(
            "{:<24} {:<11} {:<12} {:>12} {:>8}  {}",
            m.name,
            m.kind.as_str(),
            m.breach_date,
            m.pwn_count,
            state,
            m.title
        );
    }
    Ok(ExitCode::SUCCESS)
}
