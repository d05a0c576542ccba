//! HIBP's domain search with an organisation's API key (`docs/ORGS.md`):
//! `breacheddomain/{domain}` (alias → breach names, for the watched
//! addresses of one of the organisation's proved domains), `subscribeddomains`
//! and `subscription/status`, as the npm `hibp` client's `breachedDomain`,
//! `subscribedDomains` and `subscriptionStatus` call them.
//!
//! A missing or invalid key answers 401 with HIBP's texts; a valid key that
//! belongs to no organisation, or a domain the organisation has not proved
//! (never proved, lapsed, or another organisation's), 403; a proved domain
//! with nobody in a breach, 404.

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
async fn organisation(state: &AppState, headers: &HeaderMap) -> Result<ApiOrg, Response> {
    let Some(orgs) = state.service.orgs() else {
        return Err(HibpError::NotFound.into_response());
    };
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
    match orgs.org_for_key(info.id).await {
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

pub async fn breached_domain(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(domain): Path<String>,
) -> Response {
    let org = match organisation(&state, &headers).await {
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

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SubscribedDomainDto {
    domain_name: String,
    pwn_count: Option<usize>,
    pwn_count_excluding_spam_lists: Option<usize>,
    pwn_count_excluding_spam_lists_at_last_subscription_renewal: Option<usize>,
    next_subscription_renewal: Option<String>,
}

pub async fn subscribed_domains(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let org = match organisation(&state, &headers).await {
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

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SubscriptionStatusDto {
    subscription_name: String,
    description: String,
    subscribed_until: String,
    rpm: u64,
    domain_search_max_breached_accounts: usize,
    includes_stealer_logs: bool,
}

pub async fn subscription_status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let org = match organisation(&state, &headers).await {
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
