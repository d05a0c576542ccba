//! Prometheus metrics (`/metrics`), in one registry per server (no global
//! recorder, so tests can run several servers in one process). Labels are
//! route templates, methods, statuses and outcomes — never an identifier, a
//! breach-specific answer or a client address.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::catalogue::Catalogue;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: &'static str,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: &'static str,
}

/// A route template as a `&'static str`, for labels without an allocation
/// per request. Route templates are a small fixed set (the router's), so
/// each is leaked once.
pub fn intern_route(route: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{OnceLock, RwLock};
    static ROUTES: OnceLock<RwLock<HashSet<&'static str>>> = OnceLock::new();
    let routes = ROUTES.get_or_init(Default::default);
    if let Some(r) = routes.read().unwrap_or_else(|p| p.into_inner()).get(route) {
        return r;
    }
    let mut write = routes.write().unwrap_or_else(|p| p.into_inner());
    if let Some(r) = write.get(route) {
        return r;
    }
    let leaked: &'static str = Box::leak(route.to_owned().into_boxed_str());
    write.insert(leaked);
    leaked
}

/// The method as a label: the standard ones by name, anything else `other`.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "other",
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CheckLabels {
    /// `hibp`, `native` or `page`.
    pub api: &'static str,
    /// `found`, `not_found`, `invalid` or `limited`.
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BudgetLabels {
    pub budget: &'static str,
}

fn latency_histogram() -> Histogram {
    // 50 µs .. ~1.6 s
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: Family<RouteLabels, Histogram>,
    pub checks: Family<CheckLabels, Counter>,
    pub rate_limited: Family<BudgetLabels, Counter>,
    pub owner_answers: Counter,
    pub index_generation: Gauge,
    pub breaches: Gauge,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("lekradar");
        let requests = Family::<RequestLabels, Counter>::default();
        let request_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let checks = Family::<CheckLabels, Counter>::default();
        let rate_limited = Family::<BudgetLabels, Counter>::default();
        let owner_answers = Counter::default();
        let index_generation = Gauge::default();
        let breaches = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route template",
            request_seconds.clone(),
        );
        registry.register(
            "checks",
            "Identifier checks by interface and outcome",
            checks.clone(),
        );
        registry.register(
            "rate_limited",
            "Requests refused because a budget ran out",
            rate_limited.clone(),
        );
        registry.register(
            "owner_answers",
            "Owner-only answers handed to the mailer",
            owner_answers.clone(),
        );
        registry.register(
            "index_generation",
            "Generation of the index manifest in service",
            index_generation.clone(),
        );
        registry.register(
            "breaches",
            "Breaches in the catalogue, retired ones included",
            breaches.clone(),
        );
        Metrics {
            registry,
            requests,
            request_seconds,
            checks,
            rate_limited,
            owner_answers,
            index_generation,
            breaches,
        }
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

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
