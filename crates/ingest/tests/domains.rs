//! Addresses per domain, counted at ingest: exact, added up across files
//! of a breach, separate per breach, and never partial for a breach loaded
//! before domains were counted.

use std::path::{Path, PathBuf};

use lekradar_breach::{BreachMetadata, NaiveDate};
use lekradar_check::{domain_counts, filing, DomainKeyer};
use lekradar_index::{IndexReader, IndexWriter, Transaction};
use lekradar_ingest::{ingest, IngestConfig, IngestReport};
use lekradar_normalize::{normalize, Region};
use lekradar_prf::ServerKey;

fn add_breach(dir: &Path, name: &str) {
    let mut writer = IndexWriter::open(dir).unwrap();
    let mut meta = BreachMetadata::new(name, name, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    meta.data_classes = vec!["Email addresses".into(), "Phone numbers".into()];
    lekradar_catalogue::edit::publish(&mut writer, &meta, true).unwrap();
}

fn load(dir: &Path, key: &ServerKey, breach: &str, file: &Path) -> IngestReport {
    let mut writer = IndexWriter::open(dir).unwrap();
    ingest(
        &mut writer,
        key,
        breach,
        &[file.to_owned()],
        &IngestConfig::default(),
        &|_, _, _, _| {},
    )
    .unwrap()
}

fn count(dir: &Path, key: &ServerKey, breach: &str, domain: &str) -> u64 {
    let snapshot = IndexReader::open(dir).unwrap().snapshot();
    domain_counts(&DomainKeyer::new(key), &snapshot, domain)
        .into_iter()
        .find(|(b, _)| b.name() == breach)
        .map_or(0, |(_, n)| n)
}

fn csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn addresses_are_counted_per_domain_exactly_and_added_up_across_files() {
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index");
    let key = ServerKey::generate();
    add_breach(&index, "New");
    let first = csv(
        tmp.path(),
        "first.csv",
        "email,phone,name\n\
         jan@acme.test,,Jan\n\
         piet@acme.test,,Piet\n\
         jan@acme.test,+31612345678,Jan again\n\
         eve@other.test,,Eve\n\
         ,+31612345679,Mo\n",
    );
    let report = load(&index, &key, "New", &first);
    assert!(report.domains_counted);
    assert_eq!(report.new_domains, 2);
    assert_eq!(count(&index, &key, "New", "acme.test"), 2, "jan once");
    assert_eq!(count(&index, &key, "New", "other.test"), 1);
    assert_eq!(count(&index, &key, "New", "elsewhere.test"), 0);

    // A second file adds only the addresses the breach did not hold.
    let second = csv(
        tmp.path(),
        "second.csv",
        "email,name\npiet@acme.test,Piet\nNew.Hire@ACME.test,New\n",
    );
    load(&index, &key, "New", &second);
    assert_eq!(count(&index, &key, "New", "acme.test"), 3);
    assert_eq!(count(&index, &key, "New", "other.test"), 1);

    // Another breach counts on its own, under other keys.
    add_breach(&index, "Other");
    load(&index, &key, "Other", &second);
    assert_eq!(count(&index, &key, "Other", "acme.test"), 2);
    assert_eq!(count(&index, &key, "New", "acme.test"), 3);
    let snapshot = IndexReader::open(&index).unwrap().snapshot();
    let keyer = DomainKeyer::new(&key);
    assert_ne!(
        keyer.key("New", "acme.test"),
        keyer.key("Other", "acme.test")
    );
    // The counts file holds neither an address nor a domain name.
    for entry in std::fs::read_dir(&index).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for needle in [&b"acme.test"[..], b"piet", b"other.test"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle));
        }
    }
    // A file of phone numbers only still marks a new breach as counted.
    add_breach(&index, "Phones");
    let phones = csv(
        tmp.path(),
        "phones.txt",
        "phone\n+31612345670\n+31612345671\n",
    );
    assert!(load(&index, &key, "Phones", &phones).domains_counted);
    drop(snapshot);
    let snapshot = IndexReader::open(&index).unwrap().snapshot();
    assert!(snapshot.breach("Phones").unwrap().has_domain_counts());
}

#[test]
fn a_breach_loaded_before_domains_were_counted_gets_no_partial_count() {
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index");
    let key = ServerKey::generate();
    add_breach(&index, "Old");
    // Entries published the way a build before domain counts did: no counts file.
    {
        let mut writer = IndexWriter::open(&index).unwrap();
        let mut builder = writer.segment_builder(16 << 20).unwrap();
        for raw in ["a@acme.test", "b@acme.test"] {
            let id = normalize(raw, Region::NL).unwrap();
            let (k, pad) = filing(&key, &id).unwrap().in_breach("Old");
            builder.push_sealed(k, 1, pad, 0).unwrap();
        }
        let (segments, _) = builder.finish().unwrap();
        let mut tx = Transaction::new();
        tx.add_segments("Old", segments);
        writer.commit(tx).unwrap();
    }
    let more = csv(tmp.path(), "more.csv", "email\nc@acme.test\n");
    let report = load(&index, &key, "Old", &more);
    assert!(!report.domains_counted);
    assert_eq!(count(&index, &key, "Old", "acme.test"), 0, "not 1 of 3");
    let snapshot = IndexReader::open(&index).unwrap().snapshot();
    assert!(!snapshot.breach("Old").unwrap().has_domain_counts());
}
