//! Telling an organisation that a new breach holds its people: one digest
//! mail to its owners (the breaches, how many of its people, what leaked
//! of them, the staff message) and a Standard Webhook per breach to each
//! of its enabled endpoints (`lekradar_messages::webhook`), both through
//! the outbox.
//!
//! Once per (organisation, breach): the ledger row (`org_alerted`), the
//! mails and the deliveries are written in one transaction, so a rerun of
//! the matching job, or a second server, finds the breach told already and
//! sends nothing; a crash before the commit leaves nothing half told.
//! Only shown entries count (a lapsed domain's people are not told about).
//!
//! Bodies are thin and hold no personal data: the event, the breach, the
//! count and the data classes, with links to fetch the details through the
//! API (`breacheddomain`) or the report page.

use std::collections::BTreeMap;
use std::sync::Arc;

use lekradar_l10n::Lang;
use lekradar_messages::outbox;
use lekradar_messages::webhook::{self, Delivery, Secrets, UrlRefused};
use lekradar_messages::{BreachItem, Content, MailKind};
use lekradar_store::jobs::now_us;
use lekradar_store::orgs::{self as db, WebhookRow};
use serde_json::json;

use crate::{hex, Member, OrgError, Orgs};

/// Endpoints per organisation.
pub const MAX_WEBHOOKS: usize = 10;

/// The event a new breach that holds an organisation's people sends.
pub const EVENT_BREACH: &str = "breach.matched";
/// The event of "send a test delivery".
pub const EVENT_TEST: &str = "webhook.test";

/// A breach new to the index, as the digest shows it in each language.
#[derive(Debug, Clone)]
pub struct BreachNews {
    pub name: String,
    /// Per language: the breach as a message shows it (its classes left
    /// empty: the organisation's people's are filled in) and the staff
    /// message.
    pub items: Vec<(Lang, BreachItem, String)>,
}

/// Data class names (as stored with the hits) written out in a language.
pub type ClassNames = Arc<dyn Fn(Lang, &str) -> String + Send + Sync>;

/// What [`Orgs::tell`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Told {
    /// Organisations told.
    pub orgs: u64,
    /// Digest mails enqueued.
    pub mails: u64,
    /// Webhook deliveries enqueued.
    pub webhooks: u64,
}

/// An endpoint as the page shows it.
#[derive(Debug, Clone)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub enabled: bool,
    /// Why it is disabled (`410 Gone`, or turned off by an owner).
    pub reason: Option<String>,
    /// The last attempt's outcome and when.
    pub last_status: Option<String>,
    pub last_at_us: Option<i64>,
    /// Secrets that sign now (2 during a rotation's overlap).
    pub signing: usize,
}

fn rfc3339(us: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(us)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Orgs {
    fn view(&self, row: &WebhookRow, now: i64) -> WebhookView {
        WebhookView {
            id: row.id,
            url: row.url.clone(),
            enabled: row.enabled,
            reason: row.reason.clone(),
            last_status: row.last_status.clone(),
            last_at_us: row.last_at_us,
            signing: Secrets::open(&self.0.mail.key, &row.secrets)
                .map_or(0, |s| s.count_valid(now)),
        }
    }

    /// The organisation's webhook endpoints (owners only).
    pub async fn webhooks(&self, m: &Member) -> Result<Vec<WebhookView>, OrgError> {
        m.owner()?;
        let org = m.org;
        let rows = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::webhooks(c, org).await }))
            .await?;
        let now = now_us();
        Ok(rows.iter().map(|r| self.view(r, now)).collect())
    }

    /// Adds an endpoint (owners only): its id and its signing secret, shown
    /// once.
    pub async fn add_webhook(&self, m: &Member, url: &str) -> Result<(i64, String), OrgError> {
        m.owner()?;
        let url = webhook::check_url(url, self.0.config.webhooks.allow_private)
            .await
            .map_err(OrgError::BadWebhook)?;
        let secret = webhook::new_secret();
        let sealed = Secrets::new(secret.clone()).seal(&self.0.mail.key);
        let (org, text) = (m.org, url.to_string());
        let entry = self.entry(m, "webhook.added", None, url.host_str().unwrap_or_default());
        let id = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if db::webhooks(c, org).await?.len() >= MAX_WEBHOOKS {
                        return Ok(Err(OrgError::TooManyWebhooks));
                    }
                    let id = db::add_webhook(c, org, &text, &sealed, now_us()).await?;
                    db::audit(c, org, &entry).await?;
                    Ok(Ok(id))
                })
            })
            .await??;
        Ok((id, secret))
    }

    /// Gives endpoint `id` a new secret (owners only), shown once; the old
    /// one keeps signing for [`webhook::ROTATION_OVERLAP`].
    pub async fn rotate_webhook(&self, m: &Member, id: i64) -> Result<String, OrgError> {
        m.owner()?;
        let secret = webhook::new_secret();
        let (org, key, new) = (m.org, self.0.mail.key.clone(), secret.clone());
        let entry = self.entry(m, "webhook.rotated", None, &id.to_string());
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let Some(row) = db::webhooks(c, org).await?.into_iter().find(|w| w.id == id)
                    else {
                        return Ok(Err(OrgError::NotFound));
                    };
                    let Some(mut secrets) = Secrets::open(&key, &row.secrets) else {
                        return Ok(Err(OrgError::Unavailable));
                    };
                    secrets.rotate(new, now_us(), webhook::ROTATION_OVERLAP);
                    db::set_webhook_secrets(c, org, id, &secrets.seal(&key)).await?;
                    db::audit(c, org, &entry).await?;
                    Ok(Ok(()))
                })
            })
            .await??;
        Ok(secret)
    }

    /// Turns endpoint `id` on or off (owners only); turning it on is how
    /// an endpoint disabled by a `410 Gone` comes back.
    pub async fn set_webhook_enabled(
        &self,
        m: &Member,
        id: i64,
        enabled: bool,
    ) -> Result<(), OrgError> {
        m.owner()?;
        let org = m.org;
        let action = if enabled {
            "webhook.enabled"
        } else {
            "webhook.disabled"
        };
        let entry = self.entry(m, action, None, &id.to_string());
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let reason = (!enabled).then_some("turned off by an owner");
                    if db::set_webhook_state(c, org, id, reason).await? == 0 {
                        return Ok(Err(OrgError::NotFound));
                    }
                    db::audit(c, org, &entry).await?;
                    Ok(Ok(()))
                })
            })
            .await?
    }

    /// Removes endpoint `id` (owners only); deliveries queued for it are
    /// dropped.
    pub async fn remove_webhook(&self, m: &Member, id: i64) -> Result<(), OrgError> {
        m.owner()?;
        let org = m.org;
        let entry = self.entry(m, "webhook.removed", None, &id.to_string());
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if db::remove_webhook(c, org, id).await? == 0 {
                        return Ok(Err(OrgError::NotFound));
                    }
                    db::audit(c, org, &entry).await?;
                    Ok(Ok(()))
                })
            })
            .await?
    }

    /// Sends a test event to endpoint `id` (owners only), through the
    /// outbox like any delivery.
    pub async fn test_webhook(&self, m: &Member, id: i64) -> Result<(), OrgError> {
        m.owner()?;
        let (org, now) = (m.org, now_us());
        let mut nonce = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        let delivery = Delivery {
            endpoint: id,
            id: format!("msg_{}", hex(&nonce)),
            body: json!({
                "type": EVENT_TEST,
                "timestamp": rfc3339(now),
                "data": { "organisation": m.public_id },
            })
            .to_string(),
        };
        let attempts = self.0.config.webhooks.attempts();
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if !db::webhooks(c, org).await?.iter().any(|w| w.id == id) {
                        return Ok(Err(OrgError::NotFound));
                    }
                    webhook::enqueue(c, &delivery, attempts).await?;
                    Ok(Ok(()))
                })
            })
            .await?
    }

    /// Tells every organisation whose people `news` holds and that was not
    /// told about it yet: a digest to its owners, a webhook per breach to
    /// its enabled endpoints. `classes` writes data class names out.
    pub async fn tell(&self, news: &[BreachNews], classes: ClassNames) -> Result<Told, OrgError> {
        let names: Vec<String> = news.iter().map(|n| n.name.clone()).collect();
        if names.is_empty() {
            return Ok(Told::default());
        }
        let rule = self.phone_rule();
        let untold = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::untold(c, &names, rule).await }))
            .await?;
        // Per organisation, per breach: people and the data classes of
        // their records.
        let mut per_org: BTreeMap<i64, BTreeMap<String, (i64, Vec<String>)>> = BTreeMap::new();
        for u in untold {
            let slot = per_org
                .entry(u.org)
                .or_default()
                .entry(u.breach)
                .or_insert((0, Vec::new()));
            slot.0 += u.people;
            for class in u.classes.split(", ").filter(|c| !c.is_empty()) {
                if !slot.1.iter().any(|c| c == class) {
                    slot.1.push(class.to_owned());
                }
            }
        }
        let news = Arc::new(news.to_vec());
        let mut told = Told::default();
        for (org, breaches) in per_org {
            let (orgs, news, classes) = (self.clone(), Arc::clone(&news), Arc::clone(&classes));
            let one = self
                .0
                .store
                .transaction(move |c| {
                    Box::pin(async move { orgs.tell_one(c, org, &breaches, &news, &classes).await })
                })
                .await?;
            if one.orgs > 0 {
                told.orgs += 1;
                told.mails += one.mails;
                told.webhooks += one.webhooks;
            }
        }
        Ok(told)
    }

    async fn tell_one(
        &self,
        c: &mut lekradar_store::Conn<'_>,
        org: i64,
        breaches: &BTreeMap<String, (i64, Vec<String>)>,
        news: &[BreachNews],
        classes: &ClassNames,
    ) -> Result<Told, lekradar_store::StoreError> {
        let now = now_us();
        let mut new = Vec::new();
        for (breach, (people, class_list)) in breaches {
            if db::mark_told(c, org, breach, *people, now).await? {
                new.push((breach.clone(), *people, class_list.clone()));
            }
        }
        let Some((public_id, name)) = db::org_public(c, org).await? else {
            return Ok(Told::default());
        };
        if new.is_empty() {
            return Ok(Told::default());
        }
        let mut told = Told {
            orgs: 1,
            ..Told::default()
        };
        let public = &self.0.mail.public_url;
        let report = format!("{public}/org/{public_id}/report");
        // The digest, in each owner's language.
        let event = format!(
            "org-digest:{public_id}:{}",
            new.iter()
                .map(|(b, _, _)| b.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        for (_, sealed, lang) in db::owners(c, org).await? {
            let Some(to) = self.open(&sealed) else {
                tracing::warn!("an owner's address does not open with this contact key");
                continue;
            };
            let lang = Lang::ALL
                .into_iter()
                .find(|l| l.code() == lang)
                .unwrap_or(Lang::En);
            let items = new
                .iter()
                .filter_map(|(breach, people, class_list)| {
                    let n = news.iter().find(|n| &n.name == breach)?;
                    let (_, item, staff) = n
                        .items
                        .iter()
                        .find(|(l, _, _)| *l == lang)
                        .or(n.items.first())?;
                    Some(BreachItem {
                        classes: class_list.iter().map(|c| classes(lang, c)).collect(),
                        people: u64::try_from(*people).ok(),
                        staff: Some(staff.clone()),
                        ..item.clone()
                    })
                })
                .collect::<Vec<_>>();
            if items.is_empty() {
                continue;
            }
            let content = Content {
                org: Some(name.clone()),
                breaches: items,
                link: Some(report.clone()),
                ..Content::default()
            };
            let mail = self
                .mail(MailKind::OrgDigest, lang, &to, &event, &content)
                .map_err(|_| lekradar_store::StoreError::aborted("a message template failed"))?;
            if outbox::enqueue_mail(c, &self.0.mail.key, &mail).await? {
                told.mails += 1;
            }
        }
        // A delivery per breach to each enabled endpoint.
        let attempts = self.0.config.webhooks.attempts();
        let domains: Vec<String> = db::domains(c, org)
            .await?
            .into_iter()
            .filter(|d| d.state == db::DomainState::Verified)
            .map(|d| d.domain)
            .collect();
        let endpoints: Vec<i64> = db::webhooks(c, org)
            .await?
            .into_iter()
            .filter(|w| w.enabled)
            .map(|w| w.id)
            .collect();
        for (breach, people, class_list) in &new {
            let id = format!(
                "msg_{}",
                hex(&self
                    .0
                    .mail
                    .key
                    .mac(b"webhook-id", &[public_id.as_bytes(), breach.as_bytes()])[..16])
            );
            let body = json!({
                "type": EVENT_BREACH,
                "timestamp": rfc3339(now),
                "data": {
                    "organisation": public_id,
                    "breach": breach,
                    "people": people,
                    "data_classes": class_list,
                    "links": {
                        "breach": format!("{public}/api/v3/breach/{breach}"),
                        "report": report,
                        "breacheddomain": domains
                            .iter()
                            .map(|d| format!("{public}/api/v3/breacheddomain/{d}"))
                            .collect::<Vec<_>>(),
                    },
                },
            })
            .to_string();
            for &endpoint in &endpoints {
                let delivery = Delivery {
                    endpoint,
                    id: id.clone(),
                    body: body.clone(),
                };
                if webhook::enqueue(c, &delivery, attempts).await? {
                    told.webhooks += 1;
                }
            }
        }
        Ok(told)
    }
}

/// Why an endpoint's URL was refused, for [`OrgError::BadWebhook`].
pub type WebhookRefused = UrlRefused;
