//! Organisations, without HTTP: the domain side of `/org` (the web crate
//! only adapts requests and cookies).
//!
//! - **People sign in by a single-use link** mailed to them (15 minutes):
//!   no password to leak. The link proves the mailbox; following it starts
//!   a session. A person is found by the contact key's HMAC of their
//!   canonical address and reached through the address sealed with the
//!   contact key (`mail.key`); a person who leaves their last organisation
//!   is deleted.
//! - **Passkeys** ([`passkeys`]) are the stronger way in: WebAuthn
//!   credentials a signed-in person adds, then signs in with, no mail
//!   needed.
//! - **Sessions** are random 256-bit tokens, kept as their SHA-256, valid
//!   for [`OrgsConfig::session_max`] and ended after
//!   [`OrgsConfig::session_idle`] without use; "sign out everywhere" ends
//!   every session of the person.
//! - **Members** are owners or viewers. Owners invite (a mailed link that
//!   signs the invitee in), change roles, remove members, manage domains,
//!   read the audit log and delete the organisation; the last owner cannot
//!   leave or be demoted.
//! - **Domains** are proved by a DNS TXT record `lekradar-verification=<token>`
//!   at the domain (found among other TXT strings) or by a link mailed to
//!   one of its role addresses ([`ROLE_ADDRESSES`]). Verified domains are
//!   re-checked periodically: a DNS proof whose record is gone, or a mailed
//!   proof older than [`OrgsConfig::mail_proof_valid`], lapses, and a lapsed
//!   domain shows no results until proved again.
//! - **Alerts** ([`alerts`]): a new breach that holds an organisation's
//!   people is told once, by a digest mail to its owners and a Standard
//!   Webhook to each of its endpoints.
//! - **The audit log** records sign-ins, sign-outs, member and domain
//!   changes; actors and subjects are addresses sealed with the contact key;
//!   entries older than [`OrgsConfig::audit_retention`] are deleted.
//!
//! Every operation on an organisation's contents takes a [`Member`], which
//! only [`Orgs::member`] makes, from a session: one organisation's session
//! cannot name another's rows.

pub mod alerts;
mod dns;
pub mod passkeys;
mod phones;
pub mod watchlist;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use lekradar_jobs::{JobError, Runner};
use lekradar_l10n::Lang;
use lekradar_messages::outbox::{self, message_id};
use lekradar_messages::{ContactKey, Content, MailKind, OutgoingMail, Templates};
use lekradar_store::jobs::now_us;
use lekradar_store::orgs::{self as db, DomainMethod, DomainRow, LinkPurpose};
use lekradar_store::{Store, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use alerts::{BreachNews, ClassNames, Told, WebhookView, MAX_WEBHOOKS};
pub use dns::{DnsError, TxtAnswer, TxtResolver};
pub use lekradar_messages::webhook::UrlRefused;
pub use lekradar_messages::WebhookConfig;
pub use lekradar_store::orgs::{DomainState, Role, WatchKind};
pub use passkeys::{Challenge, PasskeyView, MAX_PASSKEYS};
pub use watchlist::{ReadEntry, ReadError, ReadFile, Refused, RefusedReason};

use lekradar_normalize::{Identifier, IdentifierKind};

/// How long a sign-in link works.
pub const SIGN_IN_VALID_US: i64 = 15 * 60 * 1_000_000;
/// How long an invitation works.
pub const INVITATION_VALID_US: i64 = 7 * 24 * 3600 * 1_000_000;
/// How long a domain's mailed proof link works.
pub const DOMAIN_LINK_VALID_US: i64 = 24 * 3600 * 1_000_000;
/// A second link of one kind goes to one address at the earliest this long
/// after the first (mail bombing someone through the form).
pub const RESEND_AFTER_US: i64 = 60 * 1_000_000;
/// The role addresses a domain's proof may be mailed to (RFC 2142 and
/// common practice).
pub const ROLE_ADDRESSES: [&str; 5] =
    ["security", "postmaster", "hostmaster", "webmaster", "admin"];
/// What the TXT record starts with.
pub const TXT_PREFIX: &str = "lekradar-verification=";
/// The longest organisation name.
pub const MAX_NAME_LEN: usize = 100;
/// Domains per organisation.
pub const MAX_DOMAINS: usize = 50;
/// The largest watchlist file taken, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 16 << 20;
/// Audit entries a page shows.
pub const AUDIT_PAGE: i64 = 500;

/// Settings.
#[derive(Debug, Clone)]
pub struct OrgsConfig {
    /// Name servers for domain proofs; empty: the system's resolver.
    pub dns_servers: Vec<SocketAddr>,
    pub session_max: Duration,
    pub session_idle: Duration,
    pub audit_retention: Duration,
    /// How often verified domains are checked again.
    pub domain_recheck: Duration,
    /// How long a proof by mail holds.
    pub mail_proof_valid: Duration,
    /// Watchlist entries per organisation.
    pub max_entries: usize,
    /// Mobile numbers per organisation (each can be watched in any country).
    pub max_phones: usize,
    /// Webhook deliveries: which endpoints are taken, how many attempts.
    pub webhooks: WebhookConfig,
    /// The origin passkeys are for (its host is the relying party's id);
    /// `None`: the origin of [`OrgMail::public_url`].
    pub passkey_origin: Option<String>,
    /// A mobile number's results are shown only once its holder confirmed
    /// it with the code sent to it by SMS (owner-only deployments).
    pub confirm_phones: bool,
    /// Whether SMS can be sent (without it, numbers that need confirming
    /// are refused).
    pub sms: bool,
    /// The budget of an organisation's API key: (requests, per seconds).
    pub api_key_rate: (u32, u32),
}

impl Default for OrgsConfig {
    fn default() -> OrgsConfig {
        OrgsConfig {
            dns_servers: Vec::new(),
            session_max: Duration::from_secs(7 * 24 * 3600),
            session_idle: Duration::from_secs(24 * 3600),
            audit_retention: Duration::from_secs(365 * 24 * 3600),
            domain_recheck: Duration::from_secs(24 * 3600),
            mail_proof_valid: Duration::from_secs(365 * 24 * 3600),
            max_entries: 200_000,
            max_phones: 10_000,
            webhooks: WebhookConfig::default(),
            passkey_origin: None,
            confirm_phones: false,
            sms: false,
            api_key_rate: (100, 60),
        }
    }
}

/// What organisations need to write mail.
pub struct OrgMail {
    pub key: ContactKey,
    pub templates: Arc<Templates>,
    /// Where the pages are, for links (no trailing slash).
    pub public_url: String,
}

/// Why an operation was refused; adapters say it in the person's language.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("this is not an email address")]
    NotAnAddress,
    /// The link was used already, expired or never existed.
    #[error("this link cannot be used (used already, or expired)")]
    LinkUnusable,
    /// No session, or an ended one.
    #[error("not signed in")]
    NotSignedIn,
    /// No such organisation, member or domain — for this person.
    #[error("not found")]
    NotFound,
    #[error("only an owner can do this")]
    NotOwner,
    #[error("an organisation needs an owner: make someone else owner first")]
    LastOwner,
    #[error("a name of 1 to {MAX_NAME_LEN} characters, please")]
    BadName,
    #[error("not a domain name: {0}")]
    BadDomain(String),
    #[error("the organisation has this domain already")]
    DomainTaken,
    #[error("an organisation has at most {MAX_DOMAINS} domains")]
    TooManyDomains,
    #[error("not one of the role addresses")]
    NotRoleAddress,
    /// The TXT record is not there; how many other TXT records were.
    #[error("no TXT record {TXT_PREFIX}… with this domain's token ({others} other TXT records)")]
    RecordMissing { others: usize },
    /// The lookup failed: try again.
    #[error("{0}")]
    Dns(DnsError),
    /// The domain is not among the organisation's proved domains.
    #[error("the domain is not proved by this organisation")]
    DomainNotProved,
    /// A webhook URL that is not taken.
    #[error("{0}")]
    BadWebhook(UrlRefused),
    #[error("an organisation has at most {MAX_WEBHOOKS} webhooks")]
    TooManyWebhooks,
    /// Passkeys are not offered here (the pages' origin has no domain
    /// name).
    #[error("passkeys are not offered here")]
    PasskeysOff,
    /// A passkey registration or sign-in that does not verify: an unknown,
    /// used or ended ceremony, an answer that is not the challenge's, an
    /// unknown credential, a bad signature.
    #[error("the passkey was not accepted")]
    PasskeyRefused,
    #[error("a person has at most {MAX_PASSKEYS} passkeys")]
    TooManyPasskeys,
    /// A confirmation code that is not the one sent; how many tries are
    /// left (`None`: not a code at all).
    #[error("that is not the code")]
    WrongCode { left: Option<i64> },
    /// The code ended (too old, or tried too often): send a new one.
    #[error("the code has ended: send a new one")]
    CodeEnded,
    #[error("a code went to this number a moment ago")]
    CodeSentRecently,
    #[error("this cannot be done right now")]
    Unavailable,
}

impl From<StoreError> for OrgError {
    fn from(e: StoreError) -> OrgError {
        tracing::error!(error = %e, "organisations: the store failed");
        OrgError::Unavailable
    }
}

/// A signed-in person.
#[derive(Clone)]
pub struct Session {
    pub person: i64,
    /// Their address, opened.
    pub address: String,
    token_hash: Vec<u8>,
    /// Their address, sealed (the audit log's actor).
    sealed: Vec<u8>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

/// A new session's cookie value and lifetime.
pub struct NewSession {
    pub token: String,
    pub max_age: Duration,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSession(…)")
    }
}

/// What following a link did.
#[derive(Debug)]
pub enum Followed {
    /// Signed in (a sign-in link or an invitation); `org` is the public id
    /// of the organisation joined.
    SignedIn {
        session: NewSession,
        org: Option<String>,
    },
    /// A domain was proved by its role address.
    DomainVerified { domain: String, org: String },
}

/// A signed-in person's membership of one organisation: what every
/// operation on its contents takes.
#[derive(Debug, Clone)]
pub struct Member {
    pub org: i64,
    pub public_id: String,
    pub name: String,
    pub person: i64,
    pub role: Role,
    session: Session,
}

impl Member {
    fn owner(&self) -> Result<(), OrgError> {
        if self.role == Role::Owner {
            Ok(())
        } else {
            Err(OrgError::NotOwner)
        }
    }
}

/// A membership as a list shows it.
#[derive(Debug, Clone)]
pub struct OrgSummary {
    pub public_id: String,
    pub name: String,
    pub role: Role,
}

/// A member as the members list shows them.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub person: i64,
    pub address: String,
    pub role: Role,
    pub since_us: i64,
    pub you: bool,
}

/// A domain as the page shows it.
#[derive(Debug, Clone)]
pub struct DomainView {
    pub id: i64,
    /// ASCII (IDNA).
    pub domain: String,
    pub state: DomainState,
    pub method: Option<DomainMethod>,
    /// The TXT record to add.
    pub record: String,
    pub verified_at_us: Option<i64>,
    pub checked_at_us: Option<i64>,
}

impl DomainView {
    fn from_row(row: DomainRow) -> DomainView {
        DomainView {
            record: format!("{TXT_PREFIX}{}", row.token),
            id: row.id,
            domain: row.domain,
            state: row.state,
            method: row.method,
            verified_at_us: row.verified_at_us,
            checked_at_us: row.checked_at_us,
        }
    }
}

/// An audit entry as the log shows it.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub at_us: i64,
    /// `None`: the system (a periodic check).
    pub actor: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    pub detail: String,
}

/// An entry the service keyed and matched, ready to store.
pub struct KeyedEntry {
    pub entry: ReadEntry,
    pub prf_output: Vec<u8>,
    pub bucket: u32,
    /// (breach, its data classes in this person's record, joined by ", ").
    pub hits: Vec<(String, String)>,
    /// `hits` were looked up; otherwise the entry is stored awaiting its
    /// matching by a [`MATCH_WATCH_KIND`] job.
    pub matched: bool,
}

/// The job matching entries stored before they were matched (a large
/// upload), enqueued in the transaction that stores them; payload:
/// [`MatchWatch`] as JSON. The service handles it (it holds the index).
pub const MATCH_WATCH_KIND: &str = "orgs.match-watch";

/// Watchlist entries stored per transaction (and matched per job). Larger
/// chunks commit less often (2 000 made a 100 000-entry upload 10 % faster
/// here), but on SQLite's one connection they hold up every other request
/// of the server meanwhile: with 2 000, pages asked for during a large
/// upload on a busy machine outlasted a 2 s request timeout.
const STORE_CHUNK: usize = 500;

/// Which entries one [`MATCH_WATCH_KIND`] job matches.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MatchWatch {
    pub org: i64,
    pub ids: Vec<i64>,
}

impl MatchWatch {
    /// A job's payload read back.
    pub fn decode(payload: &[u8]) -> Result<MatchWatch, String> {
        serde_json::from_slice(payload).map_err(|e| format!("malformed payload: {e}"))
    }
}

/// Enqueues the matching of `org`'s stored entries `ids` in `c`'s transaction.
async fn enqueue_matching(
    c: &mut lekradar_store::Conn<'_>,
    org: i64,
    ids: Vec<i64>,
) -> Result<(), StoreError> {
    let payload = serde_json::to_vec(&MatchWatch { org, ids })
        .map_err(|e| StoreError::aborted(e.to_string()))?;
    let job = lekradar_store::jobs::NewJob::new(MATCH_WATCH_KIND, payload).max_attempts(10);
    lekradar_store::jobs::enqueue(c, &job).await?;
    Ok(())
}

/// What checking entries against the organisation's rules left.
#[derive(Debug, Default)]
pub struct Accepted {
    pub entries: Vec<ReadEntry>,
    pub refused: Vec<Refused>,
}

/// What storing entries did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WatchAdded {
    pub added: usize,
    pub updated: usize,
    /// Confirmation codes sent by SMS to new mobile numbers.
    pub codes_sent: usize,
}

/// One watched person as the report shows them.
#[derive(Debug, Clone)]
pub struct WatchView {
    pub id: i64,
    pub kind: WatchKind,
    pub identifier: String,
    pub reference: String,
    /// Whether results are shown: a phone number (confirmed by its holder
    /// where that is asked), or an address at a domain proved now (a
    /// lapsed domain shows none).
    pub shown: bool,
    /// A mobile number waiting for its holder's confirmation.
    pub awaiting_confirmation: bool,
    /// (breach, data classes of this person's record); empty when not shown.
    pub hits: Vec<(String, String)>,
}

/// An organisation as its API key names it: what every domain API call
/// takes (only [`Orgs::org_for_key`] makes one).
#[derive(Debug, Clone)]
pub struct ApiOrg {
    org: i64,
    pub public_id: String,
    pub name: String,
}

/// One proved domain as the HIBP domain API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribedDomain {
    pub domain: String,
    /// Watched addresses at the domain in a breach.
    pub breached: usize,
    /// The same, not counting spam lists.
    pub breached_excluding_spam: usize,
}

/// The watchlist in numbers.
#[derive(Debug, Clone, Default)]
pub struct WatchSummary {
    pub total: usize,
    pub exposed: usize,
    /// Entries stored but not matched yet (a large upload being matched).
    pub awaiting: usize,
    /// (breach, people shown in it, the union of their data classes).
    pub breaches: Vec<(String, usize, Vec<String>)>,
}

/// What a periodic re-check did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recheck {
    pub held: usize,
    pub lapsed: usize,
    pub failed: usize,
}

/// The organisations of a server; cheap to clone.
#[derive(Clone)]
pub struct Orgs(Arc<Inner>);

struct Inner {
    store: Store,
    mail: OrgMail,
    config: OrgsConfig,
    resolver: TxtResolver,
    /// The relying party of passkeys, when offered.
    webauthn: Option<webauthn_rs::Webauthn>,
    /// Per organisation: the watchlist version and proved domains the
    /// summary was computed for, and the summary.
    summaries: std::sync::Mutex<std::collections::HashMap<i64, CachedSummary>>,
    /// Per (organisation, domain): the watchlist version and the
    /// `breacheddomain` answer computed then.
    domain_answers: std::sync::Mutex<std::collections::HashMap<(i64, String), (i64, DomainAnswer)>>,
}

/// HIBP's `breacheddomain` answer: alias → breach names.
pub type DomainAnswer = Arc<std::collections::BTreeMap<String, Vec<String>>>;

/// A watchlist's version, the proved domains, and the summary counted then.
type CachedSummary = (i64, Vec<String>, Arc<WatchSummary>);

impl std::fmt::Debug for Orgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Orgs")
            .field("config", &self.0.config)
            .finish_non_exhaustive()
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh token and its SHA-256.
fn token() -> (String, Vec<u8>) {
    let mut t = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut t);
    let text = b64(&t);
    let hash = Sha256::digest(text.as_bytes()).to_vec();
    (text, hash)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

fn us(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// `text` as an email address: canonical form.
pub fn read_address(text: &str) -> Result<String, OrgError> {
    lekradar_normalize::normalize_email(text.trim())
        .map(|a| a.as_str().to_owned())
        .map_err(|_| OrgError::NotAnAddress)
}

/// `text` as a domain name: ASCII (IDNA), lower case, without a final dot;
/// at least two labels, not an address literal.
pub fn read_domain(text: &str) -> Result<String, OrgError> {
    let text = text.trim().trim_end_matches('.');
    if text.is_empty() {
        return Err(OrgError::BadDomain("empty".into()));
    }
    if text.contains(['@', '/', ':', ' ']) {
        return Err(OrgError::BadDomain(
            "give the domain alone, like example.org".into(),
        ));
    }
    if text.parse::<std::net::IpAddr>().is_ok() {
        return Err(OrgError::BadDomain("an IP address".into()));
    }
    let address = lekradar_normalize::normalize_email(&format!("postmaster@{text}"))
        .map_err(|e| OrgError::BadDomain(e.to_string()))?;
    let domain = address.domain().to_owned();
    if !domain.contains('.') {
        return Err(OrgError::BadDomain(
            "a domain has at least two labels".into(),
        ));
    }
    if domain
        .split('.')
        .next_back()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(OrgError::BadDomain("an IP address".into()));
    }
    Ok(domain)
}

/// Signs the person of `link` in (joining its organisation when it is an
/// invitation); the public id of the organisation joined.
async fn sign_in_tx(
    c: &mut lekradar_store::Conn<'_>,
    link: &db::Link,
    session_hash: &[u8],
    now: i64,
    expires: i64,
) -> Result<Option<String>, StoreError> {
    let person = db::person_for(c, &link.address_key, &link.address, &link.lang, now).await?;
    db::insert_session(c, session_hash, person.id, now, expires).await?;
    let mut joined = None;
    if let (LinkPurpose::Invitation, Some(org), Some(role)) = (link.purpose, link.org, link.role) {
        db::add_member(c, org, person.id, role, now).await?;
        db::audit(
            c,
            org,
            &db::AuditRow {
                at_us: now,
                actor: Some(person.address.clone()),
                action: "member.joined".into(),
                subject: None,
                detail: role.as_str().into(),
            },
        )
        .await?;
        joined = Some(org);
    }
    let memberships = audit_person(
        c,
        person.id,
        &db::AuditRow {
            at_us: now,
            actor: Some(person.address.clone()),
            action: "signed-in".into(),
            subject: None,
            detail: "link".into(),
        },
    )
    .await?;
    Ok(memberships
        .into_iter()
        .find(|m| Some(m.org) == joined)
        .map(|m| m.public_id))
}

/// Writes `entry` to the audit log of every organisation `person` belongs
/// to (what a person does as themselves: signing in or out everywhere,
/// their passkeys); those memberships.
async fn audit_person(
    c: &mut lekradar_store::Conn<'_>,
    person: i64,
    entry: &db::AuditRow,
) -> Result<Vec<db::Membership>, StoreError> {
    let memberships = db::memberships(c, person).await?;
    for m in &memberships {
        db::audit(c, m.org, entry).await?;
    }
    Ok(memberships)
}

/// Proves the domain of `link` by mail; (domain, organisation name), or
/// `None` when the domain is gone.
async fn domain_tx(
    c: &mut lekradar_store::Conn<'_>,
    link: &db::Link,
    now: i64,
) -> Result<Option<(String, String)>, StoreError> {
    let (Some(org), Some(id)) = (link.org, link.domain) else {
        return Ok(None);
    };
    let Some(row) = db::domain(c, org, id).await? else {
        return Ok(None);
    };
    db::verify_domain(c, id, DomainMethod::Mail, now).await?;
    db::audit(
        c,
        org,
        &db::AuditRow {
            at_us: now,
            actor: Some(link.address.clone()),
            action: "domain.verified".into(),
            subject: None,
            detail: format!("{} mail", row.domain),
        },
    )
    .await?;
    let name = db::org_name(c, org).await?;
    Ok(Some((row.domain, name)))
}

impl Orgs {
    /// `resolver` does domain proofs by DNS.
    pub fn new(store: Store, mail: OrgMail, config: OrgsConfig) -> Result<Orgs, DnsError> {
        let resolver = TxtResolver::new(&config.dns_servers)?;
        let origin = config
            .passkey_origin
            .clone()
            .unwrap_or_else(|| mail.public_url.clone());
        let webauthn = match passkeys::relying_party(&origin) {
            Ok(w) => Some(w),
            Err(why) => {
                tracing::warn!(reason = %why, "passkeys are not offered");
                None
            }
        };
        Ok(Orgs(Arc::new(Inner {
            store,
            mail,
            config,
            resolver,
            webauthn,
            summaries: std::sync::Mutex::new(std::collections::HashMap::new()),
            domain_answers: std::sync::Mutex::new(std::collections::HashMap::new()),
        })))
    }

    pub fn config(&self) -> &OrgsConfig {
        &self.0.config
    }

    fn address_key(&self, canonical: &str) -> Vec<u8> {
        self.0
            .mail
            .key
            .mac(b"org-person", &[canonical.as_bytes()])
            .to_vec()
    }

    fn seal(&self, canonical: &str) -> Vec<u8> {
        self.0.mail.key.seal(b"org-person", canonical.as_bytes())
    }

    fn open(&self, sealed: &[u8]) -> Option<String> {
        let opened = self.0.mail.key.open(b"org-person", sealed).ok()?;
        String::from_utf8(opened.to_vec()).ok()
    }

    fn mail(
        &self,
        kind: MailKind,
        lang: Lang,
        to: &str,
        event: &str,
        content: &Content,
    ) -> Result<OutgoingMail, OrgError> {
        let rendered = self
            .0
            .mail
            .templates
            .mail(kind, lang, content)
            .map_err(|e| {
                tracing::error!(error = %e, "a mail template failed");
                OrgError::Unavailable
            })?;
        Ok(OutgoingMail {
            to: to.to_owned(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            message_id: message_id(&self.0.mail.key, to, event),
            unsubscribe: None,
        })
    }

    /// Stores `link` and enqueues its mail in one transaction, unless a
    /// link of its kind went to the address within [`RESEND_AFTER_US`].
    async fn send_link(
        &self,
        link: db::Link,
        kind: MailKind,
        to: String,
        content: Content,
        audit: Option<(i64, db::AuditRow)>,
    ) -> Result<(), OrgError> {
        let lang = Lang::ALL
            .into_iter()
            .find(|l| l.code() == link.lang)
            .unwrap_or(Lang::En);
        let now = now_us();
        let event = format!("{}:{}", link.purpose.as_str(), b64(&link.token_hash));
        let mail = self.mail(kind, lang, &to, &event, &content)?;
        let key = self.0.mail.key.clone();
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if db::link_sent_since(
                        c,
                        &link.address_key,
                        link.purpose,
                        now - RESEND_AFTER_US,
                    )
                    .await?
                    {
                        return Ok(());
                    }
                    db::insert_link(c, &link, now).await?;
                    outbox::enqueue_mail(c, &key, &mail).await?;
                    if let Some((org, entry)) = audit {
                        db::audit(c, org, &entry).await?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(())
    }

    /// Mails a sign-in link to `address` (the same answer whether or not
    /// the address belongs to anybody: following the link signs in, or
    /// starts an account).
    pub async fn request_sign_in(&self, address: &str, lang: Lang) -> Result<(), OrgError> {
        let canonical = read_address(address)?;
        let (token, token_hash) = token();
        let link = db::Link {
            token_hash,
            purpose: LinkPurpose::SignIn,
            address_key: self.address_key(&canonical),
            address: self.seal(&canonical),
            lang: lang.code().to_owned(),
            org: None,
            role: None,
            domain: None,
            expires_at_us: now_us() + SIGN_IN_VALID_US,
        };
        let content = Content {
            link: Some(format!("{}/org/link?token={token}", self.0.mail.public_url)),
            ..Content::default()
        };
        self.send_link(link, MailKind::OrgSignIn, canonical, content, None)
            .await
    }

    /// Follows the link with `token`: once. Taking the link and what it
    /// does commit together.
    pub async fn follow(&self, token: &str) -> Result<Followed, OrgError> {
        let token_hash = hash(token);
        let now = now_us();
        let (session_token, session_hash) = self::token();
        let expires = now.saturating_add(us(self.0.config.session_max));
        let outcome = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let Some(link) = db::take_link(c, &token_hash, now).await? else {
                        return Ok(None);
                    };
                    Ok(Some(match link.purpose {
                        LinkPurpose::SignIn | LinkPurpose::Invitation => {
                            Ok(sign_in_tx(c, &link, &session_hash, now, expires).await?)
                        }
                        LinkPurpose::Domain => Err(domain_tx(c, &link, now).await?),
                    }))
                })
            })
            .await?;
        match outcome {
            None | Some(Err(None)) => Err(OrgError::LinkUnusable),
            Some(Ok(org)) => Ok(Followed::SignedIn {
                session: NewSession {
                    token: session_token,
                    max_age: self.0.config.session_max,
                },
                org,
            }),
            Some(Err(Some((domain, org)))) => Ok(Followed::DomainVerified { domain, org }),
        }
    }

    /// The session with cookie value `token`, if it is valid (and marks it
    /// used).
    pub async fn session(&self, token: &str) -> Result<Session, OrgError> {
        if token.len() != 43 {
            return Err(OrgError::NotSignedIn);
        }
        let token_hash = hash(token);
        let now = now_us();
        let idle = us(self.0.config.session_idle);
        let found = self
            .0
            .store
            .run(move |c| {
                Box::pin(async move {
                    let Some(row) = db::session(c, &token_hash).await? else {
                        return Ok(None);
                    };
                    if row.expires_at_us <= now || row.last_seen_at_us.saturating_add(idle) <= now {
                        db::delete_session(c, &token_hash).await?;
                        return Ok(None);
                    }
                    // Marked used at most once a minute.
                    if now - row.last_seen_at_us > 60_000_000 {
                        db::touch_session(c, &token_hash, now).await?;
                    }
                    let person = db::person(c, row.person).await?;
                    Ok(person.map(|p| (p, token_hash)))
                })
            })
            .await?;
        let Some((person, token_hash)) = found else {
            return Err(OrgError::NotSignedIn);
        };
        let address = self.open(&person.address).ok_or_else(|| {
            tracing::error!("a person's address does not open with the contact key");
            OrgError::Unavailable
        })?;
        Ok(Session {
            person: person.id,
            address,
            token_hash,
            sealed: person.address,
        })
    }

    /// Ends `session`.
    pub async fn sign_out(&self, session: &Session) -> Result<(), OrgError> {
        let token_hash = session.token_hash.clone();
        self.0
            .store
            .run(move |c| Box::pin(async move { db::delete_session(c, &token_hash).await }))
            .await?;
        Ok(())
    }

    /// Ends every session of `session`'s person; how many.
    pub async fn sign_out_everywhere(&self, session: &Session) -> Result<u64, OrgError> {
        let person = session.person;
        let actor = session.sealed.clone();
        let now = now_us();
        Ok(self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    audit_person(
                        c,
                        person,
                        &db::AuditRow {
                            at_us: now,
                            actor: Some(actor),
                            action: "signed-out-everywhere".into(),
                            subject: None,
                            detail: String::new(),
                        },
                    )
                    .await?;
                    db::delete_sessions_of(c, person).await
                })
            })
            .await?)
    }

    /// The organisations of `session`'s person.
    pub async fn list(&self, session: &Session) -> Result<Vec<OrgSummary>, OrgError> {
        let person = session.person;
        Ok(self
            .0
            .store
            .run(move |c| Box::pin(async move { db::memberships(c, person).await }))
            .await?
            .into_iter()
            .map(|m| OrgSummary {
                public_id: m.public_id,
                name: m.name,
                role: m.role,
            })
            .collect())
    }

    /// Creates an organisation with `session`'s person as its owner; its
    /// public id.
    pub async fn create(&self, session: &Session, name: &str) -> Result<String, OrgError> {
        let name = name.trim().to_owned();
        if name.is_empty()
            || name.chars().count() > MAX_NAME_LEN
            || name.chars().any(char::is_control)
        {
            return Err(OrgError::BadName);
        }
        let mut id = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let public_id = b64(&id);
        let person = session.person;
        let actor = session.sealed.clone();
        let now = now_us();
        let public = public_id.clone();
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let org = db::create_org(c, &public, &name, now).await?;
                    db::add_member(c, org, person, Role::Owner, now).await?;
                    db::audit(
                        c,
                        org,
                        &db::AuditRow {
                            at_us: now,
                            actor: Some(actor),
                            action: "org.created".into(),
                            subject: None,
                            detail: name,
                        },
                    )
                    .await
                })
            })
            .await?;
        Ok(public_id)
    }

    /// `session`'s membership of the organisation `public_id`; `NotFound`
    /// alike when it does not exist and when the person is no member.
    pub async fn member(&self, session: &Session, public_id: &str) -> Result<Member, OrgError> {
        let person = session.person;
        let public = public_id.to_owned();
        let m = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::membership(c, person, &public).await }))
            .await?
            .ok_or(OrgError::NotFound)?;
        Ok(Member {
            org: m.org,
            public_id: m.public_id,
            name: m.name,
            person: m.person,
            role: m.role,
            session: session.clone(),
        })
    }

    fn entry(
        &self,
        m: &Member,
        action: &str,
        subject: Option<Vec<u8>>,
        detail: &str,
    ) -> db::AuditRow {
        db::AuditRow {
            at_us: now_us(),
            actor: Some(m.session.sealed.clone()),
            action: action.to_owned(),
            subject,
            detail: detail.to_owned(),
        }
    }

    /// Writes an audit entry (a view or an export: what the caller did).
    pub async fn record(&self, m: &Member, action: &str, detail: &str) -> Result<(), OrgError> {
        let entry = self.entry(m, action, None, detail);
        let org = m.org;
        self.0
            .store
            .run(move |c| Box::pin(async move { db::audit(c, org, &entry).await }))
            .await?;
        Ok(())
    }

    pub async fn members(&self, m: &Member) -> Result<Vec<MemberView>, OrgError> {
        let org = m.org;
        let rows = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::members(c, org).await }))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| MemberView {
                address: self.open(&r.address).unwrap_or_else(|| "?".into()),
                person: r.person,
                role: r.role,
                since_us: r.since_us,
                you: r.person == m.person,
            })
            .collect())
    }

    /// Mails an invitation to `address` with `role` (owners only).
    pub async fn invite(
        &self,
        m: &Member,
        address: &str,
        role: Role,
        lang: Lang,
    ) -> Result<(), OrgError> {
        m.owner()?;
        let canonical = read_address(address)?;
        let (token, token_hash) = token();
        let sealed = self.seal(&canonical);
        let link = db::Link {
            token_hash,
            purpose: LinkPurpose::Invitation,
            address_key: self.address_key(&canonical),
            address: sealed.clone(),
            lang: lang.code().to_owned(),
            org: Some(m.org),
            role: Some(role),
            domain: None,
            expires_at_us: now_us() + INVITATION_VALID_US,
        };
        let content = Content {
            link: Some(format!("{}/org/link?token={token}", self.0.mail.public_url)),
            org: Some(m.name.clone()),
            ..Content::default()
        };
        let entry = self.entry(m, "member.invited", Some(sealed), role.as_str());
        self.send_link(
            link,
            MailKind::OrgInvite,
            canonical,
            content,
            Some((m.org, entry)),
        )
        .await
    }

    /// Gives member `person` `role` (owners only; the last owner stays).
    pub async fn set_role(&self, m: &Member, person: i64, role: Role) -> Result<(), OrgError> {
        m.owner()?;
        let org = m.org;
        let actor = m.session.sealed.clone();
        let changed = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let Some(target) = db::members(c, org)
                        .await?
                        .into_iter()
                        .find(|r| r.person == person)
                    else {
                        return Ok(Err(OrgError::NotFound));
                    };
                    if target.role == Role::Owner
                        && role != Role::Owner
                        && db::owner_count(c, org).await? <= 1
                    {
                        return Ok(Err(OrgError::LastOwner));
                    }
                    db::set_role(c, org, person, role).await?;
                    db::audit(
                        c,
                        org,
                        &db::AuditRow {
                            at_us: now_us(),
                            actor: Some(actor),
                            action: "member.role".into(),
                            subject: Some(target.address),
                            detail: role.as_str().into(),
                        },
                    )
                    .await?;
                    Ok(Ok(()))
                })
            })
            .await?;
        changed
    }

    /// Removes member `person` (owners; anyone may remove themselves: leave).
    /// A person left in no organisation is deleted.
    pub async fn remove(&self, m: &Member, person: i64) -> Result<(), OrgError> {
        if person != m.person {
            m.owner()?;
        }
        let org = m.org;
        let actor = m.session.sealed.clone();
        let leaving = person == m.person;
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let Some(target) = db::members(c, org)
                        .await?
                        .into_iter()
                        .find(|r| r.person == person)
                    else {
                        return Ok(Err(OrgError::NotFound));
                    };
                    if target.role == Role::Owner && db::owner_count(c, org).await? <= 1 {
                        return Ok(Err(OrgError::LastOwner));
                    }
                    db::remove_member(c, org, person).await?;
                    db::audit(
                        c,
                        org,
                        &db::AuditRow {
                            at_us: now_us(),
                            actor: Some(actor),
                            action: if leaving {
                                "member.left"
                            } else {
                                "member.removed"
                            }
                            .into(),
                            subject: (!leaving).then_some(target.address),
                            detail: String::new(),
                        },
                    )
                    .await?;
                    db::forget_person_if_alone(c, person).await?;
                    Ok(Ok(()))
                })
            })
            .await?
    }

    /// Deletes the organisation and everything it holds (owners only):
    /// its API keys are revoked; members left in no organisation are
    /// deleted.
    pub async fn delete(&self, m: &Member) -> Result<(), OrgError> {
        m.owner()?;
        let org = m.org;
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    for key in db::org_api_keys(c, org).await? {
                        lekradar_store::api_keys::revoke(c, &key.to_string()).await?;
                    }
                    let people: Vec<i64> = db::members(c, org)
                        .await?
                        .into_iter()
                        .map(|r| r.person)
                        .collect();
                    db::delete_org(c, org).await?;
                    for p in people {
                        db::forget_person_if_alone(c, p).await?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(())
    }

    pub async fn domains(&self, m: &Member) -> Result<Vec<DomainView>, OrgError> {
        let org = m.org;
        Ok(self
            .0
            .store
            .run(move |c| Box::pin(async move { db::domains(c, org).await }))
            .await?
            .into_iter()
            .map(DomainView::from_row)
            .collect())
    }

    /// The organisation's verified domains (what results may be shown for).
    pub async fn verified_domains(&self, m: &Member) -> Result<Vec<String>, OrgError> {
        Ok(self
            .domains(m)
            .await?
            .into_iter()
            .filter(|d| d.state == DomainState::Verified)
            .map(|d| d.domain)
            .collect())
    }

    /// Adds `domain`, pending its proof (owners only).
    pub async fn add_domain(&self, m: &Member, domain: &str) -> Result<DomainView, OrgError> {
        m.owner()?;
        let domain = read_domain(domain)?;
        let (token, _) = token();
        let org = m.org;
        let entry = self.entry(m, "domain.added", None, &domain);
        let now = now_us();
        let added = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if db::domains(c, org).await?.len() >= MAX_DOMAINS {
                        return Ok(Err(OrgError::TooManyDomains));
                    }
                    let Some(id) = db::add_domain(c, org, &domain, &token, now).await? else {
                        return Ok(Err(OrgError::DomainTaken));
                    };
                    db::audit(c, org, &entry).await?;
                    Ok(db::domain(c, org, id).await?.ok_or(OrgError::NotFound))
                })
            })
            .await??;
        Ok(DomainView::from_row(added))
    }

    async fn domain_row(&self, m: &Member, id: i64) -> Result<DomainRow, OrgError> {
        let org = m.org;
        self.0
            .store
            .run(move |c| Box::pin(async move { db::domain(c, org, id).await }))
            .await?
            .ok_or(OrgError::NotFound)
    }

    /// Whether `records` hold the proof with `token`.
    fn proves(records: &[String], token: &str) -> bool {
        let wanted = format!("{TXT_PREFIX}{token}");
        records.iter().any(|r| r.trim() == wanted)
    }

    /// Looks for domain `id`'s TXT record now (owners only) and verifies
    /// the domain when it is there.
    pub async fn check_domain(&self, m: &Member, id: i64) -> Result<DomainView, OrgError> {
        m.owner()?;
        let row = self.domain_row(m, id).await?;
        let records = match self
            .0
            .resolver
            .txt(&row.domain)
            .await
            .map_err(OrgError::Dns)?
        {
            TxtAnswer::Records(r) => r,
            TxtAnswer::None => Vec::new(),
        };
        if !Self::proves(&records, &row.token) {
            return Err(OrgError::RecordMissing {
                others: records.len(),
            });
        }
        let org = m.org;
        let entry = self.entry(m, "domain.verified", None, &format!("{} dns", row.domain));
        let now = now_us();
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    db::verify_domain(c, id, DomainMethod::Dns, now).await?;
                    db::audit(c, org, &entry).await
                })
            })
            .await?;
        let row = self.domain_row(m, id).await?;
        Ok(DomainView::from_row(row))
    }

    /// Mails the proof link for domain `id` to `local`@domain, one of
    /// [`ROLE_ADDRESSES`] (owners only).
    pub async fn mail_domain_proof(
        &self,
        m: &Member,
        id: i64,
        local: &str,
        lang: Lang,
    ) -> Result<(), OrgError> {
        m.owner()?;
        let local = local.trim().to_ascii_lowercase();
        if !ROLE_ADDRESSES.contains(&local.as_str()) {
            return Err(OrgError::NotRoleAddress);
        }
        let row = self.domain_row(m, id).await?;
        let to = format!("{local}@{}", row.domain);
        let (token, token_hash) = token();
        let link = db::Link {
            token_hash,
            purpose: LinkPurpose::Domain,
            address_key: self.address_key(&to),
            address: self.seal(&to),
            lang: lang.code().to_owned(),
            org: Some(m.org),
            role: None,
            domain: Some(id),
            expires_at_us: now_us() + DOMAIN_LINK_VALID_US,
        };
        let content = Content {
            identifier: row.domain.clone(),
            link: Some(format!("{}/org/link?token={token}", self.0.mail.public_url)),
            org: Some(m.name.clone()),
            ..Content::default()
        };
        let entry = self.entry(m, "domain.proof-mailed", Some(self.seal(&to)), &row.domain);
        self.send_link(link, MailKind::OrgDomain, to, content, Some((m.org, entry)))
            .await
    }

    /// Removes domain `id` (owners only).
    pub async fn remove_domain(&self, m: &Member, id: i64) -> Result<(), OrgError> {
        m.owner()?;
        let row = self.domain_row(m, id).await?;
        let org = m.org;
        let entry = self.entry(m, "domain.removed", None, &row.domain);
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    db::remove_domain(c, org, id).await?;
                    db::audit(c, org, &entry).await
                })
            })
            .await?;
        Ok(())
    }

    /// The newest audit entries (owners only).
    pub async fn audit_log(&self, m: &Member) -> Result<Vec<AuditView>, OrgError> {
        m.owner()?;
        let org = m.org;
        let rows = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::audit_entries(c, org, AUDIT_PAGE).await }))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditView {
                at_us: r.at_us,
                actor: r
                    .actor
                    .as_deref()
                    .map(|a| self.open(a).unwrap_or_else(|| "?".into())),
                action: r.action,
                subject: r
                    .subject
                    .as_deref()
                    .map(|a| self.open(a).unwrap_or_else(|| "?".into())),
                detail: r.detail,
            })
            .collect())
    }

    /// Checks verified domains not checked for [`OrgsConfig::domain_recheck`]:
    /// a DNS proof whose record is gone lapses, so does a mailed proof
    /// older than [`OrgsConfig::mail_proof_valid`]; a failed lookup changes
    /// nothing (checked again next time).
    pub async fn recheck_domains(&self) -> Result<Recheck, OrgError> {
        let now = now_us();
        let before = now.saturating_sub(us(self.0.config.domain_recheck));
        let rows = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::domains_to_recheck(c, before, 1000).await }))
            .await?;
        let mut report = Recheck::default();
        let mail_valid = us(self.0.config.mail_proof_valid);
        for row in rows {
            let holds = match row.method {
                Some(DomainMethod::Mail) => row
                    .verified_at_us
                    .is_some_and(|v| v.saturating_add(mail_valid) > now),
                _ => match self.0.resolver.txt(&row.domain).await {
                    Ok(TxtAnswer::Records(r)) => Self::proves(&r, &row.token),
                    Ok(TxtAnswer::None) => false,
                    Err(e) => {
                        tracing::warn!(error = %e, "a domain check failed; trying again later");
                        report.failed += 1;
                        continue;
                    }
                },
            };
            let (id, org) = (row.id, row.org);
            let detail = row.domain.clone();
            self.0
                .store
                .transaction(move |c| {
                    Box::pin(async move {
                        if holds {
                            db::domain_checked(c, id, now).await?;
                        } else if db::lapse_domain(c, id, now).await? {
                            db::audit(
                                c,
                                org,
                                &db::AuditRow {
                                    at_us: now,
                                    actor: None,
                                    action: "domain.lapsed".into(),
                                    subject: None,
                                    detail,
                                },
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
                .await?;
            if holds {
                report.held += 1;
            } else {
                report.lapsed += 1;
            }
        }
        Ok(report)
    }

    /// Deletes expired links and sessions, and audit entries past their
    /// retention.
    pub async fn purge(&self) -> Result<u64, OrgError> {
        let now = now_us();
        let idle_before = now.saturating_sub(us(self.0.config.session_idle));
        let audit_before = now.saturating_sub(us(self.0.config.audit_retention));
        Ok(self
            .0
            .store
            .run(move |c| {
                Box::pin(async move {
                    Ok(db::purge_expired(c, now, idle_before).await?
                        + db::purge_audit(c, audit_before).await?)
                })
            })
            .await?)
    }

    /// Enqueues matching again for entries stored more than `older_than`
    /// ago and still awaiting it (their job gave up after its attempts, or
    /// is far behind: a repeated job changes nothing); how many. A cluster
    /// task, so that no entry waits for ever.
    pub async fn rematch_stragglers(&self, older_than: Duration) -> Result<usize, OrgError> {
        let before = now_us().saturating_sub(us(older_than));
        Ok(self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let found = db::watch_stragglers(c, before, 20_000).await?;
                    let n = found.len();
                    let mut by_org: Vec<(i64, Vec<i64>)> = Vec::new();
                    for (org, id) in found {
                        match by_org.last_mut() {
                            Some((o, ids)) if *o == org && ids.len() < STORE_CHUNK => ids.push(id),
                            _ => by_org.push((org, vec![id])),
                        }
                    }
                    for (org, ids) in by_org {
                        enqueue_matching(c, org, ids).await?;
                    }
                    Ok(n)
                })
            })
            .await?)
    }

    /// Checks `entries` against the organisation's rules (owners only):
    /// addresses only at its proved domains, mobile numbers only, within
    /// the caps. What passes still has to be keyed by the service.
    pub async fn accept(&self, m: &Member, entries: Vec<ReadEntry>) -> Result<Accepted, OrgError> {
        m.owner()?;
        let verified = self.verified_domains(m).await?;
        let org = m.org;
        let (phones, emails) = self
            .0
            .store
            .run(move |c| {
                Box::pin(async move {
                    Ok((
                        db::watch_count(c, org, WatchKind::Phone).await?,
                        db::watch_count(c, org, WatchKind::Email).await?,
                    ))
                })
            })
            .await?;
        let mut phones = usize::try_from(phones).unwrap_or(usize::MAX);
        let mut total = phones.saturating_add(usize::try_from(emails).unwrap_or(usize::MAX));
        let mut out = Accepted::default();
        for e in entries {
            let refuse = |reason| Refused {
                line: e.line,
                reason,
            };
            let refused = match &e.identifier {
                Identifier::Email(a) if !verified.iter().any(|d| d == a.domain()) => {
                    Some(RefusedReason::DomainNotProved)
                }
                Identifier::Phone(p) if !p.is_mobile() => Some(RefusedReason::NotMobile),
                Identifier::Phone(_) if self.0.config.confirm_phones && !self.0.config.sms => {
                    Some(RefusedReason::NoSms)
                }
                Identifier::Phone(_) if phones >= self.0.config.max_phones => {
                    Some(RefusedReason::PhoneCap)
                }
                _ if total >= self.0.config.max_entries => Some(RefusedReason::EntryCap),
                _ => None,
            };
            match refused {
                Some(reason) => out.refused.push(refuse(reason)),
                None => {
                    total += 1;
                    if e.identifier.kind() == IdentifierKind::Phone {
                        phones += 1;
                    }
                    out.entries.push(e);
                }
            }
        }
        Ok(out)
    }

    /// Stores keyed entries (a second entry for one identifier replaces the
    /// reference of the first); `source` says where they came from, for the
    /// audit log.
    pub async fn store_watch(
        &self,
        m: &Member,
        keyed: Vec<KeyedEntry>,
        source: &str,
    ) -> Result<WatchAdded, OrgError> {
        m.owner()?;
        let mut done = WatchAdded::default();
        let rows: Vec<db::NewWatch> = keyed
            .into_iter()
            .map(|k| {
                let (kind, domain) = match &k.entry.identifier {
                    Identifier::Email(a) => (WatchKind::Email, Some(a.domain().to_owned())),
                    Identifier::Phone(_) => (WatchKind::Phone, None),
                };
                let plain = format!(
                    "{}\u{1f}{}",
                    k.entry.identifier.canonical(),
                    k.entry.reference
                );
                db::NewWatch {
                    kind,
                    prf_output: k.prf_output,
                    bucket: i64::from(k.bucket),
                    domain,
                    entry: self.0.mail.key.seal(b"org-watch", plain.as_bytes()),
                    hits: k.hits,
                    awaiting_match: !k.matched,
                }
            })
            .collect();
        let org = m.org;
        let now = now_us();
        let confirm = self.0.config.confirm_phones;
        let lang = if confirm {
            self.member_lang(m).await?
        } else {
            Lang::En
        };
        let mut chunks = rows
            .chunks(STORE_CHUNK)
            .map(<[db::NewWatch]>::to_vec)
            .collect::<Vec<_>>();
        for chunk in chunks.drain(..) {
            let sender = self.code_sender(m);
            let mut codes = 0;
            let (added, updated, codes) = self
                .0
                .store
                .transaction(move |c| {
                    Box::pin(async move {
                        let (mut added, mut updated) = (0, 0);
                        let mut new_phones = Vec::new();
                        let mut to_match = Vec::new();
                        db::bump_watch_version(c, org).await?;
                        let put = db::put_watches(c, org, &chunk, now).await?;
                        for (w, (id, new)) in chunk.iter().zip(put) {
                            if w.awaiting_match {
                                to_match.push(id);
                            }
                            if new {
                                added += 1;
                                if w.kind == WatchKind::Phone {
                                    new_phones.push((id, w.entry.clone()));
                                }
                            } else {
                                updated += 1;
                            }
                        }
                        if !to_match.is_empty() {
                            // In the same transaction: no entry waits without its job.
                            enqueue_matching(c, org, to_match).await?;
                        }
                        if confirm {
                            for (id, entry) in new_phones {
                                if phones::send_code_tx(c, &sender, id, &entry, lang, now).await? {
                                    codes += 1;
                                }
                            }
                        }
                        Ok((added, updated, codes))
                    })
                })
                .await?;
            done.added += added;
            done.updated += updated;
            done.codes_sent += codes;
        }
        let detail = format!("{} added, {} updated ({source})", done.added, done.updated);
        self.record(m, "watchlist.added", &detail).await?;
        // Counted now, not by the first reader.
        self.watch_summary(m).await?;
        Ok(done)
    }

    /// The watchlist with what the index held for each person when they
    /// were last matched.
    pub async fn watchlist(&self, m: &Member) -> Result<Vec<WatchView>, OrgError> {
        let verified = self.verified_domains(m).await?;
        let org = m.org;
        let (rows, hits) = self
            .0
            .store
            .run(move |c| {
                Box::pin(async move {
                    Ok((
                        db::watch_entries(c, org).await?,
                        db::watch_hits(c, org).await?,
                    ))
                })
            })
            .await?;
        let mut by_entry: std::collections::HashMap<i64, Vec<(String, String)>> =
            std::collections::HashMap::new();
        for (id, breach, classes) in hits {
            by_entry.entry(id).or_default().push((breach, classes));
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let (identifier, reference) = self.open_entry(&r.entry);
                let awaiting = r.domain.is_none() && self.0.config.confirm_phones && !r.confirmed;
                let shown = match &r.domain {
                    Some(d) => verified.iter().any(|v| v == d),
                    None => !awaiting,
                };
                WatchView {
                    id: r.id,
                    kind: r.kind,
                    identifier,
                    reference,
                    shown,
                    awaiting_confirmation: awaiting,
                    hits: if shown {
                        by_entry.remove(&r.id).unwrap_or_default()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect())
    }

    fn open_entry(&self, sealed: &[u8]) -> (String, String) {
        let plain = self
            .0
            .mail
            .key
            .open(b"org-watch", sealed)
            .ok()
            .and_then(|p| String::from_utf8(p.to_vec()).ok())
            .unwrap_or_default();
        match plain.split_once('\u{1f}') {
            Some((i, r)) => (i.to_owned(), r.to_owned()),
            None => (plain, String::new()),
        }
    }

    /// The watchlist in numbers: entries, entries shown in a breach, and
    /// per breach how many people with the union of their data classes
    /// (most people first). Nothing is unsealed.
    pub async fn watch_summary(&self, m: &Member) -> Result<Arc<WatchSummary>, OrgError> {
        let org = m.org;
        let verified = self.verified_domains(m).await?;
        let version = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::watch_version(c, org).await }))
            .await?;
        {
            let cache = self.0.summaries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((v, d, summary)) = cache.get(&org) {
                if *v == version && *d == verified {
                    return Ok(Arc::clone(summary));
                }
            }
        }
        let rule = self.phone_rule();
        let ((total, exposed), rows, awaiting) = self
            .0
            .store
            .run(move |c| {
                Box::pin(async move {
                    Ok((
                        db::watch_counts(c, org, rule).await?,
                        db::watch_breach_counts(c, org, rule).await?,
                        db::watch_awaiting(c, org).await?,
                    ))
                })
            })
            .await?;
        let mut breaches: Vec<(String, usize, Vec<String>)> = Vec::new();
        for (breach, classes, n) in rows {
            let i = match breaches.iter().position(|(b, _, _)| *b == breach) {
                Some(i) => i,
                None => {
                    breaches.push((breach, 0, Vec::new()));
                    breaches.len() - 1
                }
            };
            breaches[i].1 += usize::try_from(n).unwrap_or(0);
            for class in classes.split(", ").filter(|c| !c.is_empty()) {
                if !breaches[i].2.iter().any(|k| k == class) {
                    breaches[i].2.push(class.to_owned());
                }
            }
        }
        breaches.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let summary = Arc::new(WatchSummary {
            total: usize::try_from(total).unwrap_or(0),
            exposed: usize::try_from(exposed).unwrap_or(0),
            awaiting: usize::try_from(awaiting).unwrap_or(0),
            breaches,
        });
        // Counted at `version` or later: a change meanwhile bumped it again
        // and the next read counts anew.
        self.0
            .summaries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(org, (version, verified, Arc::clone(&summary)));
        Ok(summary)
    }

    /// Up to `limit` entries after entry id `after` (only those shown in a
    /// breach when `exposed_only`), unsealed.
    pub async fn watch_page(
        &self,
        m: &Member,
        after: i64,
        limit: usize,
        exposed_only: bool,
    ) -> Result<Vec<WatchView>, OrgError> {
        let org = m.org;
        let limit = i64::try_from(limit.min(1000)).unwrap_or(100);
        let rule = self.phone_rule();
        let (rows, hits) = self
            .0
            .store
            .run(move |c| {
                Box::pin(async move {
                    let rows = db::watch_page(c, org, after, limit, exposed_only, rule).await?;
                    let shown: Vec<i64> =
                        rows.iter().filter(|(_, s)| *s).map(|(r, _)| r.id).collect();
                    let hits = db::hits_of(c, &shown).await?;
                    Ok((rows, hits))
                })
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|(r, shown)| {
                let (identifier, reference) = self.open_entry(&r.entry);
                WatchView {
                    id: r.id,
                    kind: r.kind,
                    identifier,
                    reference,
                    shown,
                    awaiting_confirmation: r.domain.is_none()
                        && self.0.config.confirm_phones
                        && !r.confirmed,
                    hits: hits
                        .iter()
                        .filter(|(id, _, _)| *id == r.id)
                        .map(|(_, b, c)| (b.clone(), c.clone()))
                        .collect(),
                }
            })
            .collect())
    }

    /// Removes watchlist entry `id` (owners only).
    pub async fn remove_watch(&self, m: &Member, id: i64) -> Result<(), OrgError> {
        m.owner()?;
        let org = m.org;
        let removed = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::remove_watch(c, org, id).await }))
            .await?;
        if removed == 0 {
            return Err(OrgError::NotFound);
        }
        self.record(m, "watchlist.removed", "1").await
    }

    /// Creates an API key for the HIBP domain API (owners only); its
    /// secret is in the result only.
    pub async fn create_api_key(
        &self,
        m: &Member,
        label: &str,
    ) -> Result<lekradar_store::NewApiKey, OrgError> {
        m.owner()?;
        // Key names are unique and plain (`[A-Za-z0-9._-]`, 64 at most).
        let label: String = label
            .trim()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .take(32)
            .collect();
        let label = if label.is_empty() {
            "api".to_owned()
        } else {
            label
        };
        let mut tag = [0u8; 3];
        rand::rngs::OsRng.fill_bytes(&mut tag);
        let name = format!("org-{}-{}-{label}", m.public_id, hex(&tag));
        let (n, per) = self.0.config.api_key_rate;
        let rate = lekradar_store::Rate::new(n, per).map_err(|_| OrgError::Unavailable)?;
        let org = m.org;
        let entry = self.entry(m, "apikey.created", None, &label);
        Ok(self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let key = lekradar_store::api_keys::create(c, &name, rate).await?;
                    db::link_api_key(c, key.info.id, org).await?;
                    db::audit(c, org, &entry).await?;
                    Ok(key)
                })
            })
            .await?)
    }

    /// The organisation's API keys (owners only), revoked ones included.
    pub async fn api_keys(&self, m: &Member) -> Result<Vec<lekradar_store::ApiKeyInfo>, OrgError> {
        m.owner()?;
        let org = m.org;
        Ok(self
            .0
            .store
            .run(move |c| {
                Box::pin(async move {
                    let ids = db::org_api_keys(c, org).await?;
                    Ok(lekradar_store::api_keys::list(c)
                        .await?
                        .into_iter()
                        .filter(|k| ids.contains(&k.id))
                        .collect())
                })
            })
            .await?)
    }

    /// Revokes the organisation's API key `id` (owners only).
    pub async fn revoke_api_key(&self, m: &Member, id: i64) -> Result<(), OrgError> {
        m.owner()?;
        let org = m.org;
        let entry = self.entry(m, "apikey.revoked", None, &id.to_string());
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if !db::org_api_keys(c, org).await?.contains(&id) {
                        return Ok(Err(OrgError::NotFound));
                    }
                    lekradar_store::api_keys::revoke(c, &id.to_string()).await?;
                    db::audit(c, org, &entry).await?;
                    Ok(Ok(()))
                })
            })
            .await?
    }

    /// The organisation of a valid API key (the caller authenticated it).
    pub async fn org_for_key(&self, key_id: i64) -> Result<Option<ApiOrg>, OrgError> {
        Ok(self
            .0
            .store
            .run(move |c| Box::pin(async move { db::org_of_key(c, key_id).await }))
            .await?
            .map(|(org, public_id, name)| ApiOrg {
                org,
                public_id,
                name,
            }))
    }

    async fn verified_of(&self, org: i64) -> Result<Vec<String>, OrgError> {
        Ok(self
            .0
            .store
            .run(move |c| Box::pin(async move { db::domains(c, org).await }))
            .await?
            .into_iter()
            .filter(|d| d.state == DomainState::Verified)
            .map(|d| d.domain)
            .collect())
    }

    /// HIBP's `breacheddomain`: for the watched addresses at `domain` (one
    /// of the organisation's proved domains), alias → the breaches holding
    /// it. Empty when none is in a breach.
    pub async fn breached_domain(
        &self,
        o: &ApiOrg,
        domain: &str,
    ) -> Result<DomainAnswer, OrgError> {
        let domain = read_domain(domain).map_err(|_| OrgError::DomainNotProved)?;
        if !self.verified_of(o.org).await?.contains(&domain) {
            return Err(OrgError::DomainNotProved);
        }
        let org = o.org;
        let version = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::watch_version(c, org).await }))
            .await?;
        let cache_key = (org, domain.clone());
        if let Some((v, answer)) = self
            .0
            .domain_answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&cache_key)
        {
            if *v == version {
                return Ok(Arc::clone(answer));
            }
        }
        let d = domain.clone();
        let rows = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::domain_hits(c, org, &d).await }))
            .await?;
        let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        let mut last: Option<(i64, String)> = None;
        for (id, sealed, breach) in rows {
            let alias = match &last {
                Some((l, alias)) if *l == id => alias.clone(),
                _ => {
                    let (identifier, _) = self.open_entry(&sealed);
                    let alias = identifier
                        .rsplit_once('@')
                        .map_or(identifier.clone(), |(local, _)| local.to_owned());
                    last = Some((id, alias.clone()));
                    alias
                }
            };
            out.entry(alias).or_default().push(breach);
        }
        let answer = Arc::new(out);
        self.0
            .domain_answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(cache_key, (version, Arc::clone(&answer)));
        Ok(answer)
    }

    /// HIBP's `subscribeddomains`: the organisation's proved domains with
    /// how many watched addresses a breach holds.
    pub async fn subscribed_domains(
        &self,
        o: &ApiOrg,
        is_spam: impl Fn(&str) -> bool,
    ) -> Result<Vec<SubscribedDomain>, OrgError> {
        let mut out = Vec::new();
        for domain in self.verified_of(o.org).await? {
            let org = o.org;
            let d = domain.clone();
            let rows = self
                .0
                .store
                .run(move |c| Box::pin(async move { db::domain_hits(c, org, &d).await }))
                .await?;
            let mut all = std::collections::HashSet::new();
            let mut real = std::collections::HashSet::new();
            for (id, _, breach) in rows {
                all.insert(id);
                if !is_spam(&breach) {
                    real.insert(id);
                }
            }
            out.push(SubscribedDomain {
                domain,
                breached: all.len(),
                breached_excluding_spam: real.len(),
            });
        }
        Ok(out)
    }

    /// Puts the periodic work on `runner`, once across the servers: the
    /// domain re-check (`orgs.recheck-domains`) and the purge (`orgs.purge`).
    pub fn schedule(&self, runner: &mut Runner) {
        let orgs = self.clone();
        let period = self.0.config.domain_recheck.min(Duration::from_secs(3600));
        runner.every_in_cluster("orgs.recheck-domains", period, move || {
            let orgs = orgs.clone();
            Box::pin(async move {
                let r = orgs
                    .recheck_domains()
                    .await
                    .map_err(|e| JobError::Transient(e.to_string()))?;
                tracing::info!(
                    held = r.held,
                    lapsed = r.lapsed,
                    failed = r.failed,
                    "domains checked"
                );
                Ok(())
            })
        });
        let orgs = self.clone();
        runner.every_in_cluster(
            "orgs.rematch-stragglers",
            Duration::from_secs(600),
            move || {
                let orgs = orgs.clone();
                Box::pin(async move {
                    let n = orgs
                        .rematch_stragglers(Duration::from_secs(3600))
                        .await
                        .map_err(|e| JobError::Transient(e.to_string()))?;
                    if n > 0 {
                        tracing::warn!(
                            entries = n,
                            "watchlist entries long awaiting matching enqueued again"
                        );
                    }
                    Ok(())
                })
            },
        );
        let orgs = self.clone();
        runner.every_in_cluster("orgs.purge", Duration::from_secs(3600), move || {
            let orgs = orgs.clone();
            Box::pin(async move {
                orgs.purge()
                    .await
                    .map(|_| ())
                    .map_err(|e| JobError::Transient(e.to_string()))
            })
        });
    }
}
