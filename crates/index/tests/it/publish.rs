//! Building, publishing, reading and retiring, as the ingest and the server use them.

use lekradar_index::{
    DomainCounts, Group, IndexError, IndexReader, IndexWriter, Transaction, MIN_MEMORY, UNCOUNTED,
};

use std::path::Path;

use crate::{classes, files, key, publish_breach};

#[test]
fn published_breach_is_found_with_its_classes() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "Telecom", 10_000, 64 << 20);
    let reader = IndexReader::open(dir.path()).unwrap();
    let snap = reader.snapshot();
    assert_eq!(snap.generation(), 1);
    let breach = snap.breach("Telecom").unwrap();
    assert_eq!(breach.entries(), 10_000);
    assert_eq!(breach.metadata(), Some(&b"meta of Telecom"[..]));
    for i in 0..10_000 {
        let hits = snap.lookup(&key("Telecom", i));
        assert_eq!(hits.len(), 1, "entry {i}");
        assert_eq!(hits[0].breach.name(), "Telecom");
        assert_eq!(hits[0].classes, classes(i));
    }
    for i in 0..1000 {
        assert!(snap.lookup(&key("Other", i)).is_empty());
    }
}

#[test]
fn external_sort_in_small_memory_equals_in_memory_build_and_merges_duplicates() {
    let n = 200_000u64;
    // Distinct keys are counted per group: three groups, every tenth key uncounted.
    let group = |j: u64| -> Group {
        if j.is_multiple_of(10) {
            UNCOUNTED
        } else {
            (j % 3) as Group
        }
    };
    let build = |memory: usize, max_entries: u64, fan_in: usize| {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = IndexWriter::open(dir.path()).unwrap();
        let mut builder = writer
            .segment_builder(memory)
            .unwrap()
            .max_segment_entries(max_entries)
            .merge_fan_in(fan_in);
        // Every key three times with different classes, in scrambled order.
        for round in 0..3u64 {
            for i in 0..n {
                let j = (i * 7919 + round * 13) % n;
                builder
                    .push_in_group(key("dup", j), 1 << round, group(j))
                    .unwrap();
            }
        }
        let (segments, stats) = builder.finish().unwrap();
        let mut tx = Transaction::new();
        tx.add_segments("B", segments);
        writer.commit(tx).unwrap();
        assert!(
            !files(dir.path()).iter().any(|f| f.starts_with("run-")),
            "run files are removed"
        );
        (dir, stats)
    };
    // Fan-in 3 forces several rounds of intermediate merges.
    let (small, small_stats) = build(MIN_MEMORY, 50_000, 3);
    let (large, large_stats) = build(256 << 20, u64::MAX, 64);
    assert!(
        small_stats.runs > 10,
        "small memory must spill: {small_stats:?}"
    );
    assert_eq!(large_stats.runs, 0);
    assert_eq!(small_stats.written, n);
    assert_eq!(large_stats.written, n);
    assert_eq!(small_stats.pushed, 3 * n);
    for g in 0..3 {
        let expected = (0..n).filter(|&j| group(j) == g).count() as u64;
        assert_eq!(small_stats.distinct(g), expected, "group {g}");
        assert_eq!(large_stats.distinct(g), expected, "group {g}");
    }
    assert_eq!(small_stats.distinct(UNCOUNTED), 0);
    assert_eq!(small_stats.distinct.iter().sum::<u64>(), n - n / 10);

    let small = IndexReader::open(small.path()).unwrap().snapshot();
    let large = IndexReader::open(large.path()).unwrap().snapshot();
    assert_eq!(small.breach("B").unwrap().segments().len(), 4);
    assert_eq!(large.breach("B").unwrap().segments().len(), 1);
    let all_small: Vec<_> = small
        .breach("B")
        .unwrap()
        .segments()
        .iter()
        .flat_map(|s| s.iter().collect::<Vec<_>>())
        .collect();
    let all_large: Vec<_> = large.breach("B").unwrap().segments()[0].iter().collect();
    assert_eq!(all_small, all_large);
    for i in (0..n).step_by(997) {
        let hits = small.lookup(&key("dup", i));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].classes, 0b111, "classes of duplicates are OR-ed");
    }
}

#[test]
fn reader_picks_up_new_breach_without_restart_and_old_snapshot_stays_whole() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "First", 1000, MIN_MEMORY);
    let reader = IndexReader::open(dir.path()).unwrap();
    let before = reader.snapshot();
    assert!(!reader.reload().unwrap(), "nothing changed yet");

    publish_breach(dir.path(), "Second", 1000, MIN_MEMORY);
    assert!(reader.reload().unwrap());
    let after = reader.snapshot();
    assert_eq!(after.breaches().len(), 2);
    assert_eq!(after.lookup(&key("Second", 5)).len(), 1);
    assert!(
        before.lookup(&key("Second", 5)).is_empty(),
        "a held snapshot never changes"
    );

    // Retire the first breach; its files are deleted, yet the old snapshot
    // that has them mapped still answers.
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    let mut tx = Transaction::new();
    tx.retire("First");
    writer.commit(tx).unwrap();
    assert!(reader.reload().unwrap());
    let retired = reader.snapshot();
    assert!(retired.lookup(&key("First", 5)).is_empty());
    assert!(retired.breach("First").unwrap().is_retired());
    assert_eq!(
        retired.breach("First").unwrap().metadata(),
        Some(&b"meta of First"[..])
    );
    assert_eq!(before.lookup(&key("First", 5)).len(), 1);
    assert_eq!(
        files(dir.path())
            .iter()
            .filter(|f| f.starts_with("seg-"))
            .count(),
        1,
        "the retired breach's segment was removed"
    );
}

#[test]
fn second_file_adds_to_a_breach_and_lookups_merge_classes() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    for (part, bit) in [(0u64, 1u32), (1, 2)] {
        let mut b = writer.segment_builder(MIN_MEMORY).unwrap();
        for i in 0..100 {
            b.push(key("K", i + part * 50), bit).unwrap();
        }
        let (segs, _) = b.finish().unwrap();
        let mut tx = Transaction::new();
        tx.add_segments("K", segs);
        writer.commit(tx).unwrap();
    }
    let snap = IndexReader::open(dir.path()).unwrap().snapshot();
    assert_eq!(snap.breach("K").unwrap().segments().len(), 2);
    assert_eq!(snap.lookup(&key("K", 10))[0].classes, 1);
    assert_eq!(snap.lookup(&key("K", 60))[0].classes, 3, "in both files");
    assert_eq!(snap.lookup(&key("K", 120))[0].classes, 2);
}

#[test]
fn prefix_scan_returns_exactly_the_bucket_range() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "A", 50_000, 8 << 20);
    publish_breach(dir.path(), "B", 20_000, 8 << 20);
    let snap = IndexReader::open(dir.path()).unwrap().snapshot();
    let probe = key("A", 77).bucket();
    for bits in 12..=24 {
        let prefix = probe >> (24 - bits);
        let got = snap.scan_prefix(prefix, bits).unwrap();
        let mut want = 0;
        for (name, n) in [("A", 50_000), ("B", 20_000)] {
            want += (0..n)
                .filter(|&i| key(name, i).bucket() >> (24 - bits) == prefix)
                .count();
        }
        assert_eq!(got.len(), want, "bits {bits}");
        assert!(got
            .iter()
            .all(|(_, e)| e.key.bucket() >> (24 - bits) == prefix));
        assert!(got
            .iter()
            .any(|(b, e)| b.name() == "A" && e.key == key("A", 77)));
    }
    assert!(matches!(
        snap.scan_prefix(0, 11),
        Err(IndexError::PrefixLength { .. })
    ));
    assert!(matches!(
        snap.scan_prefix(0, 25),
        Err(IndexError::PrefixLength { .. })
    ));
    assert!(matches!(
        snap.scan_prefix(1 << 12, 12),
        Err(IndexError::BucketOutOfRange { .. })
    ));
}

#[test]
fn one_writer_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let _first = IndexWriter::open(dir.path()).unwrap();
    let err = IndexWriter::open(dir.path()).unwrap_err();
    assert!(matches!(err, IndexError::Locked { .. }));
    assert!(err.to_string().contains("another lekradar process"));
}

#[test]
fn bad_names_and_unknown_breaches_are_errors_that_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "Good", 10, MIN_MEMORY);
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    let mut tx = Transaction::new();
    tx.set_metadata("bad name", vec![]);
    assert!(matches!(
        writer.commit(tx),
        Err(IndexError::InvalidBreachName { .. })
    ));
    let mut tx = Transaction::new();
    tx.retire("Missing");
    assert!(matches!(
        writer.commit(tx),
        Err(IndexError::UnknownBreach { .. })
    ));
    assert_eq!(writer.manifest().generation, 1);
    assert!(matches!(
        writer.segment_builder(1000),
        Err(IndexError::MemoryLimit { .. })
    ));
}

#[test]
fn a_name_that_differs_only_in_case_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "Sens", 10, MIN_MEMORY);
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    for name in ["sens", "SENS", "sEnS"] {
        let mut tx = Transaction::new();
        tx.set_metadata(name, b"other".to_vec());
        match writer.commit(tx) {
            Err(IndexError::NameCollision { name: n, existing }) => {
                assert_eq!((n.as_str(), existing.as_str()), (name, "Sens"));
            }
            other => panic!("{name}: {other:?}"),
        }
        let b = writer.segment_builder(MIN_MEMORY).unwrap();
        let (segs, _) = b.finish().unwrap();
        let mut tx = Transaction::new();
        tx.add_segments(name, segs);
        assert!(matches!(
            writer.commit(tx),
            Err(IndexError::NameCollision { .. })
        ));
    }
    assert_eq!(writer.manifest().generation, 1);
    assert_eq!(writer.manifest().breaches.len(), 1);
    // The breach itself is still written to under its own name.
    let mut tx = Transaction::new();
    tx.set_metadata("Sens", b"edited".to_vec());
    writer.commit(tx).unwrap();
}

#[test]
fn a_retired_breach_takes_no_new_segments() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "Old", 100, MIN_MEMORY);
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    let mut tx = Transaction::new();
    tx.retire("Old");
    writer.commit(tx).unwrap();
    let generation = writer.manifest().generation;
    let mut b = writer.segment_builder(MIN_MEMORY).unwrap();
    for i in 0..10 {
        b.push(key("Old", i), 1).unwrap();
    }
    let (segs, _) = b.finish().unwrap();
    let mut tx = Transaction::new();
    tx.add_segments("Old", segs);
    let err = writer.commit(tx).unwrap_err();
    assert!(matches!(err, IndexError::RetiredBreach { .. }), "{err:?}");
    assert!(err.to_string().contains("retired"));
    assert_eq!(writer.manifest().generation, generation);
    let snapshot = IndexReader::open(dir.path()).unwrap().snapshot();
    assert!(snapshot.breach("Old").unwrap().is_retired());
    assert!(snapshot.breach("Old").unwrap().segments().is_empty());
}

#[test]
fn domain_counts_are_published_replaced_kept_across_reloads_and_leave_with_retirement() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "Counted", 10, MIN_MEMORY);
    let reader = IndexReader::open(dir.path()).unwrap();
    assert!(reader
        .snapshot()
        .breach("Counted")
        .unwrap()
        .domain_counts()
        .is_empty());

    let mut writer = IndexWriter::open(dir.path()).unwrap();
    let mut tx = Transaction::new();
    tx.set_domain_counts("Counted", DomainCounts::from_pairs([(7, 3), (1, 2)]));
    writer.commit(tx).unwrap();
    assert!(reader.reload().unwrap());
    let snap = reader.snapshot();
    let counts = snap.breach("Counted").unwrap().domain_counts();
    assert_eq!((counts.get(7), counts.get(1), counts.get(2)), (3, 2, 0));
    let manifest = std::fs::read_to_string(dir.path().join("MANIFEST")).unwrap();
    assert!(manifest.starts_with("lekradar-manifest 2\n"), "{manifest}");
    assert!(!manifest.contains("\nkey "), "no key named: {manifest}");

    // Another change keeps the counts; replacing them drops the old file.
    drop(writer);
    publish_breach(dir.path(), "Other", 5, MIN_MEMORY);
    reader.reload().unwrap();
    let dom_files = |d: &Path| {
        files(d)
            .into_iter()
            .filter(|f| f.starts_with("dom-"))
            .count()
    };
    assert_eq!(
        reader
            .snapshot()
            .breach("Counted")
            .unwrap()
            .domain_counts()
            .get(7),
        3
    );
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    let mut tx = Transaction::new();
    tx.set_domain_counts(
        "Counted",
        counts.merged(&DomainCounts::from_pairs([(7, 1)])),
    );
    writer.commit(tx).unwrap();
    reader.reload().unwrap();
    assert_eq!(
        reader
            .snapshot()
            .breach("Counted")
            .unwrap()
            .domain_counts()
            .get(7),
        4
    );
    assert_eq!(dom_files(dir.path()), 1);

    // Retired: the counts leave with the segments, and none can be set.
    let mut tx = Transaction::new();
    tx.retire("Counted");
    writer.commit(tx).unwrap();
    reader.reload().unwrap();
    assert!(reader
        .snapshot()
        .breach("Counted")
        .unwrap()
        .domain_counts()
        .is_empty());
    assert_eq!(dom_files(dir.path()), 0);
    let mut tx = Transaction::new();
    tx.set_domain_counts("Counted", DomainCounts::from_pairs([(7, 1)]));
    assert!(matches!(
        writer.commit(tx),
        Err(IndexError::RetiredBreach { .. })
    ));
}

#[test]
fn a_damaged_domain_counts_file_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    publish_breach(dir.path(), "Counted", 10, MIN_MEMORY);
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    let mut tx = Transaction::new();
    tx.set_domain_counts("Counted", DomainCounts::from_pairs([(7, 3)]));
    writer.commit(tx).unwrap();
    drop(writer);
    let name = files(dir.path())
        .into_iter()
        .find(|f| f.starts_with("dom-"))
        .unwrap();
    let path = dir.path().join(&name);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let err = IndexReader::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains(&name), "{err}");
}

#[test]
fn a_writer_names_its_key_and_another_key_is_refused_by_writers_and_readers() {
    let dir = tempfile::tempdir().unwrap();
    let storage = || -> std::sync::Arc<dyn lekradar_index::Storage> {
        std::sync::Arc::new(lekradar_index::LocalStorage::new(dir.path()))
    };
    // Published before keys were named: the next writer's key is adopted.
    publish_breach(dir.path(), "Old", 10, MIN_MEMORY);
    let mut writer = IndexWriter::open_storage_for_key(storage(), Some("aa11")).unwrap();
    let mut tx = Transaction::new();
    tx.set_metadata("New", b"{}".to_vec());
    writer.commit(tx).unwrap();
    drop(writer);
    let manifest = std::fs::read_to_string(dir.path().join("MANIFEST")).unwrap();
    assert!(manifest.starts_with("lekradar-manifest 3\n"), "{manifest}");
    assert!(manifest.contains("\nkey aa11\n"), "{manifest}");

    let err = IndexWriter::open_storage_for_key(storage(), Some("bb22")).unwrap_err();
    assert!(
        matches!(&err, IndexError::OtherKey { found, expected, .. } if found == "aa11" && expected == "bb22"),
        "{err}"
    );
    let err = IndexReader::open_storage_for_key(storage(), Some("bb22")).unwrap_err();
    assert!(err.to_string().contains("another OPRF key"), "{err}");
    // The right key, or none asked for, reads it.
    IndexReader::open_storage_for_key(storage(), Some("aa11")).unwrap();
    IndexReader::open(dir.path()).unwrap();

    // A server's reader refuses to switch to a generation of another key
    // and keeps the one it has.
    let reader = IndexReader::open_storage_for_key(storage(), Some("aa11")).unwrap();
    let generation = reader.snapshot().generation();
    let text = std::fs::read_to_string(dir.path().join("MANIFEST")).unwrap();
    let body = text[..text.rfind("end ").unwrap()]
        .replace("key aa11", "key bb22")
        .replace(
            &format!("generation {generation}"),
            &format!("generation {}", generation + 1),
        );
    let forged = format!("{body}end {:08x}\n", crc32fast::hash(body.as_bytes()));
    std::fs::write(dir.path().join("MANIFEST"), forged).unwrap();
    assert!(matches!(reader.reload(), Err(IndexError::OtherKey { .. })));
    assert_eq!(reader.snapshot().generation(), generation);
}
