//! The `lekradar` binary: parses the command line and dispatches to the
//! library crates. No logic of its own beyond glue and user-facing output.

mod catalog;
mod cmd;
mod data_dir;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Lekradar: find out, privately, whether a phone number or email address is
/// in a known breach.
#[derive(Debug, Parser)]
#[command(name = "lekradar", version, about, long_about = None)]
struct Cli {
    /// Directory holding the index, the server key and the embedded database
    /// [default: $XDG_DATA_HOME/lekradar or ~/.local/share/lekradar]
    #[arg(long, env = "LEKRADAR_DATA_DIR", global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(flatten)]
    index: data_dir::IndexArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the canonical form of each identifier read from stdin, one per line
    Normalize(cmd::normalize::Args),
    /// Manage the server's OPRF key
    #[command(subcommand)]
    Key(cmd::key::KeyCommand),
    /// Manage breach metadata
    #[command(subcommand)]
    Breach(Box<cmd::breach::BreachCommand>),
    /// Write a synthetic breach dump (and its truth file) for tests and demos
    GenData(cmd::gen_data::Args),
    /// Load breach dumps into a breach
    Ingest(cmd::ingest::Args),
    /// Publish the shards staged by `ingest --shard I/N` into their breach, in one step
    Publish(cmd::publish::Args),
    /// Check an identifier privately against a server: it learns neither the identifier nor its hash
    Check(Box<cmd::check::Args>),
    /// Check identifiers against the index (direct check, on this machine)
    Lookup(cmd::lookup::Args),
    /// Inspect the index
    #[command(subcommand)]
    Index(cmd::index::IndexCommand),
    /// Serve the pages, the HIBP-compatible API and the native API (with the job runner)
    Serve(Box<cmd::serve::Args>),
    /// Run the background jobs without serving (every `serve` runs them too)
    Worker(Box<cmd::worker::Args>),
    /// See the job queue and retry dead jobs
    #[command(subcommand)]
    Jobs(cmd::worker::JobsCommand),
    /// See the outgoing messages (mail, SMS) and retry dead ones; lists
    /// kinds and states, never recipients
    #[command(subcommand)]
    Outbox(cmd::worker::JobsCommand),
    /// Manage API keys
    #[command(subcommand)]
    Apikey(cmd::apikey::ApiKeyCommand),
    /// Write a GDPR access or erasure request to a data broker (printed, never sent)
    Letter(cmd::letter::Args),
    /// A demo instance: synthetic breaches ingested and served on localhost
    Demo(Box<cmd::demo::Args>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serves = match &cli.command {
        Command::Serve(args) => !args.check,
        Command::Worker(_) => true,
        Command::Demo(args) => args.serves(),
        _ => false,
    };
    if !serves {
        die_quietly_on_closed_stdout();
    }
    init_logging();
    let data_dir = data_dir::resolve(cli.data_dir).with_index(cli.index);
    let result = match cli.command {
        Command::Normalize(args) => cmd::normalize::run(args),
        Command::Key(c) => cmd::key::run(&data_dir, c),
        Command::Breach(c) => cmd::breach::run(&data_dir, *c),
        Command::GenData(args) => cmd::gen_data::run(args),
        Command::Ingest(args) => cmd::ingest::run(&data_dir, args),
        Command::Publish(args) => cmd::publish::run(&data_dir, args),
        Command::Check(args) => cmd::check::run(*args),
        Command::Lookup(args) => cmd::lookup::run(&data_dir, args),
        Command::Index(c) => cmd::index::run(&data_dir, c),
        Command::Serve(args) => cmd::serve::run(&data_dir, *args),
        Command::Worker(args) => cmd::worker::run(&data_dir, *args),
        Command::Jobs(c) => cmd::worker::jobs(&data_dir, c, None),
        Command::Outbox(c) => cmd::worker::jobs(&data_dir, c, Some("outbox.")),
        Command::Apikey(c) => cmd::apikey::run(&data_dir, c),
        Command::Letter(args) => cmd::letter::run(args),
        Command::Demo(args) => cmd::demo::run(&data_dir, *args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A command whose output goes to a pipe that closes (`lekradar normalize <
/// big | head`) ends there, as `cat` would, instead of panicking in
/// `println!`: Rust ignores SIGPIPE, this restores the default. Not for the
/// server, whose sockets and database connections must see EPIPE as errors.
fn die_quietly_on_closed_stdout() {
    #[cfg(unix)]
    // SAFETY: called once at start, before any other thread exists; setting
    // a signal's disposition to SIG_DFL installs no handler code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Dependencies that would write what they parse or send (phone numbers,
/// SQL parameters, HTTP frames) to the log at their debug and trace levels:
/// held at `warn` whatever `LEKRADAR_LOG` asks for (docs/LOGGING.md).
const QUIET_DEPENDENCIES: &[&str] = &[
    "rlibphonenumber=warn",
    "tokio_postgres=warn",
    "h2=warn",
    "hyper=warn",
    "hyper_util=warn",
    "reqwest=warn",
];

/// Logs go to stderr, filtered by `LEKRADAR_LOG` (default `info`), as text
/// (colours only on a terminal) or as JSON lines with `LEKRADAR_LOG_FORMAT=json`.
fn init_logging() {
    use std::io::IsTerminal;
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("LEKRADAR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for directive in QUIET_DEPENDENCIES {
        if let Ok(d) = directive.parse() {
            filter = filter.add_directive(d);
        }
    }
    let json = std::env::var("LEKRADAR_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if json {
        builder.json().flatten_event(true).init();
    } else {
        builder.with_ansi(std::io::stderr().is_terminal()).init();
    }
}
