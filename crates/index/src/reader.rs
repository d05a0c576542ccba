//! Readers: an [`IndexReader`] holds the current [`Snapshot`] — one whole
//! manifest with its segments open — and swaps in a new one when the
//! manifest changes. A request clones one `Arc<Snapshot>` and sees the same
//! data for its whole life, whatever is published meanwhile.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use crate::blob;
use crate::domains::DomainCounts;
use crate::entry::{ClassSet, Entry, Key, BUCKET_BITS};
use crate::error::{IndexError, Result};
use crate::manifest::Manifest;
use crate::segment::Segment;
use crate::storage::{LocalStorage, ManifestStamp, Storage};
use crate::writer::read_manifest;

/// Shortest bucket prefix a scan accepts.
pub const MIN_PREFIX_BITS: u32 = 12;

/// One breach in a snapshot.
#[derive(Debug)]
pub struct BreachView {
    name: String,
    retired: bool,
    metadata: Option<Vec<u8>>,
    domains: Option<(String, Arc<DomainCounts>)>,
    segments: Vec<Arc<Segment>>,
}

impl BreachView {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn is_retired(&self) -> bool {
        self.retired
    }

    /// The metadata bytes last published for this breach.
    pub fn metadata(&self) -> Option<&[u8]> {
        self.metadata.as_deref()
    }

    /// Distinct addresses per keyed domain, as ingest counted them (empty
    /// for a breach ingested before domains were counted, or retired).
    pub fn domain_counts(&self) -> &DomainCounts {
        static EMPTY: DomainCounts = DomainCounts::EMPTY;
        self.domains.as_ref().map_or(&EMPTY, |(_, c)| c)
    }

    /// Whether ingest counted this breach's addresses per domain (a breach
    /// loaded before domains were counted, or retired, was not).
    pub fn has_domain_counts(&self) -> bool {
        self.domains.is_some()
    }

    pub fn segments(&self) -> &[Arc<Segment>] {
        &self.segments
    }

    /// Entries over all segments (an identifier in two segments counts twice).
    pub fn entries(&self) -> u64 {
        self.segments.iter().map(|s| s.len() as u64).sum()
    }

    /// The OR of the classes filed under `key` in this breach, retired or not.
    pub fn get(&self, key: &Key) -> Option<ClassSet> {
        self.segments
            .iter()
            .filter_map(|s| s.get(key))
            .reduce(|a, b| a | b)
    }
}

/// A lookup result: the breach and the data classes of the person's record.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'s> {
    pub breach: &'s BreachView,
    pub classes: ClassSet,
}

/// An immutable view of one published manifest.
#[derive(Debug, Default)]
pub struct Snapshot {
    generation: u64,
    breaches: Vec<BreachView>,
}

impl Snapshot {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every breach, retired ones included, sorted by name.
    pub fn breaches(&self) -> &[BreachView] {
        &self.breaches
    }

    pub fn breach(&self, name: &str) -> Option<&BreachView> {
        self.breaches.iter().find(|b| b.name == name)
    }

    /// The breaches holding `key`, each with the OR of its records' classes.
    pub fn lookup(&self, key: &Key) -> Vec<Hit<'_>> {
        let mut hits = Vec::new();
        for breach in self.breaches.iter().filter(|b| !b.retired) {
            if let Some(classes) = breach.get(key) {
                hits.push(Hit { breach, classes });
            }
        }
        hits
    }

    /// Every entry, of every active breach, whose bucket starts with the
    /// `bits`-bit `prefix` (`bits` in 12..=24).
    pub fn scan_prefix(&self, prefix: u32, bits: u32) -> Result<Vec<(&BreachView, Entry)>> {
        if !(MIN_PREFIX_BITS..=BUCKET_BITS).contains(&bits) {
            return Err(IndexError::PrefixLength {
                bits,
                min: MIN_PREFIX_BITS,
                max: BUCKET_BITS,
            });
        }
        if prefix >> bits != 0 {
            return Err(IndexError::BucketOutOfRange {
                bucket: prefix,
                bits,
            });
        }
        let mut out = Vec::new();
        for breach in self.breaches.iter().filter(|b| !b.retired) {
            for segment in &breach.segments {
                out.extend(segment.scan_prefix(prefix, bits).map(|e| (breach, e)));
            }
        }
        Ok(out)
    }
}

/// Hands out snapshots of an index and refreshes them.
#[derive(Debug)]
pub struct IndexReader {
    storage: Arc<dyn Storage>,
    /// The key id a manifest must carry (when it carries one).
    key_id: Option<String>,
    current: ArcSwap<Snapshot>,
    last_stamp: Mutex<Option<ManifestStamp>>,
}

impl IndexReader {
    /// Opens the index in the local directory `dir`; an index with no
    /// manifest yet is empty.
    pub fn open(dir: &Path) -> Result<IndexReader> {
        IndexReader::open_storage(Arc::new(LocalStorage::new(dir)))
    }

    /// Opens the index in `storage`; an index with no manifest yet is
    /// empty.
    pub fn open_storage(storage: Arc<dyn Storage>) -> Result<IndexReader> {
        IndexReader::open_storage_for_key(storage, None)
    }

    /// As [`IndexReader::open_storage`], refusing (now and at every reload)
    /// a manifest that names a key other than `key_id`
    /// ([`IndexError::OtherKey`]): another deployment's index.
    pub fn open_storage_for_key(
        storage: Arc<dyn Storage>,
        key_id: Option<&str>,
    ) -> Result<IndexReader> {
        let reader = IndexReader {
            storage,
            key_id: key_id.map(str::to_owned),
            current: ArcSwap::from_pointee(Snapshot::default()),
            last_stamp: Mutex::new(None),
        };
        reader.reload()?;
        Ok(reader)
    }

    /// The current snapshot; hold it for the whole of one request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Picks up a newly published manifest; `Ok(true)` when it changed.
    /// Cheap when nothing changed (one stamp). On error the previous
    /// snapshot stays in service.
    pub fn reload(&self) -> Result<bool> {
        let mut last = self.last_stamp.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.storage.manifest_stamp()?;
        if now.is_some() && now == *last {
            return Ok(false);
        }
        // A writer may delete superseded files between our reading the
        // manifest and opening them; the newer manifest then no longer
        // names them, so read again.
        let mut attempts = 0;
        let loaded = loop {
            match self.load() {
                Err(IndexError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound && attempts < 5 =>
                {
                    attempts += 1;
                }
                other => break other?,
            }
        };
        *last = now;
        match loaded {
            Some(snapshot) => {
                self.current.store(Arc::new(snapshot));
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The snapshot of the manifest in force, or `None` if it is the one in
    /// service already.
    fn load(&self) -> Result<Option<Snapshot>> {
        let manifest = read_manifest(self.storage.as_ref())?.unwrap_or_default();
        check_key(self.storage.as_ref(), &manifest, self.key_id.as_deref())?;
        let previous = self.current.load();
        if manifest.generation == previous.generation {
            return Ok(None);
        }
        load_snapshot(self.storage.as_ref(), &manifest, &previous).map(Some)
    }

    /// Where the index lives.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }
}

/// Refuses a manifest keyed with a key other than `expected`.
pub(crate) fn check_key(
    storage: &dyn Storage,
    manifest: &Manifest,
    expected: Option<&str>,
) -> Result<()> {
    match (&manifest.key_id, expected) {
        (Some(found), Some(expected)) if found != expected => Err(IndexError::OtherKey {
            location: storage.location(),
            found: found.clone(),
            expected: expected.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Opens `manifest`'s files in `storage`, reusing what `previous` has open
/// already (segments and domain counts are immutable under their names).
pub(crate) fn load_snapshot(
    storage: &dyn Storage,
    manifest: &Manifest,
    previous: &Snapshot,
) -> Result<Snapshot> {
    let open: HashMap<&str, &Arc<Segment>> = previous
        .breaches
        .iter()
        .flat_map(|b| b.segments.iter())
        .filter_map(|s| Some((s.path().file_name()?.to_str()?, s)))
        .collect();
    let counted: HashMap<&str, &Arc<DomainCounts>> = previous
        .breaches
        .iter()
        .filter_map(|b| b.domains.as_ref())
        .map(|(file, c)| (file.as_str(), c))
        .collect();
    let mut breaches = Vec::with_capacity(manifest.breaches.len());
    for b in &manifest.breaches {
        let metadata = match &b.meta_file {
            Some(file) => Some(blob::read(storage, file)?),
            None => None,
        };
        let domains = match &b.domains_file {
            Some(file) => {
                let counts = match counted.get(file.as_str()) {
                    Some(c) => Arc::clone(c),
                    None => Arc::new(DomainCounts::decode(
                        &storage.describe(file),
                        &blob::read(storage, file)?,
                    )?),
                };
                Some((file.clone(), counts))
            }
            None => None,
        };
        let mut segments = Vec::with_capacity(b.segments.len());
        for s in &b.segments {
            let segment = match open.get(s.file_name.as_str()) {
                Some(seg) => Arc::clone(seg),
                None => Arc::new(Segment::open(&storage.local_path(&s.file_name)?)?),
            };
            if segment.len() as u64 != s.entries {
                return Err(crate::error::corrupt(
                    storage.describe(&s.file_name),
                    "entry count differs from the manifest",
                ));
            }
            segments.push(segment);
        }
        breaches.push(BreachView {
            name: b.name.clone(),
            retired: b.retired,
            metadata,
            domains,
            segments,
        });
    }
    Ok(Snapshot {
        generation: manifest.generation,
        breaches,
    })
}
