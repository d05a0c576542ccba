//! The alerts pages: ask for alerts (`/alerts`), type an SMS code
//! (`/alerts/code`), confirm by the mailed link (`/alerts/confirm`, a
//! button, so that a mail scanner opening the link confirms nothing), and
//! unsubscribe (`/alerts/unsubscribe`, a button for people and RFC 8058's
//! one-click POST for mail providers, answering 200 whatever the token).
//! The work is the service's (`lekradar_service::alerts`).

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use lekradar_l10n::Tr;
use lekradar_normalize::Region;
use lekradar_service::{AlertError, Refusal, Subscribed};
use serde::Deserialize;

use super::templates::PageCtx;
use super::{form_default_region, html, message, no_store, PageLang};
use crate::auth::ClientAddr;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage<'a> {
    page: PageCtx<'a>,
    heading: String,
    intro: String,
    action: &'static str,
    submit: String,
    /// `alerts` or `opt-out`.
    purpose: &'static str,
    csrf: String,
    account: String,
    region: String,
    error: Option<String>,
    /// The code step, for this number.
    code_for: Option<String>,
    /// The optional address for a number's alerts (mail and SMS offered).
    offer_mail_to: bool,
    mail_to: String,
}

#[derive(Template)]
#[template(path = "alerts_button.html")]
struct ButtonPage<'a> {
    page: PageCtx<'a>,
    heading: String,
    text: String,
    action: String,
    token: String,
    button: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct AskForm {
    #[serde(default)]
    account: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    code: String,
    /// `opt-out` on the code step of an opt-out.
    #[serde(default)]
    purpose: String,
    /// With a mobile number: an email address for its alerts.
    #[serde(default)]
    mail_to: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

#[allow(clippy::too_many_arguments)]
fn ask_page(
    state: &AppState,
    lang: &PageLang,
    headers: &HeaderMap,
    status: StatusCode,
    account: String,
    region: Region,
    error: Option<String>,
    code_for: Option<String>,
    opt_out: bool,
    mail_to: String,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let token = state.form_tokens.issue(headers);
    let (heading, intro, action, submit, purpose) = if opt_out {
        (
            "alerts-optout-title",
            "alerts-optout-intro",
            "/alerts/opt-out",
            "alerts-optout-submit",
            "opt-out",
        )
    } else {
        (
            "alerts-title",
            "alerts-intro",
            "/alerts",
            "alerts-submit",
            "alerts",
        )
    };
    let title = if code_for.is_some() {
        "alerts-code-title"
    } else {
        heading
    };
    let page = AlertsPage {
        page: PageCtx::new(tr, lang, tr.t(title)),
        heading: tr.t(heading),
        intro: tr.t(intro),
        action,
        submit: tr.t(submit),
        purpose,
        csrf: token.field,
        account,
        region: region.as_str().to_owned(),
        error,
        code_for,
        offer_mail_to: !opt_out && state.service.links_mail(),
        mail_to,
    };
    let mut response = no_store(html(status, lang, page.render()));
    if let Some(cookie) = token.set_cookie {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

/// The error of a step, in the person's language, with its status.
fn explain(tr: &Tr<'_>, e: &AlertError) -> (StatusCode, String) {
    match e {
        AlertError::NotOffered => (StatusCode::NOT_FOUND, tr.t("alerts-not-offered")),
        AlertError::NoSms => (StatusCode::BAD_REQUEST, tr.t("alerts-no-sms")),
        AlertError::Invalid(e) => (StatusCode::BAD_REQUEST, super::identifier_error(tr, e)),
        AlertError::Refused(Refusal::Limited(_)) => {
            (StatusCode::TOO_MANY_REQUESTS, tr.t("alerts-limited"))
        }
        AlertError::WrongCode { tries_left } => (
            StatusCode::BAD_REQUEST,
            tr.ta("alerts-code-wrong", &[("tries", &tries_left.to_string())]),
        ),
        AlertError::NoCode => (StatusCode::BAD_REQUEST, tr.t("alerts-code-none")),
        AlertError::MailToUnusable => (StatusCode::BAD_REQUEST, tr.t("alerts-mail-to-invalid")),
        AlertError::LinkUnusable => (StatusCode::GONE, tr.t("alerts-link-text")),
        AlertError::Refused(_) | AlertError::Unavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, tr.t("alerts-unavailable"))
        }
    }
}

fn region_of(state: &AppState, lang: &PageLang, text: &str) -> Region {
    text.parse::<Region>()
        .ok()
        .filter(|r| state.config.form_regions.contains(r))
        .unwrap_or_else(|| form_default_region(state, lang.lang))
}

pub async fn ask(State(state): State<AppState>, lang: PageLang, headers: HeaderMap) -> Response {
    ask_form(&state, &lang, &headers, false)
}

pub async fn ask_opt_out(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
) -> Response {
    ask_form(&state, &lang, &headers, true)
}

fn ask_form(state: &AppState, lang: &PageLang, headers: &HeaderMap, opt_out: bool) -> Response {
    if !state.service.offers_alerts() {
        let tr = state.l10n.tr(lang.lang);
        return message(
            state,
            lang,
            StatusCode::NOT_FOUND,
            "alerts-title",
            tr.t("alerts-not-offered"),
        );
    }
    let region = form_default_region(state, lang.lang);
    let page = Ask {
        account: String::new(),
        region,
        error: None,
        code_for: None,
        opt_out,
        mail_to: String::new(),
    };
    page.show(state, lang, headers, StatusCode::OK)
}

/// What an ask or code page shows.
struct Ask {
    account: String,
    region: Region,
    error: Option<String>,
    code_for: Option<String>,
    opt_out: bool,
    mail_to: String,
}

impl Ask {
    fn show(
        self,
        state: &AppState,
        lang: &PageLang,
        headers: &HeaderMap,
        status: StatusCode,
    ) -> Response {
        ask_page(
            state,
            lang,
            headers,
            status,
            self.account,
            self.region,
            self.error,
            self.code_for,
            self.opt_out,
            self.mail_to,
        )
    }
}

pub async fn subscribe(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    headers: HeaderMap,
    form: Result<Form<AskForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    request(state, ip, lang, headers, form, false).await
}

pub async fn opt_out(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    headers: HeaderMap,
    form: Result<Form<AskForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    request(state, ip, lang, headers, form, true).await
}

async fn request(
    state: AppState,
    ip: std::net::IpAddr,
    lang: PageLang,
    headers: HeaderMap,
    form: Result<Form<AskForm>, axum::extract::rejection::FormRejection>,
    opt_out: bool,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let form = form.map(|f| f.0).unwrap_or_default();
    let region = region_of(&state, &lang, &form.region);
    let mut page = Ask {
        account: String::new(),
        region,
        error: None,
        code_for: None,
        opt_out,
        mail_to: String::new(),
    };
    if !state.form_tokens.verify(&headers, &form.csrf) {
        page.error = Some(tr.t("error-form-expired"));
        return page.show(&state, &lang, &headers, StatusCode::FORBIDDEN);
    }
    let asked = if opt_out {
        state
            .service
            .request_opt_out(ip, &form.account, region, lang.lang)
            .await
    } else {
        state
            .service
            .subscribe(ip, &form.account, region, lang.lang, Some(&form.mail_to))
            .await
    };
    match asked {
        Ok(Subscribed::LinkSent) => message(
            &state,
            &lang,
            StatusCode::OK,
            "alerts-sent-title",
            tr.t("alerts-sent-text"),
        ),
        Ok(Subscribed::CodeSent) => {
            page.code_for = Some(form.account.trim().to_owned());
            page.show(&state, &lang, &headers, StatusCode::OK)
        }
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            page.account = form.account;
            page.mail_to = form.mail_to;
            page.error = Some(text);
            page.show(&state, &lang, &headers, status)
        }
    }
}

pub async fn code(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    headers: HeaderMap,
    form: Result<Form<AskForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let form = form.map(|f| f.0).unwrap_or_default();
    let region = region_of(&state, &lang, &form.region);
    let account = form.account.trim().to_owned();
    let opt_out = form.purpose == "opt-out";
    let mut page = Ask {
        account: String::new(),
        region,
        error: None,
        code_for: Some(account.clone()),
        opt_out,
        mail_to: String::new(),
    };
    if !state.form_tokens.verify(&headers, &form.csrf) {
        page.error = Some(tr.t("error-form-expired"));
        return page.show(&state, &lang, &headers, StatusCode::FORBIDDEN);
    }
    match state
        .service
        .confirm_code(ip, &account, region, &form.code, opt_out)
        .await
    {
        Ok(done) => confirmed(&state, &lang, done),
        Err(e @ AlertError::WrongCode { .. }) => {
            let (status, text) = explain(&tr, &e);
            page.error = Some(text);
            page.show(&state, &lang, &headers, status)
        }
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            page.code_for = None;
            page.account = account;
            page.error = Some(text);
            page.show(&state, &lang, &headers, status)
        }
    }
}

/// The page after a confirmation.
fn confirmed(state: &AppState, lang: &PageLang, done: lekradar_service::Confirmed) -> Response {
    let tr = state.l10n.tr(lang.lang);
    if done.opted_out {
        message(
            state,
            lang,
            StatusCode::OK,
            "alerts-optout-done-title",
            tr.t("alerts-optout-done-text"),
        )
    } else if done.mail_linked {
        message(
            state,
            lang,
            StatusCode::OK,
            "alerts-linked-title",
            tr.t("alerts-linked-text"),
        )
    } else if done.mail_link_sent {
        message(
            state,
            lang,
            StatusCode::OK,
            "alerts-on-title",
            format!(
                "{} {}",
                tr.t("alerts-on-text"),
                tr.t("alerts-link-sent-text")
            ),
        )
    } else {
        message(
            state,
            lang,
            StatusCode::OK,
            "alerts-on-title",
            tr.t("alerts-on-text"),
        )
    }
}

fn button(
    state: &AppState,
    lang: &PageLang,
    title: &str,
    text: &str,
    submit: &str,
    action: String,
    token: String,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let page = ButtonPage {
        page: PageCtx::new(tr, lang, tr.t(title)),
        heading: tr.t(title),
        text: tr.t(text),
        action,
        token,
        button: tr.t(submit),
    };
    no_store(html(StatusCode::OK, lang, page.render()))
}

pub async fn confirm_page(
    State(state): State<AppState>,
    lang: PageLang,
    Query(q): Query<TokenForm>,
) -> Response {
    button(
        &state,
        &lang,
        "alerts-confirm-title",
        "alerts-confirm-text",
        "alerts-confirm-submit",
        "/alerts/confirm".into(),
        q.token,
    )
}

pub async fn confirm(
    State(state): State<AppState>,
    lang: PageLang,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let token = form.map(|f| f.0.token).unwrap_or_default();
    match state.service.confirm_link(&token).await {
        Ok(done) => confirmed(&state, &lang, done),
        Err(AlertError::LinkUnusable) => message(
            &state,
            &lang,
            StatusCode::GONE,
            "alerts-link-title",
            tr.t("alerts-link-text"),
        ),
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            message(&state, &lang, status, "alerts-title", text)
        }
    }
}

pub async fn unsubscribe_page(
    State(state): State<AppState>,
    lang: PageLang,
    Query(q): Query<TokenForm>,
) -> Response {
    let action = format!("/alerts/unsubscribe?token={}", super::encode_path(&q.token));
    button(
        &state,
        &lang,
        "alerts-unsubscribe-title",
        "alerts-unsubscribe-text",
        "alerts-unsubscribe-submit",
        action,
        q.token,
    )
}

/// RFC 8058 one-click (the token in the URL, `List-Unsubscribe=One-Click`
/// in the body) and the page's button: 200 whatever the token.
pub async fn unsubscribe(
    State(state): State<AppState>,
    lang: PageLang,
    Query(q): Query<TokenForm>,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let token = if q.token.is_empty() {
        form.map(|f| f.0.token).unwrap_or_default()
    } else {
        q.token
    };
    state.service.unsubscribe(&token).await;
    message(
        &state,
        &lang,
        StatusCode::OK,
        "alerts-unsubscribed-title",
        tr.t("alerts-unsubscribed-text"),
    )
}
