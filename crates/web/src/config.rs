//! The server's one typed configuration. The binary fills it from flags and
//! environment variables (one source: each flag has exactly one variable);
//! [`ServerConfig::validate`] runs once at start, so a bad setting stops the
//! server with a message instead of surprising a user later.

use std::net::SocketAddr;
use std::time::Duration;

use lekradar_normalize::Region;
use lekradar_service::{DeploymentMode, Rates, ServiceConfig};
use lekradar_store::Rate;

/// Everything the server needs to know, validated.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub mode: DeploymentMode,
    /// Region for phone numbers typed without a country code, unless the
    /// person chooses another on the form.
    pub default_region: Region,
    /// Regions offered on the check form.
    pub form_regions: Vec<Region>,
    /// Whether `breachedaccount` needs an `hibp-api-key` (HIBP requires one).
    pub require_api_key: bool,
    pub rates: Rates,
    /// How often the index directory is checked for a newly published manifest.
    pub reload_interval: Duration,
    /// A request taking longer is answered with 503.
    pub request_timeout: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// How long an API key lookup is cached (a revoked key stops working
    /// within this time).
    pub api_key_cache: Duration,
    /// HTTP worker threads, each with its own connections (default: one per core).
    pub workers: usize,
    /// Bucket prefix length of the private check (clients may ask for
    /// shorter ones, down to 12 bits).
    pub private_bucket_bits: u32,
    /// Keep the check budgets in the metadata store, so that every server
    /// sharing it draws on the same budgets (PostgreSQL); else in memory.
    pub shared_budgets: bool,
    /// Where the operator endpoints (metrics, readiness details) are served,
    /// besides to the operator token on `listen`.
    pub ops_listen: Option<SocketAddr>,
    /// The operator token that unlocks metrics and readiness details on
    /// `listen`.
    pub ops_token: Option<crate::auth::OpsToken>,
    /// Time from a connection's opening to its first request's headers.
    pub header_timeout: Duration,
    /// Time a connection may stay open with no request in flight.
    pub idle_timeout: Duration,
    /// Open connections in all.
    pub max_connections: usize,
    /// Open connections per client address (IPv6 per /64); 0: no cap.
    /// Connections from a trusted proxy are not capped per address.
    pub max_connections_per_address: usize,
    /// Proxies whose connections name the client (`crate::proxy`); none
    /// by default.
    pub trusted_proxies: crate::proxy::TrustedProxies,
}

/// A setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{setting}: {reason}")]
    Invalid {
        setting: &'static str,
        reason: String,
    },
}

fn invalid(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        setting,
        reason: reason.into(),
    }
}

impl ServerConfig {
    /// Sensible defaults for `listen`: public mode, NL, limits that let a
    /// person check a handful of identifiers a minute.
    pub fn new(listen: SocketAddr) -> ServerConfig {
        ServerConfig {
            listen,
            mode: DeploymentMode::Public,
            default_region: Region::NL,
            form_regions: vec![Region::NL, Region::BE],
            require_api_key: true,
            rates: Rates {
                per_address: Rate {
                    count: 20,
                    period_secs: 60,
                },
                per_subnet: Rate {
                    count: 200,
                    period_secs: 60,
                },
                per_site: Rate {
                    count: 400,
                    period_secs: 60,
                },
                global: Rate {
                    count: 200,
                    period_secs: 1,
                },
                reads_per_address: Rate {
                    count: 600,
                    period_secs: 60,
                },
            },
            reload_interval: Duration::from_secs(1),
            request_timeout: Duration::from_secs(10),
            max_body_bytes: 16 * 1024,
            api_key_cache: Duration::from_secs(5),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            private_bucket_bits: lekradar_private::DEFAULT_BUCKET_BITS,
            shared_budgets: false,
            ops_listen: None,
            ops_token: None,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: crate::connections::default_max_connections(),
            max_connections_per_address: 64,
            trusted_proxies: crate::proxy::TrustedProxies::default(),
        }
    }

    /// The settings of the service behind the server (the service is built
    /// from these; handlers read them back from the `Service`, never from
    /// here, so that one copy decides).
    pub fn service(&self) -> ServiceConfig {
        ServiceConfig {
            mode: self.mode,
            default_region: self.default_region,
            require_api_key: self.require_api_key,
            rates: self.rates,
            shared_budgets: self.shared_budgets,
            api_key_cache: self.api_key_cache,
            private_bucket_bits: self.private_bucket_bits,
            reload_interval: self.reload_interval,
        }
    }

    /// The connection caps and timeouts of the public listener.
    pub fn connections(&self) -> crate::connections::ConnectionLimits {
        crate::connections::ConnectionLimits {
            max_total: self.max_connections,
            max_per_address: self.max_connections_per_address,
            header_timeout: self.header_timeout,
            idle_timeout: self.idle_timeout,
        }
    }

    /// Checks that the settings fit together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.form_regions.is_empty() {
            return Err(invalid("form-regions", "give at least one region, e.g. NL"));
        }
        if !self.form_regions.contains(&self.default_region) {
            return Err(invalid(
                "default-region",
                format!(
                    "{} is not among the form's regions ({})",
                    self.default_region,
                    self.form_regions
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if self.reload_interval < Duration::from_millis(50)
            || self.reload_interval > Duration::from_secs(3600)
        {
            return Err(invalid(
                "reload-interval",
                "must lie between 50 ms and 1 hour",
            ));
        }
        if self.request_timeout < Duration::from_millis(100) {
            return Err(invalid("request-timeout", "must be at least 100 ms"));
        }
        if !(1024..=16 * 1024 * 1024).contains(&self.max_body_bytes) {
            return Err(invalid("max-body", "must lie between 1 KiB and 16 MiB"));
        }
        if !(lekradar_private::MIN_BUCKET_BITS..=24).contains(&self.private_bucket_bits) {
            return Err(invalid(
                "private-bucket-bits",
                format!(
                    "must lie between {} and 24",
                    lekradar_private::MIN_BUCKET_BITS
                ),
            ));
        }
        if !(1..=256).contains(&self.workers) {
            return Err(invalid("workers", "must lie between 1 and 256"));
        }
        if self.header_timeout < Duration::from_millis(100)
            || self.header_timeout > Duration::from_secs(300)
        {
            return Err(invalid(
                "header-timeout",
                "must lie between 100 ms and 5 minutes",
            ));
        }
        if self.idle_timeout < self.header_timeout || self.idle_timeout > Duration::from_secs(3600)
        {
            return Err(invalid(
                "idle-timeout",
                "must lie between the header timeout and 1 hour",
            ));
        }
        if self.max_connections < 1 {
            return Err(invalid("max-connections", "must be at least 1"));
        }
        if let Some(limit) = crate::connections::descriptor_limit() {
            if self.max_connections as u64 >= limit {
                return Err(invalid(
                    "max-connections",
                    format!(
                        "{} connections need more file descriptors than the limit of {limit} (ulimit -n); lower it or raise the limit",
                        self.max_connections
                    ),
                ));
            }
        }
        if self
            .ops_listen
            .is_some_and(|ops| ops == self.listen && ops.port() != 0)
        {
            return Err(invalid(
                "ops-listen",
                "must differ from --listen: the operator endpoints need a listener of their own",
            ));
        }
        if self.api_key_cache > Duration::from_secs(300) {
            return Err(invalid(
                "api-key-cache",
                "at most 5 minutes, or revoked keys keep working too long",
            ));
        }
        Ok(())
    }

    /// The effective settings, one per line, for `lekradar serve --check`.
    pub fn describe(&self) -> String {
        let regions: Vec<&str> = self.form_regions.iter().map(|r| r.as_str()).collect();
        format!(
            "listen           {}\nmode             {}\ndefault-region   {}\nform-regions     {}\nrequire-api-key  {}\nrate-per-address {}\nrate-per-subnet  {}\nrate-per-site    {}\nrate-global      {}\nreads-per-address {}\nreload-interval  {:?}\nrequest-timeout  {:?}\nmax-body         {} bytes\napi-key-cache    {:?}\nworkers          {}\nprivate-bucket-bits {}\nshared-budgets   {}\nheader-timeout   {:?}\nidle-timeout     {:?}\nmax-connections  {}\nmax-connections-per-address {}\nops-listen       {}\nops-token        {}\ntrusted-proxy    {}\nforwarded-header {}\n",
            self.listen,
            self.mode,
            self.default_region,
            regions.join(","),
            self.require_api_key,
            self.rates.per_address,
            self.rates.per_subnet,
            self.rates.per_site,
            self.rates.global,
            self.rates.reads_per_address,
            self.reload_interval,
            self.request_timeout,
            self.max_body_bytes,
            self.api_key_cache,
            self.workers,
            self.private_bucket_bits,
            self.shared_budgets,
            self.header_timeout,
            self.idle_timeout,
            self.max_connections,
            self.max_connections_per_address,
            self.ops_listen
                .map_or_else(|| "none".to_owned(), |a| a.to_string()),
            if self.ops_token.is_some() { "set" } else { "none" },
            if self.trusted_proxies.is_empty() {
                "none".to_owned()
            } else {
                self.trusted_proxies
                    .networks()
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            },
            self.trusted_proxies.header().as_str(),
        )
    }
}
