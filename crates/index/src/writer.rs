//! The single writer of an index directory: holds the directory lock, builds
//! segments, publishes changes atomically and removes garbage.
//!
//! Publishing a [`Transaction`] (every step is a crash point in tests):
//! 1. segments were already written and fsynced by a [`SegmentBuilder`];
//! 2. new metadata and domain-count files are written and fsynced;
//! 3. the directory is fsynced, so the new files' names are durable;
//! 4. the new manifest goes to `MANIFEST.tmp`, which is fsynced;
//! 5. `MANIFEST.tmp` is renamed over `MANIFEST` — the commit point — and the
//!    directory fsynced again;
//! 6. files the old manifest referenced and the new one does not are deleted.
//!
//! A crash before step 5 leaves the old `MANIFEST` in place and some
//! unreferenced files; a crash after it leaves the new one. Either way every
//! query sees one whole manifest, and the next [`IndexWriter::open`] deletes
//! whatever no manifest references.

use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::blob;
use crate::builder::{BuiltSegment, SegmentBuilder};
use crate::domains::DomainCounts;
use crate::error::{IndexError, IoContext, Result};
use crate::failpoint;
use crate::manifest::{
    is_managed_name, validate_breach_name, BreachRecord, Manifest, SegmentRecord, MANIFEST_FILE,
};

const LOCK_FILE: &str = ".lock";
const MANIFEST_TMP: &str = "MANIFEST.tmp";

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

/// Exclusive write access to an index directory.
#[derive(Debug)]
pub struct IndexWriter {
    dir: PathBuf,
    manifest: Manifest,
    // Held for the writer's lifetime; the OS releases it if the process dies.
    _lock: File,
}

impl IndexWriter {
    /// Opens (creating if needed) the index in `dir`, takes the writer lock
    /// and deletes what an interrupted earlier writer left behind.
    pub fn open(dir: &Path) -> Result<IndexWriter> {
        std::fs::create_dir_all(dir).at(dir)?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .at(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(IndexError::Locked {
                    path: dir.to_owned(),
                })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e).at(&lock_path),
        }
        let manifest = read_manifest(dir)?.unwrap_or_default();
        let writer = IndexWriter {
            dir: dir.to_owned(),
            manifest,
            _lock: lock,
        };
        writer.collect_garbage()?;
        Ok(writer)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest as last published.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// A builder whose segments land in this index, using at most about
    /// `memory` bytes whatever the number of entries pushed.
    pub fn segment_builder(&self, memory: usize) -> Result<SegmentBuilder> {
        SegmentBuilder::new(&self.dir, memory)
    }

    /// Publishes `tx` atomically and returns the new manifest.
    pub fn commit(&mut self, tx: Transaction) -> Result<&Manifest> {
        let mut next = self.manifest.clone();
        next.generation += 1;
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
                        if !self.dir.join(&s.file_name).is_file() {
                            return Err(IndexError::Io {
                                path: self.dir.join(&s.file_name),
                                source: std::io::ErrorKind::NotFound.into(),
                            });
                        }
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
            blob::write(&self.dir.join(file), bytes)?;
        }
        failpoint::hit("publish:after-meta");
        sync_dir(&self.dir)?;
        failpoint::hit("publish:after-dir-sync");

        let tmp = self.dir.join(MANIFEST_TMP);
        let mut out = File::create(&tmp).at(&tmp)?;
        out.write_all(next.encode().as_bytes()).at(&tmp)?;
        out.sync_all().at(&tmp)?;
        drop(out);
        failpoint::hit("publish:after-manifest-tmp");
        let target = self.dir.join(MANIFEST_FILE);
        std::fs::rename(&tmp, &target).at(&target)?;
        failpoint::hit("publish:after-rename");
        sync_dir(&self.dir)?;

        let old = std::mem::replace(&mut self.manifest, next);
        let live: HashSet<&str> = self.manifest.files().collect();
        for file in old.files().filter(|f| !live.contains(f)) {
            // A failed delete is left for the next open's collection.
            let _ = std::fs::remove_file(self.dir.join(file));
            failpoint::hit("publish:during-gc");
        }
        Ok(&self.manifest)
    }

    /// Deletes every file this crate manages that the manifest does not
    /// reference: unpublished segments and metadata, run files, a stale
    /// `MANIFEST.tmp`. Only safe under the writer lock, which `self` holds.
    pub fn collect_garbage(&self) -> Result<GcStats> {
        let live: HashSet<&str> = self.manifest.files().collect();
        let mut stats = GcStats::default();
        for item in std::fs::read_dir(&self.dir).at(&self.dir)? {
            let item = item.at(&self.dir)?;
            let name = item.file_name();
            let Some(name) = name.to_str() else { continue };
            let garbage = name == MANIFEST_TMP
                || is_managed_name(name, "run-", ".tmp")
                || ((is_managed_name(name, "seg-", ".lks")
                    || is_managed_name(name, "meta-", ".lkm")
                    || is_managed_name(name, "dom-", ".lkd"))
                    && !live.contains(name));
            if garbage {
                match std::fs::remove_file(item.path()) {
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

/// Reads `dir/MANIFEST`; `None` when there is none yet.
pub(crate) fn read_manifest(dir: &Path) -> Result<Option<Manifest>> {
    let path = dir.join(MANIFEST_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => Manifest::decode(&path, &bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).at(&path),
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).at(dir)
}
