//! The state every handler shares: configuration, the index reader and the
//! catalogue decoded from it, the server key, the metadata store, the rate
//! budgets, metrics and translations, and the hand-off to the mailer for
//! owner-only answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use arc_swap::ArcSwap;
use lekradar_index::{IndexReader, Snapshot};
use lekradar_prf::ServerKey;
use lekradar_store::{ApiKeyInfo, Store, StoreError};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::advice::RenderedAdvice;
use crate::catalogue::Catalogue;
use crate::config::ServerConfig;
use crate::l10n::{L10n, Lang};
use crate::limits::Budgets;
use crate::metrics::Metrics;

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

/// Shared by all handlers (cheap to clone).
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

pub struct Inner {
    pub config: ServerConfig,
    pub index: IndexReader,
    pub key: ServerKey,
    pub store: Store,
    pub budgets: Budgets,
    pub metrics: Metrics,
    pub l10n: L10n,
    pub advice: RenderedAdvice,
    catalogue: ArcSwap<Catalogue>,
    owner_answers: mpsc::Sender<OwnerAnswer>,
    key_cache: Mutex<KeyCache>,
    /// Salt of the address names in shared budgets, derived from the server
    /// key so that every server holding it computes the same names.
    budget_salt: [u8; 32],
    /// The check form's tokens (key derived from the server key, so every
    /// server behind one load balancer accepts the others' forms).
    pub form_tokens: crate::csrf::FormToken,
}

/// Why a check may not be made now.
#[derive(Debug, Clone, Copy)]
pub enum DrawError {
    Limited(crate::limits::Denied),
    /// The shared budgets cannot be reached.
    Unavailable,
}

/// API key lookups by SHA-256 of the secret: the answer and when it was fetched.
type KeyCache = HashMap<[u8; 32], (Option<ApiKeyInfo>, Instant)>;

impl AppState {
    pub fn new(
        config: ServerConfig,
        index: IndexReader,
        key: ServerKey,
        store: Store,
        l10n: L10n,
        owner_answers: mpsc::Sender<OwnerAnswer>,
    ) -> AppState {
        let budgets = Budgets::new(&config.limits);
        // Derived from the secret scalar, not F(k, label): any client can
        // have F(k, label) evaluated obliviously, and with the salt a reader
        // of the budget rows could try every IPv4 address.
        let budget_salt: [u8; 32] = *key.derive_secret(b"lekradar:v1:budget-address-names");
        let form_tokens =
            crate::csrf::FormToken::new(*key.derive_secret(b"lekradar:v1:form-tokens"));
        let catalogue = Catalogue::build(&index.snapshot());
        let metrics = Metrics::new();
        metrics.observe_catalogue(&catalogue);
        AppState(Arc::new(Inner {
            config,
            index,
            key,
            store,
            budgets,
            metrics,
            advice: RenderedAdvice::new(&l10n),
            l10n,
            catalogue: ArcSwap::from_pointee(catalogue),
            owner_answers,
            key_cache: Mutex::new(HashMap::new()),
            budget_salt,
            form_tokens,
        }))
    }
}

impl Inner {
    /// The index snapshot for one request and the catalogue of the same
    /// generation (rebuilt here when a newer manifest was published).
    pub fn snapshot(&self) -> (Arc<Snapshot>, Arc<Catalogue>) {
        let snapshot = self.index.snapshot();
        let current = self.catalogue.load_full();
        if current.generation() == snapshot.generation() {
            return (snapshot, current);
        }
        let fresh = Arc::new(Catalogue::build(&snapshot));
        self.metrics.observe_catalogue(&fresh);
        self.catalogue.store(Arc::clone(&fresh));
        (snapshot, fresh)
    }

    /// Picks up a newly published index; called periodically.
    pub fn reload(&self) {
        match self.index.reload() {
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

    /// The key `secret` belongs to, if it is valid and not revoked; cached
    /// for `config.api_key_cache`.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<ApiKeyInfo>, StoreError> {
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        {
            let cache = self.key_cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((info, at)) = cache.get(&digest) {
                if at.elapsed() < self.config.api_key_cache {
                    return Ok(info.clone());
                }
            }
        }
        let info = self.store.authenticate(secret).await?;
        let mut cache = self.key_cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 10_000 {
            let ttl = self.config.api_key_cache;
            cache.retain(|_, (_, at)| at.elapsed() < ttl);
        }
        cache.insert(digest, (info.clone(), Instant::now()));
        Ok(info)
    }

    /// Draws one check (one PRF evaluation) from the caller's budget — its
    /// key's if it has one, else its address's — and the global one; in the
    /// metadata store when budgets are shared, else in memory.
    pub async fn draw_check(
        &self,
        key: Option<&ApiKeyInfo>,
        ip: std::net::IpAddr,
    ) -> Result<(), DrawError> {
        if !self.config.shared_budgets {
            let local = match key {
                Some(key) => self.budgets.check_by_key(key),
                None => self.budgets.check_by_address(ip),
            };
            return local.map_err(DrawError::Limited);
        }
        use crate::limits::{address_tiers, Budget, Denied};
        let limits = &self.config.limits;
        let mut draws: Vec<(String, lekradar_store::Rate, Budget)> = match key {
            Some(key) => vec![(format!("key:{}", key.id), key.rate, Budget::ApiKey)],
            None => address_tiers(ip)
                .into_iter()
                .map(|(budget, bucket)| {
                    let digest = Sha256::new()
                        .chain_update(self.budget_salt)
                        .chain_update(bucket.bytes())
                        .finalize();
                    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
                    let (prefix, rate) = match budget {
                        Budget::Address => ("addr", limits.per_address),
                        Budget::Subnet => ("subnet", limits.per_subnet),
                        _ => ("site", limits.per_site),
                    };
                    (format!("{prefix}:{hex}"), rate, budget)
                })
                .collect(),
        };
        draws.push(("global".to_owned(), limits.global, Budget::Global));
        for (name, rate, budget) in draws {
            match self.store.draw(&name, rate).await {
                Ok(lekradar_store::Draw::Allowed) => {}
                Ok(lekradar_store::Draw::Denied { retry_after }) => {
                    return Err(DrawError::Limited(Denied {
                        budget,
                        retry_after,
                    }));
                }
                Err(e) => {
                    tracing::error!(error = %e, "shared budgets unavailable");
                    return Err(DrawError::Unavailable);
                }
            }
        }
        Ok(())
    }

    /// Counts a check that was answered: found or not found, except in
    /// owner-only mode, where no metric may tell the two apart (`answered`).
    pub fn count_check(&self, api: &'static str, found: bool) {
        let outcome = match (self.config.mode, found) {
            (crate::config::Mode::OwnerOnly, _) => "answered",
            (_, true) => "found",
            (_, false) => "not_found",
        };
        self.metrics.check(api, outcome);
    }

    /// Hands an owner-only answer to the mailer; false when its queue is full.
    pub fn hand_to_mailer(&self, answer: OwnerAnswer) -> bool {
        // Counted before the hand-off, so that whoever receives the answer
        // sees the count already moved.
        self.metrics.owner_answers.inc();
        match self.owner_answers.try_send(answer) {
            Ok(()) => true,
            Err(_) => {
                self.metrics.owner_answers_dropped.inc();
                tracing::warn!("mailer queue full or closed; owner-only answer dropped");
                false
            }
        }
    }
}
