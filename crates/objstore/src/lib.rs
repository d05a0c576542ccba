//! The index in S3-compatible object storage: a [`Storage`] for
//! `lekradar-index` on any server that speaks S3 (SeaweedFS, Ceph, AWS),
//! through the `object_store` crate.
//!
//! Layout under `s3://BUCKET/PREFIX/`:
//! - `seg-*.lks`, `meta-*.lkm`, `dom-*.lkd`: the index's files, under
//!   random names that never repeat, written once and never changed;
//! - `manifests/NNNNNNNNNNNNNNNNNNNN`: one immutable manifest per
//!   generation, named by `u64::MAX - generation` in 20 digits, so that a
//!   listing (in key order) finds the newest first.
//!
//! **Publishing** is a create-only put of the next generation's manifest
//! (`If-None-Match: *`): of two writers publishing the same generation
//! exactly one succeeds, the other gets [`IndexError::Conflict`] and
//! nothing of its work is visible. Before a writer starts,
//! [`ObjectStorage::probe_conditional_writes`] checks that the server
//! honours the condition at all (Garage, for one, silently overwrites), and
//! refuses to publish to one that does not.
//!
//! **With a catalog** ([`ObjectStorage::with_catalog`]; PostgreSQL through
//! `--index-catalog`), the generation in force is held there instead, for
//! servers that ignore conditional writes: a manifest goes up under a name
//! of its own (`manifests/NNNNNNNNNNNNNNNNNNNN-RANDOM`), and the publish is
//! the catalog's compare-and-swap from the expected generation; the writer
//! lock is the catalog's (an advisory lock), and an object `CATALOG` tells
//! a process without the catalog to refuse the index rather than publish
//! beside it. An index published without a catalog is adopted by the
//! catalog's first reader or writer.
//!
//! **Readers** learn of a new generation by asking whether the manifest of
//! the next one exists (two `HEAD`s per poll: the next, and the one in
//! service, listing again when that was pruned while the reader was away),
//! and map segments from a local cache: a segment is downloaded to a
//! temporary file, checked in full (size, checksums, directory), renamed
//! into the cache, then mapped; the
//! cache keeps at most its size, evicting the least recently used files.
//!
//! **Garbage collection** leaves files younger than the grace period
//! ([`Storage::gc_grace`]): a file a publish superseded may still be in
//! use by a server that has not polled yet, and a file another writer
//! uploaded may belong to a publish still to come.

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use lekradar_index::{
    check_shard_name, IndexError, ManifestStamp, Segment, Storage, StoredFile, WriterLock,
    SHARDS_DIR,
};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, WriteMultipart};

type Result<T, E = IndexError> = std::result::Result<T, E>;

/// The name the index reads and publishes its manifest under.
const MANIFEST_FILE: &str = "MANIFEST";
/// Files up to this size go up in one put, larger ones in parts.
const SINGLE_PUT_MAX: u64 = 32 << 20;
/// Part size of a multipart upload.
const PART_SIZE: usize = 16 << 20;
/// Bytes a download asks for at once.
const DOWNLOAD_RANGE: u64 = 32 << 20;
/// Manifests a writer keeps however old: the newest few generations, which
/// servers behind by a poll or two may still be reading.
const KEEP_MANIFESTS: usize = 8;

/// The last manifest read, in the cache directory: what a server restarted
/// while the store is unreachable serves (with the segments cached beside it).
const LAST_MANIFEST: &str = "last-manifest";

/// Marks an index whose generation is held in a catalog.
const CATALOG_MARKER: &str = "CATALOG";

/// What a [`Catalog`] call fails with (its own error, for messages).
pub type CatalogError = Box<dyn std::error::Error + Send + Sync>;
/// What a [`Catalog`] call returns: a future run on the storage's runtime.
pub type CatalogFuture<T> = futures::future::BoxFuture<'static, Result<T, CatalogError>>;
/// A writer's hold on a [`Catalog`]'s lock, released when dropped.
pub type CatalogGuard = Box<dyn std::any::Any + Send + Sync>;

/// Where the generation in force is held when the bucket cannot be trusted
/// to decide it (a server that ignores conditional writes): a
/// compare-and-swap register per index location, and a writer lock. The
/// binary implements it on the metadata store (PostgreSQL).
pub trait Catalog: Send + Sync + std::fmt::Debug {
    /// Where, for messages (no password).
    fn describe(&self) -> String;
    /// The generation in force at `location` and its manifest's name.
    fn current(&self, location: &str) -> CatalogFuture<Option<(u64, String)>>;
    /// Records `(generation, manifest)` unless a generation is recorded;
    /// returns what is recorded.
    fn adopt(
        &self,
        location: &str,
        generation: u64,
        manifest: &str,
    ) -> CatalogFuture<(u64, String)>;
    /// Makes `(generation, manifest)` current provided `expected` still is
    /// (0: none yet); `false` when another writer was first.
    fn swap(
        &self,
        location: &str,
        expected: u64,
        generation: u64,
        manifest: &str,
    ) -> CatalogFuture<bool>;
    /// The writer lock of `location`; `None` when another holds it.
    fn lock(&self, location: &str) -> CatalogFuture<Option<CatalogGuard>>;
}

/// Where the index lives and how to reach it.
#[derive(Clone)]
pub struct S3Options {
    /// `s3://BUCKET` or `s3://BUCKET/PREFIX`.
    pub url: String,
    /// The server, e.g. `http://127.0.0.1:8333`; AWS when not given.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Where segments are built before upload (local disk).
    pub staging_dir: PathBuf,
    /// Where segments are cached to be mapped (local disk).
    pub cache_dir: PathBuf,
    /// Most bytes the cache keeps.
    pub cache_bytes: u64,
    /// Garbage collection's grace period.
    pub grace: Duration,
}

impl std::fmt::Debug for S3Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Options")
            .field("url", &self.url)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "…"),
            )
            .field("staging_dir", &self.staging_dir)
            .field("cache_dir", &self.cache_dir)
            .field("cache_bytes", &self.cache_bytes)
            .field("grace", &self.grace)
            .finish()
    }
}

/// Why object storage cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{0:?} is not an object storage URL: write s3://BUCKET or s3://BUCKET/PREFIX")]
    Url(String),
    #[error("cannot set up the S3 client for {url}: {source}")]
    Client {
        url: String,
        #[source]
        source: object_store::Error,
    },
    #[error("cannot start the object storage runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot create {path}: {source}")]
    Dir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The index in an S3 bucket (see the crate documentation).
#[derive(Debug)]
pub struct ObjectStorage {
    store: Arc<AmazonS3>,
    url: String,
    prefix: String,
    staging: PathBuf,
    cache: Cache,
    grace: Duration,
    /// Taken only by `drop`.
    runtime: Option<tokio::runtime::Runtime>,
    /// The newest generation seen, to ask only for the next one.
    newest: Mutex<Option<u64>>,
    /// Where the generation in force is held, when not in the bucket.
    catalog: Option<Arc<dyn Catalog>>,
    /// A reader may start from the cached generation ([`ObjectStorage::allow_cached_start`]).
    cached_start: AtomicBool,
    /// No manifest stamp asked for yet: the fallback applies to the first only.
    first_stamp: AtomicBool,
    /// Started from the cached generation; cleared by the first manifest read
    /// from the store.
    serving_cached: AtomicBool,
}

impl ObjectStorage {
    /// The index at `options.url`. Nothing is contacted yet: the first
    /// read or [`ObjectStorage::check_access`] says whether it can be.
    pub fn new(options: &S3Options) -> Result<ObjectStorage, OpenError> {
        let rest = options
            .url
            .strip_prefix("s3://")
            .ok_or_else(|| OpenError::Url(options.url.clone()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/').to_owned();
        if bucket.is_empty() || prefix.split('/').any(|p| p == "." || p == "..") {
            return Err(OpenError::Url(options.url.clone()));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&options.region)
            .with_virtual_hosted_style_request(false);
        if let Some(endpoint) = &options.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &options.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &options.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build().map_err(|source| OpenError::Client {
            url: options.url.clone(),
            source,
        })?;
        for dir in [&options.staging_dir, &options.cache_dir] {
            std::fs::create_dir_all(dir).map_err(|source| OpenError::Dir {
                path: dir.clone(),
                source,
            })?;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lekradar-s3")
            .enable_all()
            .build()
            .map_err(OpenError::Runtime)?;
        Ok(ObjectStorage {
            store: Arc::new(store),
            url: options.url.trim_end_matches('/').to_owned(),
            prefix,
            staging: options.staging_dir.clone(),
            cache: Cache {
                dir: options.cache_dir.clone(),
                limit: options.cache_bytes,
            },
            grace: options.grace,
            runtime: Some(runtime),
            newest: Mutex::new(None),
            catalog: None,
            cached_start: AtomicBool::new(false),
            first_stamp: AtomicBool::new(true),
            serving_cached: AtomicBool::new(false),
        })
    }

    /// Holds the generation in force in `catalog` instead of in the
    /// bucket (see the crate documentation).
    pub fn with_catalog(mut self, catalog: Arc<dyn Catalog>) -> ObjectStorage {
        self.catalog = Some(catalog);
        self
    }

    /// Whether this data directory holds a generation read earlier (its
    /// manifest; the segments it names are in the cache unless evicted).
    pub fn has_cached_generation(&self) -> bool {
        self.cache.dir.join(LAST_MANIFEST).is_file()
    }

    /// Lets a reader that cannot reach the store (or the catalog) at start
    /// serve the generation cached here instead of failing: its first
    /// manifest stamp and the files it reads then come from the cache, and
    /// every later poll asks the store again (failing, and so reported as
    /// unreachable, until it answers). Never for a writer.
    pub fn allow_cached_start(&self) {
        self.cached_start.store(true, Ordering::SeqCst);
    }

    /// Keeps `bytes` (a manifest, or an immutable metadata file) in the
    /// cache for a start while the store is unreachable; best effort.
    fn keep_copy(&self, name: &str, bytes: &[u8]) {
        let path = self.cache.dir.join(name);
        let tmp = self
            .cache
            .dir
            .join(format!("{name}.part-{:016x}", rand::random::<u64>()));
        if std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .is_err()
        {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    fn cached_copy(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.cache.dir.join(name)).ok()
    }

    fn catalog_error(&self, e: CatalogError) -> IndexError {
        let via = self
            .catalog
            .as_ref()
            .map_or_else(String::new, |c| c.describe());
        IndexError::Io {
            path: PathBuf::from(format!("{} (catalog {via})", self.url)),
            source: std::io::Error::other(e.to_string()),
        }
    }

    /// The generation in force and its manifest's name, from the catalog;
    /// an index published without one is adopted.
    fn catalog_head(&self, catalog: &Arc<dyn Catalog>) -> Result<Option<(u64, String)>> {
        let c = Arc::clone(catalog);
        let location = self.url.clone();
        let mut head = self
            .block(async move { c.current(&location).await })
            .map_err(|e| self.catalog_error(e))?;
        if head.is_none() {
            if let Some((generation, name)) = self.list_newest()? {
                let c = Arc::clone(catalog);
                let location = self.url.clone();
                let adopted = self
                    .block(async move { c.adopt(&location, generation, &name).await })
                    .map_err(|e| self.catalog_error(e))?;
                tracing::info!(index = %self.url, generation = adopted.0, "the catalog adopted this index");
                // Processes without the catalog refuse the index from now
                // on. Best effort: a reader may not be allowed to write;
                // the first writer with the catalog puts it in any case.
                if let Err(e) = self.put_marker() {
                    tracing::debug!(index = %self.url, error = %e, "the catalog marker is left to the writer");
                }
                head = Some(adopted);
            }
        }
        *self.newest.lock().unwrap_or_else(|p| p.into_inner()) = head.as_ref().map(|h| h.0);
        Ok(head)
    }

    /// Refuses an index whose generation a catalog holds when this
    /// process has none: it would read a stale generation, or publish one
    /// the catalog's readers never see.
    fn check_no_catalog(&self) -> Result<()> {
        if self.catalog.is_none() && self.exists_key(self.key(CATALOG_MARKER), CATALOG_MARKER)? {
            return Err(self.catalog_needed());
        }
        Ok(())
    }

    /// Puts the object that makes processes without the catalog refuse
    /// this index.
    fn put_marker(&self) -> Result<()> {
        let marker = b"this index's generation is held in a catalog (--index-catalog)\n";
        match self.put(
            CATALOG_MARKER,
            self.key(CATALOG_MARKER),
            marker.to_vec(),
            PutMode::Overwrite,
        ) {
            Ok(()) | Err(PutError::Exists) => Ok(()),
            Err(PutError::Other(e)) => Err(e),
        }
    }

    fn catalog_needed(&self) -> IndexError {
        IndexError::Io {
            path: PathBuf::from(&self.url),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "this index's generation is held in a catalog (its writer ran with \
                 --index-catalog): give the same --index-catalog",
            ),
        }
    }

    /// Runs `future` on this storage's runtime and waits for it, from any
    /// thread (also one of another runtime's).
    fn block<T: Send + 'static>(&self, future: impl Future<Output = T> + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        if let Some(runtime) = &self.runtime {
            runtime.spawn(async move {
                let _ = tx.send(future.await);
            });
        }
        // The task only ends by sending; a panic in it drops the sender.
        match rx.recv() {
            Ok(value) => value,
            Err(_) => std::panic::resume_unwind(Box::new("object storage task panicked")),
        }
    }

    fn key(&self, file: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(file)
        } else {
            ObjectPath::from(format!("{}/{file}", self.prefix))
        }
    }

    fn manifest_key(&self, generation: u64) -> ObjectPath {
        self.key(&format!("manifests/{:020}", u64::MAX - generation))
    }

    fn error(&self, file: &str, e: object_store::Error) -> IndexError {
        let kind = match &e {
            object_store::Error::NotFound { .. } => std::io::ErrorKind::NotFound,
            object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. } => std::io::ErrorKind::PermissionDenied,
            _ => std::io::ErrorKind::Other,
        };
        IndexError::Io {
            path: self.describe(file),
            source: std::io::Error::new(kind, e.to_string()),
        }
    }

    /// The newest manifest in the bucket and its name (relative to the
    /// prefix), by listing: names sort newest first.
    fn list_newest(&self) -> Result<Option<(u64, String)>> {
        let store = Arc::clone(&self.store);
        let prefix = self.key("manifests/");
        let first = self.block(async move {
            let mut list = store.list(Some(&prefix));
            list.next().await.transpose()
        });
        let first = first.map_err(|e| self.error("manifests/", e))?;
        let Some(meta) = first else {
            return Ok(None);
        };
        let name = meta.location.filename().unwrap_or_default().to_owned();
        let inverted = name.split_once('-').map_or(name.as_str(), |(g, _)| g);
        let inverted: u64 = inverted.parse().map_err(|_| IndexError::Corrupt {
            path: self.describe(&format!("manifests/{name}")),
            reason: "a manifest's name is not a generation".into(),
        })?;
        Ok(Some((u64::MAX - inverted, format!("manifests/{name}"))))
    }

    /// The newest published generation and its manifest's name: the
    /// catalog's, or the bucket's newest create-only manifest.
    fn find_newest(&self) -> Result<Option<(u64, String)>> {
        if let Some(catalog) = &self.catalog {
            return self.catalog_head(catalog);
        }
        let newest = self.list_newest()?;
        if let Some((_, name)) = &newest {
            if name.contains('-') {
                // Named for a catalog's publish.
                return Err(self.catalog_needed());
            }
        }
        *self.newest.lock().unwrap_or_else(|p| p.into_inner()) = newest.as_ref().map(|n| n.0);
        Ok(newest)
    }

    /// Deletes superseded manifests: all but the newest
    /// [`KEEP_MANIFESTS`], and of those only the ones older than the grace
    /// period, so a server that has just listed one can still read it.
    /// Under the writer lock; a failure is left for the next writer.
    fn prune_manifests(&self) -> Result<usize> {
        let store = Arc::clone(&self.store);
        let prefix = self.key("manifests/");
        let listed = self.block(async move {
            let mut all = Vec::new();
            let mut list = store.list(Some(&prefix));
            while let Some(meta) = list.next().await {
                let meta = meta?;
                all.push((meta.location, meta.last_modified));
            }
            Ok::<_, object_store::Error>(all)
        });
        let mut listed = listed.map_err(|e| self.error("manifests/", e))?;
        // Names are u64::MAX - generation, zero-padded: newest first.
        listed.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        // With a catalog, the one it names stays whatever the listing says
        // (a writer that lost a race may have left a newer name).
        let current = match &self.catalog {
            Some(catalog) => self.catalog_head(catalog)?.map(|(_, name)| self.key(&name)),
            None => None,
        };
        listed.retain(|(location, _)| Some(location) != current.as_ref());
        let now = SystemTime::now();
        let mut removed = 0;
        for (location, modified) in listed.into_iter().skip(KEEP_MANIFESTS) {
            let age = now
                .duration_since(SystemTime::from(modified))
                .unwrap_or_default();
            if age < self.grace {
                continue;
            }
            let store = Arc::clone(&self.store);
            if self
                .block(async move { store.delete(&location).await })
                .is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn exists_key(&self, key: ObjectPath, file: &str) -> Result<bool> {
        let store = Arc::clone(&self.store);
        match self.block(async move { store.head(&key).await }) {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.error(file, e)),
        }
    }

    fn put(
        &self,
        file: &str,
        key: ObjectPath,
        bytes: Vec<u8>,
        mode: PutMode,
    ) -> Result<(), PutError> {
        let store = Arc::clone(&self.store);
        let result = self.block(async move {
            let options = PutOptions {
                mode,
                ..PutOptions::default()
            };
            store.put_opts(&key, PutPayload::from(bytes), options).await
        });
        match result {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Err(PutError::Exists),
            Err(e) => Err(PutError::Other(self.error(file, e))),
        }
    }

    /// Whether the server refuses a create-only put of an object that
    /// exists. One that silently overwrites would let two writers both
    /// "win" a generation, so publishing to it is refused.
    pub fn probe_conditional_writes(&self) -> Result<()> {
        let name = format!("probe-{:032x}", rand::random::<u128>());
        let key = self.key(&format!("probes/{name}"));
        let first = self.put(&name, key.clone(), b"first".to_vec(), PutMode::Create);
        let second = self.put(&name, key.clone(), b"second".to_vec(), PutMode::Create);
        let store = Arc::clone(&self.store);
        let cleanup = key.clone();
        let _ = self.block(async move { store.delete(&cleanup).await });
        match (first, second) {
            (Err(PutError::Other(e)), _) | (_, Err(PutError::Other(e))) => Err(e),
            (Err(PutError::Exists), _) => Err(IndexError::Io {
                path: self.describe(&format!("probes/{name}")),
                source: std::io::Error::other("a new object was reported to exist already"),
            }),
            (Ok(()), Ok(())) => Err(IndexError::Io {
                path: PathBuf::from(&self.url),
                source: std::io::Error::other(
                    "this object store ignores conditional writes (If-None-Match): it \
                     overwrote an object a create-only put should have left alone, so two \
                     writers could both publish the same generation; use a store that \
                     honours them (SeaweedFS, AWS S3, Ceph)",
                ),
            }),
            (Ok(()), Err(PutError::Exists)) => Ok(()),
        }
    }

    /// Reads the newest manifest (or learns there is none), so that wrong
    /// credentials, a missing bucket or an endpoint that is not S3 are
    /// reported at start. An endpoint that answers a request for an object
    /// that cannot exist is not an S3 server (a web server answering every
    /// path would otherwise look like an empty index).
    pub fn check_access(&self) -> Result<Option<u64>> {
        // The listing first: SeaweedFS answers a HEAD in a bucket its S3
        // gateway has only just learnt of with a bare 400.
        let newest = self.find_newest()?.map(|n| n.0);
        self.check_no_catalog()?;
        let absent = format!("probes/absent-{:032x}", rand::random::<u128>());
        if self.exists_key(self.key(&absent), &absent)? {
            return Err(IndexError::Io {
                path: PathBuf::from(&self.url),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the endpoint answered for an object that does not exist: it is not an \
                     S3 server (check --s3-endpoint)",
                ),
            });
        }
        if newest.is_none() {
            tracing::warn!(index = %self.url, "no index published at this location yet");
        }
        Ok(newest)
    }

    /// `file`'s bytes from the store (the manifest in force for `MANIFEST`).
    fn read_from_store(&self, file: &str) -> Result<Option<Vec<u8>>> {
        let key = if file == MANIFEST_FILE {
            match self.find_newest()? {
                Some((_, name)) => self.key(&name),
                None => return Ok(None),
            }
        } else {
            self.key(file)
        };
        let store = Arc::clone(&self.store);
        let result = self.block(async move {
            match store.get(&key).await {
                Ok(got) => got.bytes().await.map(Some),
                Err(e) => Err(e),
            }
        });
        match result {
            Ok(bytes) => Ok(bytes.map(|b| b.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(file, e)),
        }
    }

    /// The manifest stamp from the store or the catalog.
    fn stamp_from_store(&self) -> Result<Option<ManifestStamp>> {
        if let Some(catalog) = &self.catalog {
            // One query of the catalog per poll.
            let head = self.catalog_head(catalog)?;
            return Ok(head.map(|(g, name)| ManifestStamp::new(format!("g{g} {name}"))));
        }
        let known = *self.newest.lock().unwrap_or_else(|p| p.into_inner());
        let newest = match known {
            Some(generation) => {
                let next = self.manifest_key(generation + 1);
                // The one known gone too: pruned while this server was away
                // for longer than the grace period; list to find the newest.
                if self.exists_key(next, "manifests/")?
                    || !self.exists_key(self.manifest_key(generation), "manifests/")?
                {
                    self.find_newest()?.map(|n| n.0)
                } else {
                    Some(generation)
                }
            }
            None => self.find_newest()?.map(|n| n.0),
        };
        Ok(newest.map(|g| ManifestStamp::new(format!("g{g}"))))
    }

    fn note_published(&self, generation: u64) {
        let mut newest = self.newest.lock().unwrap_or_else(|p| p.into_inner());
        *newest = Some(newest.map_or(generation, |n| n.max(generation)));
    }

    /// The catalog's publish: the manifest under a name of its own (a
    /// plain put: no condition needed), then the catalog's swap. A lost
    /// race deletes the manifest again; a failed swap leaves it for
    /// pruning (it may have committed without this process learning so).
    fn publish_in_catalog(
        &self,
        catalog: &Arc<dyn Catalog>,
        expected: u64,
        generation: u64,
        bytes: &[u8],
    ) -> Result<()> {
        let name = format!(
            "manifests/{:020}-{:016x}",
            u64::MAX - generation,
            rand::random::<u64>()
        );
        match self.put(&name, self.key(&name), bytes.to_vec(), PutMode::Overwrite) {
            Ok(()) => {}
            // An unconditional put has no condition to fail.
            Err(PutError::Exists) => {
                return Err(IndexError::Io {
                    path: self.describe(&name),
                    source: std::io::Error::other("the object store refused a plain put"),
                })
            }
            Err(PutError::Other(e)) => return Err(e),
        }
        let c = Arc::clone(catalog);
        let location = self.url.clone();
        let manifest = name.clone();
        let swapped = self
            .block(async move { c.swap(&location, expected, generation, &manifest).await })
            .map_err(|e| self.catalog_error(e))?;
        if swapped {
            self.note_published(generation);
            return Ok(());
        }
        let store = Arc::clone(&self.store);
        let key = self.key(&name);
        let _ = self.block(async move { store.delete(&key).await });
        let found = self.catalog_head(catalog)?.map_or(0, |h| h.0);
        Err(IndexError::Conflict {
            location: self.url.clone(),
            expected,
            found,
            generation,
        })
    }

    /// Removes what an interrupted build left in the staging directory.
    fn clean_staging(&self) {
        if let Ok(items) = std::fs::read_dir(&self.staging) {
            for item in items.flatten() {
                let name = item.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("run-") || name.starts_with("seg-") {
                    let _ = std::fs::remove_file(item.path());
                }
            }
        }
    }

    /// Downloads `key` into the new file `into`, in ranges: each request
    /// stays well inside the client's timeout and is retried on its own,
    /// however large the object.
    async fn download(
        store: Arc<AmazonS3>,
        key: ObjectPath,
        into: PathBuf,
    ) -> Result<(), UploadError> {
        let size = store.head(&key).await.map_err(UploadError::Store)?.size;
        let mut out = std::fs::File::create(&into).map_err(UploadError::Local)?;
        let mut at = 0u64;
        while at < size {
            let end = (at + DOWNLOAD_RANGE).min(size);
            let bytes = store
                .get_range(&key, at..end)
                .await
                .map_err(UploadError::Store)?;
            out.write_all(&bytes).map_err(UploadError::Local)?;
            at = end;
        }
        out.sync_all().map_err(UploadError::Local)?;
        Ok(())
    }

    /// Uploads the local file `path` as `key`; `create`: only when no object
    /// of that name exists (index files), else replacing one (shard files).
    async fn upload_file(
        store: Arc<AmazonS3>,
        key: ObjectPath,
        path: PathBuf,
        create: bool,
    ) -> Result<(), UploadError> {
        let len = tokio::fs::metadata(&path)
            .await
            .map_err(UploadError::Local)?
            .len();
        if len <= SINGLE_PUT_MAX {
            let bytes = tokio::fs::read(&path).await.map_err(UploadError::Local)?;
            let options = PutOptions {
                mode: if create {
                    PutMode::Create
                } else {
                    PutMode::Overwrite
                },
                ..PutOptions::default()
            };
            store
                .put_opts(&key, PutPayload::from(bytes), options)
                .await
                .map_err(UploadError::Store)?;
            return Ok(());
        }
        let upload = store
            .put_multipart(&key)
            .await
            .map_err(UploadError::Store)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut file = tokio::fs::File::open(&path)
            .await
            .map_err(UploadError::Local)?;
        let mut buf = vec![0u8; PART_SIZE];
        loop {
            use tokio::io::AsyncReadExt;
            let n = match file.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(UploadError::Local(e));
                }
            };
            writer
                .wait_for_capacity(4)
                .await
                .map_err(UploadError::Store)?;
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(UploadError::Store)?;
        Ok(())
    }
}

impl Drop for ObjectStorage {
    fn drop(&mut self) {
        // Dropping a runtime waits for its tasks, which is refused inside
        // another runtime (a server dropping its index); none is running.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

enum PutError {
    Exists,
    Other(IndexError),
}

enum UploadError {
    Local(std::io::Error),
    Store(object_store::Error),
}

/// Whether `e` says the store (or the catalog) could not be reached or
/// failed, rather than refusing (credentials) or lacking something (a
/// missing bucket): the errors a start from the cache may ride out.
pub fn is_unreachable(e: &IndexError) -> bool {
    match e {
        IndexError::Io { source, .. } => !matches!(
            source.kind(),
            std::io::ErrorKind::NotFound
                | std::io::ErrorKind::PermissionDenied
                | std::io::ErrorKind::InvalidInput
        ),
        _ => false,
    }
}

/// The staging directory's lock: two writers sharing a data directory
/// would clear each other's staged segments.
#[derive(Debug)]
struct StagingLock(
    #[allow(dead_code)] std::fs::File,
    #[allow(dead_code)] Option<CatalogGuard>,
);

impl WriterLock for StagingLock {}

impl Storage for ObjectStorage {
    fn location(&self) -> String {
        self.url.clone()
    }

    fn describe(&self, file: &str) -> PathBuf {
        PathBuf::from(format!("{}/{file}", self.url))
    }

    fn read(&self, file: &str) -> Result<Option<Vec<u8>>> {
        let read = self.read_from_store(file);
        // Copies for a start while the store is unreachable: the manifest,
        // and the metadata files (immutable under their names).
        let kept = file == MANIFEST_FILE || file.ends_with(".lkm") || file.ends_with(".lkd");
        match read {
            Ok(Some(bytes)) => {
                if kept {
                    let name = if file == MANIFEST_FILE {
                        LAST_MANIFEST
                    } else {
                        file
                    };
                    self.keep_copy(name, &bytes);
                }
                if file == MANIFEST_FILE {
                    self.serving_cached.store(false, Ordering::SeqCst);
                }
                Ok(Some(bytes))
            }
            Err(e) if kept && self.serving_cached.load(Ordering::SeqCst) => {
                let name = if file == MANIFEST_FILE {
                    LAST_MANIFEST
                } else {
                    file
                };
                self.cached_copy(name).map(Some).ok_or(e)
            }
            other => other,
        }
    }

    fn local_path(&self, file: &str) -> Result<PathBuf> {
        if let Some(path) = self.cache.hit(file) {
            return Ok(path);
        }
        let tmp = self
            .cache
            .dir
            .join(format!("{file}.part-{:016x}", rand::random::<u64>()));
        let store = Arc::clone(&self.store);
        let key = self.key(file);
        let into = tmp.clone();
        // In ranges: each request stays well inside the client's timeout
        // and is retried on its own, however large the segment.
        let downloaded = self.block(Self::download(store, key, into));
        let failed = |e: IndexError| {
            let _ = std::fs::remove_file(&tmp);
            e
        };
        match downloaded {
            Ok(()) => {}
            Err(UploadError::Store(e)) => return Err(failed(self.error(file, e))),
            Err(UploadError::Local(source)) => {
                return Err(failed(IndexError::Io {
                    path: tmp.clone(),
                    source,
                }))
            }
        }
        // Checked in full before it may be mapped: a damaged or truncated
        // object never enters the cache. The error names the object.
        if file.ends_with(".lks") {
            if let Err(e) = Segment::open(&tmp) {
                let reason = match e {
                    IndexError::Corrupt { reason, .. } => reason,
                    other => other.to_string(),
                };
                return Err(failed(IndexError::Corrupt {
                    path: self.describe(file),
                    reason,
                }));
            }
        }
        let path = self.cache.dir.join(file);
        std::fs::rename(&tmp, &path).map_err(|source| {
            failed(IndexError::Io {
                path: path.clone(),
                source,
            })
        })?;
        self.cache.evict();
        Ok(path)
    }

    fn create(&self, file: &str, bytes: &[u8]) -> Result<()> {
        match self.put(file, self.key(file), bytes.to_vec(), PutMode::Create) {
            Ok(()) => Ok(()),
            Err(PutError::Exists) => Err(IndexError::Io {
                path: self.describe(file),
                source: std::io::ErrorKind::AlreadyExists.into(),
            }),
            Err(PutError::Other(e)) => Err(e),
        }
    }

    fn staging_dir(&self) -> &Path {
        &self.staging
    }

    /// Uploads the staged segment (in parts when large), then moves it
    /// into the local cache: this machine need not download it again.
    fn upload(&self, file: &str) -> Result<()> {
        let path = self.staging.join(file);
        let store = Arc::clone(&self.store);
        let key = self.key(file);
        let result = self.block(Self::upload_file(store, key, path.clone(), true));
        match result {
            Ok(()) => {}
            Err(UploadError::Local(source)) => return Err(IndexError::Io { path, source }),
            Err(UploadError::Store(e)) => return Err(self.error(file, e)),
        }
        let cached = self.cache.dir.join(file);
        if std::fs::rename(&path, &cached).is_err() {
            let _ = std::fs::remove_file(&path);
        }
        Ok(())
    }

    fn delete(&self, file: &str) -> Result<()> {
        let store = Arc::clone(&self.store);
        let key = self.key(file);
        match self.block(async move { store.delete(&key).await }) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(file, e)),
        }
    }

    fn list(&self) -> Result<Vec<StoredFile>> {
        let store = Arc::clone(&self.store);
        let prefix = if self.prefix.is_empty() {
            None
        } else {
            Some(ObjectPath::from(self.prefix.as_str()))
        };
        let listed = self.block(async move {
            let result = store.list_with_delimiter(prefix.as_ref()).await?;
            Ok::<_, object_store::Error>(result.objects)
        });
        let objects = listed.map_err(|e| self.error("", e))?;
        Ok(objects
            .into_iter()
            .filter_map(|meta| {
                Some(StoredFile {
                    name: meta.location.filename()?.to_owned(),
                    modified: Some(SystemTime::from(meta.last_modified)),
                })
            })
            .collect())
    }

    fn gc_grace(&self) -> Duration {
        self.grace
    }

    fn sync(&self) -> Result<()> {
        // A put is durable when it returns.
        Ok(())
    }

    fn manifest_stamp(&self) -> Result<Option<ManifestStamp>> {
        let first = self.first_stamp.swap(false, Ordering::SeqCst);
        match self.stamp_from_store() {
            Err(e)
                if first
                    && self.cached_start.load(Ordering::SeqCst)
                    && is_unreachable(&e)
                    && self.has_cached_generation() =>
            {
                tracing::warn!(
                    index = %self.url,
                    error = %e,
                    "the index's store is unreachable: serving the generation cached here until it answers"
                );
                self.serving_cached.store(true, Ordering::SeqCst);
                Ok(Some(ManifestStamp::new("cached")))
            }
            other => other,
        }
    }

    fn publish_manifest(&self, expected: u64, generation: u64, bytes: &[u8]) -> Result<()> {
        if let Some(catalog) = &self.catalog {
            return self.publish_in_catalog(catalog, expected, generation, bytes);
        }
        let key = self.manifest_key(generation);
        match self.put("manifests/", key, bytes.to_vec(), PutMode::Create) {
            Ok(()) => {
                self.note_published(generation);
                Ok(())
            }
            Err(PutError::Exists) => {
                let found = self.find_newest()?.map_or(0, |n| n.0);
                Err(IndexError::Conflict {
                    location: self.url.clone(),
                    expected,
                    found,
                    generation,
                })
            }
            Err(PutError::Other(e)) => Err(e),
        }
    }

    /// One writer per generation across machines is the create-only
    /// manifest's doing: the lock checks that the server honours it, takes
    /// this data directory's staging lock, and clears what an interrupted
    /// build here left behind. With a catalog, the catalog's lock keeps
    /// every other writer of this index out, on any machine, and the
    /// server's conditional writes are not needed.
    fn lock(&self) -> Result<Box<dyn WriterLock>> {
        let path = self.staging.join(".lock");
        let file = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| IndexError::Io {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(IndexError::Locked {
                    path: self.staging.clone(),
                })
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(IndexError::Io { path, source })
            }
        }
        let mut held = None;
        match &self.catalog {
            Some(catalog) => {
                let c = Arc::clone(catalog);
                let location = self.url.clone();
                match self
                    .block(async move { c.lock(&location).await })
                    .map_err(|e| self.catalog_error(e))?
                {
                    Some(guard) => held = Some(guard),
                    None => {
                        return Err(IndexError::Locked {
                            path: PathBuf::from(&self.url),
                        })
                    }
                }
                // From now on a process without the catalog refuses this
                // index instead of publishing beside it.
                self.put_marker()?;
            }
            None => {
                self.check_no_catalog()?;
                self.probe_conditional_writes()?;
            }
        }
        self.clean_staging();
        if let Err(e) = self.prune_manifests() {
            tracing::warn!(index = %self.url, error = %e, "superseded manifests left for the next writer");
        }
        Ok(Box::new(StagingLock(file, held)))
    }

    fn put_shard_file(&self, name: &str, local: &Path) -> Result<()> {
        check_shard_name(name)?;
        let file = format!("{SHARDS_DIR}/{name}");
        let store = Arc::clone(&self.store);
        let key = self.key(&file);
        match self.block(Self::upload_file(store, key, local.to_owned(), false)) {
            Ok(()) => Ok(()),
            Err(UploadError::Local(source)) => Err(IndexError::Io {
                path: local.to_owned(),
                source,
            }),
            Err(UploadError::Store(e)) => Err(self.error(&file, e)),
        }
    }

    fn fetch_shard_file(&self, name: &str, dir: &Path) -> Result<PathBuf> {
        check_shard_name(name)?;
        let file = format!("{SHARDS_DIR}/{name}");
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let into = dir.join(name.replace('/', "-"));
        let _ = std::fs::remove_file(&into);
        let store = Arc::clone(&self.store);
        match self.block(Self::download(store, self.key(&file), into.clone())) {
            Ok(()) => Ok(into),
            Err(e) => {
                let _ = std::fs::remove_file(&into);
                Err(match e {
                    UploadError::Local(source) => IndexError::Io { path: into, source },
                    UploadError::Store(e) => self.error(&file, e),
                })
            }
        }
    }

    fn list_shard_files(&self, prefix: &str) -> Result<Vec<String>> {
        let store = Arc::clone(&self.store);
        let root = self.key(SHARDS_DIR);
        let under = root.to_string();
        let listed = self.block(async move {
            let mut names = Vec::new();
            let mut stream = store.list(Some(&root));
            while let Some(meta) = stream.next().await {
                names.push(meta?.location.to_string());
            }
            Ok::<_, object_store::Error>(names)
        });
        let names = listed.map_err(|e| self.error(SHARDS_DIR, e))?;
        let mut out: Vec<String> = names
            .iter()
            .filter_map(|n| n.strip_prefix(&under)?.strip_prefix('/'))
            .filter(|n| n.starts_with(prefix))
            .map(str::to_owned)
            .collect();
        out.sort();
        Ok(out)
    }

    fn delete_shard_file(&self, name: &str) -> Result<()> {
        check_shard_name(name)?;
        self.delete(&format!("{SHARDS_DIR}/{name}"))
    }
}

/// Segments on local disk, to be mapped; at most `limit` bytes, least
/// recently used evicted first (a mapped file stays readable when evicted).
#[derive(Debug)]
struct Cache {
    dir: PathBuf,
    limit: u64,
}

impl Cache {
    /// The cached copy of `file`, marked as just used.
    fn hit(&self, file: &str) -> Option<PathBuf> {
        let path = self.dir.join(file);
        let f = std::fs::File::options().append(true).open(&path).ok()?;
        let _ = f.set_modified(SystemTime::now());
        Some(path)
    }

    /// Deletes the least recently used files while over the limit.
    fn evict(&self) {
        let Ok(items) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = items
            .flatten()
            .filter_map(|item| {
                let meta = item.metadata().ok()?;
                let name = item.file_name();
                let name = name.to_str()?;
                if name.contains(".part-") || !meta.is_file() {
                    return None;
                }
                Some((meta.modified().ok()?, meta.len(), item.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        files.sort();
        for (_, len, path) in files {
            if total <= self.limit {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}
