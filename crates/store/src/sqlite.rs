//! The SQLite backend: one connection to a local file behind a mutex, used
//! only from `tokio::task::spawn_blocking` so that no rusqlite call blocks an
//! async worker thread. WAL journal, a busy timeout (another process, such as
//! the command line, may hold the write lock for a moment) and foreign keys.
//!
//! One connection serialises the store's statements; each is a short indexed
//! lookup or a one-row write, which keeps this far from being the bottleneck
//! of a request. A pool of readers can come later behind the same API.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension as _, TransactionBehavior};

use crate::key::GeneratedSecret;
use crate::migrate::{self, Applied, Migration};
use crate::{ApiKeyInfo, Rate, StoreError};

/// How long a statement waits for another connection's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const KEY_COLUMNS: &str = "id, name, prefix, rate_count, rate_period_secs, created_at, revoked_at";

pub(crate) struct Sqlite {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

/// The columns of an `api_keys` row, before validation.
type KeyRow = (i64, String, String, i64, i64, String, Option<String>);

impl Sqlite {
    pub async fn open(path: PathBuf) -> Result<Sqlite, StoreError> {
        let for_task = path.clone();
        let conn = run_blocking(move || open_blocking(&for_task)).await?;
        Ok(Sqlite {
            conn: Arc::new(Mutex::new(conn)),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the connection on the blocking thread pool.
    async fn with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        run_blocking(move || {
            // A panic while holding the lock leaves no half-done write
            // behind (an open transaction rolls back when dropped), so the
            // connection stays usable.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn)
        })
        .await
    }

    /// One GCRA step on budget `name`: `Ok` and the row advanced when
    /// allowed, else `Err` with the budget's theoretical arrival time.
    pub async fn draw(
        &self,
        name: String,
        now_us: i64,
        interval_us: i64,
        period_us: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        self.with(move |conn| {
            let context = "drawing on a rate budget";
            let advanced: Option<i64> = conn
                .query_row(
                    "INSERT INTO rate_budgets (name, tat_us) VALUES (?1, ?2 + ?3)
                     ON CONFLICT (name) DO UPDATE
                       SET tat_us = MAX(rate_budgets.tat_us, ?2) + ?3
                       WHERE MAX(rate_budgets.tat_us, ?2) + ?3 - ?4 <= ?2
                     RETURNING tat_us",
                    params![name, now_us, interval_us, period_us],
                    |row| row.get(0),
                )
                .optional()
                .map_err(StoreError::sqlite(context))?;
            if advanced.is_some() {
                return Ok(Ok(()));
            }
            let tat: i64 = conn
                .query_row(
                    "SELECT tat_us FROM rate_budgets WHERE name = ?1",
                    params![name],
                    |row| row.get(0),
                )
                .map_err(StoreError::sqlite(context))?;
            Ok(Err(tat.max(now_us)))
        })
        .await
    }

    pub async fn forget_budgets(&self, before_us: i64) -> Result<u64, StoreError> {
        self.with(move |conn| {
            let n = conn
                .execute(
                    "DELETE FROM rate_budgets WHERE tat_us < ?1",
                    params![before_us],
                )
                .map_err(StoreError::sqlite("forgetting idle budgets"))?;
            Ok(n as u64)
        })
        .await
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0))
                .map_err(StoreError::sqlite("ping"))?;
            Ok(())
        })
        .await
    }

    pub async fn create_api_key(
        &self,
        name: String,
        rate: Rate,
        secret: &GeneratedSecret,
        created_at: DateTime<Utc>,
    ) -> Result<ApiKeyInfo, StoreError> {
        let (hash, prefix) = (secret.hash.clone(), secret.prefix.clone());
        self.with(move |conn| {
            let inserted = conn.query_row(
                "INSERT INTO api_keys (name, prefix, key_hash, rate_count, rate_period_secs, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![
                    name,
                    prefix,
                    hash,
                    rate.count,
                    rate.period_secs,
                    format_time(created_at)
                ],
                |row| row.get::<_, i64>(0),
            );
            match inserted {
                Ok(id) => Ok(ApiKeyInfo {
                    id,
                    name,
                    prefix,
                    rate,
                    created_at,
                    revoked_at: None,
                }),
                Err(err) if is_unique_violation(&err, "api_keys.name") => {
                    Err(StoreError::AlreadyExists { name })
                }
                Err(err) => Err(StoreError::sqlite("creating an API key")(err)),
            }
        })
        .await
    }

    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        self.with(|conn| {
            let context = "listing API keys";
            let mut stmt = conn
                .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY id"))
                .map_err(StoreError::sqlite(context))?;
            let rows = stmt
                .query_map([], key_row)
                .map_err(StoreError::sqlite(context))?;
            rows.map(|row| info_from_row(row.map_err(StoreError::sqlite(context))?))
                .collect()
        })
        .await
    }

    pub async fn revoke_api_key(
        &self,
        id: Option<i64>,
        name: String,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiKeyInfo>, StoreError> {
        self.with(move |conn| {
            let sql = format!(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?1) \
                 WHERE {} = ?2 RETURNING {KEY_COLUMNS}",
                if id.is_some() { "id" } else { "name" }
            );
            let now = format_time(now);
            let row = match id {
                Some(id) => conn.query_row(&sql, params![now, id], key_row),
                None => conn.query_row(&sql, params![now, name], key_row),
            };
            row.optional()
                .map_err(StoreError::sqlite("revoking an API key"))?
                .map(info_from_row)
                .transpose()
        })
        .await
    }

    pub async fn find_by_hash(&self, hash: String) -> Result<Option<ApiKeyInfo>, StoreError> {
        self.with(move |conn| {
            let context = "looking up an API key";
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = ?1"
                ))
                .map_err(StoreError::sqlite(context))?;
            stmt.query_row([hash], key_row)
                .optional()
                .map_err(StoreError::sqlite(context))?
                .map(info_from_row)
                .transpose()
        })
        .await
    }
}

async fn run_blocking<T, F>(f: F) -> Result<T, StoreError>
where
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| StoreError::TaskFailed)?
}

fn open_blocking(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_owned(),
            source,
        })?;
    }
    create_private_file(path).map_err(|source| StoreError::CreateFile {
        path: path.to_owned(),
        source,
    })?;
    let opened = |source| StoreError::SqliteOpen {
        path: path.to_owned(),
        source,
    };
    let mut conn = Connection::open(path).map_err(opened)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(opened)?;
    // The first statement reads the header, so a file that is not a SQLite
    // database is reported here, as an open error.
    let mode = switch_to_wal(&conn).map_err(opened)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(
            path = %path.display(),
            mode,
            "SQLite could not switch to WAL mode (is the file on a network file system?); \
             readers will block writers"
        );
    }
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(opened)?;
    migrate_blocking(&mut conn)?;
    Ok(conn)
}

/// Switches the database to WAL. On a new file the switch needs the file to
/// itself, and SQLite answers SQLITE_BUSY at once (without the busy handler)
/// while another connection is opening it too, so it is retried here for up
/// to the busy timeout.
fn switch_to_wal(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// Creates an empty database file readable by its owner only (the -wal and
/// -shm files SQLite makes later copy these permissions). An existing file is
/// left as it is.
fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err),
    }
}

fn migrate_blocking(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )
    .map_err(StoreError::sqlite("creating the schema_migrations table"))?;
    let applied = read_applied(conn)?;
    for migration in migrate::plan(migrate::SQLITE, &applied)? {
        apply(conn, migration).map_err(|source| StoreError::Migration {
            version: migration.version,
            name: migration.name,
            source: Box::new(source),
        })?;
    }
    Ok(())
}

fn apply(conn: &mut Connection, migration: &Migration) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock first, so of two processes opening a
    // new database at once, one applies and the other then sees it applied.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite("starting a migration"))?;
    if let Some(row) = read_applied(&tx)?
        .iter()
        .find(|row| row.version == migration.version)
    {
        return migrate::verify(migration, row);
    }
    tx.execute_batch(migration.sql)
        .map_err(StoreError::sqlite("running the migration's SQL"))?;
    tx.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            migration.version,
            migration.name,
            migration.checksum(),
            format_time(crate::now())
        ],
    )
    .map_err(StoreError::sqlite("recording the migration"))?;
    tx.commit()
        .map_err(StoreError::sqlite("committing the migration"))?;
    tracing::info!(
        version = migration.version,
        name = migration.name,
        "applied SQLite migration"
    );
    Ok(())
}

fn read_applied(conn: &Connection) -> Result<Vec<Applied>, StoreError> {
    let context = "reading schema_migrations";
    let mut stmt = conn
        .prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        .map_err(StoreError::sqlite(context))?;
    let rows = stmt
        .query_map([], |row| {
            Ok(Applied {
                version: row.get(0)?,
                name: row.get(1)?,
                checksum: row.get(2)?,
            })
        })
        .map_err(StoreError::sqlite(context))?;
    rows.collect::<Result<_, _>>()
        .map_err(StoreError::sqlite(context))
}

fn key_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn info_from_row(
    (id, name, prefix, count, period, created_at, revoked_at): KeyRow,
) -> Result<ApiKeyInfo, StoreError> {
    Ok(ApiKeyInfo {
        id,
        name,
        prefix,
        rate: crate::rate_from_columns(count, period)?,
        created_at: parse_time(&created_at)?,
        revoked_at: revoked_at.as_deref().map(parse_time).transpose()?,
    })
}

fn is_unique_violation(err: &rusqlite::Error, column: &str) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, Some(message))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE && message.contains(column)
    )
}

/// UTC with microseconds, RFC 3339: sorts in time order as text.
fn format_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::corrupt(format!("{text:?} is not an RFC 3339 time stamp")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_text_round_trips() {
        let now = crate::now();
        let text = format_time(now);
        assert_eq!(text.len(), "2026-01-31T12:34:56.123456Z".len(), "{text}");
        assert_eq!(parse_time(&text).unwrap(), now);
        assert!(matches!(
            parse_time("yesterday"),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
