//! Every template renders in every language; alert mails hold no link but
//! the unsubscribe one and say that Lekradar never asks for a code, a
//! password or a payment; HTML is escaped; text messages hold no link and
//! fit the GSM alphabet.

use lekradar_l10n::Lang;
use lekradar_messages::sms::{gsm_7bit, looks_like_link};
use lekradar_messages::{AdviceItem, BreachItem, Content, MailKind, SmsKind, Templates};

fn content() -> Content {
    Content {
        identifier: "jan<script>@example.org".into(),
        breaches: vec![BreachItem {
            name: "Telco".into(),
            title: "Booking.com & <Telco>".into(),
            breach_date: "1 March 2026".into(),
            added: "2 December 2026".into(),
            classes: vec!["Phone numbers".into(), "IBANs".into()],
            people: Some(12),
            staff: Some("Dear colleagues,\n\nthe <Telco> breach holds our numbers.".into()),
        }],
        advice: vec![AdviceItem {
            title: "Warn your bank".into(),
            why: "Your IBAN leaked.".into(),
            steps: vec!["Call the number on your card.".into()],
        }],
        link: Some("https://lekradar.test/alerts/confirm?token=abc".into()),
        unsubscribe: Some("https://lekradar.test/alerts/unsubscribe?token=1-ff".into()),
        code: Some("123456".into()),
        org: Some("Acme <b>BV</b>".into()),
    }
}

const NEVER_ASKS: [(Lang, &str); 3] = [
    (
        Lang::En,
        "never asks you for a code, a password or a payment",
    ),
    (
        Lang::Nl,
        "vraagt je nooit om een code, een wachtwoord of een betaling",
    ),
    (
        Lang::Fr,
        "ne vous demande jamais de code, de mot de passe ni de paiement",
    ),
];

#[test]
fn every_mail_renders_in_every_language() {
    let templates = Templates::new("lekradar.test").unwrap();
    for (lang, never) in NEVER_ASKS {
        for kind in MailKind::ALL {
            let mut c = content();
            let org_mail = matches!(
                kind,
                MailKind::OrgSignIn
                    | MailKind::OrgInvite
                    | MailKind::OrgDomain
                    | MailKind::OrgDigest
            );
            if !matches!(kind, MailKind::Confirm | MailKind::OptOut | MailKind::Link) && !org_mail {
                c.link = None;
            }
            if !matches!(kind, MailKind::Alert | MailKind::Report) {
                c.unsubscribe = None;
            }
            let m = templates.mail(kind, lang, &c).unwrap();
            assert!(
                !m.subject.is_empty() && !m.subject.contains('\n'),
                "{kind:?} {lang:?}"
            );
            assert!(m.text.contains(never), "{kind:?} {lang:?}: {}", m.text);
            assert!(
                m.text.contains("lekradar.test"),
                "the service's address written out"
            );
            assert!(m.html.contains(&format!("lang=\"{}\"", lang.code())));
            let shows_identifier = !matches!(
                kind,
                MailKind::OrgSignIn | MailKind::OrgInvite | MailKind::OrgDigest
            );
            assert!(
                !m.html.contains("<script>")
                    && (m.html.contains("&lt;script&gt;") || !shows_identifier),
                "escaped"
            );
            if matches!(
                kind,
                MailKind::OrgInvite | MailKind::OrgDomain | MailKind::OrgDigest
            ) {
                assert!(m.text.contains("Acme <b>BV</b>"), "{}", m.text);
                assert!(
                    m.html.contains("Acme &lt;b&gt;BV&lt;&#x2f;b&gt;"),
                    "{}",
                    m.html
                );
            }
            if shows_identifier && kind != MailKind::Confirm {
                assert!(
                    m.text.contains("jan<script>@example.org"),
                    "plain text is not escaped"
                );
            }
            // Links: only the confirmation link, or only the unsubscribe one.
            let links = m.text.matches("https://").count();
            let expected = usize::from(c.link.is_some()) + usize::from(c.unsubscribe.is_some());
            assert_eq!(links, expected, "{kind:?} {lang:?}: {}", m.text);
            if matches!(kind, MailKind::Alert | MailKind::Report | MailKind::Answer) {
                assert!(m.text.contains("Booking.com & <Telco>"), "{}", m.text);
                assert!(m.text.contains("IBANs"));
                assert!(m.text.contains("Warn your bank"));
            }
            if kind == MailKind::OrgDigest {
                // Per breach: the count of the organisation's people and
                // the staff message, escaped in HTML.
                assert!(m.text.contains("Booking.com & <Telco>"), "{}", m.text);
                assert!(m.text.contains("12"));
                assert!(m.text.contains("the <Telco> breach holds our numbers"));
                assert!(m
                    .html
                    .contains("the &lt;Telco&gt; breach holds our numbers"));
                assert!(!m.html.contains("<Telco>"));
            }
        }
    }
}

#[test]
fn text_messages_hold_no_link_and_fit_the_gsm_alphabet() {
    let templates = Templates::new("lekradar.test").unwrap();
    for lang in Lang::ALL {
        for kind in SmsKind::ALL {
            let text = templates.sms(kind, lang, &content()).unwrap();
            assert!(!looks_like_link(&text), "{kind:?} {lang:?}: {text}");
            assert!(!text.contains("https"), "{text}");
            assert!(gsm_7bit(&text), "{kind:?} {lang:?}: {text}");
            if kind == SmsKind::Code {
                assert!(text.contains("123456"));
                assert!(
                    text.chars().count() <= 160,
                    "{lang:?}: {} characters",
                    text.chars().count()
                );
            } else if kind == SmsKind::OrgCode {
                // Who asks, and the code to give them.
                assert!(text.contains("123456"), "{text}");
                assert!(text.contains("Acme"), "{text}");
            } else {
                assert!(text.contains("Booking[.]com"), "{text}");
            }
        }
    }
}

#[test]
fn every_template_file_is_compiled_in() {
    for lang in Lang::ALL {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("templates")
            .join(lang.code());
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(
            files,
            lekradar_messages::templates::FILES_PER_LANG,
            "{}: add new files to `lang_files!` in crates/messages/src/templates.rs",
            dir.display()
        );
    }
}
