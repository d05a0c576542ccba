//! `lekradar demo`: a working instance with no set-up. Creates the key if
//! needed, generates three synthetic breaches shaped like the seeds' cases
//! (a messenger scrape of mobile numbers, a telecom customer file, a data
//! broker's contact list) with `lekradar-gen`, ingests them through the real
//! ingest pipeline with progress, deletes the generated dumps, and serves
//! them on 127.0.0.1 with the embedded default, printing the URL and numbers
//! and emails to try — breached and clean. No real person's data is
//! involved; the dumps never touch the data directory.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use lekradar_breach::{BreachKind, BreachMetadata, Descriptions, NaiveDate};
use lekradar_check::check;
use lekradar_gen::{DumpKind, GenOptions, Truth};
use lekradar_ingest::{ingest, IngestConfig};
use lekradar_normalize::{normalize, Region};
use lekradar_prf::ServerKey;
use lekradar_web::ServerConfig;

use crate::cmd::ingest::Progress;
use crate::cmd::lookup::print_check;
use crate::cmd::parse_memory;
use crate::cmd::serve::{runtime, DatabaseArgs};
use crate::data_dir::DataDir;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Identifiers to check (and print) once the demo breaches are ready
    #[arg(value_name = "IDENTIFIER")]
    identifiers: Vec<String>,
    /// Numbers in the synthetic scrape (the telecom file gets a tenth as
    /// many customers, the broker a twentieth as many contacts)
    #[arg(long, default_value_t = 200_000)]
    size: u64,
    /// Memory budget for building segments
    #[arg(long, default_value = "256MiB", value_parser = parse_memory)]
    memory: usize,
    /// Where to serve the demo
    #[arg(long, env = "LEKRADAR_LISTEN", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// Build the breaches and check the examples, but do not serve
    #[arg(long)]
    no_serve: bool,
    #[command(flatten)]
    database: DatabaseArgs,
}

impl Args {
    /// Whether this run ends in serving (else it only builds and checks).
    pub fn serves(&self) -> bool {
        !self.no_serve
    }
}

/// One demo breach: its metadata and the dump it is made from.
struct DemoBreach {
    meta: BreachMetadata,
    dump: GenOptions,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn demo_breaches(size: u64) -> Vec<DemoBreach> {
    let mut scrape = BreachMetadata::new(
        "DemoMessengerScrape",
        "Demo: messenger scrape of mobile numbers",
        date(2022, 11, 16),
    );
    scrape.kind = BreachKind::Scrape;
    scrape.is_fabricated = true;
    scrape.default_regions = vec!["NL".into(), "BE".into()];
    scrape.description = "Synthetic demo data: mobile numbers said to be registered with a messaging app, collected by scraping and offered for sale.".into();
    scrape.descriptions = Descriptions {
        nl: Some("Verzonnen demogegevens: mobiele nummers die bij een berichtenapp geregistreerd zouden zijn, verzameld door scraping en te koop aangeboden.".into()),
        fr: Some("Données de démonstration inventées : des numéros mobiles qui seraient inscrits sur une messagerie, collectés par scraping et mis en vente.".into()),
        en: Some(scrape.description.clone()),
    };
    let mut scrape_dump = GenOptions::new(DumpKind::Scrape);
    scrape_dump.rows = size.max(100);
    scrape_dump.seed = 2022;

    let mut telecom = BreachMetadata::new(
        "DemoTelco2026",
        "Demo: telecom customer file",
        date(2026, 2, 12),
    );
    telecom.kind = BreachKind::Breach;
    telecom.is_fabricated = true;
    telecom.default_regions = vec!["NL".into(), "BE".into()];
    telecom.domain = "telco.example".into();
    telecom.description = "Synthetic demo data: a telecom's customer-contact system with names, addresses, phone numbers, email addresses, IBANs, dates of birth and, for some customers, ID-document numbers.".into();
    telecom.descriptions = Descriptions {
        nl: Some("Verzonnen demogegevens: het klantcontactsysteem van een telecomprovider met namen, adressen, telefoonnummers, e-mailadressen, IBAN's, geboortedatums en bij een deel van de klanten nummers van identiteitsbewijzen.".into()),
        fr: Some("Données de démonstration inventées : le système de contact client d'un opérateur télécom avec noms, adresses, numéros, adresses e-mail, IBAN, dates de naissance et, pour une partie des clients, des numéros de pièces d'identité.".into()),
        en: Some(telecom.description.clone()),
    };
    let mut telecom_dump = GenOptions::new(DumpKind::Telecom);
    telecom_dump.rows = (size / 10).max(100);
    telecom_dump.seed = 2026;

    let mut broker = BreachMetadata::new(
        "DemoDataBroker",
        "Demo: data broker's contact list",
        date(2024, 6, 3),
    );
    broker.kind = BreachKind::DataBroker;
    broker.is_fabricated = true;
    broker.default_regions = vec!["BE".into(), "NL".into()];
    broker.description = "Synthetic demo data: business contacts (name, company, job title, work email, mobile number) sold by a data broker.".into();
    broker.descriptions = Descriptions {
        nl: Some("Verzonnen demogegevens: zakelijke contacten (naam, bedrijf, functie, werkmail, gsm-nummer) verkocht door een databroker.".into()),
        fr: Some("Données de démonstration inventées : des contacts professionnels (nom, entreprise, fonction, e-mail professionnel, GSM) vendus par un courtier en données.".into()),
        en: Some(broker.description.clone()),
    };
    let mut broker_dump = GenOptions::new(DumpKind::Broker);
    broker_dump.rows = (size / 20).max(100);
    broker_dump.seed = 2024;
    broker_dump.regions = vec!["BE:60".into(), "NL:40".into()];

    vec![
        DemoBreach {
            meta: scrape,
            dump: scrape_dump,
        },
        DemoBreach {
            meta: telecom,
            dump: telecom_dump,
        },
        DemoBreach {
            meta: broker,
            dump: broker_dump,
        },
    ]
}

/// Generates `b`'s dump in `dir` and returns its path and truth.
fn generate(dir: &Path, b: &DemoBreach) -> anyhow::Result<(std::path::PathBuf, Truth)> {
    let path = dir.join(format!("{}.dump", b.meta.name));
    let mut opts = b.dump.clone();
    opts.overwrite = true;
    let truth = lekradar_gen::generate(&opts, &path)
        .with_context(|| format!("generating the {} dump", b.meta.name))?;
    // The truth file holds identifiers: read it into memory and remove it.
    let _ = std::fs::remove_file(lekradar_gen::truth_path(&path));
    Ok((path, truth))
}

/// Examples to try: for each breach a person found in it (the telecom one
/// with an ID document), then identifiers found nowhere.
fn examples(
    breaches: &[(DemoBreach, Truth)],
    snapshot: &lekradar_index::Snapshot,
    key: &ServerKey,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (b, truth) in breaches {
        // A Dutch person (Belgian for the broker), with an IBAN and an ID
        // document in the telecom file: the records the advice differs for.
        let (prefix, wanted): (&str, &[&str]) = match b.meta.kind {
            BreachKind::Breach => ("+31", &["Government issued IDs", "Bank account numbers"]),
            BreachKind::DataBroker => ("+32", &[]),
            _ => ("+31", &[]),
        };
        let row = truth.rows.iter().find(|r| {
            !r.duplicate
                && r.phones.first().is_some_and(|p| p.starts_with(prefix))
                && wanted.iter().all(|c| r.classes.iter().any(|x| x == c))
        });
        if let Some(row) = row {
            out.push((row.phones[0].clone(), format!("in {}", b.meta.title)));
            if let Some(email) = row.emails.first() {
                out.push((email.clone(), format!("in {}", b.meta.title)));
            }
        }
    }
    // Clean ones: the first candidates that no breach holds.
    let clean_phone = (0..1000u64)
        .map(|i| format!("06-2{:07}", 1_234_567 + i * 7_919))
        .find(|c| found_nowhere(c, snapshot, key));
    if let Some(p) = clean_phone {
        out.push((p, "in no breach".into()));
    }
    out.push(("niemand@voorbeeld.example".into(), "in no breach".into()));
    out
}

fn found_nowhere(raw: &str, snapshot: &lekradar_index::Snapshot, key: &ServerKey) -> bool {
    normalize(raw, Region::NL)
        .ok()
        .and_then(|id| check(snapshot, key, &id).ok())
        .is_some_and(|hits| hits.is_empty())
}

pub fn run(data: &DataDir, args: Args) -> anyhow::Result<ExitCode> {
    data.create()
        .with_context(|| format!("cannot create data directory {}", data.root().display()))?;
    let key_path = data.key_file();
    let key = if key_path.exists() {
        ServerKey::load(&key_path)?
    } else {
        let key = ServerKey::create_file(&key_path)?;
        eprintln!(
            "created server key {} in {}",
            key.key_id(),
            key_path.display()
        );
        key
    };

    let work = tempfile::Builder::new()
        .prefix("lekradar-demo-")
        .tempdir()
        .context("cannot create a temporary directory for the demo dumps")?;
    let mut built = Vec::new();
    {
        let mut writer = data.index_writer()?;
        for b in demo_breaches(args.size) {
            let exists = writer.manifest().breach(&b.meta.name).is_some();
            let (path, truth) = generate(work.path(), &b)?;
            if !exists {
                eprintln!(
                    "demo: {} — {} rows generated, ingesting ...",
                    b.meta.name, truth.totals.rows_written
                );
                lekradar_catalogue::edit::publish(&mut writer, &b.meta, true)?;
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                let progress = Progress::new(size);
                let report = ingest(
                    &mut writer,
                    &key,
                    &b.meta.name,
                    std::slice::from_ref(&path),
                    &IngestConfig {
                        memory: args.memory,
                        ..IngestConfig::default()
                    },
                    &|p, done, len, rows| progress.update(p, done, len, rows),
                )?;
                progress.finish();
                eprintln!(
                    "demo: {} — {} identifiers published",
                    b.meta.name, report.new_identifiers
                );
            }
            // The dump is plaintext: it never outlives this step.
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove the demo dump {}", path.display()))?;
            built.push((b, truth));
        }
    }
    drop(work);

    let reader = data.index_reader()?;
    let snapshot = reader.snapshot();
    let examples = examples(&built, &snapshot, &key);
    for raw in &args.identifiers {
        print_check(&snapshot, &key, raw, Region::NL)?;
    }
    if args.no_serve {
        for (id, note) in &examples {
            println!("try {id:<32} ({note})");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let breach_count = snapshot.breaches().len();
    let banner = Box::new(move |addr: std::net::SocketAddr| {
        let url = format!("http://{addr}");
        let mut banner = format!(
            "\nLekradar demo: {breach_count} breaches served at {url}/ (Ctrl-C stops it)\n\nTry these on {url}/ :\n"
        );
        for (id, note) in &examples {
            banner.push_str(&format!("  {id:<32} {note}\n"));
        }
        banner.push_str(&format!(
            "\nBreach pages: {url}/breaches   API: {url}/api/openapi.json\nHIBP API v3: {url}/api/v3/breaches (for breachedaccount, make a key: lekradar apikey create NAME)\n"
        ));
        banner
    });
    let database_url = args.database.url(data)?;
    lekradar_web::raise_descriptor_limit();
    let config = ServerConfig::new(args.listen);
    config.validate()?;
    runtime()?.block_on(crate::cmd::serve::serve(
        data,
        config,
        crate::cmd::serve::BudgetsAt::Auto,
        &database_url,
        &crate::cmd::messaging::MessagingArgs::default(),
        Some(banner),
    ))?;
    Ok(ExitCode::SUCCESS)
}
