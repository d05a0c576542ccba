//! The native API: the person's own data classes, advice in the requested
//! language, statistics, and one JSON error envelope.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::*;

async fn check(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

fn advice_ids(v: &Value) -> Vec<String> {
    v["advice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_breach_with_the_classes_of_that_persons_record() {
    let app = TestApp::start().await;
    let (s, v) = check(&app, json!({"account": "06 12345678", "lang": "en"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["account"],
        json!({"kind": "phone", "canonical": JAN_PHONE})
    );
    assert_eq!(v["found"], true);
    let breaches = v["breaches"].as_array().unwrap();
    // Newest first; sensitive and retired breaches left out.
    let names: Vec<&str> = breaches
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Telco", "Scrape"]);
    assert_eq!(
        breaches[0]["dataClasses"],
        json!([
            "Phone numbers",
            "Names",
            "Bank account numbers",
            "Government issued IDs"
        ])
    );
    assert_eq!(breaches[1]["dataClasses"], json!(["Phone numbers"]));
    // The Belgian customer's record in the same breach holds less.
    let (_, b) = check(&app, json!({"account": "+32 470 12 34 56"})).await;
    let telco = b["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "Telco")
        .unwrap();
    assert_eq!(telco["dataClasses"], json!(["Phone numbers", "Names"]));
    assert_eq!(telco["breachDataClasses"].as_array().unwrap().len(), 5);
    app.stop().await;
}

#[tokio::test]
async fn advice_fits_the_record_country_and_language() {
    let app = TestApp::start().await;
    let (_, nl) = check(&app, json!({"account": JAN_PHONE, "lang": "nl"})).await;
    let ids = advice_ids(&nl);
    // Phone, IBAN and ID document, Dutch number: Dutch bank and ID advice.
    for id in [
        "never-share-codes",
        "whatsapp-two-step",
        "bank-fraud-nl",
        "id-document-nl",
    ] {
        assert!(ids.contains(&id.to_owned()), "{id} missing from {ids:?}");
    }
    assert!(!ids.contains(&"bank-fraud-be".to_owned()));
    // Most urgent first.
    let urgencies: Vec<&str> = nl["advice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["urgency"].as_str().unwrap())
        .collect();
    let rank = |u: &str| {
        ["now", "soon", "habit"]
            .iter()
            .position(|x| *x == u)
            .unwrap()
    };
    assert!(
        urgencies.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{urgencies:?}"
    );
    let first = &nl["advice"][0];
    assert!(
        first["title"].as_str().unwrap().contains("verificatiecode"),
        "{first}"
    );
    assert!(!first["steps"].as_array().unwrap().is_empty());
    assert!(first["sources"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    // The same record in French.
    let (_, fr) = check(&app, json!({"account": JAN_PHONE, "lang": "fr"})).await;
    assert_eq!(advice_ids(&fr), ids);
    assert!(fr["advice"][0]["title"]
        .as_str()
        .unwrap()
        .contains("code de vérification"));
    // A Belgian number with a name only gets no bank advice; the scrape gives phone advice.
    let (_, be) = check(&app, json!({"account": BELGIAN, "lang": "en"})).await;
    let be_ids = advice_ids(&be);
    assert!(be_ids.contains(&"never-share-codes".to_owned()));
    assert!(
        !be_ids.iter().any(|i| i.starts_with("bank-fraud")),
        "{be_ids:?}"
    );
    // Jan's email: data broker advice (GDPR), email advice.
    let (_, mail) = check(&app, json!({"account": JAN_EMAIL, "region": "BE"})).await;
    let mail_ids = advice_ids(&mail);
    assert!(
        mail_ids.contains(&"data-broker-gdpr".to_owned()),
        "{mail_ids:?}"
    );
    assert!(mail_ids.contains(&"expect-phishing".to_owned()));
    // Email with region BE: the Belgian bank advice.
    assert!(
        mail_ids.contains(&"bank-fraud-be".to_owned()),
        "{mail_ids:?}"
    );
    // Clean: found false, general advice only.
    let (s, clean) = check(&app, json!({"account": CLEAN_PHONE})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(clean["found"], false);
    assert_eq!(clean["breaches"], json!([]));
    assert!(advice_ids(&clean).contains(&"stay-alert".to_owned()));
    assert!(clean["breachesChecked"].as_u64().unwrap() >= 3);
    app.stop().await;
}

#[tokio::test]
async fn errors_have_one_envelope() {
    let app = TestApp::start().await;
    let (s, v) = check(&app, json!({"account": "hello"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "invalid_account");
    assert!(v["error"]["message"].as_str().unwrap().contains("phone"));
    let (s, v) = check(&app, json!({"account": JAN_PHONE, "region": "XX"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "invalid_region");
    let (s, v) = check(&app, json!({"account": JAN_PHONE, "lang": "de"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "invalid_lang");
    let (s, v) = check(&app, json!({"acount": JAN_PHONE})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "invalid_body");
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .body("account=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unsupported_media_type");
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .header("authorization", "Bearer lkr_wrong")
        .json(&json!({"account": JAN_PHONE}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    let r = app
        .client
        .get(app.url("/api/v1/check"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    app.stop().await;
}

#[tokio::test]
async fn checks_draw_on_the_address_budget_and_a_key_has_its_own() {
    let mut options = Options::default();
    options.rates.per_address = lekradar_store::Rate::new(2, 60).unwrap();
    let app = TestApp::with(options).await;
    for _ in 0..2 {
        assert_eq!(
            check(&app, json!({"account": JAN_PHONE})).await.0,
            StatusCode::OK
        );
    }
    let (s, v) = check(&app, json!({"account": JAN_PHONE})).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(v["error"]["code"], "rate_limited");
    assert!(v["error"]["retryAfter"].as_u64().unwrap() >= 1);
    // With an API key the key's budget applies instead.
    let r = app
        .client
        .post(app.url("/api/v1/check"))
        .header("authorization", format!("Bearer {}", app.api_key))
        .json(&json!({"account": JAN_PHONE}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn breach_statistics_per_country_and_class() {
    let app = TestApp::start().await;
    let r = app
        .client
        .get(app.url("/api/v1/breaches/telco?lang=fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["breach"]["name"], "Telco");
    assert_eq!(v["breach"]["description"], "Une fuite télécom.");
    let countries = v["phoneNumbersByCountry"].as_array().unwrap();
    assert_eq!(countries.len(), 2);
    let be = countries.iter().find(|c| c["callingCode"] == "32").unwrap();
    assert_eq!(be["country"], "Belgique");
    assert_eq!(be["count"], 1);
    let classes = v["recordsByDataClass"].as_array().unwrap();
    // Largest first.
    assert_eq!(classes[0]["dataClass"], "Names");
    assert_eq!(classes[0]["label"], "Noms");
    assert_eq!(v["emailAddresses"], 1);
    let r = app
        .client
        .get(app.url("/api/v1/breaches/Nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .client
        .get(app.url("/api/v1/breaches"))
        .send()
        .await
        .unwrap();
    let list: Value = r.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 5);
    app.stop().await;
}
