//! Passkeys on the organisation pages: the JSON the browser's script
//! (`assets/passkeys.js`) exchanges with `lekradar_orgs::passkeys`, and
//! removing a passkey by form.
//!
//! - `POST /org/passkey/challenge`, `POST /org/passkey/sign-in`: signing in
//!   (no session yet): the sign-in form's double-submit CSRF token, one draw
//!   from the caller's rate budgets per challenge, and on success the
//!   session cookie, as a followed link sets it.
//! - `POST /org/passkeys/challenge`, `POST /org/passkeys`: adding a passkey
//!   (signed in: the session's CSRF token).
//! - `POST /org/passkeys/{id}/remove`: a form.
//!
//! Errors answer `{"error": "<text in the page's language>"}` with the
//! status `super::explain` gives.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lekradar_orgs::{Challenge, OrgError, Orgs};
use lekradar_service::Refusal;
use serde::Deserialize;
use serde_json::json;

use super::{explain, see_other, set_cookie, signed_in, signed_post, FormResult, Signed};
use crate::auth::ClientAddr;
use crate::pages::{no_store, PageLang};
use crate::state::AppState;

/// What the script posts.
#[derive(Debug, Default, Deserialize)]
pub struct PasskeyRequest {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ceremony: String,
    /// The `PublicKeyCredential`, as JSON.
    #[serde(default)]
    answer: serde_json::Value,
    #[serde(default)]
    name: String,
}

type JsonResult = Result<Json<PasskeyRequest>, axum::extract::rejection::JsonRejection>;

fn error(status: StatusCode, text: String) -> Response {
    no_store((status, Json(json!({ "error": text }))).into_response())
}

fn refused(state: &AppState, lang: &PageLang, e: &OrgError) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let (status, text) = explain(&tr, e);
    error(status, text)
}

fn challenge(c: Challenge) -> Response {
    no_store(Json(json!({ "ceremony": c.ceremony, "options": c.options })).into_response())
}

/// The request's body; `None` for a malformed one.
fn body(request: JsonResult) -> Option<PasskeyRequest> {
    request
        .map(|Json(r)| r)
        .map_err(|rejection| tracing::debug!(%rejection, "a malformed passkey request"))
        .ok()
}

fn form_expired(state: &AppState, lang: &PageLang) -> Response {
    let tr = state.l10n.tr(lang.lang);
    error(StatusCode::FORBIDDEN, tr.t("error-form-expired"))
}

/// A request before sign-in: organisations offered, a well-formed body,
/// the sign-in form's CSRF token.
fn anonymous(
    state: &AppState,
    lang: &PageLang,
    headers: &HeaderMap,
    request: JsonResult,
) -> Result<(Orgs, PasskeyRequest), Box<Response>> {
    let Some(orgs) = state.service.orgs().cloned() else {
        return Err(Box::new(refused(state, lang, &OrgError::PasskeysOff)));
    };
    let Some(request) = body(request) else {
        return Err(Box::new(refused(state, lang, &OrgError::PasskeyRefused)));
    };
    if !state.form_tokens.verify(headers, &request.csrf) {
        return Err(Box::new(form_expired(state, lang)));
    }
    Ok((orgs, request))
}

/// A signed-in request: a well-formed body, the session, its CSRF token.
async fn signed(
    state: &AppState,
    lang: &PageLang,
    headers: &HeaderMap,
    request: JsonResult,
) -> Result<(Signed, PasskeyRequest), Response> {
    let Some(request) = body(request) else {
        return Err(refused(state, lang, &OrgError::PasskeyRefused));
    };
    let Ok(signed) = signed_in(state, lang, headers).await else {
        return Err(refused(state, lang, &OrgError::NotSignedIn));
    };
    if !state
        .form_tokens
        .verify_session(&signed.token, &request.csrf)
    {
        return Err(form_expired(state, lang));
    }
    Ok((signed, request))
}

/// `POST /org/passkey/challenge`: a sign-in challenge.
pub async fn sign_in_challenge(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    headers: HeaderMap,
    request: JsonResult,
) -> Response {
    let (orgs, _) = match anonymous(&state, &lang, &headers, request) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    if let Err(refusal) = state.service.draw_anonymous(ip).await {
        let tr = state.l10n.tr(lang.lang);
        return match refusal {
            Refusal::Limited(_) => error(StatusCode::TOO_MANY_REQUESTS, tr.t("alerts-limited")),
            _ => error(StatusCode::SERVICE_UNAVAILABLE, tr.t("alerts-unavailable")),
        };
    }
    match orgs.start_passkey_sign_in().await {
        Ok(c) => challenge(c),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `POST /org/passkey/sign-in`: the answer to a sign-in challenge; the
/// session cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    request: JsonResult,
) -> Response {
    let (orgs, request) = match anonymous(&state, &lang, &headers, request) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    match orgs
        .finish_passkey_sign_in(&request.ceremony, &request.answer.to_string())
        .await
    {
        Ok(session) => {
            let mut response = no_store(Json(json!({ "to": "/org" })).into_response());
            set_cookie(&mut response, &session.token, session.max_age.as_secs());
            response
        }
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `POST /org/passkeys/challenge`: a registration challenge for the
/// signed-in person.
pub async fn add_challenge(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    request: JsonResult,
) -> Response {
    let (signed, _) = match signed(&state, &lang, &headers, request).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    match signed
        .orgs
        .start_passkey_registration(&signed.session)
        .await
    {
        Ok(c) => challenge(c),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `POST /org/passkeys`: the answer to a registration challenge.
pub async fn add(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    request: JsonResult,
) -> Response {
    let (signed, request) = match signed(&state, &lang, &headers, request).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    match signed
        .orgs
        .finish_passkey_registration(
            &signed.session,
            &request.ceremony,
            &request.answer.to_string(),
            &request.name,
        )
        .await
    {
        Ok(view) => no_store(
            (
                StatusCode::CREATED,
                Json(json!({ "id": view.id, "name": view.name })),
            )
                .into_response(),
        ),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `POST /org/passkeys/{id}/remove`: a form on the home page.
pub async fn remove(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: FormResult,
) -> Response {
    let form = form.map(|f| f.0).unwrap_or_default();
    let signed = match signed_post(&state, &lang, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match signed.orgs.remove_passkey(&signed.session, id).await {
        Ok(()) => see_other("/org"),
        Err(e) => {
            let tr = state.l10n.tr(lang.lang);
            let (status, text) = explain(&tr, &e);
            crate::pages::message(&state, &lang, status, "org-title", text)
        }
    }
}
