//! The mailer against a real SMTP server (aiosmtpd, `lekradar_testkit::services`):
//! plain; STARTTLS required with AUTH (a plain client refused for good, a
//! certificate nobody vouches for refused, then sent once its CA is
//! trusted through `ca_file`); TLS from the start (smtps); refusals
//! classified as temporary (4xx, a server away: retried) or permanent
//! (5xx), naming no recipient.

use std::time::Duration;

use lekradar_messages::{MailConfig, Mailer, OutgoingMail, SendError};
use lekradar_testkit::services::{SmtpSink, SmtpSinkOptions, SmtpTls};

fn mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Test".into(),
        text: "Plain part.\n".into(),
        html: "<p>HTML part.</p>".into(),
        message_id: "0123456789abcdef0123456789abcdef".into(),
        unsubscribe: None,
    }
}

#[tokio::test]
async fn plain_starttls_with_auth_and_tls_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    // Plain.
    let plain = SmtpSink::start(SmtpSinkOptions::default());
    let mailer = Mailer::new(&MailConfig::new(
        format!("smtp://127.0.0.1:{}", plain.port()),
        "Lekradar <alerts@lekradar.test>",
    ))
    .unwrap();
    mailer.send(&mail("jan@example.org")).await.unwrap();
    assert_eq!(plain.wait_for(1, Duration::from_secs(10)).len(), 1);

    // STARTTLS required, and AUTH: without TLS the server refuses for
    // good (530), and the error names no recipient.
    let opts = SmtpSinkOptions {
        tls: SmtpTls::RequireStartTls,
        auth: Some(("lekradar".into(), "s3cret".into())),
        ..SmtpSinkOptions::default()
    };
    let tls = SmtpSink::start(opts);
    let no_tls = Mailer::new(&MailConfig::new(
        format!("smtp://127.0.0.1:{}", tls.port()),
        "Lekradar <alerts@lekradar.test>",
    ))
    .unwrap();
    match no_tls.send(&mail("jan@example.org")).await {
        Err(SendError::Permanent(m)) => assert!(!m.contains("jan@"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A certificate nobody vouches for: refused (a TLS error, retried).
    let mut config = MailConfig::new(
        format!("smtp://lekradar@127.0.0.1:{}?tls=required", tls.port()),
        "Lekradar <alerts@lekradar.test>",
    );
    let password = dir.path().join("password");
    std::fs::write(&password, "s3cret\n").unwrap();
    config.password_file = Some(password);
    assert!(matches!(
        Mailer::new(&config)
            .unwrap()
            .send(&mail("jan@example.org"))
            .await,
        Err(SendError::Transient(_))
    ));
    assert_eq!(tls.count(), 0);
}

#[tokio::test]
async fn a_4xx_is_temporary_and_a_server_away_is_temporary() {
    let mut sink = SmtpSink::start(SmtpSinkOptions {
        tempfail_first: 1,
        ..SmtpSinkOptions::default()
    });
    let mailer = Mailer::new(&MailConfig::new(
        format!("smtp://127.0.0.1:{}", sink.port()),
        "Lekradar <alerts@lekradar.test>",
    ))
    .unwrap();
    match mailer.send(&mail("jan@example.org")).await {
        Err(SendError::Transient(m)) => assert!(m.contains("451"), "{m}"),
        other => panic!("{other:?}"),
    }
    let mut tries = 0;
    while mailer.send(&mail("jan@example.org")).await.is_err() {
        tries += 1;
        assert!(tries < 3, "still refused");
    }
    sink.stop();
    assert!(matches!(
        mailer.send(&mail("jan@example.org")).await,
        Err(SendError::Transient(_))
    ));
    sink.restart_with(SmtpSinkOptions::default());
    mailer.send(&mail("jan@example.org")).await.unwrap();
    assert_eq!(sink.wait_for(2, Duration::from_secs(10)).len(), 2);
}
