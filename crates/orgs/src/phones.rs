//! Mobile numbers confirmed by their holders.
//!
//! In an owner-only deployment nobody learns whether an identifier is in a
//! breach unless they hold it. An organisation watching its people's work
//! addresses has proved their domain; a mobile number has no domain, so its
//! holder proves consent instead: adding a number sends it a six-digit code
//! by SMS ([`SmsKind::OrgCode`]: who asks, and that nothing is shown without
//! the code), and the number's results (report, export, digest, webhooks)
//! stay hidden until an owner types the code the holder gave them.
//!
//! - A code holds for [`CODE_VALID_US`] and [`MAX_TRIES`] wrong tries;
//!   "send again" sends a new one, at most once per [`RESEND_AFTER_US`].
//! - Only the code's keyed hash is stored (`org_watch_codes`), never the
//!   code; the SMS goes through the outbox like every message.
//! - Where every number's results are shown (public mode) nothing is sent.

use std::sync::Arc;

use lekradar_l10n::Lang;
use lekradar_messages::outbox::{self, message_id, OutgoingSms};
use lekradar_messages::{ContactKey, Content, SmsKind, Templates};
use lekradar_store::jobs::now_us;
use lekradar_store::orgs::{self as db, CodeTry, PhoneRule};
use lekradar_store::{Conn, StoreError};
use rand::Rng;

use crate::{Member, OrgError, Orgs};

/// How long a code holds.
pub const CODE_VALID_US: i64 = 7 * 24 * 3600 * 1_000_000;
/// Wrong tries a code takes before it ends.
pub const MAX_TRIES: i64 = 5;
/// A new code for one number at the earliest this long after the last.
pub const RESEND_AFTER_US: i64 = 60 * 1_000_000;

const CODE_PURPOSE: &[u8] = b"org-phone-code";

/// What sending a code needs, prepared outside the transaction.
pub(crate) struct CodeSender {
    key: ContactKey,
    templates: Arc<Templates>,
    org_name: String,
}

fn code_hash(key: &ContactKey, watch: i64, code: &str) -> Vec<u8> {
    key.mac(CODE_PURPOSE, &[&watch.to_be_bytes(), code.as_bytes()])
        .to_vec()
}

/// Sends a fresh code to entry `watch`'s number (its sealed `entry`), in
/// `lang`, unless one went out within [`RESEND_AFTER_US`]; whether it went.
pub(crate) async fn send_code_tx(
    c: &mut Conn<'_>,
    sender: &CodeSender,
    watch: i64,
    entry: &[u8],
    lang: Lang,
    now: i64,
) -> Result<bool, StoreError> {
    let Ok(opened) = sender.key.open(b"org-watch", entry) else {
        tracing::error!("a watch entry does not open with the contact key: no code sent");
        return Ok(false);
    };
    let plain = String::from_utf8_lossy(&opened).into_owned();
    let number = plain.split('\u{1f}').next().unwrap_or_default().to_owned();
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    let content = Content {
        code: Some(code.clone()),
        org: Some(sender.org_name.clone()),
        ..Content::default()
    };
    let text = match sender.templates.sms(SmsKind::OrgCode, lang, &content) {
        Ok(text) => text,
        Err(e) => {
            tracing::error!(error = %e, "the confirmation SMS cannot be written: no code sent");
            return Ok(false);
        }
    };
    let hash = code_hash(&sender.key, watch, &code);
    if !db::put_phone_code(
        c,
        watch,
        &hash,
        now,
        now + CODE_VALID_US,
        now - RESEND_AFTER_US,
    )
    .await?
    {
        return Ok(false);
    }
    let id = message_id(
        &sender.key,
        &number,
        &format!("org-phone-code:{watch}:{now}"),
    );
    outbox::enqueue_sms(c, &sender.key, &OutgoingSms { to: number, text }, &id).await?;
    Ok(true)
}

impl Orgs {
    /// Which numbers' results may be shown here.
    pub(crate) fn phone_rule(&self) -> PhoneRule {
        if self.0.config.confirm_phones {
            PhoneRule::Confirmed
        } else {
            PhoneRule::All
        }
    }

    /// Whether numbers need their holder's confirmation here.
    pub fn confirms_phones(&self) -> bool {
        self.0.config.confirm_phones
    }

    pub(crate) fn code_sender(&self, m: &Member) -> CodeSender {
        CodeSender {
            key: self.0.mail.key.clone(),
            templates: Arc::clone(&self.0.mail.templates),
            org_name: m.name.clone(),
        }
    }

    /// Confirms `m`'s organisation's number `id` with the `code` its holder
    /// gave (owners only).
    pub async fn confirm_phone(&self, m: &Member, id: i64, code: &str) -> Result<(), OrgError> {
        m.owner()?;
        if !self.0.config.confirm_phones {
            return Err(OrgError::NotFound);
        }
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OrgError::WrongCode { left: None });
        }
        let hash = code_hash(&self.0.mail.key, id, &code);
        let org = m.org;
        let now = now_us();
        let tried = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if db::unconfirmed_phone(c, org, id).await?.is_none() {
                        return Ok(None);
                    }
                    db::try_phone_code(c, org, id, &hash, MAX_TRIES, now)
                        .await
                        .map(Some)
                })
            })
            .await?;
        match tried {
            None => Err(OrgError::NotFound),
            Some(CodeTry::Confirmed) => {
                self.record(m, "watchlist.phone-confirmed", "").await?;
                Ok(())
            }
            Some(CodeTry::Wrong { left }) => Err(OrgError::WrongCode {
                left: Some(left.max(0)),
            }),
            Some(CodeTry::NoCode) => Err(OrgError::CodeEnded),
        }
    }

    /// The language `m` reads (the codes they have sent go out in it).
    pub(crate) async fn member_lang(&self, m: &Member) -> Result<Lang, OrgError> {
        let person = m.person;
        let lang = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::person(c, person).await }))
            .await?
            .and_then(|p| p.lang.parse().ok())
            .unwrap_or(Lang::En);
        Ok(lang)
    }

    /// Sends a new code to `m`'s organisation's unconfirmed number `id`
    /// (owners only).
    pub async fn resend_phone_code(&self, m: &Member, id: i64) -> Result<(), OrgError> {
        m.owner()?;
        if !self.0.config.confirm_phones {
            return Err(OrgError::NotFound);
        }
        let lang = self.member_lang(m).await?;
        let sender = self.code_sender(m);
        let org = m.org;
        let now = now_us();
        let sent = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let Some(entry) = db::unconfirmed_phone(c, org, id).await? else {
                        return Ok(None);
                    };
                    send_code_tx(c, &sender, id, &entry, lang, now)
                        .await
                        .map(Some)
                })
            })
            .await?;
        match sent {
            None => Err(OrgError::NotFound),
            Some(false) => Err(OrgError::CodeSentRecently),
            Some(true) => self.record(m, "watchlist.code-sent", "").await,
        }
    }
}
