//! Where every command finds its data: one directory, from `--data-dir`,
//! `LEKRADAR_DATA_DIR` or the platform default, and the fixed layout inside;
//! and where the index lives: the data directory's `index/` (the default)
//! or S3-compatible object storage (`--index s3://BUCKET/PREFIX`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lekradar_index::{IndexReader, IndexWriter, LocalStorage, Storage};
use lekradar_objstore::{ObjectStorage, S3Options};

use crate::catalog::StoreCatalog;

/// Where the index lives (global flags of every command).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct IndexArgs {
    /// Where the index lives: a directory, or S3-compatible object storage
    /// as s3://BUCKET/PREFIX [default: DATA_DIR/index]
    #[arg(long, env = "LEKRADAR_INDEX", global = true, value_name = "DIR|URL")]
    pub index: Option<String>,
    /// The S3 server, e.g. http://127.0.0.1:8333 [default: AWS]
    #[arg(long, env = "LEKRADAR_S3_ENDPOINT", global = true, value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// The S3 region
    #[arg(
        long,
        env = "LEKRADAR_S3_REGION",
        global = true,
        default_value = "us-east-1"
    )]
    pub s3_region: String,
    /// The S3 access key id (also LEKRADAR_S3_ACCESS_KEY_ID_FILE or AWS_ACCESS_KEY_ID);
    /// the secret only from LEKRADAR_S3_SECRET_ACCESS_KEY(_FILE) or AWS_SECRET_ACCESS_KEY
    #[arg(
        long,
        env = "LEKRADAR_S3_ACCESS_KEY_ID",
        global = true,
        value_name = "ID"
    )]
    pub s3_access_key_id: Option<String>,
    /// PostgreSQL holding the generation in force of an index in object
    /// storage, for S3 servers that ignore conditional writes; every
    /// process using the index gives the same (also LEKRADAR_INDEX_CATALOG_FILE)
    /// [default: the bucket's create-only manifests]
    #[arg(
        long,
        env = "LEKRADAR_INDEX_CATALOG",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub index_catalog: Option<String>,
    /// Most disk the local cache of an object-storage index may use
    #[arg(long, env = "LEKRADAR_INDEX_CACHE", global = true, default_value = "20GiB", value_parser = crate::cmd::parse_memory)]
    pub index_cache: usize,
    /// How old an object no manifest names must be before it is deleted:
    /// longer than any server's reload interval and any ingest's upload
    #[arg(long, env = "LEKRADAR_INDEX_GC_GRACE", global = true, default_value = "24h", value_parser = crate::cmd::serve::parse_duration)]
    pub index_gc_grace: Duration,
}

/// The resolved data directory and the paths inside it.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
    index: IndexArgs,
}

/// `--data-dir`/`LEKRADAR_DATA_DIR` if given, else `$XDG_DATA_HOME/lekradar`,
/// else `~/.local/share/lekradar`, else `./lekradar-data`.
pub fn resolve(flag: Option<PathBuf>) -> DataDir {
    let root = flag
        .or_else(|| std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("lekradar")))
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/lekradar"))
        })
        .unwrap_or_else(|| PathBuf::from("lekradar-data"));
    DataDir {
        root,
        index: IndexArgs::default(),
    }
}

/// A secret from `NAME`, the file `NAME_FILE` names (first line), or
/// `fallback` (the AWS SDK's variable).
fn secret(name: &str, fallback: &str) -> anyhow::Result<Option<String>> {
    if let Some(path) = std::env::var_os(format!("{name}_FILE")) {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {name}_FILE ({})", Path::new(&path).display()))?;
        return Ok(text.lines().next().map(|l| l.trim().to_owned()));
    }
    Ok(std::env::var(name)
        .ok()
        .or_else(|| std::env::var(fallback).ok())
        .filter(|v| !v.is_empty()))
}

impl DataDir {
    pub fn with_index(mut self, index: IndexArgs) -> DataDir {
        self.index = index;
        self
    }

    /// Where the index lives, for messages.
    pub fn index_location(&self) -> String {
        match &self.index.index {
            Some(location) => location.clone(),
            None => self.index_dir().display().to_string(),
        }
    }

    /// The index's storage: a local directory, or object storage with its
    /// staging and cache directories in the data directory. `writer`:
    /// the directory is created if needed.
    pub fn index_storage(&self, writer: bool) -> anyhow::Result<Arc<dyn Storage>> {
        let location = self.index.index.clone();
        match location {
            Some(url) if url.contains("://") => {
                let access_key_id = match &self.index.s3_access_key_id {
                    Some(id) => Some(id.clone()),
                    None => secret("LEKRADAR_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID")?,
                };
                // The staging and cache directories go inside it: 0700.
                self.create()
                    .with_context(|| format!("cannot create {}", self.root.display()))?;
                let options = S3Options {
                    url: url.clone(),
                    endpoint: self.index.s3_endpoint.clone(),
                    region: self.index.s3_region.clone(),
                    access_key_id,
                    secret_access_key: secret(
                        "LEKRADAR_S3_SECRET_ACCESS_KEY",
                        "AWS_SECRET_ACCESS_KEY",
                    )?,
                    staging_dir: self.root.join("index-staging"),
                    cache_dir: self.root.join("index-cache"),
                    cache_bytes: self.index.index_cache as u64,
                    grace: self.index.index_gc_grace,
                };
                let mut storage = ObjectStorage::new(&options)?;
                if let Some(url) = self.catalog_url()? {
                    storage = storage.with_catalog(Arc::new(StoreCatalog::new(&url)?));
                }
                match storage.check_access() {
                    Ok(_) => {}
                    // A reader restarted while the store (or the catalog)
                    // is away serves what it cached before, and reports
                    // the store unreachable until it answers.
                    Err(e)
                        if !writer
                            && lekradar_objstore::is_unreachable(&e)
                            && storage.has_cached_generation() =>
                    {
                        tracing::warn!(
                            index = %url,
                            error = %e,
                            "cannot reach the index's store at start; starting from the generation cached in the data directory"
                        );
                        storage.allow_cached_start();
                    }
                    Err(e) => {
                        return Err(anyhow::Error::new(e)
                            .context(format!("cannot read the index at {url}")))
                    }
                }
                Ok(Arc::new(storage))
            }
            other => {
                anyhow::ensure!(
                    self.catalog_url()?.is_none(),
                    "--index-catalog is for an index in object storage (--index s3://…); \
                     a local index needs none"
                );
                let dir = other.map_or_else(|| self.index_dir(), PathBuf::from);
                if writer {
                    Ok(Arc::new(LocalStorage::create_dir(&dir)?))
                } else {
                    Ok(Arc::new(LocalStorage::new(&dir)))
                }
            }
        }
    }

    /// `--index-catalog`, `LEKRADAR_INDEX_CATALOG` or the file
    /// `LEKRADAR_INDEX_CATALOG_FILE` names.
    fn catalog_url(&self) -> anyhow::Result<Option<String>> {
        match &self.index.index_catalog {
            Some(url) => Ok(Some(url.clone())),
            None => secret("LEKRADAR_INDEX_CATALOG", "LEKRADAR_INDEX_CATALOG"),
        }
    }

    /// A reader of the index (refusing one keyed with another key than
    /// this data directory's).
    pub fn index_reader(&self) -> anyhow::Result<IndexReader> {
        let storage = self.index_storage(false)?;
        self.index_reader_of(storage)
    }

    /// A reader of the index in `storage`.
    pub fn index_reader_of(&self, storage: Arc<dyn Storage>) -> anyhow::Result<IndexReader> {
        IndexReader::open_storage_for_key(storage, self.key_id().as_deref())
            .with_context(|| format!("cannot open the index at {}", self.index_location()))
    }

    /// The index's single writer (refusing an index keyed with another key
    /// than this data directory's; naming this key in what it publishes).
    pub fn index_writer(&self) -> anyhow::Result<IndexWriter> {
        let storage = self.index_storage(true)?;
        Ok(IndexWriter::open_storage_for_key(
            storage,
            self.key_id().as_deref(),
        )?)
    }

    /// The id of this data directory's key, when it has one.
    fn key_id(&self) -> Option<String> {
        lekradar_prf::ServerKey::load(&self.key_file())
            .ok()
            .map(|k| k.key_id())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The OPRF key file.
    pub fn key_file(&self) -> PathBuf {
        self.root.join("oprf.key")
    }

    /// The index directory (segments, metadata, manifest).
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The embedded metadata store (SQLite) used unless a database URL is given.
    pub fn database_file(&self) -> PathBuf {
        self.root.join("lekradar.sqlite3")
    }

    /// Creates the data directory (mode 0700) if it does not exist.
    pub fn create(&self) -> std::io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.root)
    }
}
