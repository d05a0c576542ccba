//! The service's metrics, registered into the server's registry by whoever
//! serves them. Labels are interfaces, outcomes and budget names — never an
//! identifier, a breach-specific answer or a client address.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use lekradar_catalogue::Catalogue;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CheckLabels {
    /// `hibp`, `native`, `page` or `private`.
    pub api: &'static str,
    /// `found`, `not_found`, `invalid`, `limited`, `bad_token` (the check
    /// form without its token), `evaluated` (private), or where answers are
    /// concealed `answered` and `accepted` (an owner-only page's check, made
    /// after the answer), never found or not found.
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BudgetLabels {
    pub budget: &'static str,
}

/// Counters and gauges of checks, budgets, owner answers and the index.
#[derive(Clone, Default)]
pub struct ServiceMetrics {
    pub checks: Family<CheckLabels, Counter>,
    pub rate_limited: Family<BudgetLabels, Counter>,
    pub owner_answers: Counter,
    pub owner_answers_dropped: Counter,
    pub index_generation: Gauge,
    pub breaches: Gauge,
    pub index_reachable: Gauge,
    pub index_reload_failures: Counter,
}

impl ServiceMetrics {
    /// Registers every metric (under the registry's prefix).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "checks",
            "Identifier checks by interface and outcome",
            self.checks.clone(),
        );
        registry.register(
            "rate_limited",
            "Requests refused because a budget ran out",
            self.rate_limited.clone(),
        );
        registry.register(
            "owner_answers",
            "Owner-only answers made for the mailer",
            self.owner_answers.clone(),
        );
        registry.register(
            "owner_answers_dropped",
            "Owner-only answers dropped because the mailer's queue was full or closed",
            self.owner_answers_dropped.clone(),
        );
        registry.register(
            "index_generation",
            "Generation of the index manifest in service",
            self.index_generation.clone(),
        );
        registry.register(
            "breaches",
            "Breaches in the catalogue, retired ones included",
            self.breaches.clone(),
        );
        registry.register(
            "index_storage_reachable",
            "1 when the last look for a new index generation reached the index's storage, 0 while it cannot (the last good generation is served)",
            self.index_reachable.clone(),
        );
        registry.register(
            "index_reload_failures",
            "Looks for a new index generation that failed (storage unreachable, a damaged or missing file)",
            self.index_reload_failures.clone(),
        );
    }

    pub fn observe_catalogue(&self, catalogue: &Catalogue) {
        self.index_generation
            .set(i64::try_from(catalogue.generation()).unwrap_or(i64::MAX));
        self.breaches
            .set(i64::try_from(catalogue.all().len()).unwrap_or(i64::MAX));
    }

    pub fn check(&self, api: &'static str, outcome: &'static str) {
        self.checks
            .get_or_create(&CheckLabels { api, outcome })
            .inc();
    }

    pub fn limited(&self, budget: &'static str) {
        self.rate_limited
            .get_or_create(&BudgetLabels { budget })
            .inc();
    }
}
