//! An organisation's webhooks (owners only): add one (its signing secret
//! shown once), give it a new secret, send a test, turn it off or on,
//! remove it. Deliveries are `lekradar_messages::webhook`'s.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use lekradar_l10n::Tr;
use lekradar_orgs::WebhookView;

use super::{act, time, Done, FormResult};
use crate::pages::PageLang;
use crate::state::AppState;

/// An endpoint as the organisation's page lists it.
pub(super) struct HookLine {
    pub id: i64,
    pub url: String,
    pub enabled: bool,
    pub state: String,
    pub last: String,
}

impl HookLine {
    pub(super) fn new(tr: &Tr<'_>, h: WebhookView) -> HookLine {
        let state = if h.enabled {
            tr.t("org-webhook-on")
        } else {
            tr.ts(
                "org-webhook-off",
                "reason",
                h.reason.as_deref().unwrap_or_default(),
            )
        };
        let last = match (h.last_status, h.last_at_us) {
            (Some(status), Some(at)) => format!("{status} · {}", time(at)),
            _ => tr.t("org-webhook-never"),
        };
        HookLine {
            id: h.id,
            url: h.url,
            enabled: h.enabled,
            state,
            last,
        }
    }
}

/// `POST /org/{id}/webhooks`: adds the form's `url`.
pub async fn add_webhook(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: FormResult,
) -> Response {
    act(
        state,
        lang,
        headers,
        id,
        form,
        |orgs, m, form, _| async move {
            let (_, secret) = orgs.add_webhook(&m, &form.url).await?;
            Ok(Done::Secret("org-webhook-added", secret))
        },
    )
    .await
}

/// `POST /org/{id}/webhooks/{hook}/{action}`: `rotate`, `test`, `enable`,
/// `disable` or `remove`.
pub async fn webhook_action(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, hook, action)): Path<(String, i64, String)>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, _, _| async move {
        match action.as_str() {
            "rotate" => Ok(Done::Secret(
                "org-webhook-rotated",
                orgs.rotate_webhook(&m, hook).await?,
            )),
            "test" => {
                orgs.test_webhook(&m, hook).await?;
                Ok(Done::Notice("org-webhook-test-sent"))
            }
            "enable" | "disable" => {
                orgs.set_webhook_enabled(&m, hook, action == "enable")
                    .await?;
                Ok(Done::Back)
            }
            "remove" => {
                orgs.remove_webhook(&m, hook).await?;
                Ok(Done::Back)
            }
            _ => Err(lekradar_orgs::OrgError::NotFound),
        }
    })
    .await
}
