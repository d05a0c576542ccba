//! Organisations end to end, through the binary and real parts: sign-in
//! links read from a real SMTP server (aiosmtpd), domain proofs looked up
//! at a real authoritative DNS server (nsd) whose zone the test edits —
//! the record added among other TXT strings, changed, removed — and proofs
//! mailed to a role address. Sessions, CSRF, roles, invitations, the audit
//! log, isolation between two organisations; afterwards no address in the
//! clear in the data directory or the logs.

use crate::support;

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use lekradar_testkit::services::{Dns, SmtpSink, SmtpSinkOptions};
use support::{all_files, assert_none_in, curl, demo_data, Server};

const PUBLIC: &str = "https://lekradar.test";
const ZONE: &str = "acme.test";

/// A response: status, headers (lower-case names), body.
struct Reply {
    code: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The form token on this page.
    fn csrf(&self) -> String {
        self.body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no form token in {}", self.body))
            .to_owned()
    }
}

fn request(args: &[&str]) -> Reply {
    let mut all = vec!["-i"];
    all.extend_from_slice(args);
    let (code, text) = curl(&all);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Reply {
        code,
        headers,
        body: body.to_owned(),
    }
}

/// One person's browser: the anonymous form cookie in a jar, the session
/// cookie by hand (it is `Secure`, which curl keeps for HTTPS only).
struct Browser {
    base: String,
    jar: String,
    session: Option<String>,
}

impl Browser {
    fn new(base: &str, dir: &Path, name: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            jar: dir.join(format!("{name}.jar")).display().to_string(),
            session: None,
        }
    }

    fn args<'a>(&'a self, extra: &[&'a str]) -> Vec<String> {
        let mut a: Vec<String> = vec!["-c".into(), self.jar.clone(), "-b".into(), self.jar.clone()];
        if let Some(s) = &self.session {
            a.push("-H".into());
            a.push(format!("Cookie: lekradar_org={s}"));
        }
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    }

    fn get(&self, path: &str) -> Reply {
        let url = format!("{}{path}", self.base);
        let args = self.args(&[&url]);
        request(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_with(path, fields, &[])
    }

    fn post_with(&self, path: &str, fields: &[(&str, &str)], extra: &[&str]) -> Reply {
        let mut args = self.args(extra);
        for (k, v) in fields {
            args.push("--data-urlencode".into());
            args.push(format!("{k}={v}"));
        }
        if fields.is_empty() {
            args.push("-X".into());
            args.push("POST".into());
        }
        args.push(format!("{}{path}", self.base));
        request(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// POSTs `body` as JSON (what the passkey script sends).
    fn post_json(&self, path: &str, body: &str) -> Reply {
        let url = format!("{}{path}", self.base);
        let args = self.args(&[
            "-H",
            "content-type: application/json",
            "--data-binary",
            body,
            &url,
        ]);
        request(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Uploads `file` as a watchlist with this session's form token.
    fn upload(&self, page: &str, path: &str, file: &Path) -> Reply {
        let token = self.get(page).csrf();
        let csrf = format!("csrf={token}");
        let file = format!("file=@{};filename=staff.csv", file.display());
        let url = format!("{}{path}", self.base);
        let args = self.args(&["-F", &csrf, "-F", &file, &url]);
        request(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// POSTs `fields` and this session's form token (read from `page`).
    fn act(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.get(page).csrf();
        let mut all = fields.to_vec();
        all.push(("csrf", &token));
        self.post(path, &all)
    }
}

/// The mails of the test, each returned once.
struct Mailbox {
    smtp: SmtpSink,
    seen: HashSet<Vec<u8>>,
}

struct Mail {
    to: String,
    subject: String,
    text: String,
}

impl Mailbox {
    /// The next unseen mail to `to` whose subject holds `about`; other
    /// mails (a digest racing a sign-in link) stay for a later call.
    fn next_to(&mut self, to: &str, about: &str) -> Mail {
        let start = Instant::now();
        loop {
            for raw in self.smtp.messages() {
                if self.seen.contains(&raw) {
                    continue;
                }
                let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
                let mail = Mail {
                    to: m
                        .to()
                        .and_then(|a| a.first())
                        .and_then(|a| a.address())
                        .unwrap_or_default()
                        .to_owned(),
                    subject: m.subject().unwrap_or_default().to_owned(),
                    text: m.body_text(0).unwrap_or_default().into_owned(),
                };
                if mail.to == to && mail.subject.contains(about) {
                    self.seen.insert(raw);
                    return mail;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no mail to {to} about {about:?} came"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Passkey ceremonies with bad input: every one a clear error that changes
/// nothing (the real ceremonies run in Chromium with a virtual
/// authenticator: `e2e/orgs.mjs`).
fn passkeys_refuse_what_does_not_verify(base: &str, dir: &Path, owner: &Browser, address: &str) {
    let json = |r: &Reply| -> serde_json::Value {
        serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
    };
    // Signing in: the form's token, a challenge, answers that do not verify.
    let anon = Browser::new(base, dir, "passkey-anon");
    let page = anon.get("/org?lang=en");
    assert!(
        page.body.contains("id=\"passkey-sign-in\""),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let no_token = anon.post_json("/org/passkey/challenge", "{}");
    assert_eq!(no_token.code, 403, "{}", no_token.body);
    let challenge = anon.post_json(
        "/org/passkey/challenge",
        &serde_json::json!({ "csrf": csrf }).to_string(),
    );
    assert_eq!(challenge.code, 200, "{}", challenge.body);
    let c = json(&challenge);
    let ceremony = c["ceremony"].as_str().unwrap().to_owned();
    assert_eq!(ceremony.len(), 43);
    assert_eq!(c["options"]["publicKey"]["rpId"], "lekradar.test");
    assert_eq!(c["options"]["publicKey"]["userVerification"], "required");
    assert!(c["options"]["publicKey"]["challenge"]
        .as_str()
        .is_some_and(|ch| ch.len() >= 43));
    let answer = serde_json::json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA", "userHandle": "AAAA"},
    });
    for (what, body) in [
        (
            "a forged ceremony",
            serde_json::json!({ "csrf": csrf, "ceremony": "x".repeat(43), "answer": answer })
                .to_string(),
        ),
        (
            "an answer that does not verify",
            serde_json::json!({ "csrf": csrf, "ceremony": ceremony, "answer": answer }).to_string(),
        ),
        (
            "the same ceremony again",
            serde_json::json!({ "csrf": csrf, "ceremony": ceremony, "answer": answer }).to_string(),
        ),
        (
            "an answer that is no credential",
            serde_json::json!({ "csrf": csrf, "ceremony": ceremony, "answer": "nonsense" })
                .to_string(),
        ),
        ("no JSON at all", "ceremony=x".to_owned()),
    ] {
        let r = anon.post_json("/org/passkey/sign-in", &body);
        assert_eq!(r.code, 400, "{what}: {}", r.body);
        assert!(r.body.contains("not accepted"), "{what}: {}", r.body);
        assert!(
            r.header("set-cookie")
                .is_none_or(|c| !c.starts_with("lekradar_org=")),
            "{what}"
        );
    }
    let no_csrf = anon.post_json(
        "/org/passkey/sign-in",
        &serde_json::json!({ "ceremony": ceremony, "answer": answer }).to_string(),
    );
    assert_eq!(no_csrf.code, 403, "{}", no_csrf.body);
    // Adding one: only signed in, only with the session's token.
    let signed_out = anon.post_json(
        "/org/passkeys/challenge",
        &serde_json::json!({ "csrf": csrf }).to_string(),
    );
    assert_eq!(signed_out.code, 401, "{}", signed_out.body);
    let home = owner.get("/org?lang=en");
    let token = home.csrf();
    let foreign = owner.post_json(
        "/org/passkeys/challenge",
        &serde_json::json!({ "csrf": csrf }).to_string(),
    );
    assert_eq!(foreign.code, 403, "another form's token: {}", foreign.body);
    let started = owner.post_json(
        "/org/passkeys/challenge",
        &serde_json::json!({ "csrf": token }).to_string(),
    );
    assert_eq!(started.code, 200, "{}", started.body);
    let s = json(&started);
    assert_eq!(s["options"]["publicKey"]["rp"]["id"], "lekradar.test");
    assert_eq!(s["options"]["publicKey"]["user"]["name"], address);
    let registration = serde_json::json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"},
    });
    let bad = owner.post_json(
        "/org/passkeys",
        &serde_json::json!({ "csrf": token, "ceremony": s["ceremony"], "answer": registration, "name": "laptop" })
            .to_string(),
    );
    assert_eq!(bad.code, 400, "{}", bad.body);
    assert!(
        !owner.get("/org").body.contains("table class=\"passkeys\""),
        "nothing was added"
    );
    let gone = owner.act("/org", "/org/passkeys/1/remove", &[]);
    assert_eq!(gone.code, 404, "no passkey of this person: {}", gone.body);
}

fn link_token(mail: &Mail) -> String {
    mail.text
        .split(&format!("{PUBLIC}/org/link?token="))
        .nth(1)
        .unwrap_or_else(|| panic!("no link in {}", mail.text))
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

/// Follows a mailed link by its button; the response.
fn follow(browser: &Browser, token: &str) -> Reply {
    let page = browser.get(&format!("/org/link?token={token}"));
    assert_eq!(page.code, 200, "{}", page.body);
    assert!(
        page.body.contains("name=\"token\""),
        "a button, not a GET that acts"
    );
    browser.post("/org/link", &[("token", token)])
}

/// Signs `address` in; the session cookie's value.
fn sign_in(browser: &mut Browser, mailbox: &mut Mailbox, address: &str) -> String {
    let token = browser.get("/org?lang=en").csrf();
    let sent = browser.post("/org/sign-in", &[("address", address), ("csrf", &token)]);
    assert_eq!(sent.code, 200, "{}", sent.body);
    assert!(sent.body.contains("Look in your mailbox"), "{}", sent.body);
    let mail = mailbox.next_to(address, "sign-in link");
    let token = link_token(&mail);
    let signed = follow(browser, &token);
    assert_eq!(signed.code, 303, "{}", signed.body);
    let cookie = signed.header("set-cookie").expect("a session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/org"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    let value = cookie
        .strip_prefix("lekradar_org=")
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    // The link works once.
    let again = browser.post("/org/link", &[("token", &token)]);
    assert_eq!(again.code, 410, "{}", again.body);
    browser.session = Some(value.clone());
    value
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn domain_token(page: &str, domain: &str) -> String {
    page.split(&format!("{domain}. TXT &quot;lekradar-verification="))
        .nth(1)
        .or_else(|| {
            page.split(&format!("{domain}. TXT \"lekradar-verification="))
                .nth(1)
        })
        .unwrap_or_else(|| panic!("no record for {domain} in {page}"))
        .split(['&', '"'])
        .next()
        .unwrap()
        .to_owned()
}

/// The id of `domain` in the page's forms.
fn domain_id(page: &str, org: &str, domain: &str) -> String {
    let section = page
        .split("<section class=\"domain\"")
        .find(|s| s.contains(&format!(">{domain} — ")))
        .unwrap_or_else(|| panic!("no {domain} on {page}"));
    section
        .split(&format!("/org/{org}/domains/"))
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

fn state_of(page: &str, domain: &str) -> String {
    page.split(&format!(">{domain} — <span class=\"state-"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {domain} on {page}"))
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn organisations_sign_in_by_mail_prove_domains_by_dns_and_mail_and_keep_to_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = demo_data(dir.path());
    let others = [
        ("@", "TXT", "v=spf1 -all"),
        ("@", "TXT", "google-site-verification=abc123"),
    ];
    let mut dns = Dns::start(ZONE, &others);
    let mut mailbox = Mailbox {
        smtp: SmtpSink::start(SmtpSinkOptions::default()),
        seen: HashSet::new(),
    };
    let smtp = format!("smtp://127.0.0.1:{}", mailbox.smtp.port());
    let dns_server = format!("127.0.0.1:{}", dns.port());
    let server = Server::start(
        &data,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-per-address",
            "1000/min",
            "--smtp-url",
            &smtp,
            "--mail-from",
            "Lekradar <orgs@lekradar.test>",
            "--public-url",
            PUBLIC,
            "--org-dns-servers",
            &dns_server,
            "--org-domain-recheck",
            "1s",
            "--request-timeout",
            "2s",
        ],
        &[],
    );
    let owner_address = "owner@acme.test";
    let viewer_address = "viewer@acme.test";
    let stranger_address = "someone@elsewhere.test";
    let mut owner = Browser::new(&server.base, dir.path(), "owner");

    // The nav links the pages; signing in needs the form's token and an address.
    let home = owner.get("/org?lang=en");
    assert_eq!(home.code, 200);
    assert!(home.body.contains("href=\"/org\""), "nav link");
    let no_token = owner.post("/org/sign-in", &[("address", owner_address)]);
    assert_eq!(no_token.code, 403, "{}", no_token.body);
    let token = owner.get("/org").csrf();
    let bad = owner.post(
        "/org/sign-in",
        &[("address", "not an address"), ("csrf", &token)],
    );
    assert_eq!(bad.code, 400, "{}", bad.body);
    let forged = owner.post("/org/link", &[("token", "forged-token")]);
    assert_eq!(forged.code, 410, "{}", forged.body);
    assert!(forged
        .header("set-cookie")
        .is_none_or(|c| !c.starts_with("lekradar_org=")));
    assert_eq!(
        mailbox.smtp.count(),
        0,
        "nothing was mailed for refused forms"
    );

    sign_in(&mut owner, &mut mailbox, owner_address);
    let home = owner.get("/org?lang=en");
    assert!(home.body.contains(owner_address), "{}", home.body);
    passkeys_refuse_what_does_not_verify(&server.base, dir.path(), &owner, owner_address);

    // Create the organisation: only with the session's own form token.
    let refused = owner.post("/org/new", &[("name", "Acme")]);
    assert_eq!(refused.code, 403);
    let created = owner.act("/org", "/org/new", &[("name", "Acme <BV>")]);
    assert_eq!(created.code, 303, "{}", created.body);
    let org_path = created.header("location").unwrap().to_owned();
    let org = org_path.trim_start_matches("/org/").to_owned();
    let page = owner.get(&format!("{org_path}?lang=en"));
    assert_eq!(page.code, 200);
    assert!(
        page.body.contains("Acme &") && !page.body.contains("Acme <BV>"),
        "escaped name: {}",
        page.body
    );

    // A domain proved by DNS: missing, then found among other TXT strings.
    let added = owner.act(
        &org_path,
        &format!("{org_path}/domains"),
        &[("domain", "ACME.test.")],
    );
    assert_eq!(added.code, 303, "{}", added.body);
    let page = owner.get(&org_path).body;
    let record = domain_token(&page, ZONE);
    let acme = domain_id(&page, &org, ZONE);
    assert_eq!(state_of(&page, ZONE), "pending");
    let check = format!("{org_path}/domains/{acme}/check");
    let missing = owner.act(&org_path, &check, &[]);
    assert_eq!(missing.code, 409, "{}", missing.body);
    assert!(
        missing.body.contains("2 other TXT records"),
        "{}",
        missing.body
    );
    let proof = format!("lekradar-verification={record}");
    let mut with_proof = others.to_vec();
    with_proof.push(("@", "TXT", &proof));
    dns.set_records(&with_proof);
    let proved = owner.act(&org_path, &check, &[]);
    assert_eq!(proved.code, 200, "{}", proved.body);
    assert!(
        proved.body.contains("The domain is proved"),
        "{}",
        proved.body
    );
    assert_eq!(state_of(&proved.body, ZONE), "verified");

    // Bad domains, and one the organisation does not control.
    for (domain, code) in [
        ("not a domain", 400),
        ("192.0.2.1", 400),
        ("localhost", 400),
        ("acme.test", 409),
    ] {
        let r = owner.act(
            &org_path,
            &format!("{org_path}/domains"),
            &[("domain", domain)],
        );
        assert_eq!(r.code, code, "{domain}: {}", r.body);
    }
    let added = owner.act(
        &org_path,
        &format!("{org_path}/domains"),
        &[("domain", "sub.acme.test")],
    );
    assert_eq!(added.code, 303);
    let page = owner.get(&org_path).body;
    let sub = domain_id(&page, &org, "sub.acme.test");
    let nothing = owner.act(&org_path, &format!("{org_path}/domains/{sub}/check"), &[]);
    assert_eq!(nothing.code, 409, "{}", nothing.body);
    assert_eq!(state_of(&nothing.body, "sub.acme.test"), "pending");

    // …proved instead by a link mailed to one of its role addresses.
    let wrong = owner.act(
        &org_path,
        &format!("{org_path}/domains/{sub}/mail"),
        &[("local", "ceo")],
    );
    assert_eq!(wrong.code, 400, "{}", wrong.body);
    let mailed = owner.act(
        &org_path,
        &format!("{org_path}/domains/{sub}/mail"),
        &[("local", "security")],
    );
    assert_eq!(mailed.code, 200, "{}", mailed.body);
    let mail = mailbox.next_to("security@sub.acme.test", "");
    assert!(
        mail.text.contains("sub.acme.test") && mail.text.contains("Acme <BV>"),
        "{}",
        mail.text
    );
    let stranger = Browser::new(&server.base, dir.path(), "postmaster");
    let done = follow(&stranger, &link_token(&mail));
    assert_eq!(done.code, 200, "{}", done.body);
    assert!(done.body.contains("sub.acme.test"), "{}", done.body);
    let page = owner.get(&org_path).body;
    assert_eq!(state_of(&page, "sub.acme.test"), "verified");
    assert!(page.contains("by mail"), "{page}");

    // A breach holding some of the organisation's people.
    let leak = dir.path().join("leak.csv");
    std::fs::write(
        &leak,
        "email,phone,name,iban\n\
         jan@acme.test,,Leaked One,NL91ABNA0417164300\n\
         piet@sub.acme.test,,Leaked Two,NL91ABNA0417164301\n\
         ,+31612345678,Leaked Three,\n\
         filler@example.org,,Leaked Four,\n\
         former@acme.test,,Left Last Year,\n\
         Shared@ACME.test,,Shared Box,\n\
         jan@acme.test,,Leaked One Again,\n",
    )
    .unwrap();
    let add = support::lekradar(
        &data,
        &[
            "breach",
            "add",
            "AcmeLeak",
            "--title",
            "Acme supplier leak",
            "--breach-date",
            "2026-10-01",
            "--verified",
            "true",
        ],
    );
    assert!(add.status.success(), "{}", support::stderr(&add));
    let ing = support::lekradar(
        &data,
        &["ingest", "--breach", "AcmeLeak", leak.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", support::stderr(&ing));
    std::fs::remove_file(&leak).unwrap();
    wait_until("the server loads the new breach", || {
        owner.get("/breaches/AcmeLeak").code == 200
    });

    // A watchlist file: what it holds is added, what it may not hold is
    // refused by line, and the report shows each person's breaches.
    let staff = dir.path().join("staff.csv");
    std::fs::write(
        &staff,
        "name,email,mobile,staff\n\
         Jan Jansen,jan@acme.test,,S1\n\
         Piet Pieters,piet@sub.acme.test,,S2\n\
         Eve Outsider,eve@elsewhere.test,,S3\n\
         Mo Bile,,+31 6 12345678,S4\n\
         No Contact,,,S5\n\
         Clean Person,clean@acme.test,,S6\n",
    )
    .unwrap();
    let uploaded = owner.upload(&org_path, &format!("{org_path}/watchlist/upload"), &staff);
    std::fs::remove_file(&staff).unwrap();
    assert_eq!(uploaded.code, 200, "{}", uploaded.body);
    assert!(
        uploaded.body.contains("4 added, 0 updated, 2 not added"),
        "{}",
        uploaded.body
    );
    assert!(
        uploaded
            .body
            .contains("Line 4: the address is not at one of your proved domains"),
        "{}",
        uploaded.body
    );
    assert!(
        uploaded
            .body
            .contains("Line 6: no email address or phone number"),
        "{}",
        uploaded.body
    );
    let one = owner.act(
        &org_path,
        &format!("{org_path}/watchlist"),
        &[("identifier", "boss@elsewhere.test"), ("reference", "Boss")],
    );
    assert!(
        one.body.contains("0 added, 0 updated, 1 not added"),
        "{}",
        one.body
    );
    let bad = owner.act(
        &org_path,
        &format!("{org_path}/watchlist"),
        &[("identifier", "nonsense"), ("reference", "")],
    );
    assert_eq!(bad.code, 400);
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "name,staff\nNobody,S9\n").unwrap();
    let nothing = owner.upload(&org_path, &format!("{org_path}/watchlist/upload"), &empty);
    assert_eq!(
        nothing.code, 422,
        "a file that yields nothing is an error: {}",
        nothing.body
    );
    let report = owner.get(&format!("{org_path}/report?lang=en&all=1"));
    assert_eq!(report.code, 200);
    let line = |who: &str| -> String {
        report
            .body
            .split("<tr class=\"person\">")
            .find(|r| r.contains(who))
            .unwrap_or_else(|| panic!("{who} not in {}", report.body))
            .to_owned()
    };
    assert!(
        line("Jan Jansen · S1").contains("Acme supplier leak")
            && line("Jan Jansen").contains("Bank account numbers"),
        "{}",
        line("Jan Jansen")
    );
    assert!(line("Mo Bile · S4").contains("Acme supplier leak"));
    assert!(line("Mo Bile").contains("+31612345678"));
    assert!(line("Clean Person").contains("no breach"));
    // By default the report lists only the people in a breach.
    let exposed = owner.get(&format!("{org_path}/report"));
    assert!(exposed.body.contains("Jan Jansen") && !exposed.body.contains("Clean Person"));
    let breach_line = report
        .body
        .split("<tr class=\"breach-line\">")
        .nth(1)
        .unwrap();
    assert!(
        breach_line.contains("Acme supplier leak") && breach_line.contains(">3<"),
        "{breach_line}"
    );
    assert!(
        breach_line.contains("/breaches/AcmeLeak/staff-message.txt"),
        "{breach_line}"
    );
    // Per proved domain and breach, the addresses the breach holds beyond
    // the list (counted at ingest: jan, former and shared at acme.test,
    // jan once though listed twice); none at a domain of someone else's.
    let domain_lines = |body: &str, domain: &str| -> Vec<String> {
        body.split("<tr class=\"domain-line\">")
            .skip(1)
            .map(|r| r.split("</tr>").next().unwrap_or_default().to_owned())
            .filter(|r| r.contains(&format!("<td>{domain}</td>")))
            .collect()
    };
    let domain_line = |body: &str, domain: &str| domain_lines(body, domain).into_iter().next();
    let at_zone = domain_line(&report.body, ZONE).unwrap_or_else(|| panic!("{}", report.body));
    assert!(
        at_zone.contains("Acme supplier leak") && at_zone.contains(">3<"),
        "{at_zone}"
    );
    let at_sub = domain_line(&report.body, "sub.acme.test").unwrap();
    assert!(at_sub.contains(">1<"), "{at_sub}");
    assert!(
        domain_line(&report.body, "example.org").is_none(),
        "{}",
        report.body
    );
    // A breach published after the upload reaches the report through the
    // matching of the new index generation.
    let later = dir.path().join("later.csv");
    std::fs::write(
        &later,
        "email,name\nclean@acme.test,Leaked Five\nfiller2@example.org,Leaked Six\n",
    )
    .unwrap();
    let add = support::lekradar(
        &data,
        &[
            "breach",
            "add",
            "LaterLeak",
            "--title",
            "A later leak",
            "--breach-date",
            "2026-11-15",
            "--verified",
            "true",
        ],
    );
    assert!(add.status.success(), "{}", support::stderr(&add));
    let ing = support::lekradar(
        &data,
        &["ingest", "--breach", "LaterLeak", later.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", support::stderr(&ing));
    std::fs::remove_file(&later).unwrap();
    wait_until("the new breach is matched against the watchlist", || {
        let r = owner.get(&format!("{org_path}/report?all=1"));
        r.body
            .split("<tr class=\"person\">")
            .find(|row| row.contains("Clean Person"))
            .is_some_and(|row| row.contains("A later leak"))
    });
    // A second file into a breach adds only the addresses it did not hold;
    // each breach counts on its own.
    let more = dir.path().join("more.csv");
    std::fs::write(
        &more,
        "email,name\nformer@acme.test,Again\nnew.hire@acme.test,New Hire\n",
    )
    .unwrap();
    let ing = support::lekradar(
        &data,
        &["ingest", "--breach", "AcmeLeak", more.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", support::stderr(&ing));
    assert!(
        support::stdout(&ing)
            .contains("counted per domain (keyed, for organisations' reports): 1 domains"),
        "{}",
        support::stdout(&ing)
    );
    std::fs::remove_file(&more).unwrap();
    wait_until("the second file's address is counted", || {
        let lines = domain_lines(&owner.get(&format!("{org_path}/report")).body, ZONE);
        lines.len() == 2
            && lines[0].contains("Acme supplier leak")
            && lines[0].contains(">4<")
            && lines[1].contains("A later leak")
            && lines[1].contains(">1<")
    });
    // The HIBP domain API, with an API key of the organisation, through
    // the npm `hibp` client unchanged.
    let made = owner.act(
        &org_path,
        &format!("{org_path}/api-keys"),
        &[("label", "SOC")],
    );
    assert_eq!(made.code, 200, "{}", made.body);
    let org_key = made
        .body
        .split("not shown again: ")
        .nth(1)
        .and_then(|r| r.split(['<', ' ', '\n']).next())
        .unwrap_or_else(|| panic!("no key in {}", made.body))
        .to_owned();
    let plain = support::lekradar(&data, &["apikey", "create", "plain"]);
    assert!(plain.status.success());
    let plain_key = String::from_utf8_lossy(&plain.stdout).trim().to_owned();
    let hibp_config = dir.path().join("hibp-domain.json");
    std::fs::write(
        &hibp_config,
        serde_json::json!({
            "baseUrl": format!("{}/api/v3", server.base),
            "apiKey": org_key,
            "domain": ZONE,
            "unproved": "elsewhere.test",
            "plainKey": plain_key,
        })
        .to_string(),
    )
    .unwrap();
    let out = std::process::Command::new("node")
        .arg(support::repo_root().join("e2e/hibp-domain.mjs"))
        .arg(&hibp_config)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        calls["breachedDomain"]["ok"],
        serde_json::json!({"clean": ["LaterLeak"], "jan": ["AcmeLeak"]}),
        "{calls}"
    );
    assert!(calls["unproved"]["error"].is_string(), "{calls}");
    let domains = calls["subscribedDomains"]["ok"].as_array().unwrap();
    let count = |d: &str| {
        domains
            .iter()
            .find(|x| x["DomainName"] == d)
            .map(|x| x["PwnCount"].clone())
    };
    assert_eq!(count(ZONE), Some(serde_json::json!(2)), "{calls}");
    assert_eq!(
        count("sub.acme.test"),
        Some(serde_json::json!(1)),
        "{calls}"
    );
    assert_eq!(
        calls["subscriptionStatus"]["ok"]["SubscriptionName"],
        "Lekradar organisation"
    );
    assert!(
        calls["plainKey"]["error"].is_string(),
        "a key of no organisation: {calls}"
    );
    assert_eq!(
        calls["noKey"]["error"], "Access denied due to missing hibp-api-key.",
        "{calls}"
    );

    let csv = owner.get(&format!("{org_path}/report.csv"));
    assert_eq!(csv.code, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.body
            .contains("\"Jan Jansen · S1\",\"jan@acme.test\",\"AcmeLeak\""),
        "{}",
        csv.body
    );

    // A list too long for the request's time is kept whole all the same,
    // and matched in the background: a former colleague in it is found.
    let bulk = dir.path().join("bulk.csv");
    let mut text = String::from("email,staff\n");
    for i in 0..25_000 {
        text.push_str(&format!("bulk{i}@acme.test,B{i}\n"));
        if i == 12_345 {
            text.push_str("former@acme.test,Former Colleague\n");
        }
    }
    std::fs::write(&bulk, text).unwrap();
    let long = owner.upload(&org_path, &format!("{org_path}/watchlist/upload"), &bulk);
    std::fs::remove_file(&bulk).unwrap();
    assert!(matches!(long.code, 200 | 202), "{}", long.body);
    if long.code == 202 {
        assert!(long.body.contains("still being added"), "{}", long.body);
    }
    wait_until("the long list is kept whole", || {
        owner.get(&org_path).body.contains("in a breach: 25005 /")
    });
    wait_until("the long list is matched", || {
        let r = owner.get(&format!("{org_path}/report"));
        !r.body.contains("class=\"matching\"")
            && r.body
                .split("<tr class=\"person\">")
                .find(|row| row.contains("Former Colleague"))
                .is_some_and(|row| row.contains("Acme supplier leak"))
    });

    // The periodic re-check: a changed record lapses the domain, the right
    // one proves it again, a removed one lapses it again. The mailed proof holds.
    let changed = "lekradar-verification=someone-elses-token".to_owned();
    let mut changed_records = others.to_vec();
    changed_records.push(("@", "TXT", &changed));
    dns.set_records(&changed_records);
    wait_until("the changed record lapses the domain", || {
        state_of(&owner.get(&org_path).body, ZONE) == "lapsed"
    });
    dns.set_records(&with_proof);
    let again = owner.act(&org_path, &check, &[]);
    assert_eq!(state_of(&again.body, ZONE), "verified");
    dns.set_records(&others);
    wait_until("the removed record lapses the domain", || {
        state_of(&owner.get(&org_path).body, ZONE) == "lapsed"
    });
    assert_eq!(
        state_of(&owner.get(&org_path).body, "sub.acme.test"),
        "verified"
    );
    // A lapsed domain shows no results; the proved one still does.
    let report = owner.get(&format!("{org_path}/report?all=1"));
    let jan = report
        .body
        .split("<tr class=\"person\">")
        .find(|r| r.contains("Jan Jansen"))
        .unwrap();
    assert!(
        jan.contains("the domain&#39;s proof lapsed") || jan.contains("the domain's proof lapsed"),
        "{jan}"
    );
    assert!(!jan.contains("Acme supplier leak"), "{jan}");
    assert!(
        domain_line(&report.body, ZONE).is_none(),
        "a lapsed domain's counts are not shown: {}",
        report.body
    );
    assert!(domain_line(&report.body, "sub.acme.test").is_some());
    let piet = report
        .body
        .split("<tr class=\"person\">")
        .find(|r| r.contains("Piet Pieters"))
        .unwrap();
    assert!(piet.contains("Acme supplier leak"), "{piet}");

    // An invitation signs the viewer in and makes them a member.
    let invited = owner.act(
        &org_path,
        &format!("{org_path}/invite"),
        &[("address", viewer_address), ("role", "viewer")],
    );
    assert_eq!(invited.code, 200, "{}", invited.body);
    let mail = mailbox.next_to(viewer_address, "Acme <BV>");
    assert!(mail.subject.contains("Acme <BV>"), "{}", mail.subject);
    let mut viewer = Browser::new(&server.base, dir.path(), "viewer");
    let joined = follow(&viewer, &link_token(&mail));
    assert_eq!(joined.code, 303, "{}", joined.body);
    assert_eq!(joined.header("location"), Some(org_path.as_str()));
    viewer.session = joined
        .header("set-cookie")
        .and_then(|c| c.strip_prefix("lekradar_org="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned);
    let seen = viewer.get(&org_path);
    assert_eq!(seen.code, 200);
    assert!(seen.body.contains(owner_address) && seen.body.contains(viewer_address));
    // A viewer reads; only owners change things or read the audit log.
    let r = viewer.act(
        &org_path,
        &format!("{org_path}/domains"),
        &[("domain", "viewer.test")],
    );
    assert_eq!(r.code, 403, "{}", r.body);
    assert_eq!(viewer.get(&format!("{org_path}/audit")).code, 403);
    assert_eq!(
        viewer.get(&format!("{org_path}/report")).code,
        200,
        "viewers read the report"
    );
    let r = viewer.act(
        &org_path,
        &format!("{org_path}/watchlist"),
        &[("identifier", "x@sub.acme.test")],
    );
    assert_eq!(r.code, 403, "{}", r.body);
    // One session's form token does not work in another's.
    let owners_token = owner.get(&org_path).csrf();
    let r = viewer.post(
        &format!("{org_path}/members/1/remove"),
        &[("csrf", &owners_token)],
    );
    assert_eq!(r.code, 403);
    // A cross-site post is refused before anything.
    let token = owner.get(&org_path).csrf();
    let r = owner.post_with(
        &format!("{org_path}/domains"),
        &[("domain", "evil.test"), ("csrf", &token)],
        &["-H", "Sec-Fetch-Site: cross-site"],
    );
    assert_eq!(r.code, 403);

    // Another organisation sees nothing of this one, on any route.
    let mut other = Browser::new(&server.base, dir.path(), "other");
    sign_in(&mut other, &mut mailbox, stranger_address);
    let created = other.act("/org", "/org/new", &[("name", "Other")]);
    let other_path = created.header("location").unwrap().to_owned();
    let made = other.act(
        &other_path,
        &format!("{other_path}/api-keys"),
        &[("label", "x")],
    );
    let other_key = made
        .body
        .split("not shown again: ")
        .nth(1)
        .and_then(|r| r.split(['<', ' ', '\n']).next())
        .unwrap()
        .to_owned();
    let (code, _) = curl(&[
        "-H",
        &format!("hibp-api-key: {other_key}"),
        &format!("{}/api/v3/breacheddomain/sub.acme.test", server.base),
    ]);
    assert_eq!(code, 403, "another organisation's domain");
    // The domain search draws on the key's budget (an organisation's key:
    // 100 a minute, one drawn above): over it, HIBP's 429.
    let mut limited = None;
    for n in 0..110 {
        let r = request(&[
            "-H",
            &format!("hibp-api-key: {other_key}"),
            &format!("{}/api/v3/subscription/status", server.base),
        ]);
        if r.code == 429 {
            limited = Some((n, r));
            break;
        }
        assert_eq!(r.code, 200, "{}", r.body);
    }
    let (n, r) = limited.expect("the key's budget runs out");
    // (The budget refills one every 0.6 s while the loop runs.)
    assert!((99..=105).contains(&n), "limited after {n} more requests");
    assert!(r.header("retry-after").is_some());
    assert!(r.body.contains("Rate limit is exceeded"), "{}", r.body);
    assert!(!other.get("/org").body.contains("Acme"));
    assert_eq!(other.get(&org_path).code, 404);
    assert_eq!(other.get(&format!("{org_path}/audit")).code, 404);
    assert_eq!(other.get(&format!("{org_path}/report")).code, 404);
    assert_eq!(other.get(&format!("{org_path}/report.csv")).code, 404);
    let token = other.get(&other_path).csrf();
    for path in [
        format!("{org_path}/domains"),
        format!("{org_path}/domains/{acme}/check"),
        format!("{org_path}/domains/{acme}/remove"),
        format!("{org_path}/domains/{sub}/mail"),
        format!("{org_path}/invite"),
        format!("{org_path}/members/1/role"),
        format!("{org_path}/members/1/remove"),
        format!("{org_path}/delete"),
        format!("{org_path}/watchlist"),
        format!("{org_path}/watchlist/1/remove"),
        format!("{org_path}/watchlist/1/confirm"),
        format!("{org_path}/watchlist/1/resend"),
        format!("{org_path}/api-keys"),
        format!("{org_path}/api-keys/1/revoke"),
        format!("{org_path}/webhooks"),
        format!("{org_path}/webhooks/1/test"),
        format!("{org_path}/webhooks/1/remove"),
    ] {
        let r = other.post(
            &path,
            &[
                ("csrf", &token),
                ("domain", "x.test"),
                ("local", "security"),
                ("address", "x@x.test"),
                ("role", "owner"),
                ("confirm", "yes"),
            ],
        );
        assert_eq!(r.code, 404, "{path}: {}", r.body);
    }
    let stolen = dir.path().join("stolen.csv");
    std::fs::write(&stolen, "email\nx@sub.acme.test\n").unwrap();
    let r = other.upload(
        &other_path,
        &format!("{org_path}/watchlist/upload"),
        &stolen,
    );
    assert_eq!(r.code, 404, "{}", r.body);
    // Its own domain ids do not reach this organisation's rows either.
    let r = other.act(
        &other_path,
        &format!("{other_path}/domains/{acme}/remove"),
        &[],
    );
    assert_eq!(r.code, 404);
    assert_eq!(
        state_of(&owner.get(&org_path).body, "sub.acme.test"),
        "verified"
    );
    assert!(
        owner.get(&org_path).body.contains(viewer_address),
        "nothing changed"
    );

    // The last owner can neither leave nor become a viewer.
    let page = owner.get(&org_path).body;
    let leave = owner.act(
        &org_path,
        &format!("{org_path}/members/{}/remove", person_id(&page, &org)),
        &[],
    );
    assert_eq!(leave.code, 409, "{}", leave.body);

    // The audit log, for owners.
    let audit = owner.get(&format!("{org_path}/audit?lang=en"));
    assert_eq!(audit.code, 200);
    for line in [
        "added to the watchlist",
        "read the report",
        "exported the report",
        "signed in",
        "created the organisation",
        "added a domain",
        "proved a domain",
        "mailed a domain proof",
        "a domain&#39;s proof lapsed",
        "invited: viewer@acme.test (viewer)",
        "joined",
    ] {
        assert!(
            audit.body.contains(line) || audit.body.contains(&line.replace("&#39;", "'")),
            "{line} missing from the audit log: {}",
            audit.body
        );
    }
    assert!(
        !audit.body.contains(stranger_address),
        "another organisation's sign-in"
    );

    // Sign out everywhere ends every session of the person.
    let mut second = Browser::new(&server.base, dir.path(), "owner2");
    sign_in(&mut second, &mut mailbox, owner_address);
    assert_eq!(second.get(&org_path).code, 200);
    let out = second.act("/org", "/org/sign-out-everywhere", &[]);
    assert_eq!(out.code, 200, "{}", out.body);
    assert_eq!(second.get(&org_path).code, 401);
    assert_eq!(
        owner.get(&org_path).code,
        401,
        "the first session ended too"
    );

    // Deleting an organisation deletes its member left in none.
    let deleted = other.act(
        &other_path,
        &format!("{other_path}/delete"),
        &[("confirm", "yes")],
    );
    assert_eq!(deleted.code, 303, "{}", deleted.body);
    assert_eq!(other.get("/org").code, 200);
    assert!(
        !other.get("/org").body.contains(stranger_address),
        "signed out: deleted"
    );

    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    assert_none_in(
        &files,
        &[
            owner_address,
            viewer_address,
            stranger_address,
            "security@sub.acme.test",
            "jan@acme.test",
            "piet@sub.acme.test",
            "Jan Jansen",
            "Piet Pieters",
            "+31612345678",
            "clean@acme.test",
            "former@acme.test",
            "shared@acme.test",
            "Shared@ACME.test",
            "new.hire@acme.test",
        ],
    );
}

/// The signed-in person's own id on the organisation page (the leave form).
fn person_id(page: &str, org: &str) -> String {
    let leave = page
        .split("<h2>Leave or delete</h2>")
        .nth(1)
        .unwrap_or_else(|| panic!("no leave form in {page}"));
    leave
        .split(&format!("/org/{org}/members/"))
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn the_organisation_pages_in_chromium_in_three_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = demo_data(dir.path());
    let leak = dir.path().join("leak.csv");
    std::fs::write(
        &leak,
        "email,name\nstaff.member@acme.test,Leaked Seven\nother@example.org,Leaked Eight\n",
    )
    .unwrap();
    let add = support::lekradar(
        &data,
        &[
            "breach",
            "add",
            "StaffLeak",
            "--title",
            "Staff portal leak",
            "--breach-date",
            "2026-09-01",
            "--verified",
            "true",
        ],
    );
    assert!(add.status.success(), "{}", support::stderr(&add));
    let ing = support::lekradar(
        &data,
        &["ingest", "--breach", "StaffLeak", leak.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", support::stderr(&ing));
    std::fs::remove_file(&leak).unwrap();
    let smtp = SmtpSink::start(SmtpSinkOptions::default());
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port());
    let server = Server::start(
        &data,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-per-address",
            "1000/min",
            "--smtp-url",
            &smtp_url,
            "--mail-from",
            "Lekradar <orgs@lekradar.test>",
            "--public-url",
            PUBLIC,
            // Passkeys need a domain name: the browser opens the pages at
            // localhost.
            "--org-passkey-origin",
            "http://localhost",
        ],
        &[],
    );
    let watchlist = dir.path().join("staff.csv");
    std::fs::write(
        &watchlist,
        "name,email\nStaff Member,staff.member@acme.test\n",
    )
    .unwrap();
    let owners = [
        "eigenaar@acme.test",
        "proprietaire@acme.test",
        "owner@acme.test",
    ];
    let config = dir.path().join("orgs.json");
    std::fs::write(
        &config,
        serde_json::json!({
            "baseUrl": server.base.replace("127.0.0.1", "localhost"),
            "publicUrl": PUBLIC,
            "maildir": smtp.maildir(),
            "screenshots": support::repo_root().join("target/e2e-screenshots"),
            "owners": {"nl": owners[0], "fr": owners[1], "en": owners[2]},
            "domain": ZONE,
            "watchlist": watchlist,
            "breachTitle": "Staff portal leak",
            "exposedReference": "Staff Member",
        })
        .to_string(),
    )
    .unwrap();
    let out = std::process::Command::new("node")
        .arg(support::repo_root().join("e2e/orgs.mjs"))
        .arg(&config)
        .output()
        .expect("node runs; scripts/test-deps-e2e.sh installs Chromium and playwright-core");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("all organisation page checks passed"),
        "{report}"
    );
    for lang in ["nl", "fr", "en"] {
        for step in [
            "signed in with the passkey",
            "the sign-in answer replayed is refused",
        ] {
            assert!(
                report.contains(&format!("ok   {lang}: {step}")),
                "{lang}: {step}: {report}"
            );
        }
    }
    std::fs::remove_file(&watchlist).unwrap();
    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    let mut secrets: Vec<&str> = owners.to_vec();
    secrets.extend(["staff.member@acme.test", "Staff Member"]);
    assert_none_in(&files, &secrets);
}

/// A Standard Webhooks receiver on loopback (`e2e/webhook-receiver.py`):
/// verifies every delivery with PyPI's `standardwebhooks` against the
/// secrets the test gives it, and logs each.
struct Receiver {
    child: std::process::Child,
    secrets_path: std::path::PathBuf,
    log_path: std::path::PathBuf,
    secrets: std::collections::BTreeMap<String, Vec<String>>,
    port: u16,
}

impl Receiver {
    fn start(dir: &Path) -> Receiver {
        let python = std::env::var("LEKRADAR_PYTHON").unwrap_or_else(|_| {
            support::repo_root()
                .join(".venv/bin/python")
                .display()
                .to_string()
        });
        let secrets_path = dir.join("webhook-secrets.json");
        let log_path = dir.join("webhooks.jsonl");
        let port_path = dir.join("webhook-port");
        std::fs::write(&secrets_path, "{}").unwrap();
        let child = std::process::Command::new(python)
            .arg(support::repo_root().join("e2e/webhook-receiver.py"))
            .args([&secrets_path, &log_path, &port_path])
            .spawn()
            .expect("python runs the webhook receiver");
        let start = Instant::now();
        let port = loop {
            if let Some(p) = std::fs::read_to_string(&port_path)
                .ok()
                .and_then(|p| p.trim().parse().ok())
            {
                break p;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no receiver");
            std::thread::sleep(Duration::from_millis(50));
        };
        Receiver {
            child,
            secrets_path,
            log_path,
            secrets: Default::default(),
            port,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn set_secrets(&mut self, path: &str, secrets: &[&str]) {
        self.secrets.insert(
            path.to_owned(),
            secrets.iter().map(|s| s.to_string()).collect(),
        );
        std::fs::write(
            &self.secrets_path,
            serde_json::to_string(&self.secrets).unwrap(),
        )
        .unwrap();
    }

    /// The deliveries to `path` so far, in order.
    fn deliveries(&self, path: &str) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log_path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|r| r["path"] == path)
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The secret in a "copy it now" notice.
fn shown_secret(page: &str) -> String {
    page.split("not shown again: ")
        .nth(1)
        .and_then(|r| r.split(['<', ' ', '\n']).next())
        .unwrap_or_else(|| panic!("no secret in {page}"))
        .to_owned()
}

/// The id of the webhook to `url` on the organisation page.
fn webhook_id(page: &str, org: &str, url: &str) -> String {
    page.split("<tr class=\"webhook\">")
        .find(|row| row.contains(&format!("<code>{url}</code>")))
        .unwrap_or_else(|| panic!("no webhook {url} on {page}"))
        .split(&format!("/org/{org}/webhooks/"))
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

fn webhook_row(page: &str, url: &str) -> String {
    page.split("<tr class=\"webhook\">")
        .find(|row| row.contains(&format!("<code>{url}</code>")))
        .unwrap_or_else(|| panic!("no webhook {url} on {page}"))
        .split("</tr>")
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_new_breach_is_told_once_by_a_digest_and_standard_webhooks() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = demo_data(dir.path());
    let mut mailbox = Mailbox {
        smtp: SmtpSink::start(SmtpSinkOptions::default()),
        seen: HashSet::new(),
    };
    let smtp = format!("smtp://127.0.0.1:{}", mailbox.smtp.port());
    let serve = |extra: &[&str]| {
        let mut args = vec![
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-per-address",
            "1000/min",
            "--smtp-url",
            &smtp,
            "--mail-from",
            "Lekradar <orgs@lekradar.test>",
            "--public-url",
            PUBLIC,
        ];
        args.extend_from_slice(extra);
        Server::start(&data, &args, &[])
    };
    let owner_address = "owner@acme.test";

    // Without the operator's leave, no webhook goes into a private network
    // (nor over plain http): each refused with its reason, nothing added.
    let server = serve(&[]);
    let mut owner = Browser::new(&server.base, dir.path(), "owner");
    sign_in(&mut owner, &mut mailbox, owner_address);
    let created = owner.act("/org", "/org/new", &[("name", "Hooks")]);
    assert_eq!(created.code, 303, "{}", created.body);
    let org_path = created.header("location").unwrap().to_owned();
    let org = org_path.trim_start_matches("/org/").to_owned();
    for (url, why) in [
        ("https://127.0.0.1:8443/hook", "private network"),
        ("https://[::1]/hook", "private network"),
        ("https://169.254.169.254/latest", "private network"),
        ("https://localhost/hook", "private network"),
        ("http://192.0.2.1/hook", "must start with https://"),
        ("https://user:pw@192.0.2.1/hook", "user name or password"),
        ("not a url", "not a web address"),
    ] {
        let r = owner.act(&org_path, &format!("{org_path}/webhooks"), &[("url", url)]);
        assert_eq!(r.code, 400, "{url}: {}", r.body);
        assert!(r.body.contains(why), "{url}: {}", r.body);
    }
    assert!(!owner.get(&org_path).body.contains("class=\"webhook\""));
    drop(server.terminate());

    // A deployment inside one network allows them; retries come quickly
    // here (the default is the Standard Webhooks schedule, up to 10 h).
    let server = serve(&[
        "--org-webhook-allow-private",
        "--org-webhook-retries",
        "1s,1s,1s",
        "--org-webhook-timeout",
        "2s",
    ]);
    owner.base = server.base.clone();
    // The domain, proved by a role address; the watchlist.
    let added = owner.act(
        &org_path,
        &format!("{org_path}/domains"),
        &[("domain", ZONE)],
    );
    assert_eq!(added.code, 303, "{}", added.body);
    let acme = domain_id(&owner.get(&org_path).body, &org, ZONE);
    let mailed = owner.act(
        &org_path,
        &format!("{org_path}/domains/{acme}/mail"),
        &[("local", "security")],
    );
    assert_eq!(mailed.code, 200, "{}", mailed.body);
    let proof = mailbox.next_to("security@acme.test", "");
    let done = follow(&owner, &link_token(&proof));
    assert_eq!(done.code, 200, "{}", done.body);
    let staff = dir.path().join("staff.csv");
    std::fs::write(
        &staff,
        "name,email,staff\n\
         Ann Alpha,ann@acme.test,S1\n\
         Bob Beta,bob@acme.test,S2\n\
         Cy Clean,cy@acme.test,S3\n",
    )
    .unwrap();
    let uploaded = owner.upload(&org_path, &format!("{org_path}/watchlist/upload"), &staff);
    std::fs::remove_file(&staff).unwrap();
    assert!(uploaded.body.contains("3 added"), "{}", uploaded.body);

    // Four endpoints: one that takes, one that fails once, one that times
    // out once, one that is gone.
    let mut receiver = Receiver::start(dir.path());
    let mut ids = std::collections::HashMap::new();
    for path in ["/ok", "/flaky", "/slow", "/gone"] {
        let url = receiver.url(path);
        let r = owner.act(&org_path, &format!("{org_path}/webhooks"), &[("url", &url)]);
        assert_eq!(r.code, 200, "{}", r.body);
        let secret = shown_secret(&r.body);
        assert!(secret.starts_with("whsec_"), "{secret}");
        receiver.set_secrets(path, &[&secret]);
        ids.insert(path, webhook_id(&r.body, &org, &url));
    }
    let secret_ok = receiver.secrets["/ok"][0].clone();

    // A new breach holding two of the three people.
    let leak = dir.path().join("hookleak.csv");
    std::fs::write(
        &leak,
        "email,name,phone\n\
         ann@acme.test,Leaked Ann,+31612340001\n\
         bob@acme.test,Leaked Bob,\n\
         filler@example.org,Leaked Filler,\n",
    )
    .unwrap();
    let add = support::lekradar(
        &data,
        &[
            "breach",
            "add",
            "HookLeak",
            "--title",
            "Hook leak",
            "--breach-date",
            "2026-11-20",
            "--verified",
            "true",
        ],
    );
    assert!(add.status.success(), "{}", support::stderr(&add));
    let ing = support::lekradar(
        &data,
        &["ingest", "--breach", "HookLeak", leak.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", support::stderr(&ing));
    std::fs::remove_file(&leak).unwrap();

    // One mail to the owner for the organisation, not one per person.
    let digest = mailbox.next_to(owner_address, "new breach");
    assert!(
        digest.subject.contains("1 new breach"),
        "{}",
        digest.subject
    );
    assert!(digest.subject.contains("Hooks"), "{}", digest.subject);
    for expected in [
        "Hook leak",
        "Your people in it: 2",
        "Email addresses",
        &format!("{PUBLIC}/org/{org}/report"),
        "watch out for fake messages and calls",
    ] {
        assert!(
            digest.text.contains(expected),
            "{expected}: {}",
            digest.text
        );
    }
    assert!(!digest.text.contains("ann@acme.test"), "{}", digest.text);

    // Every delivery verifies with the endpoint's secret; the failing ones
    // are retried with the same id; the gone one is tried once.
    wait_until("every endpoint got its deliveries", || {
        receiver.deliveries("/ok").len() == 1
            && receiver.deliveries("/flaky").len() == 2
            && receiver.deliveries("/slow").len() >= 2
            && receiver.deliveries("/gone").len() == 1
    });
    let first = &receiver.deliveries("/ok")[0];
    let id = first["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("msg_"), "{first}");
    for path in ["/ok", "/flaky", "/slow", "/gone"] {
        for d in receiver.deliveries(path) {
            assert_eq!(d["verified_by"], serde_json::json!([0]), "{path}: {d}");
            assert_eq!(d["id"], id, "one event, one id: {d}");
            assert_eq!(d["content_type"], "application/json");
            let body = &d["body"];
            assert_eq!(body["type"], "breach.matched", "{d}");
            assert_eq!(body["data"]["breach"], "HookLeak");
            assert_eq!(body["data"]["organisation"], org.as_str());
            assert_eq!(body["data"]["people"], 2);
            assert_eq!(
                body["data"]["links"]["breacheddomain"][0],
                format!("{PUBLIC}/api/v3/breacheddomain/{ZONE}")
            );
            let text = body.to_string();
            assert!(
                !text.contains("ann@") && !text.contains("Ann"),
                "thin: {text}"
            );
        }
    }
    assert_eq!(receiver.deliveries("/flaky")[1]["status"], 200);
    // (The slow attempt's line is written after its sleep: after the retry's.)
    assert!(
        receiver
            .deliveries("/slow")
            .iter()
            .any(|d| d["attempt"] == 2 && d["status"] == 200),
        "the timed-out delivery is retried"
    );
    // 410 turned its endpoint off; the others show their last answer.
    wait_until("the page shows the endpoints' state", || {
        let page = owner.get(&format!("{org_path}?lang=en")).body;
        webhook_row(&page, &receiver.url("/gone")).contains("off: 410 Gone")
            && webhook_row(&page, &receiver.url("/flaky")).contains("200 ·")
    });

    // A new secret: for a day both sign, so a receiver with either verifies.
    let rotated = owner.act(
        &org_path,
        &format!("{org_path}/webhooks/{}/rotate", ids["/ok"]),
        &[],
    );
    assert_eq!(rotated.code, 200, "{}", rotated.body);
    let secret_new = shown_secret(&rotated.body);
    assert_ne!(secret_new, secret_ok);
    receiver.set_secrets(
        "/ok",
        &[
            &secret_new,
            &secret_ok,
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ],
    );
    let test = owner.act(
        &org_path,
        &format!("{org_path}/webhooks/{}/test", ids["/ok"]),
        &[],
    );
    assert_eq!(test.code, 200, "{}", test.body);
    wait_until("the test delivery", || {
        receiver.deliveries("/ok").len() == 2
    });
    let tested = &receiver.deliveries("/ok")[1];
    assert_eq!(tested["body"]["type"], "webhook.test");
    assert_eq!(tested["signatures"], 2, "{tested}");
    assert_eq!(
        tested["verified_by"],
        serde_json::json!([0, 1]),
        "both secrets verify, a wrong one does not: {tested}"
    );

    // Another breach: told again, but not to the gone endpoint, and not a
    // second time about the first breach.
    let leak = dir.path().join("second.csv");
    std::fs::write(
        &leak,
        "email,name\nbob@acme.test,Leaked Bob\nx@example.org,X\n",
    )
    .unwrap();
    let add = support::lekradar(
        &data,
        &[
            "breach",
            "add",
            "SecondLeak",
            "--title",
            "Second leak",
            "--breach-date",
            "2026-11-25",
            "--verified",
            "true",
        ],
    );
    assert!(add.status.success(), "{}", support::stderr(&add));
    let ing = support::lekradar(
        &data,
        &["ingest", "--breach", "SecondLeak", leak.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", support::stderr(&ing));
    std::fs::remove_file(&leak).unwrap();
    let digest = mailbox.next_to(owner_address, "new breach");
    assert!(
        digest.text.contains("Second leak") && !digest.text.contains("Hook leak"),
        "{}",
        digest.text
    );
    assert!(
        digest.text.contains("Your people in it: 1"),
        "{}",
        digest.text
    );
    wait_until("the second breach's delivery", || {
        receiver.deliveries("/ok").len() == 3
    });
    let second = &receiver.deliveries("/ok")[2];
    assert_eq!(second["body"]["data"]["breach"], "SecondLeak");
    assert_eq!(second["verified_by"], serde_json::json!([0, 1]));
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        receiver.deliveries("/gone").len(),
        1,
        "a gone endpoint gets nothing more"
    );
    assert_eq!(receiver.deliveries("/ok").len(), 3, "each event once");
    assert_eq!(
        mailbox
            .smtp
            .messages()
            .iter()
            .filter(|raw| String::from_utf8_lossy(raw).contains("Your people in it"))
            .count(),
        2,
        "one digest per new breach generation"
    );

    // Turned back on by an owner; the audit log says who did what.
    let on = owner.act(
        &org_path,
        &format!("{org_path}/webhooks/{}/enable", ids["/gone"]),
        &[],
    );
    assert_eq!(on.code, 303, "{}", on.body);
    assert!(webhook_row(&owner.get(&org_path).body, &receiver.url("/gone")).contains(">on<"));
    let audit = owner.get(&format!("{org_path}/audit?lang=en")).body;
    for what in [
        "added a webhook",
        "gave a webhook a new secret",
        "turned a webhook on",
    ] {
        assert!(audit.contains(what), "{what}: {audit}");
    }

    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    assert_none_in(
        &files,
        &[
            owner_address,
            "ann@acme.test",
            "bob@acme.test",
            "Ann Alpha",
            &secret_ok,
            &secret_new,
            secret_ok.trim_start_matches("whsec_"),
        ],
    );
}

/// The report's line of the watched person with reference `reference`.
fn person_line<'a>(page: &'a str, reference: &str) -> &'a str {
    page.split("<tr class=\"person\">")
        .find(|row| row.contains(reference))
        .and_then(|row| row.split("</tr>").next())
        .unwrap_or_else(|| panic!("no line for {reference} in {page}"))
}

/// How many messages `parts` are (a concatenated message's parts count
/// once: by its first).
fn sms_messages(parts: &[lekradar_testkit::services::ReceivedSms]) -> usize {
    parts
        .iter()
        .filter(|p| p.udh.as_ref().is_none_or(|u| u.last() == Some(&1)))
        .count()
}

/// The six-digit code in an SMS text.
fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

#[test]
fn in_owner_only_mode_a_mobile_number_shows_only_once_its_holder_gives_the_sms_code() {
    use lekradar_testkit::services::{Kannel, KannelOptions};
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = demo_data(dir.path());
    // A verified breach holding the number (the demo's are unverified, and
    // organisations hear of verified breaches only).
    let phone = "06-3239 8645".to_owned();
    let leak = dir.path().join("leak.csv");
    std::fs::write(
        &leak,
        "name,phone\nNight Worker,+31 6 32398645\nSomeone Else,+31 6 32398646\n",
    )
    .unwrap();
    let add = support::lekradar(
        &data,
        &[
            "breach",
            "add",
            "PhoneLeak",
            "--breach-date",
            "2026-10-01",
            "--verified",
            "true",
        ],
    );
    assert!(add.status.success(), "{}", support::stderr(&add));
    let ing = support::lekradar(
        &data,
        &["ingest", "--breach", "PhoneLeak", leak.to_str().unwrap()],
    );
    assert!(ing.status.success(), "{}", support::stderr(&ing));
    std::fs::remove_file(&leak).unwrap();
    let mut mailbox = Mailbox {
        smtp: SmtpSink::start(SmtpSinkOptions::default()),
        seen: HashSet::new(),
    };
    let smtp = format!("smtp://127.0.0.1:{}", mailbox.smtp.port());
    let owner_address = "owner@acme.test";
    let base_args = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--mode",
        "owner-only",
        "--rate-per-address",
        "1000/min",
        "--smtp-url",
        &smtp,
        "--mail-from",
        "Lekradar <orgs@lekradar.test>",
        "--public-url",
        PUBLIC,
    ];

    // Without SMS, a number cannot be confirmed: it is refused, with why.
    let server = Server::start(&data, &base_args, &[]);
    let mut owner = Browser::new(&server.base, dir.path(), "owner");
    sign_in(&mut owner, &mut mailbox, owner_address);
    let created = owner.act("/org", "/org/new", &[("name", "Acme <BV>")]);
    assert_eq!(created.code, 303, "{}", created.body);
    let org_path = created.header("location").unwrap().to_owned();
    let refused = owner.act(
        &org_path,
        &format!("{org_path}/watchlist"),
        &[("identifier", &phone), ("reference", "Night shift")],
    );
    assert!(
        refused.body.contains("this server sends no SMS"),
        "{}",
        refused.body
    );
    assert!(!owner
        .get(&format!("{org_path}/report?all=1&lang=en"))
        .body
        .contains("Night shift"));
    drop(server.terminate());

    // With SMS: the number's holder gets a code naming the organisation,
    // without a link; nothing about the number shows until it is typed.
    let kannel = Kannel::start_with(KannelOptions { max_messages: 3 });
    let password = dir.path().join("sms-password");
    std::fs::write(&password, Kannel::PASSWORD).unwrap();
    let gateway = format!("{}?username={}", kannel.sendsms_url(), Kannel::USERNAME);
    let mut args = base_args.to_vec();
    args.extend([
        "--sms-gateway-url",
        &gateway,
        "--sms-password-file",
        password.to_str().unwrap(),
    ]);
    let server = Server::start(&data, &args, &[]);
    owner.base = server.base.clone();
    let added = owner.act(
        &org_path,
        &format!("{org_path}/watchlist"),
        &[("identifier", &phone), ("reference", "Night shift")],
    );
    assert_eq!(added.code, 200, "{}", added.body);
    assert!(
        added.body.contains("One mobile number got a code by SMS"),
        "{}",
        added.body
    );
    kannel.wait_for(1, Duration::from_secs(30));
    // A long text comes in parts (a user data header on each).
    std::thread::sleep(Duration::from_secs(1));
    let parts = kannel.received();
    assert_eq!(sms_messages(&parts), 1, "{parts:?}");
    let text = &parts.iter().map(|p| p.text.as_str()).collect::<String>();
    assert!(
        text.contains("Acme") && text.contains("wants to watch this mobile number"),
        "{text}"
    );
    assert!(!text.contains("http") && !text.contains("www"), "{text}");
    let code = code_in(text);
    let report_path = format!("{org_path}/report?all=1&lang=en");
    let report = owner.get(&report_path).body;
    let line = person_line(&report, "Night shift");
    assert!(
        line.contains("waiting for its holder") && !line.contains("<strong>"),
        "no breach shown before the code: {line}"
    );
    assert!(
        !report.contains("class=\"breach-line\""),
        "no breach counted before the code: {report}"
    );
    let entry = line
        .split("/watchlist/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_owned();

    // Wrong codes count down; a new code waits a minute; the right one shows
    // the number's breaches.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let tried = owner.act(
        &report_path,
        &format!("{org_path}/watchlist/{entry}/confirm"),
        &[("code", wrong)],
    );
    assert_eq!(tried.code, 400, "{}", tried.body);
    assert!(tried.body.contains("4 tries left"), "{}", tried.body);
    let not_a_code = owner.act(
        &report_path,
        &format!("{org_path}/watchlist/{entry}/confirm"),
        &[("code", "12ab")],
    );
    assert!(
        not_a_code.body.contains("six digits"),
        "{}",
        not_a_code.body
    );
    let again = owner.act(
        &report_path,
        &format!("{org_path}/watchlist/{entry}/resend"),
        &[],
    );
    assert_eq!(again.code, 429, "{}", again.body);
    let confirmed = owner.act(
        &report_path,
        &format!("{org_path}/watchlist/{entry}/confirm"),
        &[("code", &code)],
    );
    assert_eq!(confirmed.code, 303, "{}", confirmed.body);
    let report = owner.get(&report_path).body;
    let line = person_line(&report, "Night shift");
    assert!(
        line.contains("<strong>") && !line.contains("waiting for its holder"),
        "the number's breaches once confirmed: {line}"
    );
    assert!(report.contains("class=\"breach-line\""), "{report}");
    let used = owner.act(
        &report_path,
        &format!("{org_path}/watchlist/{entry}/confirm"),
        &[("code", &code)],
    );
    assert_eq!(
        used.code, 404,
        "a confirmed number takes no code: {}",
        used.body
    );
    let audit = owner.get(&format!("{org_path}/audit?lang=en")).body;
    assert!(
        audit.contains("confirmed a mobile number with its holder"),
        "{audit}"
    );
    assert_eq!(sms_messages(&kannel.received()), 1, "one code, no more");

    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    // (The code is six digits: time stamps hold such runs; the store keeps
    // its keyed hash only, `crates/orgs/src/phones.rs`.)
    assert_none_in(
        &files,
        &[
            "+31632398645",
            "32398645",
            owner_address,
            "Night shift",
            "Night Worker",
        ],
    );
}
