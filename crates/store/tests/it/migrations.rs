//! Schema migrations on both backends: applied once, recorded, verified on
//! every open; a newer or edited history is refused.

use lekradar_store::{Backend, Rate, Store, StoreError};
use sha2::{Digest as _, Sha256};

use crate::store_test;

/// Migrations this build ships (the files under `migrations/sqlite`).
fn known_migrations() -> i64 {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
    std::fs::read_dir(dir).unwrap().count() as i64
}

store_test!(opening_twice_is_idempotent, |db| async move {
    let first = db.open().await;
    let key = first
        .api_keys()
        .create("kept", Rate::new(1, 1).unwrap())
        .await
        .unwrap();
    let applied = "SELECT count(*) FROM schema_migrations";
    assert_eq!(db.query_i64(applied).await, known_migrations());
    let stamp =
        "SELECT count(DISTINCT CAST(applied_at AS TEXT)) FROM schema_migrations WHERE version = 1";
    assert_eq!(db.query_i64(stamp).await, 1);

    // A second store on the same database while the first is open, then a
    // third after both are gone: nothing is applied again, nothing is lost.
    let second = db.open().await;
    assert_eq!(
        second.api_keys().list().await.unwrap(),
        std::slice::from_ref(&key.info)
    );
    drop((first, second));
    let third = db.open().await;
    assert_eq!(
        third.api_keys().authenticate(&key.secret).await.unwrap(),
        Some(key.info)
    );
    assert_eq!(db.query_i64(applied).await, known_migrations());
    assert_eq!(
        db.query_i64("SELECT count(*) FROM schema_migrations WHERE length(checksum) = 64")
            .await,
        known_migrations()
    );
});

store_test!(concurrent_first_opens_migrate_once, |db| async move {
    let url = db.url();
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { Store::open(&url).await })
        })
        .collect();
    for open in opens {
        let store = open.await.unwrap().unwrap();
        store.ping().await.unwrap();
    }
    assert_eq!(
        db.query_i64("SELECT count(*) FROM schema_migrations").await,
        known_migrations()
    );
});

store_test!(an_edited_migration_is_refused, |db| async move {
    drop(db.open().await);
    db.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        .await;
    match Store::open(&db.url()).await {
        Err(err @ StoreError::MigrationChanged { version: 1, .. }) => {
            let text = err.to_string();
            assert!(text.contains("0001_api_keys"), "{text}");
            assert!(text.contains("never be edited"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    // With the checksum of the file as shipped it opens again: the refusal
    // was the edit, and the checksum is the file's SHA-256.
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite/0001_api_keys.sql"
    ));
    let text = match db.backend() {
        Backend::Sqlite => text,
        Backend::Postgres => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations/postgres/0001_api_keys.sql"
        )),
    };
    let checksum: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    db.execute(&format!(
        "UPDATE schema_migrations SET checksum = '{checksum}' WHERE version = 1"
    ))
    .await;
    db.open().await.ping().await.unwrap();
    // A renamed migration is refused like an edited one.
    db.execute("UPDATE schema_migrations SET name = 'renamed' WHERE version = 1")
        .await;
    assert!(matches!(
        Store::open(&db.url()).await,
        Err(StoreError::MigrationChanged { version: 1, .. })
    ));
});

store_test!(a_newer_database_is_refused, |db| async move {
    drop(db.open().await);
    db.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) \
         VALUES (9999, 'from_the_future', 'x', CURRENT_TIMESTAMP)",
    )
    .await;
    match Store::open(&db.url()).await {
        Err(err @ StoreError::SchemaTooNew { version: 9999, .. }) => {
            let text = err.to_string();
            assert!(text.contains("9999_from_the_future"), "{text}");
            assert!(text.contains("newer"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    // Refusing changed nothing.
    assert_eq!(
        db.query_i64("SELECT count(*) FROM schema_migrations").await,
        known_migrations() + 1
    );
});

store_test!(the_shipped_migrations_are_applied, |db| async move {
    drop(db.open().await);
    // This build ships fourteen: 0001_api_keys, 0002_rate_budgets, 0003_jobs,
    // 0004_subscriptions, 0005_subscription_mail_to, 0006_jobs_partial_indexes,
    // 0007_orgs, 0008_org_watchlists, 0009_org_api_keys, 0010_org_alerts,
    // 0011_org_passkeys, 0012_org_phone_confirmation, 0013_org_watch_matching,
    // 0014_index_catalog.
    assert_eq!(known_migrations(), 14);
    for (version, name) in [
        (1, "api_keys"),
        (2, "rate_budgets"),
        (3, "jobs"),
        (4, "subscriptions"),
        (5, "subscription_mail_to"),
        (6, "jobs_partial_indexes"),
        (7, "orgs"),
        (8, "org_watchlists"),
        (9, "org_api_keys"),
        (10, "org_alerts"),
        (11, "org_passkeys"),
        (12, "org_phone_confirmation"),
        (13, "org_watch_matching"),
        (14, "index_catalog"),
    ] {
        assert_eq!(
            db.query_i64(&format!(
                "SELECT count(*) FROM schema_migrations WHERE version = {version} AND name = '{name}'"
            ))
            .await,
            1,
            "{version:04}_{name}"
        );
    }
    // Their tables exist (and are empty).
    for table in ["api_keys", "rate_budgets", "jobs", "index_catalog"] {
        assert_eq!(
            db.query_i64(&format!("SELECT count(*) FROM {table}")).await,
            0
        );
    }
});
