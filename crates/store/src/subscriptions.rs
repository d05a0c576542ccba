//! Alert subscriptions, the ledger of what was alerted, the segments
//! already matched, and opt-outs (migration `0004_subscriptions`).
//!
//! A row never holds an identifier: it is found by the keyed PRF output of
//! the identifier (`prf_output`, unique), carries the identifier's 24-bit
//! bucket for matching, and the contact to write to sealed by the caller
//! with the contact key (`contact`, opaque bytes here). A pending row holds
//! only a hash of its confirmation secret (`secret_hash`): the SHA-256 of an
//! email link's token, or a keyed hash of a phone's code.

use crate::conn::Conn;
use crate::portable::{execute, query, AnyRow};
use crate::{Store, StoreError};

/// What is subscribed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionKind {
    Email,
    Phone,
}

impl SubscriptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionKind::Email => "email",
            SubscriptionKind::Phone => "phone",
        }
    }

    fn parse(s: &str) -> Result<SubscriptionKind, StoreError> {
        match s {
            "email" => Ok(SubscriptionKind::Email),
            "phone" => Ok(SubscriptionKind::Phone),
            other => Err(StoreError::corrupt(format!(
                "{other:?} is not a subscription kind"
            ))),
        }
    }
}

/// Why a row exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Alerts about new breaches.
    Alerts,
    /// A request to hide the identifier from public search (HIBP's
    /// opt-out); confirmed like a subscription, then an `opt_outs` row.
    OptOut,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Alerts => "alerts",
            Purpose::OptOut => "opt-out",
        }
    }

    fn parse(s: &str) -> Result<Purpose, StoreError> {
        match s {
            "alerts" => Ok(Purpose::Alerts),
            "opt-out" => Ok(Purpose::OptOut),
            other => Err(StoreError::corrupt(format!(
                "{other:?} is not a subscription purpose"
            ))),
        }
    }
}

/// A subscription row (its secret hash aside).
#[derive(Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub kind: SubscriptionKind,
    pub purpose: Purpose,
    pub prf_output: Vec<u8>,
    pub bucket: u32,
    /// Sealed with the contact key.
    pub contact: Vec<u8>,
    pub lang: String,
    pub active: bool,
    pub secret_tries: u32,
    pub expires_at_us: Option<i64>,
    pub sent_at_us: Option<i64>,
    /// A phone subscription's email address for alerts, sealed with the
    /// contact key, and whether its owner confirmed it (until then alerts
    /// go by SMS).
    pub mail_to: Option<Vec<u8>>,
    pub mail_to_confirmed: bool,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str =
    "id, kind, prf_output, bucket, contact, lang, state, secret_tries, expires_at_us, sent_at_us, purpose, \
     mail_to, mail_to_expires_us";

fn row(r: &AnyRow<'_, '_>) -> Result<Subscription, StoreError> {
    let kind: String = r.get(1)?;
    let state: String = r.get(6)?;
    let bucket: i64 = r.get(3)?;
    let tries: i64 = r.get(7)?;
    let purpose: String = r.get(10)?;
    let mail_to: Option<Vec<u8>> = r.get(11)?;
    // Pending while its link can still be followed (or not yet sent).
    let mail_to_expires: Option<i64> = r.get(12)?;
    Ok(Subscription {
        id: r.get(0)?,
        kind: SubscriptionKind::parse(&kind)?,
        purpose: Purpose::parse(&purpose)?,
        prf_output: r.get(2)?,
        bucket: u32::try_from(bucket).map_err(|_| StoreError::corrupt("subscription bucket"))?,
        contact: r.get(4)?,
        lang: r.get(5)?,
        active: state == "active",
        secret_tries: u32::try_from(tries).unwrap_or(u32::MAX),
        expires_at_us: r.get(8)?,
        sent_at_us: r.get(9)?,
        mail_to_confirmed: mail_to.is_some() && mail_to_expires.is_none(),
        mail_to,
    })
}

/// A new pending subscription.
#[derive(Clone)]
pub struct NewSubscription {
    pub kind: SubscriptionKind,
    pub purpose: Purpose,
    pub prf_output: Vec<u8>,
    pub bucket: u32,
    pub contact: Vec<u8>,
    pub lang: String,
    pub secret_hash: Vec<u8>,
    pub expires_at_us: i64,
    /// For a phone: an email address (sealed) to send alerts to once its
    /// owner confirms, asked for with the number.
    pub mail_to: Option<Vec<u8>>,
}

/// What [`request`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// A new pending row: send its confirmation.
    Created(i64),
    /// The pending row got a fresh secret: send its confirmation again.
    Renewed(i64),
    /// A confirmation went out less than the throttle ago: send nothing.
    Throttled,
    /// Already confirmed: send nothing.
    AlreadyActive(i64),
}

/// Asks for a subscription: a new pending row, or a pending row renewed
/// with a new secret unless its last confirmation went out less than
/// `throttle_us` ago; an active one is left alone. Call in a transaction.
pub async fn request(
    c: &mut Conn<'_>,
    new: &NewSubscription,
    throttle_us: i64,
    now_us: i64,
) -> Result<Requested, StoreError> {
    let existing = by_prf_output(c, &new.prf_output, new.purpose).await?;
    // An address given with the request is pending until its own link is
    // followed (see `confirm_mail_to`).
    let mail_to_expires = new.mail_to.as_ref().map(|_| new.expires_at_us);
    match existing {
        Some(s) if s.active => Ok(Requested::AlreadyActive(s.id)),
        Some(s) if s.sent_at_us.is_some_and(|t| now_us - t < throttle_us) => {
            Ok(Requested::Throttled)
        }
        Some(s) => {
            execute(
                c,
                "renewing a subscription request",
                "UPDATE subscriptions SET contact = $1, lang = $2, secret_hash = $3, secret_tries = 0, \
                 expires_at_us = $4, sent_at_us = $5, mail_to = $7, mail_to_expires_us = $8 \
                 WHERE id = $6 AND state = 'pending'",
                &[
                    &new.contact,
                    &new.lang,
                    &new.secret_hash,
                    &new.expires_at_us,
                    &now_us,
                    &s.id,
                    &new.mail_to,
                    &mail_to_expires,
                ],
            )
            .await?;
            Ok(Requested::Renewed(s.id))
        }
        None => {
            let bucket = i64::from(new.bucket);
            let ids = query(
                c,
                "adding a subscription request",
                "INSERT INTO subscriptions (kind, prf_output, bucket, contact, lang, state, secret_hash, \
                 expires_at_us, sent_at_us, created_at_us, purpose, mail_to, mail_to_expires_us) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $8, $9, $10, $11) RETURNING id",
                &[
                    &new.kind.as_str(),
                    &new.prf_output,
                    &bucket,
                    &new.contact,
                    &new.lang,
                    &new.secret_hash,
                    &new.expires_at_us,
                    &now_us,
                    &new.purpose.as_str(),
                    &new.mail_to,
                    &mail_to_expires,
                ],
                |r| r.get::<i64>(0),
            )
            .await?;
            ids.first()
                .copied()
                .map(Requested::Created)
                .ok_or_else(|| StoreError::corrupt("INSERT … RETURNING gave no row"))
        }
    }
}

/// The row of this PRF output for `purpose`, if any.
pub async fn by_prf_output(
    c: &mut Conn<'_>,
    prf_output: &[u8],
    purpose: Purpose,
) -> Result<Option<Subscription>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM subscriptions WHERE prf_output = $1 AND purpose = $2");
    let prf_output = prf_output.to_vec();
    Ok(query(
        c,
        "finding a subscription",
        &sql,
        &[&prf_output, &purpose.as_str()],
        row,
    )
    .await?
    .into_iter()
    .next())
}

/// The subscription `id`, if any.
pub async fn get(c: &mut Conn<'_>, id: i64) -> Result<Option<Subscription>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM subscriptions WHERE id = $1");
    Ok(query(c, "reading a subscription", &sql, &[&id], row)
        .await?
        .into_iter()
        .next())
}

/// Confirms the pending subscription whose secret hashes to `secret_hash`,
/// if it has not expired; the secret is gone afterwards (single use).
pub async fn confirm(
    c: &mut Conn<'_>,
    secret_hash: &[u8],
    now_us: i64,
) -> Result<Option<Subscription>, StoreError> {
    let sql = format!(
        "UPDATE subscriptions SET state = 'active', secret_hash = NULL, expires_at_us = NULL, \
         confirmed_at_us = $2 WHERE secret_hash = $1 AND state = 'pending' AND expires_at_us > $2 \
         RETURNING {COLUMNS}"
    );
    one_by_secret(c, "confirming a subscription", &sql, secret_hash, now_us).await
}

/// The row an `UPDATE … WHERE <secret> = $1 … $2 … RETURNING` changed, if any.
async fn one_by_secret(
    c: &mut Conn<'_>,
    context: &'static str,
    sql: &str,
    secret_hash: &[u8],
    now_us: i64,
) -> Result<Option<Subscription>, StoreError> {
    let secret_hash = secret_hash.to_vec();
    Ok(query(c, context, sql, &[&secret_hash, &now_us], row)
        .await?
        .into_iter()
        .next())
}

/// Counts a wrong code against subscription `id`; its tries now.
pub async fn count_try(c: &mut Conn<'_>, id: i64) -> Result<u32, StoreError> {
    let tries = query(
        c,
        "counting a confirmation try",
        "UPDATE subscriptions SET secret_tries = secret_tries + 1 WHERE id = $1 RETURNING secret_tries",
        &[&id],
        |r| r.get::<i64>(0),
    )
    .await?;
    Ok(tries
        .first()
        .map_or(0, |&t| u32::try_from(t).unwrap_or(u32::MAX)))
}

/// Deletes subscription `id` and its ledger; whether it existed.
pub async fn delete(c: &mut Conn<'_>, id: i64) -> Result<bool, StoreError> {
    execute(
        c,
        "deleting a subscription's ledger",
        "DELETE FROM alert_ledger WHERE subscription = $1",
        &[&id],
    )
    .await?;
    Ok(execute(
        c,
        "deleting a subscription",
        "DELETE FROM subscriptions WHERE id = $1",
        &[&id],
    )
    .await?
        > 0)
}

/// Sets the token (its hash) that confirms an active phone subscription's
/// `mail_to`, valid until `expires_at_us`.
pub async fn set_mail_to_secret(
    c: &mut Conn<'_>,
    id: i64,
    secret_hash: &[u8],
    expires_at_us: i64,
) -> Result<bool, StoreError> {
    let secret_hash = secret_hash.to_vec();
    Ok(execute(
        c,
        "asking to confirm a subscription's email address",
        "UPDATE subscriptions SET mail_to_secret = $1, mail_to_expires_us = $2 \
         WHERE id = $3 AND state = 'active' AND mail_to IS NOT NULL",
        &[&secret_hash, &expires_at_us, &id],
    )
    .await?
        > 0)
}

/// Confirms the `mail_to` whose token hashes to `secret_hash`, if it has
/// not expired (single use); the subscription, alerted by mail from now on.
pub async fn confirm_mail_to(
    c: &mut Conn<'_>,
    secret_hash: &[u8],
    now_us: i64,
) -> Result<Option<Subscription>, StoreError> {
    let sql = format!(
        "UPDATE subscriptions SET mail_to_secret = NULL, mail_to_expires_us = NULL \
         WHERE mail_to_secret = $1 AND state = 'active' AND mail_to_expires_us > $2 \
         RETURNING {COLUMNS}"
    );
    one_by_secret(
        c,
        "confirming a subscription's email address",
        &sql,
        secret_hash,
        now_us,
    )
    .await
}

/// Deletes pending subscriptions whose confirmation expired before `now_us`,
/// and the email addresses whose link was not confirmed in time.
pub async fn delete_expired(c: &mut Conn<'_>, now_us: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "forgetting unconfirmed email addresses for alerts",
        "UPDATE subscriptions SET mail_to = NULL, mail_to_secret = NULL, mail_to_expires_us = NULL \
         WHERE mail_to IS NOT NULL AND mail_to_expires_us <= $1",
        &[&now_us],
    )
    .await?;
    execute(
        c,
        "deleting expired subscription requests",
        "DELETE FROM subscriptions WHERE state = 'pending' AND expires_at_us <= $1",
        &[&now_us],
    )
    .await
}

/// An active subscription, as matching needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct ActiveEntry {
    pub id: i64,
    pub bucket: u32,
    pub prf_output: Vec<u8>,
}

/// Up to `limit` active subscriptions with an id above `after`, by id.
pub async fn active_page(
    c: &mut Conn<'_>,
    after: i64,
    limit: i64,
) -> Result<Vec<ActiveEntry>, StoreError> {
    query(
        c,
        "reading active subscriptions",
        "SELECT id, bucket, prf_output FROM subscriptions WHERE state = 'active' AND purpose = 'alerts' \
         AND id > $1 ORDER BY id LIMIT $2",
        &[&after, &limit],
        |r| {
            let bucket: i64 = r.get(1)?;
            Ok(ActiveEntry {
                id: r.get(0)?,
                bucket: u32::try_from(bucket).map_err(|_| StoreError::corrupt("subscription bucket"))?,
                prf_output: r.get(2)?,
            })
        },
    )
    .await
}

/// Records that subscription `id` was told about `breach`; `false` when it
/// was already (the message must then not be sent).
pub async fn ledger_insert(
    c: &mut Conn<'_>,
    id: i64,
    breach: &str,
    now_us: i64,
) -> Result<bool, StoreError> {
    let breach = breach.to_owned();
    Ok(execute(
        c,
        "recording an alert",
        "INSERT INTO alert_ledger (subscription, breach, created_at_us) VALUES ($1, $2, $3) \
         ON CONFLICT (subscription, breach) DO NOTHING",
        &[&id, &breach, &now_us],
    )
    .await?
        > 0)
}

/// The index segments already matched.
pub async fn scanned_segments(c: &mut Conn<'_>) -> Result<Vec<String>, StoreError> {
    query(
        c,
        "reading matched segments",
        "SELECT segment FROM alert_scans",
        &[],
        |r| r.get(0),
    )
    .await
}

/// Records `segment` as matched.
pub async fn mark_scanned(c: &mut Conn<'_>, segment: &str, now_us: i64) -> Result<(), StoreError> {
    let segment = segment.to_owned();
    execute(
        c,
        "recording a matched segment",
        "INSERT INTO alert_scans (segment, scanned_at_us) VALUES ($1, $2) ON CONFLICT (segment) DO NOTHING",
        &[&segment, &now_us],
    )
    .await?;
    Ok(())
}

/// Hides an identifier from public search; `false` if it was already.
pub async fn opt_out(
    c: &mut Conn<'_>,
    prf_output: &[u8],
    bucket: u32,
    now_us: i64,
) -> Result<bool, StoreError> {
    let (prf_output, bucket) = (prf_output.to_vec(), i64::from(bucket));
    Ok(execute(
        c,
        "recording an opt-out",
        "INSERT INTO opt_outs (prf_output, bucket, created_at_us) VALUES ($1, $2, $3) \
         ON CONFLICT (prf_output) DO NOTHING",
        &[&prf_output, &bucket, &now_us],
    )
    .await?
        > 0)
}

/// Every opted-out identifier: (PRF output, bucket).
pub async fn opt_outs(c: &mut Conn<'_>) -> Result<Vec<(Vec<u8>, u32)>, StoreError> {
    query(
        c,
        "reading opt-outs",
        "SELECT prf_output, bucket FROM opt_outs",
        &[],
        |r| {
            let bucket: i64 = r.get(1)?;
            Ok((
                r.get(0)?,
                u32::try_from(bucket).map_err(|_| StoreError::corrupt("opt-out bucket"))?,
            ))
        },
    )
    .await
}

/// `store.subscriptions()`: single operations outside a larger transaction.
pub struct Subscriptions<'s>(pub(crate) &'s Store);

impl Subscriptions<'_> {
    pub async fn get(&self, id: i64) -> Result<Option<Subscription>, StoreError> {
        self.0
            .run(move |c| Box::pin(async move { get(c, id).await }))
            .await
    }

    pub async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        self.0
            .transaction(move |c| Box::pin(async move { delete(c, id).await }))
            .await
    }

    pub async fn delete_expired(&self, now_us: i64) -> Result<u64, StoreError> {
        self.0
            .run(move |c| Box::pin(async move { delete_expired(c, now_us).await }))
            .await
    }

    pub async fn active_page(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ActiveEntry>, StoreError> {
        self.0
            .run(move |c| Box::pin(async move { active_page(c, after, limit).await }))
            .await
    }

    pub async fn opt_outs(&self) -> Result<Vec<(Vec<u8>, u32)>, StoreError> {
        self.0.run(|c| Box::pin(opt_outs(c))).await
    }

    pub async fn scanned_segments(&self) -> Result<Vec<String>, StoreError> {
        self.0.run(|c| Box::pin(scanned_segments(c))).await
    }
}
