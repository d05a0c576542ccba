//! `Store::transaction` and `Store::run` on both backends: statements of
//! several resources commit together or not at all; `run` commits each
//! statement by itself; a SQLite body that awaits something other than the
//! database fails and rolls back; a panicking body leaves nothing behind.

use lekradar_store::jobs::{self, now_us};
use lekradar_store::{api_keys, budgets, Backend, Draw, JobState, NewJob, Rate, StoreError};

use crate::store_test;

fn rate(text: &str) -> Rate {
    text.parse().unwrap()
}

store_test!(a_transaction_commits_across_resources, |db| async move {
    let store = db.open().await;
    let (key, job, draw) = store
        .transaction(|c| {
            Box::pin(async move {
                let key = api_keys::create(c, "tx-key", rate("60/min")).await?;
                let job = jobs::enqueue(
                    c,
                    &NewJob::new("welcome", key.info.id.to_be_bytes().to_vec())
                        .dedup_key("welcome-tx-key"),
                )
                .await?;
                let draw = budgets::draw_at(c, "signup", rate("1/h"), now_us()).await?;
                // The transaction sees its own writes.
                assert_eq!(api_keys::list(c).await?, std::slice::from_ref(&key.info));
                assert_eq!(jobs::list(c, None, None, 10).await?.len(), 1);
                Ok((key, job, draw))
            })
        })
        .await
        .unwrap();
    assert_eq!(draw, Draw::Allowed);
    let job = job.unwrap();
    assert_eq!(
        store.api_keys().authenticate(&key.secret).await.unwrap(),
        Some(key.info.clone())
    );
    let listed = store.jobs().list(None, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, listed[0].kind.as_str(), listed[0].state),
        (job, "welcome", JobState::Queued)
    );
    assert!(matches!(
        store
            .budgets()
            .draw_at("signup", rate("1/h"), now_us())
            .await
            .unwrap(),
        Draw::Denied { .. }
    ));
});

store_test!(
    a_failed_transaction_rolls_back_across_resources,
    |db| async move {
        let store = db.open().await;
        let result: Result<(), StoreError> = store
            .transaction(|c| {
                Box::pin(async move {
                    api_keys::create(c, "tx-key", rate("60/min")).await?;
                    let job =
                        jobs::enqueue(c, &NewJob::new("welcome", Vec::new()).dedup_key("once"))
                            .await?;
                    assert!(job.is_some());
                    budgets::draw_at(c, "signup", rate("1/h"), now_us()).await?;
                    Err(StoreError::NotFound {
                        key: "the body's own error".to_owned(),
                    })
                })
            })
            .await;
        match result {
            Err(StoreError::NotFound { key }) => assert_eq!(key, "the body's own error"),
            other => panic!("{other:?}"),
        }
        // Nothing of it is visible.
        assert!(store.api_keys().list().await.unwrap().is_empty());
        assert!(store.jobs().list(None, 10).await.unwrap().is_empty());
        assert_eq!(db.query_i64("SELECT count(*) FROM rate_budgets").await, 0);
        // The name and the dedup key are free again, the budget is full.
        store
            .api_keys()
            .create("tx-key", rate("60/min"))
            .await
            .unwrap();
        assert!(store
            .jobs()
            .enqueue(NewJob::new("welcome", Vec::new()).dedup_key("once"))
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            store
                .budgets()
                .draw_at("signup", rate("1/h"), now_us())
                .await
                .unwrap(),
            Draw::Allowed
        );
    }
);

store_test!(
    a_failed_statement_rolls_back_the_transaction,
    |db| async move {
        let store = db.open().await;
        store.api_keys().create("taken", rate("1/s")).await.unwrap();
        let result = store
            .transaction(|c| {
                Box::pin(async move {
                    jobs::enqueue(c, &NewJob::new("welcome", Vec::new())).await?;
                    api_keys::create(c, "fresh", rate("1/s")).await?;
                    // Refused by the database (a unique violation, which on
                    // PostgreSQL also aborts the transaction).
                    api_keys::create(c, "taken", rate("1/s")).await?;
                    Ok(())
                })
            })
            .await;
        assert!(
            matches!(result, Err(StoreError::AlreadyExists { ref name }) if name == "taken"),
            "{result:?}"
        );
        assert!(store.jobs().list(None, 10).await.unwrap().is_empty());
        let names: Vec<String> = store
            .api_keys()
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert_eq!(names, ["taken"]);
        // The connection is usable again, in and out of transactions.
        for _ in 0..20 {
            store
                .transaction(|c| Box::pin(async move { api_keys::list(c).await.map(drop) }))
                .await
                .unwrap();
        }
        store.api_keys().create("fresh", rate("1/s")).await.unwrap();
    }
);

store_test!(run_commits_each_statement_by_itself, |db| async move {
    let store = db.open().await;
    let result: Result<(), StoreError> = store
        .run(|c| {
            Box::pin(async move {
                api_keys::create(c, "kept", rate("1/s")).await?;
                jobs::enqueue(c, &NewJob::new("kept", Vec::new())).await?;
                Err(StoreError::NotFound {
                    key: "after two statements".to_owned(),
                })
            })
        })
        .await;
    assert!(matches!(result, Err(StoreError::NotFound { .. })));
    // Not a transaction: what ran before the error stays.
    assert_eq!(store.api_keys().list().await.unwrap().len(), 1);
    assert_eq!(store.jobs().list(None, 10).await.unwrap().len(), 1);
});

store_test!(awaiting_something_else_in_a_transaction, |db| async move {
    let store = db.open().await;
    let result = store
        .transaction(|c| {
            Box::pin(async move {
                api_keys::create(c, "awaits", rate("1/s")).await?;
                jobs::enqueue(c, &NewJob::new("welcome", Vec::new())).await?;
                // Not the database: fine on PostgreSQL, a bug on SQLite.
                tokio::task::yield_now().await;
                Ok(())
            })
        })
        .await;
    let keys = store.api_keys().list().await.unwrap();
    let jobs = store.jobs().list(None, 10).await.unwrap();
    match db.backend() {
        Backend::Sqlite => {
            match result {
                Err(err @ StoreError::Awaited) => {
                    assert!(err.to_string().contains("rolled back"), "{err}")
                }
                other => panic!("{other:?}"),
            }
            assert!(keys.is_empty(), "{keys:?}");
            assert!(jobs.is_empty(), "{jobs:?}");
            // The name is free: nothing was left behind.
            store
                .api_keys()
                .create("awaits", rate("1/s"))
                .await
                .unwrap();
        }
        Backend::Postgres => {
            result.unwrap();
            assert_eq!(keys.len(), 1);
            assert_eq!(jobs.len(), 1);
        }
    }
    // The store works on, in transactions too.
    store
        .transaction(|c| {
            Box::pin(async move {
                jobs::enqueue(c, &NewJob::new("after", Vec::new())).await?;
                Ok(())
            })
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .jobs()
            .list(None, 10)
            .await
            .unwrap()
            .iter()
            .filter(|j| j.kind == "after")
            .count(),
        1
    );
});

store_test!(a_panicking_transaction_leaves_nothing, |db| async move {
    let store = db.open().await;
    let for_task = store.clone();
    let outcome = tokio::spawn(async move {
        for_task
            .transaction(|c| {
                Box::pin(async move {
                    api_keys::create(c, "doomed", rate("1/s")).await?;
                    jobs::enqueue(c, &NewJob::new("doomed", Vec::new())).await?;
                    panic!("the body panics (on purpose, in a test)");
                    #[allow(unreachable_code)]
                    Ok(())
                })
            })
            .await
    })
    .await;
    match db.backend() {
        // The body ran on the blocking pool: the store reports it.
        Backend::Sqlite => assert!(
            matches!(outcome, Ok(Err(StoreError::TaskFailed))),
            "{outcome:?}"
        ),
        // The body ran in the caller's task: the panic reaches it.
        Backend::Postgres => assert!(outcome.unwrap_err().is_panic()),
    }
    // Another store on the database (another server, the command line) can
    // write at once: the panic did not leave the transaction open, holding
    // the lock, until the panicking store's next use.
    let other = db.open().await;
    assert!(other.api_keys().list().await.unwrap().is_empty());
    assert!(other.jobs().list(None, 10).await.unwrap().is_empty());
    other
        .api_keys()
        .create("doomed", rate("1/s"))
        .await
        .unwrap();
    // And the store whose body panicked works on.
    assert_eq!(store.api_keys().list().await.unwrap().len(), 1);
    assert!(store.jobs().list(None, 10).await.unwrap().is_empty());
});
