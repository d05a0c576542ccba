//! The committed index written by format version 1 must open, and answer
//! the same, with every later version of this crate. The fixture is never
//! regenerated; `LEKRADAR_WRITE_COMPAT_FIXTURE=1` only writes it when absent.

use std::path::PathBuf;

use lekradar_index::{IndexReader, IndexWriter, Transaction, MIN_MEMORY};

use crate::{classes, key};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/compat/index_v1")
}

fn write_fixture(dir: &std::path::Path) {
    let mut writer = IndexWriter::open(dir).unwrap();
    let mut b = writer.segment_builder(MIN_MEMORY).unwrap();
    for i in 0..300 {
        b.push(key("compat-a", i), classes(i)).unwrap();
    }
    let (segs, _) = b.finish().unwrap();
    let mut tx = Transaction::new();
    tx.set_metadata("CompatA", b"compat A v1".to_vec())
        .add_segments("CompatA", segs);
    writer.commit(tx).unwrap();
    for part in 0..2u64 {
        let mut b = writer.segment_builder(MIN_MEMORY).unwrap();
        for i in 0..100 {
            b.push(key("compat-b", part * 100 + i), 1 << part).unwrap();
        }
        let (segs, _) = b.finish().unwrap();
        let mut tx = Transaction::new();
        tx.add_segments("CompatB", segs);
        writer.commit(tx).unwrap();
    }
    let mut tx = Transaction::new();
    tx.set_metadata("Gone", b"retired one".to_vec());
    writer.commit(tx).unwrap();
    let mut tx = Transaction::new();
    tx.retire("Gone");
    writer.commit(tx).unwrap();
}

#[test]
fn v1_fixture_opens_and_answers() {
    let dir = fixture_dir();
    if !dir.join("MANIFEST").exists() && std::env::var_os("LEKRADAR_WRITE_COMPAT_FIXTURE").is_some()
    {
        write_fixture(&dir);
    }
    let snap = IndexReader::open(&dir)
        .expect("fixtures/compat/index_v1 must open")
        .snapshot();
    assert_eq!(snap.generation(), 5);
    let names: Vec<&str> = snap.breaches().iter().map(|b| b.name()).collect();
    assert_eq!(names, ["CompatA", "CompatB", "Gone"]);
    assert_eq!(
        snap.breach("CompatA").unwrap().metadata(),
        Some(&b"compat A v1"[..])
    );
    assert!(snap.breach("Gone").unwrap().is_retired());
    for i in 0..300 {
        let hits = snap.lookup(&key("compat-a", i));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].classes, classes(i));
    }
    for i in 0..200 {
        assert_eq!(snap.lookup(&key("compat-b", i))[0].classes, 1 << (i / 100));
    }
    assert!(snap.lookup(&key("compat-c", 0)).is_empty());
    let p = key("compat-a", 17).bucket() >> 12;
    assert!(snap
        .scan_prefix(p, 12)
        .unwrap()
        .iter()
        .any(|(_, e)| e.key == key("compat-a", 17)));
}
