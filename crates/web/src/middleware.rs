//! Layers around every route: API paths folded to lower case before routing
//! (HIBP's paths are case-insensitive), security headers (a strict
//! Content-Security-Policy, no sniffing, no framing, no referrer), and one
//! observation per request: metrics by route template and a debug-level
//! access line that names the route template, never the path itself (paths
//! carry identifiers) nor the client address.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderName, HeaderValue, Uri};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::{RequestLabels, RouteLabels};
use crate::state::AppState;

/// The Content-Security-Policy of every response: nothing from elsewhere,
/// no inline styles or scripts, forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The headers added to every response that does not set them itself.
pub fn security_headers() -> Vec<(HeaderName, HeaderValue)> {
    [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
    .collect()
}

/// How many leading segments of `/api/...` paths are fixed words (folded to
/// lower case); later segments are parameters (an account, a breach name)
/// and keep their case.
fn fixed_segments(segments: &[&str]) -> usize {
    let lower = |i: usize| segments.get(i).map(|s| s.to_ascii_lowercase());
    match (lower(1).as_deref(), lower(2).as_deref()) {
        (Some("v3"), _) => 3,
        (Some("v1"), Some("private")) => 4,
        (Some("v1"), _) => 3,
        _ => 2,
    }
}

/// The path with its fixed `/api` segments in lower case, when that differs.
pub fn fold_api_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    if !segments.first()?.eq_ignore_ascii_case("api") {
        return None;
    }
    let fixed = fixed_segments(&segments);
    let folded: Vec<String> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i < fixed {
                s.to_ascii_lowercase()
            } else {
                (*s).to_owned()
            }
        })
        .collect();
    let folded = format!("/{}", folded.join("/"));
    (folded != path).then_some(folded)
}

/// Rewrites the request URI with [`fold_api_path`] (runs before routing).
pub fn fold_request(mut request: Request) -> Request {
    let Some(folded) = fold_api_path(request.uri().path()) else {
        return request;
    };
    let path_and_query = match request.uri().query() {
        Some(q) => format!("{folded}?{q}"),
        None => folded,
    };
    let mut parts = request.uri().clone().into_parts();
    match path_and_query.parse::<PathAndQuery>() {
        Ok(pq) => parts.path_and_query = Some(pq),
        Err(_) => return request,
    }
    if let Ok(uri) = Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    request
}

/// Records metrics and a debug access line for each request.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.clone(),
            method: method.clone(),
            status,
        })
        .inc();
    state
        .metrics
        .request_seconds
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    tracing::debug!(
        target: "lekradar::access",
        method,
        route,
        status,
        micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_fixed_segments_only() {
        assert_eq!(
            fold_api_path("/API/V3/BreachedAccount/Jan@Example.nl").as_deref(),
            Some("/api/v3/breachedaccount/Jan@Example.nl")
        );
        assert_eq!(fold_api_path("/api/v3/breach/Adobe"), None);
        assert_eq!(
            fold_api_path("/Api/v3/LatestBreach").as_deref(),
            Some("/api/v3/latestbreach")
        );
        assert_eq!(
            fold_api_path("/api/V1/Private/Config").as_deref(),
            Some("/api/v1/private/config")
        );
        assert_eq!(
            fold_api_path("/api/V1/Breaches/DemoTelecom").as_deref(),
            Some("/api/v1/breaches/DemoTelecom")
        );
        assert_eq!(fold_api_path("/breaches/Telecom"), None);
        assert_eq!(fold_api_path(""), None);
    }
}
