//! Filing an identifier per breach: one person in two breaches gets two
//! unrelated tags and class words that are sealed, yet the direct check
//! finds both with the right classes; segments of format 1 (the first bytes
//! of F(k, x) as tag, clear classes) are still read.

use std::path::Path;

use lekradar_check::{check, filing};
use lekradar_index::{IndexReader, IndexWriter, Segment, Transaction};
use lekradar_normalize::{normalize, Region};
use lekradar_prf::ServerKey;

fn publish(dir: &Path, breach: &str, entries: &[(&str, u32)], key: &ServerKey, v1: bool) {
    let mut writer = IndexWriter::open(dir).unwrap();
    let mut b = writer.segment_builder(1 << 20).unwrap();
    for (raw, classes) in entries {
        let f = filing(key, &normalize(raw, Region::NL).unwrap()).unwrap();
        if v1 {
            b.push(f.v1_key(), *classes).unwrap();
        } else {
            let (k, pad) = f.in_breach(breach);
            b.push_sealed(k, *classes, pad, 0).unwrap();
        }
    }
    let (segments, _) = b.finish().unwrap();
    if v1 {
        // Rewrite the header as format 1: same records, older meaning.
        for s in &segments {
            let path = dir.join(s.file_name());
            let mut bytes = std::fs::read(&path).unwrap();
            bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
            let crc = crc32fast::hash(&bytes[..60]);
            bytes[60..64].copy_from_slice(&crc.to_le_bytes());
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let mut tx = Transaction::new();
    tx.add_segments(breach, segments);
    writer.commit(tx).unwrap();
}

#[test]
fn one_person_in_two_breaches_is_unlinkable_in_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let key = ServerKey::generate();
    publish(
        dir.path(),
        "Telco",
        &[("06-12345678", 0b1011), ("06-87654321", 0b1)],
        &key,
        false,
    );
    publish(dir.path(), "Scrape", &[("+31612345678", 0b1)], &key, false);
    let snapshot = IndexReader::open(dir.path()).unwrap().snapshot();
    let jan = normalize("06-12345678", Region::NL).unwrap();
    let hits = check(&snapshot, &key, &jan).unwrap();
    let found: Vec<(&str, u32)> = hits.iter().map(|h| (h.breach.name(), h.classes)).collect();
    assert_eq!(found, [("Scrape", 0b1), ("Telco", 0b1011)]);
    // The stored records: different tags per breach, classes not in the clear.
    let f = filing(&key, &jan).unwrap();
    let (telco_key, _) = f.in_breach("Telco");
    let (scrape_key, _) = f.in_breach("Scrape");
    assert_ne!(telco_key.tag(), scrape_key.tag());
    assert_ne!(telco_key.tag(), f.v1_key().tag());
    let telco = snapshot.breach("Telco").unwrap();
    let seg: &Segment = &telco.segments()[0];
    assert_eq!(seg.format_version(), 2);
    let word = seg.get(&telco_key).unwrap();
    assert_ne!(word, 0b1011, "the class word is sealed");
    assert!(seg.get(&scrape_key).is_none());
    // Somebody else is not found.
    let other = normalize("06-11112222", Region::NL).unwrap();
    assert!(check(&snapshot, &key, &other).unwrap().is_empty());
}

#[test]
fn format_1_segments_are_still_read_beside_format_2() {
    let dir = tempfile::tempdir().unwrap();
    let key = ServerKey::generate();
    publish(dir.path(), "Old", &[("06-12345678", 0b10)], &key, true);
    publish(dir.path(), "Old", &[("06-12345678", 0b100)], &key, false);
    let snapshot = IndexReader::open(dir.path()).unwrap().snapshot();
    let old = snapshot.breach("Old").unwrap();
    let versions: Vec<u32> = old.segments().iter().map(|s| s.format_version()).collect();
    assert_eq!(versions, [1, 2]);
    let hits = check(
        &snapshot,
        &key,
        &normalize("06-12345678", Region::NL).unwrap(),
    )
    .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].classes, 0b110, "classes from both formats");
}
