//! The language of a page: `?lang=` (which also sets the `lang` cookie, so
//! the choice sticks), else the `lang` cookie, else `Accept-Language`, else
//! Dutch.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::Response;

use lekradar_l10n::Lang;

/// The page's language and the path the language switch links to.
#[derive(Debug, Clone)]
pub struct PageLang {
    pub lang: Lang,
    /// Whether the language was chosen in this request (set the cookie).
    chosen: bool,
    /// The request path made safe for the language switch's links: always a
    /// path on this site ([`on_site_path`]).
    pub path: String,
    /// What this server offers, for the navigation.
    pub offers: Offers,
}

/// What this server offers people beyond checks, for the navigation (put
/// on every request by the router).
#[derive(Debug, Clone, Copy, Default)]
pub struct Offers {
    /// The alerts pages (mail or SMS configured, not private mode).
    pub alerts: bool,
    /// The organisation pages (mail configured, not private mode).
    pub orgs: bool,
}

/// `raw` (a request path) as a link that stays on this site: empty segments
/// dropped, so it starts with exactly one `/` (`//evil.example/x` would be
/// a link to another host), and every byte outside the unreserved and
/// path-safe characters percent-encoded, the backslash among them (browsers
/// read `/\evil.example` as `//evil.example`).
pub fn on_site_path(raw: &str) -> String {
    const KEEP: &[u8] = b"-._~!$&'()*+,;=:@%";
    let mut out = String::with_capacity(raw.len() + 1);
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || KEEP.contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn from_query(query: Option<&str>) -> Option<Lang> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("lang"))
        .and_then(|(_, v)| v.parse().ok())
}

fn from_cookie(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| v.parse().ok())
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let path = on_site_path(parts.uri.path());
        let offers = parts
            .extensions
            .get::<Offers>()
            .copied()
            .unwrap_or_default();
        if let Some(lang) = from_query(parts.uri.query()) {
            return Ok(PageLang {
                lang,
                chosen: true,
                path,
                offers,
            });
        }
        let lang = from_cookie(parts).unwrap_or_else(|| {
            Lang::negotiate(
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            )
        });
        Ok(PageLang {
            lang,
            chosen: false,
            path,
            offers,
        })
    }
}

impl PageLang {
    /// Remembers a language chosen with `?lang=` for a year.
    pub fn set_cookie(&self, response: &mut Response) {
        if !self.chosen {
            return;
        }
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            self.lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::on_site_path;

    #[test]
    fn links_stay_on_this_site() {
        for (raw, safe) in [
            ("/", "/"),
            ("", "/"),
            ("/breaches/Telco", "/breaches/Telco"),
            ("//evil.example/x", "/evil.example/x"),
            ("///evil.example", "/evil.example"),
            ("/\\evil.example/x", "/%5Cevil.example/x"),
            ("/\\/evil.example", "/%5C/evil.example"),
            ("/a\"b<c>", "/a%22b%3Cc%3E"),
            ("/%2F%2Fevil", "/%2F%2Fevil"),
        ] {
            assert_eq!(on_site_path(raw), safe, "{raw:?}");
            assert!(safe.starts_with('/') && !safe[1..].starts_with(['/', '\\']));
        }
    }
}
