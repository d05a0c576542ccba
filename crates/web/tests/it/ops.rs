//! Operations: health, readiness, metrics (with no identifier in them), the
//! OpenAPI document, newly published breaches without a restart, graceful
//! shutdown, check budgets shared by servers on one store.

use reqwest::StatusCode;
use serde_json::Value;

use crate::*;

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::start().await;
    // The public listener: health, and readiness without details.
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v, serde_json::json!({"ready": true}));
    // The operator listener: the details.
    let r = app.ops("/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["ready"], true);
    assert_eq!(v["store"], "sqlite");
    assert_eq!(v["breaches"], 5);
    assert_eq!(app.ops("/healthz").await.status(), StatusCode::OK);
    // Make some checks, then read the metrics.
    app.hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
        .await;
    app.hibp(&format!("/api/v3/breachedaccount/{CLEAN_PHONE}"))
        .await;
    post_form(&app, &app.client, &[("account", JAN_EMAIL)], &[]).await;
    let r = app.ops("/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("lekradar_checks_total{api=\"hibp\",outcome=\"found\"} 1"),
        "{text}"
    );
    assert!(text.contains("lekradar_checks_total{api=\"hibp\",outcome=\"not_found\"} 1"));
    assert!(text.contains("lekradar_checks_total{api=\"page\",outcome=\"found\"} 1"));
    assert!(text.contains("route=\"/api/v3/breachedaccount/{account}\""));
    assert!(text.contains("lekradar_breaches 5"));
    assert!(text.contains("lekradar_http_request_duration_seconds_bucket"));
    for secret in [JAN_PHONE, "31612345678", JAN_EMAIL, CLEAN_PHONE, "127.0.0."] {
        assert!(!text.contains(secret), "{secret} in metrics");
    }
    // On the public listener metrics need the operator token.
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().contains_key("www-authenticate"));
    let r = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("not-the-token-but-long-enough-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(&app.ops_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("lekradar_checks_total"));
    let r = app
        .client
        .get(app.url("/readyz"))
        .bearer_auth(&app.ops_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["store"], "sqlite");
    // The operator listener serves nothing else.
    let r = app.ops("/api/v3/breaches").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

/// Every operator endpoint's text, from both listeners, with the durations
/// (which vary from run to run) left out; the counts of the duration
/// histograms stay in.
async fn operator_view(app: &TestApp) -> Vec<(String, String)> {
    let mut view = Vec::new();
    for path in ["/metrics", "/readyz", "/healthz"] {
        let text = app.ops(path).await.text().await.unwrap();
        view.push((format!("ops {path}"), text));
        let r = app
            .client
            .get(app.url(path))
            .bearer_auth(&app.ops_token)
            .send()
            .await
            .unwrap();
        view.push((format!("public {path}"), r.text().await.unwrap()));
        let r = app.client.get(app.url(path)).send().await.unwrap();
        view.push((format!("anonymous {path}"), r.text().await.unwrap()));
    }
    for (_, text) in &mut view {
        *text = text
            .lines()
            .filter(|l| {
                !(l.starts_with("lekradar_http_request_duration_seconds_bucket")
                    || l.starts_with("lekradar_http_request_duration_seconds_sum"))
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    view
}

/// Posts the check form; returns what the browser is shown.
async fn submit(app: &TestApp, account: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let r = post_form(app, &app.client, &[("account", account)], &[]).await;
    let status = r.status();
    let mut headers = r.headers().clone();
    headers.remove("date");
    (status, headers, r.bytes().await.unwrap().to_vec())
}

/// Review finding: `/metrics` was public and counted owner-only page checks
/// as `found` or `not_found`, while the two pages were byte-identical. Now
/// the operator endpoints are an operator's only, and in owner-only mode
/// none of them moves differently for a breached and a clean address.
#[tokio::test]
async fn operator_endpoints_do_not_tell_a_breached_from_a_clean_owner_only_check() {
    let mut app = TestApp::with(Options {
        mode: DeploymentMode::OwnerOnly,
        require_api_key: false,
        // No background work during the test: its counters move with time,
        // not with what was checked.
        configure: Some(|config| config.reload_interval = Duration::from_secs(3600)),
        ..Default::default()
    })
    .await;
    // Anonymous callers get no metrics at all.
    let r = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Warm up every route and label once.
    submit(&app, "warm-up@example.nl").await;
    app.answers.recv().await.unwrap();
    let before = operator_view(&app).await;
    let breached = submit(&app, JAN_EMAIL).await;
    let answer = app.answers.recv().await.unwrap();
    assert!(!answer.breaches.is_empty(), "the address is breached");
    let between = operator_view(&app).await;
    let clean = submit(&app, "nobody@example.nl").await;
    let answer = app.answers.recv().await.unwrap();
    assert!(answer.breaches.is_empty(), "the address is clean");
    let after = operator_view(&app).await;
    assert_eq!(breached, clean, "the answers are identical");
    // What the breached check changed is what the clean one changed.
    let changes = |a: &[(String, String)], b: &[(String, String)]| -> Vec<(String, Vec<String>)> {
        a.iter()
            .zip(b)
            .map(|((what, x), (_, y))| {
                let old: std::collections::HashSet<&str> = x.lines().collect();
                let mut changed: Vec<String> = y
                    .lines()
                    .filter(|l| !old.contains(l))
                    .map(str::to_owned)
                    .collect();
                changed.sort();
                (what.clone(), changed)
            })
            .collect()
    };
    let first = changes(&before, &between);
    let second = changes(&between, &after);
    // The same lines changed, by the same amounts: compare the label sets
    // with their deltas.
    let delta = |a: &[(String, String)], b: &[(String, String)]| -> Vec<(String, String, f64)> {
        let mut out = Vec::new();
        for ((what, x), (_, y)) in a.iter().zip(b) {
            let value = |text: &str, series: &str| -> f64 {
                text.lines()
                    .find(|l| l.rsplit_once(' ').is_some_and(|(s, _)| s == series))
                    .and_then(|l| l.rsplit_once(' ').unwrap().1.parse().ok())
                    .unwrap_or(0.0)
            };
            for line in y.lines().filter(|l| !l.starts_with('#')) {
                let Some((series, _)) = line.rsplit_once(' ') else {
                    continue;
                };
                let d = value(y, series) - value(x, series);
                if d != 0.0 {
                    out.push((what.clone(), series.to_owned(), d));
                }
            }
        }
        out
    };
    assert_eq!(
        delta(&before, &between),
        delta(&between, &after),
        "changes after the breached check: {first:?}\nafter the clean one: {second:?}"
    );
    let text = &after[0].1;
    assert!(
        !text.contains("outcome=\"found\"") && !text.contains("outcome=\"not_found\""),
        "{text}"
    );
    assert!(
        text.contains("lekradar_checks_total{api=\"page\",outcome=\"accepted\"} 3"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_newly_published_breach_appears_without_restart() {
    let app = TestApp::start().await;
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{CLEAN_PHONE}"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let mut meta = lekradar_breach::BreachMetadata::new(
        "Fresh",
        "Published while serving",
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
    );
    meta.data_classes = vec!["Phone numbers".into()];
    publish(
        &app.index_dir(),
        &app.key,
        meta,
        &[Record {
            raw: CLEAN_PHONE,
            classes: &["Phone numbers"],
        }],
    );
    let mut status = StatusCode::NOT_FOUND;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        status = app
            .hibp(&format!("/api/v3/breachedaccount/{CLEAN_PHONE}"))
            .await
            .status();
        if status == StatusCode::OK {
            break;
        }
    }
    assert_eq!(status, StatusCode::OK);
    let r = app.hibp("/api/v3/latestbreach").await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["Name"], "Fresh");
    app.stop().await;
}

/// The paths the router serves, with their methods; the OpenAPI document
/// must describe exactly these.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v3/breachedaccount/{account}"),
    ("get", "/api/v3/breaches"),
    ("get", "/api/v3/breach/{name}"),
    ("get", "/api/v3/latestbreach"),
    ("get", "/api/v3/dataclasses"),
    ("get", "/api/v3/pasteaccount/{account}"),
    ("get", "/api/v3/breacheddomain/{domain}"),
    ("get", "/api/v3/subscribeddomains"),
    ("get", "/api/v3/subscription/status"),
    ("post", "/api/v1/check"),
    ("post", "/api/v1/subscriptions"),
    ("post", "/api/v1/subscriptions/confirm"),
    ("post", "/api/v1/subscriptions/unsubscribe"),
    ("get", "/api/v1/breaches"),
    ("get", "/api/v1/breaches/{name}"),
    ("get", "/api/v1/advice"),
    ("get", "/api/v1/private/config"),
    ("post", "/api/v1/private/evaluate"),
    ("get", "/api/v1/private/buckets/{bits}/{prefix}"),
    ("post", "/api/v1/private/check"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::start().await;
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);
    // Every documented route is served: a request reaches a handler (no
    // fallback "no such endpoint").
    for (method, path) in ROUTES {
        let concrete = path
            .replace("{account}", JAN_EMAIL)
            .replace("{name}", "Telco")
            .replace("{domain}", "example.org")
            .replace("{bits}", "0")
            .replace("{prefix}", "0");
        // A valid blinded element.
        let element = lekradar_prf::client::blind(lekradar_prf::OprfMode::Voprf, b"x")
            .unwrap()
            .element
            .to_vec();
        let req = match (*method, *path) {
            ("post", "/api/v1/private/evaluate") => app
                .client
                .post(app.url(&concrete))
                .header("content-type", "application/octet-stream")
                .body(element),
            ("post", "/api/v1/private/check") => {
                // The fixture is small: one bucket (0 bits) holds it all.
                let mut body = vec![1u8, 0, 0, 0, 0];
                body.extend_from_slice(&element);
                app.client
                    .post(app.url(&concrete))
                    .header("content-type", "application/octet-stream")
                    .body(body)
            }
            ("post", "/api/v1/subscriptions/unsubscribe") => app
                .client
                .post(app.url(&concrete))
                .json(&serde_json::json!({"token": "1-00"})),
            ("post", _) => app
                .client
                .post(app.url(&concrete))
                .json(&serde_json::json!({"account": JAN_PHONE})),
            _ => app.client.get(app.url(&concrete)),
        };
        let req = if *path == "/metrics" {
            req.bearer_auth(&app.ops_token)
        } else {
            req
        };
        let r = req
            .header("hibp-api-key", &app.api_key)
            .send()
            .await
            .unwrap();
        // Subscriptions answer 404 `alerts_not_offered` where no mail is
        // configured, as here: from their handler, not the fallback.
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        assert!(
            status.is_success()
                || status == StatusCode::NOT_FOUND && path.contains("paste")
                || status == StatusCode::NOT_FOUND
                    && path.contains("subscriptions")
                    && body.contains("alerts_not_offered")
                // The domain search answers HIBP's empty 404 where no
                // organisations are offered, as here (the fallback's 404
                // has a body).
                || status == StatusCode::NOT_FOUND
                    && (path.contains("domain") || path.ends_with("subscription/status"))
                    && body.is_empty(),
            "{method} {concrete}: {status} {body}"
        );
    }
    // The HIBP breach schema lists HIBP's fields.
    let breach = &doc["components"]["schemas"]["HibpBreach"]["properties"];
    for field in ["Name", "PwnCount", "DataClasses", "IsStealerLog"] {
        assert!(breach.get(field).is_some(), "{field}");
    }
    app.stop().await;
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let app = TestApp::start().await;
    let client = app.client.clone();
    let url = app.url("/api/v3/breaches");
    // Several requests in flight while the stop signal arrives.
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move { client.get(url).send().await.map(|r| r.status()) })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let addr = app.addr;
    app.stop().await;
    for r in requests {
        // Each either completed normally or was never accepted; none cut off with a 5xx.
        if let Ok(status) = r.await.unwrap() {
            assert!(status.is_success(), "{status}");
        }
    }
    // The listener is closed.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// Two servers on one PostgreSQL store, as behind a load balancer: with
/// shared budgets an address (and an API key) gets its budget once, not once
/// per server; with budgets in memory each server counts on its own.
#[tokio::test]
async fn servers_on_one_store_share_the_check_budgets() {
    for shared in [true, false] {
        let limits = Rates {
            per_address: Rate::new(4, 3600).unwrap(),
            ..Options::default().rates
        };
        let api_key_rate = Rate::new(3, 3600).unwrap();
        let first = TestApp::with(Options {
            postgres: true,
            shared_budgets: shared,
            rates: limits,
            api_key_rate,
            ..Options::default()
        })
        .await;
        let second = TestApp::with(Options {
            shared_budgets: shared,
            rates: limits,
            api_key_rate,
            beside: Some(first.beside()),
            ..Options::default()
        })
        .await;
        let client = client_from(fresh_client_ip());
        let mut statuses = Vec::new();
        for i in 0..6 {
            let server = if i % 2 == 0 { &first } else { &second };
            let r = client
                .post(server.url("/api/v1/check"))
                .json(&serde_json::json!({"account": JAN_PHONE}))
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
        let mut by_key = Vec::new();
        for i in 0..5 {
            let server = if i % 2 == 0 { &first } else { &second };
            let r = server
                .client
                .get(server.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}")))
                .header("hibp-api-key", &first.api_key)
                .send()
                .await
                .unwrap();
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                assert!(r.headers().contains_key("retry-after"));
            }
            by_key.push(r.status().as_u16());
        }
        if shared {
            assert_eq!(statuses, [200, 200, 200, 200, 429, 429], "address budget");
            assert_eq!(by_key, [200, 200, 200, 429, 429], "API key budget");
        } else {
            assert_eq!(statuses, [200; 6], "each server counts on its own");
            assert_eq!(by_key, [200; 5], "each server counts on its own");
        }
        second.stop().await;
        first.stop().await;
    }
}
