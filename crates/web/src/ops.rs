//! Operations endpoints: `/healthz` (the process answers), `/readyz` (the
//! index and the metadata store can be used) and `/metrics` (Prometheus,
//! OpenMetrics text).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// What `/readyz` reports.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub ready: bool,
    /// Generation of the index manifest in service.
    pub index_generation: u64,
    pub breaches: u64,
    /// `sqlite` or `postgres`.
    pub store: String,
    pub store_ok: bool,
}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to answer checks", body = Readiness),
        (status = 503, description = "Not ready: the metadata store cannot be reached", body = Readiness),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let (snapshot, catalogue) = state.snapshot();
    let store_ok = match state.store.ping().await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "metadata store not reachable");
            false
        }
    };
    let body = Readiness {
        ready: store_ok,
        index_generation: snapshot.generation(),
        breaches: catalogue.all().len() as u64,
        store: state.store.backend().to_string(),
        store_ok,
    };
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus metrics (OpenMetrics text)", body = String, content_type = "application/openmetrics-text")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    // Refresh the catalogue gauges if a new index was published.
    let _ = state.snapshot();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
