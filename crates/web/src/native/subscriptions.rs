//! `/api/v1/subscriptions`: alerts for integrators (a bank's app, a
//! municipality's portal) — ask, confirm by the mailed token or the SMS
//! code, unsubscribe. The same service calls as the `/alerts` pages; the
//! person still confirms from their own mailbox or phone.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lekradar_normalize::Region;
use lekradar_service::{AlertError, DeploymentMode, Refusal, Subscribed};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lang_of;
use crate::auth::ClientAddr;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Ask for alerts about an email address or a phone number.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionRequest {
    /// An email address or a phone number.
    #[schema(example = "jan@example.org")]
    pub account: String,
    /// Region for a phone number without a country code.
    #[serde(default)]
    pub region: Option<String>,
    /// Language of the messages: `nl` (default), `fr` or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// `alerts` (default), or `opt-out`: hide the identifier from public
    /// search once its owner confirms.
    #[serde(default)]
    #[schema(example = "alerts")]
    pub purpose: Option<String>,
    /// With a phone number: an email address to send its alerts to
    /// instead of SMS. Once the number's code is confirmed, a link goes to
    /// this address; alerts go there once it is followed (`mail_linked`).
    #[serde(default)]
    pub mail_to: Option<String>,
}

/// Whether a request is for an opt-out.
fn opt_out(purpose: Option<&str>) -> Result<bool, ApiError> {
    match purpose.map(str::trim).filter(|p| !p.is_empty()) {
        None | Some("alerts") => Ok(false),
        Some("opt-out") => Ok(true),
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_purpose",
            format!("purpose {other:?} is not `alerts` or `opt-out`"),
        )),
    }
}

/// Confirm a subscription: the token of the mailed link, or the number and
/// the code sent to it by SMS.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    /// With a code: `alerts` (default) or `opt-out`, as asked.
    #[serde(default)]
    pub purpose: Option<String>,
}

/// Stop alerts: the token of the unsubscribe link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnsubscribeRequest {
    pub token: String,
}

/// Where a subscription stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionStatus {
    /// `link_sent` (look in the mailbox), `code_sent` (type the SMS code),
    /// `active` (confirmed; a first report was sent), `opted_out` (hidden
    /// from public search), `mail_linked` (a phone number's alerts go by
    /// mail to the address that followed the link) or `deleted`.
    pub status: &'static str,
    /// On `active` for a phone number asked with `mail_to`: a link to
    /// confirm that address was mailed to it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mail_link_sent: bool,
}

fn region(state: &AppState, text: Option<&str>) -> Result<Region, ApiError> {
    match text.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(state.service.config().default_region),
        Some(r) => r.parse().map_err(|e: <Region as std::str::FromStr>::Err| {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_region", e.to_string())
        }),
    }
}

impl From<AlertError> for ApiError {
    fn from(e: AlertError) -> ApiError {
        match e {
            AlertError::NotOffered => {
                ApiError::new(StatusCode::NOT_FOUND, "alerts_not_offered", e.to_string())
            }
            AlertError::NoSms => {
                ApiError::new(StatusCode::BAD_REQUEST, "sms_not_offered", e.to_string())
            }
            AlertError::Invalid(e) => Refusal::Invalid(e).into(),
            AlertError::Refused(r) => r.into(),
            AlertError::LinkUnusable => {
                ApiError::new(StatusCode::GONE, "token_unusable", e.to_string())
            }
            AlertError::WrongCode { tries_left } => ApiError::new(
                StatusCode::BAD_REQUEST,
                "wrong_code",
                format!("wrong code; {tries_left} tries left"),
            ),
            AlertError::NoCode => ApiError::new(StatusCode::BAD_REQUEST, "no_code", e.to_string()),
            AlertError::MailToUnusable => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_mail_to", e.to_string())
            }
            AlertError::Unavailable => Refusal::Unavailable.into(),
        }
    }
}

fn offered(state: &AppState) -> Result<(), ApiError> {
    if state.service.mode() == DeploymentMode::Private {
        return Err(Refusal::PrivateMode.into());
    }
    if !state.service.offers_alerts() {
        return Err(AlertError::NotOffered.into());
    }
    Ok(())
}

#[utoipa::path(
    post,
    path = "/api/v1/subscriptions",
    tag = "native",
    request_body = SubscriptionRequest,
    responses(
        (status = 202, description = "A confirmation is on its way (by mail, or a code by SMS); the same answer whether or not the identifier was subscribed already", body = SubscriptionStatus),
        (status = 400, description = "Not an email address or phone number, a bad region or language, a phone number where no SMS is sent, or a `mail_to` that is no email address or comes without a phone number", body = ErrorBody),
        (status = 403, description = "The server is in private mode", body = ErrorBody),
        (status = 404, description = "This server sends no alerts", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = ErrorBody),
        (status = 429, description = "A rate budget ran out; see retry-after", body = ErrorBody),
        (status = 503, description = "Try again later", body = ErrorBody),
    )
)]
pub async fn subscribe(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    body: Result<Json<SubscriptionRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    offered(&state)?;
    let Json(request) = body?;
    let lang = lang_of(request.lang.as_deref())?;
    let region = region(&state, request.region.as_deref())?;
    let asked = if opt_out(request.purpose.as_deref())? {
        if request
            .mail_to
            .as_deref()
            .is_some_and(|m| !m.trim().is_empty())
        {
            return Err(AlertError::MailToUnusable.into());
        }
        state
            .service
            .request_opt_out(ip, &request.account, region, lang)
            .await?
    } else {
        state
            .service
            .subscribe(
                ip,
                &request.account,
                region,
                lang,
                request.mail_to.as_deref(),
            )
            .await?
    };
    let status = match asked {
        Subscribed::LinkSent => "link_sent",
        Subscribed::CodeSent => "code_sent",
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(SubscriptionStatus {
            status,
            mail_link_sent: false,
        }),
    )
        .into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/subscriptions/confirm",
    tag = "native",
    request_body = ConfirmRequest,
    responses(
        (status = 200, description = "Confirmed; the first report is on its way (`active`), the identifier is hidden (`opted_out`), or a phone number's alerts go by mail from now on (`mail_linked`)", body = SubscriptionStatus),
        (status = 400, description = "A wrong or missing code, or neither a token nor an account and code", body = ErrorBody),
        (status = 403, description = "The server is in private mode", body = ErrorBody),
        (status = 404, description = "This server sends no alerts", body = ErrorBody),
        (status = 410, description = "The token was used already, expired or never existed", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = ErrorBody),
        (status = 429, description = "A rate budget ran out; see retry-after", body = ErrorBody),
        (status = 503, description = "Try again later", body = ErrorBody),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    body: Result<Json<ConfirmRequest>, JsonRejection>,
) -> Result<Json<SubscriptionStatus>, ApiError> {
    offered(&state)?;
    let Json(request) = body?;
    let confirmed = match (&request.token, &request.account, &request.code) {
        (Some(token), None, None) => state.service.confirm_link(token).await?,
        (None, Some(account), Some(code)) => {
            let region = region(&state, request.region.as_deref())?;
            state
                .service
                .confirm_code(
                    ip,
                    account,
                    region,
                    code,
                    opt_out(request.purpose.as_deref())?,
                )
                .await?
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "confirm_needs_token_or_code",
                "give either `token` (from the mail) or `account` and `code` (from the SMS)",
            ))
        }
    };
    Ok(Json(SubscriptionStatus {
        status: if confirmed.opted_out {
            "opted_out"
        } else if confirmed.mail_linked {
            "mail_linked"
        } else {
            "active"
        },
        mail_link_sent: confirmed.mail_link_sent,
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/subscriptions/unsubscribe",
    tag = "native",
    request_body = UnsubscribeRequest,
    responses(
        (status = 200, description = "No more alerts for the subscription of this token, if there was one (the same answer whatever the token)", body = SubscriptionStatus),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = ErrorBody),
    )
)]
pub async fn unsubscribe(
    State(state): State<AppState>,
    body: Result<Json<UnsubscribeRequest>, JsonRejection>,
) -> Result<Json<SubscriptionStatus>, ApiError> {
    let Json(request) = body?;
    state.service.unsubscribe(&request.token).await;
    Ok(Json(SubscriptionStatus {
        status: "deleted",
        mail_link_sent: false,
    }))
}
