//! HIBP's domain search with an organisation's API key (`docs/ORGS.md`):
//! `breacheddomain/{domain}` (alias → breach names, for the watched
//! addresses of one of the organisation's proved domains), `subscribeddomains`
//! and `subscription/status`, as the npm `hibp` client's `breachedDomain`,
//! `subscribedDomains` and `subscriptionStatus` call them.
//!
//! A missing or invalid key answers 401 with HIBP's texts; a valid key that
//! belongs to no organisation, or a domain the organisation has not proved
//! (never proved, lapsed, or another organisation's), 403; a proved domain
//! with nobody in a breach, 404. Each request draws one from the key's rate
//! budget (an organisation's key: 100 a minute) and the global one; over it,
//! 429 with `retry-after` and HIBP's body.

use crate::auth::ClientAddr;
use crate::hibp::dto::HibpErrorBody;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lekradar_orgs::{ApiOrg, OrgError};
use serde::Serialize;

use super::{HibpError, INVALID_KEY, MISSING_KEY};
use crate::auth::api_key_from;
use crate::state::AppState;

fn forbidden(text: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_owned(),
    )
        .into_response()
}

/// The organisation of the request's key, or the answer to give instead.
async fn organisation(
    state: &AppState,
    ip: std::net::IpAddr,
    headers: &HeaderMap,
) -> Result<ApiOrg, Response> {
    // The key first, as HIBP: without a valid one, 401 whatever else.
    let Some(secret) = api_key_from(headers, false) else {
        return Err(HibpError::Unauthorized(MISSING_KEY).into_response());
    };
    let info = match state.service.authenticate(&secret).await {
        Ok(Some(info)) if !info.is_revoked() => info,
        Ok(_) => return Err(HibpError::Unauthorized(INVALID_KEY).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "authenticating an API key failed");
            return Err(HibpError::Unavailable.into_response());
        }
    };
    let Some(orgs) = state.service.orgs() else {
        return Err(HibpError::NotFound.into_response());
    };
    let key_id = info.id;
    state
        .service
        .draw_key(info, ip)
        .await
        .map_err(|refusal| HibpError::from(refusal).into_response())?;
    match orgs.org_for_key(key_id).await {
        Ok(Some(org)) => Ok(org),
        Ok(None) => Err(forbidden(
            "Forbidden — this API key belongs to no organisation; domain searches need an organisation's key.",
        )),
        Err(_) => Err(HibpError::Unavailable.into_response()),
    }
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

#[utoipa::path(
    get,
    path = "/api/v3/breacheddomain/{domain}",
    tag = "hibp",
    params(("domain" = String, Path, description = "One of the organisation's proved domains")),
    security(("hibp-api-key" = [])),
    responses(
        (status = 200, description = "Alias (the part before the @) of each watched address at the domain that a breach holds → the names of those breaches", body = std::collections::BTreeMap<String, Vec<String>>),
        (status = 401, description = "Missing or invalid hibp-api-key", body = String, content_type = "text/plain"),
        (status = 403, description = "The key belongs to no organisation, or the domain is not proved by its organisation", body = String, content_type = "text/plain"),
        (status = 404, description = "Nobody watched at the domain is in a breach (empty body), or organisations are not offered here"),
        (status = 429, description = "The key's rate budget is spent; see retry-after", body = HibpErrorBody),
        (status = 503, description = "The store is unavailable", body = String, content_type = "text/plain"),
    )
)]
pub async fn breached_domain(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Path(domain): Path<String>,
) -> Response {
    let org = match organisation(&state, ip, &headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(orgs) = state.service.orgs() else {
        return HibpError::NotFound.into_response();
    };
    match orgs.breached_domain(&org, &domain).await {
        Ok(found) if found.is_empty() => HibpError::NotFound.into_response(),
        Ok(found) => no_store(Json(&*found).into_response()),
        Err(OrgError::DomainNotProved) => {
            forbidden("Forbidden — this domain is not proved by the organisation of this API key.")
        }
        Err(_) => HibpError::Unavailable.into_response(),
    }
}

/// A proved domain of the organisation, as HIBP's `subscribeddomains`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribedDomainDto {
    domain_name: String,
    pwn_count: Option<usize>,
    pwn_count_excluding_spam_lists: Option<usize>,
    pwn_count_excluding_spam_lists_at_last_subscription_renewal: Option<usize>,
    next_subscription_renewal: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v3/subscribeddomains",
    tag = "hibp",
    security(("hibp-api-key" = [])),
    responses(
        (status = 200, description = "Each proved domain with how many watched addresses there a breach holds", body = [SubscribedDomainDto]),
        (status = 401, description = "Missing or invalid hibp-api-key", body = String, content_type = "text/plain"),
        (status = 403, description = "The key belongs to no organisation", body = String, content_type = "text/plain"),
        (status = 404, description = "Organisations are not offered here"),
        (status = 429, description = "The key's rate budget is spent; see retry-after", body = HibpErrorBody),
        (status = 503, description = "The store is unavailable", body = String, content_type = "text/plain"),
    )
)]
pub async fn subscribed_domains(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let org = match organisation(&state, ip, &headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(orgs) = state.service.orgs() else {
        return HibpError::NotFound.into_response();
    };
    let is_spam = |name: &str| {
        state
            .service
            .breach_named(name)
            .is_some_and(|b| b.meta.is_spam_list)
    };
    match orgs.subscribed_domains(&org, is_spam).await {
        Ok(domains) => no_store(
            Json(
                domains
                    .into_iter()
                    .map(|d| SubscribedDomainDto {
                        domain_name: d.domain,
                        pwn_count: Some(d.breached),
                        pwn_count_excluding_spam_lists: Some(d.breached_excluding_spam),
                        pwn_count_excluding_spam_lists_at_last_subscription_renewal: Some(
                            d.breached_excluding_spam,
                        ),
                        next_subscription_renewal: None,
                    })
                    .collect::<Vec<_>>(),
            )
            .into_response(),
        ),
        Err(_) => HibpError::Unavailable.into_response(),
    }
}

/// The organisation's "subscription", as HIBP's `subscription/status`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionStatusDto {
    subscription_name: String,
    description: String,
    subscribed_until: String,
    rpm: u64,
    domain_search_max_breached_accounts: usize,
    includes_stealer_logs: bool,
}

#[utoipa::path(
    get,
    path = "/api/v3/subscription/status",
    tag = "hibp",
    security(("hibp-api-key" = [])),
    responses(
        (status = 200, description = "The organisation's domain search: its rate and watchlist cap (no end date)", body = SubscriptionStatusDto),
        (status = 401, description = "Missing or invalid hibp-api-key", body = String, content_type = "text/plain"),
        (status = 403, description = "The key belongs to no organisation", body = String, content_type = "text/plain"),
        (status = 404, description = "Organisations are not offered here"),
        (status = 429, description = "The key's rate budget is spent; see retry-after", body = HibpErrorBody),
        (status = 503, description = "The store is unavailable", body = String, content_type = "text/plain"),
    )
)]
pub async fn subscription_status(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let org = match organisation(&state, ip, &headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(orgs) = state.service.orgs() else {
        return HibpError::NotFound.into_response();
    };
    no_store(
        Json(SubscriptionStatusDto {
            subscription_name: "Lekradar organisation".into(),
            description: format!(
                "Domain search for {} over its proved domains (no end date).",
                org.name
            ),
            subscribed_until: "9999-12-31T23:59:59".into(),
            rpm: 100,
            domain_search_max_breached_accounts: orgs.config().max_entries,
            includes_stealer_logs: false,
        })
        .into_response(),
    )
}
