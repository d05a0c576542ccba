//! Shared rate budgets on both backends (GCRA): a budget of n per period
//! allows n at once, then refuses with the right wait until time passes;
//! budgets are independent; two store handles (two servers) share one; and
//! idle budgets are forgotten.

use std::time::Duration;

use lekradar_store::{Draw, Rate};

use crate::store_test;

const T0: i64 = 1_800_000_000_000_000;

fn rate(text: &str) -> Rate {
    text.parse().unwrap()
}

store_test!(a_budget_allows_its_burst_then_waits, |db| async move {
    let store = db.open().await;
    for _ in 0..3 {
        assert_eq!(
            store
                .budgets()
                .draw_at("addr:a", rate("3/min"), T0)
                .await
                .unwrap(),
            Draw::Allowed
        );
    }
    match store
        .budgets()
        .draw_at("addr:a", rate("3/min"), T0)
        .await
        .unwrap()
    {
        // One unit comes back every 20 s.
        Draw::Denied { retry_after } => assert_eq!(retry_after, Duration::from_secs(20)),
        Draw::Allowed => panic!("a fourth draw was allowed"),
    }
    // 19 s later still refused, 20 s later one more.
    assert!(matches!(
        store
            .budgets()
            .draw_at("addr:a", rate("3/min"), T0 + 19_000_000)
            .await
            .unwrap(),
        Draw::Denied { .. }
    ));
    assert_eq!(
        store
            .budgets()
            .draw_at("addr:a", rate("3/min"), T0 + 20_000_000)
            .await
            .unwrap(),
        Draw::Allowed
    );
    assert!(matches!(
        store
            .budgets()
            .draw_at("addr:a", rate("3/min"), T0 + 20_000_000)
            .await
            .unwrap(),
        Draw::Denied { .. }
    ));
    // A minute of quiet refills the whole burst.
    for _ in 0..3 {
        assert_eq!(
            store
                .budgets()
                .draw_at("addr:a", rate("3/min"), T0 + 90_000_000)
                .await
                .unwrap(),
            Draw::Allowed
        );
    }
    // Another budget is untouched.
    assert_eq!(
        store
            .budgets()
            .draw_at("addr:b", rate("3/min"), T0)
            .await
            .unwrap(),
        Draw::Allowed
    );
});

store_test!(two_servers_share_one_budget, |db| async move {
    let one = db.open().await;
    let two = db.open().await;
    let mut allowed = 0;
    for i in 0..10 {
        let store = if i % 2 == 0 { &one } else { &two };
        if store
            .budgets()
            .draw_at("global", rate("4/h"), T0 + i)
            .await
            .unwrap()
            == Draw::Allowed
        {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 4);
});

store_test!(concurrent_draws_never_exceed_the_budget, |db| async move {
    let store = db.open().await;
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .budgets()
                    .draw_at("global", rate("10/h"), T0)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut allowed = 0;
    for t in tasks {
        if t.await.unwrap() == Draw::Allowed {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 10);
});

store_test!(idle_budgets_are_forgotten, |db| async move {
    let store = db.open().await;
    // A budget last used long ago.
    store
        .budgets()
        .draw_at("addr:old", rate("1/s"), 1_000_000)
        .await
        .unwrap();
    store.budgets().draw("addr:new", rate("1/s")).await.unwrap();
    assert_eq!(store.budgets().forget_idle().await.unwrap(), 1);
    assert_eq!(db.query_i64("SELECT count(*) FROM rate_budgets").await, 1);
});
