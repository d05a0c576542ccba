//! Subscriptions on both backends: requests renewed or throttled, single-use
//! confirmation, the alert ledger, matching pages, deletion with the ledger,
//! expiry of unconfirmed rows, opt-outs.

use lekradar_store::jobs::now_us;
use lekradar_store::subscriptions::{
    self as subs, NewSubscription, Purpose, Requested, SubscriptionKind,
};

use crate::store_test;

fn new(output: u8, secret: u8, expires_at_us: i64) -> NewSubscription {
    NewSubscription {
        kind: SubscriptionKind::Email,
        purpose: Purpose::Alerts,
        prf_output: vec![output; 64],
        bucket: 0x00ab_cdef,
        contact: vec![0xee; 40],
        lang: "fr".into(),
        secret_hash: vec![secret; 32],
        expires_at_us,
    }
}

store_test!(
    a_subscription_is_requested_confirmed_once_and_deleted_with_its_ledger,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        let minute = 60_000_000;
        let (created, throttled, renewed, wrong, confirmed, again) = store
            .transaction(move |c| {
                Box::pin(async move {
                    let created = subs::request(c, &new(1, 1, now + minute), minute, now).await?;
                    let throttled =
                        subs::request(c, &new(1, 2, now + minute), minute, now + 10).await?;
                    let renewed =
                        subs::request(c, &new(1, 3, now + 3 * minute), minute, now + 2 * minute)
                            .await?;
                    // The first secret was replaced by the renewal.
                    let wrong = subs::confirm(c, &[1; 32], now + 2 * minute).await?;
                    let confirmed = subs::confirm(c, &[3; 32], now + 2 * minute).await?;
                    let again = subs::confirm(c, &[3; 32], now + 2 * minute).await?;
                    Ok((created, throttled, renewed, wrong, confirmed, again))
                })
            })
            .await
            .unwrap();
        let Requested::Created(id) = created else {
            panic!("{created:?}")
        };
        assert_eq!(throttled, Requested::Throttled);
        assert_eq!(renewed, Requested::Renewed(id));
        assert!(wrong.is_none());
        let sub = confirmed.expect("confirmed");
        assert!(sub.active && sub.id == id && sub.lang == "fr" && sub.bucket == 0x00ab_cdef);
        assert!(again.is_none(), "a secret works once");
        let (first, second, page, active) = store
            .transaction(move |c| {
                Box::pin(async move {
                    let first = subs::ledger_insert(c, id, "Telco", now).await?;
                    let second = subs::ledger_insert(c, id, "Telco", now).await?;
                    let page = subs::active_page(c, 0, 10).await?;
                    let active =
                        subs::request(c, &new(1, 9, now + minute), minute, now + 10 * minute)
                            .await?;
                    Ok((first, second, page, active))
                })
            })
            .await
            .unwrap();
        assert!(
            first && !second,
            "one ledger row per subscription and breach"
        );
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].prf_output, vec![1; 64]);
        assert_eq!(active, Requested::AlreadyActive(id));
        assert!(store.subscriptions().delete(id).await.unwrap());
        assert!(store.subscriptions().get(id).await.unwrap().is_none());
        let reinserted = store
            .transaction(move |c| {
                Box::pin(async move { subs::ledger_insert(c, id, "Telco", now).await })
            })
            .await;
        assert!(reinserted.is_err(), "the ledger went with the subscription");
    }
);

store_test!(
    unconfirmed_requests_expire_and_opt_outs_are_kept_once,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    subs::request(c, &new(2, 2, now + 1_000), 0, now).await?;
                    subs::request(c, &new(3, 3, now + 10_000_000), 0, now).await?;
                    Ok(())
                })
            })
            .await
            .unwrap();
        assert_eq!(
            store
                .subscriptions()
                .delete_expired(now + 5_000)
                .await
                .unwrap(),
            1
        );
        let late = store
            .transaction(move |c| {
                Box::pin(async move { subs::confirm(c, &[2; 32], now + 2_000).await })
            })
            .await
            .unwrap();
        assert!(late.is_none(), "an expired request cannot be confirmed");
        assert!(store
            .subscriptions()
            .active_page(0, 10)
            .await
            .unwrap()
            .is_empty());
        let (first, second) = store
            .transaction(move |c| {
                Box::pin(async move {
                    Ok((
                        subs::opt_out(c, &[4; 64], 7, now).await?,
                        subs::opt_out(c, &[4; 64], 7, now).await?,
                    ))
                })
            })
            .await
            .unwrap();
        assert!(first && !second);
        assert_eq!(
            store.subscriptions().opt_outs().await.unwrap(),
            vec![(vec![4u8; 64], 7)]
        );
    }
);
