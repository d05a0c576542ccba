//! The outbox: messages as durable jobs of the runner (`lekradar-jobs`),
//! kinds `outbox.mail`, `outbox.sms` and `outbox.webhook` (the last in
//! [`crate::webhook`]).
//!
//! A message is rendered and **sealed with the contact key** when it is
//! enqueued, in the same store transaction as the event that causes it
//! ([`enqueue_mail`], [`enqueue_sms`] take a `Conn`); the job row holds only
//! the sealed bytes and a dedup key that is a keyed hash. A runner claims it
//! with a lease, opens and sends it outside any transaction, and marks it
//! done; a temporary failure is retried with backoff, a permanent one (or
//! too many tries) leaves it dead for `lekradar outbox list|retry`.
//!
//! Exactly once, as far as a network allows: the dedup key makes a second
//! enqueue of the same (recipient, event) do nothing, and the Message-ID is
//! derived from the same pair, so the one duplicate that can happen — a
//! send cut between the server's acceptance and the job's mark — carries
//! the same Message-ID and can be recognised.

use lekradar_jobs::{JobError, Runner};
use lekradar_store::{Conn, NewJob, StoreError};
use serde::{Deserialize, Serialize};

use crate::contact::{hex, ContactKey};
use crate::mail::{Mailer, OutgoingMail, SendError};
use crate::sms::SmsGateway;
use crate::webhook::WebhookSender;

/// The job kind of a mail.
pub const MAIL: &str = "outbox.mail";
/// The job kind of a text message.
pub const SMS: &str = "outbox.sms";
/// Tries before a message is dead (with the runner's backoff, about a day).
pub const MAX_ATTEMPTS: u32 = 16;

/// A text message, ready to send.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingSms {
    /// E.164.
    pub to: String,
    pub text: String,
}

impl std::fmt::Debug for OutgoingSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingSms").finish_non_exhaustive()
    }
}

/// The id of the message about `event` to `recipient`: the same pair
/// always gives the same id (32 hex digits), nobody without the contact key
/// can link it to the recipient.
pub fn message_id(key: &ContactKey, recipient: &str, event: &str) -> String {
    hex(&key.mac(b"message-id", &[recipient.as_bytes(), event.as_bytes()])[..16])
}

/// Enqueues `mail` on `c` (with the event causing it); `false` when a
/// message with its id was enqueued already.
pub async fn enqueue_mail(
    c: &mut Conn<'_>,
    key: &ContactKey,
    mail: &OutgoingMail,
) -> Result<bool, StoreError> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(mail).unwrap_or_default());
    let job = NewJob::new(MAIL, key.seal(MAIL.as_bytes(), &json))
        .dedup_key(format!("outbox:{}", mail.message_id))
        .max_attempts(MAX_ATTEMPTS);
    Ok(lekradar_store::jobs::enqueue(c, &job).await?.is_some())
}

/// Enqueues `sms` with the id `message_id` (see [`message_id`]) on `c`;
/// `false` when it was enqueued already.
pub async fn enqueue_sms(
    c: &mut Conn<'_>,
    key: &ContactKey,
    sms: &OutgoingSms,
    message_id: &str,
) -> Result<bool, StoreError> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(sms).unwrap_or_default());
    let job = NewJob::new(SMS, key.seal(SMS.as_bytes(), &json))
        .dedup_key(format!("outbox:{message_id}"))
        .max_attempts(MAX_ATTEMPTS);
    Ok(lekradar_store::jobs::enqueue(c, &job).await?.is_some())
}

/// The senders of this process; registered on its runner.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub key: ContactKey,
    pub mailer: Option<Mailer>,
    pub sms: Option<SmsGateway>,
    /// Organisations' webhooks (`outbox.webhook`).
    pub webhooks: Option<WebhookSender>,
}

fn job_error(e: SendError) -> JobError {
    match e {
        SendError::Transient(m) => JobError::Transient(m),
        SendError::Permanent(m) => JobError::Permanent(m),
    }
}

impl Outbox {
    /// Registers a handler for each kind this process can send: a runner
    /// without a mailer leaves mail for one that has it.
    pub fn register(&self, runner: &mut Runner) {
        if let Some(mailer) = &self.mailer {
            let (key, mailer) = (self.key.clone(), mailer.clone());
            runner.handle(MAIL, move |job| {
                let (key, mailer) = (key.clone(), mailer.clone());
                Box::pin(async move {
                    let json = key
                        .open(MAIL.as_bytes(), &job.payload)
                        .map_err(|e| JobError::Permanent(e.to_string()))?;
                    let mail: OutgoingMail = serde_json::from_slice(&json).map_err(|_| {
                        JobError::Permanent("the sealed mail is not readable".into())
                    })?;
                    mailer.send(&mail).await.map_err(job_error)
                })
            });
        }
        if let Some(webhooks) = &self.webhooks {
            webhooks.register(runner);
        }
        if let Some(gateway) = &self.sms {
            let (key, gateway) = (self.key.clone(), gateway.clone());
            runner.handle(SMS, move |job| {
                let (key, gateway) = (key.clone(), gateway.clone());
                Box::pin(async move {
                    let json = key
                        .open(SMS.as_bytes(), &job.payload)
                        .map_err(|e| JobError::Permanent(e.to_string()))?;
                    let sms: OutgoingSms = serde_json::from_slice(&json).map_err(|_| {
                        JobError::Permanent("the sealed text message is not readable".into())
                    })?;
                    gateway.send(&sms.to, &sms.text).await.map_err(job_error)
                })
            });
        }
    }
}
