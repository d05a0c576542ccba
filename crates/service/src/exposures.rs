//! The direct check every interface shares (HIBP API, native API, pages):
//! one evaluation of the keyed PRF for the canonical identifier, a lookup in
//! one index snapshot, and the breaches a person may be shown — each with the
//! data classes present in *that person's record*.

use std::sync::Arc;

use lekradar_catalogue::{Breach, Catalogue};
use lekradar_check::{check, CheckError};
use lekradar_index::Snapshot;
use lekradar_normalize::Identifier;
use lekradar_prf::ServerKey;

/// One breach holding the identifier.
#[derive(Debug, Clone)]
pub struct Exposure {
    pub breach: Arc<Breach>,
    /// The data classes of the person's record, in the breach's order.
    pub classes: Vec<String>,
}

/// The result of one check.
#[derive(Debug)]
pub struct Exposures {
    /// Sorted by breach name.
    pub found: Vec<Exposure>,
    /// The catalogue the check was made against.
    pub catalogue: Arc<Catalogue>,
}

/// Checks `id` against the current snapshot. Retired and sensitive breaches
/// are left out (sensitive ones are only for a verified owner).
pub fn check_identifier(
    snapshot: &Snapshot,
    catalogue: Arc<Catalogue>,
    key: &ServerKey,
    id: &Identifier,
) -> Result<Exposures, CheckError> {
    let hits = check(snapshot, key, id)?;
    let mut found = Vec::with_capacity(hits.len());
    for hit in hits {
        // By the exact identity of the index entry's breach, never by a
        // case-insensitive name (which could resolve to another breach).
        let Some(breach) = catalogue.of_index(hit.breach.name()) else {
            continue;
        };
        if !breach.listable_for_accounts() {
            continue;
        }
        let classes = breach
            .meta
            .class_names(hit.classes)
            .into_iter()
            .map(str::to_owned)
            .collect();
        found.push(Exposure {
            breach: Arc::clone(breach),
            classes,
        });
    }
    found.sort_by(|a, b| a.breach.meta.name.cmp(&b.breach.meta.name));
    Ok(Exposures { found, catalogue })
}
