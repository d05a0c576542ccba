//! The index in a real S3-compatible store (SeaweedFS: master, three volume
//! servers, filer, S3 gateway, on loopback): publish and read through the
//! local cache, publish races, a damaged or missing object, an unreachable
//! store, wrong credentials and a missing bucket.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use lekradar_index::{IndexError, IndexReader, IndexWriter, Key, Storage, Transaction};
use lekradar_objstore::{ObjectStorage, S3Options};
use lekradar_testkit::services::{SeaweedFs, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY};

const BUCKET: &str = "lekradar";

fn key(salt: u64, i: u64) -> Key {
    // splitmix64: distinct, well spread keys.
    let mut z = salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i.wrapping_add(0x632B_E59B_D9B4_E019);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    Key::new((z >> 40) as u32, (z ^ i.rotate_left(17)).to_le_bytes()).unwrap()
}

fn options(sw: &SeaweedFs, prefix: &str, local: &Path) -> S3Options {
    S3Options {
        url: format!("s3://{BUCKET}/{prefix}"),
        endpoint: Some(sw.endpoint()),
        region: "us-east-1".into(),
        access_key_id: Some(S3_ACCESS_KEY_ID.into()),
        secret_access_key: Some(S3_SECRET_ACCESS_KEY.into()),
        staging_dir: local.join("staging"),
        cache_dir: local.join("cache"),
        cache_bytes: 1 << 30,
        grace: Duration::from_secs(3600),
    }
}

fn storage(sw: &SeaweedFs, prefix: &str, local: &Path) -> Arc<ObjectStorage> {
    Arc::new(ObjectStorage::new(&options(sw, prefix, local)).unwrap())
}

/// A breach of `n` entries with keys `key(salt, 0..n)`, as a transaction.
fn breach(writer: &IndexWriter, name: &str, salt: u64, n: u64) -> Transaction {
    let mut builder = writer.segment_builder(8 << 20).unwrap();
    for i in 0..n {
        builder.push(key(salt, i), 1 | (i as u32 & 6)).unwrap();
    }
    let (segments, _) = builder.finish().unwrap();
    let mut tx = Transaction::new();
    tx.set_metadata(name, name.as_bytes().to_vec())
        .add_segments(name, segments);
    tx
}

fn started() -> SeaweedFs {
    let mut sw = SeaweedFs::start();
    sw.create_bucket(BUCKET);
    sw
}

#[test]
fn a_published_index_is_read_through_a_cold_cache_and_races_have_one_winner() {
    let sw = started();
    let dir = tempfile::tempdir().unwrap();
    let a = storage(&sw, "idx", &dir.path().join("a"));
    a.probe_conditional_writes()
        .unwrap_or_else(|e| panic!("{e}\n{}", sw.logs()));
    let mut writer = IndexWriter::open_storage(a.clone()).unwrap();
    // Large enough for several parts of a multipart upload (15 B an entry).
    let tx = breach(&writer, "Telco", 1, 3_000_000);
    writer.commit(tx).unwrap();
    assert_eq!(writer.manifest().generation, 1);

    // Another machine: an empty cache, the same bucket.
    let reader = IndexReader::open_storage(storage(&sw, "idx", &dir.path().join("b"))).unwrap();
    let snapshot = reader.snapshot();
    assert_eq!(snapshot.generation(), 1);
    let telco = snapshot.breach("Telco").unwrap();
    assert_eq!(telco.entries(), 3_000_000);
    assert_eq!(telco.metadata(), Some(&b"Telco"[..]));
    assert_eq!(snapshot.lookup(&key(1, 2_999_999)).len(), 1);
    assert!(snapshot.lookup(&key(2, 0)).is_empty());
    assert!(!reader.reload().unwrap(), "nothing new: no reload");

    // A second writer in the same data directory is refused (it would
    // clear the first one's staged segments).
    let same = IndexWriter::open_storage(storage(&sw, "idx", &dir.path().join("a")));
    assert!(matches!(same, Err(IndexError::Locked { .. })), "{same:?}");

    // Two writers on two machines prepare generation 2 at once.
    let c = storage(&sw, "idx", &dir.path().join("c"));
    let mut second = IndexWriter::open_storage(c).unwrap();
    let tx_a = breach(&writer, "ShopA", 3, 1000);
    let tx_c = breach(&second, "ShopC", 4, 1000);
    let won = writer.commit(tx_a);
    let lost = second.commit(tx_c);
    assert!(won.is_ok(), "{won:?}");
    match lost {
        Err(IndexError::Conflict {
            expected: 1,
            found: 2,
            generation: 2,
            ..
        }) => {}
        other => panic!("the second publish of generation 2 must conflict: {other:?}"),
    }
    assert!(reader.reload().unwrap());
    let snapshot = reader.snapshot();
    assert_eq!(snapshot.generation(), 2);
    assert!(snapshot.breach("ShopA").is_some());
    assert!(
        snapshot.breach("ShopC").is_none(),
        "nothing of the loser shows"
    );
    // The loser runs again, from the index as it now is.
    drop(second);
    let mut second = IndexWriter::open_storage(storage(&sw, "idx", &dir.path().join("c"))).unwrap();
    let tx = breach(&second, "ShopC", 4, 1000);
    second.commit(tx).unwrap();
    assert!(reader.reload().unwrap());
    let snapshot = reader.snapshot();
    assert_eq!(snapshot.generation(), 3);
    assert_eq!(snapshot.lookup(&key(4, 999)).len(), 1);
    assert_eq!(snapshot.lookup(&key(1, 7)).len(), 1);

    // Superseded manifests: a writer deletes them when it starts, but the
    // newest eight and any younger than the grace period.
    drop(second);
    let count_manifests = || {
        use futures::StreamExt;
        use object_store::ObjectStore;
        let store = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_endpoint(sw.endpoint())
            .with_allow_http(true)
            .with_access_key_id(S3_ACCESS_KEY_ID)
            .with_secret_access_key(S3_SECRET_ACCESS_KEY)
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let prefix = object_store::path::Path::from("idx/manifests");
            store.list(Some(&prefix)).collect::<Vec<_>>().await.len()
        })
    };
    let mut opts = options(&sw, "idx", &dir.path().join("c"));
    let mut w = IndexWriter::open_storage(Arc::new(ObjectStorage::new(&opts).unwrap())).unwrap();
    for g in 0..10u8 {
        let mut tx = Transaction::new();
        tx.set_metadata("ShopC", vec![b'a' + g]);
        w.commit(tx).unwrap();
    }
    drop(w);
    assert_eq!(count_manifests(), 13, "young manifests are kept");
    opts.grace = Duration::ZERO;
    drop(IndexWriter::open_storage(Arc::new(ObjectStorage::new(&opts).unwrap())).unwrap());
    assert_eq!(count_manifests(), 8, "the newest eight are kept");
    assert!(reader.reload().unwrap());
    assert_eq!(reader.snapshot().generation(), 13);
    assert_eq!(reader.snapshot().lookup(&key(4, 999)).len(), 1);
}

#[test]
fn a_damaged_or_missing_object_is_never_served() {
    let sw = started();
    let dir = tempfile::tempdir().unwrap();
    let a = storage(&sw, "bad", &dir.path().join("a"));
    let mut writer =
        IndexWriter::open_storage(a.clone()).unwrap_or_else(|e| panic!("{e}\n{}", sw.logs()));
    let tx = breach(&writer, "Telco", 1, 5000);
    writer.commit(tx).unwrap();
    let segment = writer.manifest().breaches[0].segments[0].file_name.clone();
    let good = a.read(&segment).unwrap().unwrap();

    // Damaged in the store (one bit): a cold reader refuses it, names the
    // object, and keeps nothing of it in its cache.
    let mut bad = good.clone();
    let at = bad.len() / 2;
    bad[at] ^= 1;
    a.delete(&segment).unwrap();
    a.create(&segment, &bad).unwrap();
    let cold = dir.path().join("cold");
    let err = IndexReader::open_storage(storage(&sw, "bad", &cold)).unwrap_err();
    assert!(matches!(err, IndexError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains(&segment), "{err}");
    // (The manifest and metadata are kept for a start while the store is
    // away; no segment, and no part of a download.)
    let cached: Vec<_> = std::fs::read_dir(cold.join("cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".lks") || name.contains(".part-"))
        .collect();
    assert!(cached.is_empty(), "{cached:?}");

    // Truncated.
    a.delete(&segment).unwrap();
    a.create(&segment, &good[..good.len() - 9]).unwrap();
    let err = IndexReader::open_storage(storage(&sw, "bad", &cold)).unwrap_err();
    assert!(matches!(err, IndexError::Corrupt { .. }), "{err}");

    // Gone: a clear error naming it, never an empty index.
    a.delete(&segment).unwrap();
    let err = IndexReader::open_storage(storage(&sw, "bad", &cold)).unwrap_err();
    assert!(err.to_string().contains(&segment), "{err}");

    // Restored: served.
    a.create(&segment, &good).unwrap();
    let reader = IndexReader::open_storage(storage(&sw, "bad", &cold)).unwrap();
    assert_eq!(reader.snapshot().lookup(&key(1, 4999)).len(), 1);
}

#[test]
fn an_unreachable_store_keeps_the_last_generation_in_service() {
    let mut sw = started();
    let dir = tempfile::tempdir().unwrap();
    let a = storage(&sw, "down", &dir.path().join("a"));
    let mut writer = IndexWriter::open_storage(a).unwrap();
    let tx = breach(&writer, "Telco", 1, 1000);
    writer.commit(tx).unwrap();
    let reader = IndexReader::open_storage(storage(&sw, "down", &dir.path().join("b"))).unwrap();
    sw.stop_gateway();
    // Polling fails, the snapshot in service stays.
    assert!(reader.reload().is_err());
    assert_eq!(reader.snapshot().generation(), 1);
    assert_eq!(reader.snapshot().lookup(&key(1, 999)).len(), 1);
    // A publish fails clearly and leaves the previous generation.
    let tx = breach(&writer, "Later", 2, 10);
    assert!(writer.commit(tx).is_err());
    sw.start_gateway();
    assert!(!reader.reload().unwrap());
    assert_eq!(reader.snapshot().generation(), 1);
    // Run again: published.
    drop(writer);
    let mut writer =
        IndexWriter::open_storage(storage(&sw, "down", &dir.path().join("a"))).unwrap();
    let tx = breach(&writer, "Later", 2, 10);
    writer.commit(tx).unwrap();
    assert!(reader.reload().unwrap());
    assert_eq!(reader.snapshot().lookup(&key(2, 9)).len(), 1);
}

#[test]
fn wrong_credentials_and_a_missing_bucket_are_clear_errors() {
    let sw = started();
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = options(&sw, "x", dir.path());
    wrong.secret_access_key = Some("not-the-secret".into());
    let err = ObjectStorage::new(&wrong)
        .unwrap()
        .check_access()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("s3://lekradar/x"), "{text}");
    assert!(
        text.contains("SignatureDoesNotMatch") || text.contains("denied") || text.contains("403"),
        "{text}"
    );
    let mut missing = options(&sw, "x", dir.path());
    missing.url = "s3://no-such-bucket/x".into();
    let err = ObjectStorage::new(&missing)
        .unwrap()
        .check_access()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("no-such-bucket"), "{text}");
    let mut not_s3 = options(&sw, "x", dir.path());
    not_s3.url = "https://example.org/x".into();
    assert!(ObjectStorage::new(&not_s3).is_err());
    // An endpoint that speaks HTTP but not S3.
    let web = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = web.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in web.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 23\r\nconnection: close\r\n\r\n<html>a web page</html>",
            );
        }
    });
    let mut web_server = options(&sw, "x", dir.path());
    web_server.endpoint = Some(format!("http://127.0.0.1:{port}"));
    let err = ObjectStorage::new(&web_server)
        .unwrap()
        .check_access()
        .unwrap_err();
    assert!(err.to_string().contains("s3://lekradar/x"), "{err}");
}

#[test]
fn a_volume_server_killed_during_upload_and_serving_loses_nothing() {
    let mut sw = started();
    let dir = tempfile::tempdir().unwrap();
    let a = storage(&sw, "vol", &dir.path().join("a"));
    let mut writer = IndexWriter::open_storage(a).unwrap();
    let tx = breach(&writer, "Telco", 1, 200_000);
    writer.commit(tx).unwrap();

    // Killed while a large segment goes up in parts: the publish either
    // lands whole or fails clearly, leaving generation 1 in force.
    let tx = breach(&writer, "Scrape", 2, 3_000_000);
    let committed = std::thread::scope(|scope| {
        let upload = scope.spawn(|| writer.commit(tx).map(|m| m.generation));
        std::thread::sleep(Duration::from_millis(150));
        sw.kill_volume(1);
        upload.join().unwrap()
    });
    drop(writer);
    let reader = IndexReader::open_storage(storage(&sw, "vol", &dir.path().join("b")))
        .unwrap_or_else(|e| panic!("{e}\n{}", sw.logs()));
    match committed {
        Ok(generation) => {
            assert_eq!(generation, 2);
            assert_eq!(reader.snapshot().lookup(&key(2, 2_999_999)).len(), 1);
        }
        Err(e) => {
            eprintln!("publish during the kill failed: {e}");
            assert_eq!(reader.snapshot().generation(), 1);
            assert!(reader.snapshot().breach("Scrape").is_none());
            // Run again once the master has given up on the dead server.
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            loop {
                let mut writer =
                    IndexWriter::open_storage(storage(&sw, "vol", &dir.path().join("a"))).unwrap();
                let tx = breach(&writer, "Scrape", 2, 3_000_000);
                match writer.commit(tx) {
                    Ok(_) => break,
                    Err(e) => {
                        assert!(std::time::Instant::now() < deadline, "{e}\n{}", sw.logs());
                        std::thread::sleep(Duration::from_secs(2));
                    }
                }
            }
            assert!(reader.reload().unwrap());
        }
    }
    // Serving with a volume server down: every object has a second copy,
    // so a cold cache still loads the whole generation.
    let cold = IndexReader::open_storage(storage(&sw, "vol", &dir.path().join("c")))
        .unwrap_or_else(|e| panic!("{e}\n{}", sw.logs()));
    let snapshot = cold.snapshot();
    assert_eq!(snapshot.lookup(&key(1, 199_999)).len(), 1);
    assert_eq!(snapshot.lookup(&key(2, 0)).len(), 1);
    assert_eq!(snapshot.breach("Scrape").unwrap().entries(), 3_000_000);
}
