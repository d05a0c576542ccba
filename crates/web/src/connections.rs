//! Client connections: how many may be open (in all, and per client address
//! or IPv6 /64), and how long one may stay open without sending a complete
//! request. Review finding: connections with unfinished headers stayed open
//! forever and were never capped, so 300 of them under a 256-descriptor
//! limit made `/healthz` unanswerable.
//!
//! - **Caps.** The accept loop admits a connection through a [`Tracker`]. At
//!   its address's cap the new connection is closed at once; at the server's
//!   cap the connection idle the longest (no request in flight) is closed to
//!   make room — slow-header and idle connections are always the first to
//!   go — and only when every connection is busy is the new one refused.
//!   The server's cap defaults to what the descriptor limit allows, with a
//!   reserve for the index, the store and the listeners
//!   ([`default_max_connections`]).
//! - **Timeouts.** A connection that has not completed its first request's
//!   headers within the header timeout of opening, or completes no new
//!   request within the idle timeout of its last answer (headers trickling
//!   in included), is shut down gracefully, then dropped. Hyper's HTTP/1
//!   header-read timer, which starts when it waits for a request, is set to
//!   the idle timeout; HTTP/2 connections are pinged.
//!   A request's own time is bounded by the request timeout (a layer around
//!   the router).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::Notify;

use crate::metrics::{Metrics, ReasonLabels};
use lekradar_service::budgets::AddressBucket;

/// The connection settings of a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections in all.
    pub max_total: usize,
    /// Open connections per client address (IPv6: per /64); 0 for no cap
    /// (behind a load balancer every connection comes from its address).
    pub max_per_address: usize,
    /// Time from opening a connection to the end of its first request's
    /// headers.
    pub header_timeout: Duration,
    /// Time a connection may stay open without a request in flight.
    pub idle_timeout: Duration,
}

/// Descriptors kept free beside client connections: index segments being
/// opened, the store's connections, listeners, log files, accept itself.
fn reserve(limit: u64) -> u64 {
    64 + limit / 16
}

/// The process's soft limit on open descriptors, if it can be read.
pub fn descriptor_limit() -> Option<u64> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    limit.current
}

/// The default cap on open connections: what the descriptor limit leaves
/// after a reserve, at most 16 384 (each open connection holds buffers).
pub fn default_max_connections() -> usize {
    let limit = descriptor_limit().unwrap_or(1024);
    let usable = limit.saturating_sub(reserve(limit)).clamp(16, 16_384);
    usize::try_from(usable).unwrap_or(16_384)
}

/// Raises the soft descriptor limit to the hard one (what servers usually
/// do at start); returns the new soft limit.
pub fn raise_descriptor_limit() -> Option<u64> {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        limit.current = limit.maximum;
        // A hard limit of "infinity" is refused by Linux for NOFILE: keep
        // the old soft limit then.
        let _ = setrlimit(Resource::Nofile, limit);
    }
    getrlimit(Resource::Nofile).current
}

/// Why a connection was closed at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The server's cap, with every connection busy.
    Total,
    /// The client address's cap.
    Address,
}

impl Refused {
    fn as_str(self) -> &'static str {
        match self {
            Refused::Total => "total",
            Refused::Address => "address",
        }
    }
}

/// What the tracker counts, as handles on the server's metrics.
#[derive(Clone, Default)]
struct Counters {
    open: Gauge,
    refused: Family<ReasonLabels, Counter>,
    evicted: Counter,
    timed_out: Counter,
}

/// The open connections of a listener.
pub struct Tracker {
    limits: ConnectionLimits,
    epoch: Instant,
    state: Mutex<Open>,
    counters: Counters,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    connections: HashMap<u64, Arc<Conn>>,
    per_address: HashMap<AddressBucket, usize>,
    /// Connections evicted whose task has not yet closed them: their
    /// descriptors are still open.
    closing: usize,
}

/// Evicted connections whose descriptors may still be open at once; past
/// this a new connection at the cap is refused rather than evicting another
/// (a burst of connections would otherwise outrun the workers closing the
/// evicted ones and exhaust the descriptors the cap keeps in reserve).
const MAX_CLOSING: usize = 32;

/// One open connection's state, shared by the tracker and its task.
pub struct Conn {
    id: u64,
    address: AddressBucket,
    epoch: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds since the tracker's epoch of the last request's start
    /// or end (of the opening, before any).
    last_active_ms: AtomicU64,
    /// Whether a request has been received on it.
    served: AtomicBool,
    /// Closed to make room (out of the tracker's count, in `closing`).
    was_evicted: AtomicBool,
    evicted: Notify,
}

impl Conn {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Marks a request as started; the guard marks it finished when dropped
    /// (also when the request is cut off).
    pub fn begin(self: &Arc<Self>) -> InFlight {
        self.served.store(true, Ordering::Relaxed);
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.last_active_ms.store(self.now_ms(), Ordering::Relaxed);
        InFlight(Arc::clone(self))
    }

    /// Whether a request is in flight.
    pub fn busy(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }

    /// Completes when this connection was closed to make room.
    pub async fn evicted(&self) {
        self.evicted.notified().await
    }

    /// Completes when the connection has gone without a request for too
    /// long: `header_timeout` after opening while no request has come,
    /// `idle_timeout` after the last answer.
    pub async fn idle(&self, limits: &ConnectionLimits) {
        loop {
            let wait = if self.in_flight.load(Ordering::Acquire) > 0 {
                limits.idle_timeout
            } else {
                let timeout = if self.served.load(Ordering::Relaxed) {
                    limits.idle_timeout
                } else {
                    limits.header_timeout
                };
                let since = Duration::from_millis(
                    self.now_ms()
                        .saturating_sub(self.last_active_ms.load(Ordering::Relaxed)),
                );
                match timeout.checked_sub(since) {
                    Some(left) if !left.is_zero() => left,
                    _ => return,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// A request in flight on a connection.
pub struct InFlight(Arc<Conn>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0
            .last_active_ms
            .store(self.0.now_ms(), Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection the tracker admitted; closing it (dropping this) frees its
/// place.
pub struct Admitted {
    tracker: Arc<Tracker>,
    conn: Arc<Conn>,
}

impl Admitted {
    pub fn conn(&self) -> &Arc<Conn> {
        &self.conn
    }

    /// Counts a connection closed by its header or idle timeout.
    pub fn timed_out(&self) {
        self.tracker.counters.timed_out.inc();
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.tracker.lock();
        open.connections.remove(&self.conn.id);
        if self.conn.was_evicted.load(Ordering::Acquire) {
            open.closing = open.closing.saturating_sub(1);
        }
        if let Some(n) = open.per_address.get_mut(&self.conn.address) {
            *n -= 1;
            if *n == 0 {
                open.per_address.remove(&self.conn.address);
            }
        }
        self.tracker.counters.open.dec();
    }
}

impl Tracker {
    pub fn new(limits: ConnectionLimits, metrics: Option<&Metrics>) -> Arc<Tracker> {
        let counters = match metrics {
            Some(m) => Counters {
                open: m.connections.clone(),
                refused: m.connections_refused.clone(),
                evicted: m.connections_evicted.clone(),
                timed_out: m.connections_timed_out.clone(),
            },
            None => Counters::default(),
        };
        Arc::new(Tracker {
            limits,
            epoch: Instant::now(),
            state: Mutex::new(Open::default()),
            counters,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Admits a new connection from `peer`, closing the longest-idle one at
    /// the server's cap; refuses it at its address's cap, or when every
    /// open connection is busy.
    /// `capped`: whether the per-address cap applies (not to a trusted
    /// proxy, which carries many clients' connections).
    pub fn admit(self: &Arc<Self>, peer: IpAddr, capped: bool) -> Result<Admitted, Refused> {
        let address = AddressBucket::from(peer);
        let mut open = self.lock();
        let result = self.admit_locked(&mut open, address, capped);
        drop(open);
        if let Err(reason) = result {
            self.counters
                .refused
                .get_or_create(&ReasonLabels {
                    reason: reason.as_str(),
                })
                .inc();
        }
        result
    }

    fn admit_locked(
        self: &Arc<Self>,
        open: &mut Open,
        address: AddressBucket,
        capped: bool,
    ) -> Result<Admitted, Refused> {
        let from_address = open.per_address.get(&address).copied().unwrap_or(0);
        if capped && self.limits.max_per_address > 0 && from_address >= self.limits.max_per_address
        {
            return Err(Refused::Address);
        }
        if open.connections.len() >= self.limits.max_total.max(1) {
            if open.closing >= MAX_CLOSING {
                return Err(Refused::Total);
            }
            let victim = open
                .connections
                .values()
                .filter(|c| c.in_flight.load(Ordering::Acquire) == 0)
                .min_by_key(|c| c.last_active_ms.load(Ordering::Relaxed))
                .map(|c| c.id);
            let Some(victim) = victim else {
                return Err(Refused::Total);
            };
            // Out of the count now; its task drops it on the notification.
            if let Some(c) = open.connections.remove(&victim) {
                c.was_evicted.store(true, Ordering::Release);
                open.closing += 1;
                c.evicted.notify_one();
                self.counters.evicted.inc();
            }
        }
        let id = open.next_id;
        open.next_id += 1;
        let epoch = self.epoch;
        let conn = Arc::new(Conn {
            id,
            address,
            epoch,
            in_flight: AtomicUsize::new(0),
            last_active_ms: AtomicU64::new(
                u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX),
            ),
            served: AtomicBool::new(false),
            was_evicted: AtomicBool::new(false),
            evicted: Notify::new(),
        });
        open.connections.insert(id, Arc::clone(&conn));
        *open.per_address.entry(address).or_default() += 1;
        self.counters.open.inc();
        Ok(Admitted {
            tracker: Arc::clone(self),
            conn,
        })
    }

    /// Open connections.
    #[cfg(test)]
    pub fn open(&self) -> usize {
        self.lock().connections.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(total: usize, per_address: usize) -> ConnectionLimits {
        ConnectionLimits {
            max_total: total,
            max_per_address: per_address,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn evictions_not_yet_closed_are_bounded() {
        let t = Tracker::new(limits(4, 0), None);
        let mut held: Vec<Admitted> = (0..4).map(|i| t.admit(ip(i), true).unwrap()).collect();
        // A burst: each new connection evicts an idle one, until MAX_CLOSING
        // evicted ones are still open; then new ones are refused.
        for i in 0..MAX_CLOSING {
            held.push(t.admit(ip(100 + i as u8), true).unwrap());
        }
        assert_eq!(t.admit(ip(250), true).err(), Some(Refused::Total));
        // Once the evicted ones close, there is room again.
        held.drain(..MAX_CLOSING);
        assert!(t.admit(ip(251), true).is_ok());
    }

    #[test]
    fn an_address_over_its_cap_is_refused_others_are_not() {
        let t = Tracker::new(limits(100, 2), None);
        let a = t.admit(ip(1), true).unwrap();
        let _b = t.admit(ip(1), true).unwrap();
        assert_eq!(t.admit(ip(1), true).err(), Some(Refused::Address));
        let _c = t.admit(ip(2), true).unwrap();
        drop(a);
        assert!(
            t.admit(ip(1), true).is_ok(),
            "a closed connection frees its place"
        );
        // IPv6 counts per /64.
        let t = Tracker::new(limits(100, 1), None);
        let _x = t.admit("2001:db8::1".parse().unwrap(), true).unwrap();
        assert!(t.admit("2001:db8::2".parse().unwrap(), true).is_err());
        assert!(t.admit("2001:db8:0:1::1".parse().unwrap(), true).is_ok());
        // A trusted proxy's connections are not capped per address.
        let t = Tracker::new(limits(100, 1), None);
        let _p = t.admit(ip(9), false).unwrap();
        assert!(t.admit(ip(9), false).is_ok());
        assert_eq!(t.admit(ip(9), true).err(), Some(Refused::Address));
    }

    #[test]
    fn at_the_cap_the_longest_idle_connection_makes_room() {
        let t = Tracker::new(limits(3, 0), None);
        let first = t.admit(ip(1), true).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let second = t.admit(ip(2), true).unwrap();
        let busy = t.admit(ip(3), true).unwrap();
        let _request = busy.conn().begin();
        // The first is the oldest idle one: it goes.
        let fourth = t.admit(ip(4), true).unwrap();
        assert_eq!(t.open(), 3);
        let evicted = first.conn().evicted.notified();
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                tokio::time::timeout(Duration::from_secs(1), evicted)
                    .await
                    .expect("the evicted connection is told");
            });
        drop(first);
        assert_eq!(t.open(), 3, "dropping an evicted connection counts once");
        // Every connection busy: the new one is refused.
        let _r2 = second.conn().begin();
        let _r4 = fourth.conn().begin();
        assert_eq!(t.admit(ip(5), true).err(), Some(Refused::Total));
    }
}
