//! The durable job queue on both backends: enqueue (with dedup keys, inside
//! transactions), claim with a lease, complete, fail and retry, expiry of
//! leases, listing and counting, purging; and that two stores (two servers)
//! sharing one database claim every job exactly once.

use std::collections::HashSet;
use std::time::Duration;

use lekradar_store::jobs::{self, now_us, DEFAULT_MAX_ATTEMPTS};
use lekradar_store::{Job, JobInfo, JobState, NewJob, Retry, Store};

use crate::store_test;

const LEASE: Duration = Duration::from_secs(60);
const HOUR_US: i64 = 3_600_000_000;

fn kinds(list: &[&str]) -> Vec<String> {
    list.iter().map(|k| k.to_string()).collect()
}

async fn claim(store: &Store, list: &[&str]) -> Option<Job> {
    store.jobs().claim(&kinds(list), LEASE).await.unwrap()
}

/// A claim at `now_us` instead of the clock (time travel), in a transaction
/// as `jobs::claim_at` wants.
async fn claim_at(store: &Store, list: &[&str], lease: Duration, now_us: i64) -> Option<Job> {
    let list = kinds(list);
    store
        .transaction(move |c| {
            Box::pin(async move { jobs::claim_at(c, &list, lease, now_us).await })
        })
        .await
        .unwrap()
}

async fn info(store: &Store, id: i64) -> JobInfo {
    let all = store.jobs().list(None, 10_000).await.unwrap();
    match all.into_iter().find(|j| j.id == id) {
        Some(info) => info,
        None => panic!("job {id} is not listed"),
    }
}

async fn enqueue(store: &Store, job: NewJob) -> i64 {
    store.jobs().enqueue(job).await.unwrap().unwrap()
}

store_test!(enqueue_with_a_dedup_key_once, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    let first = jobs
        .enqueue(NewJob::new("mail", b"one".to_vec()).dedup_key("event-1"))
        .await
        .unwrap();
    assert!(first.is_some());
    // The same key again: nothing, whatever the payload or kind.
    assert_eq!(
        jobs.enqueue(NewJob::new("sms", b"two".to_vec()).dedup_key("event-1"))
            .await
            .unwrap(),
        None
    );
    // Another key, and no key (twice), are separate jobs.
    let other = jobs
        .enqueue(NewJob::new("mail", b"three".to_vec()).dedup_key("event-2"))
        .await
        .unwrap();
    let plain_a = jobs.enqueue(NewJob::new("mail", Vec::new())).await.unwrap();
    let plain_b = jobs.enqueue(NewJob::new("mail", Vec::new())).await.unwrap();
    let ids: HashSet<_> = [first, other, plain_a, plain_b]
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(jobs.list(None, 100).await.unwrap().len(), 4);
    let first = first.unwrap();
    let listed = info(&store, first).await;
    assert_eq!(listed.kind, "mail");
    assert_eq!(listed.state, JobState::Queued);
    assert_eq!(listed.attempts, 0);
    assert_eq!(listed.max_attempts, DEFAULT_MAX_ATTEMPTS);

    // The key stays taken once the job is done, until it is purged.
    let job = claim(&store, &["mail"]).await.unwrap();
    assert_eq!(job.id, first);
    assert_eq!(job.payload, b"one");
    assert!(jobs.complete(&job).await.unwrap());
    assert_eq!(
        jobs.enqueue(NewJob::new("mail", b"again".to_vec()).dedup_key("event-1"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(jobs.purge_done(now_us() + 1).await.unwrap(), 1);
    assert!(jobs
        .enqueue(NewJob::new("mail", b"again".to_vec()).dedup_key("event-1"))
        .await
        .unwrap()
        .is_some());
});

store_test!(enqueue_inside_a_transaction, |db| async move {
    let store = db.open().await;
    let (a, b, dup) = store
        .transaction(|c| {
            Box::pin(async move {
                let a =
                    jobs::enqueue(c, &NewJob::new("mail", b"a".to_vec()).dedup_key("k")).await?;
                let b = jobs::enqueue(c, &NewJob::new("mail", b"b".to_vec())).await?;
                // The transaction sees its own first job's key.
                let dup =
                    jobs::enqueue(c, &NewJob::new("mail", b"c".to_vec()).dedup_key("k")).await?;
                Ok((a, b, dup))
            })
        })
        .await
        .unwrap();
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a, b);
    assert_eq!(dup, None);
    let listed: Vec<i64> = store
        .jobs()
        .list(None, 10)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(listed, [a.max(b), a.min(b)], "newest first");
    // Committed: a worker claims them.
    let first = claim(&store, &["mail"]).await.unwrap();
    assert_eq!((first.id, first.payload.as_slice()), (a, &b"a"[..]));
});

store_test!(claim_complete_done, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    let payload = vec![0u8, 1, 2, 255, 0];
    let id = enqueue(&store, NewJob::new("mail", payload.clone())).await;
    let before = now_us();
    let job = claim(&store, &["mail"]).await.unwrap();
    assert_eq!(job.id, id);
    assert_eq!(job.kind, "mail");
    assert_eq!(job.payload, payload);
    assert_eq!(job.attempt, 1);
    assert_eq!(job.max_attempts, DEFAULT_MAX_ATTEMPTS);
    assert!(job.lease_until_us >= before + 60_000_000);
    // The payload is not in its Debug output (it may be personal data).
    let debug = format!("{job:?}");
    assert!(debug.contains("payload_len: 5"), "{debug}");
    let running = info(&store, id).await;
    assert_eq!(running.state, JobState::Running);
    assert_eq!(running.attempts, 1);
    // Leased: nobody else gets it.
    assert!(claim(&store, &["mail"]).await.is_none());

    // A Job value with another token (a stale copy) changes nothing.
    let stale = Job {
        lease_token: job.lease_token.wrapping_add(1),
        ..job.clone()
    };
    assert!(!jobs.complete(&stale).await.unwrap());
    assert_eq!(jobs.fail(&stale, "x", Retry::Never).await.unwrap(), None);
    assert!(!jobs.heartbeat(&stale, LEASE).await.unwrap());
    assert_eq!(info(&store, id).await, running);

    assert!(jobs.complete(&job).await.unwrap());
    let done = info(&store, id).await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.attempts, 1);
    assert_eq!(done.last_error, None);
    assert!(done.finished_at_us.unwrap() >= before);
    // Finished: the holder's token is spent too.
    assert!(!jobs.complete(&job).await.unwrap());
    assert_eq!(jobs.fail(&job, "late", Retry::Never).await.unwrap(), None);
    assert!(!jobs.heartbeat(&job, LEASE).await.unwrap());
    assert_eq!(info(&store, id).await, done);
    assert!(claim(&store, &["mail"]).await.is_none());
});

store_test!(an_expired_lease_is_claimed_again, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    let id = enqueue(&store, NewJob::new("mail", b"p".to_vec())).await;
    let kinds = kinds(&["mail"]);
    let first = jobs
        .claim(&kinds, Duration::from_millis(1))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = jobs.claim(&kinds, LEASE).await.unwrap().unwrap();
    assert_eq!(second.id, id);
    assert_eq!(first.attempt, 1);
    assert_eq!(second.attempt, 2);
    assert_ne!(second.lease_token, first.lease_token);
    assert_eq!(second.payload, b"p");

    // The first holder lost the job.
    assert!(!jobs.complete(&first).await.unwrap());
    assert_eq!(
        jobs.fail(&first, "late", Retry::At { run_at_us: 0 })
            .await
            .unwrap(),
        None
    );
    assert!(!jobs.heartbeat(&first, LEASE).await.unwrap());
    let running = info(&store, id).await;
    assert_eq!(
        (running.state, running.attempts, running.last_error),
        (JobState::Running, 2, None)
    );

    assert!(jobs.complete(&second).await.unwrap());
    assert_eq!(info(&store, id).await.state, JobState::Done);
});

store_test!(a_heartbeat_extends_the_lease, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    let id = enqueue(&store, NewJob::new("mail", Vec::new())).await;
    let job = jobs
        .claim(&kinds(&["mail"]), Duration::from_millis(200))
        .await
        .unwrap()
        .unwrap();
    assert!(jobs.heartbeat(&job, LEASE).await.unwrap());
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Past the first lease, within the extended one: still ours.
    assert!(claim(&store, &["mail"]).await.is_none());
    // Once the extension runs out, another worker takes it.
    let later = now_us() + 61_000_000;
    let next = claim_at(&store, &["mail"], LEASE, later).await.unwrap();
    assert_eq!((next.id, next.attempt), (id, 2));
    assert!(!jobs.heartbeat(&job, LEASE).await.unwrap());
});

store_test!(a_future_job_waits_for_its_time, |db| async move {
    let store = db.open().await;
    let at = now_us() + HOUR_US;
    let id = enqueue(&store, NewJob::new("mail", Vec::new()).run_at_us(at)).await;
    assert!(claim(&store, &["mail"]).await.is_none());
    assert!(claim_at(&store, &["mail"], LEASE, at - 1).await.is_none());
    let job = claim_at(&store, &["mail"], LEASE, at).await.unwrap();
    assert_eq!((job.id, job.attempt), (id, 1));
    assert_eq!(job.lease_until_us, at + 60_000_000);
});

store_test!(fail_with_retry_at_requeues_until_then, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    let id = enqueue(&store, NewJob::new("mail", b"p".to_vec())).await;
    let job = claim(&store, &["mail"]).await.unwrap();
    let at = now_us() + HOUR_US;
    assert_eq!(
        jobs.fail(&job, "smtp: 451 try later", Retry::At { run_at_us: at })
            .await
            .unwrap(),
        Some(JobState::Queued)
    );
    let queued = info(&store, id).await;
    assert_eq!(queued.state, JobState::Queued);
    assert_eq!(queued.attempts, 1);
    assert_eq!(queued.run_at_us, at);
    assert_eq!(queued.last_error.as_deref(), Some("smtp: 451 try later"));
    assert_eq!(queued.finished_at_us, None);
    // The token is spent.
    assert!(!jobs.complete(&job).await.unwrap());

    // Not claimable before its time, then attempt 2.
    assert!(claim(&store, &["mail"]).await.is_none());
    assert!(claim_at(&store, &["mail"], LEASE, at - 1).await.is_none());
    let again = claim_at(&store, &["mail"], LEASE, at).await.unwrap();
    assert_eq!((again.id, again.attempt), (id, 2));
    assert_ne!(again.lease_token, job.lease_token);
    assert!(jobs.complete(&again).await.unwrap());
    let done = info(&store, id).await;
    assert_eq!((done.state, done.attempts), (JobState::Done, 2));
    assert_eq!(done.last_error, None, "a success clears the last error");
});

store_test!(fail_on_the_last_attempt_is_dead, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    let id = enqueue(&store, NewJob::new("mail", Vec::new()).max_attempts(2)).await;
    let now = now_us();
    let first = claim(&store, &["mail"]).await.unwrap();
    assert_eq!((first.attempt, first.max_attempts), (1, 2));
    assert_eq!(
        jobs.fail(&first, "e1", Retry::At { run_at_us: now })
            .await
            .unwrap(),
        Some(JobState::Queued)
    );
    let second = claim(&store, &["mail"]).await.unwrap();
    assert_eq!((second.id, second.attempt), (id, 2));
    assert_eq!(
        jobs.fail(&second, "e2", Retry::At { run_at_us: now })
            .await
            .unwrap(),
        Some(JobState::Dead)
    );
    let dead = info(&store, id).await;
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(dead.attempts, 2);
    assert_eq!(dead.last_error.as_deref(), Some("e2"));
    assert!(dead.finished_at_us.is_some());
    assert!(claim(&store, &["mail"]).await.is_none());
    assert!(claim_at(&store, &["mail"], LEASE, now + HOUR_US)
        .await
        .is_none());
    assert!(!jobs.complete(&second).await.unwrap());
});

store_test!(
    retry_never_is_dead_at_once_and_retry_requeues,
    |db| async move {
        let store = db.open().await;
        let jobs = store.jobs();
        let id = enqueue(&store, NewJob::new("mail", b"p".to_vec())).await;
        let job = claim(&store, &["mail"]).await.unwrap();
        let long_error = "x".repeat(2_000);
        assert_eq!(
            jobs.fail(&job, &long_error, Retry::Never).await.unwrap(),
            Some(JobState::Dead)
        );
        let dead = info(&store, id).await;
        assert_eq!((dead.state, dead.attempts), (JobState::Dead, 1));
        assert!(dead.finished_at_us.is_some());
        // The error is kept, cut short.
        let kept = dead.last_error.unwrap();
        assert!(
            !kept.is_empty() && kept.len() < long_error.len(),
            "{}",
            kept.len()
        );
        assert!(claim(&store, &["mail"]).await.is_none());

        // An operator retries it: queued with fresh attempts.
        assert!(jobs.retry(id).await.unwrap());
        let queued = info(&store, id).await;
        assert_eq!((queued.state, queued.attempts), (JobState::Queued, 0));
        assert_eq!(queued.finished_at_us, None);
        // Retrying what is not dead (queued, running, done, unknown) does nothing.
        assert!(!jobs.retry(id).await.unwrap());
        let again = claim(&store, &["mail"]).await.unwrap();
        assert_eq!((again.id, again.attempt), (id, 1));
        assert!(!jobs.retry(id).await.unwrap());
        assert!(jobs.complete(&again).await.unwrap());
        assert!(!jobs.retry(id).await.unwrap());
        assert!(!jobs.retry(id + 1000).await.unwrap());
        assert_eq!(info(&store, id).await.state, JobState::Done);
    }
);

store_test!(
    an_expired_last_attempt_is_dead_not_run_again,
    |db| async move {
        let store = db.open().await;
        let jobs = store.jobs();
        let id = enqueue(&store, NewJob::new("mail", Vec::new()).max_attempts(1)).await;
        let job = claim(&store, &["mail"]).await.unwrap();
        assert_eq!((job.attempt, job.max_attempts), (1, 1));
        let later = job.lease_until_us + 1;
        // A claim of other kinds leaves it alone.
        assert!(claim_at(&store, &["sms"], LEASE, later).await.is_none());
        assert_eq!(info(&store, id).await.state, JobState::Running);
        // A claim of its kind after the lease ran out declares it dead.
        assert!(claim_at(&store, &["mail"], LEASE, later).await.is_none());
        let dead = info(&store, id).await;
        assert_eq!((dead.state, dead.attempts), (JobState::Dead, 1));
        assert_eq!(dead.finished_at_us, Some(later));
        let error = dead.last_error.unwrap();
        assert!(error.contains("lease"), "{error}");
        // The late holder can no longer finish it.
        assert!(!jobs.complete(&job).await.unwrap());
        assert_eq!(jobs.fail(&job, "late", Retry::Never).await.unwrap(), None);
        assert_eq!(
            jobs.list(Some(JobState::Dead), 10)
                .await
                .unwrap()
                .iter()
                .map(|j| j.id)
                .collect::<Vec<_>>(),
            [id]
        );
    }
);

store_test!(claim_filters_by_kind, |db| async move {
    let store = db.open().await;
    let now = now_us();
    let mail = enqueue(&store, NewJob::new("mail", Vec::new()).run_at_us(now)).await;
    let sms = enqueue(&store, NewJob::new("sms", Vec::new()).run_at_us(now)).await;
    let push = enqueue(&store, NewJob::new("push", Vec::new()).run_at_us(now)).await;
    assert!(store.jobs().claim(&[], LEASE).await.unwrap().is_none());
    assert!(claim(&store, &["fax"]).await.is_none());
    assert_eq!(claim(&store, &["sms"]).await.unwrap().id, sms);
    assert!(claim(&store, &["sms"]).await.is_none());
    // Of several kinds, in run_at then id order.
    let first = claim(&store, &["push", "mail"]).await.unwrap();
    assert_eq!((first.id, first.kind.as_str()), (mail, "mail"));
    let second = claim(&store, &["push", "mail"]).await.unwrap();
    assert_eq!((second.id, second.kind.as_str()), (push, "push"));
    assert!(claim(&store, &["push", "mail", "sms"]).await.is_none());
});

store_test!(counts_and_list_report_states, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    assert!(jobs.counts().await.unwrap().is_empty());
    assert!(jobs.list(None, 10).await.unwrap().is_empty());
    let now = now_us();
    // mail: one done, two queued; sms: one dead, one running.
    let done = enqueue(&store, NewJob::new("mail", Vec::new()).run_at_us(now)).await;
    let job = claim(&store, &["mail"]).await.unwrap();
    assert!(jobs.complete(&job).await.unwrap());
    let dead = enqueue(&store, NewJob::new("sms", Vec::new()).run_at_us(now)).await;
    let job = claim(&store, &["sms"]).await.unwrap();
    jobs.fail(&job, "permanent", Retry::Never).await.unwrap();
    let running = enqueue(&store, NewJob::new("sms", Vec::new()).run_at_us(now)).await;
    assert_eq!(claim(&store, &["sms"]).await.unwrap().id, running);
    let queued_a = enqueue(&store, NewJob::new("mail", Vec::new())).await;
    let queued_b = enqueue(&store, NewJob::new("mail", Vec::new())).await;

    assert_eq!(
        jobs.counts().await.unwrap(),
        [
            ("mail".to_owned(), JobState::Done, 1),
            ("mail".to_owned(), JobState::Queued, 2),
            ("sms".to_owned(), JobState::Dead, 1),
            ("sms".to_owned(), JobState::Running, 1),
        ]
    );
    let ids = |list: Vec<JobInfo>| list.iter().map(|j| j.id).collect::<Vec<_>>();
    let dead_list = jobs.list(Some(JobState::Dead), 10).await.unwrap();
    assert_eq!(dead_list.len(), 1);
    assert_eq!(dead_list[0].id, dead);
    assert_eq!(dead_list[0].kind, "sms");
    assert_eq!(dead_list[0].last_error.as_deref(), Some("permanent"));
    assert_eq!(
        ids(jobs.list(Some(JobState::Done), 10).await.unwrap()),
        [done]
    );
    assert_eq!(
        ids(jobs.list(Some(JobState::Running), 10).await.unwrap()),
        [running]
    );
    assert_eq!(
        ids(jobs.list(Some(JobState::Queued), 10).await.unwrap()),
        [queued_b, queued_a]
    );
    assert_eq!(
        ids(jobs.list(None, 10).await.unwrap()),
        [queued_b, queued_a, running, dead, done]
    );
    assert_eq!(ids(jobs.list(None, 2).await.unwrap()), [queued_b, queued_a]);
});

store_test!(purge_done_deletes_old_done_jobs_only, |db| async move {
    let store = db.open().await;
    let jobs = store.jobs();
    let now = now_us();
    let done = enqueue(&store, NewJob::new("mail", Vec::new()).run_at_us(now)).await;
    let job = claim(&store, &["mail"]).await.unwrap();
    assert!(jobs.complete(&job).await.unwrap());
    let dead = enqueue(&store, NewJob::new("mail", Vec::new()).run_at_us(now)).await;
    let job = claim(&store, &["mail"]).await.unwrap();
    jobs.fail(&job, "no", Retry::Never).await.unwrap();
    let queued = enqueue(&store, NewJob::new("mail", Vec::new())).await;

    let finished = info(&store, done).await.finished_at_us.unwrap();
    assert_eq!(
        jobs.purge_done(finished).await.unwrap(),
        0,
        "strictly before"
    );
    assert_eq!(jobs.purge_done(finished + 1).await.unwrap(), 1);
    assert_eq!(jobs.purge_done(i64::MAX).await.unwrap(), 0);
    let left: HashSet<i64> = jobs
        .list(None, 10)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(left, HashSet::from([dead, queued]));
});

/// Jobs enqueued by the concurrency test.
const MANY: usize = 500;
/// Claiming tasks per store.
const CLAIMERS: usize = 4;

store_test!(two_stores_claim_every_job_once, |db| async move {
    // Two servers on one database.
    let stores = [db.open().await, db.open().await];
    let enqueued: Vec<i64> = stores[0]
        .transaction(|c| {
            Box::pin(async move {
                let mut ids = Vec::with_capacity(MANY);
                for i in 0..MANY {
                    let job = NewJob::new("work", (i as u32).to_be_bytes().to_vec());
                    ids.push(jobs::enqueue(c, &job).await?.unwrap());
                }
                Ok(ids)
            })
        })
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for store in &stores {
        for _ in 0..CLAIMERS {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let kinds = kinds(&["work"]);
                let mut claimed = Vec::new();
                while let Some(job) = store.jobs().claim(&kinds, LEASE).await.unwrap() {
                    assert_eq!(job.attempt, 1, "job {} claimed twice", job.id);
                    assert!(store.jobs().complete(&job).await.unwrap());
                    claimed.push(job.id);
                }
                claimed
            }));
        }
    }
    let mut claimed = Vec::new();
    let mut busy_tasks = 0;
    for task in tasks {
        let ids = task.await.unwrap();
        if !ids.is_empty() {
            busy_tasks += 1;
        }
        claimed.extend(ids);
    }
    assert_eq!(claimed.len(), MANY, "every job claimed exactly once");
    let unique: HashSet<i64> = claimed.iter().copied().collect();
    assert_eq!(unique.len(), MANY, "a job was claimed twice");
    assert_eq!(unique, enqueued.iter().copied().collect::<HashSet<_>>());
    assert!(busy_tasks > 1, "only one task claimed anything");
    assert_eq!(
        stores[1].jobs().counts().await.unwrap(),
        [("work".to_owned(), JobState::Done, MANY as u64)]
    );
});

store_test!(
    claim_many_takes_up_to_the_limit_oldest_first,
    |db| async move {
        let store = db.open().await;
        let now = now_us();
        let mut ids = Vec::new();
        for i in 0..5i64 {
            ids.push(
                enqueue(
                    &store,
                    NewJob::new("mail", vec![i as u8]).run_at_us(now - 1000 + i),
                )
                .await,
            );
        }
        // Not due yet, and of another kind: never in the batch.
        enqueue(
            &store,
            NewJob::new("mail", vec![9]).run_at_us(now + HOUR_US),
        )
        .await;
        enqueue(&store, NewJob::new("sms", vec![8])).await;
        let jobs = store.jobs();
        let first = jobs.claim_many(&kinds(&["mail"]), LEASE, 3).await.unwrap();
        assert_eq!(first.iter().map(|j| j.id).collect::<Vec<_>>(), ids[..3]);
        assert!(first.iter().all(|j| j.attempt == 1 && j.payload.len() == 1));
        let rest = jobs.claim_many(&kinds(&["mail"]), LEASE, 10).await.unwrap();
        assert_eq!(rest.iter().map(|j| j.id).collect::<Vec<_>>(), ids[3..]);
        assert!(jobs
            .claim_many(&kinds(&["mail"]), LEASE, 10)
            .await
            .unwrap()
            .is_empty());

        // One of them lost its lease to another claim: completing the batch
        // marks the others done and says which one was lost.
        let mut batch: Vec<(i64, i64)> = first.iter().map(|j| (j.id, j.lease_token)).collect();
        batch[1].1 ^= 1;
        assert_eq!(
            jobs.complete_many(&batch).await.unwrap(),
            [true, false, true]
        );
        assert_eq!(info(&store, ids[0]).await.state, JobState::Done);
        assert_eq!(info(&store, ids[1]).await.state, JobState::Running);
        assert_eq!(info(&store, ids[2]).await.state, JobState::Done);
    }
);

store_test!(
    two_stores_claiming_in_batches_take_every_job_once,
    |db| async move {
        let stores = [db.open().await, db.open().await];
        stores[0]
            .transaction(|c| {
                Box::pin(async move {
                    for i in 0..MANY {
                        let job = NewJob::new("work", (i as u32).to_be_bytes().to_vec());
                        jobs::enqueue(c, &job).await?;
                    }
                    Ok(())
                })
            })
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for store in &stores {
            for _ in 0..CLAIMERS {
                let store = store.clone();
                tasks.push(tokio::spawn(async move {
                    let kinds = kinds(&["work"]);
                    let mut claimed = Vec::new();
                    loop {
                        let batch = store.jobs().claim_many(&kinds, LEASE, 7).await.unwrap();
                        if batch.is_empty() {
                            break claimed;
                        }
                        let done: Vec<(i64, i64)> =
                            batch.iter().map(|j| (j.id, j.lease_token)).collect();
                        assert!(store
                            .jobs()
                            .complete_many(&done)
                            .await
                            .unwrap()
                            .iter()
                            .all(|ok| *ok));
                        claimed.extend(batch.iter().map(|j| j.id));
                    }
                }));
            }
        }
        let mut claimed = Vec::new();
        for task in tasks {
            claimed.extend(task.await.unwrap());
        }
        let unique: HashSet<i64> = claimed.iter().copied().collect();
        assert_eq!(claimed.len(), MANY, "every job claimed exactly once");
        assert_eq!(unique.len(), MANY, "a job was claimed twice");
        assert_eq!(
            stores[1].jobs().counts().await.unwrap(),
            [("work".to_owned(), JobState::Done, MANY as u64)]
        );
    }
);
