//! From an identifier to its exposures: the one place that joins the
//! canonical identifier ([`lekradar_normalize`]), the keyed PRF
//! ([`lekradar_prf`]) and the index ([`lekradar_index`]). Ingest uses
//! [`index_key`] to file an identifier; every direct check uses [`check`].
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use lekradar_index::{Hit, Key, Snapshot};
use lekradar_normalize::Identifier;
use lekradar_prf::ServerKey;

/// Why a check could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("keyed PRF failed: {0}")]
    Prf(#[from] lekradar_prf::PrfError),
}

/// Where `id` is filed in the index: the bucket from the unkeyed hash of its
/// PRF input, the tag from the keyed PRF output.
pub fn index_key(key: &ServerKey, id: &Identifier) -> Result<Key, CheckError> {
    let input = id.prf_input();
    let tag = key.tag(&input)?;
    Ok(Key::masked(lekradar_prf::bucket(&input), tag))
}

/// The active breaches holding `id`, each with the data classes of that
/// person's record.
pub fn check<'s>(
    snapshot: &'s Snapshot,
    key: &ServerKey,
    id: &Identifier,
) -> Result<Vec<Hit<'s>>, CheckError> {
    Ok(snapshot.lookup(&index_key(key, id)?))
}
