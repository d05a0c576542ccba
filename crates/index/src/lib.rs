//! The exposure index: immutable sorted segments, an atomically published
//! manifest and snapshot readers.
//!
//! An index directory holds segment files (`seg-*.lks`, entries sorted by
//! (bucket, tag) with each record's data-class bitset), breach metadata files
//! (`meta-*.lkm`, opaque bytes), per-breach counts of addresses per keyed
//! domain (`dom-*.lkd`) and one `MANIFEST` naming the live ones.
//! [`IndexWriter`] is the only writer (its storage's lock enforces it); it
//! builds segments with an external sort in bounded memory
//! ([`SegmentBuilder`]) and publishes a [`Transaction`] by publishing a new
//! manifest in one atomic step. [`IndexReader`] hands out [`Snapshot`]s and
//! picks up new manifests without a restart. Both reach the files only
//! through a [`Storage`]: a local directory ([`LocalStorage`], the default)
//! or an object store.
//!
//! This crate knows nothing of identifiers, keys, HTTP, JSON or async: it
//! stores 24-bit buckets, 8-byte tags and 32-bit class sets.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod blob;
mod builder;
mod domains;
mod entry;
mod error;
pub mod failpoint;
mod manifest;
mod reader;
mod segment;
mod storage;
mod writer;

pub use builder::{
    BuildStats, BuiltSegment, SegmentBuilder, ShardRun, MIN_MEMORY, NO_DOMAIN, SHARD_RUN_MAGIC,
};
pub use domains::DomainCounts;
pub use entry::{ClassSet, Entry, Group, Key, BUCKET_BITS, RECORD_LEN, TAG_LEN, UNCOUNTED};
pub use error::{IndexError, Result};
pub use manifest::{
    validate_breach_name, BreachRecord, Manifest, SegmentRecord, MANIFEST_FORMAT_VERSION,
};
pub use reader::{BreachView, Hit, IndexReader, Snapshot, MIN_PREFIX_BITS};
pub use segment::{Segment, SEGMENT_FORMAT_VERSION};
pub use storage::{
    check_shard_name, LocalStorage, ManifestStamp, Storage, StoredFile, WriterLock, SHARDS_DIR,
};
pub use writer::{GcStats, IndexWriter, Transaction};
