//! Organisations on both backends: links work once and not after expiry,
//! sessions end, memberships are per organisation, domains move between
//! their states, the audit log is purged by age, and deleting an
//! organisation takes everything it holds.

use lekradar_store::jobs::now_us;
use lekradar_store::orgs::{
    self as db, AuditRow, CodeTry, DomainMethod, DomainState, Link, LinkPurpose, NewWatch,
    PhoneRule, Role, WatchKind,
};

use crate::store_test;

fn link(hash: u8, purpose: LinkPurpose, org: Option<i64>, expires_at_us: i64) -> Link {
    Link {
        token_hash: vec![hash; 32],
        purpose,
        address_key: vec![hash; 32],
        address: vec![0xee; 40],
        lang: "nl".into(),
        org,
        role: org.map(|_| Role::Viewer),
        domain: None,
        expires_at_us,
    }
}

fn entry(at_us: i64, action: &str) -> AuditRow {
    AuditRow {
        at_us,
        actor: Some(vec![1; 40]),
        action: action.into(),
        subject: None,
        detail: String::new(),
    }
}

store_test!(
    a_link_works_once_and_not_after_it_expired,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        let (first, again, expired, recent, old) = store
            .transaction(move |c| {
                Box::pin(async move {
                    db::insert_link(c, &link(1, LinkPurpose::SignIn, None, now + 1000), now)
                        .await?;
                    db::insert_link(c, &link(2, LinkPurpose::SignIn, None, now - 1), now - 10)
                        .await?;
                    let first = db::take_link(c, &[1; 32], now).await?;
                    let again = db::take_link(c, &[1; 32], now).await?;
                    let expired = db::take_link(c, &[2; 32], now).await?;
                    let recent =
                        db::link_sent_since(c, &[1; 32], LinkPurpose::SignIn, now - 5).await?;
                    let old = db::link_sent_since(c, &[3; 32], LinkPurpose::SignIn, 0).await?;
                    Ok((first, again, expired, recent, old))
                })
            })
            .await
            .unwrap();
        let first = first.expect("the link works");
        assert_eq!(first.purpose, LinkPurpose::SignIn);
        assert_eq!(first.lang, "nl");
        assert!(again.is_none(), "a link works once");
        assert!(expired.is_none(), "an expired link does not work");
        // Taking a link deletes it, so it no longer counts as recently sent.
        assert!(!recent && !old);
        assert_eq!(db.query_i64("SELECT count(*) FROM org_links").await, 0);
    }
);

store_test!(
    sessions_end_alone_everywhere_or_when_expired,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        let (found, gone, others) = store
            .transaction(move |c| {
                Box::pin(async move {
                    let p = db::person_for(c, &[7; 32], &[0xaa; 40], "en", now).await?;
                    let same = db::person_for(c, &[7; 32], &[0xbb; 40], "fr", now).await?;
                    assert_eq!(p.id, same.id, "one person per address");
                    assert_eq!(same.address, vec![0xaa; 40], "the first address stays");
                    for h in 1..=3u8 {
                        db::insert_session(c, &[h; 32], p.id, now, now + 1000).await?;
                    }
                    db::insert_session(c, &[9; 32], p.id, now - 10, now - 1).await?;
                    let found = db::session(c, &[1; 32]).await?;
                    db::delete_session(c, &[1; 32]).await?;
                    let gone = db::session(c, &[1; 32]).await?;
                    let purged = db::purge_expired(c, now, now - 100).await?;
                    assert_eq!(purged, 1, "the expired session");
                    let others = db::delete_sessions_of(c, p.id).await?;
                    Ok((found, gone, others))
                })
            })
            .await
            .unwrap();
        assert!(found.is_some() && gone.is_none());
        assert_eq!(others, 2, "sign out everywhere ends the other two");
        assert_eq!(db.query_i64("SELECT count(*) FROM org_sessions").await, 0);
    }
);

store_test!(
    members_domains_and_audit_belong_to_one_organisation,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    let alice = db::person_for(c, &[1; 32], &[1; 40], "en", now).await?;
                    let bob = db::person_for(c, &[2; 32], &[2; 40], "en", now).await?;
                    let a = db::create_org(c, "pub-a", "Acme", now).await?;
                    let b = db::create_org(c, "pub-b", "Bolt", now).await?;
                    assert!(db::add_member(c, a, alice.id, Role::Owner, now).await?);
                    assert!(db::add_member(c, b, bob.id, Role::Owner, now).await?);
                    assert!(db::add_member(c, a, bob.id, Role::Viewer, now).await?);
                    // Joining again keeps the higher role.
                    assert!(!db::add_member(c, a, bob.id, Role::Viewer, now).await?);
                    assert!(!db::add_member(c, a, alice.id, Role::Viewer, now).await?);
                    let m = db::membership(c, alice.id, "pub-a").await?.unwrap();
                    assert_eq!((m.org, m.role), (a, Role::Owner));
                    assert!(db::membership(c, alice.id, "pub-b").await?.is_none());
                    assert_eq!(db::memberships(c, bob.id).await?.len(), 2);
                    assert_eq!(db::owner_count(c, a).await?, 1);

                    let d = db::add_domain(c, a, "acme.test", "tok", now)
                        .await?
                        .unwrap();
                    assert!(db::add_domain(c, a, "acme.test", "tok2", now)
                        .await?
                        .is_none());
                    // Another organisation may claim the same domain: it
                    // must prove it itself.
                    let d_b = db::add_domain(c, b, "acme.test", "tok3", now)
                        .await?
                        .unwrap();
                    assert!(db::domain(c, b, d).await?.is_none(), "not B's row");
                    assert_eq!(
                        db::domain(c, a, d).await?.unwrap().state,
                        DomainState::Pending
                    );
                    assert!(
                        !db::lapse_domain(c, d, now).await?,
                        "a pending domain does not lapse"
                    );
                    db::verify_domain(c, d, DomainMethod::Dns, now - 100).await?;
                    let row = db::domain(c, a, d).await?.unwrap();
                    assert_eq!(
                        (row.state, row.method),
                        (DomainState::Verified, Some(DomainMethod::Dns))
                    );
                    let due = db::domains_to_recheck(c, now, 10).await?;
                    assert_eq!(due.iter().map(|r| r.id).collect::<Vec<_>>(), vec![d]);
                    db::domain_checked(c, d, now).await?;
                    assert!(db::domains_to_recheck(c, now, 10).await?.is_empty());
                    assert!(db::lapse_domain(c, d, now + 1).await?);
                    assert_eq!(
                        db::domain(c, a, d).await?.unwrap().state,
                        DomainState::Lapsed
                    );
                    assert_eq!(db::remove_domain(c, a, d_b).await?, 0, "not A's domain");

                    db::audit(c, a, &entry(now - 10_000, "old")).await?;
                    db::audit(c, a, &entry(now, "new")).await?;
                    db::audit(c, b, &entry(now, "other")).await?;
                    let log = db::audit_entries(c, a, 10).await?;
                    assert_eq!(
                        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
                        ["new", "old"]
                    );
                    assert_eq!(db::purge_audit(c, now - 5_000).await?, 1);

                    // Bob leaves A: he stays, being in B.
                    db::remove_member(c, a, bob.id).await?;
                    assert!(!db::forget_person_if_alone(c, bob.id).await?);
                    // B is deleted: Bob, alone now, can be forgotten.
                    db::insert_link(
                        c,
                        &link(5, LinkPurpose::Invitation, Some(b), now + 1000),
                        now,
                    )
                    .await?;
                    db::delete_org(c, b).await?;
                    assert!(db::forget_person_if_alone(c, bob.id).await?);
                    assert!(db::person(c, bob.id).await?.is_none());
                    Ok(())
                })
            })
            .await
            .unwrap();
        // B's domain, audit entries and invitation went with it.
        assert_eq!(db.query_i64("SELECT count(*) FROM org_domains").await, 1);
        assert_eq!(db.query_i64("SELECT count(*) FROM org_audit").await, 1);
        assert_eq!(db.query_i64("SELECT count(*) FROM org_links").await, 0);
        assert_eq!(db.query_i64("SELECT count(*) FROM org_members").await, 1);
    }
);

store_test!(
    a_watchlist_counts_and_pages_only_what_its_proved_domains_show,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    let a = db::create_org(c, "pub-a", "Acme", now).await?;
                    let b = db::create_org(c, "pub-b", "Bolt", now).await?;
                    let d = db::add_domain(c, a, "acme.test", "t", now).await?.unwrap();
                    db::verify_domain(c, d, DomainMethod::Dns, now).await?;
                    let watch = |n: u8, domain: Option<&str>, hits: &[(&str, &str)]| NewWatch {
                        kind: if domain.is_some() {
                            WatchKind::Email
                        } else {
                            WatchKind::Phone
                        },
                        prf_output: vec![n; 64],
                        bucket: i64::from(n),
                        domain: domain.map(str::to_owned),
                        entry: vec![n; 30],
                        hits: hits
                            .iter()
                            .map(|(b, c)| (b.to_string(), c.to_string()))
                            .collect(),
                        awaiting_match: false,
                    };
                    let leak = [("Leak", "Email addresses, Names")];
                    assert!(
                        db::put_watch(c, a, &watch(1, Some("acme.test"), &leak), now)
                            .await?
                            .1
                    );
                    assert!(
                        db::put_watch(c, a, &watch(2, None, &[("Leak", "Phone numbers")]), now)
                            .await?
                            .1
                    );
                    assert!(
                        db::put_watch(c, a, &watch(3, Some("acme.test"), &[]), now)
                            .await?
                            .1
                    );
                    assert!(
                        db::put_watch(c, a, &watch(4, Some("other.test"), &leak), now)
                            .await?
                            .1
                    );
                    // The same identifier again replaces the entry, not adds one.
                    assert!(
                        !db::put_watch(c, a, &watch(1, Some("acme.test"), &leak), now)
                            .await?
                            .1
                    );
                    // Another organisation's entry for the same person.
                    assert!(
                        db::put_watch(c, b, &watch(1, Some("acme.test"), &leak), now)
                            .await?
                            .1
                    );
                    assert_eq!(db::watch_count(c, a, WatchKind::Phone).await?, 1);
                    // other.test is not proved: its entry is not shown.
                    assert_eq!(db::watch_counts(c, a, PhoneRule::All).await?, (4, 2));
                    let mut per_breach = db::watch_breach_counts(c, a, PhoneRule::All).await?;
                    per_breach.sort();
                    assert_eq!(
                        per_breach,
                        vec![
                            ("Leak".to_owned(), "Email addresses, Names".to_owned(), 1),
                            ("Leak".to_owned(), "Phone numbers".to_owned(), 1)
                        ]
                    );
                    let exposed = db::watch_page(c, a, 0, 10, true, PhoneRule::All).await?;
                    assert_eq!(exposed.len(), 2);
                    let first = db::watch_page(c, a, 0, 2, false, PhoneRule::All).await?;
                    let rest =
                        db::watch_page(c, a, first[1].0.id, 10, false, PhoneRule::All).await?;
                    assert_eq!(first.len() + rest.len(), 4);
                    assert!(!rest.last().unwrap().1, "other.test is not shown");
                    // The domain lapses: its entries stop showing.
                    db::lapse_domain(c, d, now).await?;
                    assert_eq!(db::watch_counts(c, a, PhoneRule::All).await?, (4, 1));
                    let hits = db::hits_of(c, &[first[0].0.id]).await?;
                    assert_eq!(hits.len(), 1);
                    assert_eq!(db::remove_watch(c, b, first[0].0.id).await?, 0, "not B's");
                    assert_eq!(db::remove_watch(c, a, first[0].0.id).await?, 1);
                    Ok(())
                })
            })
            .await
            .unwrap();
        assert_eq!(db.query_i64("SELECT count(*) FROM org_watch_hits").await, 3);
    }
);

store_test!(
    entries_stored_unmatched_wait_for_their_matching_and_are_matched_once,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    let a = db::create_org(c, "pub-a", "Acme", now).await?;
                    let b = db::create_org(c, "pub-b", "Bolt", now).await?;
                    let watch = |n: u8| NewWatch {
                        kind: WatchKind::Email,
                        prf_output: vec![n; 64],
                        bucket: i64::from(n),
                        domain: Some("acme.test".into()),
                        entry: vec![n; 30],
                        hits: Vec::new(),
                        awaiting_match: true,
                    };
                    let (one, _) = db::put_watch(c, a, &watch(1), now).await?;
                    let (two, _) = db::put_watch(c, a, &watch(2), now).await?;
                    let (theirs, _) = db::put_watch(c, b, &watch(3), now).await?;
                    assert_eq!(db::watch_awaiting(c, a).await?, 2);
                    // Only the organisation's own entries, only those awaiting.
                    let to_match = db::watch_to_match(c, a, &[one, two, theirs]).await?;
                    let ids: Vec<i64> = to_match.iter().map(|e| e.id).collect();
                    assert_eq!(ids, vec![one, two]);
                    assert_eq!((to_match[0].bucket, to_match[0].prf_output.len()), (1, 64));
                    let version = db::watch_version(c, a).await?;
                    let hits = vec![(one, "Leak".to_owned(), "Names".to_owned())];
                    db::finish_matching(c, a, &ids, &hits).await?;
                    assert_eq!(db::watch_awaiting(c, a).await?, 0);
                    assert_eq!(db::watch_awaiting(c, b).await?, 1);
                    assert!(db::watch_version(c, a).await? > version, "reports recount");
                    assert!(db::watch_to_match(c, a, &ids).await?.is_empty(), "once");
                    assert_eq!(db::hits_of(c, &[one, two]).await?.len(), 1);
                    // Stored again unmatched (a new upload of the same person):
                    // waiting again, its old hits cleared.
                    db::put_watch(c, a, &watch(1), now).await?;
                    assert_eq!(db::watch_to_match(c, a, &[one]).await?.len(), 1);
                    assert!(db::hits_of(c, &[one]).await?.is_empty());
                    // Many at once: new ones in order, one already watched and
                    // one listed twice replaced, hits of matched ones kept.
                    let mut batch: Vec<NewWatch> = (10..250).map(watch).collect();
                    batch.push(watch(2));
                    let mut twice = watch(10);
                    twice.entry = vec![99; 30];
                    batch.push(twice);
                    let mut matched = watch(251);
                    matched.awaiting_match = false;
                    matched.hits = vec![("Leak".into(), "Names".into())];
                    batch.push(matched);
                    let put = db::put_watches(c, a, &batch, now).await?;
                    assert_eq!(put.len(), batch.len());
                    assert!(put[..240].iter().all(|(_, new)| *new));
                    assert_eq!(put[240], (two, false));
                    assert_eq!(put[241], (put[0].0, false), "the second listing replaces");
                    assert!(put[242].1);
                    assert_eq!(db::hits_of(c, &[put[242].0]).await?.len(), 1);
                    assert_eq!(db::watch_awaiting(c, a).await?, 2 + 240);
                    let ten = db::watch_page(c, a, put[0].0 - 1, 1, false, PhoneRule::All).await?;
                    assert_eq!(ten[0].0.entry, vec![99; 30]);
                    // An entry removed between its reading and its matching
                    // takes no hit, and the others' are recorded all the same.
                    let (gone, kept) = (put[1].0, put[2].0);
                    assert_eq!(db::remove_watch(c, a, gone).await?, 1);
                    let late = vec![
                        (gone, "Leak".to_owned(), "Names".to_owned()),
                        (kept, "Leak".to_owned(), "Names".to_owned()),
                    ];
                    db::finish_matching(c, a, &[gone, kept], &late).await?;
                    assert_eq!(db::hits_of(c, &[gone, kept]).await?.len(), 1);
                    // Long-waiting entries are found for matching again, by
                    // organisation; none stored after the cut-off.
                    let long = db::watch_stragglers(c, now + 1, 1000).await?;
                    assert_eq!(long.len() as i64, db::watch_awaiting(c, a).await? + 1);
                    assert!(long.windows(2).all(|w| w[0] <= w[1]));
                    assert!(long.contains(&(b, theirs)));
                    assert!(!long.iter().any(|&(_, id)| id == kept));
                    assert!(db::watch_stragglers(c, now, 1000).await?.is_empty());
                    Ok(())
                })
            })
            .await
            .unwrap();
    }
);

store_test!(
    a_breach_is_told_once_per_organisation_and_webhooks_belong_to_theirs,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    let a = db::create_org(c, "pub-a", "Acme", now).await?;
                    let b = db::create_org(c, "pub-b", "Bolt", now).await?;
                    let d = db::add_domain(c, a, "acme.test", "t", now).await?.unwrap();
                    db::verify_domain(c, d, DomainMethod::Dns, now).await?;
                    let watch = |n: u8, domain: Option<&str>, hits: &[(&str, &str)]| NewWatch {
                        kind: if domain.is_some() {
                            WatchKind::Email
                        } else {
                            WatchKind::Phone
                        },
                        prf_output: vec![n; 64],
                        bucket: i64::from(n),
                        domain: domain.map(str::to_owned),
                        entry: vec![n; 30],
                        hits: hits
                            .iter()
                            .map(|(b, c)| (b.to_string(), c.to_string()))
                            .collect(),
                        awaiting_match: false,
                    };
                    let names = [("New", "Email addresses, Names")];
                    db::put_watch(c, a, &watch(1, Some("acme.test"), &names), now).await?;
                    db::put_watch(c, a, &watch(2, None, &[("New", "Phone numbers")]), now).await?;
                    db::put_watch(c, a, &watch(3, Some("acme.test"), &[("Old", "Names")]), now)
                        .await?;
                    // B's domain is not proved: its person is not told about.
                    db::put_watch(c, b, &watch(4, Some("bolt.test"), &names), now).await?;
                    let breaches = vec!["New".to_owned()];
                    let mut untold = db::untold(c, &breaches, PhoneRule::All).await?;
                    untold.sort_by(|x, y| x.classes.cmp(&y.classes));
                    assert_eq!(
                        untold
                            .iter()
                            .map(|u| (u.org, u.classes.as_str(), u.people))
                            .collect::<Vec<_>>(),
                        vec![(a, "Email addresses, Names", 1), (a, "Phone numbers", 1)]
                    );
                    assert!(db::mark_told(c, a, "New", 2, now).await?);
                    assert!(!db::mark_told(c, a, "New", 2, now).await?, "once");
                    assert!(db::untold(c, &breaches, PhoneRule::All).await?.is_empty());

                    // Webhooks: each organisation's own.
                    let w =
                        db::add_webhook(c, a, "https://hooks.acme.test/x", b"sealed", now).await?;
                    assert_eq!(db::webhooks(c, a).await?.len(), 1);
                    assert!(db::webhooks(c, b).await?.is_empty());
                    assert_eq!(
                        db::set_webhook_state(c, b, w, Some("x")).await?,
                        0,
                        "not B's"
                    );
                    assert_eq!(db::set_webhook_secrets(c, b, w, b"other").await?, 0);
                    assert_eq!(db::remove_webhook(c, b, w).await?, 0);
                    db::webhook_delivered(c, w, "410", now, Some("410 Gone")).await?;
                    let row = db::webhook(c, w).await?.unwrap();
                    assert!(!row.enabled);
                    assert_eq!(row.reason.as_deref(), Some("410 Gone"));
                    assert_eq!(row.last_status.as_deref(), Some("410"));
                    assert_eq!(row.secrets, b"sealed");
                    assert_eq!(db::set_webhook_state(c, a, w, None).await?, 1);
                    assert!(db::webhook(c, w).await?.unwrap().enabled);
                    db::delete_org(c, a).await?;
                    assert!(
                        db::webhook(c, w).await?.is_none(),
                        "gone with its organisation"
                    );
                    Ok(())
                })
            })
            .await
            .unwrap();
        assert_eq!(db.query_i64("SELECT count(*) FROM org_alerted").await, 0);
    }
);

store_test!(
    passkeys_belong_to_their_person_and_ceremonies_are_taken_once,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    let alice = db::person_for(c, &[1; 32], &[1; 40], "en", now).await?;
                    let bob = db::person_for(c, &[2; 32], &[2; 40], "en", now).await?;
                    let key = db::add_passkey(c, alice.id, b"cred-1", b"sealed", "laptop", now)
                        .await?
                        .expect("a new passkey");
                    assert_eq!(
                        db::add_passkey(c, bob.id, b"cred-1", b"other", "stolen", now).await?,
                        None,
                        "a credential is stored once"
                    );
                    let found = db::passkey_by_credential(c, b"cred-1").await?.unwrap();
                    assert_eq!((found.id, found.person), (key, alice.id));
                    assert!(db::passkeys(c, bob.id).await?.is_empty());
                    assert!(!db::remove_passkey(c, bob.id, key).await?, "not Bob's");
                    db::passkey_used(c, key, b"counted", now + 1).await?;
                    let used = db::passkey_by_credential(c, b"cred-1").await?.unwrap();
                    assert_eq!(
                        (used.passkey.as_slice(), used.used_at_us),
                        (&b"counted"[..], Some(now + 1))
                    );

                    // A ceremony: taken once, only for its purpose and person,
                    // not after it ended.
                    use db::CeremonyPurpose::{Register, SignIn};
                    db::start_ceremony(c, &[9; 32], Register, Some(alice.id), b"s", now + 100, now)
                        .await?;
                    assert_eq!(
                        db::take_ceremony(c, &[9; 32], Register, Some(bob.id), now).await?,
                        None
                    );
                    db::start_ceremony(c, &[9; 32], Register, Some(alice.id), b"s", now + 100, now)
                        .await?;
                    assert_eq!(
                        db::take_ceremony(c, &[9; 32], SignIn, None, now).await?,
                        None
                    );
                    db::start_ceremony(c, &[9; 32], Register, Some(alice.id), b"s", now + 100, now)
                        .await?;
                    assert_eq!(
                        db::take_ceremony(c, &[9; 32], Register, Some(alice.id), now + 100).await?,
                        None,
                        "ended"
                    );
                    db::start_ceremony(c, &[9; 32], Register, Some(alice.id), b"s", now + 100, now)
                        .await?;
                    assert_eq!(
                        db::take_ceremony(c, &[9; 32], Register, Some(alice.id), now)
                            .await?
                            .as_deref(),
                        Some(&b"s"[..])
                    );
                    assert_eq!(
                        db::take_ceremony(c, &[9; 32], Register, Some(alice.id), now).await?,
                        None,
                        "once"
                    );
                    db::start_ceremony(c, &[8; 32], SignIn, None, b"t", now + 10, now).await?;
                    // Starting another after the first ended clears it.
                    db::start_ceremony(c, &[7; 32], SignIn, None, b"u", now + 100, now + 10)
                        .await?;
                    assert_eq!(
                        db::take_ceremony(c, &[8; 32], SignIn, None, now).await?,
                        None,
                        "cleared"
                    );

                    // A person who leaves takes their passkeys along.
                    assert!(db::forget_person_if_alone(c, alice.id).await?);
                    assert!(db::passkey_by_credential(c, b"cred-1").await?.is_none());
                    Ok(())
                })
            })
            .await
            .unwrap();
    }
);

store_test!(
    a_number_shows_only_once_confirmed_where_that_is_asked,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        store
            .transaction(move |c| {
                Box::pin(async move {
                    let a = db::create_org(c, "pub-a", "Acme", now).await?;
                    let b = db::create_org(c, "pub-b", "Bolt", now).await?;
                    let phone = NewWatch {
                        kind: WatchKind::Phone,
                        prf_output: vec![5; 64],
                        bucket: 5,
                        domain: None,
                        entry: vec![5; 30],
                        hits: vec![("Leak".into(), "Phone numbers".into())],
                        awaiting_match: false,
                    };
                    let (id, new) = db::put_watch(c, a, &phone, now).await?;
                    assert!(new);
                    assert_eq!(db::watch_counts(c, a, PhoneRule::All).await?, (1, 1));
                    assert_eq!(db::watch_counts(c, a, PhoneRule::Confirmed).await?, (1, 0));
                    assert!(db::watch_breach_counts(c, a, PhoneRule::Confirmed)
                        .await?
                        .is_empty());
                    assert!(db::untold(c, &["Leak".into()], PhoneRule::Confirmed)
                        .await?
                        .is_empty());
                    let page = db::watch_page(c, a, 0, 10, false, PhoneRule::Confirmed).await?;
                    assert!(!page[0].1 && !page[0].0.confirmed);
                    assert_eq!(db::unconfirmed_phone(c, a, id).await?, Some(vec![5; 30]));
                    assert_eq!(db::unconfirmed_phone(c, b, id).await?, None, "not Bolt's");

                    // A code: sent once a minute at most, tried at most 3 times.
                    assert!(db::put_phone_code(c, id, b"right", now, now + 1000, now - 60).await?);
                    assert!(
                        !db::put_phone_code(c, id, b"other", now + 1, now + 1000, now - 59).await?,
                        "sent a moment ago"
                    );
                    assert_eq!(
                        db::try_phone_code(c, b, id, b"right", 3, now).await?,
                        CodeTry::NoCode,
                        "Bolt cannot confirm Acme's number"
                    );
                    assert_eq!(
                        db::try_phone_code(c, a, id, b"wrong", 3, now).await?,
                        CodeTry::Wrong { left: 2 }
                    );
                    assert_eq!(
                        db::try_phone_code(c, a, id, b"right", 3, now + 1000).await?,
                        CodeTry::NoCode,
                        "ended"
                    );
                    assert_eq!(
                        db::try_phone_code(c, a, id, b"right", 3, now).await?,
                        CodeTry::Confirmed
                    );
                    assert_eq!(db::watch_counts(c, a, PhoneRule::Confirmed).await?, (1, 1));
                    assert_eq!(
                        db::untold(c, &["Leak".into()], PhoneRule::Confirmed)
                            .await?
                            .len(),
                        1
                    );
                    assert_eq!(db::unconfirmed_phone(c, a, id).await?, None);
                    assert_eq!(
                        db::try_phone_code(c, a, id, b"right", 3, now).await?,
                        CodeTry::NoCode,
                        "used"
                    );

                    // Three wrong tries end a code.
                    let other = NewWatch {
                        prf_output: vec![6; 64],
                        ..phone.clone()
                    };
                    let (id2, _) = db::put_watch(c, a, &other, now).await?;
                    db::put_phone_code(c, id2, b"right", now, now + 1000, now - 60).await?;
                    for left in [2, 1, 0] {
                        assert_eq!(
                            db::try_phone_code(c, a, id2, b"wrong", 3, now).await?,
                            CodeTry::Wrong { left }
                        );
                    }
                    assert_eq!(
                        db::try_phone_code(c, a, id2, b"right", 3, now).await?,
                        CodeTry::NoCode
                    );
                    Ok(())
                })
            })
            .await
            .unwrap();
    }
);
