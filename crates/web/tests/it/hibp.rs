//! The HIBP API v3 as its clients rely on it: fields, order and types,
//! defaults, filters, status codes and bodies, case-insensitivity, keys and
//! rate limits.

use reqwest::StatusCode;
use serde_json::Value;

use crate::*;

const HIBP_FIELDS: [&str; 18] = [
    "Name",
    "Title",
    "Domain",
    "BreachDate",
    "AddedDate",
    "ModifiedDate",
    "PwnCount",
    "Description",
    "LogoPath",
    "DataClasses",
    "IsVerified",
    "IsFabricated",
    "IsSensitive",
    "IsRetired",
    "IsSpamList",
    "IsMalware",
    "IsSubscriptionFree",
    "IsStealerLog",
];

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|b| b["Name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn breached_account_default_is_truncated_and_hides_sensitive_and_retired() {
    let app = TestApp::start().await;
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let v: Value = r.json().await.unwrap();
    // Sorted by name; Secret (sensitive) and Gone (retired) never listed.
    assert_eq!(names(&v), ["Scrape", "Telco"]);
    for b in v.as_array().unwrap() {
        assert_eq!(b.as_object().unwrap().len(), 1, "truncated: {b}");
    }
    app.stop().await;
}

#[tokio::test]
async fn full_breach_objects_have_hibp_fields_in_hibp_order_and_types() {
    let app = TestApp::start().await;
    let r = app
        .hibp(&format!(
            "/api/v3/breachedaccount/{JAN_PHONE}?truncateResponse=false"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let telco = v
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["Name"] == "Telco")
        .unwrap();
    // Field order as HIBP sends it (read from the raw text).
    let start = text.find("{\"Name\":\"Telco\"").unwrap();
    let end = start + text[start..].find('}').unwrap() + 1;
    assert_eq!(key_order(&text[start..end]), HIBP_FIELDS);
    assert_eq!(telco["Domain"], "telco.example");
    assert_eq!(telco["BreachDate"], "2026-02-12");
    let added = telco["AddedDate"].as_str().unwrap();
    assert!(
        added.len() == 20 && added.ends_with('Z') && added.as_bytes()[10] == b'T',
        "{added}"
    );
    assert!(telco["PwnCount"].as_u64().unwrap() >= 3);
    assert!(telco["IsVerified"].as_bool().unwrap());
    assert!(!telco["IsRetired"].as_bool().unwrap());
    assert!(telco["LogoPath"].is_string() && telco["Description"].is_string());
    // HIBP lists a breach's data classes alphabetically.
    let classes: Vec<&str> = telco["DataClasses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let mut sorted = classes.clone();
    sorted.sort();
    assert_eq!(classes, sorted);
    assert!(classes.contains(&"Government issued IDs"));
    app.stop().await;
}

#[tokio::test]
async fn phone_spellings_and_a_plus_in_the_path() {
    let app = TestApp::start().await;
    for spelling in [
        "+31612345678",
        "%2B31612345678",
        "06-12345678",
        "0031%206%201234%205678",
        "(0)6%201234%205678",
    ] {
        let r = app
            .hibp(&format!("/api/v3/breachedaccount/{spelling}"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{spelling}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(names(&v), ["Scrape", "Telco"], "{spelling}");
    }
    // Emails in any case, with plus-addressing kept: jan+x is another address.
    let r = app.hibp("/api/v3/breachedaccount/JAN@Example.nl").await;
    assert_eq!(names(&r.json().await.unwrap()), ["Broker", "Telco"]);
    let r = app
        .hibp("/api/v3/breachedaccount/jan+news@example.nl")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn not_found_is_404_with_an_empty_body() {
    let app = TestApp::start().await;
    for account in [CLEAN_PHONE, "nobody@example.nl"] {
        let r = app
            .hibp(&format!("/api/v3/breachedaccount/{account}"))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.text().await.unwrap(), "");
    }
    let r = app.hibp("/api/v3/breach/NoSuchBreach").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.text().await.unwrap(), "");
    app.stop().await;
}

#[tokio::test]
async fn include_unverified_and_domain_filters() {
    let app = TestApp::start().await;
    let get = |q: &'static str| {
        let app = &app;
        async move {
            let r = app
                .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}{q}"))
                .await;
            (r.status(), r.text().await.unwrap())
        }
    };
    // Scrape is unverified.
    let (s, body) = get("?includeUnverified=false").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(names(&serde_json::from_str(&body).unwrap()), ["Telco"]);
    let (_, body) = get("?domain=telco.example").await;
    assert_eq!(names(&serde_json::from_str(&body).unwrap()), ["Telco"]);
    let (s, _) = get("?domain=elsewhere.example").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The Belgian is only in unverified breaches plus Telco.
    let r = app
        .hibp(&format!(
            "/api/v3/breachedaccount/{SCRAPED_ONLY}?includeUnverified=false"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn paths_and_query_names_are_case_insensitive_and_booleans_any_case() {
    let app = TestApp::start().await;
    let r = app
        .hibp(&format!(
            "/API/V3/BreachedAccount/{JAN_PHONE}?TruncateResponse=FALSE&INCLUDEUNVERIFIED=False"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(names(&v), ["Telco"]);
    assert!(v[0]["Title"].is_string(), "not truncated");
    // pyhibp sends True/False.
    let r = app
        .hibp(&format!(
            "/api/v3/breachedaccount/{JAN_PHONE}?truncateResponse=True&includeUnverified=True"
        ))
        .await;
    assert_eq!(names(&r.json().await.unwrap()), ["Scrape", "Telco"]);
    // An empty query string and empty values are accepted.
    for q in ["?", "?truncateResponse=", "?&&"] {
        let r = app
            .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}{q}"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{q}");
    }
    let r = app
        .hibp(&format!(
            "/api/v3/breachedaccount/{JAN_PHONE}?truncateResponse=maybe"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("truncateResponse"));
    let r = app.hibp("/api/v3/Breach/telco").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["Name"], "Telco");
    app.stop().await;
}

#[tokio::test]
async fn keys_user_agent_and_malformed_accounts() {
    let app = TestApp::start().await;
    let url = app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}"));
    let r = app.client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(
        r.text().await.unwrap(),
        "Access denied due to missing hibp-api-key."
    );
    let r = app
        .client
        .get(&url)
        .header("hibp-api-key", "lkr_not-a-real-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.text().await.unwrap(),
        "Access denied due to invalid hibp-api-key."
    );
    // No user agent: 403, before anything else.
    let bare = reqwest::Client::new();
    let r = bare
        .get(&url)
        .header("hibp-api-key", &app.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = bare.get(app.url("/api/v3/breaches")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Malformed accounts: 400 with a reason.
    for bad in ["not-an-account", "jan@", "06-12", "%00%01"] {
        let r = app.hibp(&format!("/api/v3/breachedaccount/{bad}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        let text = r.text().await.unwrap();
        assert!(text.starts_with("Bad request"), "{text}");
    }
    let long = "1".repeat(400);
    let r = app.hibp(&format!("/api/v3/breachedaccount/{long}")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_key_stops_working() {
    let app = TestApp::with(Options {
        require_api_key: true,
        ..Default::default()
    })
    .await;
    let made = app
        .store
        .api_keys()
        .create("short-lived", lekradar_store::Rate::new(10, 1).unwrap())
        .await
        .unwrap();
    let url = app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}"));
    let r = app
        .client
        .get(&url)
        .header("hibp-api-key", &made.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.store.api_keys().revoke("short-lived").await.unwrap();
    // Within the key cache time (5 s by default) the key stops working.
    let mut status = StatusCode::OK;
    for _ in 0..70 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        status = app
            .client
            .get(&url)
            .header("hibp-api-key", &made.secret)
            .send()
            .await
            .unwrap()
            .status();
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
    }
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn a_key_with_its_own_rate_gets_429_with_retry_after_and_hibp_body() {
    let app = TestApp::with(Options {
        api_key_rate: lekradar_store::Rate::new(3, 60).unwrap(),
        ..Default::default()
    })
    .await;
    for _ in 0..3 {
        let r = app
            .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["statusCode"], 429);
    assert_eq!(
        v["message"],
        format!("Rate limit is exceeded. Try again in {retry} seconds.")
    );
    // Another key is not affected.
    let other = app
        .store
        .api_keys()
        .create("other", lekradar_store::Rate::new(10, 60).unwrap())
        .await
        .unwrap();
    let r = app
        .client
        .get(app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}")))
        .header("hibp-api-key", &other.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn the_global_cap_holds_for_every_key() {
    let mut options = Options::default();
    options.rates.global = lekradar_store::Rate::new(5, 3600).unwrap();
    let app = TestApp::with(options).await;
    let mut ok = 0;
    let mut limited = 0;
    for i in 0..10 {
        let key = app
            .store
            .api_keys()
            .create(&format!("k{i}"), lekradar_store::Rate::new(100, 1).unwrap())
            .await
            .unwrap();
        let r = app
            .client
            .get(app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}")))
            .header("hibp-api-key", &key.secret)
            .send()
            .await
            .unwrap();
        match r.status() {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            s => panic!("{s}"),
        }
    }
    assert_eq!((ok, limited), (5, 5));
    app.stop().await;
}

#[tokio::test]
async fn catalogue_endpoints() {
    let app = TestApp::start().await;
    let r = app.hibp("/api/v3/breaches").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    // Every breach, retired and sensitive ones included, marked as such.
    assert_eq!(names(&v), ["Broker", "Gone", "Scrape", "Secret", "Telco"]);
    let gone = v
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["Name"] == "Gone")
        .unwrap();
    assert_eq!(gone["IsRetired"], true);
    let secret = v
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["Name"] == "Secret")
        .unwrap();
    assert_eq!(secret["IsSensitive"], true);
    let r = app.hibp("/api/v3/breaches?Domain=TELCO.example").await;
    assert_eq!(names(&r.json().await.unwrap()), ["Telco"]);
    let r = app.hibp("/api/v3/breaches?domain=none.example").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "[]");
    let r = app.hibp("/api/v3/breaches?isSpamList=true").await;
    assert_eq!(r.text().await.unwrap(), "[]");
    let r = app.hibp("/api/v3/latestbreach").await;
    assert_eq!(r.status(), StatusCode::OK);
    let latest: Value = r.json().await.unwrap();
    // The last one published that is not retired.
    assert_eq!(latest["Name"], "Secret");
    let r = app.hibp("/api/v3/dataclasses").await;
    let classes: Vec<String> = r.json().await.unwrap();
    assert!(classes.contains(&"Phone numbers".to_owned()));
    assert!(classes.contains(&"Government issued IDs".to_owned()));
    let mut sorted = classes.clone();
    sorted.sort_by_key(|c| c.to_lowercase());
    assert_eq!(classes, sorted);
    // Catalogue endpoints need no key.
    let r = app
        .client
        .get(app.url("/api/v3/breach/Telco"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn pastes_are_always_not_found_but_need_a_key_and_an_email() {
    let app = TestApp::start().await;
    let r = app.hibp(&format!("/api/v3/pasteaccount/{JAN_EMAIL}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.hibp(&format!("/api/v3/pasteaccount/{JAN_PHONE}")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .client
        .get(app.url(&format!("/api/v3/pasteaccount/{JAN_EMAIL}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn api_keys_work_from_a_postgresql_store() {
    let app = TestApp::with(Options {
        postgres: true,
        ..Default::default()
    })
    .await;
    let r = app
        .hibp(&format!("/api/v3/breachedaccount/{JAN_PHONE}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.ops("/readyz").await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["store"], "postgres");
    assert_eq!(v["ready"], true);
    app.stop().await;
}

#[tokio::test]
async fn without_required_keys_addresses_have_budgets() {
    let mut options = Options {
        require_api_key: false,
        ..Default::default()
    };
    options.rates.per_address = lekradar_store::Rate::new(2, 60).unwrap();
    let app = TestApp::with(options).await;
    let url = app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}"));
    for _ in 0..2 {
        assert_eq!(
            app.client.get(&url).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address still has its budget.
    let other = client_from(fresh_client_ip());
    assert_eq!(
        other.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    app.stop().await;
}

/// Review finding: a sensitive `Sens` and a public `sens` in one index (the
/// writer refuses such a pair now; an index written before may hold one).
/// A hit in `Sens` was resolved by lower-cased name and reported by the HIBP
/// and native APIs as a hit in `sens`. A hit is now resolved by the exact
/// identity of the index entry it came from.
#[tokio::test]
async fn a_hit_is_resolved_by_its_breach_never_by_a_name_that_differs_in_case() {
    const ONLY_IN_SENS: &str = "+31655500011";
    let app = TestApp::start().await;
    let dir = app.index_dir();
    let mut sens = lekradar_breach::BreachMetadata::new("Sens", "Sensitive", date(2023, 1, 1));
    sens.is_sensitive = true;
    sens.data_classes = vec!["Phone numbers".into(), "Sexual orientations".into()];
    publish(
        &dir,
        &app.key,
        sens,
        &[Record {
            raw: ONLY_IN_SENS,
            classes: &["Phone numbers", "Sexual orientations"],
        }],
    );
    // A public breach published as "Xens", then renamed to "sens" in the
    // manifest by hand, as an older writer could have left it.
    let mut public = lekradar_breach::BreachMetadata::new("Xens", "Public", date(2023, 1, 2));
    public.data_classes = vec!["Email addresses".into(), "Names".into()];
    publish(
        &dir,
        &app.key,
        public,
        &[Record {
            raw: "someone@else.example",
            classes: &["Email addresses"],
        }],
    );
    let manifest = std::fs::read_to_string(dir.join("MANIFEST")).unwrap();
    let body = manifest[..manifest.rfind("end ").unwrap()].to_owned();
    let mut renamed = String::new();
    for line in body.lines() {
        let line = if let Some(g) = line.strip_prefix("generation ") {
            format!("generation {}", g.parse::<u64>().unwrap() + 1)
        } else {
            line.replace("breach Xens ", "breach sens ")
                .replace("segment Xens ", "segment sens ")
        };
        renamed.push_str(&line);
        renamed.push('\n');
    }
    let crc = crc32fast::hash(renamed.as_bytes());
    renamed.push_str(&format!("end {crc:08x}\n"));
    std::fs::write(dir.join("MANIFEST.tmp"), renamed).unwrap();
    std::fs::rename(dir.join("MANIFEST.tmp"), dir.join("MANIFEST")).unwrap();
    // Wait for the server to serve both.
    let mut both = false;
    for _ in 0..100 {
        let list: Value = app.hibp("/api/v3/breaches").await.json().await.unwrap();
        let names = names(&list);
        if names.contains(&"Sens".to_owned()) && names.contains(&"sens".to_owned()) {
            both = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(both, "the renamed manifest is served");
    // The hit in the sensitive breach is reported nowhere.
    let r = app
        .hibp(&format!(
            "/api/v3/breachedaccount/{ONLY_IN_SENS}?truncateResponse=false"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{:?}", r.text().await);
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .json(&serde_json::json!({"account": ONLY_IN_SENS}))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["found"], false, "{v}");
    assert_eq!(v["breaches"], serde_json::json!([]), "{v}");
    // A name typed exactly finds that breach; another case finds one of them.
    let exact: Value = app.hibp("/api/v3/breach/sens").await.json().await.unwrap();
    assert_eq!(exact["Title"], "Public");
    let exact: Value = app.hibp("/api/v3/breach/Sens").await.json().await.unwrap();
    assert_eq!(exact["Title"], "Sensitive");
    app.stop().await;
}
