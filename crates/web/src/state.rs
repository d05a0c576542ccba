//! The state every handler shares: the server's configuration, the
//! [`Service`] every check goes through, the HTTP metrics, the translations
//! and rendered advice, and the check form's token key.

use std::sync::Arc;

use lekradar_l10n::L10n;
use lekradar_service::Service;

use crate::advice::AdviceJson;
use crate::config::ServerConfig;
use crate::metrics::Metrics;

/// Shared by all handlers (cheap to clone).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub config: ServerConfig,
    pub service: Service,
    pub metrics: Metrics,
    pub l10n: L10n,
    /// Every advice item in every language, as text and as the native
    /// API's JSON.
    pub advice: AdviceJson,
    /// The check form's tokens (key derived from the server key, so every
    /// server behind one load balancer accepts the others' forms).
    pub form_tokens: crate::csrf::FormToken,
}

impl AppState {
    pub fn new(config: ServerConfig, service: Service, l10n: L10n) -> AppState {
        let form_tokens =
            crate::csrf::FormToken::new(*service.key().derive_secret(b"lekradar:v1:form-tokens"));
        let metrics = Metrics::new(service.metrics());
        AppState(Arc::new(Shared {
            config,
            metrics,
            advice: AdviceJson::new(&l10n),
            l10n,
            service,
            form_tokens,
        }))
    }
}
