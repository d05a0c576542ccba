//! Every interface × deployment mode × caller over HTTP: what the one
//! policy of `lekradar-service` promises, as each adapter answers it.
//! Written out by hand, so that an adapter deciding for itself shows up
//! here.

use reqwest::StatusCode;

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Key,
    BadKey,
}

const CALLERS: [Caller; 3] = [Caller::Anonymous, Caller::Key, Caller::BadKey];
const BAD_KEY: &str = "lkr_0000000000000000000000000000000000000000000";

fn with_caller(
    req: reqwest::RequestBuilder,
    app: &TestApp,
    caller: Caller,
    header: &str,
) -> reqwest::RequestBuilder {
    match caller {
        Caller::Anonymous => req,
        Caller::Key => req.header(header, &app.api_key),
        Caller::BadKey => req.header(header, BAD_KEY),
    }
}

async fn native(app: &TestApp, caller: Caller) -> StatusCode {
    let req = app
        .client
        .post(app.url("/api/v1/check"))
        .json(&serde_json::json!({ "account": JAN_PHONE }));
    with_caller(req, app, caller, "hibp-api-key")
        .send()
        .await
        .unwrap()
        .status()
}

async fn hibp(app: &TestApp, caller: Caller) -> StatusCode {
    let req = app
        .client
        .get(app.url(&format!("/api/v3/breachedaccount/{JAN_PHONE}")));
    with_caller(req, app, caller, "hibp-api-key")
        .send()
        .await
        .unwrap()
        .status()
}

async fn private(app: &TestApp, caller: Caller) -> StatusCode {
    let element = lekradar_prf::client::blind(lekradar_prf::OprfMode::Voprf, b"x")
        .unwrap()
        .element
        .to_vec();
    let req = app
        .client
        .post(app.url("/api/v1/private/evaluate"))
        .header("content-type", "application/octet-stream")
        .body(element);
    let req = match caller {
        Caller::Anonymous => req,
        Caller::Key => req.bearer_auth(&app.api_key),
        Caller::BadKey => req.bearer_auth(BAD_KEY),
    };
    req.send().await.unwrap().status()
}

async fn page(app: &TestApp) -> (StatusCode, String) {
    let r = post_form(
        app,
        &app.client,
        &[("account", JAN_EMAIL), ("region", "NL")],
        &[],
    )
    .await;
    (r.status(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_interface_mode_and_caller() {
    use lekradar_service::DeploymentMode as M;
    use Caller::*;
    const OK: StatusCode = StatusCode::OK;
    const UNAUTHORIZED: StatusCode = StatusCode::UNAUTHORIZED;
    const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
    // mode, interface, caller, status (require_api_key: true, HIBP's rule)
    #[rustfmt::skip]
    let api: &[(M, &str, Caller, StatusCode)] = &[
        (M::Public, "native", Anonymous, OK),
        (M::Public, "native", Key, OK),
        (M::Public, "native", BadKey, UNAUTHORIZED),
        (M::Public, "hibp", Anonymous, UNAUTHORIZED),
        (M::Public, "hibp", Key, OK),
        (M::Public, "hibp", BadKey, UNAUTHORIZED),
        (M::Public, "private", Anonymous, OK),
        (M::Public, "private", Key, OK),
        (M::Public, "private", BadKey, UNAUTHORIZED),
        (M::OwnerOnly, "native", Anonymous, FORBIDDEN),
        (M::OwnerOnly, "native", Key, OK),
        (M::OwnerOnly, "native", BadKey, UNAUTHORIZED),
        (M::OwnerOnly, "hibp", Anonymous, UNAUTHORIZED),
        (M::OwnerOnly, "hibp", Key, OK),
        (M::OwnerOnly, "hibp", BadKey, UNAUTHORIZED),
        (M::OwnerOnly, "private", Anonymous, FORBIDDEN),
        (M::OwnerOnly, "private", Key, OK),
        (M::OwnerOnly, "private", BadKey, UNAUTHORIZED),
        (M::Private, "native", Anonymous, FORBIDDEN),
        (M::Private, "native", Key, FORBIDDEN),
        (M::Private, "native", BadKey, FORBIDDEN),
        (M::Private, "hibp", Anonymous, FORBIDDEN),
        (M::Private, "hibp", Key, FORBIDDEN),
        (M::Private, "hibp", BadKey, FORBIDDEN),
        (M::Private, "private", Anonymous, OK),
        (M::Private, "private", Key, OK),
        (M::Private, "private", BadKey, UNAUTHORIZED),
    ];
    for mode in M::ALL {
        let mut app = TestApp::with(Options {
            mode,
            ..Options::default()
        })
        .await;
        for caller in CALLERS {
            for (interface, got) in [
                ("native", native(&app, caller).await),
                ("hibp", hibp(&app, caller).await),
                ("private", private(&app, caller).await),
            ] {
                let want = api
                    .iter()
                    .find(|(m, i, c, _)| *m == mode && *i == interface && *c == caller)
                    .map(|(_, _, _, s)| *s)
                    .unwrap_or_else(|| panic!("{mode} {interface} {caller:?} not in the table"));
                assert_eq!(got, want, "{mode} mode, {interface}, {caller:?}");
            }
        }
        // The pages carry no key: an anonymous caller only.
        let (status, body) = page(&app).await;
        match mode {
            M::Public => {
                assert_eq!(status, OK);
                assert!(
                    body.contains("jan@example.nl"),
                    "public: the result on screen"
                );
                assert!(app.answers.try_recv().is_err(), "public: nothing mailed");
            }
            M::OwnerOnly => {
                assert_eq!(status, OK);
                assert!(
                    !body.contains("jan@example.nl"),
                    "owner-only: never on screen"
                );
                let answer = tokio::time::timeout(Duration::from_secs(5), app.answers.recv())
                    .await
                    .expect("the owner-only answer reaches the mailer")
                    .unwrap();
                assert_eq!(answer.to, JAN_EMAIL);
            }
            M::Private => assert_eq!(status, FORBIDDEN),
        }
        // An owner-only page checks email addresses only.
        if mode == M::OwnerOnly {
            let r = post_form(&app, &app.client, &[("account", JAN_PHONE)], &[]).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        }
        app.stop().await;
    }
}
