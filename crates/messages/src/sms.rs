//! SMS through Kannel's HTTP `sendsms` interface — the open-source gateway
//! telecoms and CERTs already run, with any SMS centre or provider behind it.
//!
//! Text only, and **never a link**: a text message with a link is what
//! smishing looks like, so [`SmsGateway::send`] refuses any text that looks
//! like one ([`looks_like_link`]) and templates write names that look like
//! domains (`Booking.com`) so that phones do not make them links
//! ([`defang`]).

use std::path::PathBuf;
use std::time::Duration;

use crate::mail::{redact_url, SendError};

/// Where SMS go.
#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// Kannel's sendsms URL with its user, e.g.
    /// `http://127.0.0.1:13013/cgi-bin/sendsms?username=lekradar`; the
    /// password in the URL (`password=`) or in `password_file`.
    pub url: String,
    pub password_file: Option<PathBuf>,
    /// The sender shown on the handset (Kannel's `from`), if the SMS centre
    /// lets it be set.
    pub from: Option<String>,
    pub timeout: Duration,
}

impl SmsConfig {
    pub fn new(url: impl Into<String>) -> SmsConfig {
        SmsConfig {
            url: url.into(),
            password_file: None,
            from: None,
            timeout: Duration::from_secs(15),
        }
    }
}

/// An SMS setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum SmsConfigError {
    #[error("--sms-gateway-url {url:?}: {reason}")]
    Url { url: String, reason: String },
    #[error("SMS gateway password file {path}: {source}")]
    PasswordFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The Kannel client: cheap to clone.
#[derive(Clone)]
pub struct SmsGateway {
    client: reqwest::Client,
    base: reqwest::Url,
    from: Option<String>,
}

impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url", &redact_url(self.base.as_str()))
            .finish()
    }
}

impl SmsGateway {
    pub fn new(config: &SmsConfig) -> Result<SmsGateway, SmsConfigError> {
        let err = |reason: String| SmsConfigError::Url {
            url: redact_url(&config.url),
            reason,
        };
        let mut base = reqwest::Url::parse(&config.url).map_err(|e| err(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(err("the scheme must be http or https".into()));
        }
        if !base.query_pairs().any(|(k, _)| k == "username") {
            return Err(err(
                "no `username=` (Kannel's sendsms-user) in the URL".into()
            ));
        }
        if let Some(path) = &config.password_file {
            let password =
                std::fs::read_to_string(path).map_err(|source| SmsConfigError::PasswordFile {
                    path: path.clone(),
                    source,
                })?;
            let pairs: Vec<(String, String)> = base
                .query_pairs()
                .filter(|(k, _)| k != "password")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            base.query_pairs_mut()
                .clear()
                .extend_pairs(pairs)
                .append_pair("password", password.trim_end());
        }
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| err(e.to_string()))?;
        Ok(SmsGateway {
            client,
            base,
            from: config.from.clone(),
        })
    }

    /// Where SMS go, without the password (for `serve --check`).
    pub fn target(&self) -> String {
        let mut u = self.base.clone();
        u.set_query(None);
        u.to_string()
    }

    /// Hands one text to the gateway; returns when Kannel accepted it.
    pub async fn send(&self, to: &str, text: &str) -> Result<(), SendError> {
        if looks_like_link(text) {
            return Err(SendError::Permanent(
                "refused: the text message holds something that looks like a link".into(),
            ));
        }
        if !to.starts_with('+') || to.len() < 8 || !to[1..].bytes().all(|b| b.is_ascii_digit()) {
            return Err(SendError::Permanent(
                "the recipient is not an E.164 phone number".into(),
            ));
        }
        let mut url = self.base.clone();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("to", to)
                .append_pair("text", text)
                .append_pair("charset", "UTF-8");
            if !gsm_7bit(text) {
                // UCS-2, so that every character arrives as written (70
                // characters per SMS instead of 160).
                q.append_pair("coding", "2");
            }
            if let Some(from) = &self.from {
                q.append_pair("from", from);
            }
        }
        let response = self.client.get(url).send().await.map_err(|e| {
            if e.is_timeout() {
                SendError::Transient("the SMS gateway did not answer in time".into())
            } else {
                SendError::Transient("the SMS gateway could not be reached".into())
            }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let what = format!("the SMS gateway answered {}", status.as_u16());
        if status.is_server_error() || status.as_u16() == 429 {
            Err(SendError::Transient(what))
        } else {
            Err(SendError::Permanent(what))
        }
    }
}

/// Whether `text` holds something a phone would make a link of: a scheme,
/// `www.`, or a dotted name ending in letters (`example.org`).
pub fn looks_like_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("://") || lower.contains("www.") {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    chars
        .windows(3)
        .any(|w| w[0].is_alphanumeric() && w[1] == '.' && w[2].is_alphabetic())
}

/// `value` written so that no phone makes a link of it: a dot between a
/// letter or digit and a letter becomes `[.]` (`Booking[.]com`, the usual
/// way to write a name that must not be followed), in GSM characters.
pub fn defang(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len());
    for (i, &c) in chars.iter().enumerate() {
        let between = i > 0
            && c == '.'
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if between {
            out.push_str("[.]");
        } else {
            out.push(c);
        }
    }
    out.replace("://", " ").replace("www", "w w w")
}

/// Whether `text` is written in the GSM 7-bit alphabet (basic set and
/// extension table), so that Kannel sends it as such, 160 characters per SMS.
pub fn gsm_7bit(text: &str) -> bool {
    const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const EXTENSION: &str = "^{}\\[~]|€";
    text.chars()
        .all(|c| BASIC.contains(c) || EXTENSION.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_alphabet() {
        assert!(gsm_7bit(
            "Votre code : 123456 — é".replace('—', "-").as_str()
        ));
        assert!(gsm_7bit("Booking[.]com"));
        assert!(!gsm_7bit("emoji 😀"));
        assert!(!gsm_7bit("Łódź"));
    }

    #[test]
    fn links_are_recognised_and_defanged_names_are_not_links() {
        for link in [
            "go to https://x.example",
            "www.lekradar.nl",
            "see lekradar.nl now",
            "Booking.com",
            "bit.ly/abc",
        ] {
            assert!(looks_like_link(link), "{link}");
            assert!(!looks_like_link(&defang(link)), "{}", defang(link));
        }
        for text in [
            "Your code: 123456. It expires in 10 minutes.",
            "Lekradar never asks for a code, a password or a payment.",
            "Votre code : 123456 - é",
            "+31612345678 appeared in 1.5 M records.",
        ] {
            assert!(!looks_like_link(text), "{text}");
        }
    }
}
