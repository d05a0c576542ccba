//! Requests made by other sites. Review finding: a cross-site `text/plain`
//! POST to the private check was processed, and the check form had no
//! defence, so any website could spend its visitors' budgets (and, with
//! owner-only mail, make them submit checks of a victim's address).
//!
//! - [`cross_site`] and [`guarded`], applied to every request by
//!   `crate::middleware::refuse_cross_site`: every state-changing or
//!   budget-spending request (any method but GET, HEAD and OPTIONS; and
//!   HIBP's `breachedaccount`) a browser marks as coming from elsewhere is refused with 403. Browsers
//!   send `Sec-Fetch-Site` (only `same-origin` and `none`, a person typing
//!   or bookmarking, pass); older ones `Origin`, which must name this host.
//!   Requests with neither (curl, HIBP clients, servers) are not a browser
//!   acting for somebody and pass.
//! - [`FormToken`]: the check form carries a token bound to a cookie
//!   (signed double submit: the field is an HMAC, under a key derived from
//!   the server key, of a random cookie value), so a form posted from
//!   elsewhere fails even where the headers above are missing.

use axum::http::{header, HeaderMap, HeaderValue, Method};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Why a request counts as cross-site, if it does.
pub fn cross_site(headers: &HeaderMap) -> Option<&'static str> {
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.to_str().map(str::trim) {
            Ok("same-origin") | Ok("none") => None,
            _ => Some("Sec-Fetch-Site says the request comes from another site"),
        };
    }
    let origin = headers.get(header::ORIGIN)?;
    let Ok(origin) = origin.to_str() else {
        return Some("unreadable Origin");
    };
    // `null` (sandboxed frames, privacy-sensitive redirects) is elsewhere.
    let Some((_, authority)) = origin.trim().split_once("://") else {
        return Some("Origin is not this site");
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::trim);
    match host {
        Some(host) if host.eq_ignore_ascii_case(authority.trim_end_matches('/')) => None,
        _ => Some("Origin is not this site"),
    }
}

/// Whether `method` on `path` changes state or spends a budget.
pub(crate) fn guarded(method: &Method, path: &str) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || path.starts_with("/api/v3/breachedaccount/")
}

/// The name of the cookie the form token is bound to.
pub const COOKIE: &str = "lekradar_form";

/// Issues and checks the check form's token.
#[derive(Clone)]
pub struct FormToken {
    secret: [u8; 32],
}

impl std::fmt::Debug for FormToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormToken(…)")
    }
}

/// A token for one form: the field's value, and the cookie to set when the
/// request did not already carry one.
pub struct Issued {
    pub field: String,
    pub set_cookie: Option<HeaderValue>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl FormToken {
    pub fn new(secret: [u8; 32]) -> FormToken {
        FormToken { secret }
    }

    fn mac(&self, cookie: &str) -> Hmac<Sha256> {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(b"lekradar:v1:form:");
        mac.update(cookie.as_bytes());
        mac
    }

    fn field_for(&self, cookie: &str) -> String {
        hex(&self.mac(cookie).finalize().into_bytes()[..16])
    }

    /// The cookie value this request carries, when well formed.
    fn cookie(headers: &HeaderMap) -> Option<&str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == COOKIE)
            .map(|(_, v)| v)
            .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// The token for a form shown in answer to a request with `headers`.
    pub fn issue(&self, headers: &HeaderMap) -> Issued {
        if let Some(cookie) = Self::cookie(headers) {
            return Issued {
                field: self.field_for(cookie),
                set_cookie: None,
            };
        }
        let cookie = hex(&rand::random::<[u8; 16]>());
        let set_cookie = HeaderValue::from_str(&format!(
            "{COOKIE}={cookie}; Path=/; SameSite=Lax; HttpOnly"
        ))
        .ok();
        Issued {
            field: self.field_for(&cookie),
            set_cookie,
        }
    }

    /// The form token of a signed-in organisation session: bound to the
    /// session's cookie value, so a form works only in its own session.
    pub fn session_field(&self, session: &str) -> String {
        let mut mac = self.mac("");
        mac.update(b"|org-session:");
        mac.update(session.as_bytes());
        hex(&mac.finalize().into_bytes()[..16])
    }

    /// Whether `field` is the form token of `session`.
    pub fn verify_session(&self, session: &str, field: &str) -> bool {
        let expected = self.session_field(session);
        // Constant time: both are 32 hex digits.
        expected.len() == field.len()
            && expected
                .bytes()
                .zip(field.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// Whether `field` is the token of the cookie this request carries.
    pub fn verify(&self, headers: &HeaderMap, field: &str) -> bool {
        let Some(cookie) = Self::cookie(headers) else {
            return false;
        };
        let Some(presented) = (field.len() == 32)
            .then(|| {
                (0..16)
                    .map(|i| u8::from_str_radix(field.get(2 * i..2 * i + 2)?, 16).ok())
                    .collect::<Option<Vec<u8>>>()
            })
            .flatten()
        else {
            return false;
        };
        self.mac(cookie).verify_truncated_left(&presented).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn what_counts_as_cross_site() {
        assert!(cross_site(&headers(&[])).is_none(), "no browser headers");
        assert!(cross_site(&headers(&[("sec-fetch-site", "same-origin")])).is_none());
        assert!(cross_site(&headers(&[("sec-fetch-site", "none")])).is_none());
        for site in ["cross-site", "same-site", "bogus"] {
            assert!(cross_site(&headers(&[("sec-fetch-site", site)])).is_some());
        }
        let host = ("host", "lekradar.test:8080");
        assert!(cross_site(&headers(&[host, ("origin", "http://lekradar.test:8080")])).is_none());
        assert!(cross_site(&headers(&[host, ("origin", "https://lekradar.test:8080")])).is_none());
        for origin in [
            "http://evil.example",
            "http://lekradar.test",
            "http://lekradar.test:8081",
            "null",
        ] {
            assert!(
                cross_site(&headers(&[host, ("origin", origin)])).is_some(),
                "{origin}"
            );
        }
        // Sec-Fetch-Site wins over Origin.
        assert!(cross_site(&headers(&[
            host,
            ("origin", "http://lekradar.test:8080"),
            ("sec-fetch-site", "cross-site")
        ]))
        .is_some());
    }

    #[test]
    fn a_token_is_bound_to_its_cookie_and_key() {
        let tokens = FormToken::new([7; 32]);
        let first = tokens.issue(&headers(&[]));
        let cookie = first.set_cookie.unwrap();
        let value = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let with_cookie = headers(&[("cookie", &format!("lang=en; {value}"))]);
        assert!(tokens.verify(&with_cookie, &first.field));
        // The same cookie gets the same token, and no new cookie.
        let again = tokens.issue(&with_cookie);
        assert_eq!(again.field, first.field);
        assert!(again.set_cookie.is_none());
        // Another cookie, no cookie, a forged field or another key: refused.
        let other = headers(&[("cookie", "lekradar_form=00000000000000000000000000000000")]);
        assert!(!tokens.verify(&other, &first.field));
        assert!(!tokens.verify(&headers(&[]), &first.field));
        assert!(!tokens.verify(&with_cookie, &"0".repeat(32)));
        assert!(!tokens.verify(&with_cookie, ""));
        assert!(!tokens.verify(&with_cookie, "é"));
        assert!(!FormToken::new([8; 32]).verify(&with_cookie, &first.field));
    }

    #[test]
    fn a_session_token_is_bound_to_its_session() {
        let tokens = FormToken::new([7; 32]);
        let field = tokens.session_field("session-a");
        assert!(tokens.verify_session("session-a", &field));
        assert!(!tokens.verify_session("session-b", &field));
        assert!(!tokens.verify_session("session-a", ""));
        assert!(!FormToken::new([8; 32]).verify_session("session-a", &field));
        // Not the same as the anonymous form's token of that cookie value.
        assert_ne!(field, tokens.field_for("session-a"));
    }
}
