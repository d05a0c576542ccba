//! The index catalog: which generation of an index in object storage is
//! current, held in the store instead of in the bucket (`--index-catalog`),
//! as Quickwit keeps its metastore in PostgreSQL. A publish is one
//! `UPDATE … WHERE generation = expected` (or the first row's insert), so
//! it works on any S3 server, also one that ignores conditional writes; the
//! writers of one index take a session advisory lock
//! ([`IndexCatalog::lock`]) so that two runs on two machines never both
//! build for the same generation.
//!
//! Rows name an index by its location (`s3://BUCKET/PREFIX`) and hold the
//! generation in force and its manifest object's name; nothing personal.

use crate::conn::{Conn, Side};
use crate::{Backend, Store, StoreError};

/// The generation in force and the object holding its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub generation: u64,
    /// The manifest object's name, relative to the index's prefix.
    pub manifest: String,
}

/// `store.index_catalog()`.
pub struct IndexCatalog<'s>(pub(crate) &'s Store);

/// A writer's lock on one index: a PostgreSQL session advisory lock,
/// released when this is dropped (its connection closes) or the process
/// dies.
pub struct CatalogLock {
    _client: tokio_postgres::Client,
    connection: tokio::task::JoinHandle<()>,
}

impl Drop for CatalogLock {
    fn drop(&mut self) {
        // Dropping the client ends the session, and the lock with it; the
        // connection task then ends by itself. Abort it in case the
        // server is unreachable and the close hangs.
        self.connection.abort();
    }
}

impl std::fmt::Debug for CatalogLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CatalogLock")
    }
}

fn generation_of(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value)
        .ok()
        .filter(|g| *g > 0)
        .ok_or_else(|| StoreError::corrupt(format!("index generation {value} is out of range")))
}

fn column(generation: u64) -> Result<i64, StoreError> {
    i64::try_from(generation)
        .map_err(|_| StoreError::corrupt(format!("index generation {generation} is out of range")))
}

impl IndexCatalog<'_> {
    /// The generation in force at `location`; `None` before the first
    /// publish.
    pub async fn current(&self, location: &str) -> Result<Option<Head>, StoreError> {
        let location = location.to_owned();
        self.0
            .run(move |c| Box::pin(async move { current(c, &location).await }))
            .await
    }

    /// Records `head` as the generation in force at `location` unless one
    /// is recorded already (an index published with conditional writes
    /// before the catalog took over); returns what is recorded.
    pub async fn adopt(&self, location: &str, head: Head) -> Result<Head, StoreError> {
        let location = location.to_owned();
        self.0
            .transaction(move |c| {
                Box::pin(async move {
                    insert(c, &location, &head).await?;
                    current(c, &location)
                        .await?
                        .ok_or_else(|| StoreError::corrupt("an adopted index head vanished"))
                })
            })
            .await
    }

    /// Makes `new` the generation in force at `location` provided the one
    /// in force is still `expected` (0: none yet). `false`: another writer
    /// published first, and nothing changed.
    pub async fn swap(&self, location: &str, expected: u64, new: Head) -> Result<bool, StoreError> {
        let location = location.to_owned();
        self.0
            .run(move |c| {
                Box::pin(async move {
                    if expected == 0 {
                        return insert(c, &location, &new).await;
                    }
                    let expected = column(expected)?;
                    let generation = column(new.generation)?;
                    let context = "publishing an index generation";
                    let changed = match c.side() {
                        Side::Sqlite(conn) => conn
                            .execute(
                                "UPDATE index_catalog SET generation = ?1, manifest = ?2, \
                                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
                                 WHERE location = ?3 AND generation = ?4",
                                rusqlite::params![generation, new.manifest, location, expected],
                            )
                            .map(|n| n as u64)
                            .map_err(StoreError::sqlite(context))?,
                        Side::Postgres(pg) => pg
                            .execute(
                                "UPDATE index_catalog SET generation = $1, manifest = $2, \
                                 updated_at = now() WHERE location = $3 AND generation = $4",
                                &[&generation, &new.manifest, &location, &expected],
                            )
                            .await
                            .map_err(StoreError::postgres(context))?,
                    };
                    Ok(changed == 1)
                })
            })
            .await
    }

    /// Takes the single-writer lock of the index at `location`, or `None`
    /// at once when another session holds it. PostgreSQL only (a SQLite
    /// file is no place to coordinate machines).
    pub async fn lock(&self, location: &str) -> Result<Option<CatalogLock>, StoreError> {
        let crate::Db::Postgres(db) = &*self.0.db else {
            return Err(StoreError::InvalidUrl {
                url: format!("{}", Backend::Sqlite),
                reason: "the index catalog coordinates writers on several machines and needs \
                         PostgreSQL"
                    .to_owned(),
            });
        };
        let (client, connection) = db.connect_dedicated().await?;
        let connection = tokio::spawn(async move {
            let _ = connection.await;
        });
        let row = client
            .query_one(
                "SELECT pg_try_advisory_lock(hashtext('lekradar-index-writer'), hashtext($1))",
                &[&location],
            )
            .await
            .map_err(StoreError::postgres("taking the index writer lock"))?;
        let held: bool = row
            .try_get(0)
            .map_err(StoreError::postgres("taking the index writer lock"))?;
        let lock = CatalogLock {
            _client: client,
            connection,
        };
        Ok(held.then_some(lock))
    }
}

async fn current(c: &mut Conn<'_>, location: &str) -> Result<Option<Head>, StoreError> {
    let context = "reading the index catalog";
    let row: Option<(i64, String)> = match c.side() {
        Side::Sqlite(conn) => {
            use rusqlite::OptionalExtension as _;
            conn.query_row(
                "SELECT generation, manifest FROM index_catalog WHERE location = ?1",
                [location],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(StoreError::sqlite(context))?
        }
        Side::Postgres(pg) => pg
            .query_opt(
                "SELECT generation, manifest FROM index_catalog WHERE location = $1",
                &[&location],
            )
            .await
            .map_err(StoreError::postgres(context))?
            .map(|r| {
                Ok::<_, StoreError>((
                    r.try_get(0).map_err(StoreError::postgres(context))?,
                    r.try_get(1).map_err(StoreError::postgres(context))?,
                ))
            })
            .transpose()?,
    };
    row.map(|(generation, manifest)| {
        Ok(Head {
            generation: generation_of(generation)?,
            manifest,
        })
    })
    .transpose()
}

/// Inserts the first row of `location`; `false` when it has one.
async fn insert(c: &mut Conn<'_>, location: &str, head: &Head) -> Result<bool, StoreError> {
    let context = "publishing an index generation";
    let generation = column(head.generation)?;
    let inserted = match c.side() {
        Side::Sqlite(conn) => conn
            .execute(
                "INSERT INTO index_catalog (location, generation, manifest, updated_at) \
                 VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) \
                 ON CONFLICT (location) DO NOTHING",
                rusqlite::params![location, generation, head.manifest],
            )
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context))?,
        Side::Postgres(pg) => pg
            .execute(
                "INSERT INTO index_catalog (location, generation, manifest, updated_at) \
                 VALUES ($1, $2, $3, now()) ON CONFLICT (location) DO NOTHING",
                &[&location, &generation, &head.manifest],
            )
            .await
            .map_err(StoreError::postgres(context))?,
    };
    Ok(inserted == 1)
}
