//! The private check's routes (`/api/v1/private`, docs/PRIVATE-CHECK.md):
//! the client blinds its identifier (RFC 9497, ristretto255-SHA512) and
//! sends the blinded element with a prefix of its bucket; the server
//! evaluates the element without learning it (with a DLEQ proof in VOPRF
//! mode) and returns every entry of that bucket prefix. The server learns
//! the bucket prefix only.
//!
//! The messages are `lekradar-private`'s, the work and the policy
//! `lekradar-service`'s; this module reads requests and writes responses.
//! Every evaluation draws on the same budgets as a direct check; bucket
//! downloads are catalogue reads and cacheable (ETag, Cache-Control).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lekradar_prf::ELEMENT_LEN;
use lekradar_private::{CheckRequest, Prefix, WireError};
use lekradar_service::private::PrivateError;
use lekradar_service::Interface;

use crate::auth::ClientAddr;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/config", get(config))
        .route("/evaluate", post(evaluate))
        .route("/buckets/{bits}/{prefix}", get(bucket))
        .route("/check", post(check))
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

impl From<PrivateError> for ApiError {
    fn from(e: PrivateError) -> ApiError {
        match e {
            PrivateError::Refused(refusal) => refusal.into(),
            e @ PrivateError::PrefixOutOfBounds { .. } => bad("invalid_prefix", e.to_string()),
            e @ PrivateError::InvalidElement => bad("invalid_element", e.to_string()),
        }
    }
}

/// A malformed message; a prefix longer than a bucket is outside any
/// index's bounds, and said so with the current ones.
fn wire_error(state: &AppState, e: WireError) -> ApiError {
    if let WireError::PrefixLength(_) = e {
        let (_, catalogue) = state.service.snapshot();
        let bounds = state.service.private_bounds(&catalogue);
        return PrivateError::PrefixOutOfBounds {
            min: bounds.min,
            max: bounds.max,
        }
        .into();
    }
    let code = match e {
        WireError::Length { .. } | WireError::Truncated { .. } => "invalid_length",
        WireError::Version(_) => "invalid_version",
        _ => "invalid_prefix",
    };
    bad(code, e.to_string())
}

/// The API key a request carries (`Authorization: Bearer` or `hibp-api-key`).
fn api_key(headers: &HeaderMap) -> Option<String> {
    crate::native::api_key(headers)
}

/// Binary messages must say so: a cross-site form can send `text/plain`
/// without the browser asking first, `application/octet-stream` it cannot.
fn octet_stream(headers: &HeaderMap) -> Result<(), ApiError> {
    let ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/octet-stream"));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the message with Content-Type: application/octet-stream",
        ))
    }
}

fn binary(body: Vec<u8>, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/v1/private/config", tag = "private",
    responses(
        (status = 200, description = "Ciphersuite, mode, public key, bucket prefix lengths, entry derivation and the breaches", body = lekradar_private::PrivateConfig),
        (status = 429, description = "Too many requests", body = crate::error::ErrorBody),
    ))]
pub async fn config(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
) -> Result<Response, ApiError> {
    state.service.read_budget(ip).map_err(ApiError::limited)?;
    let mut response = Json(state.service.private_config()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

#[utoipa::path(post, path = "/api/v1/private/evaluate", tag = "private",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The 32-byte blinded element"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Evaluated element (32 bytes), then in VOPRF mode the DLEQ proof (64 bytes)", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 400, description = "Not a 32-byte valid element", body = crate::error::ErrorBody),
        (status = 415, description = "Not sent as application/octet-stream", body = crate::error::ErrorBody),
        (status = 401, description = "Unknown API key", body = crate::error::ErrorBody),
        (status = 403, description = "The server is in owner-only mode and no API key was given", body = crate::error::ErrorBody),
        (status = 429, description = "A budget ran out", body = crate::error::ErrorBody),
    ))]
pub async fn evaluate(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    octet_stream(&headers)?;
    if body.len() != ELEMENT_LEN {
        return Err(bad(
            "invalid_length",
            format!("send exactly {ELEMENT_LEN} bytes: the blinded element"),
        ));
    }
    let service = &state.service;
    let admitted = service
        .admit(Interface::Private, ip, api_key(&headers).as_deref())
        .await?;
    let evaluation = service.private_evaluate(&admitted, &body).await?;
    Ok(binary(evaluation.encode(), "no-store"))
}

#[utoipa::path(get, path = "/api/v1/private/buckets/{bits}/{prefix}", tag = "private",
    security((), ("bearer" = [])),
    params(
        ("bits" = u32, Path, description = "Prefix length, from minBucketBits to bucketBits"),
        ("prefix" = String, Path, description = "The first `bits` bits of the bucket (SHA-256 of the PRF input), as a hexadecimal number"),
    ),
    responses(
        (status = 200, description = "The bucket: version, bits, prefix (3 bytes), generation (u64), count (u32), then count × (tag 8, sealed class word 4), sorted by tag", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Bad prefix", body = crate::error::ErrorBody),
        (status = 401, description = "Unknown API key", body = crate::error::ErrorBody),
        (status = 403, description = "The server is in owner-only mode and no API key was given", body = crate::error::ErrorBody),
        (status = 429, description = "Too many requests", body = crate::error::ErrorBody),
    ))]
pub async fn bucket(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path((bits, prefix)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let service = &state.service;
    service.read_budget(ip).map_err(ApiError::limited)?;
    service
        .identify(Interface::Private, ip, api_key(&headers).as_deref())
        .await?;
    let bits: u32 = bits
        .parse()
        .map_err(|_| bad("invalid_prefix", "the prefix length is not a number"))?;
    let value = u32::from_str_radix(&prefix, 16)
        .ok()
        .filter(|_| prefix.len() <= 6)
        .ok_or_else(|| {
            bad(
                "invalid_prefix",
                "the prefix is not a hexadecimal number of at most 6 digits",
            )
        })?;
    let prefix = Prefix::new(bits, value).map_err(|e| wire_error(&state, e))?;
    let generation = service.private_bucket_generation(prefix)?;
    // The opt-outs in force are part of what a bucket holds.
    let optouts = service.opt_outs_version();
    let etag = format!("\"g{generation}-o{optouts:x}-{bits}-{value:x}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            response.headers_mut().insert(header::ETAG, v);
        }
        return Ok(response);
    }
    let bucket = service.private_bucket(prefix)?;
    let etag = format!("\"g{}-o{optouts:x}-{bits}-{value:x}\"", bucket.generation);
    let mut response = binary(bucket.encode(), "public, max-age=60");
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}

#[utoipa::path(post, path = "/api/v1/private/check", tag = "private",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "version (1), bits (u8), prefix (3 bytes, big-endian), blinded element (32): 37 bytes"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "version, mode (0 oprf, 1 voprf), evaluated element (32), proof (64, VOPRF only), then the bucket message", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 400, description = "Malformed request, or a prefix length outside the current bounds", body = crate::error::ErrorBody),
        (status = 415, description = "Not sent as application/octet-stream", body = crate::error::ErrorBody),
        (status = 401, description = "Unknown API key", body = crate::error::ErrorBody),
        (status = 403, description = "The server is in owner-only mode and no API key was given", body = crate::error::ErrorBody),
        (status = 429, description = "A budget ran out", body = crate::error::ErrorBody),
    ))]
pub async fn check(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    octet_stream(&headers)?;
    let request = CheckRequest::decode(&body).map_err(|e| wire_error(&state, e))?;
    let service = &state.service;
    let admitted = service
        .admit(Interface::Private, ip, api_key(&headers).as_deref())
        .await?;
    let answer = service.private_check(&admitted, &request).await?;
    Ok(binary(answer.encode(), "no-store"))
}
