//! Webhooks as the Standard Webhooks specification says
//! (<https://www.standardwebhooks.com/>): each delivery is a `POST` of a
//! JSON body with `webhook-id` (the same on every retry, for the receiver's
//! idempotency), `webhook-timestamp` (the attempt's Unix seconds) and
//! `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
//! one per valid secret, space-separated, so a rotation overlaps), signed
//! by the `standardwebhooks` crate.
//!
//! - **Retries on the specification's schedule** (5 s, 5 min, 30 min, 2 h,
//!   5 h, 10 h, 10 h: [`WebhookConfig::schedule`]), as outbox jobs of kind
//!   [`KIND`]: a timeout, a refused connection or any answer but 2xx is
//!   tried again; `410 Gone` disables the endpoint and stops.
//! - **No requests into the operator's network**: an endpoint's URL must
//!   be `https` and its host must resolve to public addresses only, checked
//!   when it is added ([`check_url`]) and again on every delivery (the
//!   client's resolver drops non-public addresses, so a name re-pointed at
//!   `127.0.0.1` gets nothing), no redirects followed — unless the operator
//!   allows private targets ([`WebhookConfig::allow_private`], which also
//!   allows `http`).
//! - Secrets (`whsec_` + base64 of 32 random bytes) are kept sealed with the
//!   contact key ([`Secrets`]); bodies hold no personal data (an event, a
//!   breach, counts: details are fetched through the API).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use lekradar_jobs::{JobError, Runner};
use lekradar_store::jobs::now_us;
use lekradar_store::{Conn, NewJob, Store, StoreError};
use rand::RngCore;
use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::contact::ContactKey;

/// The job kind of a delivery.
pub const KIND: &str = "outbox.webhook";
/// What a secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";
/// How long a secret rotated out still signs (so a receiver can switch).
pub const ROTATION_OVERLAP: Duration = Duration::from_secs(24 * 3600);
/// The longest URL taken.
pub const MAX_URL_LEN: usize = 2000;
const SEAL_PURPOSE: &[u8] = b"org-webhook-secrets";

/// How deliveries go.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// How long one attempt may take.
    pub timeout: Duration,
    /// The delays before the second, third, … attempt; after the last one
    /// the delivery is dead (visible in `lekradar outbox list`).
    pub schedule: Vec<Duration>,
    /// Endpoints on loopback, private and other non-public addresses, and
    /// plain `http`, are allowed (a deployment inside one network; tests).
    pub allow_private: bool,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        let s = Duration::from_secs;
        WebhookConfig {
            timeout: s(15),
            schedule: vec![
                s(5),
                s(300),
                s(1800),
                s(7200),
                s(18_000),
                s(36_000),
                s(36_000),
            ],
            allow_private: false,
        }
    }
}

impl WebhookConfig {
    /// Attempts of one delivery.
    pub fn attempts(&self) -> u32 {
        u32::try_from(self.schedule.len()).unwrap_or(u32::MAX - 1) + 1
    }
}

/// Why a URL is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefused {
    #[error("this is not a URL")]
    NotAUrl,
    #[error("the URL must start with https://")]
    NotHttps,
    #[error("the URL must not hold a user name or password")]
    Credentials,
    #[error("the host name cannot be resolved")]
    Unresolvable,
    /// Loopback, a private range, link-local, …
    #[error("the URL points into a private network")]
    Private,
}

/// Whether `ip` is an address on the public Internet (not loopback, a
/// private or shared range, link-local, multicast, documentation,
/// benchmarking, reserved, or an IPv6 form of one of those).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64
                || (s[0] == 0x2002) // 6to4
                || v6 == Ipv6Addr::from([0u8; 16]))
        }
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240)
}

/// Parses and checks an endpoint's URL: `https` (or `http` where private
/// targets are allowed), no credentials, a host that resolves to public
/// addresses only.
pub async fn check_url(text: &str, allow_private: bool) -> Result<Url, UrlRefused> {
    let text = text.trim();
    if text.len() > MAX_URL_LEN {
        return Err(UrlRefused::NotAUrl);
    }
    let url = Url::parse(text).map_err(|_| UrlRefused::NotAUrl)?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Err(UrlRefused::NotHttps),
        _ => return Err(UrlRefused::NotAUrl),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlRefused::Credentials);
    }
    let host = url.host_str().ok_or(UrlRefused::NotAUrl)?;
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|_| UrlRefused::Unresolvable)?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(UrlRefused::Unresolvable);
    }
    if !allow_private && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(UrlRefused::Private);
    }
    Ok(url)
}

/// A fresh secret, `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// An endpoint's signing secrets: the current one first, then the ones
/// rotated out with the time they stop signing.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Secrets(Vec<(String, Option<i64>)>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("count", &self.0.len())
            .finish_non_exhaustive()
    }
}

impl Secrets {
    /// One secret.
    pub fn new(secret: String) -> Secrets {
        Secrets(vec![(secret, None)])
    }

    /// Makes `secret` the current one; the previous current one signs until
    /// `now_us + overlap`, older ones past their end are dropped.
    pub fn rotate(&mut self, secret: String, now_us: i64, overlap: Duration) {
        let until = now_us.saturating_add(i64::try_from(overlap.as_micros()).unwrap_or(i64::MAX));
        self.0.retain(|(_, end)| end.is_none_or(|e| e > now_us));
        for (_, end) in &mut self.0 {
            if end.is_none() {
                *end = Some(until);
            }
        }
        self.0.insert(0, (secret, None));
    }

    /// The secrets that sign at `now_us`.
    pub fn valid(&self, now_us: i64) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(_, end)| end.is_none_or(|e| e > now_us))
            .map(|(s, _)| s.as_str())
    }

    /// How many sign at `now_us`.
    pub fn count_valid(&self, now_us: i64) -> usize {
        self.valid(now_us).count()
    }

    pub fn seal(&self, key: &ContactKey) -> Vec<u8> {
        let json = zeroize::Zeroizing::new(serde_json::to_vec(self).unwrap_or_default());
        key.seal(SEAL_PURPOSE, &json)
    }

    pub fn open(key: &ContactKey, sealed: &[u8]) -> Option<Secrets> {
        let json = key.open(SEAL_PURPOSE, sealed).ok()?;
        serde_json::from_slice(&json).ok()
    }
}

/// The `webhook-signature` header of a delivery: one `v1,…` per secret.
pub fn signature(
    secrets: &Secrets,
    msg_id: &str,
    timestamp: i64,
    body: &str,
    now_us: i64,
) -> Option<String> {
    let mut out = Vec::new();
    for secret in secrets.valid(now_us) {
        let hook = standardwebhooks::Webhook::new(secret).ok()?;
        out.push(hook.sign(msg_id, timestamp, body.as_bytes()).ok()?);
    }
    (!out.is_empty()).then(|| out.join(" "))
}

/// One delivery: the same id and body on every attempt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub endpoint: i64,
    /// `msg_` and 32 hex digits.
    pub id: String,
    pub body: String,
}

/// Enqueues `delivery` on `c` (with the event that causes it); `false`
/// when it was enqueued already.
pub async fn enqueue(
    c: &mut Conn<'_>,
    delivery: &Delivery,
    attempts: u32,
) -> Result<bool, StoreError> {
    let payload = serde_json::to_vec(delivery).unwrap_or_default();
    let job = NewJob::new(KIND, payload)
        .dedup_key(format!("webhook:{}:{}", delivery.endpoint, delivery.id))
        .max_attempts(attempts);
    Ok(lekradar_store::jobs::enqueue(c, &job).await?.is_some())
}

/// Resolves names to their public addresses only (unless private targets
/// are allowed): checked on every connection, not only when the endpoint
/// was added.
struct PublicResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err("the host has no public address".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Why a sender could not be built.
#[derive(Debug, thiserror::Error)]
#[error("webhook client: {0}")]
pub struct WebhookClientError(String);

/// Delivers webhooks: the outbox's handler of [`KIND`].
#[derive(Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    config: Arc<WebhookConfig>,
    store: Store,
    key: ContactKey,
}

impl std::fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSender")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx.
    Delivered(u16),
    /// 410: the endpoint is disabled.
    Gone,
    /// Anything else: try again later.
    Failed(String),
    /// The endpoint was removed or disabled: nothing sent.
    Dropped,
}

impl WebhookSender {
    pub fn new(
        config: WebhookConfig,
        store: Store,
        key: ContactKey,
    ) -> Result<WebhookSender, WebhookClientError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Lekradar-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(PublicResolver {
                allow_private: config.allow_private,
            }))
            .build()
            .map_err(|e| WebhookClientError(e.to_string()))?;
        Ok(WebhookSender {
            client,
            config: Arc::new(config),
            store,
            key,
        })
    }

    pub fn config(&self) -> &WebhookConfig {
        &self.config
    }

    /// Registers the delivery handler on `runner`.
    pub fn register(&self, runner: &mut Runner) {
        let sender = self.clone();
        runner.handle(KIND, move |job| {
            let sender = sender.clone();
            Box::pin(async move {
                let delivery: Delivery = serde_json::from_slice(&job.payload)
                    .map_err(|_| JobError::Permanent("the delivery is not readable".into()))?;
                match sender.deliver(&delivery).await {
                    Ok(Outcome::Failed(why)) => {
                        let i = usize::try_from(job.attempt.saturating_sub(1)).unwrap_or(0);
                        let after = sender
                            .config
                            .schedule
                            .get(i)
                            .or(sender.config.schedule.last())
                            .copied()
                            .unwrap_or(Duration::from_secs(60));
                        Err(JobError::RetryAfter(why, after))
                    }
                    Ok(_) => Ok(()),
                    Err(e) => Err(JobError::Transient(e.to_string())),
                }
            })
        });
    }

    /// One attempt of `delivery`, its outcome recorded on the endpoint.
    pub async fn deliver(&self, delivery: &Delivery) -> Result<Outcome, StoreError> {
        let id = delivery.endpoint;
        let Some(endpoint) = self
            .store
            .run(move |c| Box::pin(async move { lekradar_store::orgs::webhook(c, id).await }))
            .await?
        else {
            return Ok(Outcome::Dropped);
        };
        if !endpoint.enabled {
            return Ok(Outcome::Dropped);
        }
        let now = now_us();
        let outcome = match self
            .attempt(&endpoint.url, &endpoint.secrets, delivery, now)
            .await
        {
            Ok(status) if (200..300).contains(&status) => Outcome::Delivered(status),
            Ok(410) => Outcome::Gone,
            Ok(status) => Outcome::Failed(format!("HTTP {status}")),
            Err(why) => Outcome::Failed(why),
        };
        let (status, disable) = match &outcome {
            Outcome::Delivered(s) => (s.to_string(), None),
            Outcome::Gone => ("410".to_owned(), Some("410 Gone")),
            Outcome::Failed(why) => (why.clone(), None),
            Outcome::Dropped => return Ok(outcome),
        };
        tracing::info!(endpoint = id, status = %status, "webhook attempt");
        self.store
            .run(move |c| {
                Box::pin(async move {
                    lekradar_store::orgs::webhook_delivered(c, id, &status, now, disable).await
                })
            })
            .await?;
        Ok(outcome)
    }

    /// POSTs the delivery; the status, or why there was none (never the
    /// URL: it may hold a token).
    async fn attempt(
        &self,
        url: &str,
        sealed: &[u8],
        delivery: &Delivery,
        now: i64,
    ) -> Result<u16, String> {
        let url = Url::parse(url).map_err(|_| "the URL is not valid".to_owned())?;
        if !self.config.allow_private {
            if let Some(ip) = url
                .host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
                .and_then(|h| h.parse::<IpAddr>().ok())
            {
                if !is_public(ip) {
                    return Err("the URL points into a private network".to_owned());
                }
            }
        }
        let secrets = Secrets::open(&self.key, sealed)
            .ok_or_else(|| "the secrets do not open with this contact key".to_owned())?;
        let timestamp = now / 1_000_000;
        let signature = signature(&secrets, &delivery.id, timestamp, &delivery.body, now)
            .ok_or_else(|| "no secret signs".to_owned())?;
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.body.clone())
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    "timeout".to_owned()
                } else if e.is_connect() {
                    "connection failed".to_owned()
                } else {
                    "request failed".to_owned()
                }
            })?;
        Ok(response.status().as_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "198.18.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "8.8.8.8", "2606:4700::1111", "193.0.6.139"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn urls_into_private_networks_are_refused_unless_allowed() {
        for url in [
            "https://127.0.0.1/hook",
            "https://[::1]:8443/hook",
            "https://10.0.0.5/x",
            "https://169.254.169.254/latest/meta-data",
            "https://localhost/x",
        ] {
            assert_eq!(
                check_url(url, false).await.unwrap_err(),
                UrlRefused::Private,
                "{url}"
            );
            assert!(check_url(url, true).await.is_ok(), "{url}");
        }
        assert_eq!(
            check_url("http://1.1.1.1/x", false).await.unwrap_err(),
            UrlRefused::NotHttps
        );
        assert_eq!(
            check_url("https://u:p@1.1.1.1/x", false).await.unwrap_err(),
            UrlRefused::Credentials
        );
        assert_eq!(
            check_url("ftp://1.1.1.1/x", true).await.unwrap_err(),
            UrlRefused::NotAUrl
        );
        assert_eq!(
            check_url("not a url", true).await.unwrap_err(),
            UrlRefused::NotAUrl
        );
        assert!(check_url("https://1.1.1.1/hook", false).await.is_ok());
    }

    #[test]
    fn rotation_keeps_the_old_secret_for_the_overlap() {
        let mut s = Secrets::new("whsec_AAAA".into());
        s.rotate("whsec_BBBB".into(), 1_000, Duration::from_micros(500));
        assert_eq!(
            s.valid(1_200).collect::<Vec<_>>(),
            ["whsec_BBBB", "whsec_AAAA"]
        );
        assert_eq!(s.valid(1_500).collect::<Vec<_>>(), ["whsec_BBBB"]);
        s.rotate("whsec_CCCC".into(), 2_000, Duration::from_micros(500));
        // The long-ended one is dropped, the one just rotated out kept.
        assert_eq!(
            s.valid(2_100).collect::<Vec<_>>(),
            ["whsec_CCCC", "whsec_BBBB"]
        );
        assert_eq!(s.0.len(), 2);
    }

    #[test]
    fn a_new_secret_is_32_bytes_of_base64() {
        let s = new_secret();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(s.strip_prefix(SECRET_PREFIX).unwrap())
            .unwrap();
        assert_eq!(raw.len(), 32);
        assert_ne!(new_secret(), s);
    }
}
