//! `lekradar worker`: the job runner without the server, for a deployment
//! that keeps background work off its serving machines (every `serve` runs
//! one too); and `lekradar jobs list|retry` for an operator to see the
//! queue and send dead jobs round again.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use lekradar_jobs::{Runner, RunnerConfig};
use lekradar_service::Service;
use lekradar_store::{JobInfo, JobState, Store};

use crate::cmd::messaging::MessagingArgs;
use crate::cmd::serve::{redact_url, DatabaseArgs};
use crate::data_dir::DataDir;
use lekradar_messages::Outbox;

/// The runner `serve` runs beside the server: the service's periodic work,
/// the store's cluster-wide jobs and, when mail or SMS is configured, the
/// outbox.
pub fn runner(
    store: &Store,
    service: &Service,
    outbox: Option<&Outbox>,
    config: RunnerConfig,
) -> Runner {
    let mut runner = Runner::new(store.clone(), config);
    service.schedule(&mut runner);
    if let Some(outbox) = outbox {
        outbox.register(&mut runner);
    }
    runner
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run the jobs due now and exit, instead of running until stopped
    #[arg(long)]
    once: bool,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    messaging: MessagingArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StateArg {
    Queued,
    Running,
    Done,
    Dead,
}

impl From<StateArg> for JobState {
    fn from(s: StateArg) -> JobState {
        match s {
            StateArg::Queued => JobState::Queued,
            StateArg::Running => JobState::Running,
            StateArg::Done => JobState::Done,
            StateArg::Dead => JobState::Dead,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum JobsCommand {
    /// List the newest jobs (kind, state, attempts, last error)
    List {
        /// Only jobs in this state
        #[arg(long, value_enum)]
        state: Option<StateArg>,
        /// How many, newest first
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Queue a dead job again, with fresh attempts
    Retry {
        id: i64,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

async fn open(data: &DataDir, database: &DatabaseArgs) -> anyhow::Result<Store> {
    let url = database.url(data)?;
    data.create()?;
    Store::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the metadata store {}: {e}", redact_url(&url)))
}

pub fn run(data: &DataDir, args: Args) -> anyhow::Result<ExitCode> {
    crate::cmd::serve::runtime()?.block_on(async {
        let store = open(data, &args.database).await?;
        let mut runner = Runner::new(store.clone(), args.messaging.runner_config());
        lekradar_service::schedule_cluster_work(&mut runner, &store);
        // Sends the outbox's messages when mail or SMS is configured here.
        let l10n = lekradar_l10n::L10n::new()?;
        if let Some(mut built) = args.messaging.build(data, &l10n)? {
            args.messaging.add_webhooks(&mut built, &store)?;
            built.outbox.register(&mut runner);
        }
        if args.once {
            let ran = runner.drain().await?;
            eprintln!("lekradar: ran {ran} job(s)");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("lekradar: worker running on store {}", store.backend());
        runner.run(lekradar_web::shutdown_signal()).await;
        eprintln!("lekradar: worker stopped");
        Ok(ExitCode::SUCCESS)
    })
}

fn time(us: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(us).map_or_else(
        || us.to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

fn describe(j: &JobInfo) -> String {
    let mut line = format!(
        "{:>6}  {:<24} {:<8} attempts {}/{}  created {}",
        j.id,
        j.kind,
        j.state,
        j.attempts,
        j.max_attempts,
        time(j.created_at_us)
    );
    match j.state {
        JobState::Queued => line.push_str(&format!("  runs at {}", time(j.run_at_us))),
        JobState::Done | JobState::Dead => {
            if let Some(at) = j.finished_at_us {
                line.push_str(&format!("  finished {}", time(at)));
            }
        }
        JobState::Running => {}
    }
    if let Some(error) = &j.last_error {
        line.push_str(&format!("  last error: {error}"));
    }
    line
}

/// `lekradar jobs` (every kind) and `lekradar outbox` (the messages: kinds
/// `outbox.*`; a message is listed by kind and state, never by recipient).
pub fn jobs(
    data: &DataDir,
    command: JobsCommand,
    kind_prefix: Option<&'static str>,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match command {
            JobsCommand::List {
                state,
                limit,
                database,
            } => {
                let store = open(data, &database).await?;
                let jobs = store
                    .jobs()
                    .list_kinds(state.map(Into::into), kind_prefix, limit)
                    .await?;
                if jobs.is_empty() {
                    println!("no jobs");
                }
                for j in &jobs {
                    println!("{}", describe(j));
                }
                Ok(ExitCode::SUCCESS)
            }
            JobsCommand::Retry { id, database } => {
                let store = open(data, &database).await?;
                if store.jobs().retry(id).await? {
                    println!("job {id} queued again");
                    Ok(ExitCode::SUCCESS)
                } else {
                    anyhow::bail!(
                        "no dead job has the id {id}; `lekradar jobs list --state dead` lists them"
                    )
                }
            }
        }
    })
}
