//! The metadata store: the server's mutable state (API keys now;
//! subscriptions and organisations later), behind one async API with two
//! backends chosen at run time by the database URL.
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
//! API key secrets exist only in the [`NewApiKey`] returned at creation; the
//! store keeps their SHA-256 and a 12-character display prefix. No `Debug`
//! output, log line or error message of this crate holds a secret.
//!
//! Every method must be called inside a Tokio runtime.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod error;
mod key;
mod migrate;
mod postgres;
mod rate;
mod sqlite;
mod url;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, SubsecRound as _, Utc};

pub use error::StoreError;
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
    inner: Arc<Inner>,
}

enum Inner {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Store");
        s.field("backend", &self.backend());
        match &*self.inner {
            Inner::Sqlite(db) => s.field("path", &db.path()),
            Inner::Postgres(db) => s.field("url", &db.target()),
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
        let inner = match url::parse(url)? {
            url::Location::Sqlite(path) => Inner::Sqlite(sqlite::Sqlite::open(path).await?),
            url::Location::Postgres(url) => Inner::Postgres(postgres::Postgres::open(&url).await?),
        };
        let store = Store {
            inner: Arc::new(inner),
        };
        tracing::debug!(?store, "opened metadata store");
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match &*self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// A round trip to the database (for readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &*self.inner {
            Inner::Sqlite(db) => db.ping().await,
            Inner::Postgres(db) => db.ping().await,
        }
    }

    /// Creates a key named `name` (1 to 64 of `A-Z a-z 0-9 . _ -`, not all
    /// digits, unique among all keys, revoked ones included) with budget
    /// `rate`. The returned secret is the only copy: show it once.
    pub async fn create_api_key(&self, name: &str, rate: Rate) -> Result<NewApiKey, StoreError> {
        key::validate_name(name)?;
        rate.validate()?;
        let secret = key::generate_secret();
        let created_at = now();
        let name = name.to_owned();
        let info = match &*self.inner {
            Inner::Sqlite(db) => db.create_api_key(name, rate, &secret, created_at).await?,
            Inner::Postgres(db) => db.create_api_key(name, rate, &secret, created_at).await?,
        };
        tracing::info!(id = info.id, name = %info.name, prefix = %info.prefix, %rate, "created API key");
        Ok(NewApiKey {
            info,
            secret: secret.secret,
        })
    }

    /// Every key, revoked ones included, in id order.
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        match &*self.inner {
            Inner::Sqlite(db) => db.list_api_keys().await,
            Inner::Postgres(db) => db.list_api_keys().await,
        }
    }

    /// Revokes the key with this id (all digits) or else this name. Revoking
    /// a revoked key changes nothing (it keeps its first `revoked_at`).
    pub async fn revoke_api_key(&self, id_or_name: &str) -> Result<ApiKeyInfo, StoreError> {
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
        let name = id_or_name.to_owned();
        let revoked = match &*self.inner {
            Inner::Sqlite(db) => db.revoke_api_key(id, name, now()).await?,
            Inner::Postgres(db) => db.revoke_api_key(id, name, now()).await?,
        };
        let info = revoked.ok_or_else(not_found)?;
        tracing::info!(id = info.id, name = %info.name, prefix = %info.prefix, "revoked API key");
        Ok(info)
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
        let found = match &*self.inner {
            Inner::Sqlite(db) => db.find_by_hash(hash).await?,
            Inner::Postgres(db) => db.find_by_hash(hash).await?,
        };
        Ok(found.filter(|info| !info.is_revoked()))
    }
}

/// The outcome of drawing on a shared budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    Allowed,
    /// Refused; a request is allowed again after this long.
    Denied {
        retry_after: std::time::Duration,
    },
}

impl Store {
    /// Draws one unit from budget `name` with `rate` (GCRA: `count` units
    /// per period, all of them available at once), shared by every server
    /// using this store. `name` is opaque; callers must not put personal
    /// data in it.
    pub async fn draw(&self, name: &str, rate: Rate) -> Result<Draw, StoreError> {
        let now_us = Utc::now().timestamp_micros();
        self.draw_at(name, rate, now_us).await
    }

    /// [`draw`](Store::draw) at a given time (microseconds since the epoch).
    pub async fn draw_at(&self, name: &str, rate: Rate, now_us: i64) -> Result<Draw, StoreError> {
        rate.validate()?;
        let period_us = i64::from(rate.period_secs) * 1_000_000;
        let interval_us = (period_us / i64::from(rate.count)).max(1);
        let name = name.to_owned();
        let tat = match &*self.inner {
            Inner::Sqlite(db) => db.draw(name, now_us, interval_us, period_us).await?,
            Inner::Postgres(db) => db.draw(&name, now_us, interval_us, period_us).await?,
        };
        Ok(match tat {
            Ok(()) => Draw::Allowed,
            Err(tat_us) => {
                // Allowed again once max(tat, now) + interval - period <= now.
                let wait = (tat_us + interval_us - period_us - now_us).max(1);
                Draw::Denied {
                    retry_after: std::time::Duration::from_micros(wait as u64),
                }
            }
        })
    }

    /// Forgets budgets idle for a day (bounded table).
    pub async fn forget_idle_budgets(&self) -> Result<u64, StoreError> {
        let before = Utc::now().timestamp_micros() - 86_400 * 1_000_000;
        match &*self.inner {
            Inner::Sqlite(db) => db.forget_budgets(before).await,
            Inner::Postgres(db) => db.forget_budgets(before).await,
        }
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
