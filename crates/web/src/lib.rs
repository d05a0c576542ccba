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
//! Every check goes through `lekradar-service`: a handler reads the request,
//! asks the service, and writes its answer or refusal in the interface's
//! wire shape. One module per resource (`pages`, `native`, `hibp`,
//! `private`, `ops`); errors of the native and private APIs in `error`.
//!
//! [`serve`] runs the server until a shutdown signal; [`App::router`] builds
//! the whole service for tests and for `serve`. Background work (index
//! reloads, budget housekeeping) is the job runner's, wired by the binary.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod advice;
mod auth;
mod config;
mod connections;
mod csrf;
mod error;
mod hibp;
mod metrics;
mod middleware;
mod native;
mod openapi;
mod ops;
mod pages;
mod private;
mod proxy;
mod router;
mod state;
mod workers;

pub use auth::OpsToken;
pub use config::{ConfigError, ServerConfig};
pub use connections::{default_max_connections, descriptor_limit, raise_descriptor_limit};
pub use proxy::{ForwardedHeader, TrustedProxies};
pub use router::App;

use std::future::Future;
use std::net::SocketAddr;

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

pub use workers::SHUTDOWN_GRACE;

/// Serves `app` on `listener` until `shutdown` completes, on one worker
/// thread per core (`ServerConfig::workers`), then stops accepting
/// connections and lets the requests in flight finish, for at most
/// [`SHUTDOWN_GRACE`].
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with_operator(app, listener, None, shutdown).await
}

/// [`serve`], and the operator endpoints (`/healthz`, `/readyz` with its
/// details, `/metrics`) on `operator` when given.
pub async fn serve_with_operator(
    app: App,
    listener: tokio::net::TcpListener,
    operator: Option<tokio::net::TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let config = app.config();
    let limits = workers::ListenerLimits {
        // Every route but a watchlist upload holds to `max_body_bytes`
        // (axum's `DefaultBodyLimit`); this outer cap lets an upload through.
        max_body: if app.offers_orgs() {
            config.max_body_bytes.max(lekradar_orgs::MAX_UPLOAD_BYTES)
        } else {
            config.max_body_bytes
        },
        timeout: config.request_timeout,
        connections: config.connections(),
        proxies: config.trusted_proxies.clone(),
    };
    let tracker = connections::Tracker::new(limits.connections, Some(app.metrics()));
    let workers = config.workers;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let ops = operator.map(|listener| {
        // A few connections for scrapers and probes, with the same timeouts.
        let mut ops_limits = limits.clone();
        ops_limits.connections.max_total = limits.connections.max_total.min(64);
        ops_limits.connections.max_per_address = 0;
        // The operator listener is not behind the balancer.
        ops_limits.proxies = TrustedProxies::default();
        let tracker = connections::Tracker::new(ops_limits.connections, None);
        tokio::spawn(workers::serve_on_workers(
            app.operator_router(),
            ops_limits,
            tracker,
            listener,
            1,
            stopped(stop_rx.clone()),
        ))
    });
    let signal = tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let result = workers::serve_on_workers(
        app.router(),
        limits,
        tracker,
        listener,
        workers,
        stopped(stop_rx),
    )
    .await;
    signal.abort();
    if let Some(ops) = ops {
        if let Ok(Err(e)) = ops.await {
            tracing::warn!(error = %e, "operator listener failed");
        }
    }
    result
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
