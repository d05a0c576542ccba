//! Archives and compressed files as ingest opens them from disk: ZIP (with
//! or without a password), tar, tar.gz/zst/bz2/xz, gzip, zstd, bzip2, xz;
//! every member fingerprinted, detected and read. The first byte chooses a
//! password. A truncated, corrupt or wrongly protected archive is an error
//! or rejects, never a panic.
#![no_main]

use lekradar_ingest::{read_identifiers, IngestConfig};
use lekradar_normalize::Region;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, archive)) = data.split_first() else {
        return;
    };
    let path = std::env::temp_dir().join(format!("lekradar-fuzz-container-{}", std::process::id()));
    if std::fs::write(&path, archive).is_err() {
        return;
    }
    let config = IngestConfig {
        regions: vec![Region::NL, Region::BE],
        password: (choice & 1 == 1).then(|| b"infected".to_vec()),
        allow_sparse: true,
        ..IngestConfig::default()
    };
    if let Ok((ids, reports)) = read_identifiers(&path, &config) {
        let counted: u64 = reports.iter().map(|r| r.identifiers).sum();
        assert_eq!(counted, ids.len() as u64);
    }
    let _ = std::fs::remove_file(&path);
});
