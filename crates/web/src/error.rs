//! The native and private APIs' errors: one JSON envelope
//! ([`ErrorBody`]) with a stable code, a message for people and, when a
//! budget ran out, when to try again; and how a service [`Refusal`] reads
//! in it.

use axum::extract::rejection::JsonRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lekradar_service::{Denied, Refusal};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error of the native API has this body.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid_account`.
    pub code: String,
    /// What went wrong and what to do, for people.
    pub message: String,
    /// Seconds to wait, for `rate_limited`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// A native API error: status, code and message in one JSON envelope.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn limited(denied: Denied) -> ApiError {
        let secs = denied.retry_after_secs();
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate_limited",
            message: format!(
                "too many checks ({} budget); try again in {secs} seconds",
                denied.budget.as_str()
            ),
            retry_after: Some(secs),
        }
    }

    /// In `owner-only` mode answers go to the owner's email address; the
    /// check APIs answer only callers the operator gave a key.
    pub fn owner_only() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "owner_only",
            "this server sends answers only to the owner's email address: checking through the API needs an API key (hibp-api-key)",
        )
    }

    pub fn unavailable() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the service cannot answer right now; try again shortly",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after;
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                retry_after,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let (status, code) = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            JsonRejection::JsonDataError(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            JsonRejection::BytesRejection(_) => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
            _ => (StatusCode::BAD_REQUEST, "invalid_json"),
        };
        ApiError::new(status, code, rejection.body_text())
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        match refusal {
            Refusal::PrivateMode => ApiError::new(
                StatusCode::FORBIDDEN,
                "private_mode",
                "this server answers private checks only: see /api/v1/private/config",
            ),
            // Only owner-only mode asks native and private callers for a key.
            Refusal::NeedsApiKey => ApiError::owner_only(),
            Refusal::UnknownKey => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_api_key",
                "the API key is unknown or revoked; leave it out to check without one",
            ),
            Refusal::Invalid(e) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_account", e.to_string())
            }
            Refusal::EmailOnly => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_account",
                "only email addresses can be checked here",
            ),
            Refusal::Limited(denied) => ApiError::limited(denied),
            Refusal::Unavailable => ApiError::unavailable(),
        }
    }
}
