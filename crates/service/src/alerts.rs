//! Reaching people: owner-only answers by mail or SMS, alert
//! subscriptions with double opt-in, alerts on every new breach, and
//! unsubscribing — the domain side; `lekradar-messages` writes and sends,
//! `lekradar-store` keeps the rows, `lekradar-web` only adapts HTTP.
//!
//! What is kept, and how:
//! - a subscription is found by the keyed PRF output of its identifier and
//!   holds the identifier's bucket; the address or number to write to is
//!   sealed with the contact key (`mail.key`), never in the clear;
//! - a pending email subscription holds the SHA-256 of its single-use link
//!   token (24 h); a pending phone subscription the contact key's HMAC of
//!   its six-digit code (10 minutes, 5 tries); unconfirmed rows are deleted
//!   hourly;
//! - every (subscription, breach) ever alerted or reported is in a ledger,
//!   and a message is enqueued only in the transaction that adds its ledger
//!   row: nobody is told twice about one breach.
//!
//! Matching ([`Service::match_new_segments`]) runs as the durable job
//! `alerts.match`, enqueued once per index generation by whichever server
//! sees it; it reads only the segments no match has read yet.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use lekradar_advice::{Advice, Country, Exposed};
use lekradar_catalogue::Breach;
use lekradar_check::filing_of_output;
use lekradar_index::{BreachView, Segment};
use lekradar_jobs::{JobError, Runner};
use lekradar_l10n::advice::RenderedAdvice;
use lekradar_l10n::{L10n, Lang};
use lekradar_messages::outbox::{self, message_id, OutgoingSms};
use lekradar_messages::{
    AdviceItem, BreachItem, ContactKey, Content, MailKind, OutgoingMail, SmsKind, Templates,
};
use lekradar_normalize::{Identifier, IdentifierKind, Region};
use lekradar_prf::OUTPUT_LEN;
use lekradar_store::jobs::now_us;
use lekradar_store::subscriptions::{
    self as subs, NewSubscription, Purpose, Requested, SubscriptionKind,
};
use lekradar_store::{NewJob, Rate, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{read_identifier, Caller, IdentifierError, Refusal, Service};

/// How long an email confirmation link is valid.
pub const LINK_VALID_US: i64 = 24 * 3600 * 1_000_000;
/// How long an SMS code is valid.
pub const CODE_VALID_US: i64 = 10 * 60 * 1_000_000;
/// Wrong codes before a pending phone subscription must be asked again.
pub const CODE_TRIES: u32 = 5;
/// A second confirmation for one identifier goes out at the earliest this
/// long after the first.
pub const RESEND_AFTER_US: i64 = 60 * 1_000_000;
/// A breach with segments no match has read yet.
pub(crate) struct Fresh {
    /// Its position in the snapshot's breaches.
    pub(crate) index: usize,
    pub(crate) breach: Arc<Breach>,
    segments: Vec<Arc<Segment>>,
    /// One bit per 24-bit bucket present in `segments` (2 MiB): a
    /// subscription whose bucket is absent needs no HKDF for this breach.
    buckets: Vec<u64>,
}

impl Fresh {
    fn holds_bucket(&self, bucket: u32) -> bool {
        let b = (bucket & 0x00ff_ffff) as usize;
        self.buckets[b >> 6] & (1u64 << (b & 63)) != 0
    }
}

/// The bucket bitset of `segments`.
fn bucket_bits(segments: &[Arc<Segment>]) -> Vec<u64> {
    let mut bits = vec![0u64; (1usize << 24) / 64];
    for s in segments {
        for e in s.iter() {
            let b = (e.key.bucket() & 0x00ff_ffff) as usize;
            bits[b >> 6] |= 1u64 << (b & 63);
        }
    }
    bits
}

/// Opted-out identifiers by bucket: their PRF outputs.
pub(crate) type OptOuts = std::collections::HashMap<u32, Vec<[u8; OUTPUT_LEN]>>;

/// The job kind of matching a new index generation.
pub const MATCH_KIND: &str = "alerts.match";
/// Active subscriptions read per step of matching.
const PAGE: i64 = 20_000;
/// Alerts enqueued per transaction.
const ALERT_BATCH: usize = 250;

/// What messaging needs, given to [`Service::new`] when mail (or SMS) is
/// configured.
pub struct Messaging {
    pub key: ContactKey,
    pub templates: Arc<Templates>,
    pub l10n: Arc<L10n>,
    pub advice: Arc<RenderedAdvice>,
    /// Where the pages are, for links in mails (no trailing slash).
    pub public_url: String,
    /// Whether mail is sent (a mailer is configured).
    pub mail: bool,
    /// Whether SMS are sent (a gateway is configured).
    pub sms: bool,
    /// Organisations (`/org`), offered when mail is sent.
    pub orgs: Option<lekradar_orgs::Orgs>,
}

impl std::fmt::Debug for Messaging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messaging")
            .field("public_url", &self.public_url)
            .field("mail", &self.mail)
            .field("sms", &self.sms)
            .finish_non_exhaustive()
    }
}

/// Why a subscription step was refused; adapters say it in the person's
/// language.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("alerts are not offered by this server")]
    NotOffered,
    #[error("{0}")]
    Invalid(IdentifierError),
    /// A phone number, and this server sends no SMS.
    #[error("alerts by text message are not offered by this server")]
    NoSms,
    #[error("{0}")]
    Refused(Refusal),
    /// The link was used already, expired or never existed.
    #[error("this link cannot be used (used already, or expired)")]
    LinkUnusable,
    /// A wrong code; tries left.
    #[error("wrong code")]
    WrongCode { tries_left: u32 },
    /// No code is pending for this number (expired, used up, or none asked).
    #[error("no code is waiting for this number: ask for a new one")]
    NoCode,
    /// An address to send a phone number's alerts to that is no email
    /// address, or given with something other than a phone number (an
    /// email address is written to itself).
    #[error("an address for alerts by mail must be an email address, given with a phone number")]
    MailToUnusable,
    #[error("the service is unavailable")]
    Unavailable,
}

impl From<StoreError> for AlertError {
    fn from(e: StoreError) -> AlertError {
        tracing::error!(error = %e, "metadata store failed in alerts");
        AlertError::Unavailable
    }
}

/// The answer of a subscription request: the same whatever the state of
/// the identifier (new, pending, confirmed), so the page tells nobody who
/// subscribed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// Look in your mailbox.
    LinkSent,
    /// Type the code sent to your phone.
    CodeSent,
}

/// A confirmed subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmed {
    pub lang: Lang,
    /// Breaches already holding the identifier (reported by message).
    pub breaches: usize,
    /// An opt-out was confirmed: the identifier is hidden from public search.
    pub opted_out: bool,
    /// A phone subscription's email address was confirmed: alerts about
    /// the number go there from now on.
    pub mail_linked: bool,
    /// A phone subscription was confirmed with an email address for its
    /// alerts: a link to confirm that address went to it.
    pub mail_link_sent: bool,
}

/// What matching one generation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchStats {
    pub segments: usize,
    pub subscriptions: u64,
    pub matches: u64,
    pub enqueued: u64,
    /// Organisations' watchlist entries read, and new hits recorded.
    pub watched: u64,
    pub watch_hits: u64,
    /// Organisations told about the new breaches: digest mails and webhook
    /// deliveries enqueued.
    pub told: lekradar_orgs::Told,
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_lang(code: &str) -> Lang {
    Lang::ALL
        .into_iter()
        .find(|l| l.code() == code)
        .unwrap_or(Lang::Nl)
}

/// Whether subscribers are told about `breach` (HIBP's rule: not about
/// unverified, fabricated or spam-list breaches, unless the operator says so).
pub fn alertable(breach: &Breach) -> bool {
    !breach.retired
        && (breach.meta.alert_anyway
            || (breach.meta.is_verified && !breach.meta.is_fabricated && !breach.meta.is_spam_list))
}

fn segment_name(s: &Segment) -> String {
    s.path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Messaging {
    /// The host name written out in messages.
    pub fn address(public_url: &str) -> String {
        public_url
            .split("://")
            .nth(1)
            .unwrap_or(public_url)
            .trim_end_matches('/')
            .to_owned()
    }

    fn unsubscribe_url(&self, id: i64) -> String {
        format!(
            "{}/alerts/unsubscribe?token={}",
            self.public_url,
            unsubscribe_token(&self.key, id)
        )
    }

    /// What a message says about these breaches, for identifier `shown`.
    fn content(
        &self,
        lang: Lang,
        shown: &str,
        found: &[(Arc<Breach>, Vec<String>)],
        country: Country,
    ) -> Content {
        let tr = self.l10n.tr(lang);
        let breaches = found
            .iter()
            .map(|(b, classes)| BreachItem {
                name: b.meta.name.clone(),
                title: b.meta.title.clone(),
                breach_date: tr.date(&b.meta.breach_date),
                added: tr.date(&b.meta.added_date.date_naive()),
                people: None,
                staff: None,
                classes: classes.iter().map(|c| tr.class(c)).collect(),
            })
            .collect();
        let exposed: Vec<Exposed<'_>> = found
            .iter()
            .map(|(b, classes)| Exposed {
                kind: b.meta.kind,
                classes,
            })
            .collect();
        let items = if found.is_empty() {
            Vec::new()
        } else {
            Advice::builtin().advise(&exposed, country)
        };
        let advice = self
            .advice
            .texts(&items, lang)
            .iter()
            .map(|a| AdviceItem {
                title: a.title.clone(),
                why: a.why.clone(),
                steps: a.steps.clone(),
            })
            .collect();
        Content {
            identifier: shown.to_owned(),
            breaches,
            advice,
            ..Content::default()
        }
    }

    fn mail(
        &self,
        kind: MailKind,
        lang: Lang,
        to: &str,
        event: &str,
        content: &Content,
    ) -> Result<OutgoingMail, AlertError> {
        let rendered = self.templates.mail(kind, lang, content).map_err(|e| {
            tracing::error!(error = %e, "a mail template failed");
            AlertError::Unavailable
        })?;
        Ok(OutgoingMail {
            to: to.to_owned(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            message_id: message_id(&self.key, to, event),
            unsubscribe: content.unsubscribe.clone(),
        })
    }

    fn sms(
        &self,
        kind: SmsKind,
        lang: Lang,
        to: &str,
        content: &Content,
    ) -> Result<OutgoingSms, AlertError> {
        let text = self.templates.sms(kind, lang, content).map_err(|e| {
            tracing::error!(error = %e, "an SMS template failed");
            AlertError::Unavailable
        })?;
        Ok(OutgoingSms {
            to: to.to_owned(),
            text,
        })
    }
}

/// The token of the unsubscribe link of subscription `id`: its id and a
/// keyed hash of it, so that a token cannot be made for another id.
pub fn unsubscribe_token(key: &ContactKey, id: i64) -> String {
    format!(
        "{id}-{}",
        hex(&key.mac(b"unsubscribe", &[&id.to_be_bytes()])[..16])
    )
}

fn parse_unsubscribe_token(key: &ContactKey, token: &str) -> Option<i64> {
    let (id, _) = token.split_once('-')?;
    let id: i64 = id.parse().ok()?;
    let expected = unsubscribe_token(key, id);
    // Constant-time enough: both are public-length hex of a MAC.
    (expected.len() == token.len()
        && expected
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0)
        .then_some(id)
}

impl Service {
    pub(crate) fn messaging(&self) -> Result<&Messaging, AlertError> {
        self.0.messaging.as_deref().ok_or(AlertError::NotOffered)
    }

    /// Organisations, when offered (mail configured, not private mode).
    pub fn orgs(&self) -> Option<&lekradar_orgs::Orgs> {
        self.0.messaging.as_ref()?.orgs.as_ref()
    }

    /// Whether alerts are offered (mail or SMS configured).
    pub fn offers_alerts(&self) -> bool {
        self.0.messaging.is_some() && self.mode() != crate::DeploymentMode::Private
    }

    /// Whether a phone subscription's alerts can go by mail instead (mail
    /// and SMS both configured).
    pub fn links_mail(&self) -> bool {
        self.0.messaging.as_ref().is_some_and(|m| m.sms && m.mail)
    }

    /// Whether phone numbers can be subscribed and answered (SMS configured).
    pub fn sends_sms(&self) -> bool {
        self.0.messaging.as_ref().is_some_and(|m| m.sms)
    }

    fn prf_output(&self, id: &Identifier) -> Result<([u8; OUTPUT_LEN], u32), AlertError> {
        let input = id.prf_input();
        let output = self.0.key.evaluate(&input).map_err(|e| {
            tracing::error!(error = %e, "keyed PRF failed");
            AlertError::Unavailable
        })?;
        Ok((output, lekradar_prf::bucket(&input)))
    }

    /// The breaches holding the identifier with this PRF output, sensitive
    /// ones included (its owner is verified), with the classes of its record.
    fn exposures_of(
        &self,
        output: &[u8; OUTPUT_LEN],
        bucket: u32,
    ) -> Vec<(Arc<Breach>, Vec<String>)> {
        let (snapshot, catalogue) = self.snapshot();
        let filing = filing_of_output(bucket, output);
        let mut found = Vec::new();
        for view in snapshot.breaches().iter().filter(|b| !b.is_retired()) {
            let Some(breach) = catalogue.of_index(view.name()) else {
                continue;
            };
            if breach.retired {
                continue;
            }
            if let Some(classes) = filing.classes_in(view) {
                found.push((Arc::clone(breach), class_names(breach, classes)));
            }
        }
        found.sort_by(|a, b| a.0.meta.name.cmp(&b.0.meta.name));
        found
    }

    /// Asks for alerts about `text` (an email address or, with SMS, a phone
    /// number): a confirmation link by mail, or a code by SMS. Draws one
    /// check from the caller's budgets.
    ///
    /// `mail_to`, with a phone number: an email address to send its alerts
    /// to instead of SMS. Once the code confirmed the number, a link goes
    /// to that address; alerts go there once its owner follows it.
    pub async fn subscribe(
        &self,
        ip: IpAddr,
        text: &str,
        region: Region,
        lang: Lang,
        mail_to: Option<&str>,
    ) -> Result<Subscribed, AlertError> {
        self.request(ip, text, region, lang, Purpose::Alerts, mail_to)
            .await
    }

    /// Asks to hide `text` from public search (HIBP's opt-out): confirmed
    /// like a subscription, by its owner's mailbox or phone.
    pub async fn request_opt_out(
        &self,
        ip: IpAddr,
        text: &str,
        region: Region,
        lang: Lang,
    ) -> Result<Subscribed, AlertError> {
        self.request(ip, text, region, lang, Purpose::OptOut, None)
            .await
    }

    async fn request(
        &self,
        ip: IpAddr,
        text: &str,
        region: Region,
        lang: Lang,
        purpose: Purpose,
        mail_to: Option<&str>,
    ) -> Result<Subscribed, AlertError> {
        if !self.offers_alerts() {
            return Err(AlertError::NotOffered);
        }
        let messaging = self.messaging()?;
        let id = read_identifier(text, region).map_err(AlertError::Invalid)?;
        let kind = match id.kind() {
            IdentifierKind::Email if messaging.mail => SubscriptionKind::Email,
            IdentifierKind::Phone if messaging.sms => SubscriptionKind::Phone,
            IdentifierKind::Email => return Err(AlertError::NotOffered),
            IdentifierKind::Phone => return Err(AlertError::NoSms),
        };
        let mail_to = match mail_to.map(str::trim).filter(|m| !m.is_empty()) {
            None => None,
            Some(_) if kind != SubscriptionKind::Phone || purpose != Purpose::Alerts => {
                return Err(AlertError::MailToUnusable)
            }
            Some(_) if !messaging.mail => return Err(AlertError::NotOffered),
            Some(m) => {
                let address = read_identifier(m, region).map_err(|_| AlertError::MailToUnusable)?;
                if address.kind() != IdentifierKind::Email {
                    return Err(AlertError::MailToUnusable);
                }
                Some(
                    messaging
                        .key
                        .seal(b"contact", address.canonical().as_bytes()),
                )
            }
        };
        self.draw_budgets(&Caller::Anonymous { ip })
            .await
            .map_err(AlertError::Refused)?;
        let (output, bucket) = self.prf_output(&id)?;
        let canonical = id.canonical().to_owned();
        let now = now_us();
        let (secret, secret_hash, expires) = match kind {
            SubscriptionKind::Email => {
                let mut token = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut token);
                let hash = Sha256::digest(token).to_vec();
                (b64(&token), hash, now + LINK_VALID_US)
            }
            SubscriptionKind::Phone => {
                let code = format!("{:06}", rand::rngs::OsRng.next_u32() % 1_000_000);
                let hash = messaging
                    .key
                    .mac(b"sms-code", &[&output, code.as_bytes()])
                    .to_vec();
                (code, hash, now + CODE_VALID_US)
            }
        };
        let new = NewSubscription {
            kind,
            purpose,
            prf_output: output.to_vec(),
            bucket,
            contact: messaging.key.seal(b"contact", canonical.as_bytes()),
            lang: lang.code().to_owned(),
            secret_hash,
            expires_at_us: expires,
            mail_to,
        };
        let service = self.clone();
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let messaging = service
                        .messaging()
                        .map_err(|_| StoreError::aborted("messaging is not configured"))?;
                    let sub_id = match subs::request(c, &new, RESEND_AFTER_US, now).await? {
                        Requested::Created(id) | Requested::Renewed(id) => id,
                        Requested::Throttled | Requested::AlreadyActive(_) => return Ok(()),
                    };
                    let event = format!("confirm:{sub_id}:{now}");
                    match kind {
                        SubscriptionKind::Email => {
                            let content = Content {
                                identifier: canonical.clone(),
                                link: Some(format!(
                                    "{}/alerts/confirm?token={secret}",
                                    messaging.public_url
                                )),
                                ..Content::default()
                            };
                            let mail = messaging
                                .mail(
                                    match purpose {
                                        Purpose::Alerts => MailKind::Confirm,
                                        Purpose::OptOut => MailKind::OptOut,
                                    },
                                    lang,
                                    &canonical,
                                    &event,
                                    &content,
                                )
                                .map_err(|_| StoreError::aborted("a message template failed"))?;
                            outbox::enqueue_mail(c, &messaging.key, &mail).await?;
                        }
                        SubscriptionKind::Phone => {
                            let content = Content {
                                identifier: canonical.clone(),
                                code: Some(secret.clone()),
                                ..Content::default()
                            };
                            let sms = messaging
                                .sms(SmsKind::Code, lang, &canonical, &content)
                                .map_err(|_| {
                                    StoreError::aborted("a message could not be written")
                                })?;
                            let mid = message_id(&messaging.key, &canonical, &event);
                            outbox::enqueue_sms(c, &messaging.key, &sms, &mid).await?;
                        }
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(match kind {
            SubscriptionKind::Email => Subscribed::LinkSent,
            SubscriptionKind::Phone => Subscribed::CodeSent,
        })
    }

    /// Confirms an email subscription by the token of its link, and sends
    /// the first report.
    pub async fn confirm_link(&self, token: &str) -> Result<Confirmed, AlertError> {
        self.messaging()?;
        let token = unb64(token.trim())
            .filter(|t| t.len() == 32)
            .ok_or(AlertError::LinkUnusable)?;
        let hash = Sha256::digest(&token).to_vec();
        let link = hash.clone();
        if let Some(done) = self
            .confirm(move |c, now| Box::pin(async move { subs::confirm(c, &hash, now).await }))
            .await?
        {
            return Ok(done);
        }
        // Else the link that confirms a phone subscription's email address.
        let sub = self
            .0
            .store
            .run(move |c| Box::pin(async move { subs::confirm_mail_to(c, &link, now_us()).await }))
            .await?
            .ok_or(AlertError::LinkUnusable)?;
        Ok(Confirmed {
            lang: parse_lang(&sub.lang),
            breaches: 0,
            opted_out: false,
            mail_linked: true,
            mail_link_sent: false,
        })
    }

    /// Confirms a phone subscription (or opt-out, by `purpose`) by the code
    /// sent to it.
    pub async fn confirm_code(
        &self,
        ip: IpAddr,
        text: &str,
        region: Region,
        code: &str,
        opt_out: bool,
    ) -> Result<Confirmed, AlertError> {
        let purpose = if opt_out {
            Purpose::OptOut
        } else {
            Purpose::Alerts
        };
        let messaging = self.messaging()?;
        let id = read_identifier(text, region).map_err(AlertError::Invalid)?;
        // Every try costs a check, so codes cannot be guessed at speed.
        self.draw_budgets(&Caller::Anonymous { ip })
            .await
            .map_err(AlertError::Refused)?;
        let (output, _) = self.prf_output(&id)?;
        let code = code.trim();
        let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
        let hash = messaging
            .key
            .mac(b"sms-code", &[&output, code.as_bytes()])
            .to_vec();
        let now = now_us();
        let store = self.0.store.clone();
        let sub = {
            let output = output.to_vec();
            store
                .run(move |c| {
                    Box::pin(async move { subs::by_prf_output(c, &output, purpose).await })
                })
                .await?
        };
        let Some(sub) = sub.filter(|s| !s.active && s.kind == SubscriptionKind::Phone) else {
            return Err(AlertError::NoCode);
        };
        if sub.secret_tries >= CODE_TRIES || sub.expires_at_us.is_none_or(|t| t <= now) {
            return Err(AlertError::NoCode);
        }
        if well_formed {
            if let Some(done) = self
                .confirm(move |c, now| Box::pin(async move { subs::confirm(c, &hash, now).await }))
                .await?
            {
                return Ok(done);
            }
        }
        let id = sub.id;
        let tries = store
            .run(move |c| Box::pin(async move { subs::count_try(c, id).await }))
            .await?;
        if tries >= CODE_TRIES {
            Err(AlertError::NoCode)
        } else {
            Err(AlertError::WrongCode {
                tries_left: CODE_TRIES - tries,
            })
        }
    }

    /// Activates the subscription `find` returns and, in the same
    /// transaction, enqueues its first report and records its breaches in
    /// the ledger.
    async fn confirm<F>(&self, find: F) -> Result<Option<Confirmed>, AlertError>
    where
        F: for<'c> FnOnce(
                &'c mut lekradar_store::Conn<'_>,
                i64,
            )
                -> lekradar_store::ConnFuture<'c, Option<subs::Subscription>>
            + Send
            + 'static,
    {
        // The first report is made from the newest published index, not
        // the one this server last picked up on its reload tick: a
        // generation published before now is either in the report or
        // matched after this subscription is active (its match job starts
        // after it is published), so no breach falls between the two.
        let reloading = self.clone();
        tokio::task::spawn_blocking(move || reloading.reload())
            .await
            .map_err(|_| AlertError::Unavailable)?;
        let service = self.clone();
        let confirmed = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let now = now_us();
                    let Some(sub) = find(c, now).await? else {
                        return Ok(None);
                    };
                    if sub.purpose == Purpose::OptOut {
                        // Hidden from public search from now on; the request
                        // row (and its sealed contact) is gone.
                        subs::opt_out(c, &sub.prf_output, sub.bucket, now).await?;
                        subs::delete(c, sub.id).await?;
                        return Ok(Some(Confirmed {
                            lang: parse_lang(&sub.lang),
                            breaches: 0,
                            opted_out: true,
                            mail_linked: false,
                            mail_link_sent: false,
                        }));
                    }
                    let done = service.report(c, &sub, now).await?;
                    Ok(Some(done))
                })
            })
            .await?;
        if confirmed.is_some_and(|c| c.opted_out) {
            self.refresh_opt_outs().await;
        }
        Ok(confirmed)
    }

    /// Reads the opted-out identifiers from the store (every server does,
    /// on its index-reload tick).
    pub async fn refresh_opt_outs(&self) {
        match self.0.store.subscriptions().opt_outs().await {
            Ok(rows) => {
                let mut map: OptOuts = std::collections::HashMap::new();
                let mut sorted: Vec<&[u8]> = rows.iter().map(|(o, _)| o.as_slice()).collect();
                sorted.sort_unstable();
                let version = if sorted.is_empty() {
                    0
                } else {
                    let mut digest = Sha256::new();
                    for output in sorted {
                        digest.update(output);
                    }
                    let d = digest.finalize();
                    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]).max(1)
                };
                for (output, bucket) in rows {
                    if let Ok(output) = <[u8; OUTPUT_LEN]>::try_from(output.as_slice()) {
                        map.entry(bucket).or_default().push(output);
                    }
                }
                self.0.opt_outs.store(Arc::new(map));
                self.0
                    .opt_outs_version
                    .store(version, std::sync::atomic::Ordering::Relaxed);
            }
            Err(e) => tracing::warn!(error = %e, "could not read opt-outs; keeping the last known"),
        }
    }

    /// A digest of the opt-outs in force (0: none), for caches of what
    /// they change (the private buckets' ETags).
    pub fn opt_outs_version(&self) -> u64 {
        self.0
            .opt_outs_version
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether `id`'s owner hid it from public search.
    pub fn opted_out(&self, id: &Identifier) -> bool {
        let map = self.0.opt_outs.load();
        if map.is_empty() {
            return false;
        }
        let input = id.prf_input();
        let Some(outputs) = map.get(&lekradar_prf::bucket(&input)) else {
            return false;
        };
        // Only for the rare check whose bucket holds an opted-out identifier.
        self.0
            .key
            .evaluate(&input)
            .map(|o| outputs.contains(&o))
            .unwrap_or(false)
    }

    /// The private-check tags of opted-out identifiers in the `bits`-bit
    /// bucket prefix `prefix`, for every breach of `snapshot`.
    pub(crate) fn opted_out_tags(
        &self,
        snapshot: &lekradar_index::Snapshot,
        prefix: u32,
        bits: u32,
    ) -> HashSet<[u8; 8]> {
        let map = self.0.opt_outs.load();
        let mut tags = HashSet::new();
        for (bucket, outputs) in map.iter() {
            if bucket >> (24 - bits) != prefix {
                continue;
            }
            for output in outputs {
                let filing = filing_of_output(*bucket, output);
                for view in snapshot.breaches() {
                    let (key, _) = filing.in_breach(view.name());
                    let mut tag = [0u8; 8];
                    tag.copy_from_slice(key.tag());
                    tags.insert(tag);
                }
            }
        }
        tags
    }

    /// Enqueues the first report of a just-confirmed subscription.
    async fn report(
        &self,
        c: &mut lekradar_store::Conn<'_>,
        sub: &subs::Subscription,
        now: i64,
    ) -> Result<Confirmed, StoreError> {
        let messaging = self
            .messaging()
            .map_err(|_| StoreError::aborted("messaging is not configured"))?;
        let lang = parse_lang(&sub.lang);
        let output: [u8; OUTPUT_LEN] = sub
            .prf_output
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::aborted("a message could not be written"))?;
        let found = self.exposures_of(&output, sub.bucket);
        for (breach, _) in &found {
            subs::ledger_insert(c, sub.id, &breach.meta.name, now).await?;
        }
        let contact = messaging
            .key
            .open(b"contact", &sub.contact)
            .map_err(|_| StoreError::aborted("a message could not be written"))?;
        let to = String::from_utf8_lossy(&contact).into_owned();
        let country = country_for(&to, lang);
        let event = format!("report:{}", sub.id);
        match sub.kind {
            SubscriptionKind::Email => {
                let mut content = messaging.content(lang, &to, &found, country);
                content.unsubscribe = Some(messaging.unsubscribe_url(sub.id));
                let mail = messaging
                    .mail(MailKind::Report, lang, &to, &event, &content)
                    .map_err(|_| StoreError::aborted("a message could not be written"))?;
                outbox::enqueue_mail(c, &messaging.key, &mail).await?;
            }
            SubscriptionKind::Phone if !found.is_empty() => {
                let content = messaging.content(lang, &to, &found, country);
                let sms = messaging
                    .sms(SmsKind::Answer, lang, &to, &content)
                    .map_err(|_| StoreError::aborted("a message could not be written"))?;
                let mid = message_id(&messaging.key, &to, &event);
                outbox::enqueue_sms(c, &messaging.key, &sms, &mid).await?;
            }
            SubscriptionKind::Phone => {}
        }
        // The number is its holder's now: ask the address they gave for
        // its alerts to agree (a link of its own, single use).
        let mut mail_link_sent = false;
        if let (SubscriptionKind::Phone, Some(sealed), false) =
            (sub.kind, &sub.mail_to, sub.mail_to_confirmed)
        {
            let address = messaging
                .key
                .open(b"contact", sealed)
                .map_err(|_| StoreError::aborted("a message could not be written"))?;
            let address = String::from_utf8_lossy(&address).into_owned();
            let mut token = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut token);
            let hash = Sha256::digest(token).to_vec();
            subs::set_mail_to_secret(c, sub.id, &hash, now + LINK_VALID_US).await?;
            let content = Content {
                identifier: to.clone(),
                link: Some(format!(
                    "{}/alerts/confirm?token={}",
                    messaging.public_url,
                    b64(&token)
                )),
                ..Content::default()
            };
            let event = format!("link:{}:{now}", sub.id);
            let mail = messaging
                .mail(MailKind::Link, lang, &address, &event, &content)
                .map_err(|_| StoreError::aborted("a message could not be written"))?;
            outbox::enqueue_mail(c, &messaging.key, &mail).await?;
            mail_link_sent = true;
        }
        Ok(Confirmed {
            lang,
            breaches: found.len(),
            opted_out: false,
            mail_linked: false,
            mail_link_sent,
        })
    }

    /// Deletes the subscription of an unsubscribe token, contact and
    /// ledger with it; `false` for a token that names none (the adapter
    /// answers the same).
    pub async fn unsubscribe(&self, token: &str) -> bool {
        let Ok(messaging) = self.messaging() else {
            return false;
        };
        let Some(id) = parse_unsubscribe_token(&messaging.key, token.trim()) else {
            return false;
        };
        match self.0.store.subscriptions().delete(id).await {
            Ok(deleted) => deleted,
            Err(e) => {
                tracing::error!(error = %e, "metadata store failed while unsubscribing");
                false
            }
        }
    }

    /// An owner-only check's answer, made after its response was given:
    /// nothing when the identifier is in no breach; else at most one message
    /// per identifier per 24 hours, by mail (or SMS for a number), through
    /// the outbox.
    pub(crate) async fn send_owner_answer(&self, id: &Identifier, lang: Lang) {
        let Ok(messaging) = self.messaging() else {
            return;
        };
        let Ok((output, bucket)) = self.prf_output(id) else {
            return;
        };
        if self.opted_out(id) {
            return;
        }
        let found: Vec<_> = self
            .exposures_of(&output, bucket)
            .into_iter()
            .filter(|(b, _)| !b.meta.is_sensitive)
            .collect();
        if found.is_empty() {
            return;
        }
        let to = id.canonical().to_owned();
        let country = country_for(&to, lang);
        let content = messaging.content(lang, &to, &found, country);
        let now = now_us();
        let event = format!("answer:{now}");
        let throttle = format!(
            "answer:{}",
            hex(&messaging.key.mac(b"answer-throttle", &[&output])[..16])
        );
        let message = match id.kind() {
            IdentifierKind::Email if messaging.mail => messaging
                .mail(MailKind::Answer, lang, &to, &event, &content)
                .map(Ok),
            IdentifierKind::Phone if messaging.sms => messaging
                .sms(SmsKind::Answer, lang, &to, &content)
                .map(|s| Err((s, message_id(&messaging.key, &to, &event)))),
            _ => return,
        };
        let Ok(message) = message else {
            return;
        };
        let key = messaging.key.clone();
        let result = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let day = Rate {
                        count: 1,
                        period_secs: 86_400,
                    };
                    if lekradar_store::budgets::draw_at(c, &throttle, day, now).await?
                        != lekradar_store::Draw::Allowed
                    {
                        return Ok(false);
                    }
                    match &message {
                        Ok(mail) => outbox::enqueue_mail(c, &key, mail).await,
                        Err((sms, mid)) => outbox::enqueue_sms(c, &key, sms, mid).await,
                    }
                })
            })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "an owner-only answer could not be queued");
        }
    }

    /// Matches every active subscription against the index segments no
    /// match has read yet, and enqueues one alert per (subscription,
    /// breach) not in the ledger.
    pub async fn match_new_segments(&self) -> Result<MatchStats, AlertError> {
        self.messaging()?;
        let (snapshot, catalogue) = self.snapshot();
        let scanned: HashSet<String> = self
            .0
            .store
            .subscriptions()
            .scanned_segments()
            .await?
            .into_iter()
            .collect();
        let mut work: Vec<Fresh> = Vec::new();
        let mut all_new: Vec<String> = Vec::new();
        for (i, view) in snapshot.breaches().iter().enumerate() {
            let fresh: Vec<Arc<Segment>> = view
                .segments()
                .iter()
                .filter(|s| !scanned.contains(&segment_name(s)))
                .cloned()
                .collect();
            all_new.extend(fresh.iter().map(|s| segment_name(s)));
            let Some(breach) = catalogue.of_index(view.name()) else {
                continue;
            };
            if view.is_retired() || !alertable(breach) || fresh.is_empty() {
                continue;
            }
            let buckets = bucket_bits(&fresh);
            work.push(Fresh {
                index: i,
                breach: Arc::clone(breach),
                segments: fresh,
                buckets,
            });
        }
        let mut stats = MatchStats {
            segments: work.iter().map(|w| w.segments.len()).sum(),
            ..MatchStats::default()
        };
        if !work.is_empty() {
            let work = Arc::new(work);
            // The next page is read while this one is matched (the store,
            // PostgreSQL's process or SQLite's thread, on the other core).
            let read = |after: i64| {
                let store = self.0.store.clone();
                tokio::spawn(async move { store.subscriptions().active_page(after, PAGE).await })
            };
            let mut next = Some(read(0));
            while let Some(reading) = next.take() {
                let page = reading.await.map_err(|_| AlertError::Unavailable)??;
                let Some(last) = page.last() else { break };
                if page.len() as i64 == PAGE {
                    next = Some(read(last.id));
                }
                stats.subscriptions += page.len() as u64;
                let (w, snap) = (Arc::clone(&work), Arc::clone(&snapshot));
                let matches = tokio::task::spawn_blocking(move || match_page(&snap, &w, &page))
                    .await
                    .map_err(|_| AlertError::Unavailable)?;
                stats.matches += matches.len() as u64;
                let alerts: Vec<(i64, Arc<Breach>, u32)> = matches
                    .into_iter()
                    .filter_map(|(sub_id, breach_index, classes)| {
                        work.iter()
                            .find(|w| w.index == breach_index)
                            .map(|w| (sub_id, Arc::clone(&w.breach), classes))
                    })
                    .collect();
                for batch in alerts.chunks(ALERT_BATCH) {
                    stats.enqueued += self.alert_batch(batch.to_vec()).await?;
                }
            }
            if self.orgs().is_some() {
                let (watched, hits) = self
                    .match_watchlists(&snapshot, &work)
                    .await
                    .map_err(AlertError::from)?;
                stats.watched = watched;
                stats.watch_hits = hits;
                stats.told = self.tell_orgs(&work).await.map_err(|e| {
                    tracing::error!(error = %e, "telling organisations failed");
                    AlertError::Unavailable
                })?;
            }
        }
        let store = self.0.store.clone();
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    for name in &all_new {
                        subs::mark_scanned(c, name, now).await?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(stats)
    }

    /// Alerts, each with its ledger row and its message, in one
    /// transaction per batch; how many were enqueued (a ledger row that
    /// existed means told already: nothing is sent).
    async fn alert_batch(&self, batch: Vec<(i64, Arc<Breach>, u32)>) -> Result<u64, AlertError> {
        let service = self.clone();
        Ok(self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let messaging = service
                        .messaging()
                        .map_err(|_| StoreError::aborted("messaging is not configured"))?;
                    let now = now_us();
                    let mut enqueued = 0u64;
                    for (sub_id, breach, classes) in &batch {
                        let Some(sub) = subs::get(c, *sub_id).await? else {
                            continue;
                        };
                        if !sub.active
                            || !subs::ledger_insert(c, sub.id, &breach.meta.name, now).await?
                        {
                            continue;
                        }
                        let Ok(contact) = messaging.key.open(b"contact", &sub.contact) else {
                            tracing::warn!(
                                "a subscription's contact does not open with this contact key"
                            );
                            continue;
                        };
                        let to = String::from_utf8_lossy(&contact).into_owned();
                        let lang = parse_lang(&sub.lang);
                        let found = vec![(Arc::clone(breach), class_names(breach, *classes))];
                        let mut content =
                            messaging.content(lang, &to, &found, country_for(&to, lang));
                        let event = format!("alert:{}:{}", sub.id, breach.meta.name);
                        // By mail to an address (a linked number: its
                        // confirmed one, naming the number), else by SMS.
                        let address = match sub.kind {
                            SubscriptionKind::Email => Some(to.clone()),
                            SubscriptionKind::Phone if sub.mail_to_confirmed => {
                                let Some(address) = sub
                                    .mail_to
                                    .as_deref()
                                    .and_then(|m| messaging.key.open(b"contact", m).ok())
                                else {
                                    tracing::warn!("a subscription's address for alerts does not open with this contact key");
                                    continue;
                                };
                                Some(String::from_utf8_lossy(&address).into_owned())
                            }
                            SubscriptionKind::Phone => None,
                        };
                        match address {
                            Some(address) => {
                                content.unsubscribe = Some(messaging.unsubscribe_url(sub.id));
                                let mail = messaging
                                    .mail(MailKind::Alert, lang, &address, &event, &content)
                                    .map_err(|_| {
                                        StoreError::aborted("a message template failed")
                                    })?;
                                outbox::enqueue_mail(c, &messaging.key, &mail).await?;
                            }
                            None => {
                                let sms =
                                    messaging.sms(SmsKind::Alert, lang, &to, &content).map_err(
                                        |_| StoreError::aborted("a message could not be written"),
                                    )?;
                                let mid = message_id(&messaging.key, &to, &event);
                                outbox::enqueue_sms(c, &messaging.key, &sms, &mid).await?;
                            }
                        }
                        enqueued += 1;
                    }
                    Ok(enqueued)
                })
            })
            .await?)
    }

    /// Enqueues matching of the current index generation (once across
    /// servers: the dedup key names the generation and its segments).
    pub async fn enqueue_matching(&self) {
        if self.0.messaging.is_none() {
            return;
        }
        let (snapshot, _) = self.snapshot();
        let mut names: Vec<String> = snapshot
            .breaches()
            .iter()
            .flat_map(|b| b.segments().iter().map(|s| segment_name(s)))
            .collect();
        names.sort();
        let digest = Sha256::digest(names.join("\n").as_bytes());
        let job = NewJob::new(MATCH_KIND, Vec::new())
            .dedup_key(format!(
                "{MATCH_KIND}:{}:{}",
                snapshot.generation(),
                hex(&digest[..8])
            ))
            .max_attempts(5);
        if let Err(e) = self.0.store.jobs().enqueue(job).await {
            tracing::warn!(error = %e, "could not enqueue alert matching; the next generation will");
        }
    }

    /// Puts alerts' work on `runner`: matching (a durable job), and the
    /// hourly deletion of unconfirmed subscriptions.
    pub(crate) fn schedule_alerts(&self, runner: &mut Runner) {
        if self.0.messaging.is_none() {
            return;
        }
        let service = self.clone();
        runner.handle(MATCH_KIND, move |_job| {
            let service = service.clone();
            Box::pin(async move {
                let stats = service
                    .match_new_segments()
                    .await
                    .map_err(|e| JobError::Transient(e.to_string()))?;
                tracing::info!(
                    segments = stats.segments,
                    subscriptions = stats.subscriptions,
                    matches = stats.matches,
                    alerts = stats.enqueued,
                    watched = stats.watched,
                    watch_hits = stats.watch_hits,
                    orgs_told = stats.told.orgs,
                    org_mails = stats.told.mails,
                    webhooks = stats.told.webhooks,
                    "new index segments matched against subscriptions and watchlists"
                );
                Ok(())
            })
        });
        let service = self.clone();
        runner.handle(lekradar_orgs::MATCH_WATCH_KIND, move |job| {
            let service = service.clone();
            Box::pin(async move {
                let work =
                    lekradar_orgs::MatchWatch::decode(&job.payload).map_err(JobError::Permanent)?;
                let n = service
                    .match_stored_entries(work)
                    .await
                    .map_err(|e| JobError::Transient(e.to_string()))?;
                tracing::debug!(entries = n, "stored watchlist entries matched");
                Ok(())
            })
        });
        let store = self.0.store.clone();
        runner.every_in_cluster(
            "alerts.forget-unconfirmed",
            std::time::Duration::from_secs(3600),
            move || {
                let store = store.clone();
                Box::pin(async move {
                    store
                        .subscriptions()
                        .delete_expired(now_us())
                        .await
                        .map(|_| ())
                        .map_err(|e| JobError::Transient(e.to_string()))
                })
            },
        );
    }
}

fn class_names(breach: &Breach, classes: u32) -> Vec<String> {
    breach
        .meta
        .class_names(classes)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The country advice is given for: the phone number's, else the one the
/// language suggests.
fn country_for(contact: &str, lang: Lang) -> Country {
    if contact.starts_with('+') {
        if let Ok(Identifier::Phone(p)) = read_identifier(contact, Region::NL) {
            return Country::from_calling_code(p.country_code());
        }
    }
    crate::advice::country_of_lang(lang)
}

/// The (subscription, breach index, classes) of `page` found in the new
/// segments of `work` (CPU only).
///
/// Per subscription: a bit test per breach with new segments; only where
/// the subscription's bucket holds new entries, one HKDF of the PRF output
/// (the tag) and a binary search per new segment.
pub(crate) fn match_page(
    snapshot: &lekradar_index::Snapshot,
    work: &[Fresh],
    page: &[subs::ActiveEntry],
) -> Vec<(i64, usize, u32)> {
    let mut out = Vec::new();
    for sub in page {
        // Most subscriptions' buckets hold no new entry: no HKDF for them.
        if !work.iter().any(|w| w.holds_bucket(sub.bucket)) {
            continue;
        }
        let Ok(output) = <[u8; OUTPUT_LEN]>::try_from(sub.prf_output.as_slice()) else {
            continue;
        };
        let filing = filing_of_output(sub.bucket, &output);
        for fresh in work.iter().filter(|w| w.holds_bucket(sub.bucket)) {
            let view: &BreachView = &snapshot.breaches()[fresh.index];
            let (key, _) = filing.in_breach(view.name());
            let v1 = filing.v1_key();
            let hit = fresh.segments.iter().any(|s| match s.format_version() {
                1 => s.get(&v1).is_some(),
                _ => s.get(&key).is_some(),
            });
            if hit {
                if let Some(classes) = filing.classes_in(view) {
                    out.push((sub.id, fresh.index, classes));
                }
            }
        }
    }
    out
}
