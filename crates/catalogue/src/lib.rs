//! Breaches in the index. Reading: the [`Catalogue`], every breach's
//! metadata decoded once per published index generation (not once per
//! request), with a case-insensitive lookup by name for what people and
//! clients type and an exact one by the index's own name for what a lookup
//! in the index found. Writing ([`edit`]): adding, editing and retiring a
//! breach's metadata through the index writer, published in one atomic step
//! like segments.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod edit;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use lekradar_breach::BreachMetadata;
use lekradar_index::Snapshot;

/// One breach as the server shows it.
#[derive(Debug)]
pub struct Breach {
    /// `meta.name` is always the breach's name in the index, the name its
    /// entries' tags are derived from.
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
    /// By the index's name, exactly.
    by_name: HashMap<String, usize>,
    /// By the name in lower case. New names that differ from an existing one
    /// only in case are refused by the index writer; an index written before
    /// that may hold such pairs, and then the lookup prefers the exact name.
    by_lower_name: HashMap<String, usize>,
    /// Entries a private check serves: format-2 entries of listable breaches.
    private_entries: u64,
}

impl Catalogue {
    /// Decodes the metadata of every breach in `snapshot`. A breach whose
    /// metadata is missing or damaged is shown with its name only, and
    /// logged, rather than failing every request.
    pub fn build(snapshot: &Snapshot) -> Catalogue {
        let mut breaches = Vec::with_capacity(snapshot.breaches().len());
        let mut private_entries = 0u64;
        for view in snapshot.breaches() {
            let mut meta = match view.metadata().map(BreachMetadata::decode) {
                Some(Ok(meta)) => meta,
                Some(Err(e)) => {
                    tracing::warn!(breach = view.name(), error = %e, "breach metadata unreadable; showing the name only");
                    fallback(view.name())
                }
                None => fallback(view.name()),
            };
            if meta.name != view.name() {
                // Tags are derived from the index's name: that is the identity.
                tracing::warn!(
                    breach = view.name(),
                    "breach metadata names another breach; using the index's name"
                );
                meta.name = view.name().to_owned();
            }
            let retired = view.is_retired() || meta.is_retired;
            let breach = Breach { meta, retired };
            if breach.listable_for_accounts() {
                private_entries += view
                    .segments()
                    .iter()
                    .filter(|s| s.format_version() >= 2)
                    .map(|s| s.len() as u64)
                    .sum::<u64>();
            }
            breaches.push(Arc::new(breach));
        }
        breaches.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        let by_name = breaches
            .iter()
            .enumerate()
            .map(|(i, b)| (b.meta.name.clone(), i))
            .collect();
        let mut by_lower_name = HashMap::new();
        for (i, b) in breaches.iter().enumerate() {
            // Sorted by name: upper case comes first, so the first one wins
            // deterministically; an exact match is tried before this map.
            by_lower_name.entry(b.meta.name.to_lowercase()).or_insert(i);
        }
        Catalogue {
            generation: snapshot.generation(),
            breaches,
            by_name,
            by_lower_name,
            private_entries,
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every breach, retired ones included, sorted by name.
    pub fn all(&self) -> &[Arc<Breach>] {
        &self.breaches
    }

    /// The breach named `name` as a person or client typed it: the exact
    /// name, else compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&Arc<Breach>> {
        self.by_name
            .get(name)
            .or_else(|| self.by_lower_name.get(&name.to_lowercase()))
            .map(|&i| &self.breaches[i])
    }

    /// The breach an index entry belongs to, by its exact name in the index
    /// (never a case-insensitive match: that could pick another breach).
    pub fn of_index(&self, index_name: &str) -> Option<&Arc<Breach>> {
        self.by_name.get(index_name).map(|&i| &self.breaches[i])
    }

    /// How many entries private checks serve (format 2, listable breaches).
    pub fn private_entries(&self) -> u64 {
        self.private_entries
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
