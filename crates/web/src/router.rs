//! Every route in one place, grouped by consumer, and the layers around
//! them. [`App`] is the whole service: `router()` for tests that drive it
//! in-process, `into_service()` for `serve`.

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use lekradar_index::IndexReader;
use lekradar_prf::ServerKey;
use lekradar_store::Store;
use tokio::sync::mpsc;

use crate::config::ServerConfig;
use crate::l10n::L10n;
use crate::state::{AppState, OwnerAnswer};
use crate::{csrf, hibp, middleware, native, openapi, ops, pages};

/// The server: state plus routes.
#[derive(Clone)]
pub struct App {
    state: AppState,
}

impl App {
    /// The answers of owner-only checks are sent on `owner_answers` (to the
    /// mailer).
    pub fn new(
        config: ServerConfig,
        index: IndexReader,
        key: ServerKey,
        store: Store,
        l10n: L10n,
        owner_answers: mpsc::Sender<OwnerAnswer>,
    ) -> App {
        App {
            state: AppState::new(config, index, key, store, l10n, owner_answers),
        }
    }

    /// All routes with their layers (paths already folded; see
    /// [`App::into_service`]).
    pub fn router(&self) -> Router {
        let state = self.state.clone();
        let mut router = Router::new()
            // Routes used by Have I Been Pwned clients.
            .nest("/api/v3", hibp::router())
            // Routes used by integrators and our own pages.
            .nest("/api/v1", native::router())
            .route("/api/openapi.json", get(openapi::serve_document))
            // Routes used by operators.
            .merge(ops::router())
            // Routes used by people.
            .merge(pages::router())
            .fallback(pages::fallback)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                csrf::refuse_cross_site,
            ))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::observe,
            ));
        let max_body = state.config.max_body_bytes;
        router = router.layer(DefaultBodyLimit::max(max_body));
        router.with_state(state)
    }

    /// The operator listener's routes: health, readiness with details and
    /// metrics, for operators only (`--ops-listen`).
    pub fn operator_router(&self) -> Router {
        let state = self.state.clone();
        ops::operator_router()
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::observe,
            ))
            .with_state(state)
    }

    /// Polls the index for newly published breaches and tidies the rate
    /// budgets, until aborted.
    pub fn spawn_reloader(&self) -> tokio::task::JoinHandle<()> {
        let state = self.state.clone();
        tokio::spawn(async move {
            let mut ticks: u64 = 0;
            let mut interval = tokio::time::interval(state.config.reload_interval);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                let s = state.clone();
                // A reload opens files: keep it off the request threads.
                let _ = tokio::task::spawn_blocking(move || s.reload()).await;
                ticks += 1;
                if ticks.is_multiple_of(60) {
                    state.budgets.housekeeping();
                }
                if state.config.shared_budgets && ticks.is_multiple_of(600) {
                    // Budgets idle for a day are full; their rows can go.
                    match state.store.forget_idle_budgets().await {
                        Ok(n) => tracing::debug!(forgotten = n, "idle shared budgets removed"),
                        Err(e) => tracing::warn!(error = %e, "cannot remove idle shared budgets"),
                    }
                }
            }
        })
    }

    /// The shared state (for tests).
    pub fn state(&self) -> &AppState {
        &self.state
    }
}
