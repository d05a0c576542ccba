//! Looking up a domain's TXT records (`hickory-resolver`): the system's
//! resolver (`/etc/resolv.conf`) by default, or the name servers the
//! operator names (a test's `nsd` on loopback). Nothing is cached, so a
//! changed or removed record is seen at the next check.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::TokioResolver;

/// What a TXT lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxtAnswer {
    /// The records, each one's strings joined (RFC 7208 §3.3).
    Records(Vec<String>),
    /// The name does not exist, or has no TXT record: a definite answer.
    None,
}

/// Why a lookup gave no answer: worth another try later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the DNS lookup failed: {0}")]
pub struct DnsError(pub String);

/// A TXT resolver.
pub struct TxtResolver {
    resolver: TokioResolver,
}

impl std::fmt::Debug for TxtResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TxtResolver")
    }
}

impl TxtResolver {
    /// The system's resolver when `servers` is empty, else these servers
    /// (UDP, then TCP for long answers).
    pub fn new(servers: &[SocketAddr]) -> Result<TxtResolver, DnsError> {
        let mut builder = if servers.is_empty() {
            TokioResolver::builder_tokio().map_err(|e| DnsError(e.to_string()))?
        } else {
            let name_servers = servers
                .iter()
                .map(|s| {
                    let mut udp = ConnectionConfig::udp();
                    udp.port = s.port();
                    let mut tcp = ConnectionConfig::tcp();
                    tcp.port = s.port();
                    NameServerConfig::new(s.ip(), true, vec![udp, tcp])
                })
                .collect();
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(name_servers),
                TokioRuntimeProvider::default(),
            )
        };
        let options = builder.options_mut();
        options.cache_size = 0;
        options.timeout = Duration::from_secs(3);
        options.attempts = 2;
        let resolver = builder.build().map_err(|e| DnsError(e.to_string()))?;
        Ok(TxtResolver { resolver })
    }

    /// The TXT records of `domain` (ASCII, fully qualified or not).
    pub async fn txt(&self, domain: &str) -> Result<TxtAnswer, DnsError> {
        let name = format!("{}.", domain.trim_end_matches('.'));
        match self.resolver.txt_lookup(name.as_str()).await {
            Ok(lookup) => Ok(TxtAnswer::Records(
                lookup
                    .answers()
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::TXT(txt) => Some(
                            txt.txt_data
                                .iter()
                                .map(|s| String::from_utf8_lossy(s))
                                .collect::<String>(),
                        ),
                        _ => None,
                    })
                    .collect(),
            )),
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(TxtAnswer::None),
            Err(e) => Err(DnsError(e.to_string())),
        }
    }
}
