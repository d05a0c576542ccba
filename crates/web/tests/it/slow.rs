//! Slow and idle connections, and connection caps, with real slow clients
//! on loopback. Review finding: the HTTP builder had no timer (no header
//! timeout), the request timeout started only once headers were in, and
//! connections were never capped: a connection with unfinished headers was
//! still open after 24 s, and 300 of them made `/healthz` unanswerable
//! under a 256-descriptor limit (the binary's test: `crates/lekradar/tests/it/serve.rs`).

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::*;

/// A connection from `from` that sends the start of a request's headers and
/// never finishes them.
async fn slow_client(server: SocketAddr, from: IpAddr) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let mut stream = socket.connect(server).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: slow")
        .await
        .unwrap();
    stream
}

/// How long until the server closes `stream` (reads until EOF or reset),
/// at most `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
    .map(|()| start.elapsed())
}

fn short_timeouts(config: &mut ServerConfig) {
    config.header_timeout = Duration::from_millis(500);
    config.idle_timeout = Duration::from_millis(1500);
}

#[tokio::test]
async fn unfinished_headers_and_idle_connections_are_closed() {
    let app = TestApp::with(Options {
        configure: Some(short_timeouts),
        ..Default::default()
    })
    .await;
    // Unfinished headers: closed after the header timeout (and its second
    // of grace), not left open.
    let mut slow = slow_client(app.addr, fresh_client_ip()).await;
    let closed = closed_within(&mut slow, Duration::from_secs(5)).await;
    assert!(
        closed.is_some_and(|d| d >= Duration::from_millis(400)),
        "slow headers: {closed:?}"
    );
    // A connection that sends nothing at all.
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(5))
        .await
        .is_some());
    // Headers trickling in, a byte at a time, past the timeout.
    let mut trickle = TcpStream::connect(app.addr).await.unwrap();
    let trickled = async {
        for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa".iter() {
            if trickle.write_all(&[*b]).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    let cut = tokio::time::timeout(Duration::from_secs(10), trickled).await;
    assert!(
        matches!(cut, Ok(true)),
        "the server cut the trickle: {cut:?}"
    );
    // A kept-alive connection after a request: answered, then closed once
    // idle for the idle timeout.
    let mut kept = TcpStream::connect(app.addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 512];
    let n = kept.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    let closed = closed_within(&mut kept, Duration::from_secs(6)).await;
    assert!(
        closed.is_some_and(|d| d >= Duration::from_millis(1000)),
        "idle keep-alive: {closed:?}"
    );
    let metrics = app.ops("/metrics").await.text().await.unwrap();
    let timed_out: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("lekradar_connections_timed_out_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(timed_out >= 3.0, "{metrics}");
    app.stop().await;
}

#[tokio::test]
async fn one_address_cannot_hold_more_than_its_share() {
    fn cap(config: &mut ServerConfig) {
        config.max_connections_per_address = 4;
    }
    let app = TestApp::with(Options {
        configure: Some(cap),
        ..Default::default()
    })
    .await;
    let attacker = fresh_client_ip();
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(slow_client(app.addr, attacker).await);
    }
    // Let the server admit them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The fifth is closed at once, with no answer.
    let mut fifth = slow_client(app.addr, attacker).await;
    let closed = closed_within(&mut fifth, Duration::from_secs(2)).await;
    assert!(closed.is_some(), "the fifth connection was closed");
    // Everybody else is served.
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The held connections are still open (they are within their timeout).
    for s in &mut held {
        assert!(closed_within(s, Duration::from_millis(50)).await.is_none());
    }
    let metrics = app.ops("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("lekradar_connections_refused_total{reason=\"address\"} 1"),
        "{metrics}"
    );
    app.stop().await;
}

#[tokio::test]
async fn at_the_server_cap_the_longest_idle_connection_makes_room_for_healthz() {
    fn cap(config: &mut ServerConfig) {
        config.max_connections = 8;
        config.max_connections_per_address = 0;
    }
    let app = TestApp::with(Options {
        configure: Some(cap),
        ..Default::default()
    })
    .await;
    // 30 slow clients from many addresses, far over the cap of 8.
    let mut slow = Vec::new();
    for i in 0..30u8 {
        slow.push(slow_client(app.addr, IpAddr::from([127, 0, 1, 10 + i])).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A person's check (new connection, new address) is answered at once.
    let client = client_from(IpAddr::from([127, 0, 1, 200]));
    let start = Instant::now();
    let r = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = client
        .get(app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}")))
        .header("hibp-api-key", &app.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(start.elapsed() < Duration::from_secs(5));
    // The oldest slow ones were closed to make room; at most 8 stay open.
    let mut open = 0;
    for s in &mut slow {
        if closed_within(s, Duration::from_millis(20)).await.is_none() {
            open += 1;
        }
    }
    assert!(open <= 8, "{open} slow connections still open");
    let metrics = app.ops("/metrics").await.text().await.unwrap();
    let evicted: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("lekradar_connections_evicted_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(evicted >= 22.0, "{metrics}");
    app.stop().await;
}

/// HTTP/2 (prior knowledge): a connection that opens, sends its preface and
/// settings and then no request is closed at the header timeout; one that
/// made a request is closed once idle for the idle timeout.
#[tokio::test]
async fn idle_http2_connections_are_closed_too() {
    let app = TestApp::with(Options {
        configure: Some(short_timeouts),
        ..Default::default()
    })
    .await;
    // Preface, then an empty SETTINGS frame (length 0, type 4, flags 0, stream 0).
    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0";
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    silent.write_all(PREFACE).await.unwrap();
    let closed = closed_within(&mut silent, Duration::from_secs(5)).await;
    assert!(
        closed.is_some_and(|d| d >= Duration::from_millis(400)),
        "an HTTP/2 connection without a request: {closed:?}"
    );
    // Through a real HTTP/2 client: answered, then the connection idles out
    // (the client has to open a new one, which the server counts).
    let client = reqwest::Client::builder()
        .http2_prior_knowledge()
        .user_agent("lekradar-tests/1")
        .build()
        .unwrap();
    let r = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    assert_eq!(r.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let r = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let metrics = app.ops("/metrics").await.text().await.unwrap();
    let timed_out: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("lekradar_connections_timed_out_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(timed_out >= 2.0, "{metrics}");
    app.stop().await;
}
