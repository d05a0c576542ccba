//! Breach metadata and domain-count files: an opaque, checksummed byte
//! string per breach, written once and published with the segments. The index does not know
//! what is inside (the ingest crate decides); it only guarantees that what is
//! read back is exactly what was written.
//!
//! Layout: magic "LKRDMETA", format version u32, CRC-32 of the payload u32,
//! payload length u64 (all little-endian), then the payload.

use std::path::Path;

use crate::error::{corrupt, IndexError, Result};
use crate::storage::Storage;

const MAGIC: &[u8; 8] = b"LKRDMETA";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 24;

pub(crate) fn new_meta_name() -> String {
    format!("meta-{:032x}.lkm", rand::random::<u128>())
}

pub(crate) fn new_domains_name() -> String {
    format!("dom-{:032x}.lkd", rand::random::<u128>())
}

/// The file's bytes: header, then `payload`.
pub(crate) fn encode(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Reads and checks `file`, returning its payload; a file the manifest
/// names that is gone is an error naming it.
pub(crate) fn read(storage: &dyn Storage, file: &str) -> Result<Vec<u8>> {
    let path = storage.describe(file);
    match storage.read(file)? {
        Some(bytes) => decode(&path, bytes),
        None => Err(IndexError::Io {
            path,
            source: std::io::ErrorKind::NotFound.into(),
        }),
    }
}

pub(crate) fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<Vec<u8>> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(corrupt(path, "not a lekradar metadata file (truncated?)"));
    }
    let word = |at: usize| {
        let mut b = [0u8; 4];
        b.copy_from_slice(&bytes[at..at + 4]);
        u32::from_le_bytes(b)
    };
    let version = word(8);
    if version != VERSION {
        return Err(IndexError::UnsupportedVersion {
            path: path.to_owned(),
            found: version,
            supported: VERSION,
        });
    }
    let crc = word(12);
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[16..24]);
    if u64::from_le_bytes(len) != (bytes.len() - HEADER_LEN) as u64 {
        return Err(corrupt(path, "length mismatch (truncated?)"));
    }
    let payload = bytes.split_off(HEADER_LEN);
    if crc32fast::hash(&payload) != crc {
        return Err(corrupt(path, "checksum mismatch"));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let storage = crate::LocalStorage::new(dir.path());
        let name = new_meta_name();
        let path = dir.path().join(&name);
        storage.create(&name, &encode(b"hello metadata")).unwrap();
        assert_eq!(read(&storage, &name).unwrap(), b"hello metadata");
        let good = std::fs::read(&path).unwrap();
        for len in 0..good.len() {
            assert!(decode(&path, good[..len].to_vec()).is_err());
        }
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 4;
            assert!(decode(&path, bad).is_err(), "flip at {i}");
        }
        assert!(
            storage.create(&name, &encode(b"again")).is_err(),
            "never overwrites"
        );
        assert!(matches!(
            read(&storage, "meta-gone.lkm"),
            Err(IndexError::Io { .. })
        ));
    }
}
