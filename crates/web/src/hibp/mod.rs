//! Have I Been Pwned API v3 compatibility under `/api/v3`, so existing HIBP
//! clients work by changing their base URL: `breachedaccount/{account}`
//! (emails and phone numbers in any spelling), `breaches`, `breach/{name}`,
//! `latestbreach`, `dataclasses` and `pasteaccount/{account}` (we hold no
//! pastes: always 404).
//!
//! HIBP's conventions kept here: status codes and bodies (404 with an empty
//! body, 401 and 400 with a text body, 429 with `retry-after` and a JSON
//! body), `user-agent` required (403), `hibp-api-key` for account searches,
//! case-insensitive paths (folded in `middleware`) and query names, booleans
//! in any case, `truncateResponse` and `includeUnverified` defaulting to
//! true. Known differences are listed in `docs/API.md`.

pub mod domains;
pub mod dto;

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use lekradar_catalogue::Breach;
use lekradar_l10n::Lang;
use lekradar_normalize::IdentifierKind;
use lekradar_service::{
    read_identifier, CheckOutcome, CheckQuery, Denied, IdentifierError, Interface, Refusal,
};

use crate::auth::{api_key_from, ClientAddr};
use crate::middleware::check_answer;
use crate::state::AppState;
use dto::{AccountBreaches, HibpBreach, HibpBreachName, HibpErrorBody, HibpFlag};

/// The `/api/v3` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/breachedaccount/{account}", get(breached_account))
        .route("/breaches", get(breaches))
        .route("/breach/{name}", get(breach))
        .route("/latestbreach", get(latest_breach))
        .route("/dataclasses", get(data_classes))
        .route("/pasteaccount/{account}", get(paste_account))
        .route("/breacheddomain/{domain}", get(domains::breached_domain))
        .route("/subscribeddomains", get(domains::subscribed_domains))
        .route("/subscription/status", get(domains::subscription_status))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(require_user_agent))
}

pub const MISSING_KEY: &str = "Access denied due to missing hibp-api-key.";
pub const INVALID_KEY: &str = "Access denied due to invalid hibp-api-key.";

/// An HIBP-style error response.
#[derive(Debug)]
pub enum HibpError {
    BadRequest(String),
    Unauthorized(&'static str),
    NotFound,
    TooManyRequests(Denied),
    Unavailable,
    /// Account searches are off (private mode).
    PrivateOnly,
}

impl IntoResponse for HibpError {
    fn into_response(self) -> Response {
        let text = |status: StatusCode, body: String| {
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                body,
            )
                .into_response()
        };
        match self {
            HibpError::BadRequest(reason) => {
                text(StatusCode::BAD_REQUEST, format!("Bad request — {reason}"))
            }
            HibpError::Unauthorized(message) => text(StatusCode::UNAUTHORIZED, message.to_owned()),
            HibpError::NotFound => StatusCode::NOT_FOUND.into_response(),
            HibpError::TooManyRequests(denied) => {
                let secs = denied.retry_after_secs();
                let body = HibpErrorBody {
                    status_code: 429,
                    message: format!("Rate limit is exceeded. Try again in {secs} seconds."),
                };
                let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
                response
            }
            HibpError::PrivateOnly => text(
                StatusCode::FORBIDDEN,
                "Forbidden — this server answers private checks only (see /api/v1/private/config); account searches are off.".to_owned(),
            ),
            HibpError::Unavailable => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service temporarily unavailable; try again shortly.".to_owned(),
            ),
        }
    }
}

/// HIBP refuses requests without a user agent (403).
async fn require_user_agent(request: Request, next: Next) -> Response {
    let has_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.trim().is_empty());
    if !has_agent {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Forbidden — send a user-agent header that names your application.",
        )
            .into_response();
    }
    next.run(request).await
}

async fn not_found() -> HibpError {
    HibpError::NotFound
}

/// Query parameters with HIBP's case-insensitive names.
#[derive(Debug, Default)]
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<&str>) -> Query {
        let raw = raw.unwrap_or("");
        Query(
            form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
                .collect(),
        )
    }

    fn get(&self, lower_name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == lower_name)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean in any case (`true`, `True`, `FALSE`); `default` when absent
    /// or empty.
    fn flag(&self, lower_name: &str, shown: &str, default: bool) -> Result<bool, HibpError> {
        match self.get(lower_name).map(str::trim) {
            None | Some("") => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(HibpError::BadRequest(format!(
                "{shown} must be true or false"
            ))),
        }
    }

    /// The `domain` filter, lower-cased; `None` when absent or empty.
    fn domain(&self) -> Option<String> {
        self.get("domain")
            .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|d| !d.is_empty())
    }
}

impl From<Refusal> for HibpError {
    fn from(refusal: Refusal) -> HibpError {
        match refusal {
            Refusal::PrivateMode => HibpError::PrivateOnly,
            Refusal::NeedsApiKey => HibpError::Unauthorized(MISSING_KEY),
            Refusal::UnknownKey => HibpError::Unauthorized(INVALID_KEY),
            Refusal::Invalid(e) => account_error(e),
            Refusal::EmailOnly => {
                HibpError::BadRequest("the account must be an email address".to_owned())
            }
            Refusal::Limited(denied) => HibpError::TooManyRequests(denied),
            Refusal::Unavailable => HibpError::Unavailable,
        }
    }
}

fn account_error(e: IdentifierError) -> HibpError {
    HibpError::BadRequest(format!(
        "the account does not comply with an acceptable format ({e})"
    ))
}

#[utoipa::path(
    get,
    path = "/api/v3/breachedaccount/{account}",
    tag = "hibp",
    params(
        ("account" = String, Path, description = "An email address or a phone number in any spelling (a `+` stays a `+`)"),
        ("truncateResponse" = Option<HibpFlag>, Query, description = "Names only (default true)"),
        ("includeUnverified" = Option<HibpFlag>, Query, description = "Include unverified breaches (default true)"),
        ("domain" = Option<String>, Query, description = "Only breaches of this domain"),
    ),
    security(("hibp-api-key" = [])),
    responses(
        (status = 200, description = "The breaches holding the account (sensitive and retired ones never)", body = AccountBreaches),
        (status = 400, description = "The account is not an email address or phone number, or a flag is not a boolean", body = String, content_type = "text/plain"),
        (status = 401, description = "Missing or invalid hibp-api-key", body = String, content_type = "text/plain"),
        (status = 403, description = "No user-agent, or a server in private mode", body = String, content_type = "text/plain"),
        (status = 404, description = "The account is in no breach (empty body)"),
        (status = 429, description = "Rate limit exceeded; see retry-after", body = HibpErrorBody),
    )
)]
pub async fn breached_account(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path(account): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, HibpError> {
    let service = &state.service;
    let admitted = service
        .admit(
            Interface::Hibp,
            ip,
            api_key_from(&headers, false).as_deref(),
        )
        .await?;
    let query = Query::parse(raw_query.as_deref());
    let truncate = query.flag("truncateresponse", "truncateResponse", true)?;
    let include_unverified = query.flag("includeunverified", "includeUnverified", true)?;
    let domain = query.domain();
    let keep = |b: &Breach| {
        (include_unverified || b.meta.is_verified)
            && domain
                .as_deref()
                .is_none_or(|d| b.meta.domain.eq_ignore_ascii_case(d))
    };
    let query = CheckQuery {
        text: &account,
        region: service.config().default_region,
        lang: Lang::En,
    };
    let CheckOutcome::OnScreen { exposures, .. } = service.check(&admitted, query, &keep).await?
    else {
        // The policy never sends an HIBP answer by mail.
        return Err(HibpError::Unavailable);
    };
    if exposures.found.is_empty() {
        return Ok(check_answer(HibpError::NotFound.into_response()));
    }
    let breaches = exposures.found.iter().map(|e| &e.breach);
    let response = if truncate {
        let names: Vec<HibpBreachName> = breaches
            .map(|b| HibpBreachName {
                name: b.meta.name.clone(),
            })
            .collect();
        Json(AccountBreaches::Truncated(names)).into_response()
    } else {
        let full: Vec<HibpBreach> = breaches.map(|b| HibpBreach::from(&**b)).collect();
        Json(AccountBreaches::Full(full)).into_response()
    };
    Ok(check_answer(no_store(response)))
}

/// Account answers are personal: never cached by anyone.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn read_budget(state: &AppState, ip: std::net::IpAddr) -> Result<(), HibpError> {
    state
        .service
        .read_budget(ip)
        .map_err(HibpError::TooManyRequests)
}

#[utoipa::path(
    get,
    path = "/api/v3/breaches",
    tag = "hibp",
    params(
        ("domain" = Option<String>, Query, description = "Only breaches of this domain"),
        ("isSpamList" = Option<HibpFlag>, Query, description = "Only spam lists (true) or no spam lists (false)"),
    ),
    responses(
        (status = 200, description = "Every breach, retired ones included", body = [HibpBreach]),
        (status = 400, description = "isSpamList is not a boolean", body = String, content_type = "text/plain"),
        (status = 403, description = "No user-agent", body = String, content_type = "text/plain"),
        (status = 429, description = "Rate limit exceeded", body = HibpErrorBody),
    )
)]
pub async fn breaches(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    RawQuery(raw_query): RawQuery,
) -> Result<Json<Vec<HibpBreach>>, HibpError> {
    read_budget(&state, ip)?;
    let query = Query::parse(raw_query.as_deref());
    let domain = query.domain();
    let spam = match query.get("isspamlist") {
        Some(_) => Some(query.flag("isspamlist", "isSpamList", false)?),
        None => None,
    };
    let (_, catalogue) = state.service.snapshot();
    let list = catalogue
        .all()
        .iter()
        .filter(|b| {
            domain
                .as_deref()
                .is_none_or(|d| b.meta.domain.eq_ignore_ascii_case(d))
        })
        .filter(|b| spam.is_none_or(|s| b.meta.is_spam_list == s))
        .map(|b| HibpBreach::from(&**b))
        .collect();
    Ok(Json(list))
}

#[utoipa::path(
    get,
    path = "/api/v3/breach/{name}",
    tag = "hibp",
    params(
        ("name" = String, Path, description = "The breach's name (case-insensitive)"),
    ),
    responses(
        (status = 200, description = "The breach", body = HibpBreach),
        (status = 403, description = "No user-agent", body = String, content_type = "text/plain"),
        (status = 404, description = "No such breach (empty body)"),
        (status = 429, description = "Rate limit exceeded", body = HibpErrorBody),
    )
)]
pub async fn breach(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Path(name): Path<String>,
) -> Result<Json<HibpBreach>, HibpError> {
    read_budget(&state, ip)?;
    let (_, catalogue) = state.service.snapshot();
    catalogue
        .get(name.trim())
        .map(|b| Json(HibpBreach::from(&**b)))
        .ok_or(HibpError::NotFound)
}

#[utoipa::path(
    get,
    path = "/api/v3/latestbreach",
    tag = "hibp",
    responses(
        (status = 200, description = "The most recently added breach", body = HibpBreach),
        (status = 403, description = "No user-agent", body = String, content_type = "text/plain"),
        (status = 404, description = "No breaches yet (empty body)"),
        (status = 429, description = "Rate limit exceeded", body = HibpErrorBody),
    )
)]
pub async fn latest_breach(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
) -> Result<Json<HibpBreach>, HibpError> {
    read_budget(&state, ip)?;
    let (_, catalogue) = state.service.snapshot();
    catalogue
        .latest()
        .map(|b| Json(HibpBreach::from(&**b)))
        .ok_or(HibpError::NotFound)
}

/// HIBP's data-class vocabulary and every class a breach here uses, sorted.
#[utoipa::path(
    get,
    path = "/api/v3/dataclasses",
    tag = "hibp",
    responses(
        (status = 200, description = "Data-class names, sorted", body = [String]),
        (status = 403, description = "No user-agent", body = String, content_type = "text/plain"),
        (status = 429, description = "Rate limit exceeded", body = HibpErrorBody),
    )
)]
pub async fn data_classes(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
) -> Result<Json<Vec<String>>, HibpError> {
    read_budget(&state, ip)?;
    let (_, catalogue) = state.service.snapshot();
    let mut classes: Vec<String> = lekradar_breach::HIBP_DATA_CLASSES
        .iter()
        .map(|c| (*c).to_owned())
        .chain(
            catalogue
                .all()
                .iter()
                .flat_map(|b| b.meta.data_classes.iter().cloned()),
        )
        .collect();
    classes.sort_by_key(|c| c.to_lowercase());
    classes.dedup();
    Ok(Json(classes))
}

/// We hold no pastes; the endpoint exists so HIBP clients that ask get
/// HIBP's "not found" rather than an error.
#[utoipa::path(
    get,
    path = "/api/v3/pasteaccount/{account}",
    tag = "hibp",
    params(
        ("account" = String, Path, description = "An email address"),
    ),
    security(("hibp-api-key" = [])),
    responses(
        (status = 400, description = "Not an email address", body = String, content_type = "text/plain"),
        (status = 401, description = "Missing or invalid hibp-api-key", body = String, content_type = "text/plain"),
        (status = 403, description = "No user-agent", body = String, content_type = "text/plain"),
        (status = 404, description = "No pastes (Lekradar holds none; empty body)"),
        (status = 429, description = "Rate limit exceeded", body = HibpErrorBody),
    )
)]
pub async fn paste_account(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path(account): Path<String>,
) -> Result<Response, HibpError> {
    state
        .service
        .identify(
            Interface::Hibp,
            ip,
            api_key_from(&headers, false).as_deref(),
        )
        .await?;
    let id =
        read_identifier(&account, state.service.config().default_region).map_err(account_error)?;
    if id.kind() != IdentifierKind::Email {
        return Err(HibpError::BadRequest(
            "pastes are searched by email address only".to_owned(),
        ));
    }
    read_budget(&state, ip)?;
    Err(HibpError::NotFound)
}
