//! `--index-catalog`: the generation in force of an index in object
//! storage held in the metadata store's PostgreSQL (`index_catalog`), for
//! S3 servers that ignore conditional writes. The objstore crate asks
//! through its `Catalog` trait; this wires that to `lekradar-store`. The
//! store is opened on first use, on the object storage's runtime, whose
//! futures these are.

use std::sync::Arc;

use lekradar_objstore::{Catalog, CatalogFuture, CatalogGuard};
use lekradar_store::{IndexHead, Store};

use crate::cmd::serve::redact_url;

/// The catalog on the store at a `postgres://` URL.
#[derive(Clone)]
pub struct StoreCatalog(Arc<Inner>);

struct Inner {
    url: String,
    store: tokio::sync::OnceCell<Store>,
}

impl std::fmt::Debug for StoreCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreCatalog({})", redact_url(&self.0.url))
    }
}

impl StoreCatalog {
    /// The catalog at `url`, which must name PostgreSQL: a SQLite file
    /// cannot coordinate writers on several machines.
    pub fn new(url: &str) -> anyhow::Result<StoreCatalog> {
        anyhow::ensure!(
            url.starts_with("postgres://") || url.starts_with("postgresql://"),
            "--index-catalog must be a PostgreSQL URL (postgres://USER@HOST/DB), not {}",
            redact_url(url)
        );
        Ok(StoreCatalog(Arc::new(Inner {
            url: url.to_owned(),
            store: tokio::sync::OnceCell::new(),
        })))
    }
}

impl Inner {
    async fn store(&self) -> Result<&Store, lekradar_store::StoreError> {
        self.store.get_or_try_init(|| Store::open(&self.url)).await
    }
}

impl Catalog for StoreCatalog {
    fn describe(&self) -> String {
        redact_url(&self.0.url)
    }

    fn current(&self, location: &str) -> CatalogFuture<Option<(u64, String)>> {
        let inner = Arc::clone(&self.0);
        let location = location.to_owned();
        Box::pin(async move {
            let head = inner
                .store()
                .await?
                .index_catalog()
                .current(&location)
                .await?;
            Ok(head.map(|h| (h.generation, h.manifest)))
        })
    }

    fn adopt(
        &self,
        location: &str,
        generation: u64,
        manifest: &str,
    ) -> CatalogFuture<(u64, String)> {
        let inner = Arc::clone(&self.0);
        let location = location.to_owned();
        let head = IndexHead {
            generation,
            manifest: manifest.to_owned(),
        };
        Box::pin(async move {
            let head = inner
                .store()
                .await?
                .index_catalog()
                .adopt(&location, head)
                .await?;
            Ok((head.generation, head.manifest))
        })
    }

    fn swap(
        &self,
        location: &str,
        expected: u64,
        generation: u64,
        manifest: &str,
    ) -> CatalogFuture<bool> {
        let inner = Arc::clone(&self.0);
        let location = location.to_owned();
        let head = IndexHead {
            generation,
            manifest: manifest.to_owned(),
        };
        Box::pin(async move {
            Ok(inner
                .store()
                .await?
                .index_catalog()
                .swap(&location, expected, head)
                .await?)
        })
    }

    fn lock(&self, location: &str) -> CatalogFuture<Option<CatalogGuard>> {
        let inner = Arc::clone(&self.0);
        let location = location.to_owned();
        Box::pin(async move {
            let lock = inner.store().await?.index_catalog().lock(&location).await?;
            Ok(lock.map(|l| Box::new(l) as CatalogGuard))
        })
    }
}
