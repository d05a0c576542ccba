//! What can go wrong in the metadata store. Messages say what happened and
//! what to do; they never hold a key secret or a database password.

use std::path::PathBuf;

use crate::RateError;

/// A metadata store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "unsupported database URL {url:?}: {reason}; use sqlite:PATH (sqlite:///absolute/file.sqlite3, \
         sqlite://relative/file.sqlite3) or postgres://USER@HOST:PORT/DATABASE"
    )]
    InvalidUrl { url: String, reason: String },

    #[error("cannot create the directory {path} for the SQLite database: {source}; check the path and its permissions")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot create the SQLite database file {path}: {source}; check the directory's permissions")]
    CreateFile {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot open the SQLite database {path}: {source}; check the path, its permissions and that it is a SQLite file")]
    SqliteOpen {
        path: PathBuf,
        source: rusqlite::Error,
    },

    #[error("SQLite {context} failed: {source}")]
    Sqlite {
        context: &'static str,
        source: rusqlite::Error,
    },

    #[error(
        "cannot connect to PostgreSQL at {target}: {}; check that the server runs and the URL is right",
        crate::postgres::describe(source)
    )]
    PostgresConnect {
        target: String,
        source: tokio_postgres::Error,
    },

    #[error("PostgreSQL {context} failed: {}", crate::postgres::describe(source))]
    Postgres {
        context: &'static str,
        source: tokio_postgres::Error,
    },

    #[error("no PostgreSQL connection available: {detail}; check that the server runs and accepts connections")]
    PostgresPool { detail: String },

    /// A caller's own step inside a transaction failed; the transaction was
    /// rolled back.
    #[error("rolled back: {reason}")]
    Aborted { reason: String },

    #[error(
        "the database has migration {version:04}_{name} applied, but this program knows migrations only up to \
         {known:04}: the database was upgraded by a newer Lekradar; run that version (or restore a backup)"
    )]
    SchemaTooNew {
        version: i64,
        name: String,
        known: i64,
    },

    #[error(
        "migration {version:04}_{name} as applied to the database differs from the one in this program \
         (checksum or name mismatch): an applied migration must never be edited; restore the original \
         migration file and put the change into a new migration"
    )]
    MigrationChanged { version: i64, name: String },

    #[error(
        "the database lacks migration {version:04}_{name} although later ones are applied: it was not \
         created by this program's migrations; restore a backup or start from an empty database"
    )]
    MigrationMissing { version: i64, name: String },

    #[error("applying migration {version:04}_{name} failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: Box<StoreError>,
    },

    #[error("invalid API key name {name:?}: {reason}")]
    InvalidName { name: String, reason: &'static str },

    #[error(transparent)]
    InvalidRate(#[from] RateError),

    #[error("an API key named {name:?} already exists (names stay taken after revocation); choose another name")]
    AlreadyExists { name: String },

    #[error("no API key has the id or name {key:?}; list the keys to see their ids and names")]
    NotFound { key: String },

    #[error(
        "the metadata store holds an invalid value: {detail}; was the database edited by hand?"
    )]
    Corrupt { detail: String },

    #[error("a SQLite transaction body waited on something other than the database (a bug in the caller); it was rolled back")]
    Awaited,

    #[error("a database task did not finish (it panicked or the runtime shut down); the operation may not have been applied")]
    TaskFailed,
}

impl StoreError {
    pub(crate) fn sqlite(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
        move |source| StoreError::Sqlite { context, source }
    }

    pub(crate) fn postgres(context: &'static str) -> impl Fn(tokio_postgres::Error) -> StoreError {
        move |source| StoreError::Postgres { context, source }
    }

    /// Rolls back a transaction for a reason of the caller's (no personal
    /// data in it).
    pub fn aborted(reason: impl Into<String>) -> StoreError {
        StoreError::Aborted {
            reason: reason.into(),
        }
    }

    pub(crate) fn corrupt(detail: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            detail: detail.into(),
        }
    }
}
