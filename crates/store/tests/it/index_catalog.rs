//! The index catalog on both backends: the first publish inserts, each
//! next one swaps only from the generation it expected (two writers racing
//! from one generation: exactly one wins), adopting an index keeps what is
//! recorded, indexes are independent; and on PostgreSQL one writer lock per
//! index, released when its holder lets go.

use lekradar_store::{Backend, IndexHead};

use crate::store_test;

fn head(generation: u64, manifest: &str) -> IndexHead {
    IndexHead {
        generation,
        manifest: manifest.to_owned(),
    }
}

store_test!(
    publishes_swap_only_from_the_expected_generation,
    |db| async move {
        let store = db.open().await;
        let catalog = store.index_catalog();
        let here = "s3://bucket/a";
        assert_eq!(catalog.current(here).await.unwrap(), None);
        assert!(catalog
            .swap(here, 0, head(1, "manifests/1-a"))
            .await
            .unwrap());
        // A second "first publish" loses.
        assert!(!catalog
            .swap(here, 0, head(1, "manifests/1-b"))
            .await
            .unwrap());
        assert_eq!(
            catalog.current(here).await.unwrap(),
            Some(head(1, "manifests/1-a"))
        );
        // Two writers that both read generation 1: one wins, the other changes nothing.
        assert!(catalog
            .swap(here, 1, head(2, "manifests/2-a"))
            .await
            .unwrap());
        assert!(!catalog
            .swap(here, 1, head(2, "manifests/2-b"))
            .await
            .unwrap());
        assert_eq!(
            catalog.current(here).await.unwrap(),
            Some(head(2, "manifests/2-a"))
        );
        // Another index is independent.
        assert_eq!(catalog.current("s3://bucket/b").await.unwrap(), None);
        // Adopting keeps what is recorded; on an empty location it records.
        assert_eq!(
            catalog.adopt(here, head(9, "manifests/9")).await.unwrap(),
            head(2, "manifests/2-a")
        );
        assert_eq!(
            catalog
                .adopt("s3://bucket/b", head(9, "manifests/9"))
                .await
                .unwrap(),
            head(9, "manifests/9")
        );
        // Concurrent swaps from one generation through two handles (two
        // machines): exactly one wins.
        let other = db.open().await;
        let (mine, theirs) = (store.index_catalog(), other.index_catalog());
        let (a, b) = tokio::join!(
            mine.swap(here, 2, head(3, "x")),
            theirs.swap(here, 2, head(3, "y")),
        );
        assert!(
            a.unwrap() ^ b.unwrap(),
            "exactly one of two racing publishes wins"
        );
    }
);

store_test!(one_writer_lock_per_index, |db| async move {
    let store = db.open().await;
    let catalog = store.index_catalog();
    if db.backend() == Backend::Sqlite {
        let err = catalog.lock("s3://bucket/a").await.unwrap_err();
        assert!(err.to_string().contains("needs PostgreSQL"), "{err}");
        return;
    }
    let other = db.open().await;
    let first = catalog.lock("s3://bucket/a").await.unwrap();
    assert!(first.is_some());
    assert!(other
        .index_catalog()
        .lock("s3://bucket/a")
        .await
        .unwrap()
        .is_none());
    // Another index's lock is free.
    let b = other.index_catalog().lock("s3://bucket/b").await.unwrap();
    assert!(b.is_some());
    drop(first);
    // The session ends asynchronously: the lock is free within moments.
    let mut again = None;
    for _ in 0..100 {
        again = other.index_catalog().lock("s3://bucket/a").await.unwrap();
        if again.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        again.is_some(),
        "the lock was not released when its holder let go"
    );
});
