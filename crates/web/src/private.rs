//! The private check (`/api/v1/private`, docs/PRIVATE-CHECK.md): the client
//! blinds its identifier (RFC 9497, ristretto255-SHA512) and sends the
//! blinded element with a prefix of its bucket; the server evaluates the
//! element without learning it (with a DLEQ proof in VOPRF mode) and returns
//! every entry of that bucket prefix — per-breach tags and sealed class
//! words, sorted by tag, so they say nothing about anybody beyond their
//! count (equal tags: one person's records in one breach, in segment order).
//! The client unblinds, derives its tag and pads per breach and looks for
//! itself. The server learns the bucket prefix only.
//!
//! Every evaluation draws on the same budgets as a direct check; bucket
//! downloads are catalogue reads and cacheable (ETag, Cache-Control).
//!
//! The prefix lengths a client may ask are bounded by the number of entries
//! served ([`prefix_bounds`]): at the longest, a bucket holds on average at
//! least [`MIN_OCCUPANCY`] entries, so one person's entries are lost in its
//! natural variation. Review finding: with 3 602 entries at 16 bits a bucket
//! was empty unless it held a member (40 of 40 members' buckets non-empty,
//! 2 of 40 non-members'), a free membership oracle.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lekradar_index::Snapshot;
use lekradar_prf::{Mode, ELEMENT_LEN};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::ClientAddr;
use crate::catalogue::Catalogue;
use crate::native::ApiError;
use crate::state::AppState;

/// Version byte of the binary messages.
pub const WIRE_VERSION: u8 = 1;
/// Bytes of one bucket entry: tag (8) and sealed class word (4).
pub const ENTRY_BYTES: usize = 12;
/// Bytes of a bucket message before its entries.
pub const BUCKET_HEADER: usize = 1 + 1 + 3 + 8 + 4;
/// Bytes of a check request: version, bits, prefix (3), blinded element.
pub const CHECK_REQUEST: usize = 1 + 1 + 3 + ELEMENT_LEN;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/config", get(config))
        .route("/evaluate", post(evaluate))
        .route("/buckets/{bits}/{prefix}", get(bucket))
        .route("/check", post(check))
}

/// How a breach's entries are derived, for clients.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryDerivation {
    /// `HKDF-SHA512`.
    pub kdf: &'static str,
    /// The HKDF salt, as text.
    pub salt: &'static str,
    /// What the HKDF info is: the breach's name, UTF-8.
    pub info: &'static str,
    pub tag_bytes: usize,
    pub pad_bytes: usize,
    /// The pads of later entries under one tag (in the bucket's order).
    pub later_entries: &'static str,
}

/// A breach a private check can find.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivateBreach {
    pub name: String,
    pub title: String,
    pub kind: String,
    #[schema(format = Date)]
    pub breach_date: String,
    /// Bit `i` of an unsealed class word is `dataClasses[i]`.
    pub data_classes: Vec<String>,
}

/// Everything a client needs before its first private check.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivateConfig {
    /// Version of the binary messages (1).
    pub version: u8,
    /// `ristretto255-SHA512`.
    pub ciphersuite: &'static str,
    /// `voprf` (verifiable, with a DLEQ proof) or `oprf` (base).
    pub mode: &'static str,
    /// Compressed ristretto255 public key, hex, to verify proofs against
    /// (pin it; `null` in base mode).
    pub public_key: Option<String>,
    pub key_id: String,
    /// The longest bucket prefix the server accepts, which clients should
    /// use: chosen from the entries served so that a bucket holds at least
    /// `minOccupancy` entries on average (0 for a small index: one bucket).
    pub bucket_bits: u32,
    /// The shortest prefix the server accepts (larger buckets, more privacy).
    pub min_bucket_bits: u32,
    /// The least average number of entries per bucket at `bucketBits`.
    pub min_occupancy: u64,
    /// Prefix of every PRF input: `lekradar:v1:phone:+31612345678`.
    pub input_prefix: &'static str,
    pub entry: EntryDerivation,
    /// The index generation the breaches and buckets belong to.
    pub generation: u64,
    pub breaches: Vec<PrivateBreach>,
}

/// Default bound on the bucket prefix length (`--private-bucket-bits`).
pub const DEFAULT_BUCKET_BITS: u32 = 16;
/// The shortest prefix a client may ask when the index is large enough; it
/// bounds the size of an answer (below it for small indexes, see
/// [`prefix_bounds`]).
pub const MIN_BUCKET_BITS: u32 = 12;
/// The least average number of entries in a bucket of the longest prefix
/// served. One person has one entry per breach they are in (more when a
/// later file told more about them); against a count that varies by about
/// the square root of this (±11), a handful of entries is noise: the counts
/// of members' and non-members' buckets differ by at most ≈ k/√(2π·128)
/// ≈ 0.035·k in total variation for a person with k entries.
pub const MIN_OCCUPANCY: u64 = 128;

/// The prefix lengths a private check may ask of an index serving `served`
/// entries, with `--private-bucket-bits` = `configured`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixBounds {
    pub min: u32,
    pub max: u32,
}

/// The longest prefix at which a bucket holds at least [`MIN_OCCUPANCY`]
/// entries on average (never more than `configured`; 0, one bucket for the
/// whole index, when even that is too few), and the shortest: the floor
/// [`MIN_BUCKET_BITS`], or the longest when that is shorter.
pub fn prefix_bounds(served: u64, configured: u32) -> PrefixBounds {
    let mut max = 0;
    while max < configured.min(lekradar_prf::BUCKET_BITS) && served >> (max + 1) >= MIN_OCCUPANCY {
        max += 1;
    }
    PrefixBounds {
        min: max.min(MIN_BUCKET_BITS),
        max,
    }
}

fn bounds_of(state: &AppState, catalogue: &Catalogue) -> PrefixBounds {
    prefix_bounds(
        catalogue.private_entries(),
        state.config.private_bucket_bits,
    )
}

fn mode_name(mode: Mode) -> &'static str {
    mode.as_str()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The breaches a private check answers for: active, not sensitive.
fn private_breaches(
    catalogue: &Catalogue,
) -> impl Iterator<Item = &std::sync::Arc<crate::catalogue::Breach>> {
    catalogue.all().iter().filter(|b| b.listable_for_accounts())
}

#[utoipa::path(get, path = "/api/v1/private/config", tag = "private",
    responses(
        (status = 200, description = "Ciphersuite, mode, public key, bucket prefix lengths, entry derivation and the breaches", body = PrivateConfig),
        (status = 429, description = "Too many requests", body = crate::native::dto::ErrorBody),
    ))]
pub async fn config(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
) -> Result<Response, ApiError> {
    state.budgets.read(ip).map_err(ApiError::limited)?;
    let (snapshot, catalogue) = state.snapshot();
    let mode = state.key.mode();
    let bounds = bounds_of(&state, &catalogue);
    let body = PrivateConfig {
        version: WIRE_VERSION,
        ciphersuite: "ristretto255-SHA512",
        mode: mode_name(mode),
        public_key: (mode == Mode::Voprf).then(|| hex(&state.key.public_key())),
        key_id: state.key.key_id(),
        bucket_bits: bounds.max,
        min_bucket_bits: bounds.min,
        min_occupancy: MIN_OCCUPANCY,
        input_prefix: lekradar_normalize::PRF_INPUT_PREFIX,
        entry: EntryDerivation {
            kdf: "HKDF-SHA512",
            salt: "lekradar:v1:entry",
            info: "breach name",
            tag_bytes: lekradar_index::TAG_LEN,
            pad_bytes: lekradar_prf::PAD_LEN,
            later_entries: "entry n >= 1 of a tag: pad = HKDF-Expand(info = breach name || 0x00 || n as u32 big-endian), 4 bytes little-endian",
        },
        generation: snapshot.generation(),
        breaches: private_breaches(&catalogue)
            .map(|b| PrivateBreach {
                name: b.meta.name.clone(),
                title: b.meta.title.clone(),
                kind: b.meta.kind.as_str().to_owned(),
                breach_date: b.meta.breach_date.format("%Y-%m-%d").to_string(),
                data_classes: b.meta.data_classes.clone(),
            })
            .collect(),
    };
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

/// Draws one evaluation from the caller's budget (its key's, else its
/// address's) and the global one.
async fn draw(state: &AppState, ip: std::net::IpAddr, headers: &HeaderMap) -> Result<(), ApiError> {
    let key = crate::native::check_key(state, headers).await?;
    match state.draw_check(key.as_ref(), ip).await {
        Ok(()) => Ok(()),
        Err(crate::state::DrawError::Limited(d)) => {
            state.metrics.check("private", "limited");
            state.metrics.limited(d.budget.as_str());
            Err(ApiError::limited(d))
        }
        Err(crate::state::DrawError::Unavailable) => Err(ApiError::unavailable()),
    }
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
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

/// The server's step on a blinded element: evaluated element, then the
/// proof in VOPRF mode.
fn evaluate_element(state: &AppState, blinded: &[u8]) -> Result<Vec<u8>, ApiError> {
    let (evaluated, proof) = state.key.blind_evaluate(blinded).map_err(|_| {
        bad(
            "invalid_element",
            "the blinded element is not a valid ristretto255 point",
        )
    })?;
    let mut out = evaluated;
    out.extend_from_slice(&proof);
    Ok(out)
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

#[utoipa::path(post, path = "/api/v1/private/evaluate", tag = "private",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The 32-byte blinded element"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Evaluated element (32 bytes), then in VOPRF mode the DLEQ proof (64 bytes)", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 400, description = "Not a 32-byte valid element", body = crate::native::dto::ErrorBody),
        (status = 415, description = "Not sent as application/octet-stream", body = crate::native::dto::ErrorBody),
        (status = 401, description = "Unknown API key", body = crate::native::dto::ErrorBody),
        (status = 403, description = "The server is in owner-only mode and no API key was given", body = crate::native::dto::ErrorBody),
        (status = 429, description = "A budget ran out", body = crate::native::dto::ErrorBody),
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
    draw(&state, ip, &headers).await?;
    let out = evaluate_element(&state, &body)?;
    state.metrics.check("private", "evaluated");
    Ok(binary(out, "no-store"))
}

/// Checks a requested prefix length and value against the bounds of the
/// catalogue's generation.
fn prefix_ok(bounds: PrefixBounds, bits: u32, prefix: u32) -> Result<(), ApiError> {
    let PrefixBounds { min, max } = bounds;
    if !(min..=max).contains(&bits) {
        return Err(bad(
            "invalid_prefix",
            format!("prefix length must lie between {min} and {max} bits for this index (GET /api/v1/private/config tells the current bounds)"),
        ));
    }
    if prefix >> bits != 0 {
        return Err(bad(
            "invalid_prefix",
            format!("the prefix does not fit in {bits} bits"),
        ));
    }
    Ok(())
}

/// A bucket message: header, then every entry of the prefix, sorted by tag.
pub fn bucket_message(
    snapshot: &Snapshot,
    catalogue: &Catalogue,
    bits: u32,
    prefix: u32,
) -> Vec<u8> {
    let mut entries: Vec<[u8; ENTRY_BYTES]> = Vec::new();
    for b in private_breaches(catalogue) {
        let Some(view) = snapshot.breach(&b.meta.name) else {
            continue;
        };
        for segment in view.segments() {
            // Format 1 holds clear classes under linkable tags: never served.
            if segment.format_version() < 2 {
                continue;
            }
            for e in segment.scan_prefix(prefix, bits) {
                let mut entry = [0u8; ENTRY_BYTES];
                entry[..8].copy_from_slice(e.key.tag());
                entry[8..].copy_from_slice(&e.classes.to_le_bytes());
                entries.push(entry);
            }
        }
    }
    // By tag, and for equal tags (the entries of one identifier in one
    // breach) in segment order: a client unseals the n-th with pad n.
    // A stable sort keeps the order they were gathered in.
    entries.sort_by(|a, b| a[..8].cmp(&b[..8]));
    let mut out = Vec::with_capacity(BUCKET_HEADER + entries.len() * ENTRY_BYTES);
    out.push(WIRE_VERSION);
    out.push(bits as u8);
    out.extend_from_slice(&prefix.to_be_bytes()[1..]);
    out.extend_from_slice(&snapshot.generation().to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for e in &entries {
        out.extend_from_slice(e);
    }
    out
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
        (status = 400, description = "Bad prefix", body = crate::native::dto::ErrorBody),
        (status = 401, description = "Unknown API key", body = crate::native::dto::ErrorBody),
        (status = 403, description = "The server is in owner-only mode and no API key was given", body = crate::native::dto::ErrorBody),
        (status = 429, description = "Too many requests", body = crate::native::dto::ErrorBody),
    ))]
pub async fn bucket(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path((bits, prefix)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.budgets.read(ip).map_err(ApiError::limited)?;
    if state.config.mode == crate::config::Mode::OwnerOnly {
        // Owner-only: only callers the operator gave a key see buckets.
        crate::native::check_key(&state, &headers).await?;
    }
    let bits: u32 = bits
        .parse()
        .map_err(|_| bad("invalid_prefix", "the prefix length is not a number"))?;
    let prefix = u32::from_str_radix(&prefix, 16)
        .ok()
        .filter(|_| prefix.len() <= 6)
        .ok_or_else(|| {
            bad(
                "invalid_prefix",
                "the prefix is not a hexadecimal number of at most 6 digits",
            )
        })?;
    let (snapshot, catalogue) = state.snapshot();
    prefix_ok(bounds_of(&state, &catalogue), bits, prefix)?;
    let etag = format!("\"g{}-{bits}-{prefix:x}\"", snapshot.generation());
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
    let mut response = binary(
        bucket_message(&snapshot, &catalogue, bits, prefix),
        "public, max-age=60",
    );
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
        (status = 400, description = "Malformed request, or a prefix length outside the current bounds", body = crate::native::dto::ErrorBody),
        (status = 415, description = "Not sent as application/octet-stream", body = crate::native::dto::ErrorBody),
        (status = 401, description = "Unknown API key", body = crate::native::dto::ErrorBody),
        (status = 403, description = "The server is in owner-only mode and no API key was given", body = crate::native::dto::ErrorBody),
        (status = 429, description = "A budget ran out", body = crate::native::dto::ErrorBody),
    ))]
pub async fn check(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    octet_stream(&headers)?;
    if body.len() != CHECK_REQUEST {
        return Err(bad(
            "invalid_length",
            format!("send exactly {CHECK_REQUEST} bytes: version, bits, prefix (3), blinded element (32)"),
        ));
    }
    if body[0] != WIRE_VERSION {
        return Err(bad(
            "invalid_version",
            format!("message version {} is not {WIRE_VERSION}", body[0]),
        ));
    }
    let bits = u32::from(body[1]);
    let prefix = u32::from_be_bytes([0, body[2], body[3], body[4]]);
    // One snapshot for the bounds and the bucket.
    let (snapshot, catalogue) = state.snapshot();
    prefix_ok(bounds_of(&state, &catalogue), bits, prefix)?;
    draw(&state, ip, &headers).await?;
    let evaluated = evaluate_element(&state, &body[5..])?;
    let mode = state.key.mode();
    let bucket = bucket_message(&snapshot, &catalogue, bits, prefix);
    let mut out = Vec::with_capacity(2 + evaluated.len() + bucket.len());
    out.push(WIRE_VERSION);
    out.push(match mode {
        Mode::Oprf => 0,
        Mode::Voprf => 1,
    });
    out.extend_from_slice(&evaluated);
    out.extend_from_slice(&bucket);
    state.metrics.check("private", "evaluated");
    Ok(binary(out, "no-store"))
}
