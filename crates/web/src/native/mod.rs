//! The native API under `/api/v1`: a check that returns each breach with the
//! data classes of *that person's record* and the advice for them, and the
//! breach catalogue with per-country and per-data-class statistics. Every
//! error has one JSON envelope (`crate::error::ErrorBody`).

pub mod dto;
pub mod subscriptions;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lekradar_l10n::Lang;
use lekradar_normalize::{Identifier, Region};
use lekradar_service::advice::{advice_for, country_of_lang, country_of_region};
use lekradar_service::{CheckOutcome, CheckQuery, DeploymentMode, Exposures, Interface, Refusal};
use serde::Deserialize;

use crate::auth::{api_key_from, ClientAddr};
use crate::error::ApiError;
use crate::state::AppState;
use dto::*;

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/check", post(check))
        .route("/subscriptions", post(subscriptions::subscribe))
        .route("/subscriptions/confirm", post(subscriptions::confirm))
        .route(
            "/subscriptions/unsubscribe",
            post(subscriptions::unsubscribe),
        )
        .route("/breaches", get(breaches))
        .route("/breaches/{name}", get(breach))
        .route("/advice", get(advice_catalogue))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see /api/openapi.json",
    )
}

fn lang_of(value: Option<&str>) -> Result<Lang, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(Lang::Nl),
        Some(v) => v.parse().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_lang",
                format!("lang {v:?} is not one of nl, fr, en"),
            )
        }),
    }
}

/// The API key a request to the native or private API carries
/// (`Authorization: Bearer` or `hibp-api-key`).
pub fn api_key(headers: &HeaderMap) -> Option<String> {
    api_key_from(headers, true)
}

#[utoipa::path(
    post,
    path = "/api/v1/check",
    tag = "native",
    request_body = CheckRequest,
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The breaches holding the account (possibly none), with that person's data classes and advice", body = CheckResponse),
        (status = 400, description = "Not an email address or phone number, or a bad region or language", body = ErrorBody),
        (status = 401, description = "The API key given is unknown or revoked", body = ErrorBody),
        (status = 403, description = "The server is in private mode, or in owner-only mode and no API key was given", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = ErrorBody),
        (status = 429, description = "A rate budget ran out; see retry-after", body = ErrorBody),
    )
)]
pub async fn check(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    body: Result<Json<CheckRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let service = &state.service;
    if service.mode() == DeploymentMode::Private {
        // Before the body is read, as every check refuses in private mode.
        return Err(Refusal::PrivateMode.into());
    }
    let Json(request) = body?;
    let admitted = service
        .admit(Interface::Native, ip, api_key(&headers).as_deref())
        .await?;
    let lang = lang_of(request.lang.as_deref())?;
    let chosen = match request
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(r) => Some(r.parse::<Region>().map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_region", e.to_string())
        })?),
    };
    // For an email address: the chosen region's country, else the language's.
    let elsewhere = chosen.map_or(country_of_lang(lang), country_of_region);
    let query = CheckQuery {
        text: &request.account,
        region: chosen.unwrap_or(service.config().default_region),
        lang,
    };
    let CheckOutcome::OnScreen { id, exposures } =
        service.check(&admitted, query, &|_| true).await?
    else {
        // The policy never sends a native API answer by mail.
        return Err(ApiError::unavailable());
    };
    let response = check_response(&state, &id, &exposures, lang, elsewhere);
    let mut response = Json(response).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(crate::middleware::check_answer(response))
}

fn check_response(
    state: &AppState,
    id: &Identifier,
    exposures: &Exposures,
    lang: Lang,
    elsewhere: lekradar_advice::Country,
) -> CheckResponse {
    let mut found: Vec<_> = exposures.found.iter().collect();
    found.sort_by_key(|e| std::cmp::Reverse(e.breach.meta.breach_date));
    let breaches = found
        .iter()
        .map(|e| ExposureDto {
            name: e.breach.meta.name.clone(),
            title: e.breach.meta.title.clone(),
            kind: e.breach.meta.kind.as_str().to_owned(),
            breach_date: e.breach.meta.breach_date.format("%Y-%m-%d").to_string(),
            is_verified: e.breach.meta.is_verified,
            data_classes: e.classes.clone(),
            breach_data_classes: e.breach.meta.data_classes.clone(),
        })
        .collect();
    let items = advice_for(id, &exposures.found, elsewhere);
    let advice = state.advice.json(&items, lang);
    CheckResponse {
        account: CheckedAccount {
            kind: id.kind().as_str().to_owned(),
            canonical: id.canonical().to_owned(),
        },
        found: !exposures.found.is_empty(),
        breaches,
        advice,
        breaches_checked: exposures
            .catalogue
            .all()
            .iter()
            .filter(|b| b.listable_for_accounts())
            .count() as u64,
    }
}

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/breaches",
    tag = "native",
    params(("lang" = Option<String>, Query, description = "nl (default), fr or en")),
    responses(
        (status = 200, description = "Every breach, retired ones included", body = [BreachDto]),
        (status = 400, description = "Unknown language", body = ErrorBody),
        (status = 429, description = "Too many requests", body = ErrorBody),
    )
)]
pub async fn breaches(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    query: Result<Query<LangQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<BreachDto>>, ApiError> {
    state.service.read_budget(ip).map_err(ApiError::limited)?;
    let lang = lang_of(query.ok().and_then(|q| q.0.lang).as_deref())?;
    let tr = state.l10n.tr(lang);
    let (_, catalogue) = state.service.snapshot();
    Ok(Json(
        catalogue
            .all()
            .iter()
            .map(|b| BreachDto::new(b, &tr))
            .collect(),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/breaches/{name}",
    tag = "native",
    params(
        ("name" = String, Path, description = "The breach's name (case-insensitive)"),
        ("lang" = Option<String>, Query, description = "nl (default), fr or en"),
    ),
    responses(
        (status = 200, description = "The breach with its per-country and per-data-class counts", body = BreachStatisticsDto),
        (status = 400, description = "Unknown language", body = ErrorBody),
        (status = 404, description = "No such breach", body = ErrorBody),
        (status = 429, description = "Too many requests", body = ErrorBody),
    )
)]
pub async fn breach(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Path(name): Path<String>,
    query: Result<Query<LangQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<BreachStatisticsDto>, ApiError> {
    state.service.read_budget(ip).map_err(ApiError::limited)?;
    let lang = lang_of(query.ok().and_then(|q| q.0.lang).as_deref())?;
    let tr = state.l10n.tr(lang);
    let (_, catalogue) = state.service.snapshot();
    let Some(b) = catalogue.get(name.trim()) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_breach",
            "no breach by that name; GET /api/v1/breaches lists them",
        ));
    };
    let stats = &b.meta.statistics;
    let mut countries: Vec<CountryCount> = stats
        .phone_numbers_by_country
        .iter()
        .map(|(cc, &count)| CountryCount {
            calling_code: cc.clone(),
            country: tr.country(cc),
            count,
        })
        .collect();
    countries.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.calling_code.cmp(&b.calling_code))
    });
    let mut classes: Vec<ClassCount> = stats
        .records_by_data_class
        .iter()
        .map(|(class, &count)| ClassCount {
            data_class: class.clone(),
            label: tr.class(class),
            count,
        })
        .collect();
    classes.sort_by(|a, b| b.count.cmp(&a.count).then(a.data_class.cmp(&b.data_class)));
    Ok(Json(BreachStatisticsDto {
        breach: BreachDto::new(b, &tr),
        phone_numbers_by_country: countries,
        email_addresses: stats.email_addresses,
        records_by_data_class: classes,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/advice",
    tag = "native",
    params(("lang" = Option<String>, Query, description = "nl (default), fr or en")),
    responses(
        (status = 200, description = "Every advice item in the language and the rules that choose them", body = AdviceCatalogueDto),
        (status = 400, description = "Unknown language", body = ErrorBody),
        (status = 429, description = "Too many requests", body = ErrorBody),
    )
)]
pub async fn advice_catalogue(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    query: Result<Query<LangQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    state.service.read_budget(ip).map_err(ApiError::limited)?;
    let lang = lang_of(query.ok().and_then(|q| q.0.lang).as_deref())?;
    let advice = lekradar_advice::Advice::builtin();
    let all: Vec<&lekradar_advice::Item> = advice.items().iter().collect();
    let body = AdviceCatalogueDto {
        items: state.advice.json(&all, lang),
        rules: advice
            .rules()
            .iter()
            .map(|r| AdviceRuleDto {
                found: r.found,
                classes: r.classes.clone(),
                kinds: r.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                countries: r.countries.iter().map(|c| c.as_str().to_owned()).collect(),
                give: r.give.clone(),
            })
            .collect(),
    };
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}
