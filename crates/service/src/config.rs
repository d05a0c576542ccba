//! What the service needs to know of the deployment: its mode, the default
//! region, the API-key rule, the check budgets.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use lekradar_normalize::Region;
use lekradar_store::Rate;

/// How results reach people (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeploymentMode {
    /// Results on screen, HIBP-style; sensitive breaches are never shown.
    Public,
    /// The page shows the same message whatever the outcome; the answer goes
    /// only to the verified email address (the mailer). Only callers with an
    /// API key get answers on screen.
    OwnerOnly,
    /// Only the private check: the server never evaluates an identifier it
    /// can read (no direct checks through the pages or the APIs).
    Private,
}

impl DeploymentMode {
    pub const ALL: [DeploymentMode; 3] = [
        DeploymentMode::Public,
        DeploymentMode::OwnerOnly,
        DeploymentMode::Private,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            DeploymentMode::Public => "public",
            DeploymentMode::OwnerOnly => "owner-only",
            DeploymentMode::Private => "private",
        }
    }
}

impl fmt::Display for DeploymentMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode name that is not one of `public`, `owner-only`, `private`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not one of public, owner-only, private")]
pub struct UnknownMode(pub String);

impl FromStr for DeploymentMode {
    type Err = UnknownMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "public" => Ok(DeploymentMode::Public),
            "owner-only" | "owner_only" | "owneronly" => Ok(DeploymentMode::OwnerOnly),
            "private" => Ok(DeploymentMode::Private),
            _ => Err(UnknownMode(s.to_owned())),
        }
    }
}

/// The budgets every identifier check draws on (each check costs one
/// evaluation of the keyed PRF), and the catalogue reads' budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Per client address (IPv6 addresses count per /64), for checks made
    /// without an API key.
    pub per_address: Rate,
    /// Per IPv4 /24 and IPv6 /56, for checks made without an API key: the
    /// addresses of one network share it.
    pub per_subnet: Rate,
    /// Per IPv6 /48 (65 536 /64s), for checks made without an API key.
    pub per_site: Rate,
    /// All checks of the server together.
    pub global: Rate,
    /// Catalogue requests (breach lists, pages) per client address: cheap,
    /// but bounded so one client cannot monopolise the server.
    pub reads_per_address: Rate,
}

/// The service's settings (the server's configuration holds them among
/// its HTTP settings).
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub mode: DeploymentMode,
    /// Region for phone numbers written without a country code.
    pub default_region: Region,
    /// Whether the HIBP API's `breachedaccount` needs an API key in public
    /// mode (HIBP requires one).
    pub require_api_key: bool,
    pub rates: Rates,
    /// Keep the check budgets in the metadata store, shared by every server
    /// using it; else in memory.
    pub shared_budgets: bool,
    /// How long an API key lookup is cached (a revoked key stops working
    /// within this time).
    pub api_key_cache: Duration,
    /// Longest bucket prefix of the private check.
    pub private_bucket_bits: u32,
    /// How often the index is checked for a newly published manifest.
    pub reload_interval: Duration,
}
