//! The pages as a person uses them, without JavaScript: language choice,
//! the check and its result, the catalogue and breach pages with their SVG
//! charts, owner-only mode, limits and errors; strict headers everywhere.

use reqwest::StatusCode;

use crate::*;

async fn page(
    app: &TestApp,
    path: &str,
    lang: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut req = app.client.get(app.url(path));
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.headers().clone(), r.text().await.unwrap())
}

/// The check form as a browser posts it: the form's page first (its token
/// and the cookie the token is bound to), then the post, same-origin.
async fn post_check(
    app: &TestApp,
    account: &str,
    region: &str,
    lang: &str,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let r = post_form(
        app,
        &app.client,
        &[("account", account), ("region", region)],
        &[("accept-language", lang)],
    )
    .await;
    (r.status(), r.headers().clone(), r.text().await.unwrap())
}

#[tokio::test]
async fn language_from_accept_language_query_and_cookie() {
    let app = TestApp::start().await;
    let (s, headers, html) = page(&app, "/", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("Staat je nummer of e-mailadres in een datalek?"));
    // The check page runs our own script (the private check), nothing else.
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    let (_, _, html) = page(&app, "/", Some("fr-BE,fr;q=0.9")).await;
    assert!(html.contains("<html lang=\"fr\">"));
    let (_, _, html) = page(&app, "/", Some("en-GB,en;q=0.8")).await;
    assert!(html.contains("Is your number or email address in a breach?"));
    // The visible switch: ?lang= renders that language and remembers it.
    let r = app
        .client
        .get(app.url("/breaches?lang=en"))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("href=\"/breaches?lang=fr\""));
    // The cookie beats Accept-Language.
    let r = app
        .client
        .get(app.url("/"))
        .header("cookie", "lang=fr")
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("<html lang=\"fr\">"));
    app.stop().await;
}

#[tokio::test]
async fn the_result_shows_each_breach_what_of_yours_leaked_and_advice() {
    let app = TestApp::start().await;
    let (s, headers, html) = post_check(&app, "06 1234 5678", "NL", "nl").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    assert!(html.contains("Gevonden in 2 datalekken"), "{html}");
    assert!(html.contains("href=\"/breaches/Telco\""));
    assert!(html.contains("href=\"/breaches/Scrape\""));
    assert!(!html.contains("/breaches/Secret") && !html.contains("/breaches/Gone"));
    // The classes of Jan's record, translated; not the email (not in this record).
    for class in [
        "Telefoonnummers",
        "Bankrekeningnummers",
        "Nummers van identiteitsbewijzen",
    ] {
        assert!(html.contains(&format!("<li>{class}</li>")), "{class}");
    }
    assert!(!html.contains("<li>E-mailadressen</li>"));
    assert!(html.contains("id=\"advice-never-share-codes\""));
    assert!(html.contains("id=\"advice-id-document-nl\""));
    // Most urgent first: a "now" item comes before any "soon" item.
    let now = html.find("urgency-now").unwrap();
    let soon = html.find("urgency-soon").unwrap();
    assert!(now < soon);
    // English, and the Belgian customer read with region BE.
    let (_, _, html) = post_check(&app, "0470 12 34 56", "BE", "en").await;
    assert!(html.contains("Found in 2 breaches"), "{html}");
    assert!(html.contains("<li>Names</li>"));
    app.stop().await;
}

#[tokio::test]
async fn a_clean_result_and_a_bad_input() {
    let app = TestApp::start().await;
    let (s, _, html) = post_check(&app, CLEAN_PHONE, "NL", "fr").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Absent des 3 fuites que nous connaissons"),
        "{html}"
    );
    assert!(html.contains("id=\"advice-stay-alert\""));
    let (s, headers, html) = post_check(&app, "06 12", "NL", "nl").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // The form shown again keeps its private check, under a policy that
    // lets the script run (else the next try would be a direct post).
    assert!(html.contains("src=\"/assets/private-check.js\""), "{html}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("geen geldig telefoonnummer"), "{html}");
    // What was typed stays in the field (escaped).
    let (_, _, html) = post_check(&app, "<script>x</script>", "NL", "nl").await;
    assert!(
        html.contains("value=\"&#60;script&#62;x&#60;/script&#62;\"")
            || html.contains("value=\"&lt;script&gt;x&lt;/script&gt;\""),
        "{html}"
    );
    assert!(!html.contains("<script>"));
    let (s, _, html) = post_check(&app, "", "NL", "en").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Enter a phone number or an email address."));
    app.stop().await;
}

#[tokio::test]
async fn catalogue_and_breach_pages_with_charts() {
    let app = TestApp::start().await;
    let (s, _, html) = page(&app, "/breaches", Some("nl")).await;
    assert_eq!(s, StatusCode::OK);
    for name in ["Telco", "Scrape", "Broker"] {
        assert!(
            html.contains(&format!("href=\"/breaches/{name}\"")),
            "{name}"
        );
    }
    assert!(
        !html.contains("/breaches/Gone"),
        "retired breaches are not listed"
    );
    assert!(html.contains("<th scope=\"col\""));
    let (s, _, html) = page(&app, "/breaches/Telco", Some("fr")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Une fuite télécom."));
    assert!(html.contains("<svg role=\"img\" aria-labelledby=\"chart-countries-title\""));
    assert!(
        html.contains("<title id=\"chart-countries-title\">Numéros de téléphone par pays</title>")
    );
    assert!(html.contains(">Pays-Bas</text>") && html.contains(">Belgique</text>"));
    assert!(html.contains("aria-labelledby=\"chart-classes-title\""));
    assert!(html.contains(">Noms</text>"));
    // The same figures as a table.
    assert!(html.contains("<th scope=\"row\">Belgique</th>"));
    // A retired breach keeps its page, marked.
    let (s, _, html) = page(&app, "/breaches/gone", Some("en")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("This breach has been retired"));
    let (s, _, html) = page(&app, "/breaches/Nope", Some("en")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    let (s, _, html) = page(&app, "/no/such/page", Some("nl")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("Pagina niet gevonden"));
    app.stop().await;
}

#[tokio::test]
async fn pages_use_no_script_and_nothing_from_elsewhere() {
    let app = TestApp::start().await;
    let mut bodies = Vec::new();
    for path in ["/", "/breaches", "/breaches/Telco", "/breaches/Scrape"] {
        bodies.push(page(&app, path, None).await.2);
    }
    bodies.push(post_check(&app, JAN_PHONE, "NL", "nl").await.2);
    for html in &bodies {
        // At most our own script, and the form works without it (it posts).
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        for s in &scripts {
            assert!(
                s.starts_with(" src=\"/assets/private-check.js\" defer>"),
                "{s:.60}"
            );
        }
        assert!(!html.contains(" style=\""), "no inline styles (CSP)");
        // Assets only from here; external links only to advice sources.
        for attr in ["src=\"http", "href=\"//"] {
            assert!(!html.contains(attr), "{attr}");
        }
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/assets/style.css\">"));
        assert!(html.contains("<a class=\"skip\" href=\"#main\">"));
        assert!(html.contains("<main id=\"main\""));
        assert!(
            !html.contains("href=\"/alerts\""),
            "no link to alerts this server does not offer"
        );
    }
    let r = app
        .client
        .get(app.url("/assets/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    app.stop().await;
}

#[tokio::test]
async fn owner_only_shows_the_same_page_whatever_the_outcome_and_mails_the_answer() {
    let mut app = TestApp::with(Options {
        mode: DeploymentMode::OwnerOnly,
        ..Default::default()
    })
    .await;
    let (_, _, form) = page(&app, "/", Some("nl")).await;
    assert!(form.contains("type=\"email\""));
    let (s1, _, found) = post_check(&app, JAN_EMAIL, "NL", "nl").await;
    let (s2, _, clean) = post_check(&app, "nobody@example.nl", "NL", "nl").await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(found, clean, "the page must not tell found from clean");
    assert!(found.contains("Kijk in je mailbox"));
    assert!(!found.contains("Telco") && !found.contains("Broker"));
    let first = app.answers.recv().await.unwrap();
    assert_eq!(first.to, JAN_EMAIL);
    assert_eq!(first.lang, lekradar_l10n::Lang::Nl);
    let names: Vec<&str> = first.breaches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["Broker", "Telco"]);
    assert_eq!(
        first.breaches[1].data_classes,
        ["Email addresses", "Names", "Bank account numbers"]
    );
    let second = app.answers.recv().await.unwrap();
    assert_eq!(second.to, "nobody@example.nl");
    assert!(second.breaches.is_empty());
    // Phone numbers cannot be answered by mail: refused, and nothing is mailed.
    let (s, _, html) = post_check(&app, JAN_PHONE, "NL", "en").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Only email addresses can be checked here"));
    assert!(app.answers.try_recv().is_err());
    app.stop().await;
}

#[tokio::test]
async fn the_check_page_has_a_rate_limit_with_a_translated_message() {
    let mut options = Options::default();
    options.rates.per_address = lekradar_store::Rate::new(1, 60).unwrap();
    let app = TestApp::with(options).await;
    assert_eq!(
        post_check(&app, JAN_PHONE, "NL", "nl").await.0,
        StatusCode::OK
    );
    let (s, headers, html) = post_check(&app, JAN_PHONE, "NL", "nl").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key("retry-after"));
    assert!(
        html.contains("Er zijn net te veel controles gedaan"),
        "{html}"
    );
    app.stop().await;
}

#[tokio::test]
async fn breach_pages_carry_a_staff_message_to_download() {
    let app = TestApp::start().await;
    let (_, _, nl) = page(&app, "/breaches/Telco", Some("nl")).await;
    assert!(nl.contains("<pre class=\"staff\">"), "{nl}");
    assert!(nl.contains("href=\"/breaches/Telco/staff-message.txt?lang=nl\""));
    let r = app
        .client
        .get(app.url("/breaches/Telco/staff-message.txt?lang=fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"Telco-staff-fr.txt\""
    );
    let fr = r.text().await.unwrap();
    // Subject, blank line, paragraphs; names the breach; no leftover message ids.
    let (subject, body) = fr.split_once("\n\n").unwrap();
    assert!(subject.contains("A telecom"), "{fr}");
    assert!(body.contains("A telecom") && body.len() > 400, "{fr}");
    assert!(!fr.contains("staff-"), "untranslated message id in {fr}");
    let en = app
        .client
        .get(app.url("/breaches/Telco/staff-message.txt?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(fr, en);
    // A breach with other classes gets other paragraphs.
    let scrape = app
        .client
        .get(app.url("/breaches/Scrape/staff-message.txt?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(scrape.len(), en.len());
    let r = app
        .client
        .get(app.url("/breaches/Nope/staff-message.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn letters_to_a_data_broker_are_filled_in_the_browser() {
    let app = TestApp::start().await;
    // Jan's email is in the broker's list: the result links to the letters.
    let (_, _, html) = post_check(&app, JAN_EMAIL, "NL", "en").await;
    assert!(html.contains("href=\"/letters?breach=Broker\""), "{html}");
    let r = app
        .client
        .get(app.url("/letters?breach=Broker&lang=nl"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    // The form never submits (method=dialog, no submit button); the broker is prefilled.
    assert!(html.contains("<form id=\"letter-form\" method=\"dialog\""));
    assert!(!html.contains("type=\"submit\""));
    assert!(html.contains("value=\"A data broker\""));
    // Each letter: editable text with placeholders, and a template for the script.
    for id in ["letter-access", "letter-erasure"] {
        assert!(html.contains(&format!("<textarea id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("@@name@@") && html.contains("@@identifiers@@"));
    assert!(html.contains("[Je naam]"), "{html}");
    assert!(html.contains("<script src=\"/assets/letter.js\" defer></script>"));
    let r = app
        .client
        .get(app.url("/assets/letter.js"))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let js = r.text().await.unwrap();
    assert!(js.contains("method=\"dialog\"") || js.contains("preventDefault"));
    assert!(
        !js.contains("fetch(") && !js.contains("XMLHttpRequest"),
        "the script sends nothing"
    );
    // Other pages keep the strict policy without scripts.
    let r = app.client.get(app.url("/breaches")).send().await.unwrap();
    assert!(!r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src"));
    app.stop().await;
}

#[tokio::test]
async fn the_result_page_shows_the_advice_in_order_in_every_language() {
    let app = TestApp::start().await;
    let mut titles_by_lang = Vec::new();
    for lang in ["nl", "fr", "en"] {
        // The same record through the native API and the page.
        let api: serde_json::Value = app
            .client
            .post(app.url("/api/v1/check"))
            .json(&serde_json::json!({"account": JAN_PHONE, "lang": lang}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<String> = api["advice"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect();
        let (_, _, html) = post_check(&app, JAN_PHONE, "NL", lang).await;
        let shown: Vec<String> = html
            .split("id=\"advice-")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_owned())
            .filter(|s| s != "h")
            .collect();
        assert_eq!(shown, ids, "{lang}");
        assert!(
            ids.contains(&"bank-fraud-nl".to_owned()) && ids.contains(&"id-document-nl".to_owned())
        );
        let titles: Vec<String> = api["advice"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_owned())
            .collect();
        for t in &titles {
            assert!(
                html.contains(&t.replace('\'', "&#39;").replace('"', "&#34;"))
                    || html.contains(t.as_str()),
                "{lang}: {t}"
            );
        }
        titles_by_lang.push(titles);
    }
    // Written in each language, not copied across.
    for ((nl, fr), en) in titles_by_lang[0]
        .iter()
        .zip(&titles_by_lang[1])
        .zip(&titles_by_lang[2])
    {
        assert_ne!(nl, fr);
        assert_ne!(fr, en);
    }
    app.stop().await;
}

/// Sends `target` as the request target, byte for byte, and returns the
/// whole answer's body.
async fn raw_get(app: &TestApp, target: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: lekradar.test\r\nConnection: close\r\n\r\n");
    stream.write_all(&request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .unwrap()
    .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// Review finding: the language switch put the raw request path into its
/// links, so `GET //evil.example/x` rendered `href="//evil.example/x?lang=en"`
/// (and `/\evil.example` in browsers). Every link of every page, resolved as
/// a browser resolves it (WHATWG URL), stays on this site.
#[tokio::test]
async fn every_link_stays_on_this_site_whatever_the_path() {
    let app = TestApp::start().await;
    let base = url::Url::parse("http://lekradar.test/").unwrap();
    let targets: &[&[u8]] = &[
        b"//evil.example/x",
        b"///evil.example",
        b"/\\evil.example/x",
        b"/\\/evil.example",
        b"//evil.example/breaches",
        b"/%2F%2Fevil.example",
        b"/%5Cevil.example",
        b"/breaches//evil.example",
        b"//evil.example:8080/@x",
        b"/.//evil.example",
    ];
    let mut links = 0;
    for target in targets {
        let answer = raw_get(&app, target).await;
        let shown = String::from_utf8_lossy(target);
        assert!(answer.starts_with("HTTP/1.1 "), "{shown}: {answer}");
        if answer.starts_with("HTTP/1.1 400") {
            continue; // refused by the HTTP parser: no page, no link
        }
        for href in answer.split("href=\"").skip(1) {
            let href = href.split('"').next().unwrap().replace("&amp;", "&");
            // Through the browser's URL parser, relative to the page (on
            // this site, whatever its path).
            let mut page = base.clone();
            page.set_path(&shown);
            let resolved = page.join(&href).unwrap();
            assert_eq!(
                resolved.host_str(),
                Some("lekradar.test"),
                "{shown}: href {href:?} leaves the site"
            );
            links += 1;
        }
    }
    assert!(links > 50, "pages with links were rendered ({links} links)");
    app.stop().await;
}

/// Review finding: the check form had no defence against other sites, so
/// any website could make its visitors submit checks (and spend their
/// budget). A post without the form's token, with the token of another
/// cookie, or marked cross-site by the browser is refused, shows nothing
/// another site filled in, and spends nothing.
#[tokio::test]
async fn the_check_form_needs_its_token_and_refuses_other_sites() {
    let mut options = Options::default();
    options.rates.per_address = lekradar_store::Rate::new(1, 3600).unwrap();
    let app = TestApp::with(options).await;
    let (cookie, token) = form_token(&app.client, &app.base).await;
    let (other_cookie, _) = form_token(&app.client, &app.base).await;
    assert_ne!(cookie, other_cookie, "each browser gets its own cookie");
    let post = |cookie: Option<&str>, token: Option<&str>, extra: Option<(&str, &str)>| {
        let mut form = vec![("account", JAN_PHONE)];
        if let Some(t) = token {
            form.push(("csrf", t));
        }
        let mut r = app
            .client
            .post(app.url("/check"))
            .header("accept-language", "en")
            .form(&form);
        if let Some(c) = cookie {
            r = r.header("cookie", c.to_owned());
        }
        if let Some((k, v)) = extra {
            r = r.header(k, v);
        }
        r.send()
    };
    for (what, r) in [
        ("no token, no cookie", post(None, None, None).await.unwrap()),
        (
            "a token, no cookie",
            post(None, Some(&token), None).await.unwrap(),
        ),
        (
            "a cookie, no token",
            post(Some(&cookie), None, None).await.unwrap(),
        ),
        (
            "another cookie's token",
            post(Some(&other_cookie), Some(&token), None).await.unwrap(),
        ),
    ] {
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{what}");
        let html = r.text().await.unwrap();
        assert!(html.contains("This form had expired"), "{what}: {html}");
        assert!(
            !html.contains(JAN_PHONE),
            "{what}: the typed account is not shown again"
        );
        assert!(html.contains("name=\"csrf\""), "{what}: a fresh token");
    }
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "http://evil.example"),
    ] {
        let r = post(Some(&cookie), Some(&token), Some((name, value)))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("came from another website"));
    }
    // None of that spent the budget of one check: the real form is answered.
    let r = post(Some(&cookie), Some(&token), Some(("origin", &app.base)))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Found in 2 breaches"));
    let metrics = app.ops("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("lekradar_checks_total{api=\"page\",outcome=\"bad_token\"} 4"),
        "{metrics}"
    );
    assert!(
        metrics.contains("lekradar_cross_site_refused_total 2"),
        "{metrics}"
    );
    app.stop().await;
}
