//! Outgoing messages, knowing nothing of HTTP routing: mail over SMTP
//! signed with DKIM ([`mail`]), SMS through Kannel ([`sms`]), the texts of
//! both per language ([`templates`]), the contact key that seals every
//! address and number Lekradar keeps ([`contact`]), Standard Webhooks
//! ([`webhook`]), and the outbox's job handlers on the runner ([`outbox`]).
//!
//! ```text
//! event (service, in a store transaction) ─► templates ─► seal ─► outbox job
//! runner ─► claim ─► open ─► Mailer / SmsGateway / WebhookSender ─► mark done
//! ```
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod contact;
pub mod mail;
pub mod outbox;
pub mod sms;
pub mod templates;
pub mod webhook;

pub use contact::{ContactKey, ContactKeyError, OpenError};
pub use mail::{DkimSettings, MailConfig, MailConfigError, Mailer, OutgoingMail, SendError};
pub use outbox::{Outbox, OutgoingSms};
pub use sms::{SmsConfig, SmsConfigError, SmsGateway};
pub use templates::{
    AdviceItem, BreachItem, Content, MailKind, RenderedMail, SmsKind, TemplateError, Templates,
};
pub use webhook::{WebhookConfig, WebhookSender};
