//! Serving on every core without work stealing: one accept loop deals
//! connections round-robin to N worker threads, each running a
//! single-threaded tokio runtime that owns its connections (hyper, HTTP/1.1
//! and HTTP/2). A check is CPU-bound (one PRF evaluation, ≈40–85 µs), so a
//! connection never needs to move between cores, and keeping it on one
//! thread avoids the cross-thread wake-ups of a work-stealing runtime:
//! measured with wrk on this 2-core machine, 22.2–23.4 k checks/s with
//! tokio's multi-threaded runtime, 23.9–24.9 k with this (bench/FIGURES.md,
//! "Serving").
//!
//! The accept loop admits each connection through the listener's
//! [`Tracker`] (connection caps); each connection's task shuts it down when
//! it sends no request within the header or idle timeout
//! (`crate::connections`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::sync::{mpsc, watch};
use tokio_util::task::TaskTracker;

use axum::http::StatusCode;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::auth::ClientAddr;
use crate::connections::{Admitted, ConnectionLimits, Tracker};
use crate::middleware::{fold_request, security_headers};
use crate::proxy::TrustedProxies;
use crate::ServeError;

/// How long a graceful shutdown waits for the requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long a connection shut down for idling may take to close by itself
/// before it is dropped.
const IDLE_CLOSE_GRACE: Duration = Duration::from_secs(1);

/// HTTP/2 keep-alive pings: how often, and how long to wait for the answer.
const H2_PING: Duration = Duration::from_secs(20);

type Incoming = (std::net::TcpStream, SocketAddr, Admitted);

/// What every connection's service applies once around the router.
#[derive(Debug, Clone)]
pub struct ListenerLimits {
    pub max_body: usize,
    pub timeout: Duration,
    pub connections: ConnectionLimits,
    /// Peers that name the client in a header (`crate::proxy`).
    pub proxies: TrustedProxies,
}

/// Logs accept failures at most every few seconds, with how many there were.
struct AcceptErrors {
    backoff: Duration,
    suppressed: u64,
    last_logged: Option<Instant>,
}

impl AcceptErrors {
    const FIRST: Duration = Duration::from_millis(10);
    const MAX: Duration = Duration::from_secs(1);

    fn new() -> AcceptErrors {
        AcceptErrors {
            backoff: Self::FIRST,
            suppressed: 0,
            last_logged: None,
        }
    }

    /// Records a failure; returns how long to wait before accepting again
    /// (doubling up to a second, so a full descriptor table is not spun on).
    fn failed(&mut self, error: &std::io::Error) -> Duration {
        let due = self
            .last_logged
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(5));
        if due {
            tracing::warn!(
                error = %error,
                suppressed = self.suppressed,
                backoff_ms = u64::try_from(self.backoff.as_millis()).unwrap_or(u64::MAX),
                "accept failed; backing off"
            );
            self.last_logged = Some(Instant::now());
            self.suppressed = 0;
        } else {
            self.suppressed += 1;
        }
        let wait = self.backoff;
        self.backoff = (self.backoff * 2).min(Self::MAX);
        wait
    }

    fn succeeded(&mut self) {
        self.backoff = Self::FIRST;
    }
}

/// Accepts on `listener` until `shutdown` completes, serving `router` on
/// `workers` threads; then stops accepting and lets every worker finish its
/// requests in flight (at most [`SHUTDOWN_GRACE`]).
pub async fn serve_on_workers(
    router: Router,
    limits: ListenerLimits,
    tracker: Arc<Tracker>,
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
        let limits = limits.clone();
        let stop = stop_rx.clone();
        let thread = std::thread::Builder::new()
            .name(format!("lekradar-http-{i}"))
            .spawn(move || worker(router, limits, rx, stop))?;
        queues.push(tx);
        threads.push(thread);
    }
    tokio::pin!(shutdown);
    let mut next = 0usize;
    let mut errors = AcceptErrors::new();
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    errors.succeeded();
                    // Over a cap: closed at once, before any byte is read.
                    // A trusted proxy carries many clients' connections.
                    let capped = !limits.proxies.trusts(peer.ip());
                    let Ok(admitted) = tracker.admit(peer.ip(), capped) else {
                        drop(stream);
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    match stream.into_std() {
                        Ok(std) => {
                            let _ = queues[next % workers].send((std, peer, admitted));
                            next = next.wrapping_add(1);
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot hand over a connection"),
                    }
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off, go on.
                    let wait = errors.failed(&e);
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(wait) => {}
                    }
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

/// The HTTP/1 and HTTP/2 settings of every connection. Hyper starts its
/// HTTP/1 header-read timer as soon as it waits for a request — on a reused
/// connection right after the previous answer — so it is set to the idle
/// timeout; the first request's shorter header timeout is the connection
/// task's (`crate::connections::Conn::idle`).
fn builder(limits: &ListenerLimits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.connections.idle_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(H2_PING)
        .keep_alive_timeout(H2_PING);
    builder
}

/// One worker: its own runtime, its own connections.
fn worker(
    router: Router,
    limits: ListenerLimits,
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
        // sooner than any request timeout stops that (bench/FIGURES.md,
        // "Serving").
        let keeper_period = (limits.timeout / 2).min(Duration::from_millis(500));
        let keeper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(keeper_period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
            }
        });
        let connections = TaskTracker::new();
        let builder = builder(&limits);
        let stop_connections = stop.clone();
        loop {
            tokio::select! {
                conn = incoming.recv() => {
                    let Some((std, peer, admitted)) = conn else { break };
                    if std.set_nonblocking(true).is_err() {
                        continue;
                    }
                    let Ok(stream) = tokio::net::TcpStream::from_std(std) else { continue };
                    let task = serve_connection(
                        &builder,
                        router.clone(),
                        limits.clone(),
                        stream,
                        peer,
                        admitted,
                        stop_connections.clone(),
                    );
                    connections.spawn(task);
                }
                _ = stop.wait_for(|stopped| *stopped) => break,
            }
        }
        connections.close();
        tokio::select! {
            () = connections.wait() => {},
            () = tokio::time::sleep(SHUTDOWN_GRACE + IDLE_CLOSE_GRACE) => {
                tracing::warn!("requests still in flight after {SHUTDOWN_GRACE:?}; stopping anyway");
            }
        }
        keeper.abort();
    });
}

/// One connection, until it closes, idles out, makes room for another or
/// the server stops.
fn serve_connection(
    builder: &auto::Builder<TokioExecutor>,
    router: Router,
    limits: ListenerLimits,
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    admitted: Admitted,
    mut stop: watch::Receiver<bool>,
) -> impl Future<Output = ()> + 'static {
    let conn = Arc::clone(admitted.conn());
    let tracked = Arc::clone(&conn);
    let proxies = limits.proxies.clone();
    // Once around the router (not once per route): in-flight tracking,
    // security headers, body limit, timeout, the peer address, and API
    // paths folded before routing.
    let service = tower::ServiceBuilder::new()
        .map_future(move |future| {
            let in_flight = tracked.begin();
            async move {
                let response = future.await;
                drop(in_flight);
                response
            }
        })
        .map_response(security_headers)
        .layer(RequestBodyLimitLayer::new(limits.max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.timeout,
        ))
        .map_request(move |mut request: axum::http::Request<_>| {
            let client = proxies.client(peer.ip(), request.headers());
            request.extensions_mut().insert(ConnectInfo(peer));
            request.extensions_mut().insert(ClientAddr(client));
            fold_request(request)
        })
        .service(router);
    let connection = builder
        .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
        .into_owned();
    async move {
        tokio::pin!(connection);
        // Once shutting down (idle, or the server stopping): until when the
        // connection may take to close by itself.
        let mut closing_by: Option<tokio::time::Instant> = None;
        loop {
            let deadline = closing_by;
            tokio::select! {
                // Client errors (resets, bad HTTP) end the connection only.
                _ = connection.as_mut() => break,
                () = conn.evicted() => break,
                () = conn.idle(&limits.connections), if closing_by.is_none() => {
                    admitted.timed_out();
                    connection.as_mut().graceful_shutdown();
                    closing_by = Some(tokio::time::Instant::now() + IDLE_CLOSE_GRACE);
                }
                _ = stop.wait_for(|stopped| *stopped), if closing_by.is_none() => {
                    connection.as_mut().graceful_shutdown();
                    // Requests in flight may finish; a connection without
                    // one (idle, or still sending headers) gets a moment
                    // to flush an answer just given, no more.
                    let grace = if conn.busy() { SHUTDOWN_GRACE } else { IDLE_CLOSE_GRACE };
                    closing_by = Some(tokio::time::Instant::now() + grace);
                }
                () = async {
                    match deadline {
                        Some(at) => tokio::time::sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => break,
            }
        }
        drop(admitted);
    }
}
