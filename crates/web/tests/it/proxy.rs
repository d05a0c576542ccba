//! Behind a load balancer: the client address comes from the forwarding
//! header only when the connection's peer is a trusted proxy.

use std::net::IpAddr;

use axum::http::StatusCode;
use serde_json::json;

use crate::{client_from, fresh_client_ip, Options, TestApp, JAN_PHONE};
use lekradar_web::{ForwardedHeader, ServerConfig, TrustedProxies};

/// The load balancer's address in these tests (outside the range
/// `fresh_client_ip` hands out).
const PROXY: [u8; 4] = [127, 0, 3, 1];

fn behind_proxy(config: &mut ServerConfig) {
    config.trusted_proxies = TrustedProxies::new(
        vec![ipnet::IpNet::from(IpAddr::from(PROXY))],
        ForwardedHeader::XForwardedFor,
    );
    // The balancer holds more connections than any one client may.
    config.max_connections_per_address = 1;
}

fn options(configure: Option<fn(&mut ServerConfig)>) -> Options {
    let mut options = Options {
        configure,
        ..Options::default()
    };
    options.rates.per_address = lekradar_store::Rate::new(2, 3600).unwrap();
    options
}

/// A direct check from `client`, claiming to be `forwarded_for`.
async fn check(app: &TestApp, client: &reqwest::Client, forwarded_for: &str) -> StatusCode {
    client
        .post(app.url("/api/v1/check"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"account": JAN_PHONE}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_trusted_proxy_gives_each_client_its_own_budget() {
    let app = TestApp::with(options(Some(behind_proxy))).await;
    let proxy = client_from(IpAddr::from(PROXY));
    // The client spoofs a first entry; the proxy appended the real one.
    for _ in 0..2 {
        assert_eq!(
            check(&app, &proxy, "203.0.113.5, 198.51.100.1").await,
            StatusCode::OK
        );
    }
    assert_eq!(
        check(&app, &proxy, "203.0.113.6, 198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the spoofed entry changes nothing: 198.51.100.1 has used its budget"
    );
    // Another person behind the same balancer has a budget of their own.
    assert_eq!(check(&app, &proxy, "198.51.100.2").await, StatusCode::OK);
    // The balancer's own budget was never drawn on.
    assert_eq!(
        proxy
            .post(app.url("/api/v1/check"))
            .json(&json!({"account": JAN_PHONE}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // The balancer's connections are not capped per address (the cap is 1).
    let mut held = Vec::new();
    for _ in 0..3 {
        let c = client_from(IpAddr::from(PROXY));
        assert_eq!(
            c.get(app.url("/healthz")).send().await.unwrap().status(),
            StatusCode::OK
        );
        held.push(c);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_forwarding_header_from_an_untrusted_peer_changes_nothing() {
    // Trusting a proxy elsewhere, and trusting none at all.
    for configure in [Some(behind_proxy as fn(&mut ServerConfig)), None] {
        let app = TestApp::with(options(configure)).await;
        let attacker = client_from(fresh_client_ip());
        for n in 0..2 {
            let spoofed = format!("198.51.100.{}", 10 + n);
            assert_eq!(check(&app, &attacker, &spoofed).await, StatusCode::OK);
        }
        // A new address in the header each time: still one budget, spent.
        for n in 2..5 {
            let spoofed = format!("198.51.100.{}", 10 + n);
            assert_eq!(
                check(&app, &attacker, &spoofed).await,
                StatusCode::TOO_MANY_REQUESTS
            );
        }
        // Claiming to be the proxy does not help either.
        let claim = format!("{}", IpAddr::from(PROXY));
        assert_eq!(
            check(&app, &attacker, &claim).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        app.stop().await;
    }
}
