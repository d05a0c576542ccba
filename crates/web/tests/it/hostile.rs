//! Oversized, malformed and hostile requests get the right 4xx with a clear
//! body, never a 5xx, and the server keeps serving.

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::*;

/// Sends raw bytes and returns the status line's code (0 if the connection
/// closed without an answer).
async fn raw(app: &TestApp, request: &[u8]) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let _ = stream.write_all(request).await;
    // Read the status line (or until the server closes the connection).
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let mut chunk = [0u8; 1024];
        while !buf.windows(2).any(|w| w == b"\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn oversized_and_malformed_requests_get_4xx() {
    let mut app = TestApp::start().await;
    app.client = unpooled_client_from(app.client_ip);
    // A body over the limit.
    let big = format!("{{\"account\":\"{}\"}}", "1".repeat(64 * 1024));
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = app
        .client
        .post(app.url("/check"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("account={}", "2".repeat(64 * 1024)))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // An account far too long, in the path and in a form.
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{}", "x".repeat(5000)))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Invalid percent-encoding (not UTF-8) in the path.
    let r = app.hibp("/api/v3/breachedaccount/%FF%FE").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Control characters and odd bytes.
    for account in ["%00", "%0d%0a", "a%09b@c.d", "%E2%80%AE", "+%2B%2B31"] {
        let r = app
            .hibp(&format!("/api/v3/breachedaccount/{account}"))
            .await;
        assert!(r.status().is_client_error(), "{account}: {}", r.status());
    }
    // Wrong methods.
    let r = app
        .client
        .delete(app.url("/api/v3/breaches"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let r = app
        .client
        .request(
            reqwest::Method::from_bytes(b"TRACE").unwrap(),
            app.url("/api/v1/check"),
        )
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // JSON of the wrong types and nesting.
    for body in [
        "[]",
        "{\"account\": 5}",
        "{\"account\": null}",
        "{\"account\": \"06\", \"region\": []}",
        "\"just a string\"",
        &"[".repeat(10_000),
    ] {
        let r = app
            .client
            .post(app.url("/api/v1/check"))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{body:.40}: {}", r.status());
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["error"]["message"].is_string());
    }
    // A form with junk.
    let r = app
        .client
        .post(app.url("/check"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("account=%ZZ&&&==&region=%00")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    app.stop().await;
}

#[tokio::test]
async fn broken_http_never_gets_a_server_error_and_the_server_keeps_serving() {
    let app = TestApp::start().await;
    let huge_header = format!(
        "GET /api/v3/breaches HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nX-Big: {}\r\n\r\n",
        "a".repeat(2_000_000)
    );
    let cases: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /api/v3/breaches HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".to_vec(),
        b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{\"acc".to_vec(),
        huge_header.into_bytes(),
        b"GET /%%%% HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        vec![0xff; 4096],
    ];
    for case in &cases {
        let code = raw(&app, case).await;
        assert!(
            code == 0 || (400..500).contains(&code),
            "{:?}: {code}",
            String::from_utf8_lossy(&case[..case.len().min(40)])
        );
    }
    let r = app.hibp("/api/v3/breaches").await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}
