//! The breach catalogue: every breach's metadata decoded once per published
//! index generation (not once per request), with a case-insensitive lookup
//! by name. Rebuilt when the index reader hands out a newer snapshot.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use lekradar_breach::BreachMetadata;
use lekradar_index::Snapshot;

/// One breach as the server shows it.
#[derive(Debug)]
pub struct Breach {
    pub meta: BreachMetadata,
    /// Retired in the index or in its metadata: never found by a check.
    pub retired: bool,
}

impl Breach {
    /// Listed in account results: not retired and not sensitive (sensitive
    /// breaches are only ever shown to a verified owner).
    pub fn listable_for_accounts(&self) -> bool {
        !self.retired && !self.meta.is_sensitive
    }
}

/// All breaches of one index generation.
#[derive(Debug, Default)]
pub struct Catalogue {
    generation: u64,
    /// Sorted by name.
    breaches: Vec<Arc<Breach>>,
    by_lower_name: HashMap<String, usize>,
}

impl Catalogue {
    /// Decodes the metadata of every breach in `snapshot`. A breach whose
    /// metadata is missing or damaged is shown with its name only, and
    /// logged, rather than failing every request.
    pub fn build(snapshot: &Snapshot) -> Catalogue {
        let mut breaches = Vec::with_capacity(snapshot.breaches().len());
        for view in snapshot.breaches() {
            let meta = match view.metadata().map(BreachMetadata::decode) {
                Some(Ok(meta)) => meta,
                Some(Err(e)) => {
                    tracing::warn!(breach = view.name(), error = %e, "breach metadata unreadable; showing the name only");
                    fallback(view.name())
                }
                None => fallback(view.name()),
            };
            let retired = view.is_retired() || meta.is_retired;
            breaches.push(Arc::new(Breach { meta, retired }));
        }
        breaches.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        let by_lower_name = breaches
            .iter()
            .enumerate()
            .map(|(i, b)| (b.meta.name.to_lowercase(), i))
            .collect();
        Catalogue {
            generation: snapshot.generation(),
            breaches,
            by_lower_name,
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every breach, retired ones included, sorted by name.
    pub fn all(&self) -> &[Arc<Breach>] {
        &self.breaches
    }

    /// The breach named `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&Arc<Breach>> {
        self.by_lower_name
            .get(&name.to_lowercase())
            .map(|&i| &self.breaches[i])
    }

    /// The most recently added breach that is not retired.
    pub fn latest(&self) -> Option<&Arc<Breach>> {
        self.breaches
            .iter()
            .filter(|b| !b.retired)
            .max_by_key(|b| (b.meta.added_date, b.meta.name.clone()))
    }

    /// When the catalogue last changed (for `Last-Modified`-style display).
    pub fn last_modified(&self) -> Option<DateTime<Utc>> {
        self.breaches.iter().map(|b| b.meta.modified_date).max()
    }
}

fn fallback(name: &str) -> BreachMetadata {
    let mut meta = BreachMetadata::new(name, name, chrono::NaiveDate::MIN);
    meta.added_date = DateTime::<Utc>::MIN_UTC;
    meta.modified_date = DateTime::<Utc>::MIN_UTC;
    meta
}
