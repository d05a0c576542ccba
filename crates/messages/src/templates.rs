//! Messages per language, from template files (`crates/messages/templates/<lang>/`,
//! embedded in the binary): for each mail a plain-text file whose first line
//! is `Subject: …` and an HTML alternative, and one file per text message.
//! HTML is escaped automatically; texts for SMS are checked to hold no link.
//!
//! Every template is compiled when a program starts, so a broken one stops
//! the start rather than a send; a test renders each in each language.

use lekradar_l10n::Lang;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::sms::{defang, looks_like_link};

/// The template files of one language, by name (`LANG/FILE`).
macro_rules! lang_files {
    ($lang:literal) => {
        [
            (
                concat!($lang, "/_advice.html"),
                include_str!(concat!("../templates/", $lang, "/_advice.html")),
            ),
            (
                concat!($lang, "/_advice.txt"),
                include_str!(concat!("../templates/", $lang, "/_advice.txt")),
            ),
            (
                concat!($lang, "/_breaches.html"),
                include_str!(concat!("../templates/", $lang, "/_breaches.html")),
            ),
            (
                concat!($lang, "/_breaches.txt"),
                include_str!(concat!("../templates/", $lang, "/_breaches.txt")),
            ),
            (
                concat!($lang, "/_footer.html"),
                include_str!(concat!("../templates/", $lang, "/_footer.html")),
            ),
            (
                concat!($lang, "/_footer.txt"),
                include_str!(concat!("../templates/", $lang, "/_footer.txt")),
            ),
            (
                concat!($lang, "/alert.html"),
                include_str!(concat!("../templates/", $lang, "/alert.html")),
            ),
            (
                concat!($lang, "/alert.txt"),
                include_str!(concat!("../templates/", $lang, "/alert.txt")),
            ),
            (
                concat!($lang, "/answer.html"),
                include_str!(concat!("../templates/", $lang, "/answer.html")),
            ),
            (
                concat!($lang, "/answer.txt"),
                include_str!(concat!("../templates/", $lang, "/answer.txt")),
            ),
            (
                concat!($lang, "/confirm.html"),
                include_str!(concat!("../templates/", $lang, "/confirm.html")),
            ),
            (
                concat!($lang, "/confirm.txt"),
                include_str!(concat!("../templates/", $lang, "/confirm.txt")),
            ),
            (
                concat!($lang, "/link.html"),
                include_str!(concat!("../templates/", $lang, "/link.html")),
            ),
            (
                concat!($lang, "/link.txt"),
                include_str!(concat!("../templates/", $lang, "/link.txt")),
            ),
            (
                concat!($lang, "/org-digest.html"),
                include_str!(concat!("../templates/", $lang, "/org-digest.html")),
            ),
            (
                concat!($lang, "/org-digest.txt"),
                include_str!(concat!("../templates/", $lang, "/org-digest.txt")),
            ),
            (
                concat!($lang, "/org-domain.html"),
                include_str!(concat!("../templates/", $lang, "/org-domain.html")),
            ),
            (
                concat!($lang, "/org-domain.txt"),
                include_str!(concat!("../templates/", $lang, "/org-domain.txt")),
            ),
            (
                concat!($lang, "/org-invite.html"),
                include_str!(concat!("../templates/", $lang, "/org-invite.html")),
            ),
            (
                concat!($lang, "/org-invite.txt"),
                include_str!(concat!("../templates/", $lang, "/org-invite.txt")),
            ),
            (
                concat!($lang, "/org-signin.html"),
                include_str!(concat!("../templates/", $lang, "/org-signin.html")),
            ),
            (
                concat!($lang, "/org-signin.txt"),
                include_str!(concat!("../templates/", $lang, "/org-signin.txt")),
            ),
            (
                concat!($lang, "/optout.html"),
                include_str!(concat!("../templates/", $lang, "/optout.html")),
            ),
            (
                concat!($lang, "/optout.txt"),
                include_str!(concat!("../templates/", $lang, "/optout.txt")),
            ),
            (
                concat!($lang, "/report.html"),
                include_str!(concat!("../templates/", $lang, "/report.html")),
            ),
            (
                concat!($lang, "/report.txt"),
                include_str!(concat!("../templates/", $lang, "/report.txt")),
            ),
            (
                concat!($lang, "/sms-alert.txt"),
                include_str!(concat!("../templates/", $lang, "/sms-alert.txt")),
            ),
            (
                concat!($lang, "/sms-answer.txt"),
                include_str!(concat!("../templates/", $lang, "/sms-answer.txt")),
            ),
            (
                concat!($lang, "/sms-code.txt"),
                include_str!(concat!("../templates/", $lang, "/sms-code.txt")),
            ),
            (
                concat!($lang, "/sms-org-code.txt"),
                include_str!(concat!("../templates/", $lang, "/sms-org-code.txt")),
            ),
        ]
    };
}

/// Template files per language.
pub const FILES_PER_LANG: usize = 30;

/// Every template file, by name.
const FILES: [[(&str, &str); FILES_PER_LANG]; 3] =
    [lang_files!("nl"), lang_files!("fr"), lang_files!("en")];

/// A mail, by what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MailKind {
    /// The answer of an owner-only check, to the address checked.
    Answer,
    /// The double opt-in link of a new subscription.
    Confirm,
    /// The first report, once a subscription is confirmed.
    Report,
    /// A new breach holds a subscribed identifier.
    Alert,
    /// The confirmation link of a request to hide an identifier from
    /// public search.
    OptOut,
    /// The link confirming the email address a phone subscription's alerts
    /// go to.
    Link,
    /// An organisation's single-use sign-in link.
    OrgSignIn,
    /// An invitation to join an organisation (signs the invitee in).
    OrgInvite,
    /// Proof of a domain, sent to one of its role addresses.
    OrgDomain,
    /// To an organisation's owners: new breaches hold their people.
    OrgDigest,
}

impl MailKind {
    pub const ALL: [MailKind; 10] = [
        MailKind::Answer,
        MailKind::Confirm,
        MailKind::Report,
        MailKind::Alert,
        MailKind::OptOut,
        MailKind::Link,
        MailKind::OrgSignIn,
        MailKind::OrgInvite,
        MailKind::OrgDomain,
        MailKind::OrgDigest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Answer => "answer",
            MailKind::Confirm => "confirm",
            MailKind::Report => "report",
            MailKind::Alert => "alert",
            MailKind::OptOut => "optout",
            MailKind::Link => "link",
            MailKind::OrgSignIn => "org-signin",
            MailKind::OrgInvite => "org-invite",
            MailKind::OrgDomain => "org-domain",
            MailKind::OrgDigest => "org-digest",
        }
    }
}

/// A text message, by what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SmsKind {
    /// The six-digit code confirming a phone number.
    Code,
    /// The answer of an owner-only check of a phone number.
    Answer,
    /// A new breach holds a subscribed number.
    Alert,
    /// An organisation asks the holder of a mobile number to confirm, by
    /// giving it the code, that it may watch the number (owner-only mode).
    OrgCode,
}

impl SmsKind {
    pub const ALL: [SmsKind; 4] = [
        SmsKind::Code,
        SmsKind::Answer,
        SmsKind::Alert,
        SmsKind::OrgCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SmsKind::Code => "sms-code",
            SmsKind::Answer => "sms-answer",
            SmsKind::Alert => "sms-alert",
            SmsKind::OrgCode => "sms-org-code",
        }
    }
}

/// One breach as a message shows it, in the message's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachItem {
    pub name: String,
    pub title: String,
    /// When it happened, written out.
    pub breach_date: String,
    /// When Lekradar loaded it, written out.
    pub added: String,
    /// The data classes of *this person's* record, written out (in an
    /// organisation's digest: of its people's records).
    pub classes: Vec<String>,
    /// How many of an organisation's people the breach holds (digests).
    pub people: Option<u64>,
    /// The message for an organisation's staff about the breach (digests).
    pub staff: Option<String>,
}

/// One advice item as a message shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdviceItem {
    pub title: String,
    pub why: String,
    pub steps: Vec<String>,
}

/// What a message says.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Content {
    /// The identifier the message is about (the one that matched).
    pub identifier: String,
    pub breaches: Vec<BreachItem>,
    pub advice: Vec<AdviceItem>,
    /// The confirmation link (confirmation mails only).
    pub link: Option<String>,
    /// The one-click unsubscribe URL (subscription mails only).
    pub unsubscribe: Option<String>,
    /// The six-digit code (code SMS only).
    pub code: Option<String>,
    /// The organisation's name (organisation mails only).
    pub org: Option<String>,
}

/// A rendered mail's three parts.
#[derive(Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A template that failed: a bug in the template files, never in the input.
#[derive(Debug, thiserror::Error)]
#[error("message template {name}: {reason}")]
pub struct TemplateError {
    pub name: String,
    pub reason: String,
}

/// The compiled templates and the service's own address written out.
pub struct Templates {
    env: Environment<'static>,
    address: String,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("address", &self.address)
            .finish()
    }
}

#[derive(Serialize)]
struct Context<'a> {
    #[serde(flatten)]
    content: &'a Content,
    address: &'a str,
}

impl Templates {
    /// `address` is how messages write the service's own address (its host
    /// name, written out, not a link).
    pub fn new(address: &str) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in FILES.iter().flatten() {
            env.add_template(name, source).map_err(|e| TemplateError {
                name: (*name).to_owned(),
                reason: e.to_string(),
            })?;
        }
        Ok(Templates {
            env,
            address: address.to_owned(),
        })
    }

    fn render(&self, name: &str, content: &Content) -> Result<String, TemplateError> {
        let err = |e: minijinja::Error| TemplateError {
            name: name.to_owned(),
            reason: e.to_string(),
        };
        self.env
            .get_template(name)
            .map_err(err)?
            .render(Context {
                content,
                address: &self.address,
            })
            .map_err(err)
    }

    /// The mail `kind` in `lang`.
    pub fn mail(
        &self,
        kind: MailKind,
        lang: Lang,
        content: &Content,
    ) -> Result<RenderedMail, TemplateError> {
        let base = format!("{}/{}", lang.code(), kind.as_str());
        let text = self.render(&format!("{base}.txt"), content)?;
        let html_body = self.render(&format!("{base}.html"), content)?;
        let Some((first, rest)) = text.split_once('\n') else {
            return Err(TemplateError {
                name: format!("{base}.txt"),
                reason: "no body".into(),
            });
        };
        let Some(subject) = first.strip_prefix("Subject: ") else {
            return Err(TemplateError {
                name: format!("{base}.txt"),
                reason: "the first line is not `Subject: …`".into(),
            });
        };
        let subject = subject.trim().to_owned();
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family:sans-serif;max-width:40em\">\n{}</body></html>\n",
            lang.code(),
            minijinja::HtmlEscape(&subject),
            html_body
        );
        Ok(RenderedMail {
            subject,
            text: rest.trim_start_matches('\n').to_owned(),
            html,
        })
    }

    /// The text message `kind` in `lang`; the values it writes are defanged
    /// so that none reads as a link, and the result is checked.
    pub fn sms(
        &self,
        kind: SmsKind,
        lang: Lang,
        content: &Content,
    ) -> Result<String, TemplateError> {
        let mut safe = content.clone();
        safe.identifier = defang(&safe.identifier);
        safe.org = safe.org.as_deref().map(defang);
        for b in &mut safe.breaches {
            b.title = defang(&b.title);
            b.classes = b.classes.iter().map(|c| defang(c)).collect();
        }
        safe.link = None;
        safe.unsubscribe = None;
        let name = format!("{}/{}.txt", lang.code(), kind.as_str());
        let text = self.render(&name, &safe)?.trim().to_owned();
        if looks_like_link(&text) {
            return Err(TemplateError {
                name,
                reason: "the text message would hold a link".into(),
            });
        }
        Ok(text)
    }
}
