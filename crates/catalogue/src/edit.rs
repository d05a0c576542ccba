//! Breach metadata in the index: read from a snapshot, published through the
//! index writer in the same atomic step as segments.

use chrono::Utc;
use lekradar_breach::{BreachMetadata, MetadataError};
use lekradar_index::{IndexError, IndexWriter, Snapshot, Transaction};

/// Why metadata could not be read or published.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    #[error("no breach named {0:?}; `lekradar breach list` shows the breaches")]
    Unknown(String),
    #[error("a breach named {0:?} exists already; use `lekradar breach edit`")]
    Exists(String),
}

/// Every breach's metadata, retired ones included, sorted by name.
pub fn all(snapshot: &Snapshot) -> Result<Vec<BreachMetadata>, EditError> {
    snapshot
        .breaches()
        .iter()
        .filter_map(|b| b.metadata())
        .map(|bytes| BreachMetadata::decode(bytes).map_err(EditError::from))
        .collect()
}

/// The metadata of breach `name`, if it has any.
pub fn find(snapshot: &Snapshot, name: &str) -> Result<Option<BreachMetadata>, EditError> {
    match snapshot.breach(name).and_then(|b| b.metadata()) {
        Some(bytes) => Ok(Some(BreachMetadata::decode(bytes)?)),
        None => Ok(None),
    }
}

/// Validates and publishes `meta`; with `create`, refuses to replace an
/// existing breach, otherwise refuses to create one.
pub fn publish(
    writer: &mut IndexWriter,
    meta: &BreachMetadata,
    create: bool,
) -> Result<(), EditError> {
    meta.validate()?;
    let exists = writer.manifest().breach(&meta.name).is_some();
    if create && exists {
        return Err(EditError::Exists(meta.name.clone()));
    }
    if !create && !exists {
        return Err(EditError::Unknown(meta.name.clone()));
    }
    let mut tx = Transaction::new();
    tx.set_metadata(&meta.name, meta.encode());
    writer.commit(tx)?;
    Ok(())
}

/// Retires breach `name`: its entries leave the index, its metadata stays
/// with `IsRetired = true`. Returns the updated metadata.
pub fn retire(writer: &mut IndexWriter, name: &str) -> Result<BreachMetadata, EditError> {
    let snapshot = writer.snapshot()?;
    let mut meta = find(&snapshot, name)?.ok_or_else(|| EditError::Unknown(name.to_owned()))?;
    meta.is_retired = true;
    meta.modified_date = Utc::now();
    let mut tx = Transaction::new();
    tx.set_metadata(name, meta.encode()).retire(name);
    writer.commit(tx)?;
    Ok(meta)
}
