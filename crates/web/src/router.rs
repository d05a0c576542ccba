//! Every route in one place, grouped by consumer, and the layers around
//! them. [`App`] is the whole service: `router()` for tests that drive it
//! in-process, `into_service()` for `serve`.

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use lekradar_l10n::L10n;
use lekradar_service::Service;

use crate::config::ServerConfig;
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::{hibp, middleware, native, openapi, ops, pages, private};

/// The server: state plus routes.
#[derive(Clone)]
pub struct App {
    state: AppState,
}

impl App {
    /// The HTTP face of `service`. Its metrics are served with the
    /// server's; more (the job runner's) can be added with
    /// [`App::register_metrics`] before serving.
    pub fn new(config: ServerConfig, service: Service, l10n: L10n) -> App {
        App {
            state: AppState::new(config, service, l10n),
        }
    }

    /// Lets `register` add metrics to the ones `/metrics` serves.
    pub fn register_metrics(
        &self,
        register: impl FnOnce(&mut prometheus_client::registry::Registry),
    ) {
        self.state.metrics.register_more(register);
    }

    /// Whether the organisation pages are served (their uploads are larger
    /// than other requests).
    pub fn offers_orgs(&self) -> bool {
        self.state.service.orgs().is_some()
    }

    pub(crate) fn config(&self) -> &ServerConfig {
        &self.state.config
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.state.metrics
    }

    /// All routes with their layers (paths already folded; see
    /// [`App::into_service`]).
    pub fn router(&self) -> Router {
        let state = self.state.clone();
        let mut router = Router::new()
            // Routes used by Have I Been Pwned clients.
            .nest("/api/v3", hibp::router())
            // Routes used by integrators and our own pages.
            .nest(
                "/api/v1",
                native::router().nest("/private", private::router()),
            )
            .route("/api/openapi.json", get(openapi::serve_document))
            // Routes used by operators.
            .merge(ops::router())
            // Routes used by people.
            .merge(pages::router())
            .fallback(pages::fallback)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::refuse_cross_site,
            ))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::observe,
            ));
        let max_body = state.config.max_body_bytes;
        router = router
            .layer(DefaultBodyLimit::max(max_body))
            .layer(axum::Extension(pages::Offers {
                alerts: state.service.offers_alerts(),
                orgs: state.service.orgs().is_some(),
            }));
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
}
