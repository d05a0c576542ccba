//! `lekradar serve`: the HTTP server (pages, HIBP API v3, native API,
//! operations endpoints) over the data directory's index and key, with the
//! metadata store chosen by the database URL. Every setting is a flag and an
//! environment variable (`LEKRADAR_*`); secrets may also come from a file
//! (`LEKRADAR_DATABASE_URL_FILE`). Settings are validated before anything
//! starts; `--check` prints the effective ones and exits.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use lekradar_l10n::L10n;
use lekradar_normalize::Region;
use lekradar_prf::ServerKey;
use lekradar_service::{DeploymentMode, OwnerAnswer, Rates, Service};
use lekradar_store::{Backend, Rate, Store};
use lekradar_web::{App, OpsToken, ServerConfig, TrustedProxies};

use crate::cmd::parse_memory;
use crate::data_dir::DataDir;

/// Where the metadata store is.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Metadata store: sqlite:PATH or postgres://USER@HOST/DB
    /// [default: sqlite in the data directory; also LEKRADAR_DATABASE_URL_FILE]
    #[arg(
        long,
        env = "LEKRADAR_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
}

impl DatabaseArgs {
    /// The URL from the flag, the variable, the `_FILE` variable or the default.
    pub fn url(&self, data: &DataDir) -> anyhow::Result<String> {
        let from_file = std::env::var_os("LEKRADAR_DATABASE_URL_FILE");
        match (&self.database_url, from_file) {
            (Some(_), Some(_)) => anyhow::bail!(
                "both --database-url (or LEKRADAR_DATABASE_URL) and LEKRADAR_DATABASE_URL_FILE are set; keep one"
            ),
            (Some(url), None) => Ok(url.clone()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!(
                        "cannot read LEKRADAR_DATABASE_URL_FILE {}",
                        std::path::Path::new(&path).display()
                    )
                })?;
                let url = text.trim();
                anyhow::ensure!(
                    !url.is_empty(),
                    "LEKRADAR_DATABASE_URL_FILE {} is empty",
                    std::path::Path::new(&path).display()
                );
                Ok(url.to_owned())
            }
            (None, None) => Ok(format!("sqlite:{}", data.database_file().display())),
        }
    }
}

/// Where the check budgets are kept (`--budgets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BudgetsAt {
    /// In the store when it is PostgreSQL (several servers), else in memory.
    Auto,
    /// In the metadata store, shared by every server using it.
    Store,
    /// In this process's memory.
    Memory,
}

impl BudgetsAt {
    /// Whether budgets are shared, given the store's backend name.
    pub fn shared(self, backend: Backend) -> bool {
        match self {
            BudgetsAt::Auto => backend == Backend::Postgres,
            BudgetsAt::Store => true,
            BudgetsAt::Memory => false,
        }
    }
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map(|i| s.split_at(i))
        .unwrap_or((s, "s"));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 500ms, 10s or 2min"))?;
    match unit.trim() {
        "ms" => Ok(Duration::from_millis(n)),
        "s" | "" => Ok(Duration::from_secs(n)),
        "min" | "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        "d" => Ok(Duration::from_secs(n * 24 * 3600)),
        other => Err(format!("{other:?} is not a unit: use ms, s, min, h or d")),
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0: any free port)
    #[arg(long, env = "LEKRADAR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// public: results on screen; owner-only: the same message whatever the
    /// outcome, the answer goes only to the checked email address; private:
    /// only the private check (in the browser or `lekradar check --server`)
    #[arg(long, env = "LEKRADAR_MODE", default_value = "public")]
    pub mode: DeploymentMode,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Region for phone numbers without a country code
    #[arg(long, env = "LEKRADAR_DEFAULT_REGION", default_value = "NL")]
    pub default_region: Region,
    /// Regions offered on the check form
    #[arg(
        long,
        env = "LEKRADAR_FORM_REGIONS",
        value_delimiter = ',',
        default_value = "NL,BE"
    )]
    pub form_regions: Vec<Region>,
    /// Whether the HIBP API's breachedaccount needs an hibp-api-key
    #[arg(long, env = "LEKRADAR_REQUIRE_API_KEY", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub require_api_key: bool,
    /// Checks per client address without an API key (IPv6: per /64)
    #[arg(long, env = "LEKRADAR_RATE_PER_ADDRESS", default_value = "20/min")]
    pub rate_per_address: Rate,
    /// Checks per IPv4 /24 and per IPv6 /56 without an API key (the
    /// addresses of one network share it)
    #[arg(long, env = "LEKRADAR_RATE_PER_SUBNET", default_value = "200/min")]
    pub rate_per_subnet: Rate,
    /// Checks per IPv6 /48 without an API key
    #[arg(long, env = "LEKRADAR_RATE_PER_SITE", default_value = "400/min")]
    pub rate_per_site: Rate,
    /// Checks of the whole server
    #[arg(long, env = "LEKRADAR_RATE_GLOBAL", default_value = "200/s")]
    pub rate_global: Rate,
    /// Catalogue requests (breach lists and pages) per client address
    #[arg(long, env = "LEKRADAR_READS_PER_ADDRESS", default_value = "600/min")]
    pub reads_per_address: Rate,
    /// How often to look for a newly published index
    #[arg(long, env = "LEKRADAR_RELOAD_INTERVAL", default_value = "1s", value_parser = parse_duration)]
    pub reload_interval: Duration,
    /// Longest time a request may take
    #[arg(long, env = "LEKRADAR_REQUEST_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// Largest request body
    #[arg(long, env = "LEKRADAR_MAX_BODY", default_value = "16KiB", value_parser = parse_memory)]
    pub max_body: usize,
    /// How long an API key lookup is cached (revocation takes effect within it)
    #[arg(long, env = "LEKRADAR_API_KEY_CACHE", default_value = "5s", value_parser = parse_duration)]
    pub api_key_cache: Duration,
    /// Bucket prefix length of the private check (clients may ask down to 12)
    #[arg(long, env = "LEKRADAR_PRIVATE_BUCKET_BITS", default_value_t = 16)]
    pub private_bucket_bits: u32,
    /// Where the check budgets live: `store` shares them through the metadata
    /// store with every server using it, `memory` keeps them per process,
    /// `auto` shares them when the store is PostgreSQL
    #[arg(long, env = "LEKRADAR_BUDGETS", default_value = "auto")]
    pub budgets: BudgetsAt,
    /// HTTP worker threads, each serving its own connections [default: one per core]
    #[arg(long, env = "LEKRADAR_WORKERS")]
    pub workers: Option<usize>,
    /// Serve the operator endpoints (/metrics, /readyz with details, /healthz)
    /// on this address of their own, e.g. 127.0.0.1:9464 (port 0: any free port)
    #[arg(long, env = "LEKRADAR_OPS_LISTEN", value_name = "ADDR")]
    pub ops_listen: Option<SocketAddr>,
    /// A file holding the operator token: with it, /metrics and the details
    /// of /readyz are also served on --listen to `Authorization: Bearer TOKEN`
    #[arg(long, env = "LEKRADAR_OPS_TOKEN_FILE", value_name = "FILE")]
    pub ops_token_file: Option<std::path::PathBuf>,
    /// Time a new connection has to send its first request's headers
    #[arg(long, env = "LEKRADAR_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// Time a connection may stay open without a request in flight
    #[arg(long, env = "LEKRADAR_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub idle_timeout: Duration,
    /// Open connections in all [default: what the descriptor limit allows, at most 16384]
    #[arg(long, env = "LEKRADAR_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Open connections per client address (IPv6: per /64); 0 for none, as
    /// behind a load balancer
    #[arg(
        long,
        env = "LEKRADAR_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 64
    )]
    pub max_connections_per_address: usize,
    /// Load balancers or reverse proxies (addresses or networks, e.g.
    /// 10.0.0.0/8,127.0.0.1) whose connections name the client in
    /// --forwarded-header; budgets are then drawn per named client. A header
    /// from any other peer is ignored. Default: none, the peer is the client
    #[arg(long, env = "LEKRADAR_TRUSTED_PROXY", value_name = "CIDR", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// The header trusted proxies append the client address to:
    /// `x-forwarded-for` or `forwarded` (RFC 7239). Only this header is read
    #[arg(
        long,
        env = "LEKRADAR_FORWARDED_HEADER",
        default_value = "x-forwarded-for"
    )]
    pub forwarded_header: lekradar_web::ForwardedHeader,
    #[command(flatten)]
    pub messaging: crate::cmd::messaging::MessagingArgs,
    /// Validate the settings, print the effective ones and exit
    #[arg(long)]
    pub check: bool,
}

/// A network (`10.0.0.0/8`) or one address (`127.0.0.1`, `::1`).
fn parse_network(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    if let Ok(net) = text.parse::<ipnet::IpNet>() {
        return Ok(net.trunc());
    }
    text.parse::<std::net::IpAddr>()
        .map(ipnet::IpNet::from)
        .map_err(|_| format!("{text:?} is neither an address nor a network like 10.0.0.0/8"))
}

/// The operator token from `path`: its first line, at least
/// [`OpsToken::MIN_LEN`] characters, in a file only its owner reads.
fn read_ops_token(path: &std::path::Path) -> anyhow::Result<OpsToken> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the operator token file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        anyhow::ensure!(
            mode & 0o077 == 0,
            "the operator token file {} can be read by others (mode {:o}); chmod 600 it",
            path.display(),
            mode & 0o777
        );
    }
    OpsToken::new(text.lines().next().unwrap_or("")).ok_or_else(|| {
        anyhow::anyhow!(
            "the operator token in {} is shorter than {} characters; use e.g. `openssl rand -hex 32`",
            path.display(),
            OpsToken::MIN_LEN
        )
    })
}

impl Args {
    fn config(&self) -> anyhow::Result<ServerConfig> {
        // Before the defaults are computed from it.
        lekradar_web::raise_descriptor_limit();
        let mut config = ServerConfig::new(self.listen);
        config.mode = self.mode;
        config.default_region = self.default_region;
        config.form_regions = self.form_regions.clone();
        config.require_api_key = self.require_api_key;
        config.rates = Rates {
            per_address: self.rate_per_address,
            per_subnet: self.rate_per_subnet,
            per_site: self.rate_per_site,
            global: self.rate_global,
            reads_per_address: self.reads_per_address,
        };
        config.reload_interval = self.reload_interval;
        config.request_timeout = self.request_timeout;
        config.max_body_bytes = self.max_body;
        config.api_key_cache = self.api_key_cache;
        config.private_bucket_bits = self.private_bucket_bits;
        if let Some(workers) = self.workers {
            config.workers = workers;
        }
        config.ops_listen = self.ops_listen;
        if let Some(path) = &self.ops_token_file {
            config.ops_token = Some(read_ops_token(path)?);
        }
        config.header_timeout = self.header_timeout;
        config.idle_timeout = self.idle_timeout;
        if let Some(n) = self.max_connections {
            config.max_connections = n;
        }
        config.max_connections_per_address = self.max_connections_per_address;
        config.trusted_proxies =
            TrustedProxies::new(self.trusted_proxy.clone(), self.forwarded_header);
        config.validate().context("invalid setting")?;
        Ok(config)
    }
}

pub fn run(data: &DataDir, args: Args) -> anyhow::Result<ExitCode> {
    let mut config = args.config()?;
    let url = args.database.url(data)?;
    if config.mode == DeploymentMode::OwnerOnly && args.messaging.smtp_url.is_none() {
        anyhow::bail!(
            "owner-only mode sends every answer by mail, and no mail is configured: give --smtp-url, --mail-from and --public-url (see `lekradar serve --help`)"
        );
    }
    if args.check {
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        config.shared_budgets = args.budgets.shared(backend);
        print!("{}", config.describe());
        print!("{}", args.messaging.describe(data));
        println!("data-dir         {}", data.root().display());
        println!("database         {}", redact_url(&url));
        ServerKey::load(&data.key_file())?;
        println!("key              ok");
        let reader = data.index_reader()?;
        println!(
            "index            {} breaches (generation {})",
            reader.snapshot().breaches().len(),
            reader.snapshot().generation()
        );
        return Ok(ExitCode::SUCCESS);
    }
    runtime()?.block_on(serve(
        data,
        config,
        args.budgets,
        &url,
        &args.messaging,
        None,
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The runtime of the accept loop, the job runner and start-up; the
/// requests are served on `--workers` threads of their own.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_name("lekradar-serve")
        .build()
        .context("cannot start the async runtime")
}

/// A URL with its password replaced, for printing.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// What the demo prints once the server listens, given its address.
pub type Banner = Box<dyn FnOnce(SocketAddr) -> String + Send>;

/// Opens everything and serves until SIGINT/SIGTERM. `banner` is printed
/// once the server listens (the demo's examples).
pub async fn serve(
    data: &DataDir,
    mut config: ServerConfig,
    budgets: BudgetsAt,
    database_url: &str,
    messaging: &crate::cmd::messaging::MessagingArgs,
    banner: Option<Banner>,
) -> anyhow::Result<()> {
    let key = ServerKey::load(&data.key_file()).context(
        "the server needs the OPRF key of the index: `lekradar key init` (or `lekradar demo`) creates one",
    )?;
    let index = data
        .index_reader()
        .with_context(|| format!("cannot open the index in {}", data.index_location()))?;
    let store = Store::open(database_url).await.with_context(|| {
        format!(
            "cannot open the metadata store {}",
            redact_url(database_url)
        )
    })?;
    config.shared_budgets = budgets.shared(store.backend());
    let l10n = L10n::new()?;
    let runner_config = messaging.runner_config();
    let built = messaging.build(data, &l10n)?;
    if config.mode == DeploymentMode::OwnerOnly && !built.as_ref().is_some_and(|b| b.messaging.mail)
    {
        anyhow::bail!("owner-only mode sends every answer by mail, and no mail is configured: give --smtp-url, --mail-from and --public-url");
    }
    // Owner-only answers also go to this observer channel (tests read it);
    // here nobody does, and they are dropped, never shown or logged.
    let (owner_answers, mut answers) = tokio::sync::mpsc::channel::<OwnerAnswer>(1024);
    tokio::spawn(async move { while answers.recv().await.is_some() {} });
    let (outbox, messaging) = match built {
        Some(mut b) => {
            if config.mode != DeploymentMode::Private {
                b.messaging.orgs = messaging.orgs(
                    &store,
                    &b.messaging,
                    config.mode == DeploymentMode::OwnerOnly,
                )?;
                messaging.add_webhooks(&mut b, &store)?;
            }
            (Some(b.outbox), Some(b.messaging))
        }
        None => (None, None),
    };
    let listener = lekradar_web::bind(config.listen).await?;
    let addr = listener
        .local_addr()
        .context("cannot read the listening address")?;
    let operator = match config.ops_listen {
        Some(ops) => Some(lekradar_web::bind(ops).await?),
        None => None,
    };
    let operator_addr = operator
        .as_ref()
        .map(|l| l.local_addr())
        .transpose()
        .context("cannot read the operator listener's address")?;
    let breaches = index.snapshot().breaches().len();
    let mode = config.mode;
    let has_ops_token = config.ops_token.is_some();
    let service = Service::new(
        config.service(),
        index,
        key,
        store.clone(),
        owner_answers,
        messaging,
    );
    let app = App::new(config, service.clone(), l10n);
    let runner = crate::cmd::worker::runner(&store, &service, outbox.as_ref(), runner_config);
    app.register_metrics(|registry| runner.register_metrics(registry));
    eprintln!(
        "lekradar: listening on http://{addr} ({mode} mode, {breaches} breaches, store {})",
        store.backend()
    );
    match operator_addr {
        Some(ops) => {
            eprintln!("lekradar: operator endpoints on http://{ops} (/metrics, /readyz, /healthz)")
        }
        None if has_ops_token => {
            eprintln!("lekradar: operator endpoints on http://{addr} with the operator token")
        }
        None => eprintln!(
            "lekradar: no operator endpoints (/metrics): give --ops-listen or --ops-token-file"
        ),
    }
    if let Some(banner) = banner {
        println!("{}", banner(addr));
    }
    let (stop_runner, runner_stopped) = tokio::sync::oneshot::channel::<()>();
    let runner = tokio::spawn(runner.run(async {
        let _ = runner_stopped.await;
    }));
    let served =
        lekradar_web::serve_with_operator(app, listener, operator, lekradar_web::shutdown_signal())
            .await;
    let _ = stop_runner.send(());
    let _ = runner.await;
    served?;
    eprintln!("lekradar: stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_redaction() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5 weeks").is_err());
        assert_eq!(
            redact_url("postgres://lek:s3cret@db.internal/lekradar"),
            "postgres://lek:***@db.internal/lekradar"
        );
        assert_eq!(
            redact_url("postgres://lek@127.0.0.1/x"),
            "postgres://lek@127.0.0.1/x"
        );
        assert_eq!(redact_url("sqlite:/tmp/x.sqlite3"), "sqlite:/tmp/x.sqlite3");
    }

    #[test]
    fn budgets_are_shared_through_postgres_by_default() {
        assert!(BudgetsAt::Auto.shared(Backend::Postgres));
        assert!(!BudgetsAt::Auto.shared(Backend::Sqlite));
        assert!(BudgetsAt::Store.shared(Backend::Sqlite));
        assert!(!BudgetsAt::Memory.shared(Backend::Postgres));
    }
}
