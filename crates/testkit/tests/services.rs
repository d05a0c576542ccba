//! The real test services of `lekradar_testkit::services` at work: mail
//! through the SMTP sink (plain, its faults, a restart on the same port,
//! STARTTLS with AUTH, implicit TLS), DKIM signatures made with dkimpy and
//! verified through keys in the nsd zone (Ed25519 and 2048-bit RSA, keys made
//! at test time; tampering and a removed key fail), and SMS through Kannel to
//! the fake SMS centre, non-ASCII text included.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use lekradar_testkit::services::{
    dkim_signatures, dkim_txt_record, dkim_verify, http_get, percent_encode, python, Dns, Kannel,
    KannelOptions, SmtpSink, SmtpSinkOptions, SmtpTls,
};

const WAIT: Duration = Duration::from_secs(20);

/// One SMTP reply (multi-line replies joined): its code and text.
fn reply(reader: &mut impl BufRead) -> Result<(u16, String), String> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed without a reply".into());
        }
        text.push_str(&line);
        if line.as_bytes().get(3) != Some(&b'-') {
            let code = line[..3]
                .parse()
                .map_err(|_| format!("bad reply {line:?}"))?;
            return Ok((code, text));
        }
    }
}

/// Sends one message over a plain SMTP dialogue; the reply to the final
/// dot, or why there was none.
fn smtp_send(port: u16, from: &str, to: &[&str], message: &[u8]) -> Result<(u16, String), String> {
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut command = |line: &str, want: u16, reader: &mut BufReader<TcpStream>| {
        writer.write_all(line.as_bytes()).unwrap();
        let (code, text) = reply(reader)?;
        if code == want {
            Ok(())
        } else {
            Err(format!("{line:?} answered {text:?}"))
        }
    };
    assert_eq!(reply(&mut reader)?.0, 220);
    command("EHLO client.test\r\n", 250, &mut reader)?;
    command(&format!("MAIL FROM:<{from}>\r\n"), 250, &mut reader)?;
    for rcpt in to {
        command(&format!("RCPT TO:<{rcpt}>\r\n"), 250, &mut reader)?;
    }
    command("DATA\r\n", 354, &mut reader)?;
    let mut data = Vec::new();
    for line in message.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b".") {
            data.push(b'.');
        }
        data.extend_from_slice(line);
    }
    data.extend_from_slice(b".\r\n");
    let mut writer = reader.get_ref().try_clone().unwrap();
    writer.write_all(&data).unwrap();
    reply(&mut reader)
}

const MESSAGE: &[u8] = b"From: Lekradar <alerts@mail.test>\r\nTo: someone@example.test\r\n\
Subject: test\r\n\r\n.a line that starts with a dot\r\nbody \xc3\xa9\r\n";

#[test]
fn smtp_sink_stores_what_it_accepts_with_the_envelope() {
    let sink = SmtpSink::start(SmtpSinkOptions::default());
    let (code, _) = smtp_send(
        sink.port(),
        "bounce@mail.test",
        &["someone@example.test", "other@example.test"],
        MESSAGE,
    )
    .unwrap();
    assert_eq!(code, 250);
    let messages = sink.wait_for(1, WAIT);
    assert_eq!(messages.len(), 1);
    let mut want = b"X-MailFrom: bounce@mail.test\r\n\
X-RcptTo: someone@example.test, other@example.test\r\n"
        .to_vec();
    want.extend_from_slice(MESSAGE);
    assert_eq!(
        String::from_utf8_lossy(&messages[0]),
        String::from_utf8_lossy(&want)
    );
    assert!(sink.maildir().join("new").is_dir());
}

#[test]
fn smtp_sink_tempfails_then_accepts() {
    let sink = SmtpSink::start(SmtpSinkOptions {
        tempfail_first: 2,
        ..SmtpSinkOptions::default()
    });
    for _ in 0..2 {
        let (code, text) =
            smtp_send(sink.port(), "a@mail.test", &["b@example.test"], MESSAGE).unwrap();
        assert_eq!((code, text.trim()), (451, "451 4.3.0 try again later"));
    }
    assert_eq!(sink.count(), 0);
    let (code, _) = smtp_send(sink.port(), "a@mail.test", &["b@example.test"], MESSAGE).unwrap();
    assert_eq!(code, 250);
    assert_eq!(sink.wait_for(1, WAIT).len(), 1);
}

#[test]
fn smtp_sink_drops_every_kth_connection_and_restarts_on_the_same_port() {
    let mut sink = SmtpSink::start(SmtpSinkOptions {
        drop_every: 2,
        ..SmtpSinkOptions::default()
    });
    let port = sink.port();
    let send = || smtp_send(port, "a@mail.test", &["b@example.test"], MESSAGE);
    assert_eq!(send().unwrap().0, 250);
    assert_eq!(send().unwrap_err(), "connection closed without a reply");
    assert_eq!(send().unwrap().0, 250);
    assert_eq!(sink.wait_for(2, WAIT).len(), 2);

    sink.stop();
    assert!(!sink.is_running());
    assert!(send().is_err(), "a stopped sink still answers");
    sink.restart_with(SmtpSinkOptions::default());
    assert_eq!(sink.port(), port);
    assert_eq!(send().unwrap().0, 250);
    assert_eq!(send().unwrap().0, 250);
    assert_eq!(sink.wait_for(4, WAIT).len(), 4);

    // A second sink where the first was: same port, same Maildir.
    let maildir = sink.maildir().to_owned();
    sink.stop();
    let again = SmtpSink::start_on(port, &maildir, SmtpSinkOptions::default());
    assert_eq!(send().unwrap().0, 250);
    assert_eq!(again.wait_for(5, WAIT).len(), 5);
}

/// Runs a Python snippet with the test interpreter; its stdout.
fn run_python(code: &str, args: &[&str]) -> String {
    let out = Command::new(python())
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const SMTPLIB_TLS: &str = r#"
import smtplib, ssl, sys
port, cafile, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
msg = b"From: a@mail.test\r\nTo: b@example.test\r\nSubject: tls\r\n\r\nover TLS\r\n"
if mode == "implicit":
    s = smtplib.SMTP_SSL("127.0.0.1", port, context=ctx, timeout=20)
else:
    s = smtplib.SMTP("127.0.0.1", port, timeout=20)
    s.ehlo()
    print("MAIL before STARTTLS:", s.mail("a@mail.test")[0])
    s.starttls(context=ctx)
    s.ehlo()
    print("MAIL before AUTH:", s.mail("a@mail.test")[0])
    try:
        s.login("sender", "wrong")
    except smtplib.SMTPAuthenticationError as e:
        print("wrong password:", e.smtp_code)
    s.login("sender", "s3cret")
s.sendmail("a@mail.test", ["b@example.test"], msg)
s.quit()
print("sent")
"#;

#[test]
fn smtp_sink_speaks_starttls_with_auth_and_implicit_tls() {
    let sink = SmtpSink::start(SmtpSinkOptions {
        tls: SmtpTls::RequireStartTls,
        auth: Some(("sender".into(), "s3cret".into())),
        ..SmtpSinkOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sink.tls_cert_pem().unwrap()).unwrap();
    let port = sink.port().to_string();
    let out = run_python(SMTPLIB_TLS, &[&port, ca.to_str().unwrap(), "starttls"]);
    assert_eq!(
        out,
        "MAIL before STARTTLS: 530\nMAIL before AUTH: 530\nwrong password: 535\nsent\n"
    );
    assert_eq!(sink.wait_for(1, WAIT).len(), 1);

    let smtps = SmtpSink::start(SmtpSinkOptions {
        tls: SmtpTls::Implicit,
        ..SmtpSinkOptions::default()
    });
    std::fs::write(&ca, smtps.tls_cert_pem().unwrap()).unwrap();
    let port = smtps.port().to_string();
    let out = run_python(SMTPLIB_TLS, &[&port, ca.to_str().unwrap(), "implicit"]);
    assert_eq!(out, "sent\n");
    assert_eq!(smtps.wait_for(1, WAIT).len(), 1);
    // Plain SMTP gets no greeting from an SMTPS port: the TLS handshake
    // fails and the connection is closed.
    let mut plain = TcpStream::connect(("127.0.0.1", smtps.port())).unwrap();
    plain.set_read_timeout(Some(WAIT)).unwrap();
    plain.write_all(b"EHLO client.test\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!answer.starts_with(b"2"), "{answer:?}");
}

/// Makes an Ed25519 key (PyNaCl) and a 2048-bit RSA key (openssl), signs a
/// message with both (dkimpy: Ed25519 on top, RSA below) and writes it to
/// DIR/signed.eml; prints the two public keys, base64.
const SIGN: &str = r#"
import base64, subprocess, sys, dkim, nacl.signing
out = sys.argv[1]
ed = nacl.signing.SigningKey.generate()
rsa = subprocess.run(["openssl", "genrsa", "-traditional", "2048"],
                     check=True, capture_output=True).stdout
rsa_pub = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=rsa,
                         check=True, capture_output=True).stdout
msg = (b"From: Lekradar <alerts@mail.test>\r\nTo: someone@example.test\r\n"
       b"Subject: Your address was in a breach\r\nDate: Sun, 06 Dec 2026 21:00:00 +0000\r\n"
       b"Message-ID: <1@mail.test>\r\n"
       b"List-Unsubscribe: <https://lekradar.test/u/abc>\r\n"
       b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
       b"\r\nHello,\r\n\r\nyour address was found.\r\n")
headers = [b"from", b"to", b"subject", b"date", b"message-id",
           b"list-unsubscribe", b"list-unsubscribe-post"]
rsa_sig = dkim.sign(msg, b"rsa2026", b"mail.test", rsa, include_headers=headers)
ed_sig = dkim.sign(rsa_sig + msg, b"ed2026", b"mail.test", base64.b64encode(bytes(ed)),
                   signature_algorithm=b"ed25519-sha256", include_headers=headers)
open(out + "/signed.eml", "wb").write(ed_sig + rsa_sig + msg)
print(base64.b64encode(bytes(ed.verify_key)).decode())
print(base64.b64encode(rsa_pub).decode())
"#;

#[test]
fn dkim_signatures_verify_through_the_dns_zone_and_tampering_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_python(SIGN, &[dir.path().to_str().unwrap()]);
    let keys: Vec<_> = out.lines().collect();
    let (ed_pub, rsa_pub) = (keys[0], keys[1]);
    assert!(rsa_pub.len() > 255, "a 2048-bit key needs two TXT strings");
    let ed_record = dkim_txt_record(ed_pub, "ed25519");
    let rsa_record = dkim_txt_record(rsa_pub, "rsa");
    let mut dns = Dns::start(
        "mail.test",
        &[
            ("ed2026._domainkey", "TXT", &ed_record),
            ("rsa2026._domainkey", "TXT", &rsa_record),
            ("@", "MX", "10 localhost."),
        ],
    );
    assert_eq!(dns.zone(), "mail.test");

    let signed = std::fs::read(dir.path().join("signed.eml")).unwrap();
    let text = String::from_utf8(signed.clone()).unwrap();
    let tampered_body = text.replace("was found", "was f0und").into_bytes();
    let tampered_header = text.replace("Subject: Your", "Subject: My").into_bytes();
    let unsigned = text.as_bytes()[text.find("From:").unwrap()..].to_vec();
    let results = dkim_verify(
        dns.port(),
        &[signed.clone(), tampered_body, tampered_header, unsigned],
    );
    assert_eq!(results[0], Ok(()));
    let body_err = results[1].as_ref().unwrap_err();
    assert!(body_err.contains("body hash mismatch"), "{body_err}");
    assert_eq!(
        results[2].as_ref().unwrap_err(),
        "signature 0: signature does not verify"
    );
    assert_eq!(results[3].as_ref().unwrap_err(), "no DKIM-Signature header");

    let signatures = dkim_signatures(&signed);
    assert_eq!(signatures.len(), 2);
    assert_eq!(
        (
            signatures[0].selector.as_str(),
            signatures[0].algorithm.as_str()
        ),
        ("ed2026", "ed25519-sha256")
    );
    assert_eq!(
        (
            signatures[1].selector.as_str(),
            signatures[1].algorithm.as_str()
        ),
        ("rsa2026", "rsa-sha256")
    );
    assert_eq!(signatures[1].domain, "mail.test");
    assert_eq!(
        signatures[0].headers,
        [
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "list-unsubscribe",
            "list-unsubscribe-post"
        ]
    );

    // Through the SMTP sink, byte for byte: still verifies.
    let sink = SmtpSink::start(SmtpSinkOptions::default());
    let (code, _) = smtp_send(
        sink.port(),
        "bounce@mail.test",
        &["someone@example.test"],
        &signed,
    )
    .unwrap();
    assert_eq!(code, 250);
    let received = sink.wait_for(1, WAIT);
    assert_eq!(dkim_verify(dns.port(), &received), [Ok(())]);

    // The RSA key withdrawn from the zone: its signature no longer verifies.
    dns.set_records(&[("ed2026._domainkey", "TXT", &ed_record)]);
    let err = dkim_verify(dns.port(), &[signed]).remove(0).unwrap_err();
    assert!(err.starts_with("signature 1: "), "{err}");
}

#[test]
fn kannel_delivers_sendsms_to_the_fake_smsc() {
    let kannel = Kannel::start();
    let send = |extra: &str| {
        http_get(&format!(
            "{}?username={}&password={}&to=%2B31612345678&{extra}",
            kannel.sendsms_url(),
            kannel.username(),
            kannel.password()
        ))
    };
    let text = "code 123456 — é";
    // UCS-2 carries the whole text; Kannel must be told the input is UTF-8.
    let (code, body) = send(&format!(
        "from=Lekradar&text={}&coding=2&charset=UTF-8",
        percent_encode(text)
    ));
    assert_eq!((code, body.as_str()), (202, "0: Accepted for delivery"));
    // GSM 7-bit (the default coding) has no em dash.
    let (code, _) = send(&format!("text={}", percent_encode(text)));
    assert_eq!(code, 202);
    let (code, _) = send("text=two%0Alines");
    assert_eq!(code, 202);
    let (code, body) = http_get(&format!(
        "{}?username={}&password=wrong&to=%2B31612345678&text=x",
        kannel.sendsms_url(),
        kannel.username()
    ));
    assert_eq!(
        (code, body.as_str()),
        (403, "Authorization failed for sendsms")
    );

    let received = kannel.wait_for(3, WAIT);
    assert_eq!(received.len(), 3, "{received:?}");
    assert_eq!(received[0].from, "Lekradar");
    assert_eq!(received[0].to, "+31612345678");
    assert_eq!(received[0].coding, "ucs-2");
    assert_eq!(received[0].text, text);
    assert_eq!(received[1].from, Kannel::GLOBAL_SENDER);
    assert_eq!(received[1].coding, "text");
    assert_eq!(received[1].text, "code 123456 ? é");
    assert_eq!(received[2].text, "two\nlines");
    assert!(kannel.status().contains("sent 3"), "{}", kannel.status());
}

#[test]
fn kannel_splits_a_long_text_when_allowed() {
    let kannel = Kannel::start_with(KannelOptions { max_messages: 3 });
    let text = "x".repeat(200);
    let (code, _) = http_get(&format!(
        "{}?username={}&password={}&to=%2B31612345678&text={text}",
        kannel.sendsms_url(),
        kannel.username(),
        kannel.password()
    ));
    assert_eq!(code, 202);
    let parts = kannel.wait_for(2, WAIT);
    assert_eq!(parts.len(), 2, "{parts:?}");
    let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(joined, text);
    for (i, part) in parts.iter().enumerate() {
        assert_eq!(part.coding, "udh");
        // Concatenation IE: 00 03 ref total seq.
        let udh = part.udh.as_ref().unwrap();
        assert_eq!((udh[1], udh[4], udh[5]), (0, 2, i as u8 + 1), "{udh:?}");
    }
}

#[test]
fn services_leave_nothing_behind() {
    let dns = Dns::start("gone.test", &[]);
    let sink = SmtpSink::start(SmtpSinkOptions::default());
    let kannel = Kannel::start();
    let maildir = sink.maildir().to_owned();
    let sendsms = kannel.sendsms_url();
    let sendsms = sendsms
        .strip_prefix("http://")
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let (dns_port, smtp_port) = (dns.port(), sink.port());
    drop(dns);
    drop(sink);
    drop(kannel);
    assert!(!Path::new(&maildir).exists());
    assert!(TcpStream::connect(("127.0.0.1", smtp_port)).is_err());
    assert!(TcpStream::connect(("127.0.0.1", dns_port)).is_err());
    assert!(TcpStream::connect(sendsms.as_str()).is_err());
}

#[test]
fn a_zone_nsd_cannot_read_fails_at_once() {
    let result = std::panic::catch_unwind(|| Dns::start("bad.test", &[("x", "A", "not-an-ip")]));
    let message = *result.err().unwrap().downcast::<String>().unwrap();
    assert!(message.contains("invalid IPv4 address"), "{message}");
}
