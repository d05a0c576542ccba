//! API keys on both backends: create, list, revoke, authenticate; what is
//! refused; and that no secret is ever stored.

use std::collections::HashSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::Utc;
use lekradar_store::{Rate, StoreError, SECRET_LEN};

use crate::{contains, store_test};

fn rate(text: &str) -> Rate {
    text.parse().unwrap()
}

store_test!(backend_and_ping, |db| async move {
    let store = db.open().await;
    assert_eq!(store.backend(), db.backend());
    store.ping().await.unwrap();
    let debug = format!("{store:?}");
    assert!(debug.contains(&db.backend().to_string()), "{debug}");
});

store_test!(creates_and_authenticates, |db| async move {
    let store = db.open().await;
    let before = Utc::now();
    let key = store
        .api_keys()
        .create("partner-1", rate("60/min"))
        .await
        .unwrap();
    let after = Utc::now();

    let secret = &key.secret;
    assert_eq!(secret.len(), SECRET_LEN);
    let body = secret.strip_prefix("lkr_").unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(body).unwrap().len(), 32);
    assert_eq!(key.info.prefix, secret[..12]);
    assert_eq!(key.info.name, "partner-1");
    assert_eq!(key.info.rate, Rate::new(60, 60).unwrap());
    assert!(key.info.id > 0);
    assert!(key.info.revoked_at.is_none());
    // Microsecond precision, as stored.
    let slack = chrono::Duration::microseconds(1);
    assert!(before - slack <= key.info.created_at && key.info.created_at <= after);

    let found = store.api_keys().authenticate(secret).await.unwrap();
    assert_eq!(found.as_ref(), Some(&key.info));
    assert_eq!(
        store.api_keys().list().await.unwrap(),
        std::slice::from_ref(&key.info)
    );
});

store_test!(lists_keys_in_id_order, |db| async move {
    let store = db.open().await;
    assert!(store.api_keys().list().await.unwrap().is_empty());
    let names = ["zeta", "alpha", "Mid.dle_9"];
    let mut created = Vec::new();
    for (name, r) in names.iter().zip(["10/s", "1000/h", "5000/day"]) {
        created.push(store.api_keys().create(name, rate(r)).await.unwrap().info);
    }
    let listed = store.api_keys().list().await.unwrap();
    assert_eq!(listed, created);
    assert!(listed.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(
        listed.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        names
    );
    assert_eq!(
        listed
            .iter()
            .map(|k| k.rate.to_string())
            .collect::<Vec<_>>(),
        ["10/s", "1000/h", "5000/day"]
    );
});

store_test!(revokes_by_id_and_by_name, |db| async move {
    let store = db.open().await;
    let a = store.api_keys().create("a", rate("1/s")).await.unwrap();
    let b = store.api_keys().create("b", rate("1/s")).await.unwrap();
    let c = store.api_keys().create("c", rate("1/s")).await.unwrap();

    let revoked = store
        .api_keys()
        .revoke(&a.info.id.to_string())
        .await
        .unwrap();
    assert_eq!(revoked.id, a.info.id);
    assert!(revoked.revoked_at.is_some());
    assert!(revoked.revoked_at.unwrap() >= revoked.created_at);
    let revoked_b = store.api_keys().revoke("b").await.unwrap();
    assert_eq!(revoked_b.id, b.info.id);

    assert_eq!(
        store.api_keys().authenticate(&a.secret).await.unwrap(),
        None
    );
    assert_eq!(
        store.api_keys().authenticate(&b.secret).await.unwrap(),
        None
    );
    assert_eq!(
        store.api_keys().authenticate(&c.secret).await.unwrap(),
        Some(c.info.clone())
    );

    let listed = store.api_keys().list().await.unwrap();
    assert_eq!(listed.len(), 3, "revoked keys stay listed");
    assert_eq!(listed[0], revoked);
    assert_eq!(listed[1], revoked_b);
    assert_eq!(listed[2], c.info);
});

store_test!(revoking_twice_keeps_the_first_time, |db| async move {
    let store = db.open().await;
    let key = store
        .api_keys()
        .create("twice", rate("5/min"))
        .await
        .unwrap();
    let first = store.api_keys().revoke("twice").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = store
        .api_keys()
        .revoke(&key.info.id.to_string())
        .await
        .unwrap();
    assert!(first.revoked_at.is_some());
    assert_eq!(second.revoked_at, first.revoked_at);
    assert_eq!(store.api_keys().list().await.unwrap(), [first]);
});

store_test!(revoking_an_unknown_key_is_not_found, |db| async move {
    let store = db.open().await;
    let key = store
        .api_keys()
        .create("known", rate("5/min"))
        .await
        .unwrap();
    let missing_id = (key.info.id + 1000).to_string();
    for id_or_name in [
        "unknown",
        missing_id.as_str(),
        "99999999999999999999999",
        "",
        "Known",
    ] {
        match store.api_keys().revoke(id_or_name).await {
            Err(err @ StoreError::NotFound { .. }) => {
                let text = err.to_string();
                assert!(text.contains("no API key"), "{text}");
                assert!(text.contains(id_or_name), "{text}");
            }
            other => panic!("{id_or_name:?}: {other:?}"),
        }
    }
    assert_eq!(
        store.api_keys().authenticate(&key.secret).await.unwrap(),
        Some(key.info)
    );
});

store_test!(
    unknown_revoked_and_garbage_secrets_are_none,
    |db| async move {
        let store = db.open().await;
        let key = store
            .api_keys()
            .create("real", rate("60/min"))
            .await
            .unwrap();
        let secret = key.secret.clone();

        let mut flipped = secret.clone().into_bytes();
        flipped[20] = if flipped[20] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        let other_random = format!("lkr_{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()));
        let garbage = [
            String::new(),
            "lkr_".into(),
            "lkr".into(),
            other_random,
            flipped,
            secret.to_uppercase(),
            format!("{secret} "),
            format!(" {secret}"),
            format!("{secret}A"),
            secret[..SECRET_LEN - 1].to_owned(),
            format!("Bearer {secret}"),
            secret.replace("lkr_", "lkx_"),
            format!("lkr_{}", "!".repeat(43)),
            format!("lkr_{}", "é".repeat(21)),
            format!("lkr_{}\0", &secret[4..46]),
            "'; DROP TABLE api_keys; --".into(),
            "x".repeat(1_000_000),
            key.info.prefix.clone(),
        ];
        for text in &garbage {
            assert_eq!(
                store.api_keys().authenticate(text).await.unwrap(),
                None,
                "{:?}",
                &text[..text.len().min(60)]
            );
        }
        // The real one still works (the garbage did no harm) until revoked.
        assert!(store
            .api_keys()
            .authenticate(&secret)
            .await
            .unwrap()
            .is_some());
        store.api_keys().revoke("real").await.unwrap();
        assert_eq!(store.api_keys().authenticate(&secret).await.unwrap(), None);
        assert_eq!(store.api_keys().list().await.unwrap().len(), 1);
    }
);

store_test!(duplicate_names_are_refused, |db| async move {
    let store = db.open().await;
    let first = store
        .api_keys()
        .create("dup", rate("60/min"))
        .await
        .unwrap();
    match store.api_keys().create("dup", rate("10/s")).await {
        Err(err @ StoreError::AlreadyExists { .. }) => {
            let text = err.to_string();
            assert!(
                text.contains("\"dup\"") && text.contains("already exists"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    store.api_keys().revoke("dup").await.unwrap();
    assert!(matches!(
        store.api_keys().create("dup", rate("10/s")).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    // Names are case-sensitive.
    store.api_keys().create("DUP", rate("10/s")).await.unwrap();
    let listed = store.api_keys().list().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, first.info.id);
});

store_test!(invalid_names_and_rates_are_refused, |db| async move {
    let store = db.open().await;
    let long = "n".repeat(65);
    for name in [
        "",
        long.as_str(),
        "a b",
        "caf\u{e9}",
        "a/b",
        "a:b",
        "123",
        "0",
        "x\0",
    ] {
        match store.api_keys().create(name, rate("1/s")).await {
            Err(err @ StoreError::InvalidName { .. }) => {
                assert!(err.to_string().starts_with("invalid API key name"), "{err}");
            }
            other => panic!("{name:?}: {other:?}"),
        }
    }
    for rate in [
        Rate {
            count: 0,
            period_secs: 60,
        },
        Rate {
            count: 1,
            period_secs: 0,
        },
        Rate {
            count: 1,
            period_secs: 86_401,
        },
        Rate {
            count: 1_000_000_001,
            period_secs: 1,
        },
    ] {
        assert!(
            matches!(
                store.api_keys().create("fine", rate).await,
                Err(StoreError::InvalidRate(_))
            ),
            "{rate:?}"
        );
    }
    assert!(store.api_keys().list().await.unwrap().is_empty());

    let max = "n".repeat(64);
    for name in [max.as_str(), "a.b-c_D9", "1a", "-", "."] {
        store.api_keys().create(name, rate("1/s")).await.unwrap();
    }
    let keys = store.api_keys();
    let extremes = keys.create("extremes", Rate::new(1_000_000_000, 86_400).unwrap());
    assert_eq!(
        extremes.await.unwrap().info.rate,
        Rate::new(1_000_000_000, 86_400).unwrap()
    );
    assert_eq!(store.api_keys().list().await.unwrap().len(), 6);
});

store_test!(secrets_are_distinct, |db| async move {
    let store = db.open().await;
    let mut secrets = HashSet::new();
    let mut prefixes = HashSet::new();
    for i in 0..20 {
        let key = store
            .api_keys()
            .create(&format!("k{i}"), rate("1/s"))
            .await
            .unwrap();
        assert!(secrets.insert(key.secret.clone()));
        assert!(prefixes.insert(key.info.prefix.clone()));
        assert_eq!(
            store
                .api_keys()
                .authenticate(&key.secret)
                .await
                .unwrap()
                .unwrap()
                .name,
            format!("k{i}")
        );
    }
});

store_test!(secrets_are_never_stored, |db| async move {
    let store = db.open().await;
    let key = store
        .api_keys()
        .create("stored-key-name", rate("60/min"))
        .await
        .unwrap();
    let secret = key.secret.clone();
    let raw = URL_SAFE_NO_PAD.decode(&secret[4..]).unwrap();
    let hidden = &secret[12..]; // all of the secret but the display prefix

    let check = |bytes: &[u8]| {
        // The search works: what should be there is found.
        assert!(contains(bytes, b"stored-key-name"));
        assert!(contains(bytes, key.info.prefix.as_bytes()));
        assert!(!contains(bytes, secret.as_bytes()));
        assert!(!contains(bytes, hidden.as_bytes()));
        assert!(!contains(bytes, &raw));
    };
    check(&db.stored_bytes().await);
    // Also after more writes and once the store is closed (SQLite then
    // folds its WAL into the main file).
    store.api_keys().revoke("stored-key-name").await.unwrap();
    assert_eq!(store.api_keys().authenticate(&secret).await.unwrap(), None);
    drop(store);
    check(&db.stored_bytes().await);

    // Nor in what the API shows.
    assert!(!format!("{key:?}").contains(hidden));
    assert!(!format!("{:?}", key.info).contains(hidden));
});

store_test!(keys_survive_reopening, |db| async move {
    let key = {
        let store = db.open().await;
        store
            .api_keys()
            .create("durable", rate("7/h"))
            .await
            .unwrap()
    };
    let store = db.open().await;
    assert_eq!(
        store.api_keys().authenticate(&key.secret).await.unwrap(),
        Some(key.info.clone())
    );
    let next = store.api_keys().create("next", rate("7/h")).await.unwrap();
    assert!(next.info.id > key.info.id);
});

store_test!(clones_share_the_store_across_tasks, |db| async move {
    let store = db.open().await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let key = store
                .api_keys()
                .create(&format!("t{i}"), rate("1/s"))
                .await
                .unwrap();
            assert!(store
                .api_keys()
                .authenticate(&key.secret)
                .await
                .unwrap()
                .is_some());
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(store.api_keys().list().await.unwrap().len(), 8);
});
