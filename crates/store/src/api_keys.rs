//! API keys: create, list, revoke, authenticate. The secret is returned
//! once, at creation; the table holds its SHA-256 and a display prefix.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension as _};

use crate::conn::{Conn, Side};
use crate::key::{self, GeneratedSecret};
use crate::{ApiKeyInfo, NewApiKey, Rate, Store, StoreError};

const COLUMNS: &str = "id, name, prefix, rate_count, rate_period_secs, created_at, revoked_at";

/// `store.api_keys()`: each method one statement, committing by itself.
pub struct ApiKeys<'s>(pub(crate) &'s Store);

impl ApiKeys<'_> {
    /// Creates a key named `name` (1 to 64 of `A-Z a-z 0-9 . _ -`, not all
    /// digits, unique among all keys, revoked ones included) with budget
    /// `rate`. The returned secret is the only copy: show it once.
    pub async fn create(&self, name: &str, rate: Rate) -> Result<NewApiKey, StoreError> {
        key::validate_name(name)?;
        rate.validate()?;
        let name = name.to_owned();
        self.0
            .run(move |c| Box::pin(async move { create(c, &name, rate).await }))
            .await
    }

    /// Every key, revoked ones included, in id order.
    pub async fn list(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        self.0.run(|c| Box::pin(list(c))).await
    }

    /// Revokes the key with this id (all digits) or else this name. Revoking
    /// a revoked key changes nothing (it keeps its first `revoked_at`).
    pub async fn revoke(&self, id_or_name: &str) -> Result<ApiKeyInfo, StoreError> {
        let id_or_name = id_or_name.to_owned();
        self.0
            .run(move |c| Box::pin(async move { revoke(c, &id_or_name).await }))
            .await
    }

    /// The live key whose secret this is; `None` for an unknown, revoked or
    /// malformed secret (malformed ones never reach the database). Errors
    /// only when the database fails.
    ///
    /// The lookup is by the secret's SHA-256 through a unique index, so its
    /// timing depends on the hash, which an attacker cannot steer towards a
    /// stored one; no constant-time comparison is needed.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<ApiKeyInfo>, StoreError> {
        if !key::is_well_formed_secret(secret) {
            return Ok(None);
        }
        let hash = key::hash_secret(secret);
        let found = self
            .0
            .run(move |c| Box::pin(async move { find_by_hash(c, &hash).await }))
            .await?;
        Ok(found.filter(|info| !info.is_revoked()))
    }
}

/// Creates a key (see [`ApiKeys::create`]) on `c`.
pub async fn create(c: &mut Conn<'_>, name: &str, rate: Rate) -> Result<NewApiKey, StoreError> {
    key::validate_name(name)?;
    rate.validate()?;
    let secret = key::generate_secret();
    let created_at = crate::now();
    let id = insert(c, name, rate, &secret, created_at).await?;
    let info = ApiKeyInfo {
        id,
        name: name.to_owned(),
        prefix: secret.prefix.clone(),
        rate,
        created_at,
        revoked_at: None,
    };
    tracing::info!(id = info.id, name = %info.name, prefix = %info.prefix, %rate, "created API key");
    Ok(NewApiKey {
        info,
        secret: secret.secret,
    })
}

async fn insert(
    c: &mut Conn<'_>,
    name: &str,
    rate: Rate,
    secret: &GeneratedSecret,
    created_at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let context = "creating an API key";
    let exists = || StoreError::AlreadyExists {
        name: name.to_owned(),
    };
    match c.side() {
        Side::Sqlite(conn) => conn
            .query_row(
                "INSERT INTO api_keys (name, prefix, key_hash, rate_count, rate_period_secs, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![
                    name,
                    secret.prefix,
                    secret.hash,
                    rate.count,
                    rate.period_secs,
                    crate::sqlite::format_time(created_at)
                ],
                |row| row.get::<_, i64>(0),
            )
            .map_err(|err| {
                if crate::sqlite::is_unique_violation(&err, "api_keys.name") {
                    exists()
                } else {
                    StoreError::sqlite(context)(err)
                }
            }),
        Side::Postgres(pg) => {
            let (count, period) = rate_columns(rate)?;
            let row = pg
                .query_one(
                    "INSERT INTO api_keys (name, prefix, key_hash, rate_count, rate_period_secs, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[&name, &secret.prefix, &secret.hash, &count, &period, &created_at],
                )
                .await
                .map_err(|err| {
                    if crate::postgres::is_unique_violation(&err, "api_keys_name_unique") {
                        exists()
                    } else {
                        StoreError::postgres(context)(err)
                    }
                })?;
            row.try_get(0).map_err(StoreError::postgres(context))
        }
    }
}

/// Every key in id order (see [`ApiKeys::list`]).
pub async fn list(c: &mut Conn<'_>) -> Result<Vec<ApiKeyInfo>, StoreError> {
    let context = "listing API keys";
    let sql = format!("SELECT {COLUMNS} FROM api_keys ORDER BY id");
    match c.side() {
        Side::Sqlite(conn) => {
            let mut stmt = conn
                .prepare_cached(&sql)
                .map_err(StoreError::sqlite(context))?;
            let rows = stmt
                .query_map([], sqlite_row)
                .map_err(StoreError::sqlite(context))?;
            rows.map(|row| row.map_err(StoreError::sqlite(context))?)
                .collect()
        }
        Side::Postgres(pg) => pg
            .query(&sql, &[])
            .await
            .map_err(StoreError::postgres(context))?
            .iter()
            .map(postgres_row)
            .collect(),
    }
}

/// Revokes by id or name (see [`ApiKeys::revoke`]).
pub async fn revoke(c: &mut Conn<'_>, id_or_name: &str) -> Result<ApiKeyInfo, StoreError> {
    let not_found = || StoreError::NotFound {
        key: key::shorten(id_or_name),
    };
    let is_id = !id_or_name.is_empty() && id_or_name.bytes().all(|b| b.is_ascii_digit());
    let id = if is_id {
        // Too many digits for an id: no such key.
        Some(id_or_name.parse::<i64>().map_err(|_| not_found())?)
    } else {
        None
    };
    let now = crate::now();
    let column = if id.is_some() { "id" } else { "name" };
    let context = "revoking an API key";
    let revoked = match c.side() {
        Side::Sqlite(conn) => {
            let sql = format!(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?1) \
                 WHERE {column} = ?2 RETURNING {COLUMNS}"
            );
            let now = crate::sqlite::format_time(now);
            let row = match id {
                Some(id) => conn.query_row(&sql, params![now, id], sqlite_row),
                None => conn.query_row(&sql, params![now, id_or_name], sqlite_row),
            };
            row.optional()
                .map_err(StoreError::sqlite(context))?
                .transpose()?
        }
        Side::Postgres(pg) => {
            let sql = format!(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) \
                 WHERE {column} = $2 RETURNING {COLUMNS}"
            );
            let row = match id {
                Some(id) => pg.query_opt(&sql, &[&now, &id]).await,
                None => pg.query_opt(&sql, &[&now, &id_or_name]).await,
            }
            .map_err(StoreError::postgres(context))?;
            row.as_ref().map(postgres_row).transpose()?
        }
    };
    let info = revoked.ok_or_else(not_found)?;
    tracing::info!(id = info.id, name = %info.name, prefix = %info.prefix, "revoked API key");
    Ok(info)
}

async fn find_by_hash(c: &mut Conn<'_>, hash: &str) -> Result<Option<ApiKeyInfo>, StoreError> {
    let context = "looking up an API key";
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE key_hash = ");
    match c.side() {
        Side::Sqlite(conn) => {
            let mut stmt = conn
                .prepare_cached(&format!("{sql}?1"))
                .map_err(StoreError::sqlite(context))?;
            stmt.query_row([hash], sqlite_row)
                .optional()
                .map_err(StoreError::sqlite(context))?
                .transpose()
        }
        Side::Postgres(pg) => pg
            .query_opt(&format!("{sql}$1"), &[&hash])
            .await
            .map_err(StoreError::postgres(context))?
            .as_ref()
            .map(postgres_row)
            .transpose(),
    }
}

/// A SQLite row (times as RFC 3339 text), validated inside the closure's
/// result so that a bad value is a [`StoreError::Corrupt`].
fn sqlite_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<ApiKeyInfo, StoreError>> {
    let count: i64 = row.get(3)?;
    let period: i64 = row.get(4)?;
    let created_at: String = row.get(5)?;
    let revoked_at: Option<String> = row.get(6)?;
    let (id, name, prefix) = (row.get(0)?, row.get(1)?, row.get(2)?);
    Ok((|| {
        Ok(ApiKeyInfo {
            id,
            name,
            prefix,
            rate: crate::rate_from_columns(count, period)?,
            created_at: crate::sqlite::parse_time(&created_at)?,
            revoked_at: revoked_at
                .as_deref()
                .map(crate::sqlite::parse_time)
                .transpose()?,
        })
    })())
}

fn postgres_row(row: &tokio_postgres::Row) -> Result<ApiKeyInfo, StoreError> {
    let get = StoreError::postgres("reading an API key");
    let count: i32 = row.try_get(3).map_err(&get)?;
    let period: i32 = row.try_get(4).map_err(&get)?;
    Ok(ApiKeyInfo {
        id: row.try_get(0).map_err(&get)?,
        name: row.try_get(1).map_err(&get)?,
        prefix: row.try_get(2).map_err(&get)?,
        rate: crate::rate_from_columns(count.into(), period.into())?,
        created_at: row.try_get(5).map_err(&get)?,
        revoked_at: row.try_get(6).map_err(&get)?,
    })
}

/// PostgreSQL's INTEGER columns of a rate.
fn rate_columns(rate: Rate) -> Result<(i32, i32), StoreError> {
    let count =
        i32::try_from(rate.count).map_err(|_| crate::RateError::CountRange(rate.count.into()))?;
    let period = i32::try_from(rate.period_secs)
        .map_err(|_| crate::RateError::PeriodRange(rate.period_secs.into()))?;
    Ok((count, period))
}
