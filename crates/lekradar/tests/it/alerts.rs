//! Reaching people, end to end through the binary and real parts: a real
//! SMTP server (aiosmtpd into a Maildir), DKIM checked by an independent
//! verifier (dkimpy) against a key published by a real DNS server (nsd), a
//! real SMS gateway (Kannel with its fake SMS centre). Owner-only answers
//! by mail, subscriptions with double opt-in and their first report,
//! alerts when a breach is published (once per person and breach), RFC 8058
//! one-click unsubscribe, SMS codes without links — and afterwards no
//! address or number in the clear in the data directory or the logs.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lekradar_testkit::services::{
    dkim_signatures, dkim_txt_record, dkim_verify, Dns, Kannel, KannelOptions, SmtpSink,
    SmtpSinkOptions,
};
use support::{all_files, assert_none_in, curl, demo_data, lekradar, stderr, Server};

const DOMAIN: &str = "lekradar.test";
const SELECTOR: &str = "mail2026";

/// A mail as a person's client shows it.
#[derive(Debug)]
struct Mail {
    raw: Vec<u8>,
    to: String,
    subject: String,
    text: String,
    html: String,
    message_id: String,
    list_unsubscribe: Option<String>,
    list_unsubscribe_post: Option<String>,
}

fn parse(raw: &[u8]) -> Mail {
    let m = mail_parser::MessageParser::default().parse(raw).unwrap();
    let header = |name: &str| m.header_raw(name).map(|v| v.trim().to_owned());
    Mail {
        raw: raw.to_vec(),
        to: m
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned(),
        subject: m.subject().unwrap_or_default().to_owned(),
        text: m.body_text(0).unwrap_or_default().into_owned(),
        html: m.body_html(0).unwrap_or_default().into_owned(),
        message_id: m.message_id().unwrap_or_default().to_owned(),
        list_unsubscribe: header("List-Unsubscribe"),
        list_unsubscribe_post: header("List-Unsubscribe-Post"),
    }
}

/// An Ed25519 DKIM key made with openssl: the PEM file and the public key
/// for the DNS record.
fn dkim_key(dir: &Path) -> (PathBuf, String) {
    let pem = dir.join("dkim.pem");
    let ok = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&pem)
        .status()
        .unwrap();
    assert!(ok.success());
    let out = Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&pem)
        .output()
        .unwrap();
    assert!(out.status.success());
    let raw = &out.stdout[out.stdout.len() - 32..];
    let b64 = Command::new("base64")
        .arg("-w0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(raw)?;
            c.wait_with_output()
        })
        .unwrap();
    (pem, String::from_utf8(b64.stdout).unwrap())
}

/// The mail side of a test: SMTP sink, DNS with the DKIM key, the key file.
struct MailWorld {
    smtp: SmtpSink,
    dns: Dns,
    key: PathBuf,
}

impl MailWorld {
    fn start(dir: &Path) -> MailWorld {
        let (key, public) = dkim_key(dir);
        let dns = Dns::start(
            DOMAIN,
            &[(
                &format!("{SELECTOR}._domainkey"),
                "TXT",
                &dkim_txt_record(&public, "ed25519"),
            )],
        );
        MailWorld {
            smtp: SmtpSink::start(SmtpSinkOptions::default()),
            dns,
            key,
        }
    }

    fn args(&self) -> Vec<String> {
        vec![
            "--smtp-url".into(),
            format!("smtp://127.0.0.1:{}", self.smtp.port()),
            "--mail-from".into(),
            format!("Lekradar <alerts@{DOMAIN}>"),
            "--dkim-key-file".into(),
            self.key.display().to_string(),
            "--dkim-selector".into(),
            SELECTOR.into(),
            "--public-url".into(),
            format!("https://{DOMAIN}"),
        ]
    }

    /// Waits for `n` mails in all, parsed, and checks every signature.
    fn mails(&self, n: usize) -> Vec<Mail> {
        let raw = self.smtp.wait_for(n, Duration::from_secs(30));
        assert_eq!(
            raw.len(),
            n,
            "mails: {:?}",
            raw.iter().map(|m| parse(m).subject).collect::<Vec<_>>()
        );
        for (i, verdict) in dkim_verify(self.dns.port(), &raw).into_iter().enumerate() {
            assert_eq!(verdict, Ok(()), "mail {i} does not verify");
        }
        raw.iter().map(|m| parse(m)).collect()
    }
}

fn start(data: &Path, extra: &[&str], mail: &[String]) -> Server {
    let mut args: Vec<&str> = vec![
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--reload-interval",
        "200ms",
    ];
    args.extend_from_slice(extra);
    args.extend(mail.iter().map(String::as_str));
    Server::start(data, &args, &[])
}

/// GET `path` (cookie jar `jar`), then POST the form in it with `fields`.
fn post_form(
    base: &str,
    jar: &Path,
    get: &str,
    post: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let jar = jar.to_str().unwrap();
    let (code, page) = curl(&["-c", jar, "-b", jar, &format!("{base}{get}")]);
    assert_eq!(code, 200, "{page}");
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries a token")
        .to_owned();
    let mut args: Vec<String> = vec!["-c".into(), jar.into(), "-b".into(), jar.into()];
    for (k, v) in fields.iter().chain([&("csrf", token.as_str())]) {
        args.push("--data-urlencode".into());
        args.push(format!("{k}={v}"));
    }
    args.push(format!("{base}{post}"));
    curl(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Adds a verified breach holding `emails` and publishes it with `lekradar ingest`.
fn publish(data: &Path, dir: &Path, name: &str, emails: &[&str]) {
    let add = lekradar(
        data,
        &[
            "breach",
            "add",
            name,
            "--title",
            &format!("{name} shop"),
            "--breach-date",
            "2026-11-01",
            "--verified",
            "true",
        ],
    );
    assert!(
        add.status.success() || stderr(&add).contains("exists"),
        "{}",
        stderr(&add)
    );
    let file = dir.join(format!("{name}-{}.csv", emails.len()));
    let mut text = String::from("email,name,iban\n");
    for (i, e) in emails.iter().enumerate() {
        text.push_str(&format!("{e},Person {i},NL91ABNA041716430{i}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let ing = lekradar(data, &["ingest", "--breach", name, file.to_str().unwrap()]);
    assert!(ing.status.success(), "{}", stderr(&ing));
    std::fs::remove_file(&file).unwrap();
}

fn token_of(link_text: &str, path: &str) -> String {
    link_text
        .split(&format!("https://{DOMAIN}{path}?token="))
        .nth(1)
        .unwrap_or_else(|| panic!("no {path} link in {link_text}"))
        .split(|c: char| c.is_whitespace() || c == '>' || c == '"')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn owner_only_answers_go_by_signed_mail_only_for_a_breached_address_and_once_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let breached = found.iter().find(|f| f.contains('@')).unwrap().clone();
    let clean = "nobody.at.all@example.org";
    let world = MailWorld::start(dir.path());
    let server = start(&data, &["--mode", "owner-only"], &world.args());
    let jar = dir.path().join("jar");
    let mut pages = Vec::new();
    for (account, lang) in [
        (clean, "en"),
        (breached.as_str(), "en"),
        (breached.as_str(), "en"),
    ] {
        let (code, page) = post_form(
            &server.base,
            &jar,
            &format!("/?lang={lang}"),
            "/check",
            &[("account", account)],
        );
        assert_eq!(code, 200, "{page}");
        pages.push(page.replace(account, "ACCOUNT"));
    }
    // The same page whatever the outcome.
    assert_eq!(pages[0], pages[1]);
    let mails = world.mails(1);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        world.smtp.count(),
        1,
        "one answer per address per day, none for the clean one"
    );
    let m = &mails[0];
    assert_eq!(m.to, breached);
    assert!(m.subject.contains(&breached), "{}", m.subject);
    assert!(m.text.contains("Demo"), "{}", m.text);
    assert!(m
        .text
        .contains("never asks you for a code, a password or a payment"));
    assert!(
        m.list_unsubscribe.is_none(),
        "an answer is not a subscription"
    );
    assert!(
        m.message_id.ends_with(&format!("@{DOMAIN}")),
        "{}",
        m.message_id
    );
    assert!(!m.message_id.contains(&breached));
    let sig = &dkim_signatures(&m.raw)[0];
    assert_eq!(
        (sig.domain.as_str(), sig.selector.as_str()),
        (DOMAIN, SELECTOR)
    );
    for h in ["from", "to", "subject", "date", "message-id"] {
        assert!(
            sig.headers.iter().any(|s| s.eq_ignore_ascii_case(h)),
            "{h} not signed: {sig:?}"
        );
    }
    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    assert_none_in(&files, &[breached.as_str(), clean]);
}

#[test]
fn subscribe_confirm_report_alert_once_and_unsubscribe_in_one_click() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let person = found.iter().find(|f| f.contains('@')).unwrap().clone();
    let world = MailWorld::start(dir.path());
    let server = start(&data, &[], &world.args());
    let jar = dir.path().join("jar");
    let (_, home) = curl(&[&format!("{}/?lang=fr", server.base)]);
    assert!(
        home.contains("href=\"/alerts\""),
        "the navigation links the alerts"
    );

    // Ask, in French: a confirmation link by mail, the same page as always.
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts?lang=fr",
        "/alerts",
        &[("account", &person)],
    );
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("Regardez votre boîte mail"), "{page}");
    let confirm = &world.mails(1)[0];
    assert_eq!(confirm.to, person);
    assert!(
        confirm.subject.starts_with("Confirmez vos alertes"),
        "{}",
        confirm.subject
    );
    let token = token_of(&confirm.text, "/alerts/confirm");
    // Asking again at once sends nothing more (resends are throttled).
    post_form(
        &server.base,
        &jar,
        "/alerts?lang=fr",
        "/alerts",
        &[("account", &person)],
    );

    // The link shows a button; pressing it confirms, once.
    let (code, page) = curl(&[&format!("{}/alerts/confirm?token={token}", server.base)]);
    assert_eq!(code, 200);
    assert!(page.contains("name=\"token\""), "{page}");
    let confirm_url = format!("{}/alerts/confirm", server.base);
    let (code, page) = curl(&[
        "--data-urlencode",
        &format!("token={token}"),
        &format!("{confirm_url}?lang=fr"),
    ]);
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("Vos alertes sont activées"), "{page}");
    let (code, _) = curl(&["--data-urlencode", &format!("token={token}"), &confirm_url]);
    assert_eq!(code, 410, "a link works once");
    let (code, _) = curl(&["--data-urlencode", "token=forged", &confirm_url]);
    assert_eq!(code, 410);

    // The first report: the breaches that already hold the address.
    let mails = world.mails(2);
    let report = &mails[1];
    assert!(
        report
            .subject
            .starts_with("Vos alertes Lekradar sont activées"),
        "{}",
        report.subject
    );
    assert!(report.text.contains("Demo"), "{}", report.text);
    let unsubscribe = report.list_unsubscribe.clone().expect("List-Unsubscribe");
    assert_eq!(
        report.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let sig = &dkim_signatures(&report.raw)[0];
    for h in ["list-unsubscribe", "list-unsubscribe-post"] {
        assert!(
            sig.headers.iter().any(|s| s.eq_ignore_ascii_case(h)),
            "{h} not signed: {sig:?}"
        );
    }

    // A new breach holding the person: one alert, naming it.
    publish(
        &data,
        dir.path(),
        "FreshShop",
        &[&person, "someone.else@example.org"],
    );
    let mails = world.mails(3);
    let alert = &mails[2];
    assert!(
        alert.subject.contains("FreshShop shop"),
        "{}",
        alert.subject
    );
    assert!(alert.text.contains(&person));
    assert!(
        alert.text.contains("compte bancaire"),
        "the classes of the record: {}",
        alert.text
    );
    assert!(
        alert.text.contains("ne vous demande jamais de code"),
        "{}",
        alert.text
    );
    assert_eq!(
        alert.text.matches("https://").count(),
        1,
        "only the unsubscribe link: {}",
        alert.text
    );
    assert!(alert.html.contains("lang=\"fr\""));
    // A second file of the same breach with the same person: nothing new.
    publish(
        &data,
        dir.path(),
        "FreshShop",
        &[&person, "a.third@example.org"],
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        world.smtp.count(),
        3,
        "a second file with the same person sends nothing new"
    );

    // One click (RFC 8058), as a mail provider makes it: 200, then silence.
    let url = unsubscribe
        .trim_start_matches('<')
        .trim_end_matches('>')
        .replace(&format!("https://{DOMAIN}"), &server.base);
    let (code, _) = curl(&["--data", "List-Unsubscribe=One-Click", &url]);
    assert_eq!(code, 200);
    let (code, _) = curl(&[
        "--data",
        "List-Unsubscribe=One-Click",
        &format!("{}/alerts/unsubscribe?token=9-00", server.base),
    ]);
    assert_eq!(code, 200, "the same answer whatever the token");
    publish(&data, dir.path(), "LaterShop", &[&person]);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(world.smtp.count(), 3, "no alert after unsubscribing");

    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    assert_none_in(&files, &[person.as_str(), "someone.else@example.org"]);
}

#[test]
fn a_phone_number_is_confirmed_by_an_sms_code_that_holds_no_link_and_linked_to_a_mailbox() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let phone = found.iter().find(|f| !f.contains('@')).unwrap().clone();
    let world = MailWorld::start(dir.path());
    let kannel = Kannel::start_with(KannelOptions { max_messages: 3 });
    let password = dir.path().join("sms-password");
    std::fs::write(&password, Kannel::PASSWORD).unwrap();
    let mut mail = world.args();
    mail.extend([
        "--sms-gateway-url".into(),
        format!("{}?username={}", kannel.sendsms_url(), Kannel::USERNAME),
        "--sms-password-file".into(),
        password.display().to_string(),
    ]);
    let server = start(&data, &[], &mail);
    let jar = dir.path().join("jar");
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts?lang=nl",
        "/alerts",
        &[("account", &phone), ("mail_to", "not-an-address")],
    );
    assert_eq!(code, 400, "{page}");
    assert!(page.contains("moet een e-mailadres zijn"), "{page}");
    // The alerts of the number are to go by mail to this address, once it
    // agrees; an address only goes with a number.
    let mailbox = "ik.zelf@example.org";
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts?lang=nl",
        "/alerts",
        &[("account", mailbox), ("mail_to", "ander@example.org")],
    );
    assert_eq!(code, 400, "{page}");
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts?lang=nl",
        "/alerts",
        &[("account", &phone), ("mail_to", mailbox)],
    );
    assert_eq!(code, 200, "{page}");
    assert!(
        page.contains("name=\"code\""),
        "the code is typed on the same page: {page}"
    );
    let sms = kannel.wait_for(1, Duration::from_secs(30));
    assert_eq!(sms.len(), 1);
    let text = &sms[0].text;
    assert!(!text.contains("http") && !text.contains("www"), "{text}");
    let code6: String = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned();
    // A wrong code: a clear answer, tries counted.
    let wrong = if code6 == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts?lang=nl",
        "/alerts/code",
        &[("account", &phone), ("code", wrong)],
    );
    assert_eq!(code, 400, "{}", server.logs());
    assert!(page.contains("Deze code klopt niet"), "{page}");
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts?lang=nl",
        "/alerts/code",
        &[("account", &phone), ("code", &code6)],
    );
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("Je meldingen staan aan"), "{page}");
    assert!(page.contains("We stuurden ook een link"), "{page}");
    // The number is in the demo breach: the first report comes by SMS.
    let sms = kannel.wait_for(2, Duration::from_secs(30));
    assert!(sms[1].text.contains("Demo"), "{}", sms[1].text);
    assert!(!sms[1].text.contains("http"), "{}", sms[1].text);

    // Only now, with the number confirmed, the mailbox is asked to agree.
    let link = &world.mails(1)[0];
    assert_eq!(link.to, mailbox);
    assert!(link.subject.contains(&phone), "{}", link.subject);
    let token = token_of(&link.text, "/alerts/confirm");
    // A new breach before the mailbox agreed: the alert goes by SMS.
    let publish_phone = |name: &str| {
        let add = lekradar(
            &data,
            &[
                "breach",
                "add",
                name,
                "--breach-date",
                "2026-11-01",
                "--verified",
                "true",
            ],
        );
        assert!(add.status.success(), "{}", stderr(&add));
        let file = dir.path().join(format!("{name}.csv"));
        std::fs::write(
            &file,
            format!("phone,name\n{phone},Iemand\n+31612345670,Ander\n"),
        )
        .unwrap();
        let ing = lekradar(
            &data,
            &[
                "ingest",
                "--breach",
                name,
                "--region",
                "NL",
                file.to_str().unwrap(),
            ],
        );
        assert!(ing.status.success(), "{}", stderr(&ing));
        std::fs::remove_file(&file).unwrap();
    };
    publish_phone("Belshop");
    let sms = kannel.wait_for(3, Duration::from_secs(30));
    assert!(sms[2].text.contains("Belshop"), "{}", sms[2].text);
    let confirm_url = format!("{}/alerts/confirm", server.base);
    let (code, page) = curl(&[
        "--data-urlencode",
        &format!("token={token}"),
        &format!("{confirm_url}?lang=nl"),
    ]);
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("Meldingen per mail"), "{page}");
    let (code, _) = curl(&["--data-urlencode", &format!("token={token}"), &confirm_url]);
    assert_eq!(code, 410, "a link works once");
    // From now on: by mail, naming the number, with its unsubscribe link.
    publish_phone("Belwinkel");
    let mails = world.mails(2);
    let alert = &mails[1];
    assert_eq!(alert.to, mailbox);
    assert!(alert.subject.contains("Belwinkel"), "{}", alert.subject);
    assert!(alert.text.contains(&phone), "{}", alert.text);
    assert!(alert.list_unsubscribe.is_some());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        kannel.wait_for(3, Duration::from_secs(1)).len(),
        3,
        "no SMS once linked"
    );
    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    assert_none_in(&files, &[phone.as_str(), digits.as_str(), mailbox]);
}

#[test]
fn the_api_asks_confirms_and_unsubscribes() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let person = found.iter().find(|f| f.contains('@')).unwrap().clone();
    let world = MailWorld::start(dir.path());
    let server = start(&data, &[], &world.args());
    let api = |path: &str, body: String| {
        curl(&[
            "-H",
            "content-type: application/json",
            "--data",
            &body,
            &format!("{}/api/v1/subscriptions{path}", server.base),
        ])
    };
    let (code, body) = api("", format!(r#"{{"account":"{person}","lang":"en"}}"#));
    assert_eq!((code, body.as_str()), (202, r#"{"status":"link_sent"}"#));
    let (code, body) = api("", r#"{"account":"not an address"}"#.into());
    assert_eq!(code, 400, "{body}");
    // An address for a number's alerts goes with a number only.
    let (code, body) = api(
        "",
        format!(r#"{{"account":"{person}","mail_to":"other@example.org"}}"#),
    );
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("invalid_mail_to"), "{body}");
    let token = token_of(&world.mails(1)[0].text, "/alerts/confirm");
    let (code, body) = api("/confirm", format!(r#"{{"token":"{token}"}}"#));
    assert_eq!((code, body.as_str()), (200, r#"{"status":"active"}"#));
    let (code, _) = api("/confirm", format!(r#"{{"token":"{token}"}}"#));
    assert_eq!(code, 410, "a token works once");
    let (code, _) = api("/confirm", "{}".into());
    assert_eq!(code, 400);
    let report = &world.mails(2)[1];
    assert!(
        report.subject.starts_with("Your Lekradar alerts are on"),
        "{}",
        report.subject
    );
    let unsubscribe = report.list_unsubscribe.clone().unwrap();
    let token = unsubscribe
        .split("token=")
        .nth(1)
        .unwrap()
        .trim_end_matches('>')
        .to_owned();
    let (code, body) = api("/unsubscribe", format!(r#"{{"token":"{token}"}}"#));
    assert_eq!((code, body.as_str()), (200, r#"{"status":"deleted"}"#));
    // Deleted: a new breach holding the address alerts nobody.
    publish(&data, dir.path(), "ApiShop", &[&person]);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(world.smtp.count(), 2);
    // A flood from one address is budgeted like checks (20/min by default):
    // refused with 429 and a retry-after long before it could flood inboxes.
    let mut refused_at = None;
    for i in 0..40 {
        let (code, body) = api("", format!(r#"{{"account":"flood{i}@example.org"}}"#));
        if code == 429 {
            assert!(
                body.contains("rate_limited") || body.contains("retry"),
                "{body}"
            );
            refused_at = Some(i);
            break;
        }
        assert_eq!(code, 202, "{body}");
    }
    let refused_at = refused_at.expect("a flood is refused");
    assert!(refused_at <= 20, "refused only after {refused_at} requests");
    let (code, body) = api(
        "",
        format!(r#"{{"account":"{person}","purpose":"sideways"}}"#),
    );
    assert_eq!(code, 400, "{body}");
    drop(server);
}

#[test]
fn the_api_opts_an_owner_out() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let person = found.iter().find(|f| f.contains('@')).unwrap().clone();
    let world = MailWorld::start(dir.path());
    let server = start(&data, &[], &world.args());
    let post = |path: &str, body: String| {
        curl(&[
            "-H",
            "content-type: application/json",
            "--data",
            &body,
            &format!("{}/api/v1{path}", server.base),
        ])
    };
    let found = || {
        let (_, body) = post("/check", format!(r#"{{"account":"{person}"}}"#));
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["found"]
            .as_bool()
            .unwrap()
    };
    assert!(found());
    let (code, body) = post(
        "/subscriptions",
        format!(r#"{{"account":"{person}","purpose":"opt-out"}}"#),
    );
    assert_eq!((code, body.as_str()), (202, r#"{"status":"link_sent"}"#));
    let token = token_of(&world.mails(1)[0].text, "/alerts/confirm");
    let (code, body) = post(
        "/subscriptions/confirm",
        format!(r#"{{"token":"{token}"}}"#),
    );
    assert_eq!((code, body.as_str()), (200, r#"{"status":"opted_out"}"#));
    assert!(!found());
    drop(server);
}

#[test]
fn an_owner_hides_their_address_from_public_search() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let person = found.iter().find(|f| f.contains('@')).unwrap().clone();
    let world = MailWorld::start(dir.path());
    let server = start(&data, &[], &world.args());
    let check = || {
        let (code, body) = curl(&[
            "-H",
            "content-type: application/json",
            "--data",
            &format!(r#"{{"account":"{person}"}}"#),
            &format!("{}/api/v1/check", server.base),
        ]);
        assert_eq!(code, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["found"]
            .as_bool()
            .unwrap()
    };
    assert!(check(), "in the demo breach before");
    // A private-check bucket's ETag: an opt-out changes what buckets hold.
    let (_, config) = curl(&[&format!("{}/api/v1/private/config", server.base)]);
    let bits = serde_json::from_str::<serde_json::Value>(&config).unwrap()["bucketBits"]
        .as_u64()
        .unwrap();
    let etag = || {
        let (code, headers) = curl(&[
            "-D",
            "-",
            "-o",
            "/dev/null",
            &format!("{}/api/v1/private/buckets/{bits}/0", server.base),
        ]);
        assert_eq!(code, 200, "{headers}");
        headers
            .lines()
            .find_map(|l| l.strip_prefix("etag: "))
            .unwrap_or_else(|| panic!("no ETag in {headers}"))
            .trim()
            .to_owned()
    };
    let etag_before = etag();
    let jar = dir.path().join("jar");
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts/opt-out?lang=en",
        "/alerts/opt-out",
        &[("account", &person)],
    );
    assert_eq!(code, 200, "{page}\n{}", server.logs());
    assert!(check(), "nothing changes before the owner confirms");
    let mail = &world.mails(1)[0];
    assert!(
        mail.subject.starts_with("Confirm hiding"),
        "{}",
        mail.subject
    );
    let token = token_of(&mail.text, "/alerts/confirm");
    let (code, page) = curl(&[
        "--data-urlencode",
        &format!("token={token}"),
        &format!("{}/alerts/confirm?lang=en", server.base),
    ]);
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("Hidden from public search"), "{page}");
    assert!(!check(), "answered as in no breach once hidden");
    assert_ne!(
        etag(),
        etag_before,
        "cached buckets are stale after an opt-out"
    );
    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    assert_none_in(&files, &[person.as_str()]);
}

#[test]
fn the_alerts_pages_in_chromium_in_three_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let breached = found.iter().find(|f| f.contains('@')).unwrap().clone();
    let world = MailWorld::start(dir.path());
    let server = start(&data, &["--rate-per-address", "1000/min"], &world.args());
    // A second server on its own data directory, in owner-only mode.
    let owner_dir = dir.path().join("owner");
    std::fs::create_dir_all(&owner_dir).unwrap();
    let (owner_data, _) = demo_data(&owner_dir);
    let owner = start(&owner_data, &["--mode", "owner-only"], &world.args());
    let clean = "nobody.here@example.org";
    let shots = support::repo_root().join("target/e2e-screenshots");
    let config = dir.path().join("alerts.json");
    std::fs::write(
        &config,
        serde_json::json!({
            "baseUrl": server.base.trim_start_matches("http://").split('/').next().map(|h| format!("http://{h}")).unwrap(),
            "ownerBaseUrl": owner.base,
            "publicUrl": format!("https://{DOMAIN}"),
            "maildir": world.smtp.maildir(),
            "screenshots": shots,
            "accounts": {"nl": breached, "fr": "marie@example.be", "en": "sam@example.org"},
            "optOut": {"nl": "verberg@example.nl", "fr": "cache@example.be", "en": "hide@example.org"},
            "ownerBreached": breached,
            "ownerClean": clean,
        })
        .to_string(),
    )
    .unwrap();
    let out = Command::new("node")
        .arg(support::repo_root().join("e2e/alerts.mjs"))
        .arg(&config)
        .output()
        .expect("node runs; scripts/test-deps-e2e.sh installs Chromium and playwright-core");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("all alerts page checks passed"), "{report}");
    // 3 × (confirmation, report, opt-out link), then one owner-only answer:
    // for the breached address only.
    let mails = world.mails(10);
    let answers: Vec<&Mail> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Your Lekradar check"))
        .collect();
    assert_eq!(
        answers.len(),
        1,
        "{:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert_eq!(answers[0].to, breached);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(world.smtp.count(), 10, "nothing for the clean address");
    for (server, data) in [(server, &data), (owner, &owner_data)] {
        let (_, logs) = server.terminate();
        let mut files = Vec::new();
        all_files(data, &mut files);
        files.push(("server log".into(), logs.into_bytes()));
        assert_none_in(
            &files,
            &[
                breached.as_str(),
                clean,
                "marie@example.be",
                "hide@example.org",
            ],
        );
    }
}

#[test]
fn two_servers_on_one_postgresql_store_alert_each_person_once() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let person = found.iter().find(|f| f.contains('@')).unwrap().clone();
    let (_, url) = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(lekradar_testkit::postgres_fresh_schema("alerts"));
    let world = MailWorld::start(dir.path());
    // Both on the same index, the same contact key (the data directory's
    // mail.key) and the same PostgreSQL store.
    let a = start(&data, &["--database-url", &url], &world.args());
    let b = start(&data, &["--database-url", &url], &world.args());
    let jar = dir.path().join("jar");
    post_form(
        &a.base,
        &jar,
        "/alerts?lang=en",
        "/alerts",
        &[("account", &person)],
    );
    let token = token_of(&world.mails(1)[0].text, "/alerts/confirm");
    // Confirmed through the other server: the store is shared.
    let (code, page) = curl(&[
        "--data-urlencode",
        &format!("token={token}"),
        &format!("{}/alerts/confirm", b.base),
    ]);
    assert_eq!(code, 200, "{page}");
    world.mails(2);
    // A new breach: both servers see the generation; one alert in all.
    publish(&data, dir.path(), "SharedShop", &[&person]);
    let mails = world.mails(3);
    assert!(
        mails[2].subject.contains("SharedShop"),
        "{}",
        mails[2].subject
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(world.smtp.count(), 3, "one alert, not one per server");
    let (_, logs_a) = a.terminate();
    let (_, logs_b) = b.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server a".into(), logs_a.into_bytes()));
    files.push(("server b".into(), logs_b.into_bytes()));
    assert_none_in(&files, &[person.as_str()]);
}

#[test]
fn owner_only_answers_a_phone_number_by_sms_only_when_it_is_breached() {
    let dir = tempfile::tempdir().unwrap();
    let (data, found) = demo_data(dir.path());
    let phone = found.iter().find(|f| !f.contains('@')).unwrap().clone();
    let clean = "+31 6 11 22 33 44";
    let world = MailWorld::start(dir.path());
    let kannel = Kannel::start_with(KannelOptions { max_messages: 3 });
    let mut args = world.args();
    args.extend([
        "--sms-gateway-url".into(),
        format!(
            "{}?username={}&password={}",
            kannel.sendsms_url(),
            Kannel::USERNAME,
            Kannel::PASSWORD
        ),
    ]);
    let server = start(&data, &["--mode", "owner-only"], &args);
    let jar = dir.path().join("jar");
    let mut pages = Vec::new();
    for account in [clean, phone.as_str()] {
        let (code, page) = post_form(
            &server.base,
            &jar,
            "/?lang=en",
            "/check",
            &[("account", account)],
        );
        assert_eq!(code, 200, "{page}");
        pages.push(page.replace(account, "ACCOUNT"));
    }
    assert_eq!(pages[0], pages[1], "the same page whatever the outcome");
    let sms = kannel.wait_for(1, Duration::from_secs(30));
    std::thread::sleep(Duration::from_secs(2));
    let sms_now = kannel.received();
    assert_eq!(
        sms_now.len(),
        1,
        "an answer for the breached number only: {sms_now:?}"
    );
    assert_eq!(sms[0].to, phone);
    assert!(sms[0].text.contains("Demo"), "{}", sms[0].text);
    assert!(!sms[0].text.contains("http"), "{}", sms[0].text);
    assert_eq!(world.smtp.count(), 0);
    let (_, logs) = server.terminate();
    let mut files = Vec::new();
    all_files(&data, &mut files);
    files.push(("server log".into(), logs.into_bytes()));
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    assert_none_in(&files, &[phone.as_str(), digits.as_str()]);
}

/// A breach published while someone confirms, before the server picked
/// the new index up on its reload tick (here: an hour), is in their first
/// report: the report is made from the newest published index, or no match
/// job would ever tell them (it ran, or runs, before they were active).
#[test]
fn the_first_report_holds_a_breach_published_before_the_server_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = demo_data(dir.path());
    let person = "laat.bevestigd@example.org";
    let world = MailWorld::start(dir.path());
    let mut args = vec![
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--reload-interval",
        "1h",
    ];
    let mail = world.args();
    args.extend(mail.iter().map(String::as_str));
    let server = Server::start(&data, &args, &[]);
    let jar = dir.path().join("jar");
    let (code, page) = post_form(
        &server.base,
        &jar,
        "/alerts?lang=en",
        "/alerts",
        &[("account", person)],
    );
    assert_eq!(code, 200, "{page}");
    let token = token_of(&world.mails(1)[0].text, "/alerts/confirm");
    // Published now; this server has not reloaded since it started.
    publish(
        &data,
        dir.path(),
        "LateShop",
        &[person, "other@example.org"],
    );
    let (code, page) = curl(&[
        "--data-urlencode",
        &format!("token={token}"),
        &format!("{}/alerts/confirm?lang=en", server.base),
    ]);
    assert_eq!(code, 200, "{page}");
    let report = &world.mails(2)[1];
    assert!(
        report.text.contains("LateShop shop"),
        "the report misses the breach: {}",
        report.text
    );
    drop(server);
}
