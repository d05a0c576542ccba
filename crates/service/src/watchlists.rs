//! Organisations' watchlists, the part that needs the server key: entries
//! the organisation's rules accepted (`lekradar_orgs::Orgs::accept`) are
//! keyed (one PRF evaluation each, on every core) and matched against the
//! current index snapshot — the breaches holding each person, with the data
//! classes of *their* record, sensitive and retired breaches left out as in
//! any check, and those alerts leave out (`alerts::alertable`) as new
//! generations' matching does — then stored by `lekradar-orgs`; and the
//! news of a new generation's breaches for organisations' alerts.

use std::sync::Arc;

use lekradar_catalogue::Catalogue;
use lekradar_check::filing_of_output;
use lekradar_index::Snapshot;
use lekradar_l10n::staff::StaffMessage;
use lekradar_l10n::Lang;
use lekradar_messages::BreachItem;
use lekradar_orgs::{
    BreachNews, ClassNames, KeyedEntry, Member, OrgError, Orgs, ReadEntry, Refused, WatchAdded,
};
use lekradar_prf::{ServerKey, OUTPUT_LEN};

use crate::alerts::{match_page, Fresh};
use crate::Service;

/// Watchlist entries read per step of matching.
const PAGE: i64 = 20_000;
/// Entries an addition matches before it answers; a larger one (an upload)
/// is keyed and stored at once, and matched in the background by
/// `orgs.match-watch` jobs (one per stored chunk), so that keying and
/// storing are all the upload waits for.
pub const INLINE_MATCH_MAX: usize = 1000;

/// What adding to a watchlist did.
#[derive(Debug, Default)]
pub struct Watched {
    pub added: WatchAdded,
    /// Entries not taken, with their line and reason.
    pub refused: Vec<Refused>,
}

/// The breaches of `snapshot` holding the identifier with `output`, with
/// the data classes of its record.
pub fn matches_of(
    snapshot: &Snapshot,
    catalogue: &Catalogue,
    output: &[u8; OUTPUT_LEN],
    bucket: u32,
) -> Vec<(String, String)> {
    let filing = filing_of_output(bucket, output);
    let mut found = Vec::new();
    for view in snapshot.breaches().iter().filter(|b| !b.is_retired()) {
        let Some(breach) = catalogue.of_index(view.name()) else {
            continue;
        };
        // The rule of new generations' matching (`alerts::alertable`) too,
        // so that a person's hits do not depend on when they were added.
        if !breach.listable_for_accounts() || !crate::alerts::alertable(breach) {
            continue;
        }
        // No entry of the breach in the identifier's bucket: no HKDF needed.
        let b = bucket & 0x00ff_ffff;
        if !view
            .segments()
            .iter()
            .any(|s| s.scan_prefix(b, 24).next().is_some())
        {
            continue;
        }
        if let Some(classes) = filing.classes_in(view) {
            found.push((
                breach.meta.name.clone(),
                breach.meta.class_names(classes).join(", "),
            ));
        }
    }
    found
}

/// Keys `entries` on up to `threads` threads, and matches them against
/// `snapshot` unless `matching` is `None` (they are then stored awaiting
/// their matching job).
fn key_and_match(
    key: &ServerKey,
    matching: Option<(&Snapshot, &Catalogue)>,
    entries: Vec<ReadEntry>,
    threads: usize,
) -> Result<Vec<KeyedEntry>, lekradar_prf::PrfError> {
    let chunk = entries.len().div_ceil(threads.max(1)).max(1);
    let mut parts: Vec<Vec<ReadEntry>> = Vec::new();
    let mut rest = entries;
    while rest.len() > chunk {
        let tail = rest.split_off(chunk);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    part.into_iter()
                        .map(|entry| {
                            let input = entry.identifier.prf_input();
                            let output = key.evaluate(&input)?;
                            let bucket = lekradar_prf::bucket(&input);
                            let hits = matching
                                .map(|(snapshot, catalogue)| {
                                    matches_of(snapshot, catalogue, &output, bucket)
                                })
                                .unwrap_or_default();
                            Ok(KeyedEntry {
                                entry,
                                prf_output: output.to_vec(),
                                bucket,
                                hits,
                                matched: matching.is_some(),
                            })
                        })
                        .collect::<Result<Vec<_>, lekradar_prf::PrfError>>()
                })
            })
            .collect();
        let mut out = Vec::new();
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(out)
    })
}

impl Service {
    /// Adds `entries` to `member`'s organisation's watchlist: the
    /// organisation's rules first, then one keyed evaluation per entry.
    pub async fn watch(
        &self,
        orgs: &Orgs,
        member: &Member,
        entries: Vec<ReadEntry>,
        source: &str,
    ) -> Result<Watched, OrgError> {
        let accepted = orgs.accept(member, entries).await?;
        let (snapshot, catalogue) = self.snapshot();
        let service = self.clone();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let to_key = accepted.entries;
        let inline = to_key.len() <= INLINE_MATCH_MAX;
        let keyed = tokio::task::spawn_blocking(move || {
            let matching = inline.then_some((&*snapshot, &*catalogue));
            key_and_match(service.key(), matching, to_key, threads)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "keying a watchlist did not finish");
            OrgError::Unavailable
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "keyed PRF failed");
            OrgError::Unavailable
        })?;
        let added = orgs.store_watch(member, keyed, source).await?;
        Ok(Watched {
            added,
            refused: accepted.refused,
        })
    }

    /// The `orgs.match-watch` job: matches entries an upload stored
    /// unmatched against the current snapshot, and records their hits; the
    /// same rule as an inline match (`matches_of`). Entries removed or
    /// matched meanwhile are skipped, so a repeated job changes nothing.
    pub(crate) async fn match_stored_entries(
        &self,
        work: lekradar_orgs::MatchWatch,
    ) -> Result<usize, lekradar_store::StoreError> {
        let (org, ids) = (work.org, work.ids);
        let entries = self
            .store()
            .run(move |c| {
                Box::pin(async move { lekradar_store::orgs::watch_to_match(c, org, &ids).await })
            })
            .await?;
        if entries.is_empty() {
            return Ok(0);
        }
        let (snapshot, catalogue) = self.snapshot();
        let (matched, hits) = tokio::task::spawn_blocking(move || {
            let mut hits = Vec::new();
            let mut matched = Vec::with_capacity(entries.len());
            for e in &entries {
                matched.push(e.id);
                let Ok(output) = <[u8; OUTPUT_LEN]>::try_from(e.prf_output.as_slice()) else {
                    continue;
                };
                for (breach, classes) in matches_of(&snapshot, &catalogue, &output, e.bucket) {
                    hits.push((e.id, breach, classes));
                }
            }
            (matched, hits)
        })
        .await
        .map_err(|_| {
            lekradar_store::StoreError::aborted("matching stored entries did not finish")
        })?;
        let n = matched.len();
        self.store()
            .transaction(move |c| {
                Box::pin(async move {
                    lekradar_store::orgs::finish_matching(c, org, &matched, &hits).await
                })
            })
            .await?;
        Ok(n)
    }

    /// Matches every organisation's watchlist against the new segments
    /// `work` of a new index generation (part of the `alerts.match` job, so
    /// once per generation across the servers): (entries read, new hits).
    pub(crate) async fn match_watchlists(
        &self,
        snapshot: &Arc<Snapshot>,
        work: &Arc<Vec<Fresh>>,
    ) -> Result<(u64, u64), lekradar_store::StoreError> {
        let (mut read, mut added) = (0u64, 0u64);
        let mut after = 0;
        loop {
            let page = self
                .store()
                .run(move |c| {
                    Box::pin(
                        async move { lekradar_store::orgs::watch_scan_page(c, after, PAGE).await },
                    )
                })
                .await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            read += page.len() as u64;
            let full = page.len() as i64 == PAGE;
            let (w, snap) = (Arc::clone(work), Arc::clone(snapshot));
            let hits = tokio::task::spawn_blocking(move || {
                match_page(&snap, &w, &page)
                    .into_iter()
                    .filter_map(|(id, index, classes)| {
                        let fresh = w.iter().find(|f| f.index == index)?;
                        if !fresh.breach.listable_for_accounts() {
                            return None;
                        }
                        Some((
                            id,
                            fresh.breach.meta.name.clone(),
                            fresh.breach.meta.class_names(classes).join(", "),
                        ))
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|_| lekradar_store::StoreError::aborted("matching a page did not finish"))?;
            for batch in hits.chunks(500).map(<[_]>::to_vec) {
                added += self
                    .store()
                    .transaction(move |c| {
                        Box::pin(
                            async move { lekradar_store::orgs::add_watch_hits(c, &batch).await },
                        )
                    })
                    .await?;
            }
            if !full {
                break;
            }
        }
        Ok((read, added))
    }

    /// Tells the organisations whose people the new breaches of `work`
    /// hold (once per organisation and breach; see `lekradar_orgs::alerts`).
    pub(crate) async fn tell_orgs(&self, work: &[Fresh]) -> Result<lekradar_orgs::Told, OrgError> {
        let (Some(orgs), Ok(messaging)) = (self.orgs(), self.messaging()) else {
            return Ok(lekradar_orgs::Told::default());
        };
        let news: Vec<BreachNews> = work
            .iter()
            .filter(|f| f.breach.listable_for_accounts())
            .map(|f| {
                let meta = &f.breach.meta;
                BreachNews {
                    name: meta.name.clone(),
                    items: Lang::ALL
                        .into_iter()
                        .map(|lang| {
                            let tr = messaging.l10n.tr(lang);
                            let staff = StaffMessage::new(meta, &tr);
                            let item = BreachItem {
                                name: meta.name.clone(),
                                title: meta.title.clone(),
                                breach_date: tr.date(&meta.breach_date),
                                added: tr.date(&meta.added_date.date_naive()),
                                classes: Vec::new(),
                                people: None,
                                staff: None,
                            };
                            let text =
                                format!("{}\n\n{}", staff.subject, staff.paragraphs.join("\n\n"));
                            (lang, item, text)
                        })
                        .collect(),
                }
            })
            .collect();
        let l10n = Arc::clone(&messaging.l10n);
        let classes: ClassNames = Arc::new(move |lang, name| l10n.tr(lang).class(name));
        orgs.tell(&news, classes).await
    }

    /// How many email addresses at `domain` (canonical) each breach holds,
    /// whoever's they are, as ingest counted them per keyed domain; the
    /// breaches an organisation's people are matched in only (sensitive
    /// ones and those alerts leave out are left out), most addresses first.
    /// For the reports of an organisation that proved it holds `domain`.
    pub fn domain_exposure(&self, domain: &str) -> Vec<(Arc<lekradar_catalogue::Breach>, u64)> {
        let (snapshot, catalogue) = self.snapshot();
        let mut out: Vec<_> =
            lekradar_check::domain_counts(&self.0.domain_keyer, &snapshot, domain)
                .into_iter()
                .filter_map(|(view, n)| {
                    let breach = catalogue.of_index(view.name())?;
                    (!breach.meta.is_sensitive && crate::alerts::alertable(breach))
                        .then(|| (Arc::clone(breach), n))
                })
                .collect();
        out.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| a.0.meta.name.cmp(&b.0.meta.name))
        });
        out
    }

    /// The catalogue's breach `name`, for reports.
    pub fn breach_named(&self, name: &str) -> Option<Arc<lekradar_catalogue::Breach>> {
        let (_, catalogue) = self.snapshot();
        catalogue.of_index(name).cloned()
    }
}
