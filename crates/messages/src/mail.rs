//! Mail over SMTP (`lettre`, async and pooled), signed with DKIM.
//!
//! Every mail is built here from an [`OutgoingMail`] (already rendered, see
//! `templates`) and signed over From, To, Subject, Date, Message-ID and,
//! when present, both `List-Unsubscribe` headers (RFC 8058 one-click), with
//! relaxed/relaxed canonicalisation. The Message-ID is given by the caller:
//! deterministic per (recipient, event), so that a duplicate can be told.
//!
//! Errors never repeat what the server said, which may name the recipient:
//! only whether it was temporary or permanent and the SMTP code.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use std::sync::Arc;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// How mail leaves.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, or `?tls=required` for STARTTLS),
    /// `smtps://host:port` (TLS from the start); a user name may be given
    /// in the URL, its password in `password_file`.
    pub smtp_url: String,
    /// A file holding the SMTP password (the `*_FILE` convention).
    pub password_file: Option<PathBuf>,
    /// The sender, `Name <address>` or an address.
    pub from: String,
    pub dkim: Option<DkimSettings>,
    /// A PEM file of a CA to trust besides the public roots, for a TLS
    /// server with a certificate of an internal CA (STARTTLS and smtps).
    pub ca_file: Option<PathBuf>,
    /// Connections kept open to the SMTP server.
    pub pool_size: u32,
    pub timeout: Duration,
}

impl MailConfig {
    pub fn new(smtp_url: impl Into<String>, from: impl Into<String>) -> MailConfig {
        MailConfig {
            smtp_url: smtp_url.into(),
            password_file: None,
            from: from.into(),
            dkim: None,
            ca_file: None,
            pool_size: 10,
            timeout: Duration::from_secs(30),
        }
    }
}

/// The DKIM signing key and where its public half is published
/// (`SELECTOR._domainkey.DOMAIN`).
#[derive(Debug, Clone)]
pub struct DkimSettings {
    /// A PEM file: an RSA key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8
    /// `PRIVATE KEY`) or an Ed25519 key (PKCS#8, as `openssl genpkey
    /// -algorithm ed25519` writes it).
    pub key_file: PathBuf,
    pub selector: String,
    /// The signing domain; the sender's domain when not given.
    pub domain: Option<String>,
}

/// A mail setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("--smtp-url {url:?}: {reason}")]
    SmtpUrl { url: String, reason: String },
    #[error("--mail-from {0:?} is not a mail address (`Name <address>` or `address`)")]
    From(String),
    #[error("SMTP password file {path}: {source}")]
    PasswordFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("SMTP CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("DKIM key file {path}: {reason}")]
    DkimKey { path: PathBuf, reason: String },
    #[error("DKIM selector {0:?}: letters, digits, '-' and '.' only")]
    Selector(String),
}

/// A rendered mail, ready to send (or to seal into the outbox).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The local part of the Message-ID (deterministic per recipient and
    /// event); the sender's domain is added.
    pub message_id: String,
    /// The one-click unsubscribe URL, for alert mails.
    pub unsubscribe: Option<String>,
}

impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

/// Why a send failed, without personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth another try later.
    #[error("{0}")]
    Transient(String),
    /// No try can succeed.
    #[error("{0}")]
    Permanent(String),
}

/// How mails reach the SMTP server.
#[derive(Clone)]
enum Transport {
    /// Our own pool of connections with TCP_NODELAY, for `smtp://` (plain or
    /// STARTTLS): lettre 0.11's pooled transport leaves Nagle's algorithm on
    /// and writes a message's final `.` apart from its body, so every mail
    /// waits for a delayed ACK (about 40 ms; measured in `bench/alerts.sh`).
    Direct(Arc<DirectPool>),
    /// lettre's pooled transport, for `smtps://` (implicit TLS).
    Lettre(AsyncSmtpTransport<Tokio1Executor>),
}

/// A bounded pool of SMTP connections opened with TCP_NODELAY.
struct DirectPool {
    host: String,
    port: u16,
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
    idle: std::sync::Mutex<Vec<AsyncSmtpConnection>>,
    permits: tokio::sync::Semaphore,
}

impl DirectPool {
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let unreachable =
            || SendError::Transient("the SMTP server could not be reached".to_owned());
        let tcp = tokio::time::timeout(
            self.timeout,
            tokio::net::TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        .map_err(|_| SendError::Transient("the SMTP server did not answer in time".into()))?
        .map_err(|_| unreachable())?;
        tcp.set_nodelay(true).map_err(|_| unreachable())?;
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
            .await
            .map_err(|e| classify(&e))?;
        if let Some(tls) = &self.starttls {
            if !conn.can_starttls() {
                return Err(SendError::Transient(
                    "the SMTP server does not offer STARTTLS, which ?tls=required asks for".into(),
                ));
            }
            conn.starttls(tls.clone(), &self.hello)
                .await
                .map_err(|e| classify(&e))?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| classify(&e))?;
        }
        Ok(conn)
    }

    async fn send(&self, message: &Message) -> Result<(), SendError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| SendError::Transient("the mailer is shutting down".into()))?;
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        // A NOOP before reuse, as lettre's pool does: a connection the
        // server closed meanwhile is replaced.
        let mut conn = match idle {
            Some(mut c) => {
                if c.test_connected().await {
                    c
                } else {
                    c.abort().await;
                    self.connect().await?
                }
            }
            None => self.connect().await?,
        };
        match tokio::time::timeout(
            self.timeout,
            conn.send(message.envelope(), &message.formatted()),
        )
        .await
        {
            Ok(Ok(_)) => {
                self.idle
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(conn);
                Ok(())
            }
            Ok(Err(e)) => {
                conn.abort().await;
                Err(classify(&e))
            }
            Err(_) => {
                conn.abort().await;
                Err(SendError::Transient(
                    "the SMTP server did not answer in time".into(),
                ))
            }
        }
    }
}

/// The SMTP client: cheap to clone, one pool.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    domain: String,
    dkim: Option<std::sync::Arc<DkimConfig>>,
    smtp_target: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &self.smtp_target)
            .field("from", &self.from.email.to_string())
            .field("dkim", &self.dkim.is_some())
            .finish()
    }
}

/// The headers a signature covers, in this order, when the mail has them.
const SIGNED: [&str; 7] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Mailer, MailConfigError> {
        let url_err = |reason: String| MailConfigError::SmtpUrl {
            url: redact_url(&config.smtp_url),
            reason,
        };
        let parsed = reqwest::Url::parse(&config.smtp_url).map_err(|e| url_err(e.to_string()))?;
        if !matches!(parsed.scheme(), "smtp" | "smtps") {
            return Err(url_err("the scheme must be smtp or smtps".into()));
        }
        let mut credentials = None;
        if let Some(path) = &config.password_file {
            let password =
                std::fs::read_to_string(path).map_err(|source| MailConfigError::PasswordFile {
                    path: path.clone(),
                    source,
                })?;
            let user = percent_decode(parsed.username());
            credentials = Some(Credentials::new(user, password.trim_end().to_owned()));
        } else if let Some(password) = parsed.password() {
            credentials = Some(Credentials::new(
                percent_decode(parsed.username()),
                percent_decode(password),
            ));
        }
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let host = parsed
            .host_str()
            .ok_or_else(|| url_err("no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let transport = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None | Some("required")) => {
                let starttls = match tls {
                    Some(_) => {
                        Some(TlsParameters::new(host.clone()).map_err(|e| url_err(e.to_string()))?)
                    }
                    None => None,
                };
                Transport::Direct(Arc::new(DirectPool {
                    port: parsed
                        .port()
                        .unwrap_or(if starttls.is_some() { 587 } else { 25 }),
                    host,
                    starttls,
                    credentials,
                    hello: ClientId::default(),
                    timeout: config.timeout,
                    idle: std::sync::Mutex::new(Vec::new()),
                    permits: tokio::sync::Semaphore::new(config.pool_size.max(1) as usize),
                }))
            }
            ("smtp", Some(other)) => {
                return Err(url_err(format!(
                    "tls={other}: use tls=required (STARTTLS) or smtps:// (TLS from the start)"
                )))
            }
            _ => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
                    .map_err(|e| url_err(e.to_string()))?;
                if let Some(c) = credentials {
                    builder = builder.credentials(c);
                }
                if config.ca_file.is_some() {
                    builder = builder.tls(lettre::transport::smtp::client::Tls::Wrapper(
                        tls_parameters(&host, config.ca_file.as_deref())?,
                    ));
                }
                Transport::Lettre(
                    builder
                        .timeout(Some(config.timeout))
                        .pool_config(PoolConfig::new().max_size(config.pool_size.max(1)))
                        .build(),
                )
            }
        };
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|_| MailConfigError::From(config.from.clone()))?;
        let domain = from.email.domain().to_owned();
        let dkim = config
            .dkim
            .as_ref()
            .map(|d| dkim_config(d, &domain))
            .transpose()?
            .map(std::sync::Arc::new);
        Ok(Mailer {
            transport,
            smtp_target: format!(
                "{}://{}:{}",
                parsed.scheme(),
                parsed.host_str().unwrap_or(""),
                parsed.port_or_known_default().unwrap_or(25)
            ),
            from,
            domain,
            dkim,
        })
    }

    /// The sender's domain (Message-IDs end in it).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Whether mails are signed.
    pub fn signs(&self) -> bool {
        self.dkim.is_some()
    }

    /// Where mail goes, without credentials (for `serve --check`).
    pub fn target(&self) -> &str {
        &self.smtp_target
    }

    /// The full message as it is sent (signed), for tests and `--check`.
    pub fn build(&self, mail: &OutgoingMail) -> Result<Message, SendError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|_| SendError::Permanent("the recipient is not a mail address".into()))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .date_now()
            .message_id(Some(format!("<{}@{}>", mail.message_id, self.domain)));
        if let Some(url) = &mail.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let mut message = builder
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| SendError::Permanent(format!("the mail cannot be built: {e}")))?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }

    /// Sends one mail; returns when the SMTP server accepted it.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SendError> {
        let message = self.build(mail)?;
        match &self.transport {
            Transport::Direct(pool) => pool.send(&message).await,
            Transport::Lettre(t) => t.send(message).await.map(|_| ()).map_err(|e| classify(&e)),
        }
    }

    /// Opens a connection and says NOOP (for `serve --check`).
    pub async fn test_connection(&self) -> Result<(), SendError> {
        match &self.transport {
            Transport::Direct(pool) => {
                let mut conn = pool.connect().await?;
                let _ = conn.quit().await;
                Ok(())
            }
            Transport::Lettre(t) => match t.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err(SendError::Transient(
                    "the SMTP server did not answer NOOP".into(),
                )),
                Err(e) => Err(classify(&e)),
            },
        }
    }
}

/// An SMTP error as a [`SendError`] that repeats nothing the server said
/// (its text may name the recipient).
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(|c| format!(" ({c})")).unwrap_or_default();
    if e.is_permanent() {
        SendError::Permanent(format!("the SMTP server refused the mail for good{code}"))
    } else if e.is_transient() {
        SendError::Transient(format!("the SMTP server refused the mail for now{code}"))
    } else if e.is_timeout() {
        SendError::Transient("the SMTP server did not answer in time".into())
    } else if e.is_tls() {
        SendError::Transient("TLS with the SMTP server failed".into())
    } else {
        SendError::Transient("the SMTP server could not be reached or closed the connection".into())
    }
}

/// TLS for `host`: the public roots, and the CA in `ca_file` if given.
fn tls_parameters(host: &str, ca_file: Option<&Path>) -> Result<TlsParameters, MailConfigError> {
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(path) = ca_file {
        let err = |reason: String| MailConfigError::CaFile {
            path: path.to_owned(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let cert = lettre::transport::smtp::client::Certificate::from_pem(&pem)
            .map_err(|e| err(e.to_string()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| MailConfigError::SmtpUrl {
            url: host.to_owned(),
            reason: e.to_string(),
        })
}

fn dkim_config(settings: &DkimSettings, from_domain: &str) -> Result<DkimConfig, MailConfigError> {
    let selector = settings.selector.clone();
    if selector.is_empty()
        || !selector
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err(MailConfigError::Selector(selector));
    }
    let key = read_signing_key(&settings.key_file)?;
    let domain = settings
        .domain
        .clone()
        .unwrap_or_else(|| from_domain.to_owned());
    Ok(DkimConfig::new(
        selector,
        domain,
        key,
        SIGNED
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}

/// The DER prefix of a PKCS#8 Ed25519 private key (RFC 8410), before its
/// 32-byte seed.
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

fn read_signing_key(path: &Path) -> Result<DkimSigningKey, MailConfigError> {
    use base64::Engine as _;
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    let err = |reason: String| MailConfigError::DkimKey {
        path: path.to_owned(),
        reason,
    };
    let text =
        zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?);
    let text = text.trim();
    let (algorithm, key) = if text.starts_with("-----BEGIN RSA PRIVATE KEY-----") {
        (
            DkimSigningAlgorithm::Rsa,
            zeroize::Zeroizing::new(text.to_owned()),
        )
    } else if text.starts_with("-----BEGIN PRIVATE KEY-----") {
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = zeroize::Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(body.trim())
                .map_err(|_| err("the PEM body is not base64".into()))?,
        );
        if der.len() == 48 && der[..16] == ED25519_PKCS8_PREFIX {
            (
                DkimSigningAlgorithm::Ed25519,
                zeroize::Zeroizing::new(
                    base64::engine::general_purpose::STANDARD.encode(&der[16..]),
                ),
            )
        } else {
            let rsa = rsa::RsaPrivateKey::from_pkcs8_der(&der)
                .map_err(|_| err("neither an Ed25519 nor an RSA PKCS#8 key".into()))?;
            let pem = rsa
                .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
                .map_err(|e| err(e.to_string()))?;
            (
                DkimSigningAlgorithm::Rsa,
                zeroize::Zeroizing::new(pem.to_string()),
            )
        }
    } else {
        return Err(err(
            "not a PEM private key (`RSA PRIVATE KEY` or `PRIVATE KEY`)".into(),
        ));
    };
    DkimSigningKey::new(&key, algorithm).map_err(|e| err(e.to_string()))
}

/// `url` without its password.
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "(not a URL)".into(),
    }
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let (b'%', Some(&h), Some(&l)) = (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
