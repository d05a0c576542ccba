//! The HTTP server (axum): the Have I Been Pwned API v3 under `/api/v3`, the
//! native API under `/api/v1`, the server-rendered pages in Dutch, French
//! and English, and the operations endpoints (`/healthz`, `/readyz`,
//! `/metrics`).
//!
//! This is the only crate that knows HTTP, JSON wire shapes and templates:
//! the HIBP and native response types are its own (`hibp::dto`,
//! `native::dto`), converted by hand from the domain types, so a change to
//! breach metadata can never silently change the wire format.
//!
//! [`serve`] runs the server until a shutdown signal; [`App::router`] builds
//! the whole service for tests and for `serve`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod account;
mod advice;
mod auth;
mod catalogue;
mod config;
mod exposure;
mod hibp;
mod l10n;
mod limits;
mod metrics;
mod middleware;
mod native;
mod openapi;
mod ops;
mod pages;
mod router;
mod state;

pub use config::{ConfigError, Limits, Mode, ServerConfig};
pub use l10n::{L10n, Lang};
pub use router::App;
pub use state::{OwnerAnswer, OwnerAnswerBreach};

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// How long a graceful shutdown waits for the requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting connections and lets the requests in flight finish, for at most
/// [`SHUTDOWN_GRACE`].
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let reloader = app.spawn_reloader();
    let service = app.into_service();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    };
    let server = axum::serve(listener, service).with_graceful_shutdown(signal);
    let grace = async move {
        let mut stop_rx = stop_rx;
        let _ = stop_rx.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result?,
        () = grace => tracing::warn!("requests still in flight after {SHUTDOWN_GRACE:?}; stopping anyway"),
    }
    reloader.abort();
    Ok(())
}

/// Binds `addr`, with an error that names the address.
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServeError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Listen { addr, source })
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
