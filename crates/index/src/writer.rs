//! The single writer of an index: holds its storage's writer lock, builds
//! segments, publishes changes atomically and removes garbage.
//!
//! Publishing a [`Transaction`] (every step is a crash point in tests):
//! 1. segments were already written and fsynced by a [`SegmentBuilder`] in
//!    the storage's staging directory, and are now uploaded (a local
//!    directory builds them in place);
//! 2. new metadata and domain-count files are written durably;
//! 3. the storage is synced, so the new files' names are durable;
//! 4. the new manifest is published in one atomic step, provided the one in
//!    force is still the one this writer read (for a local directory:
//!    `MANIFEST.tmp`, fsynced, renamed over `MANIFEST`) — the commit point;
//! 5. files the old manifest referenced and the new one does not are deleted.
//!
//! A crash before step 4 leaves the old manifest in force and some
//! unreferenced files; a crash after it leaves the new one. Either way every
//! query sees one whole manifest, and the next [`IndexWriter::open`] deletes
//! whatever no manifest references.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use crate::blob;
use crate::builder::{BuiltSegment, SegmentBuilder};
use crate::domains::DomainCounts;
use crate::error::{IndexError, Result};
use crate::failpoint;
use crate::manifest::{
    is_managed_name, validate_breach_name, BreachRecord, Manifest, SegmentRecord, MANIFEST_FILE,
};
use crate::reader::{load_snapshot, Snapshot};
use crate::storage::{is_manifest_tmp, LocalStorage, Storage, WriterLock};

/// A set of changes published together, or not at all.
#[derive(Debug, Default)]
pub struct Transaction {
    ops: Vec<Op>,
}

#[derive(Debug)]
enum Op {
    SetMetadata(String, Vec<u8>),
    SetDomainCounts(String, DomainCounts),
    AddSegments(String, Vec<BuiltSegment>),
    Retire(String),
}

impl Transaction {
    pub fn new() -> Transaction {
        Transaction::default()
    }

    /// Creates the breach if needed and replaces its metadata.
    pub fn set_metadata(&mut self, breach: &str, metadata: Vec<u8>) -> &mut Self {
        self.ops.push(Op::SetMetadata(breach.to_owned(), metadata));
        self
    }

    /// Replaces a breach's distinct addresses per keyed domain (created if
    /// needed; empty counts still mark the breach as counted); the caller
    /// merges them with what the breach held before.
    pub fn set_domain_counts(&mut self, breach: &str, counts: DomainCounts) -> &mut Self {
        self.ops
            .push(Op::SetDomainCounts(breach.to_owned(), counts));
        self
    }

    /// Adds built segments to a breach (created if needed).
    pub fn add_segments(&mut self, breach: &str, segments: Vec<BuiltSegment>) -> &mut Self {
        self.ops.push(Op::AddSegments(breach.to_owned(), segments));
        self
    }

    /// Retires a breach: its segments leave the index, its metadata stays
    /// (marked retired) so operators can still list it.
    pub fn retire(&mut self, breach: &str) -> &mut Self {
        self.ops.push(Op::Retire(breach.to_owned()));
        self
    }
}

/// Figures of a garbage collection.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GcStats {
    pub removed: usize,
    pub failed: usize,
}

/// Exclusive write access to an index.
#[derive(Debug)]
pub struct IndexWriter {
    storage: Arc<dyn Storage>,
    manifest: Manifest,
    /// Stamped into every manifest this writer publishes.
    key_id: Option<String>,
    // Held for the writer's lifetime; released if the process dies.
    _lock: Box<dyn WriterLock>,
}

impl IndexWriter {
    /// Opens (creating if needed) the index in the local directory `dir`;
    /// see [`IndexWriter::open_storage`].
    pub fn open(dir: &Path) -> Result<IndexWriter> {
        IndexWriter::open_storage(Arc::new(LocalStorage::create_dir(dir)?))
    }

    /// Opens the index in `storage`, takes the writer lock and deletes what
    /// an interrupted earlier writer left behind.
    pub fn open_storage(storage: Arc<dyn Storage>) -> Result<IndexWriter> {
        IndexWriter::open_storage_for_key(storage, None)
    }

    /// As [`IndexWriter::open_storage`], for the key with id `key_id`: an
    /// index keyed with another key is refused ([`IndexError::OtherKey`]),
    /// and every manifest published names this key (one published before
    /// keys were named adopts it).
    pub fn open_storage_for_key(
        storage: Arc<dyn Storage>,
        key_id: Option<&str>,
    ) -> Result<IndexWriter> {
        let lock = storage.lock()?;
        let manifest = read_manifest(storage.as_ref())?.unwrap_or_default();
        crate::reader::check_key(storage.as_ref(), &manifest, key_id)?;
        let writer = IndexWriter {
            storage,
            manifest,
            key_id: key_id.map(str::to_owned),
            _lock: lock,
        };
        writer.collect_garbage()?;
        Ok(writer)
    }

    /// Where the index lives.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// The manifest as last published.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The index as last published, opened for reading: what a command
    /// changing it reads (ingest, breach editing), never another reader of
    /// the same files.
    pub fn snapshot(&self) -> Result<Snapshot> {
        load_snapshot(self.storage.as_ref(), &self.manifest, &Snapshot::default())
    }

    /// A builder whose segments land in this index, using at most about
    /// `memory` bytes whatever the number of entries pushed.
    pub fn segment_builder(&self, memory: usize) -> Result<SegmentBuilder> {
        SegmentBuilder::new(self.storage.staging_dir(), memory)
    }

    /// Publishes `tx` atomically and returns the new manifest.
    pub fn commit(&mut self, tx: Transaction) -> Result<&Manifest> {
        let mut next = self.manifest.clone();
        next.generation += 1;
        if self.key_id.is_some() {
            next.key_id.clone_from(&self.key_id);
        }
        let mut new_meta = Vec::new();
        for op in tx.ops {
            match op {
                Op::SetMetadata(name, bytes) => {
                    let file = blob::new_meta_name();
                    breach_mut(&mut next, &name)?.meta_file = Some(file.clone());
                    new_meta.push((file, bytes));
                }
                Op::SetDomainCounts(name, counts) => {
                    let breach = breach_mut(&mut next, &name)?;
                    if breach.retired {
                        return Err(IndexError::RetiredBreach { name });
                    }
                    // Written even when empty: it says the breach is counted.
                    let file = blob::new_domains_name();
                    breach.domains_file = Some(file.clone());
                    new_meta.push((file, counts.encode()));
                }
                Op::AddSegments(name, segments) => {
                    let breach = breach_mut(&mut next, &name)?;
                    // A retired breach lost its segments: new entries would
                    // be sealed again from pad 0 under the same tags (a
                    // bucket saved before and after would show, by XOR, how
                    // a person's classes changed) and counted twice.
                    if breach.retired {
                        return Err(IndexError::RetiredBreach { name });
                    }
                    for s in segments {
                        self.storage.upload(&s.file_name)?;
                        breach.segments.push(SegmentRecord {
                            file_name: s.file_name,
                            entries: s.entries,
                        });
                    }
                }
                Op::Retire(name) => {
                    let breach = next
                        .breaches
                        .iter_mut()
                        .find(|b| b.name == name)
                        .ok_or(IndexError::UnknownBreach { name })?;
                    breach.retired = true;
                    breach.segments.clear();
                    breach.domains_file = None;
                }
            }
        }
        next.breaches.sort_by(|a, b| a.name.cmp(&b.name));

        for (file, bytes) in &new_meta {
            self.storage.create(file, &blob::encode(bytes))?;
        }
        failpoint::hit("publish:after-meta");
        self.storage.sync()?;
        failpoint::hit("publish:after-dir-sync");

        self.storage.publish_manifest(
            self.manifest.generation,
            next.generation,
            next.encode().as_bytes(),
        )?;

        let old = std::mem::replace(&mut self.manifest, next);
        if self.storage.gc_grace().is_zero() {
            let live: HashSet<&str> = self.manifest.files().collect();
            for file in old.files().filter(|f| !live.contains(f)) {
                // A failed delete is left for the next open's collection.
                let _ = self.storage.delete(file);
                failpoint::hit("publish:during-gc");
            }
        }
        Ok(&self.manifest)
    }

    /// Deletes every file this crate manages that the manifest does not
    /// reference: unpublished segments and metadata, run files, a stale
    /// `MANIFEST.tmp` — of those older than the storage's grace period
    /// ([`Storage::gc_grace`]). Only safe under the writer lock, which
    /// `self` holds.
    pub fn collect_garbage(&self) -> Result<GcStats> {
        let live: HashSet<&str> = self.manifest.files().collect();
        let grace = self.storage.gc_grace();
        let now = std::time::SystemTime::now();
        let mut stats = GcStats::default();
        for file in self.storage.list()? {
            let young = !grace.is_zero()
                && file
                    .modified
                    .is_none_or(|m| now.duration_since(m).unwrap_or_default() < grace);
            if young {
                continue;
            }
            let name = file.name;
            let garbage = is_manifest_tmp(&name)
                || is_managed_name(&name, "run-", ".tmp")
                || ((is_managed_name(&name, "seg-", ".lks")
                    || is_managed_name(&name, "meta-", ".lkm")
                    || is_managed_name(&name, "dom-", ".lkd"))
                    && !live.contains(name.as_str()));
            if garbage {
                match self.storage.delete(&name) {
                    Ok(()) => stats.removed += 1,
                    Err(_) => stats.failed += 1,
                }
            }
        }
        Ok(stats)
    }
}

/// The breach record named `name`, created when there is none. A new name
/// that equals an existing one but for case is refused: pages and APIs look
/// breaches up case-insensitively, so two such names would be confused.
fn breach_mut<'m>(manifest: &'m mut Manifest, name: &str) -> Result<&'m mut BreachRecord> {
    validate_breach_name(name)?;
    let at = match manifest.breaches.iter().position(|b| b.name == name) {
        Some(at) => at,
        None => {
            if let Some(existing) = manifest.breach_ignoring_case(name) {
                return Err(IndexError::NameCollision {
                    name: name.to_owned(),
                    existing: existing.name.clone(),
                });
            }
            manifest.breaches.push(BreachRecord {
                name: name.to_owned(),
                retired: false,
                meta_file: None,
                domains_file: None,
                segments: Vec::new(),
            });
            manifest.breaches.len() - 1
        }
    };
    Ok(&mut manifest.breaches[at])
}

/// Reads the manifest in force; `None` when there is none yet.
pub(crate) fn read_manifest(storage: &dyn Storage) -> Result<Option<Manifest>> {
    match storage.read(MANIFEST_FILE)? {
        Some(bytes) => Manifest::decode(&storage.describe(MANIFEST_FILE), &bytes).map(Some),
        None => Ok(None),
    }
}
