//! Integration tests of the metadata store. Each store test is declared once
//! with [`store_test!`] and runs against both backends: SQLite (a file in a
//! temporary directory) and PostgreSQL (a fresh schema in the database named
//! by `TEST_DATABASE_URL`, which `scripts/test-postgres.sh` provides; without
//! it the PostgreSQL half fails, it is never skipped).

mod api_keys;
mod budgets;
mod index_catalog;
mod jobs;
mod migrations;
mod orgs;
mod plain;
mod subscriptions;
mod transactions;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use lekradar_store::{Backend, Store};

/// Declares `$name` once per backend: `$name::sqlite` and `$name::postgres`.
/// The body is a closure from a [`TestDb`] to a future.
macro_rules! store_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run(lekradar_store::Backend::Sqlite, $body).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run(lekradar_store::Backend::Postgres, $body).await;
            }
        }
    };
}
pub(crate) use store_test;

/// A private, empty database for one test, with raw access to it (to look
/// at what is stored and to tamper with it).
#[derive(Clone)]
pub struct TestDb(Arc<Db>);

enum Db {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        /// `TEST_DATABASE_URL` with `search_path` set to the schema.
        url: String,
        schema: String,
    },
}

impl TestDb {
    async fn new(backend: Backend) -> TestDb {
        let db = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                // A subdirectory that does not exist yet: open must create it.
                let path = dir.path().join("meta").join("store.sqlite3");
                Db::Sqlite { _dir: dir, path }
            }
            Backend::Postgres => {
                let (schema, url) = lekradar_testkit::postgres_fresh_schema("store_test").await;
                Db::Postgres { url, schema }
            }
        };
        TestDb(Arc::new(db))
    }

    pub fn backend(&self) -> Backend {
        match &*self.0 {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres { .. } => Backend::Postgres,
        }
    }

    pub fn url(&self) -> String {
        match &*self.0 {
            Db::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            Db::Postgres { url, .. } => url.clone(),
        }
    }

    /// `Store::open` on this database, which must succeed.
    pub async fn open(&self) -> Store {
        match Store::open(&self.url()).await {
            Ok(store) => store,
            Err(err) => panic!("opening {}: {err}", self.url()),
        }
    }

    /// Runs SQL directly, bypassing the store.
    pub async fn execute(&self, sql: &str) {
        match &*self.0 {
            Db::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute_batch(sql).unwrap();
            }
            Db::Postgres { url, .. } => {
                let (client, _task) = connect(url).await;
                client.batch_execute(sql).await.unwrap();
            }
        }
    }

    /// The single integer `sql` returns.
    pub async fn query_i64(&self, sql: &str) -> i64 {
        match &*self.0 {
            Db::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.query_row(sql, [], |row| row.get(0)).unwrap()
            }
            Db::Postgres { url, .. } => {
                let (client, _task) = connect(url).await;
                client.query_one(sql, &[]).await.unwrap().get(0)
            }
        }
    }

    /// Everything the database has stored, as bytes to search: for SQLite
    /// the database file with its WAL and shared-memory files; for
    /// PostgreSQL the text of every row of every table in the schema.
    pub async fn stored_bytes(&self) -> Vec<u8> {
        match &*self.0 {
            Db::Sqlite { path, .. } => {
                let mut bytes = Vec::new();
                let dir = path.parent().unwrap();
                for entry in std::fs::read_dir(dir).unwrap() {
                    bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
                }
                bytes
            }
            Db::Postgres { url, schema } => {
                let (client, _task) = connect(url).await;
                let tables = client
                    .query(
                        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
                        &[schema],
                    )
                    .await
                    .unwrap();
                assert!(tables.len() >= 2, "{schema} has too few tables");
                let mut bytes = Vec::new();
                for table in tables {
                    let table: String = table.get(0);
                    for row in client
                        .query(&format!("SELECT t::text FROM {table} t"), &[])
                        .await
                        .unwrap()
                    {
                        bytes.extend(row.get::<_, String>(0).into_bytes());
                        bytes.push(b'\n');
                    }
                }
                bytes
            }
        }
    }

    async fn cleanup(&self) {
        if let Db::Postgres { schema, .. } = &*self.0 {
            let (client, _task) = connect(&lekradar_testkit::postgres_base_url()).await;
            client
                .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                .await
                .unwrap();
        }
    }
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn connect(url: &str) -> (tokio_postgres::Client, tokio::task::JoinHandle<()>) {
    let (client, connection) = match tokio_postgres::connect(url, tokio_postgres::NoTls).await {
        Ok(pair) => pair,
        Err(err) => panic!(
            "cannot connect to the test PostgreSQL at {url}: {err:?}; is it running? \
             `scripts/test-postgres.sh` starts it"
        ),
    };
    let task = tokio::spawn(async move {
        let _ = connection.await;
    });
    (client, task)
}

/// Runs one test body against a fresh database of `backend`, then drops the
/// database (also when the body panics) and passes the panic on.
pub async fn run<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TestDb::new(backend).await;
    let outcome = tokio::spawn(body(db.clone())).await;
    db.cleanup().await;
    if let Err(err) = outcome {
        match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => panic!("test task failed: {err}"),
        }
    }
}
