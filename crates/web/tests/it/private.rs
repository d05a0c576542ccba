//! The private check over HTTP with the Rust client: configuration, the
//! binary messages, buckets that hold only sealed per-breach entries of
//! listable breaches, caching, bounds, budgets, base mode, and the private
//! deployment mode.

use lekradar_check::filing_of_output;
use lekradar_normalize::{normalize, Region};
use lekradar_prf::{client, Mode};
use reqwest::StatusCode;
use serde_json::Value;

use crate::*;

struct Answer {
    status: StatusCode,
    bytes: Vec<u8>,
}

async fn post(app: &TestApp, path: &str, body: Vec<u8>) -> Answer {
    let r = app
        .client
        .post(app.url(path))
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    Answer {
        status: r.status(),
        bytes: r.bytes().await.unwrap().to_vec(),
    }
}

async fn config(app: &TestApp) -> Value {
    app.client
        .get(app.url("/api/v1/private/config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The whole client side: returns (breach name → classes, bucket entry count).
async fn private_check(app: &TestApp, raw: &str, bits: u32) -> (Vec<(String, u32)>, usize) {
    let cfg = config(app).await;
    let mode = if cfg["mode"] == "voprf" {
        Mode::Voprf
    } else {
        Mode::Oprf
    };
    let id = normalize(raw, Region::NL).unwrap();
    let input = id.prf_input();
    let bucket = lekradar_prf::bucket(&input);
    let prefix = bucket >> (24 - bits);
    let blinded = client::blind(mode, &input).unwrap();
    let mut body = vec![1u8, bits as u8];
    body.extend_from_slice(&prefix.to_be_bytes()[1..]);
    body.extend_from_slice(&blinded.element);
    let a = post(app, "/api/v1/private/check", body).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.bytes)
    );
    let proof_len = if mode == Mode::Voprf { 64 } else { 0 };
    assert_eq!(a.bytes[0], 1);
    assert_eq!(a.bytes[1], u8::from(mode == Mode::Voprf));
    let head = 2 + 32 + proof_len;
    let mut public = [0u8; 32];
    if let Some(hex) = cfg["publicKey"].as_str() {
        for i in 0..32 {
            public[i] = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
    }
    let output = blinded
        .finalize(&a.bytes[2..34], &a.bytes[34..head], &public)
        .unwrap();
    let bucket_msg = &a.bytes[head..];
    assert_eq!(bucket_msg[0], 1);
    assert_eq!(u32::from(bucket_msg[1]), bits);
    assert_eq!(
        u32::from_be_bytes([0, bucket_msg[2], bucket_msg[3], bucket_msg[4]]),
        prefix
    );
    let count = u32::from_le_bytes(bucket_msg[13..17].try_into().unwrap()) as usize;
    let entries = &bucket_msg[17..];
    assert_eq!(entries.len(), count * 12);
    // Sorted by tag.
    let tags: Vec<&[u8]> = entries.chunks(12).map(|e| &e[..8]).collect();
    assert!(tags.windows(2).all(|w| w[0] <= w[1]));
    let filing = filing_of_output(bucket, &output);
    let mut found = Vec::new();
    for b in cfg["breaches"].as_array().unwrap() {
        let name = b["name"].as_str().unwrap();
        let (key, _) = filing.in_breach(name);
        // The n-th entry of a tag (segment order) is sealed with pad n.
        let mut n = 0;
        for e in entries.chunks(12) {
            if e[..8] == key.tag()[..] {
                found.push((
                    name.to_owned(),
                    u32::from_le_bytes(e[8..12].try_into().unwrap()) ^ filing.pad_in(name, n),
                ));
                n += 1;
            }
        }
    }
    (found, count)
}

#[tokio::test]
async fn the_configuration_says_everything_a_client_needs() {
    let app = TestApp::start().await;
    let r = app
        .client
        .get(app.url("/api/v1/private/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    let cfg: Value = r.json().await.unwrap();
    assert_eq!(cfg["ciphersuite"], "ristretto255-SHA512");
    assert_eq!(cfg["mode"], "voprf");
    assert_eq!(cfg["version"], 1);
    let public = cfg["publicKey"].as_str().unwrap();
    let expected: String = app
        .key
        .public_key()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(public, expected);
    assert_eq!(cfg["keyId"], app.key.key_id());
    assert_eq!(cfg["bucketBits"], 16);
    assert_eq!(cfg["minBucketBits"], 12);
    assert_eq!(cfg["inputPrefix"], "lekradar:v1:");
    assert_eq!(cfg["entry"]["kdf"], "HKDF-SHA512");
    let names: Vec<&str> = cfg["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    // Sensitive and retired breaches are never part of a private answer.
    assert_eq!(names, ["Broker", "Scrape", "Telco"]);
    app.stop().await;
}

#[tokio::test]
async fn a_private_check_finds_the_persons_breaches_and_classes() {
    let app = TestApp::start().await;
    let (found, count) = private_check(&app, "06-12345678", 16).await;
    let telco = found.iter().find(|(n, _)| n == "Telco").unwrap();
    let scrape = found.iter().find(|(n, _)| n == "Scrape").unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    // Telco's classes: Phone numbers, Names, Bank account numbers, Government issued IDs (bits 0, 2, 3, 4).
    assert_eq!(telco.1, 0b11101);
    assert_eq!(scrape.1, 0b1);
    assert!(count >= 2);
    // Shorter prefixes give bigger buckets with the same answer.
    let (found12, count12) = private_check(&app, "06-12345678", 12).await;
    assert_eq!(found12.len(), 2);
    assert!(count12 >= count);
    // Somebody else is found nowhere, whatever the bucket holds.
    let (none, _) = private_check(&app, CLEAN_PHONE, 16).await;
    assert!(none.is_empty());
    // The email through the same path.
    let (mail, _) = private_check(&app, "Jan@Example.NL", 16).await;
    let names: Vec<&str> = mail.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"Telco") && names.contains(&"Broker"),
        "{names:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn buckets_hold_nothing_of_sensitive_or_retired_breaches_and_are_cacheable() {
    let app = TestApp::start().await;
    // Jan's entries in Secret and Gone exist in the index, but no bucket has them.
    let output = app
        .key
        .evaluate(&normalize(JAN_PHONE, Region::NL).unwrap().prf_input())
        .unwrap();
    let bucket = lekradar_prf::bucket(&normalize(JAN_PHONE, Region::NL).unwrap().prf_input());
    let filing = filing_of_output(bucket, &output);
    let prefix = bucket >> 8;
    let r = app
        .client
        .get(app.url(&format!("/api/v1/private/buckets/16/{prefix:x}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let bytes = r.bytes().await.unwrap();
    let entries = &bytes[17..];
    for breach in ["Secret", "Gone"] {
        let (key, _) = filing.in_breach(breach);
        assert!(
            !entries.chunks(12).any(|e| e[..8] == key.tag()[..]),
            "{breach} served"
        );
    }
    let (telco, _) = filing.in_breach("Telco");
    assert!(entries.chunks(12).any(|e| e[..8] == telco.tag()[..]));
    // No entry carries a clear class set: Telco's word is sealed.
    let word = entries
        .chunks(12)
        .find(|e| e[..8] == telco.tag()[..])
        .unwrap();
    assert_ne!(u32::from_le_bytes(word[8..12].try_into().unwrap()), 0b11101);
    // Revalidation.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/private/buckets/16/{prefix:x}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // Bounds: longer than the default or below the floor, or a prefix too wide.
    for path in [
        "/api/v1/private/buckets/20/1",
        "/api/v1/private/buckets/11/1",
        "/api/v1/private/buckets/16/10000",
        "/api/v1/private/buckets/x/1",
        "/api/v1/private/buckets/16/zz",
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn malformed_messages_get_a_clear_400() {
    let app = TestApp::start().await;
    let element = client::blind(Mode::Voprf, b"x").unwrap().element.to_vec();
    let a = post(&app, "/api/v1/private/evaluate", element.clone()).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.bytes.len(), 32 + 64, "evaluated element and proof");
    for (path, body) in [
        ("/api/v1/private/evaluate", vec![0u8; 31]),
        ("/api/v1/private/evaluate", vec![0xffu8; 32]),
        ("/api/v1/private/check", vec![1u8; 36]),
        (
            "/api/v1/private/check",
            [vec![2u8, 16, 0, 0, 0], element.clone()].concat(),
        ),
        (
            "/api/v1/private/check",
            [vec![1u8, 30, 0, 0, 0], element.clone()].concat(),
        ),
        (
            "/api/v1/private/check",
            [vec![1u8, 16, 0xff, 0, 0], element.clone()].concat(),
        ),
        (
            "/api/v1/private/check",
            [vec![1u8, 16, 0, 0, 0], vec![0xffu8; 32]].concat(),
        ),
    ] {
        let a = post(&app, path, body.clone()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path} {body:?}");
        let v: Value = serde_json::from_slice(&a.bytes).unwrap();
        assert!(v["error"]["message"].as_str().unwrap().len() > 10);
    }
    app.stop().await;
}

#[tokio::test]
async fn private_evaluations_draw_on_the_same_budgets() {
    let mut options = Options::default();
    options.limits.per_address = lekradar_store::Rate::new(3, 60).unwrap();
    let app = TestApp::with(options).await;
    let element = client::blind(Mode::Voprf, b"x").unwrap().element.to_vec();
    for _ in 0..2 {
        assert_eq!(
            post(&app, "/api/v1/private/evaluate", element.clone())
                .await
                .status,
            StatusCode::OK
        );
    }
    // A direct check takes the third evaluation of the same budget.
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .json(&serde_json::json!({"account": JAN_PHONE}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let a = post(&app, "/api/v1/private/evaluate", element.clone()).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    let mut body = vec![1u8, 16, 0, 0, 1];
    body.extend_from_slice(&element);
    assert_eq!(
        post(&app, "/api/v1/private/check", body).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.stop().await;
}

#[tokio::test]
async fn base_mode_works_without_proofs() {
    let app = TestApp::with(Options {
        key_mode: Mode::Oprf,
        ..Default::default()
    })
    .await;
    let cfg = config(&app).await;
    assert_eq!(cfg["mode"], "oprf");
    assert!(cfg["publicKey"].is_null());
    let element = client::blind(Mode::Oprf, b"x").unwrap().element.to_vec();
    let a = post(&app, "/api/v1/private/evaluate", element).await;
    assert_eq!(a.bytes.len(), 32, "no proof in base mode");
    let (found, _) = private_check(&app, "06-12345678", 16).await;
    assert_eq!(found.len(), 2, "{found:?}");
    // Direct checks read the same index.
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn private_mode_answers_private_checks_only() {
    let app = TestApp::with(Options {
        mode: lekradar_web::Mode::Private,
        ..Default::default()
    })
    .await;
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("private checks only"));
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .json(&serde_json::json!({"account": JAN_PHONE}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client
        .post(app.url("/check"))
        .header("accept-language", "en")
        .form(&[("account", JAN_PHONE)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("needs JavaScript"));
    let (found, _) = private_check(&app, "06-12345678", 16).await;
    assert_eq!(found.len(), 2);
    // The page runs the check in the browser, with nothing to fall back to.
    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-private-check=\"private\""), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn owner_only_mode_answers_api_checks_only_for_a_key() {
    let app = TestApp::with(Options {
        mode: lekradar_web::Mode::OwnerOnly,
        require_api_key: false,
        ..Default::default()
    })
    .await;
    let input = normalize(JAN_PHONE, Region::NL).unwrap().prf_input();
    let blinded = client::blind(Mode::Voprf, &input).unwrap();
    let prefix = lekradar_prf::bucket(&input) >> 8;
    let mut check = vec![1u8, 16];
    check.extend_from_slice(&prefix.to_be_bytes()[1..]);
    check.extend_from_slice(&blinded.element);
    for (path, body) in [
        ("/api/v1/private/check", check),
        ("/api/v1/private/evaluate", blinded.element.to_vec()),
    ] {
        // Anyone could learn anyone's breaches here: refused without a key...
        let r = post(&app, path, body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(String::from_utf8_lossy(&r.bytes).contains("owner's email address"));
        // ...answered for a caller the operator gave one.
        let r = app
            .client
            .post(app.url(path))
            .header("content-type", "application/octet-stream")
            .header("hibp-api-key", &app.api_key)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let native = |key: Option<&str>| {
        let mut r = app
            .client
            .post(app.url("/api/v1/check"))
            .json(&serde_json::json!({"account": JAN_PHONE}));
        if let Some(key) = key {
            r = r.header("hibp-api-key", key);
        }
        r.send()
    };
    let r = native(None).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "owner_only"
    );
    assert_eq!(
        native(Some(&app.api_key)).await.unwrap().status(),
        StatusCode::OK
    );
    // HIBP: a key is needed whatever --require-api-key says.
    let r = app
        .client
        .get(app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}
