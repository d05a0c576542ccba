//! Breach metadata and domain-count files: an opaque, checksummed byte
//! string per breach, written once and published with the segments. The index does not know
//! what is inside (the ingest crate decides); it only guarantees that what is
//! read back is exactly what was written.
//!
//! Layout: magic "LKRDMETA", format version u32, CRC-32 of the payload u32,
//! payload length u64 (all little-endian), then the payload.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::error::{corrupt, IndexError, IoContext, Result};

const MAGIC: &[u8; 8] = b"LKRDMETA";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 24;

pub(crate) fn new_meta_name() -> String {
    format!("meta-{:032x}.lkm", rand::random::<u128>())
}

pub(crate) fn new_domains_name() -> String {
    format!("dom-{:032x}.lkd", rand::random::<u128>())
}

/// Writes `payload` to a new file at `path` and fsyncs it.
pub(crate) fn write(path: &Path, payload: &[u8]) -> Result<()> {
    let mut file = File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .at(path)?;
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&VERSION.to_le_bytes());
    header[12..16].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
    header[16..24].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    file.write_all(&header).at(path)?;
    file.write_all(payload).at(path)?;
    file.sync_all().at(path)
}

/// Reads and checks a metadata file, returning its payload.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).at(path)?;
    decode(path, bytes)
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
        let path = dir.path().join(new_meta_name());
        write(&path, b"hello metadata").unwrap();
        assert_eq!(read(&path).unwrap(), b"hello metadata");
        let good = std::fs::read(&path).unwrap();
        for len in 0..good.len() {
            assert!(decode(&path, good[..len].to_vec()).is_err());
        }
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 4;
            assert!(decode(&path, bad).is_err(), "flip at {i}");
        }
        assert!(write(&path, b"again").is_err(), "never overwrites");
    }
}
