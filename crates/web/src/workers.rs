//! Serving on every core without work stealing: one accept loop deals
//! connections round-robin to N worker threads, each running a
//! single-threaded tokio runtime that owns its connections (hyper, HTTP/1.1
//! and HTTP/2). A check is CPU-bound (one PRF evaluation, ≈40–85 µs), so a
//! connection never needs to move between cores, and keeping it on one
//! thread avoids the cross-thread wake-ups of a work-stealing runtime:
//! measured with wrk on this 2-core machine, 22.2–23.4 k checks/s with
//! tokio's multi-threaded runtime, 23.9–24.9 k with this (ARCHITECTURE.md,
//! "Serving").

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::{mpsc, watch};

use axum::http::StatusCode;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::middleware::{fold_request, security_headers};
use crate::ServeError;

/// How long a graceful shutdown waits for the requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

type Incoming = (std::net::TcpStream, SocketAddr);

/// What every connection's service applies once around the router.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body: usize,
    pub timeout: Duration,
}

/// Accepts on `listener` until `shutdown` completes, serving `router` on
/// `workers` threads; then stops accepting and lets every worker finish its
/// requests in flight (at most [`SHUTDOWN_GRACE`]).
pub async fn serve_on_workers(
    router: Router,
    limits: Limits,
    listener: tokio::net::TcpListener,
    workers: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let workers = workers.max(1);
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut queues = Vec::with_capacity(workers);
    let mut threads = Vec::with_capacity(workers);
    for i in 0..workers {
        let (tx, rx) = mpsc::unbounded_channel::<Incoming>();
        let router = router.clone();
        let stop = stop_rx.clone();
        let thread = std::thread::Builder::new()
            .name(format!("lekradar-http-{i}"))
            .spawn(move || worker(router, limits, rx, stop))?;
        queues.push(tx);
        threads.push(thread);
    }
    tokio::pin!(shutdown);
    let mut next = 0usize;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    match stream.into_std() {
                        Ok(std) => {
                            let _ = queues[next % workers].send((std, peer));
                            next = next.wrapping_add(1);
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot hand over a connection"),
                    }
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(queues);
    let joined = tokio::task::spawn_blocking(move || {
        for t in threads {
            let _ = t.join();
        }
    });
    let _ = joined.await;
    Ok(())
}

/// One worker: its own runtime, its own connections.
fn worker(
    router: Router,
    limits: Limits,
    mut incoming: mpsc::UnboundedReceiver<Incoming>,
    mut stop: watch::Receiver<bool>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start an HTTP worker");
            return;
        }
    };
    runtime.block_on(async move {
        // Keeps the timer wheel from being empty when the worker parks.
        // Every request arms a timeout timer; tokio wakes its own driver
        // (an eventfd write and an extra epoll round) for each timer armed
        // earlier than the earliest one it knew of when it parked, and with
        // an empty wheel that is every timer until the next park — one
        // wake-up per request under load. A timer that always expires
        // sooner than any request timeout stops that (ARCHITECTURE.md,
        // "Serving").
        let keeper_period = (limits.timeout / 2).min(Duration::from_millis(500));
        let keeper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(keeper_period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
            }
        });
        let graceful = GracefulShutdown::new();
        let builder = auto::Builder::new(TokioExecutor::new());
        loop {
            tokio::select! {
                conn = incoming.recv() => {
                    let Some((std, peer)) = conn else { break };
                    if std.set_nonblocking(true).is_err() {
                        continue;
                    }
                    let Ok(stream) = tokio::net::TcpStream::from_std(std) else { continue };
                    // Once around the router (not once per route): security
                    // headers, body limit, timeout, the peer address, and
                    // API paths folded before routing.
                    let service = tower::ServiceBuilder::new()
                        .map_response(security_headers)
                        .layer(RequestBodyLimitLayer::new(limits.max_body))
                        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.timeout))
                        .map_request(move |mut request: axum::http::Request<_>| {
                            request.extensions_mut().insert(ConnectInfo(peer));
                            fold_request(request)
                        })
                        .service(router.clone());
                    let connection = builder
                        .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
                        .into_owned();
                    let connection = graceful.watch(connection);
                    tokio::spawn(async move {
                        // Client errors (resets, bad HTTP) end the connection only.
                        let _ = connection.await;
                    });
                }
                _ = stop.wait_for(|stopped| *stopped) => break,
            }
        }
        tokio::select! {
            () = graceful.shutdown() => {},
            () = tokio::time::sleep(SHUTDOWN_GRACE) => {
                tracing::warn!("requests still in flight after {SHUTDOWN_GRACE:?}; stopping anyway");
            }
        }
        keeper.abort();
    });
}
