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
use rusqlite::{params, Connection, TransactionBehavior};

use crate::conn::{complete, Conn, ConnFuture};
use crate::migrate::{self, Applied, Migration};
use crate::StoreError;

/// How long a statement waits for another connection's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) struct Sqlite {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

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
            // behind (an open transaction is rolled back below), so the
            // connection stays usable.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            if !conn.is_autocommit() {
                // A body that panicked inside a transaction left it open.
                let _ = conn.execute_batch("ROLLBACK");
            }
            f(&mut conn)
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

    /// Runs `body` on the connection: in one transaction (`BEGIN
    /// IMMEDIATE`: the write lock first, so two processes never deadlock
    /// upgrading a read) when `transaction`, else statement by statement.
    pub async fn run<T, F>(&self, body: F, transaction: bool) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'_>) -> ConnFuture<'c, T> + Send + 'static,
    {
        self.with(move |conn| {
            if !transaction {
                return complete(body(&mut Conn::sqlite(conn)));
            }
            conn.execute_batch("BEGIN IMMEDIATE")
                .map_err(StoreError::sqlite("starting a transaction"))?;
            // A body that panics must not leave the write lock held until
            // this connection's next use: roll back, then let the panic go on.
            let result = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                complete(body(&mut Conn::sqlite(conn)))
            })) {
                Ok(result) => result,
                Err(panic) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    std::panic::resume_unwind(panic);
                }
            };
            let result = result.and_then(|value| {
                conn.execute_batch("COMMIT")
                    .map_err(StoreError::sqlite("committing a transaction"))?;
                Ok(value)
            });
            if result.is_err() && !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            result
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

pub(crate) fn is_unique_violation(err: &rusqlite::Error, column: &str) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, Some(message))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE && message.contains(column)
    )
}

/// UTC with microseconds, RFC 3339: sorts in time order as text.
pub(crate) fn format_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
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
