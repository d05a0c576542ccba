//! Who is calling: the client address (from the connection; never logged) and
//! the API key a request carries (`hibp-api-key` for the HIBP API,
//! `Authorization: Bearer` or `hibp-api-key` for the native API), and the
//! operator token of the operator endpoints.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

/// The client's address: the connection's peer, or behind a trusted proxy
/// the address it passed on (`crate::proxy`), set once per request by the
/// connection's service.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(client) = parts.extensions.get::<ClientAddr>() {
            return Ok(*client);
        }
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientAddr(ip))
    }
}

/// The header HIBP clients send their key in.
pub const HIBP_API_KEY: &str = "hibp-api-key";

/// The API key text of a request, if it carries one (empty values count as
/// none).
pub fn api_key_from(headers: &HeaderMap, allow_bearer: bool) -> Option<String> {
    if let Some(v) = headers.get(HIBP_API_KEY).and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        if !v.is_empty() {
            return Some(v.to_owned());
        }
    }
    if allow_bearer {
        let auth = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())?;
        let (scheme, token) = auth.trim().split_once(' ')?;
        if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
            return Some(token.trim().to_owned());
        }
    }
    None
}

/// The SHA-256 of an operator token, as configured.
#[derive(Clone, PartialEq, Eq)]
pub struct OpsToken([u8; 32]);

impl std::fmt::Debug for OpsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpsToken(…)")
    }
}

impl OpsToken {
    /// Minimum length of a token (hex of 16 random bytes is 32).
    pub const MIN_LEN: usize = 32;

    /// The token from its text (trimmed); `None` when it is too short to be
    /// a secret.
    pub fn new(token: &str) -> Option<OpsToken> {
        let token = token.trim();
        (token.len() >= Self::MIN_LEN).then(|| OpsToken(Sha256::digest(token.as_bytes()).into()))
    }

    /// Whether `presented` is this token. Digests are compared, so the time
    /// taken says nothing about the token's bytes.
    pub(crate) fn matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.trim().as_bytes()).into();
        digest
            .iter()
            .zip(self.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}
