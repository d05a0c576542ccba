//! Integration tests of the index crate: build, publish, read, retire,
//! crash at every publish step, damaged files, and the v1 compatibility
//! fixture.

mod compat;
mod crash;
mod publish;
mod robustness;

use lekradar_index::{ClassSet, IndexWriter, Key, Transaction};
use sha2::{Digest, Sha256};
use std::path::Path;

/// A deterministic pseudo-random key for `(salt, i)`.
pub fn key(salt: &str, i: u64) -> Key {
    let h = Sha256::digest(format!("{salt}:{i}").as_bytes());
    let bucket = u32::from_be_bytes([0, h[0], h[1], h[2]]);
    let mut tag = [0u8; 8];
    tag.copy_from_slice(&h[3..11]);
    Key::new(bucket, tag).unwrap()
}

/// Classes for entry `i`: a few bits that vary per record.
pub fn classes(i: u64) -> ClassSet {
    1 | (i.is_multiple_of(3) as u32) << 1 | (i.is_multiple_of(5) as u32) << 4
}

/// Builds one breach of `n` entries with keys `key(name, 0..n)` and publishes it.
pub fn publish_breach(dir: &Path, name: &str, n: u64, memory: usize) {
    let mut writer = IndexWriter::open(dir).unwrap();
    let mut builder = writer.segment_builder(memory).unwrap();
    for i in 0..n {
        builder.push(key(name, i), classes(i)).unwrap();
    }
    let (segments, _) = builder.finish().unwrap();
    let mut tx = Transaction::new();
    tx.set_metadata(name, format!("meta of {name}").into_bytes())
        .add_segments(name, segments);
    writer.commit(tx).unwrap();
}

/// Names of the files in `dir`, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
