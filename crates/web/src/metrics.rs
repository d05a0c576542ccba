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

use std::sync::Mutex;

use lekradar_service::ServiceMetrics;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: &'static str,
    pub method: &'static str,
    pub status: StatusLabel,
}

/// A response status as a label: its code, or `answered` for a check's
/// answer in owner-only mode, whose status (HIBP: 200 found, 404 not found)
/// would tell the outcome.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct StatusLabel(pub Option<u16>);

impl StatusLabel {
    pub const ANSWERED: StatusLabel = StatusLabel(None);
}

impl prometheus_client::encoding::EncodeLabelValue for StatusLabel {
    fn encode(
        &self,
        encoder: &mut prometheus_client::encoding::LabelValueEncoder,
    ) -> Result<(), std::fmt::Error> {
        use std::fmt::Write;
        match self.0 {
            Some(code) => write!(encoder, "{code}"),
            None => encoder.write_str("answered"),
        }
    }
}

impl std::fmt::Display for StatusLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(code) => write!(f, "{code}"),
            None => f.write_str("answered"),
        }
    }
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
pub struct ReasonLabels {
    /// `total` (the server's connection cap), `address` (one address's cap).
    pub reason: &'static str,
}

fn latency_histogram() -> Histogram {
    // 50 µs .. ~1.6 s
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

/// The server's metrics: its own (HTTP, connections) and the service's.
pub struct Metrics {
    registry: Mutex<Registry>,
    /// The checks, budgets and index (`lekradar-service`).
    pub service: ServiceMetrics,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: Family<RouteLabels, Histogram>,
    /// Requests refused because a browser sent them for another site.
    pub cross_site_refused: Counter,
    /// Open client connections.
    pub connections: Gauge,
    /// Connections closed at once because a cap was reached.
    pub connections_refused: Family<ReasonLabels, Counter>,
    /// Idle connections closed to make room for a new one at the cap.
    pub connections_evicted: Counter,
    /// Connections closed for sending no request within the idle or header
    /// timeout.
    pub connections_timed_out: Counter,
}

impl Metrics {
    pub fn new(service: &ServiceMetrics) -> Metrics {
        let mut registry = Registry::with_prefix("lekradar");
        let requests = Family::<RequestLabels, Counter>::default();
        let request_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let cross_site_refused = Counter::default();
        let connections = Gauge::default();
        let connections_refused = Family::<ReasonLabels, Counter>::default();
        let connections_evicted = Counter::default();
        let connections_timed_out = Counter::default();
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
            "cross_site_refused",
            "State-changing or budget-spending requests refused because a browser sent them for another site",
            cross_site_refused.clone(),
        );
        registry.register(
            "connections",
            "Open client connections",
            connections.clone(),
        );
        registry.register(
            "connections_refused",
            "Connections closed at once because a connection cap was reached",
            connections_refused.clone(),
        );
        registry.register(
            "connections_evicted",
            "Idle connections closed to make room at the server's connection cap",
            connections_evicted.clone(),
        );
        registry.register(
            "connections_timed_out",
            "Connections closed for sending no complete request within the header or idle timeout",
            connections_timed_out.clone(),
        );
        service.register(&mut registry);
        Metrics {
            registry: Mutex::new(registry),
            service: service.clone(),
            requests,
            request_seconds,
            cross_site_refused,
            connections,
            connections_refused,
            connections_evicted,
            connections_timed_out,
        }
    }

    /// Adds metrics to the ones served.
    pub fn register_more(&self, register: impl FnOnce(&mut Registry)) {
        register(&mut self.registry.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if encode(&mut out, &registry).is_err() {
            out.clear();
        }
        out
    }
}
