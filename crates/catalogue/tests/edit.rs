//! Publishing, editing and retiring breach metadata through a real index.

use chrono::NaiveDate;
use lekradar_breach::BreachMetadata;
use lekradar_catalogue::edit::{all, find, publish, retire, EditError};
use lekradar_index::{IndexReader, IndexWriter, Key, Transaction, MIN_MEMORY};

fn meta(name: &str) -> BreachMetadata {
    let mut m = BreachMetadata::new(name, "Title", NaiveDate::from_ymd_opt(2025, 5, 1).unwrap());
    m.data_classes = vec!["Phone numbers".into()];
    m
}

#[test]
fn add_edit_list_retire() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    publish(&mut writer, &meta("One"), true).unwrap();
    publish(&mut writer, &meta("Two"), true).unwrap();
    assert!(matches!(
        publish(&mut writer, &meta("One"), true),
        Err(EditError::Exists(_))
    ));
    assert!(matches!(
        publish(&mut writer, &meta("Three"), false),
        Err(EditError::Unknown(_))
    ));

    let mut edited = meta("One");
    edited.title = "New title".into();
    publish(&mut writer, &edited, false).unwrap();

    // Entries for "Two", then retire it.
    let mut b = writer.segment_builder(MIN_MEMORY).unwrap();
    b.push(Key::new(5, [1; 8]).unwrap(), 1).unwrap();
    let (segs, _) = b.finish().unwrap();
    let mut tx = Transaction::new();
    tx.add_segments("Two", segs);
    writer.commit(tx).unwrap();
    let retired = retire(&mut writer, "Two").unwrap();
    assert!(retired.is_retired);

    let snap = IndexReader::open(dir.path()).unwrap().snapshot();
    let list = all(&snap).unwrap();
    assert_eq!(
        list.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["One", "Two"]
    );
    assert_eq!(find(&snap, "One").unwrap().unwrap().title, "New title");
    assert!(find(&snap, "Two").unwrap().unwrap().is_retired);
    assert!(snap.lookup(&Key::new(5, [1; 8]).unwrap()).is_empty());
    assert!(matches!(
        retire(&mut writer, "Nope"),
        Err(EditError::Unknown(_))
    ));
}

#[test]
fn invalid_metadata_is_refused_and_nothing_is_published() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = IndexWriter::open(dir.path()).unwrap();
    let mut bad = meta("Bad");
    bad.title = String::new();
    let err = publish(&mut writer, &bad, true).unwrap_err();
    assert!(err.to_string().starts_with("Title"), "{err}");
    assert_eq!(writer.manifest().generation, 0);
}

#[test]
fn breach_names_follow_the_index_rule() {
    let names = [
        "Telco",
        "a",
        "A-b_c.d",
        "0day",
        "-lead",
        ".dot",
        "",
        "with space",
        "é",
        "x/y",
        "Name\u{0}",
        "_under",
    ];
    let long_ok = "n".repeat(64);
    let too_long = "n".repeat(65);
    for name in names
        .iter()
        .copied()
        .chain([long_ok.as_str(), too_long.as_str()])
    {
        assert_eq!(
            lekradar_breach::valid_name(name),
            lekradar_index::validate_breach_name(name).is_ok(),
            "{name:?}"
        );
    }
}
