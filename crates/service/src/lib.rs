//! The application layer: what a caller may do and the one check every
//! interface calls. No HTTP here: the pages, the native API, the HIBP API
//! and the private check (`lekradar-web`) are thin adapters that turn a
//! request into a call of [`Service`] and its answer or [`Refusal`] into a
//! response; the mailer, subscriptions and organisations will call it the
//! same way.
//!
//! One check, in this order, whatever the interface:
//!
//! 1. [`Service::admit`]: the deployment mode's rule for the interface
//!    ([`policy::rule`]) and the caller's API key, if it gave one;
//! 2. [`Service::check`]: read the identifier, the email-only rule of
//!    owner-only pages, draw one evaluation from the caller's budgets, then
//!    evaluate the keyed PRF and look up one index snapshot — or, when the
//!    answer goes by mail, accept now and check afterwards
//!    ([`CheckOutcome::ByMail`]);
//! 3. metrics by interface and outcome, never telling found from not found
//!    where the delivery is concealed.
//!
//! The private check ([`private`]) goes through the same admission and
//! budgets; the server never sees its identifier.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod advice;
pub mod alerts;
pub mod budgets;
mod config;
pub mod exposures;
pub mod identifiers;
mod metrics;
pub mod policy;
pub mod private;
pub mod watchlists;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use lekradar_catalogue::{Breach, Catalogue};
use lekradar_index::{IndexReader, Snapshot};
use lekradar_jobs::{JobError, Runner};
use lekradar_l10n::Lang;
use lekradar_normalize::{Identifier, IdentifierKind, Region};
use lekradar_prf::ServerKey;
use lekradar_store::{ApiKeyInfo, Store, StoreError};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

pub use alerts::{AlertError, Confirmed, MatchStats, Messaging, Subscribed};
pub use budgets::{Budget, Denied, MemoryBudgets};
pub use config::{DeploymentMode, Rates, ServiceConfig, UnknownMode};
pub use exposures::{Exposure, Exposures};
pub use identifiers::{read_identifier, IdentifierError, MAX_IDENTIFIER_BYTES};
pub use metrics::{BudgetLabels, CheckLabels, ServiceMetrics};
pub use policy::{Caller, Delivery, Interface, Refusal};
pub use watchlists::Watched;

/// An owner-only check's answer, handed to the mailer: it goes only to the
/// address that was checked, never to the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerAnswer {
    /// The canonical email address checked (and to be written to).
    pub to: String,
    pub lang: Lang,
    /// Empty when the address is in no breach we know.
    pub breaches: Vec<OwnerAnswerBreach>,
}

/// One breach in an [`OwnerAnswer`], with the classes of that person's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerAnswerBreach {
    pub name: String,
    pub title: String,
    pub data_classes: Vec<String>,
}

/// A caller the policy let through one interface, and how its answer goes.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub interface: Interface,
    pub caller: Caller,
    pub delivery: Delivery,
}

/// What a check asks.
#[derive(Debug, Clone, Copy)]
pub struct CheckQuery<'a> {
    /// The identifier as the caller wrote it (never logged).
    pub text: &'a str,
    /// Where a phone number without a country code is read.
    pub region: Region,
    /// The language an answer by mail is written in.
    pub lang: Lang,
}

/// The answer of a check.
#[derive(Debug)]
pub enum CheckOutcome {
    /// Show these (possibly none).
    OnScreen {
        id: Identifier,
        exposures: Exposures,
    },
    /// Accepted; the answer goes by mail to the address checked, and the
    /// response must be the same whatever it is.
    ByMail,
}

/// The service: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Service(Arc<Shared>);

struct Shared {
    config: ServiceConfig,
    index: IndexReader,
    key: ServerKey,
    store: Store,
    memory_budgets: MemoryBudgets,
    metrics: ServiceMetrics,
    catalogue: ArcSwap<Catalogue>,
    owner_answers: mpsc::Sender<OwnerAnswer>,
    /// Mail and SMS, when configured: owner-only answers and alerts.
    messaging: Option<Arc<Messaging>>,
    /// The index generation whose matching was last enqueued (`u64::MAX`:
    /// none yet).
    matched_generation: std::sync::atomic::AtomicU64,
    /// Whether the last look for a new index generation reached the
    /// index's storage (false while object storage is unreachable: the
    /// last good generation stays in service).
    index_reachable: std::sync::atomic::AtomicBool,
    /// Identifiers hidden from public search by their owner.
    opt_outs: ArcSwap<alerts::OptOuts>,
    /// A digest of the opt-outs (0: none), in the private buckets' ETags:
    /// an opt-out changes every bucket's ETag, so no cache keeps serving a
    /// bucket that still holds the entries. The same on every server
    /// reading the same store; it tells nothing of which bucket changed.
    opt_outs_version: std::sync::atomic::AtomicU64,
    key_cache: Mutex<KeyCache>,
    /// Salt of the address names in shared budgets, derived from the server
    /// key so that every server holding it computes the same names.
    budget_salt: [u8; 32],
    /// Keys email domains for the per-domain counts of organisations' reports.
    domain_keyer: lekradar_check::DomainKeyer,
}

/// API key lookups by SHA-256 of the secret: the answer and when it was fetched.
type KeyCache = HashMap<[u8; 32], (Option<ApiKeyInfo>, Instant)>;

impl Service {
    /// The answers of owner-only checks are handed on `owner_answers` (an
    /// observer: tests read it) and, with `messaging`, sent by mail or SMS.
    pub fn new(
        config: ServiceConfig,
        index: IndexReader,
        key: ServerKey,
        store: Store,
        owner_answers: mpsc::Sender<OwnerAnswer>,
        messaging: Option<Messaging>,
    ) -> Service {
        // Derived from the secret scalar, not F(k, label): any client can
        // have F(k, label) evaluated obliviously, and with the salt a reader
        // of the budget rows could try every IPv4 address.
        let budget_salt: [u8; 32] = *key.derive_secret(b"lekradar:v1:budget-address-names");
        let catalogue = Catalogue::build(&index.snapshot());
        let metrics = ServiceMetrics::default();
        // The reader opened the index before the service was made.
        metrics.index_reachable.set(1);
        metrics.observe_catalogue(&catalogue);
        Service(Arc::new(Shared {
            memory_budgets: MemoryBudgets::new(&config.rates),
            domain_keyer: lekradar_check::DomainKeyer::new(&key),
            config,
            index,
            key,
            store,
            metrics,
            catalogue: ArcSwap::from_pointee(catalogue),
            owner_answers,
            messaging: messaging.map(Arc::new),
            matched_generation: std::sync::atomic::AtomicU64::new(u64::MAX),
            index_reachable: std::sync::atomic::AtomicBool::new(true),
            opt_outs: ArcSwap::from_pointee(HashMap::new()),
            opt_outs_version: std::sync::atomic::AtomicU64::new(0),
            key_cache: Mutex::new(HashMap::new()),
            budget_salt,
        }))
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.0.config
    }

    pub fn mode(&self) -> DeploymentMode {
        self.0.config.mode
    }

    pub fn key(&self) -> &ServerKey {
        &self.0.key
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn index(&self) -> &IndexReader {
        &self.0.index
    }

    pub fn metrics(&self) -> &ServiceMetrics {
        &self.0.metrics
    }

    /// The index snapshot for one request and the catalogue of the same
    /// generation (rebuilt here when a newer manifest was published).
    pub fn snapshot(&self) -> (Arc<Snapshot>, Arc<Catalogue>) {
        let snapshot = self.0.index.snapshot();
        let current = self.0.catalogue.load_full();
        if current.generation() == snapshot.generation() {
            return (snapshot, current);
        }
        let fresh = Arc::new(Catalogue::build(&snapshot));
        self.0.metrics.observe_catalogue(&fresh);
        self.0.catalogue.store(Arc::clone(&fresh));
        (snapshot, fresh)
    }

    /// Picks up a newly published index (blocking: opens files); called
    /// periodically.
    pub fn reload(&self) {
        let result = self.0.index.reload();
        let reachable = result.is_ok();
        self.0
            .index_reachable
            .store(reachable, std::sync::atomic::Ordering::Relaxed);
        self.0.metrics.index_reachable.set(i64::from(reachable));
        if !reachable {
            self.0.metrics.index_reload_failures.inc();
        }
        match result {
            Ok(true) => {
                let (snapshot, catalogue) = self.snapshot();
                tracing::info!(
                    generation = snapshot.generation(),
                    breaches = catalogue.all().len(),
                    "published index picked up"
                );
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "index reload failed; serving the previous snapshot")
            }
        }
    }

    /// Whether the last look for a new generation reached the index's
    /// storage.
    pub fn index_reachable(&self) -> bool {
        self.0
            .index_reachable
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Where the index lives (a directory or an object storage URL).
    pub fn index_location(&self) -> String {
        self.0.index.storage().location()
    }

    /// Puts the service's background work on `runner`: picking up newly
    /// published indexes (every `reload_interval`, in this process),
    /// tidying the in-memory budgets (every minute, in this process) and
    /// forgetting idle shared budgets (hourly, once across the servers
    /// sharing the store).
    pub fn schedule(&self, runner: &mut Runner) {
        let service = self.clone();
        runner.every("index-reload", self.0.config.reload_interval, move || {
            let service = service.clone();
            Box::pin(async move {
                // A reload opens files: keep it off the async workers.
                let reloading = service.clone();
                tokio::task::spawn_blocking(move || reloading.reload())
                    .await
                    .map_err(|e| format!("index reload did not finish: {e}"))?;
                // A generation not matched yet (or the first seen): match
                // it against the subscriptions, once across the servers.
                let generation = service.0.index.snapshot().generation();
                let last = service
                    .0
                    .matched_generation
                    .swap(generation, std::sync::atomic::Ordering::Relaxed);
                if last != generation {
                    service.enqueue_matching().await;
                }
                service.refresh_opt_outs().await;
                Ok(())
            })
        });
        self.schedule_alerts(runner);
        if let Some(orgs) = self.orgs() {
            orgs.schedule(runner);
        }
        let service = self.clone();
        runner.every("memory-budgets", Duration::from_secs(60), move || {
            service.0.memory_budgets.housekeeping();
            Box::pin(async { Ok(()) })
        });
        schedule_cluster_work(runner, &self.0.store);
    }

    /// The key `secret` belongs to, if it is valid and not revoked; cached
    /// for `config.api_key_cache`.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<ApiKeyInfo>, StoreError> {
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let ttl = self.0.config.api_key_cache;
        {
            let cache = self.0.key_cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((info, at)) = cache.get(&digest) {
                if at.elapsed() < ttl {
                    return Ok(info.clone());
                }
            }
        }
        let info = self.0.store.api_keys().authenticate(secret).await?;
        let mut cache = self.0.key_cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 10_000 {
            cache.retain(|_, (_, at)| at.elapsed() < ttl);
        }
        cache.insert(digest, (info.clone(), Instant::now()));
        Ok(info)
    }

    /// Who is calling through `interface`, and whether the deployment mode
    /// lets it: the mode's rule, then the API key it gave (a key given
    /// must be valid, wherever it is given).
    pub async fn admit(
        &self,
        interface: Interface,
        ip: IpAddr,
        api_key: Option<&str>,
    ) -> Result<Admitted, Refusal> {
        let rule = policy::rule(self.mode(), interface, self.0.config.require_api_key);
        if rule.refused {
            return Err(Refusal::PrivateMode);
        }
        let caller = match api_key {
            None => Caller::Anonymous { ip },
            Some(secret) => self.identify(interface, ip, Some(secret)).await?,
        };
        let delivery = rule.admit(&caller)?;
        Ok(Admitted {
            interface,
            caller,
            delivery,
        })
    }

    /// Who is calling through `interface` for something that is not a check
    /// and draws no evaluation (a paste search, a bucket download): a key
    /// that is given must be valid; none is needed unless
    /// [`policy::lookup_needs_key`] says so.
    pub async fn identify(
        &self,
        interface: Interface,
        ip: IpAddr,
        api_key: Option<&str>,
    ) -> Result<Caller, Refusal> {
        match api_key {
            None if policy::lookup_needs_key(
                self.mode(),
                interface,
                self.0.config.require_api_key,
            ) =>
            {
                Err(Refusal::NeedsApiKey)
            }
            None => Ok(Caller::Anonymous { ip }),
            Some(secret) => match self.authenticate(secret).await {
                Ok(Some(key)) => Ok(Caller::ApiKey { key, ip }),
                Ok(None) => Err(Refusal::UnknownKey),
                Err(e) => {
                    tracing::error!(error = %e, "metadata store unavailable for an API key lookup");
                    Err(Refusal::Unavailable)
                }
            },
        }
    }

    /// One direct check for an admitted caller: read the identifier, draw
    /// one evaluation, then check now (on screen) or after the response (by
    /// mail). `keep` filters the breaches an interface shows (the HIBP
    /// API's `domain` and `includeUnverified`) before the outcome is
    /// counted.
    pub async fn check(
        &self,
        admitted: &Admitted,
        query: CheckQuery<'_>,
        keep: &(dyn Fn(&Breach) -> bool + Sync),
    ) -> Result<CheckOutcome, Refusal> {
        let api = admitted.interface.as_str();
        let metrics = &self.0.metrics;
        let id = read_identifier(query.text, query.region).map_err(|e| {
            metrics.check(api, "invalid");
            Refusal::Invalid(e)
        })?;
        let rule = policy::rule(
            self.mode(),
            admitted.interface,
            self.0.config.require_api_key,
        );
        if rule.email_only && id.kind() != IdentifierKind::Email && !self.sends_sms() {
            metrics.check(api, "invalid");
            return Err(Refusal::EmailOnly);
        }
        self.draw(admitted).await?;
        match admitted.delivery {
            Delivery::Mail => {
                // The same answer whatever the outcome, and given before the
                // check is made: its timing, size and status cannot depend
                // on it. The check runs afterwards and its answer goes to
                // the mailer only; counted as `accepted`.
                metrics.check(api, policy::answer_label(Delivery::Mail, false));
                let service = self.clone();
                let lang = query.lang;
                tokio::spawn(async move {
                    // Let the response be written first.
                    tokio::task::yield_now().await;
                    service.answer_owner(&id, lang);
                    service.send_owner_answer(&id, lang).await;
                });
                Ok(CheckOutcome::ByMail)
            }
            delivery @ Delivery::Screen { .. } => {
                let (snapshot, catalogue) = self.snapshot();
                let mut exposures =
                    exposures::check_identifier(&snapshot, catalogue, &self.0.key, &id).map_err(
                        |e| {
                            tracing::error!(error = %e, "keyed PRF failed");
                            Refusal::Unavailable
                        },
                    )?;
                exposures.found.retain(|e| keep(&e.breach));
                if !exposures.found.is_empty() && self.opted_out(&id) {
                    // Hidden by its owner: answered as in no breach.
                    exposures.found.clear();
                }
                metrics.check(
                    api,
                    policy::answer_label(delivery, !exposures.found.is_empty()),
                );
                Ok(CheckOutcome::OnScreen { id, exposures })
            }
        }
    }

    /// Draws one catalogue read from the address's budget.
    pub fn read_budget(&self, ip: IpAddr) -> Result<(), Denied> {
        self.0.memory_budgets.read(ip).inspect_err(|denied| {
            self.0.metrics.limited(denied.budget.as_str());
        })
    }

    /// Draws one check (one PRF evaluation) from the caller's budget — its
    /// key's if it has one, else its address's — and the global one; in the
    /// metadata store when budgets are shared, else in memory. Counts a
    /// refusal.
    async fn draw(&self, admitted: &Admitted) -> Result<(), Refusal> {
        let drawn = self.draw_budgets(&admitted.caller).await;
        if let Err(Refusal::Limited(denied)) = &drawn {
            self.0.metrics.check(admitted.interface.as_str(), "limited");
            self.0.metrics.limited(denied.budget.as_str());
        }
        drawn
    }

    /// Draws one request from an anonymous caller's budgets (a form that
    /// sends mail costs what a check costs).
    pub async fn draw_anonymous(&self, ip: std::net::IpAddr) -> Result<(), Refusal> {
        self.draw_budgets(&Caller::Anonymous { ip }).await
    }

    /// One draw from `key`'s budget (and the global one) for a request that
    /// is not a check: an organisation's domain search.
    pub async fn draw_key(
        &self,
        key: lekradar_store::ApiKeyInfo,
        ip: std::net::IpAddr,
    ) -> Result<(), Refusal> {
        self.draw_budgets(&Caller::ApiKey { key, ip }).await
    }

    async fn draw_budgets(&self, caller: &Caller) -> Result<(), Refusal> {
        if !self.0.config.shared_budgets {
            let local = match caller {
                Caller::ApiKey { key, .. } => self.0.memory_budgets.check_by_key(key),
                Caller::Anonymous { ip } => self.0.memory_budgets.check_by_address(*ip),
            };
            return local.map_err(Refusal::Limited);
        }
        let rates = &self.0.config.rates;
        let mut draws: Vec<(String, lekradar_store::Rate, Budget)> = match caller {
            Caller::ApiKey { key, .. } => {
                vec![(format!("key:{}", key.id), key.rate, Budget::ApiKey)]
            }
            Caller::Anonymous { ip } => budgets::address_tiers(*ip)
                .into_iter()
                .map(|(budget, bucket)| {
                    let digest = Sha256::new()
                        .chain_update(self.0.budget_salt)
                        .chain_update(bucket.bytes())
                        .finalize();
                    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
                    let (prefix, rate) = match budget {
                        Budget::Address => ("addr", rates.per_address),
                        Budget::Subnet => ("subnet", rates.per_subnet),
                        _ => ("site", rates.per_site),
                    };
                    (format!("{prefix}:{hex}"), rate, budget)
                })
                .collect(),
        };
        draws.push(("global".to_owned(), rates.global, Budget::Global));
        for (name, rate, budget) in draws {
            match self.0.store.budgets().draw(&name, rate).await {
                Ok(lekradar_store::Draw::Allowed) => {}
                Ok(lekradar_store::Draw::Denied { retry_after }) => {
                    return Err(Refusal::Limited(Denied {
                        budget,
                        retry_after,
                    }));
                }
                Err(e) => {
                    tracing::error!(error = %e, "shared budgets unavailable");
                    return Err(Refusal::Unavailable);
                }
            }
        }
        Ok(())
    }

    /// An owner-only check, made after its response was given: the answer
    /// goes to the mailer (the same hand-off whatever the outcome).
    fn answer_owner(&self, id: &Identifier, lang: Lang) {
        let (snapshot, catalogue) = self.snapshot();
        let breaches = match exposures::check_identifier(&snapshot, catalogue, &self.0.key, id) {
            Ok(exposures) => exposures
                .found
                .iter()
                .map(|e| OwnerAnswerBreach {
                    name: e.breach.meta.name.clone(),
                    title: e.breach.meta.title.clone(),
                    data_classes: e.classes.clone(),
                })
                .collect(),
            Err(e) => {
                // Nothing can be sent; the person sees the same page anyway.
                tracing::error!(error = %e, "keyed PRF failed for an owner-only check");
                return;
            }
        };
        self.hand_to_mailer(OwnerAnswer {
            to: id.canonical().to_owned(),
            lang,
            breaches,
        });
    }

    /// Hands an owner-only answer to the mailer; false when its queue is full.
    fn hand_to_mailer(&self, answer: OwnerAnswer) -> bool {
        // Counted before the hand-off, so that whoever receives the answer
        // sees the count already moved.
        self.0.metrics.owner_answers.inc();
        match self.0.owner_answers.try_send(answer) {
            Ok(()) => true,
            Err(_) => {
                self.0.metrics.owner_answers_dropped.inc();
                tracing::warn!("mailer queue full or closed; owner-only answer dropped");
                false
            }
        }
    }
}

/// The background work done once across every server sharing `store`
/// (what `lekradar worker` runs without serving): forgetting idle shared
/// budgets, hourly.
pub fn schedule_cluster_work(runner: &mut Runner, store: &Store) {
    let store = store.clone();
    runner.every_in_cluster(
        "budgets.forget-idle",
        Duration::from_secs(3600),
        move || {
            let store = store.clone();
            Box::pin(async move {
                let n = store
                    .budgets()
                    .forget_idle()
                    .await
                    .map_err(|e| JobError::Transient(e.to_string()))?;
                tracing::debug!(forgotten = n, "idle shared budgets removed");
                Ok(())
            })
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<Service>();
    }
}
