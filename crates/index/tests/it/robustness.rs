//! Damaged and hostile files: reported as errors, never a panic, never read as data.

use std::path::Path;
use std::sync::OnceLock;

use lekradar_index::{IndexError, IndexReader, Manifest, Segment};
use proptest::prelude::*;

use crate::{files, publish_breach};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic_as_a_segment(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(seg) = Segment::from_vec(Path::new("x.lks"), bytes) {
            // Whatever validated must be safe to query.
            let _ = seg.iter().count();
            let _ = seg.scan_prefix(0, 12).count();
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_as_a_manifest(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Manifest::decode(Path::new("MANIFEST"), &bytes);
    }
}

/// A valid segment of 300 entries, built once.
fn valid_segment() -> &'static (String, Vec<u8>) {
    static SEGMENT: OnceLock<(String, Vec<u8>)> = OnceLock::new();
    SEGMENT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        publish_breach(dir.path(), "P", 300, lekradar_index::MIN_MEMORY);
        let name = files(dir.path())
            .into_iter()
            .find(|f| f.starts_with("seg-"))
            .unwrap();
        let bytes = std::fs::read(dir.path().join(&name)).unwrap();
        (name, bytes)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn mutated_segments_are_rejected(flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4)) {
        let (name, good) = valid_segment();
        let mut bytes = good.clone();
        for (at, x) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= x;
        }
        // Flips may cancel out; anything else must be caught.
        if &bytes != good {
            prop_assert!(Segment::from_vec(Path::new(name), bytes).is_err());
        }
    }
}

#[test]
fn a_damaged_segment_is_reported_by_the_reader_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "D", 1000, lekradar_index::MIN_MEMORY);
    let seg = files(dir.path())
        .into_iter()
        .find(|f| f.starts_with("seg-"))
        .unwrap();
    let path = dir.path().join(&seg);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = IndexReader::open(dir.path()).unwrap_err();
    assert!(matches!(err, IndexError::Corrupt { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&seg) && msg.contains("truncated"), "{msg}");
}

#[test]
fn a_damaged_manifest_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "D", 10, lekradar_index::MIN_MEMORY);
    let path = dir.path().join("MANIFEST");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text = text.replace("active", "actieve");
    std::fs::write(&path, text).unwrap();
    let err = IndexReader::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("MANIFEST is damaged"), "{err}");
}

#[test]
fn a_failed_reload_keeps_serving_the_previous_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "Keep", 100, lekradar_index::MIN_MEMORY);
    let reader = IndexReader::open(dir.path()).unwrap();
    std::fs::write(dir.path().join("MANIFEST"), "garbage").unwrap();
    assert!(reader.reload().is_err());
    assert_eq!(reader.snapshot().breach("Keep").unwrap().entries(), 100);
}

/// A shard's copy into a local index killed midway leaves a temporary file
/// beside its target: never listed, removed when that shard is staged
/// again or its files are deleted (publish, discard), with the emptied
/// directories.
#[test]
fn a_killed_shard_copy_leaves_nothing_behind() {
    use lekradar_index::{LocalStorage, Storage};
    let dir = tempfile::tempdir().unwrap();
    let storage = LocalStorage::create_dir(&dir.path().join("index")).unwrap();
    let local = dir.path().join("run");
    std::fs::write(&local, b"staged").unwrap();
    let shard_dir = dir.path().join("index/shards/Telco/2");
    std::fs::create_dir_all(&shard_dir).unwrap();
    // What a copy killed midway leaves (another shard's copy in progress
    // is left alone).
    std::fs::write(shard_dir.join(".tmp-0.lkr-00000000deadbeef"), b"part").unwrap();
    std::fs::write(shard_dir.join(".tmp-1.lkr-00000000cafebabe"), b"part").unwrap();
    assert!(storage.list_shard_files("Telco/").unwrap().is_empty());
    storage.put_shard_file("Telco/2/0.lkr", &local).unwrap();
    assert_eq!(
        storage.list_shard_files("Telco/").unwrap(),
        ["Telco/2/0.lkr"]
    );
    let mut left: Vec<_> = std::fs::read_dir(&shard_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, [".tmp-1.lkr-00000000cafebabe", "0.lkr"]);
    std::fs::remove_file(shard_dir.join(".tmp-1.lkr-00000000cafebabe")).unwrap();
    // Killed again before the next run's copy: the deletion takes it too.
    std::fs::write(shard_dir.join(".tmp-0.lkr-0000000000000001"), b"part").unwrap();
    storage.delete_shard_file("Telco/2/0.lkr").unwrap();
    assert!(!dir.path().join("index/shards/Telco").exists());
}
