//! The PostgreSQL backend: a `deadpool-postgres` pool of `tokio-postgres`
//! connections, for several servers sharing one metadata store.
//!
//! **No TLS.** Connections are plain TCP (or a unix socket): the database is
//! expected on loopback or a private network next to the servers. A URL that
//! demands TLS (`sslmode=require`) is refused at open rather than silently
//! downgraded; `sslmode=prefer` (the default) connects without TLS.
//!
//! Migrations run on a connection of their own that holds a session
//! advisory lock (per schema) throughout, so servers starting at the same
//! time apply each migration once; the lock ends with that connection.

use std::error::Error as _;
use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::config::SslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, Row};

use crate::key::GeneratedSecret;
use crate::migrate::{self, Applied};
use crate::{ApiKeyInfo, Rate, StoreError};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const POOL_SIZE: usize = 16;

const KEY_COLUMNS: &str = "id, name, prefix, rate_count, rate_period_secs, created_at, revoked_at";

pub(crate) struct Postgres {
    pool: Pool,
    /// The URL without its password, for messages.
    target: String,
}

impl Postgres {
    pub async fn open(url: &str) -> Result<Postgres, StoreError> {
        let target = crate::url::redact(url);
        let invalid = |reason: String| StoreError::InvalidUrl {
            url: target.clone(),
            reason,
        };
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| invalid(describe(&e)))?;
        if config.get_ssl_mode() == SslMode::Require {
            return Err(invalid(
                "sslmode=require asks for TLS, which Lekradar does not speak to PostgreSQL; \
                 keep the database on loopback or a private network and use sslmode=disable"
                    .to_owned(),
            ));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("lekradar");
        }

        let (mut client, connection) =
            config
                .connect(NoTls)
                .await
                .map_err(|source| StoreError::PostgresConnect {
                    target: target.clone(),
                    source,
                })?;
        let connection = tokio::spawn(connection);
        let migrated = migrate(&mut client).await;
        drop(client);
        // The connection task ends once the client is gone; the advisory lock
        // goes with the session. Its own error (if any) adds nothing here.
        let _ = connection.await;
        migrated?;

        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::PostgresPool {
                detail: e.to_string(),
            })?;
        Ok(Postgres { pool, target })
    }

    pub fn target(&self) -> &str {
        &self.target
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool.get().await.map_err(|err| match err {
            PoolError::Backend(source) => StoreError::PostgresConnect {
                target: self.target.clone(),
                source,
            },
            other => StoreError::PostgresPool {
                detail: other.to_string(),
            },
        })
    }

    /// One GCRA step on budget `name` in one statement (the row lock makes
    /// concurrent servers take turns): `Ok` when allowed, else `Err` with
    /// the budget's theoretical arrival time.
    pub async fn draw(
        &self,
        name: &str,
        now_us: i64,
        interval_us: i64,
        period_us: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        let client = self.client().await?;
        let context = "drawing on a rate budget";
        let stmt = client
            .prepare_cached(
                "INSERT INTO rate_budgets (name, tat_us) VALUES ($1::text, $2::bigint + $3::bigint)
                 ON CONFLICT (name) DO UPDATE
                   SET tat_us = GREATEST(rate_budgets.tat_us, $2::bigint) + $3::bigint
                   WHERE GREATEST(rate_budgets.tat_us, $2::bigint) + $3::bigint - $4::bigint <= $2::bigint
                 RETURNING tat_us",
            )
            .await
            .map_err(StoreError::postgres(context))?;
        let advanced = client
            .query_opt(&stmt, &[&name, &now_us, &interval_us, &period_us])
            .await
            .map_err(StoreError::postgres(context))?;
        if advanced.is_some() {
            return Ok(Ok(()));
        }
        let row = client
            .query_one("SELECT tat_us FROM rate_budgets WHERE name = $1", &[&name])
            .await
            .map_err(StoreError::postgres(context))?;
        let tat: i64 = row.get(0);
        Ok(Err(tat.max(now_us)))
    }

    pub async fn forget_budgets(&self, before_us: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        client
            .execute("DELETE FROM rate_budgets WHERE tat_us < $1", &[&before_us])
            .await
            .map_err(StoreError::postgres("forgetting idle budgets"))
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.client()
            .await?
            .simple_query("SELECT 1")
            .await
            .map_err(StoreError::postgres("ping"))?;
        Ok(())
    }

    pub async fn create_api_key(
        &self,
        name: String,
        rate: Rate,
        secret: &GeneratedSecret,
        created_at: DateTime<Utc>,
    ) -> Result<ApiKeyInfo, StoreError> {
        let client = self.client().await?;
        let context = "creating an API key";
        let stmt = client
            .prepare_cached(
                "INSERT INTO api_keys (name, prefix, key_hash, rate_count, rate_period_secs, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .await
            .map_err(StoreError::postgres(context))?;
        let (count, period) = rate_columns(rate)?;
        let inserted = client
            .query_one(
                &stmt,
                &[
                    &name,
                    &secret.prefix,
                    &secret.hash,
                    &count,
                    &period,
                    &created_at,
                ],
            )
            .await;
        match inserted {
            Ok(row) => Ok(ApiKeyInfo {
                id: row.try_get(0).map_err(StoreError::postgres(context))?,
                name,
                prefix: secret.prefix.clone(),
                rate,
                created_at,
                revoked_at: None,
            }),
            Err(err) if is_unique_violation(&err, "api_keys_name_unique") => {
                Err(StoreError::AlreadyExists { name })
            }
            Err(err) => Err(StoreError::postgres(context)(err)),
        }
    }

    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        let client = self.client().await?;
        let context = "listing API keys";
        let stmt = client
            .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY id"))
            .await
            .map_err(StoreError::postgres(context))?;
        client
            .query(&stmt, &[])
            .await
            .map_err(StoreError::postgres(context))?
            .iter()
            .map(info_from_row)
            .collect()
    }

    pub async fn revoke_api_key(
        &self,
        id: Option<i64>,
        name: String,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiKeyInfo>, StoreError> {
        let client = self.client().await?;
        let context = "revoking an API key";
        let sql = format!(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) \
             WHERE {} = $2 RETURNING {KEY_COLUMNS}",
            if id.is_some() { "id" } else { "name" }
        );
        let stmt = client
            .prepare_cached(&sql)
            .await
            .map_err(StoreError::postgres(context))?;
        let row = match id {
            Some(id) => client.query_opt(&stmt, &[&now, &id]).await,
            None => client.query_opt(&stmt, &[&now, &name]).await,
        }
        .map_err(StoreError::postgres(context))?;
        row.as_ref().map(info_from_row).transpose()
    }

    pub async fn find_by_hash(&self, hash: String) -> Result<Option<ApiKeyInfo>, StoreError> {
        let client = self.client().await?;
        let context = "looking up an API key";
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1"
            ))
            .await
            .map_err(StoreError::postgres(context))?;
        let row = client
            .query_opt(&stmt, &[&hash])
            .await
            .map_err(StoreError::postgres(context))?;
        row.as_ref().map(info_from_row).transpose()
    }
}

async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    // Per schema, so that databases shared by schema (as in the tests) do
    // not wait for each other.
    client
        .execute(
            "SELECT pg_advisory_lock(hashtext('lekradar-store migrations'), \
             hashtext(coalesce(current_schema(), '')))",
            &[],
        )
        .await
        .map_err(StoreError::postgres("taking the migration lock"))?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version    BIGINT PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL
            )",
        )
        .await
        .map_err(StoreError::postgres(
            "creating the schema_migrations table (does the schema in search_path exist?)",
        ))?;
    let context = "reading schema_migrations";
    let applied: Vec<Applied> = client
        .query(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .map_err(StoreError::postgres(context))?
        .iter()
        .map(|row| {
            Ok(Applied {
                version: row.try_get(0)?,
                name: row.try_get(1)?,
                checksum: row.try_get(2)?,
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()
        .map_err(StoreError::postgres(context))?;

    for migration in migrate::plan(migrate::POSTGRES, &applied)? {
        let wrap = |source| StoreError::Migration {
            version: migration.version,
            name: migration.name,
            source: Box::new(source),
        };
        let tx = client
            .transaction()
            .await
            .map_err(|e| wrap(StoreError::postgres("starting a migration")(e)))?;
        tx.batch_execute(migration.sql)
            .await
            .map_err(|e| wrap(StoreError::postgres("running the migration's SQL")(e)))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
            &[
                &migration.version,
                &migration.name,
                &migration.checksum(),
                &crate::now(),
            ],
        )
        .await
        .map_err(|e| wrap(StoreError::postgres("recording the migration")(e)))?;
        tx.commit()
            .await
            .map_err(|e| wrap(StoreError::postgres("committing the migration")(e)))?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied PostgreSQL migration"
        );
    }
    Ok(())
}

/// The rate as the two INTEGER columns. A validated rate always fits
/// (count ≤ 10^9, period ≤ 86 400).
fn rate_columns(rate: Rate) -> Result<(i32, i32), StoreError> {
    let count =
        i32::try_from(rate.count).map_err(|_| crate::RateError::CountRange(rate.count.into()))?;
    let period = i32::try_from(rate.period_secs)
        .map_err(|_| crate::RateError::PeriodRange(rate.period_secs.into()))?;
    Ok((count, period))
}

fn info_from_row(row: &Row) -> Result<ApiKeyInfo, StoreError> {
    let context = "reading an API key";
    let get = StoreError::postgres(context);
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

fn is_unique_violation(err: &tokio_postgres::Error, constraint: &str) -> bool {
    err.as_db_error().is_some_and(|db| {
        *db.code() == SqlState::UNIQUE_VIOLATION && db.constraint() == Some(constraint)
    })
}

/// The whole cause chain of a driver error ("db error: ERROR: …", "error
/// connecting to server: Connection refused …"); its own text alone is terse.
pub(crate) fn describe(err: &tokio_postgres::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
