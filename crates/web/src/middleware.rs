//! Layers around every route: API paths folded to lower case before routing
//! (HIBP's paths are case-insensitive), security headers (a strict
//! Content-Security-Policy, no sniffing, no framing, no referrer), and one
//! observation per request: metrics by route template and a debug-level
//! access line that names the route template, never the path itself (paths
//! carry identifiers) nor the client address; and the refusal of requests
//! other sites make (`crate::csrf` says what counts as one).

use std::time::Instant;

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::uri::PathAndQuery;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::metrics::{intern_route, method_label, RequestLabels, RouteLabels, StatusLabel};
use crate::state::AppState;
use lekradar_service::DeploymentMode;

/// The Content-Security-Policy of every response: nothing from elsewhere,
/// no inline styles or scripts, forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the [`SECURITY_HEADERS`] a response does not set itself.
pub fn security_headers<B>(mut response: axum::http::Response<B>) -> axum::http::Response<B> {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(*name) {
            headers.insert(*name, HeaderValue::from_static(value));
        }
    }
    response
}

/// The headers every response carries.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
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
];

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
    // Most requests already use lower case: no allocation for them.
    if segments
        .iter()
        .take(fixed)
        .all(|s| !s.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return None;
    }
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
pub fn fold_request<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
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

/// Records metrics and a debug access line for each request. In owner-only
/// mode a check's answer (marked [`CheckAnswer`] by its handler) is counted
/// with the status `answered` and not timed: HIBP's 200 or 404, or the time
/// taken to build a longer answer, would tell found from not found.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Only patterns reach the labels: a route template or "unmatched"
    // (never the path of an unmatched request, which may hold anything).
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| intern_route(m.as_str()))
        .unwrap_or("unmatched");
    let method = method_label(request.method());
    let start = Instant::now();
    let response = next.run(request).await;
    let elapsed = start.elapsed();
    let concealed = state.service.mode() == DeploymentMode::OwnerOnly
        && response.extensions().get::<CheckAnswer>().is_some();
    let status = if concealed {
        StatusLabel::ANSWERED
    } else {
        StatusLabel(Some(response.status().as_u16()))
    };
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status,
        })
        .inc();
    if concealed {
        tracing::debug!(target: "lekradar::access", method, route, status = %status, "request");
        return response;
    }
    state
        .metrics
        .request_seconds
        .get_or_create(&RouteLabels { route })
        .observe(elapsed.as_secs_f64());
    tracing::debug!(
        target: "lekradar::access",
        method,
        route,
        status = %status,
        micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

/// Marks a response as the answer to an identifier check (see [`observe`]).
#[derive(Debug, Clone, Copy)]
pub struct CheckAnswer;

/// `response`, marked as a check's answer.
pub fn check_answer(mut response: Response) -> Response {
    response.extensions_mut().insert(CheckAnswer);
    response
}

/// Refuses cross-site requests that change state or spend a budget (runs
/// before routing, on folded paths).
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !crate::csrf::guarded(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let Some(reason) = crate::csrf::cross_site(request.headers()) else {
        return next.run(request).await;
    };
    state.metrics.cross_site_refused.inc();
    let path = request.uri().path().to_owned();
    if path.starts_with("/api/v1/") {
        return crate::error::ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            format!("refused: {reason}; checks are made from this site's own pages or by programs, not by other websites"),
        )
        .into_response();
    }
    if path.starts_with("/api/") {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("Forbidden — {reason}."),
        )
            .into_response();
    }
    let (mut parts, _) = request.into_parts();
    let lang = match crate::pages::PageLang::from_request_parts(&mut parts, &state).await {
        Ok(lang) => lang,
        Err(never) => match never {},
    };
    crate::pages::cross_site_page(&state, &lang)
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
