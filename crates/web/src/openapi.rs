//! The OpenAPI document (`/api/openapi.json`), generated from the handlers'
//! annotations and the wire types, so it cannot drift from the code; a test
//! checks that every route the router serves is in it and schemathesis runs
//! against it.

use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::hibp::dto::{AccountBreaches, HibpBreach, HibpBreachName, HibpErrorBody, HibpFlag};
use crate::native::dto::*;
use crate::ops::Readiness;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "hibp-api-key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("hibp-api-key"))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator token (--ops-token-file), on the public listener; the operator listener (--ops-listen) needs none",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lekradar",
        description = "Breach exposure checks for phone numbers and email addresses. `/api/v3` speaks the Have I Been Pwned API v3 (paths and query names case-insensitive); `/api/v1` is the native API, which returns the data classes of the person's own record and advice.",
        license(name = "AGPL-3.0-or-later"),
    ),
    paths(
        crate::hibp::breached_account,
        crate::hibp::breaches,
        crate::hibp::breach,
        crate::hibp::latest_breach,
        crate::hibp::data_classes,
        crate::hibp::paste_account,
        crate::hibp::domains::breached_domain,
        crate::hibp::domains::subscribed_domains,
        crate::hibp::domains::subscription_status,
        crate::native::check,
        crate::native::breaches,
        crate::native::breach,
        crate::native::advice_catalogue,
        crate::native::subscriptions::subscribe,
        crate::native::subscriptions::confirm,
        crate::native::subscriptions::unsubscribe,
        crate::private::config,
        crate::private::evaluate,
        crate::private::bucket,
        crate::private::check,
        crate::ops::healthz,
        crate::ops::readyz,
        crate::ops::metrics,
    ),
    components(schemas(
        HibpBreach, HibpBreachName, AccountBreaches, HibpErrorBody, HibpFlag,
        CheckRequest, CheckResponse, CheckedAccount, ExposureDto, AdviceDto, SourceDto,
        BreachDto, BreachStatisticsDto, AdviceRuleDto, AdviceCatalogueDto, CountryCount, ClassCount, ErrorBody, ErrorDetail,
        crate::native::subscriptions::SubscriptionRequest, crate::native::subscriptions::ConfirmRequest,
        crate::native::subscriptions::UnsubscribeRequest, crate::native::subscriptions::SubscriptionStatus,
        crate::hibp::domains::SubscribedDomainDto, crate::hibp::domains::SubscriptionStatusDto,
        Readiness, lekradar_private::PrivateConfig, lekradar_private::PrivateBreach, lekradar_private::EntryDerivation,
    )),
    modifiers(&Security),
    tags(
        (name = "hibp", description = "Have I Been Pwned API v3 compatibility. As with HIBP, every request needs a `user-agent` header naming the application (403 without one)."),
        (name = "native", description = "Lekradar's own API"),
        (name = "private", description = "The private check: the server evaluates a blinded identifier and returns a bucket of sealed entries (docs/PRIVATE-CHECK.md)"),
        (name = "operations", description = "Health, readiness and metrics. Metrics and the details of readiness are served on the operator listener (--ops-listen) or to the operator token; anyone gets /healthz and whether the server is ready"),
    )
)]
pub struct ApiDoc;

/// The document as served.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn serve_document() -> Response {
    Json(document()).into_response()
}
