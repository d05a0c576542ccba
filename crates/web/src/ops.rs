//! Operations endpoints: `/healthz` (the process answers), `/readyz` (the
//! index and the metadata store can be used) and `/metrics` (Prometheus,
//! OpenMetrics text).
//!
//! Metrics and the details of readiness are for operators only: they are
//! served on the operator listener (`--ops-listen`), or on the public
//! listener to a request carrying the operator token (`--ops-token-file`,
//! `Authorization: Bearer …`). The public listener answers `/healthz` and a
//! bare `/readyz` (status code and `ready`) to anyone, for load balancers.
//! Review finding: `/metrics` was public, and counted owner-only page checks
//! as found or not found.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// Marks requests that came in on the operator listener.
#[derive(Debug, Clone, Copy)]
pub struct OperatorListener;

/// The public listener's operations routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The operator listener's routes: the same, every request an operator's.
pub fn operator_router() -> Router<AppState> {
    router()
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: /healthz, /readyz, /metrics\n",
            )
        })
        .layer(Extension(OperatorListener))
}

/// Whether the operator may be answered: on the operator listener, or with
/// the operator token.
enum Access {
    Operator,
    /// No token configured: operator data is not served on this listener.
    NotHere,
    /// A token is configured and this request did not carry it.
    Denied,
}

fn access(state: &AppState, on_operator_listener: bool, headers: &HeaderMap) -> Access {
    if on_operator_listener {
        return Access::Operator;
    }
    let Some(token) = &state.config.ops_token else {
        return Access::NotHere;
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t);
    match presented {
        Some(t) if token.matches(t) => Access::Operator,
        _ => Access::Denied,
    }
}

/// The answer to a request that may not see operator data.
fn refused(access: Access) -> Option<Response> {
    Some(match access {
        Access::Operator => return None,
        Access::NotHere => (
            StatusCode::NOT_FOUND,
            "not served here: operator endpoints are on the operator listener (--ops-listen) or need the operator token (--ops-token-file)\n",
        )
            .into_response(),
        Access::Denied => {
            let mut r = (
                StatusCode::UNAUTHORIZED,
                "the operator token is missing or wrong (Authorization: Bearer …)\n",
            )
                .into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"lekradar-operator\""),
            );
            r
        }
    })
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// What `/readyz` reports to operators (others get `ready` only).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub ready: bool,
    /// Generation of the index manifest in service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_generation: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaches: Option<u64>,
    /// `sqlite` or `postgres`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_ok: Option<bool>,
    /// Where the index lives (a directory or an object storage URL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Whether the last look for a new generation reached the index's
    /// storage; while it does not, the generation above stays in service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_reachable: Option<bool>,
}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    security((), ("operator" = [])),
    responses(
        (status = 200, description = "Ready to answer checks (details for operators: on the operator listener or with the operator token)", body = Readiness),
        (status = 503, description = "Not ready: the metadata store cannot be reached", body = Readiness),
    ))]
pub async fn readyz(
    State(state): State<AppState>,
    operator: Option<Extension<OperatorListener>>,
    headers: HeaderMap,
) -> Response {
    let details = matches!(
        access(&state, operator.is_some(), &headers),
        Access::Operator
    );
    let (snapshot, catalogue) = state.service.snapshot();
    let store_ok = match state.service.store().ping().await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "metadata store not reachable");
            false
        }
    };
    let body = Readiness {
        ready: store_ok,
        index_generation: details.then(|| snapshot.generation()),
        breaches: details.then(|| catalogue.all().len() as u64),
        store: details.then(|| state.service.store().backend().to_string()),
        store_ok: details.then_some(store_ok),
        index: details.then(|| state.service.index_location()),
        index_reachable: details.then(|| state.service.index_reachable()),
    };
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    security(("operator" = [])),
    responses(
        (status = 200, description = "Prometheus metrics (OpenMetrics text), on the operator listener or with the operator token", body = String, content_type = "application/openmetrics-text"),
        (status = 401, description = "A token is configured and this request did not carry it", body = String, content_type = "text/plain"),
        (status = 404, description = "Not served on the public listener without a token configured", body = String, content_type = "text/plain"),
    ))]
pub async fn metrics(
    State(state): State<AppState>,
    operator: Option<Extension<OperatorListener>>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refused(access(&state, operator.is_some(), &headers)) {
        return refusal;
    }
    // Refresh the catalogue gauges if a new index was published.
    let _ = state.service.snapshot();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(),
    )
        .into_response()
}
