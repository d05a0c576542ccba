//! The metadata store: the server's mutable state (API keys, shared rate
//! budgets, the job queue, alert subscriptions, organisations), behind one
//! async API with two backends chosen at run time by the database URL.
//!
//! - **SQLite** (`sqlite:PATH`), the embedded default: a file created on
//!   first run, used through one connection on the blocking thread pool
//!   (see `sqlite.rs`).
//! - **PostgreSQL** (`postgres://…`), when several servers share the state:
//!   a connection pool, **without TLS** — keep the database on loopback or a
//!   private network (see `postgres.rs`).
//!
//! [`Store::open`] applies pending schema migrations (`migrations/`, embedded
//! in the binary) and refuses a database whose applied migrations are newer
//! than this program or were edited after being applied.
//!
//! One module per resource ([`api_keys`], [`budgets`], [`jobs`],
//! [`subscriptions`], [`orgs`], [`index_catalog`]), each
//! holding its SQL for both backends side by side, as functions on a
//! [`Conn`]. [`Store::transaction`] gives a `Conn` whose statements commit
//! together, across resources (an event and the jobs it causes);
//! [`Store::run`] one whose statements commit one by one. Each resource also
//! has a handle on the store for single operations (`store.api_keys()`).
//!
//! API key secrets exist only in the [`NewApiKey`] returned at creation; the
//! store keeps their SHA-256 and a 12-character display prefix. No `Debug`
//! output, log line or error message of this crate holds a secret.
//!
//! Every method must be called inside a Tokio runtime.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api_keys;
pub mod budgets;
mod conn;
mod error;
pub mod index_catalog;
pub mod jobs;
mod key;
mod migrate;
pub mod orgs;
mod portable;
mod postgres;
mod rate;
mod sqlite;
pub mod subscriptions;
mod url;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, SubsecRound as _, Utc};

pub use budgets::Draw;
pub use conn::{Conn, ConnFuture};
pub use error::StoreError;
pub use index_catalog::{CatalogLock, Head as IndexHead};
pub use jobs::{Job, JobInfo, JobState, NewJob, Retry};
pub use key::{ApiKeyInfo, NewApiKey, DISPLAY_PREFIX_LEN, MAX_NAME_LEN, SECRET_LEN, SECRET_PREFIX};
pub use rate::{Rate, RateError, MAX_COUNT, MAX_PERIOD_SECS};

/// Which database holds the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A handle on the metadata store; cheap to clone (all clones share one
/// connection or pool).
#[derive(Clone)]
pub struct Store {
    db: Arc<Db>,
    /// Woken when a body that enqueued a due job has committed, so that
    /// this process's runner claims it at once instead of at its next poll
    /// (other processes still find it by polling).
    enqueued: Arc<tokio::sync::Notify>,
}

/// `body`, also saying whether it enqueued a due job.
fn wrap<T, F>(
    body: F,
) -> impl for<'c> FnOnce(&'c mut Conn<'_>) -> ConnFuture<'c, (T, bool)> + Send + 'static
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut Conn<'_>) -> ConnFuture<'c, T> + Send + 'static,
{
    move |c| {
        Box::pin(async move {
            let value = body(c).await?;
            Ok((value, c.enqueued()))
        })
    }
}

/// The open database of either backend.
enum Db {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Store");
        s.field("backend", &self.backend());
        match &*self.db {
            Db::Sqlite(db) => s.field("path", &db.path()),
            Db::Postgres(db) => s.field("url", &db.target()),
        };
        s.finish()
    }
}

impl Store {
    /// Opens (creating on first run) the store at `url`:
    /// `sqlite:///abs/path/file.sqlite3`, `sqlite://relative/path` or
    /// `sqlite:path` (the file and its parent directory are created if
    /// missing); `postgres://…` or `postgresql://…` (libpq URL syntax; the
    /// database must exist, the tables are created in the first schema of
    /// `search_path`). Applies pending migrations; refuses a database with
    /// migrations newer than this program or an applied migration whose text
    /// changed.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let db = match url::parse(url)? {
            url::Location::Sqlite(path) => Db::Sqlite(sqlite::Sqlite::open(path).await?),
            url::Location::Postgres(url) => Db::Postgres(postgres::Postgres::open(&url).await?),
        };
        let store = Store {
            db: Arc::new(db),
            enqueued: Arc::new(tokio::sync::Notify::new()),
        };
        tracing::debug!(?store, "opened metadata store");
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match &*self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A round trip to the database (for readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &*self.db {
            Db::Sqlite(db) => db.ping().await,
            Db::Postgres(db) => db.ping().await,
        }
    }

    /// Runs `body` on one connection, each statement committing by itself:
    ///
    /// ```ignore
    /// store.run(|c| Box::pin(async move { api_keys::list(c).await })).await
    /// ```
    pub async fn run<T, F>(&self, body: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'_>) -> ConnFuture<'c, T> + Send + 'static,
    {
        self.noting_enqueued(body, false).await
    }

    /// Runs `body` in one transaction: everything it does, in any resource,
    /// commits together when it returns `Ok`, and nothing when it returns an
    /// error (or the process dies first). On SQLite the transaction holds
    /// the write lock from its start; on PostgreSQL it is READ COMMITTED,
    /// and a resource that needs more says so (a claimed job is locked
    /// with `FOR UPDATE SKIP LOCKED`).
    pub async fn transaction<T, F>(&self, body: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'_>) -> ConnFuture<'c, T> + Send + 'static,
    {
        self.noting_enqueued(body, true).await
    }

    /// Runs `body`, then wakes [`Store::enqueued`]'s waiter when it
    /// enqueued a due job and its work stands (committed, or each statement
    /// on its own).
    async fn noting_enqueued<T, F>(&self, body: F, transaction: bool) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'_>) -> ConnFuture<'c, T> + Send + 'static,
    {
        let (value, enqueued) = match &*self.db {
            Db::Sqlite(db) => db.run(wrap(body), transaction).await,
            Db::Postgres(db) => db.run(wrap(body), transaction).await,
        }?;
        if enqueued {
            self.enqueued.notify_one();
        }
        Ok(value)
    }

    /// Completes when a job was enqueued through this store (any clone)
    /// since the last wait; one waiter (the process's runner) is woken.
    pub async fn job_enqueued(&self) {
        self.enqueued.notified().await;
    }

    /// API keys (`lekradar apikey`).
    pub fn api_keys(&self) -> api_keys::ApiKeys<'_> {
        api_keys::ApiKeys(self)
    }

    /// Rate budgets shared by the servers using this store.
    pub fn budgets(&self) -> budgets::Budgets<'_> {
        budgets::Budgets(self)
    }

    /// The current generation of indexes in object storage
    /// (`--index-catalog`).
    pub fn index_catalog(&self) -> index_catalog::IndexCatalog<'_> {
        index_catalog::IndexCatalog(self)
    }

    /// The durable job queue.
    pub fn jobs(&self) -> jobs::Jobs<'_> {
        jobs::Jobs(self)
    }

    pub fn subscriptions(&self) -> subscriptions::Subscriptions<'_> {
        subscriptions::Subscriptions(self)
    }
}

/// The current time at the precision both backends store (microseconds), so
/// that what a method returns equals what a later read returns.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A [`Rate`] from its two integer columns.
pub(crate) fn rate_from_columns(count: i64, period_secs: i64) -> Result<Rate, StoreError> {
    let bad = || StoreError::corrupt(format!("rate {count}/{period_secs} s is out of range"));
    let count = u32::try_from(count).map_err(|_| bad())?;
    let period_secs = u32::try_from(period_secs).map_err(|_| bad())?;
    Rate::new(count, period_secs).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn store_is_send_sync_clone() {
        assert_send_sync_clone::<Store>();
        // Errors travel across tasks and into `anyhow`.
        fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
        assert_error::<StoreError>();
        assert_error::<RateError>();
    }

    #[test]
    fn backend_display() {
        assert_eq!(Backend::Sqlite.to_string(), "sqlite");
        assert_eq!(Backend::Postgres.to_string(), "postgres");
    }

    #[test]
    fn rate_columns_are_validated() {
        assert_eq!(
            rate_from_columns(60, 60).unwrap(),
            Rate::new(60, 60).unwrap()
        );
        for (c, p) in [(0, 60), (-1, 60), (60, 0), (60, 86_401), (i64::MAX, 1)] {
            assert!(matches!(
                rate_from_columns(c, p),
                Err(StoreError::Corrupt { .. })
            ));
        }
    }
}
