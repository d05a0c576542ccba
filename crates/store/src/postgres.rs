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

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::config::SslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};

use crate::conn::{Conn, ConnFuture, Pg};
use crate::migrate::{self, Applied};
use crate::StoreError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const POOL_SIZE: usize = 16;

pub(crate) struct Postgres {
    pool: Pool,
    /// For connections of their own (a writer's advisory lock).
    config: Box<tokio_postgres::Config>,
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
            config.clone(),
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
        Ok(Postgres {
            pool,
            config: Box::new(config),
            target,
        })
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

    /// A connection outside the pool, for a session whose state (an
    /// advisory lock) must end with it: the caller spawns the connection
    /// task and drops the client to end the session.
    pub async fn connect_dedicated(
        &self,
    ) -> Result<
        (
            Client,
            tokio_postgres::Connection<tokio_postgres::Socket, tokio_postgres::tls::NoTlsStream>,
        ),
        StoreError,
    > {
        self.config
            .connect(NoTls)
            .await
            .map_err(|source| StoreError::PostgresConnect {
                target: self.target.clone(),
                source,
            })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.client()
            .await?
            .simple_query("SELECT 1")
            .await
            .map_err(StoreError::postgres("ping"))?;
        Ok(())
    }

    /// Runs `body` on a pooled connection: in one transaction (READ
    /// COMMITTED) when `transaction`, else statement by statement. A failed
    /// body rolls its transaction back.
    pub async fn run<T, F>(&self, body: F, transaction: bool) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'_>) -> ConnFuture<'c, T> + Send + 'static,
    {
        let mut client = self.client().await?;
        if !transaction {
            return body(&mut Conn::postgres(Pg::Client(&client))).await;
        }
        let tx = client
            .transaction()
            .await
            .map_err(StoreError::postgres("starting a transaction"))?;
        let value = body(&mut Conn::postgres(Pg::Tx(&tx))).await?;
        tx.commit()
            .await
            .map_err(StoreError::postgres("committing a transaction"))?;
        Ok(value)
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

/// Whether `err` is a unique violation of `constraint`.
pub(crate) fn is_unique_violation(err: &tokio_postgres::Error, constraint: &str) -> bool {
    err.as_db_error().is_some_and(|db| {
        *db.code() == SqlState::UNIQUE_VIOLATION && db.constraint() == Some(constraint)
    })
}
