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
        mail_to: None,
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

store_test!(
    a_phone_subscriptions_mail_to_is_confirmed_once_or_forgotten,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        let minute = 60_000_000;
        let phone = move |output: u8, secret: u8, mail_secret: u8| NewSubscription {
            kind: SubscriptionKind::Phone,
            mail_to: Some(vec![mail_secret; 48]),
            ..new(output, secret, now + minute)
        };
        let (linked, again, forgotten, kept) = store
            .transaction(move |c| {
                Box::pin(async move {
                    let mut ids = Vec::new();
                    for (output, secret) in [(7u8, 70u8), (8, 80)] {
                        let Requested::Created(id) =
                            subs::request(c, &phone(output, secret, output), minute, now).await?
                        else {
                            panic!("not created");
                        };
                        let sub = subs::confirm(c, &[secret; 32], now).await?.unwrap();
                        assert_eq!(sub.mail_to.as_deref(), Some(&[output; 48][..]));
                        assert!(!sub.mail_to_confirmed, "not before its link is followed");
                        // The link to the address: 71 for the first, 81 for the second.
                        assert!(
                            subs::set_mail_to_secret(c, id, &[secret + 1; 32], now + minute)
                                .await?
                        );
                        ids.push(id);
                    }
                    // A token that is not the link's confirms nothing.
                    assert!(subs::confirm_mail_to(c, &[99; 32], now).await?.is_none());
                    let linked = subs::confirm_mail_to(c, &[71; 32], now + 1).await?;
                    // Single use.
                    let again = subs::confirm_mail_to(c, &[71; 32], now + 2).await?;
                    // The second link expires unfollowed: its address is forgotten,
                    // the subscription stays (alerts by SMS).
                    subs::delete_expired(c, now + 2 * minute).await?;
                    let forgotten = subs::get(c, ids[1]).await?.unwrap();
                    assert!(subs::confirm_mail_to(c, &[81; 32], now + 1)
                        .await?
                        .is_none());
                    let kept = subs::get(c, ids[0]).await?.unwrap();
                    Ok((linked, again, forgotten, kept))
                })
            })
            .await
            .unwrap();
        let linked = linked.expect("the link confirms the address");
        assert!(linked.mail_to_confirmed);
        assert!(again.is_none());
        assert!(forgotten.active && forgotten.mail_to.is_none() && !forgotten.mail_to_confirmed);
        assert!(
            kept.active && kept.mail_to_confirmed,
            "a confirmed address is kept"
        );
    }
);
