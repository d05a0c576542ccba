//! The organisation pages (`/org`): sign in by a mailed link, the list of
//! one's organisations, an organisation's members and domains, its audit
//! log, its webhooks (`webhooks`), passkeys (`passkeys`). The work is `lekradar-orgs`'s; this module reads forms and the
//! session cookie and writes pages.
//!
//! - The session cookie (`lekradar_org`) is `Secure; HttpOnly;
//!   SameSite=Strict; Path=/org` (browsers accept `Secure` over plain HTTP
//!   on localhost only: serve organisations over HTTPS).
//! - Every form carries a CSRF token: before sign-in the check form's
//!   signed double-submit token, after it one bound to the session
//!   (`FormToken::session_field`); a form of another session, or none, is
//!   refused with 403 and changes nothing. Cross-site requests are refused
//!   before that by `crate::middleware::refuse_cross_site`.
//! - A link from a mail opens a page with a button (a mail scanner opening
//!   the link uses nothing); the button's POST follows it.
//! - Pages of an organisation the session's person is no member of answer
//!   404, as for one that does not exist.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lekradar_l10n::Tr;
use lekradar_orgs::{DomainState, Followed, Member, OrgError, Orgs, Role, Session, UrlRefused};
use lekradar_service::Refusal;
use serde::Deserialize;

use super::templates::PageCtx;
use super::{html, message, no_store, PageLang};
use crate::auth::ClientAddr;
use crate::state::AppState;

mod passkeys;
mod watchlist;
mod webhooks;
pub use passkeys::{
    add as add_passkey, add_challenge as passkey_add_challenge, remove as remove_passkey,
    sign_in as passkey_sign_in, sign_in_challenge as passkey_sign_in_challenge,
};
pub use watchlist::{
    confirm_phone, remove_watch, report, report_csv, resend_code, upload, watch_one,
};
pub use webhooks::{add_webhook, webhook_action};

/// The session cookie's name.
pub const COOKIE: &str = "lekradar_org";

#[derive(Template)]
#[template(path = "orgs.html")]
struct HomePage<'a> {
    page: PageCtx<'a>,
    csrf: String,
    error: Option<String>,
    me: Option<String>,
    orgs: Vec<OrgLine>,
    /// Whether passkeys are offered here.
    passkeys_offered: bool,
    passkeys: Vec<PasskeyLine>,
}

struct PasskeyLine {
    id: i64,
    name: String,
    created: String,
    used: String,
}

struct OrgLine {
    public_id: String,
    name: String,
    role: String,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage<'a> {
    page: PageCtx<'a>,
    csrf: String,
    org_id: String,
    name: String,
    me: String,
    person: i64,
    role: String,
    owner: bool,
    notice: Option<String>,
    error: Option<String>,
    members: Vec<MemberLine>,
    domains: Vec<DomainLine>,
    role_addresses: &'static [&'static str],
    watched: usize,
    exposed: usize,
    /// How many entries are still being matched, said for people.
    matching: Option<String>,
    refused: Vec<String>,
    api_keys: Vec<KeyLine>,
    webhooks: Vec<webhooks::HookLine>,
}

struct KeyLine {
    id: i64,
    name: String,
    prefix: String,
    created: String,
    revoked: bool,
}

struct MemberLine {
    person: i64,
    address: String,
    role_label: String,
    owner: bool,
    you: bool,
    since: String,
}

struct DomainLine {
    id: i64,
    domain: String,
    state: &'static str,
    state_label: String,
    how: Option<String>,
    record: String,
}

#[derive(Template)]
#[template(path = "org_audit.html")]
struct AuditPage<'a> {
    page: PageCtx<'a>,
    org_id: String,
    name: String,
    retention: String,
    entries: Vec<AuditLine>,
}

struct AuditLine {
    at: String,
    actor: String,
    what: String,
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

/// Every form's fields (each form uses some).
#[derive(Debug, Default, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    local: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    code: String,
}

type FormResult = Result<Form<OrgForm>, axum::extract::rejection::FormRejection>;

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn time(us: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(us)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

fn see_other(to: &str) -> Response {
    no_store((StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response())
}

/// The session cookie's value in this request, when well formed.
fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
        .filter(|v| {
            v.len() == 43
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn set_cookie(response: &mut Response, value: &str, max_age: u64) {
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/org; Max-Age={max_age}; Secure; HttpOnly; SameSite=Strict"
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The error, in the person's language, with its status.
fn explain(tr: &Tr<'_>, e: &OrgError) -> (StatusCode, String) {
    match e {
        OrgError::NotAnAddress => (StatusCode::BAD_REQUEST, tr.t("org-error-address")),
        OrgError::LinkUnusable => (StatusCode::GONE, tr.t("org-link-unusable")),
        OrgError::NotSignedIn => (StatusCode::UNAUTHORIZED, tr.t("org-error-signed-out")),
        OrgError::NotFound => (StatusCode::NOT_FOUND, tr.t("org-error-not-found")),
        OrgError::NotOwner => (StatusCode::FORBIDDEN, tr.t("org-error-not-owner")),
        OrgError::LastOwner => (StatusCode::CONFLICT, tr.t("org-error-last-owner")),
        OrgError::BadName => (StatusCode::BAD_REQUEST, tr.t("org-error-name")),
        OrgError::BadDomain(reason) => (
            StatusCode::BAD_REQUEST,
            tr.ts("org-error-domain", "reason", reason),
        ),
        OrgError::DomainTaken => (StatusCode::CONFLICT, tr.t("org-error-domain-taken")),
        OrgError::TooManyDomains => (StatusCode::CONFLICT, tr.t("org-error-too-many-domains")),
        OrgError::NotRoleAddress => (StatusCode::BAD_REQUEST, tr.t("org-error-role-address")),
        OrgError::RecordMissing { others } => (
            StatusCode::CONFLICT,
            tr.ta(
                "org-error-record-missing",
                &[("others", &others.to_string())],
            ),
        ),
        OrgError::Dns(_) => (StatusCode::SERVICE_UNAVAILABLE, tr.t("org-error-dns")),
        OrgError::DomainNotProved => (StatusCode::FORBIDDEN, tr.t("org-error-not-found")),
        OrgError::BadWebhook(why) => (
            StatusCode::BAD_REQUEST,
            tr.t(match why {
                UrlRefused::NotAUrl => "org-error-webhook-not-url",
                UrlRefused::NotHttps => "org-error-webhook-https",
                UrlRefused::Credentials => "org-error-webhook-credentials",
                UrlRefused::Unresolvable => "org-error-webhook-unresolvable",
                UrlRefused::Private => "org-error-webhook-private",
            }),
        ),
        OrgError::TooManyWebhooks => (StatusCode::CONFLICT, tr.t("org-error-too-many-webhooks")),
        OrgError::PasskeysOff => (StatusCode::NOT_FOUND, tr.t("org-error-passkeys-off")),
        OrgError::PasskeyRefused => (StatusCode::BAD_REQUEST, tr.t("org-error-passkey-refused")),
        OrgError::TooManyPasskeys => (StatusCode::CONFLICT, tr.t("org-error-too-many-passkeys")),
        OrgError::WrongCode { left: Some(left) } => (
            StatusCode::BAD_REQUEST,
            tr.tn("org-error-wrong-code", u64::try_from(*left).unwrap_or(0)),
        ),
        OrgError::WrongCode { left: None } => {
            (StatusCode::BAD_REQUEST, tr.t("org-error-not-a-code"))
        }
        OrgError::CodeEnded => (StatusCode::GONE, tr.t("org-error-code-ended")),
        OrgError::CodeSentRecently => (
            StatusCode::TOO_MANY_REQUESTS,
            tr.t("org-error-code-sent-recently"),
        ),
        OrgError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, tr.t("alerts-unavailable")),
    }
}

fn role_label(tr: &Tr<'_>, role: Role) -> String {
    match role {
        Role::Owner => tr.t("org-role-owner"),
        Role::Viewer => tr.t("org-role-viewer"),
    }
}

fn not_offered(state: &AppState, lang: &PageLang) -> Response {
    let tr = state.l10n.tr(lang.lang);
    message(
        state,
        lang,
        StatusCode::NOT_FOUND,
        "org-title",
        tr.t("org-not-offered"),
    )
}

/// The signed-in session of a request, or the response to give instead.
struct Signed {
    orgs: Orgs,
    session: Session,
    token: String,
}

async fn signed_in(
    state: &AppState,
    lang: &PageLang,
    headers: &HeaderMap,
) -> Result<Signed, Response> {
    let Some(orgs) = state.service.orgs() else {
        return Err(not_offered(state, lang));
    };
    let Some(token) = cookie(headers) else {
        return Err(signed_out(state, lang));
    };
    match orgs.session(token).await {
        Ok(session) => Ok(Signed {
            orgs: orgs.clone(),
            session,
            token: token.to_owned(),
        }),
        Err(OrgError::NotSignedIn) => Err(signed_out(state, lang)),
        Err(e) => {
            let tr = state.l10n.tr(lang.lang);
            let (status, text) = explain(&tr, &e);
            Err(message(state, lang, status, "org-title", text))
        }
    }
}

fn signed_out(state: &AppState, lang: &PageLang) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let mut response = message(
        state,
        lang,
        StatusCode::UNAUTHORIZED,
        "org-title",
        tr.t("org-error-signed-out"),
    );
    // An ended session's cookie goes.
    set_cookie(&mut response, "", 0);
    response
}

/// A signed-in POST: the session, its CSRF token checked.
async fn signed_post(
    state: &AppState,
    lang: &PageLang,
    headers: &HeaderMap,
    form: &OrgForm,
) -> Result<Signed, Response> {
    let signed = signed_in(state, lang, headers).await?;
    if !state.form_tokens.verify_session(&signed.token, &form.csrf) {
        let tr = state.l10n.tr(lang.lang);
        return Err(message(
            state,
            lang,
            StatusCode::FORBIDDEN,
            "org-title",
            tr.t("error-form-expired"),
        ));
    }
    Ok(signed)
}

// ------------------------------------------------------------ signing in

fn home_page(
    state: &AppState,
    lang: &PageLang,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
    signed: Option<(
        &Signed,
        Vec<lekradar_orgs::OrgSummary>,
        Vec<lekradar_orgs::PasskeyView>,
    )>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let mut set = None;
    let (csrf, me, orgs, passkeys) = match signed {
        Some((s, list, keys)) => (
            state.form_tokens.session_field(&s.token),
            Some(s.session.address.clone()),
            list.into_iter()
                .map(|o| OrgLine {
                    role: role_label(&tr, o.role),
                    public_id: o.public_id,
                    name: o.name,
                })
                .collect(),
            keys.into_iter()
                .map(|k| PasskeyLine {
                    id: k.id,
                    name: k.name,
                    created: time(k.created_at_us),
                    used: k
                        .used_at_us
                        .map_or_else(|| tr.t("org-passkey-never-used"), time),
                })
                .collect(),
        ),
        None => {
            let issued = state.form_tokens.issue(headers);
            set = issued.set_cookie;
            (issued.field, None, Vec::new(), Vec::new())
        }
    };
    let page = HomePage {
        page: PageCtx::new(tr, lang, tr.t("org-title")),
        csrf,
        error,
        me,
        orgs,
        passkeys_offered: state.service.orgs().is_some_and(|o| o.passkeys_offered()),
        passkeys,
    };
    let mut response = no_store(html(status, lang, page.render()));
    // The passkey script and its requests to this site.
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(super::CHECK_CSP),
    );
    if let Some(cookie) = set {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn home(State(state): State<AppState>, lang: PageLang, headers: HeaderMap) -> Response {
    let Some(orgs) = state.service.orgs() else {
        return not_offered(&state, &lang);
    };
    if cookie(&headers).is_some() {
        if let Ok(signed) = signed_in(&state, &lang, &headers).await {
            let listed = match orgs.list(&signed.session).await {
                Ok(list) => orgs
                    .passkeys(&signed.session)
                    .await
                    .map(|keys| (list, keys)),
                Err(e) => Err(e),
            };
            return match listed {
                Ok((list, keys)) => home_page(
                    &state,
                    &lang,
                    &headers,
                    StatusCode::OK,
                    None,
                    Some((&signed, list, keys)),
                ),
                Err(e) => {
                    let tr = state.l10n.tr(lang.lang);
                    let (status, text) = explain(&tr, &e);
                    message(&state, &lang, status, "org-title", text)
                }
            };
        }
    }
    home_page(&state, &lang, &headers, StatusCode::OK, None, None)
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    let Some(orgs) = state.service.orgs() else {
        return not_offered(&state, &lang);
    };
    let tr = state.l10n.tr(lang.lang);
    let form = form.map(|f| f.0).unwrap_or_default();
    if !state.form_tokens.verify(&headers, &form.csrf) {
        return home_page(
            &state,
            &lang,
            &headers,
            StatusCode::FORBIDDEN,
            Some(tr.t("error-form-expired")),
            None,
        );
    }
    if let Err(e) = lekradar_orgs::read_address(&form.address) {
        let (status, text) = explain(&tr, &e);
        return home_page(&state, &lang, &headers, status, Some(text), None);
    }
    if let Err(refusal) = state.service.draw_anonymous(ip).await {
        let text = match refusal {
            Refusal::Limited(_) => tr.t("alerts-limited"),
            _ => tr.t("alerts-unavailable"),
        };
        return home_page(
            &state,
            &lang,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            Some(text),
            None,
        );
    }
    match orgs.request_sign_in(&form.address, lang.lang).await {
        Ok(()) => message(
            &state,
            &lang,
            StatusCode::OK,
            "org-link-sent-title",
            tr.t("org-link-sent-text"),
        ),
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            home_page(&state, &lang, &headers, status, Some(text), None)
        }
    }
}

pub async fn link_page(
    State(state): State<AppState>,
    lang: PageLang,
    Query(q): Query<TokenQuery>,
) -> Response {
    if state.service.orgs().is_none() {
        return not_offered(&state, &lang);
    }
    let tr = state.l10n.tr(lang.lang);
    let page = ButtonPage {
        page: PageCtx::new(tr, &lang, tr.t("org-link-title")),
        heading: tr.t("org-link-title"),
        text: tr.t("org-link-text"),
        action: "/org/link".into(),
        token: q.token,
        button: tr.t("org-link-submit"),
    };
    no_store(html(StatusCode::OK, &lang, page.render()))
}

pub async fn follow(State(state): State<AppState>, lang: PageLang, form: FormResult) -> Response {
    let Some(orgs) = state.service.orgs() else {
        return not_offered(&state, &lang);
    };
    let tr = state.l10n.tr(lang.lang);
    let form = form.map(|f| f.0).unwrap_or_default();
    match orgs.follow(&form.token).await {
        Ok(Followed::SignedIn { session, org }) => {
            let to = org.map_or_else(|| "/org".to_owned(), |o| format!("/org/{o}"));
            let mut response = see_other(&to);
            set_cookie(&mut response, &session.token, session.max_age.as_secs());
            response
        }
        Ok(Followed::DomainVerified { domain, org }) => message(
            &state,
            &lang,
            StatusCode::OK,
            "org-domain-verified-title",
            tr.ta(
                "org-domain-verified-text",
                &[("domain", &domain), ("org", &org)],
            ),
        ),
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            message(&state, &lang, status, "org-link-unusable-title", text)
        }
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    sign_out_as(state, lang, headers, form, false).await
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    sign_out_as(state, lang, headers, form, true).await
}

async fn sign_out_as(
    state: AppState,
    lang: PageLang,
    headers: HeaderMap,
    form: FormResult,
    everywhere: bool,
) -> Response {
    let form = form.map(|f| f.0).unwrap_or_default();
    let signed = match signed_post(&state, &lang, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let done = if everywhere {
        signed
            .orgs
            .sign_out_everywhere(&signed.session)
            .await
            .map(|_| ())
    } else {
        signed.orgs.sign_out(&signed.session).await
    };
    let tr = state.l10n.tr(lang.lang);
    match done {
        Ok(()) => {
            let mut response = message(
                &state,
                &lang,
                StatusCode::OK,
                "org-signed-out-title",
                tr.t(if everywhere {
                    "org-signed-out-everywhere-text"
                } else {
                    "org-signed-out-text"
                }),
            );
            set_cookie(&mut response, "", 0);
            response
        }
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            message(&state, &lang, status, "org-title", text)
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    let form = form.map(|f| f.0).unwrap_or_default();
    let signed = match signed_post(&state, &lang, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match signed.orgs.create(&signed.session, &form.name).await {
        Ok(id) => see_other(&format!("/org/{id}")),
        Err(e) => {
            let tr = state.l10n.tr(lang.lang);
            let (status, text) = explain(&tr, &e);
            let list = signed.orgs.list(&signed.session).await.unwrap_or_default();
            let keys = signed
                .orgs
                .passkeys(&signed.session)
                .await
                .unwrap_or_default();
            home_page(
                &state,
                &lang,
                &headers,
                status,
                Some(text),
                Some((&signed, list, keys)),
            )
        }
    }
}

// ------------------------------------------------------------ one organisation

async fn member_of(
    state: &AppState,
    lang: &PageLang,
    signed: &Signed,
    public_id: &str,
) -> Result<Member, Response> {
    signed
        .orgs
        .member(&signed.session, public_id)
        .await
        .map_err(|e| {
            let tr = state.l10n.tr(lang.lang);
            let (status, text) = explain(&tr, &e);
            message(state, lang, status, "org-title", text)
        })
}

async fn org_page(
    state: &AppState,
    lang: &PageLang,
    signed: &Signed,
    member: &Member,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    org_page_with(
        state,
        lang,
        signed,
        member,
        status,
        notice,
        error,
        Vec::new(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn org_page_with(
    state: &AppState,
    lang: &PageLang,
    signed: &Signed,
    member: &Member,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    refused: Vec<String>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let api_keys = if member.role == Role::Owner {
        match signed.orgs.api_keys(member).await {
            Ok(keys) => keys,
            Err(e) => {
                let (status, text) = explain(&tr, &e);
                return message(state, lang, status, "org-title", text);
            }
        }
    } else {
        Vec::new()
    };
    let hooks = if member.role == Role::Owner {
        match signed.orgs.webhooks(member).await {
            Ok(h) => h,
            Err(e) => {
                let (status, text) = explain(&tr, &e);
                return message(state, lang, status, "org-title", text);
            }
        }
    } else {
        Vec::new()
    };
    let summary = match signed.orgs.watch_summary(member).await {
        Ok(w) => w,
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            return message(state, lang, status, "org-title", text);
        }
    };
    let members = match signed.orgs.members(member).await {
        Ok(m) => m,
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            return message(state, lang, status, "org-title", text);
        }
    };
    let domains = match signed.orgs.domains(member).await {
        Ok(d) => d,
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            return message(state, lang, status, "org-title", text);
        }
    };
    let page = OrgPage {
        csrf: state.form_tokens.session_field(&signed.token),
        org_id: member.public_id.clone(),
        name: member.name.clone(),
        me: signed.session.address.clone(),
        person: member.person,
        role: role_label(&tr, member.role),
        owner: member.role == Role::Owner,
        notice,
        error,
        members: members
            .into_iter()
            .map(|m| MemberLine {
                person: m.person,
                role_label: role_label(&tr, m.role),
                owner: m.role == Role::Owner,
                address: m.address,
                you: m.you,
                since: time(m.since_us),
            })
            .collect(),
        domains: domains
            .into_iter()
            .map(|d| {
                let (state_key, state_id) = match d.state {
                    DomainState::Pending => ("pending", "org-domain-pending"),
                    DomainState::Verified => ("verified", "org-domain-verified"),
                    DomainState::Lapsed => ("lapsed", "org-domain-lapsed"),
                };
                let how = match (d.state, d.method, d.verified_at_us) {
                    (DomainState::Verified, Some(m), Some(at)) => Some(tr.ta(
                        "org-domain-how",
                        &[
                            (
                                "method",
                                &tr.t(match m {
                                    lekradar_store::orgs::DomainMethod::Dns => "org-method-dns",
                                    lekradar_store::orgs::DomainMethod::Mail => "org-method-mail",
                                }),
                            ),
                            ("when", &time(at)),
                        ],
                    )),
                    (DomainState::Lapsed, _, _) => Some(tr.t("org-domain-lapsed-text")),
                    _ => None,
                };
                DomainLine {
                    id: d.id,
                    domain: d.domain,
                    state: state_key,
                    state_label: tr.t(state_id),
                    how,
                    record: d.record,
                }
            })
            .collect(),
        role_addresses: &lekradar_orgs::ROLE_ADDRESSES,
        watched: summary.total,
        exposed: summary.exposed,
        matching: (summary.awaiting > 0)
            .then(|| tr.tn("org-watch-matching", summary.awaiting as u64)),
        refused,
        api_keys: api_keys
            .into_iter()
            .map(|k| KeyLine {
                id: k.id,
                revoked: k.is_revoked(),
                created: k.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                name: k.name,
                prefix: k.prefix,
            })
            .collect(),
        webhooks: hooks
            .into_iter()
            .map(|h| webhooks::HookLine::new(&tr, h))
            .collect(),
        page: PageCtx::new(tr, lang, member.name.clone()),
    };
    no_store(html(status, lang, page.render()))
}

pub async fn show(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let signed = match signed_in(&state, &lang, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let member = match member_of(&state, &lang, &signed, &id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    org_page(&state, &lang, &signed, &member, StatusCode::OK, None, None).await
}

pub async fn audit(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let signed = match signed_in(&state, &lang, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let member = match member_of(&state, &lang, &signed, &id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let tr = state.l10n.tr(lang.lang);
    let entries = match signed.orgs.audit_log(&member).await {
        Ok(e) => e,
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            return message(&state, &lang, status, "org-audit-title", text);
        }
    };
    let days = signed.orgs.config().audit_retention.as_secs() / 86_400;
    let page = AuditPage {
        org_id: member.public_id.clone(),
        name: member.name.clone(),
        retention: tr.ta("org-audit-retention", &[("days", &days.to_string())]),
        entries: entries
            .into_iter()
            .map(|e| {
                let id = format!("org-audit-{}", e.action.replace('.', "-"));
                let mut what = if tr.has(&id) {
                    tr.t(&id)
                } else {
                    e.action.clone()
                };
                if let Some(subject) = &e.subject {
                    what.push_str(&format!(": {subject}"));
                }
                if !e.detail.is_empty() {
                    what.push_str(&format!(" ({})", e.detail));
                }
                AuditLine {
                    at: time(e.at_us),
                    actor: e.actor.unwrap_or_else(|| tr.t("org-audit-system")),
                    what,
                }
            })
            .collect(),
        page: PageCtx::new(tr, &lang, tr.t("org-audit-title")),
    };
    no_store(html(StatusCode::OK, &lang, page.render()))
}

/// What an action on an organisation leads to.
enum Done {
    /// Back to the organisation's page (post/redirect/get).
    Back,
    /// The organisation's page with this notice.
    Notice(&'static str),
    /// Elsewhere (a path on this site).
    Away(String),
    /// The organisation's page with this notice showing a secret once.
    Secret(&'static str, String),
}

/// A signed-in POST on organisation `id`: runs `act` and shows where it
/// leads, or the organisation's page with its error.
async fn act<F, Fut>(
    state: AppState,
    lang: PageLang,
    headers: HeaderMap,
    id: String,
    form: FormResult,
    act: F,
) -> Response
where
    F: FnOnce(Orgs, Member, OrgForm, lekradar_l10n::Lang) -> Fut,
    Fut: std::future::Future<Output = Result<Done, OrgError>>,
{
    let form = form.map(|f| f.0).unwrap_or_default();
    let signed = match signed_post(&state, &lang, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let member = match member_of(&state, &lang, &signed, &id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let tr = state.l10n.tr(lang.lang);
    match act(signed.orgs.clone(), member.clone(), form, lang.lang).await {
        Ok(Done::Back) => see_other(&format!("/org/{}", member.public_id)),
        Ok(Done::Away(to)) => see_other(&to),
        Ok(Done::Notice(notice)) => {
            org_page(
                &state,
                &lang,
                &signed,
                &member,
                StatusCode::OK,
                Some(tr.t(notice)),
                None,
            )
            .await
        }
        Ok(Done::Secret(notice, secret)) => {
            org_page(
                &state,
                &lang,
                &signed,
                &member,
                StatusCode::OK,
                Some(tr.ts(notice, "secret", &secret)),
                None,
            )
            .await
        }
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            org_page(&state, &lang, &signed, &member, status, None, Some(text)).await
        }
    }
}

pub async fn invite(
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
        |orgs, m, f, lang| async move {
            let role = Role::parse(&f.role).unwrap_or(Role::Viewer);
            orgs.invite(&m, &f.address, role, lang).await?;
            Ok(Done::Notice("org-invite-sent"))
        },
    )
    .await
}

pub async fn set_role(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, person)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, f, _| async move {
        let role = Role::parse(&f.role).ok_or(OrgError::NotFound)?;
        orgs.set_role(&m, person, role).await?;
        Ok(Done::Back)
    })
    .await
}

pub async fn remove_member(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, person)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, _, _| async move {
        orgs.remove(&m, person).await?;
        // Having left, no longer a member: back to the list.
        Ok(if person == m.person {
            Done::Away("/org".into())
        } else {
            Done::Back
        })
    })
    .await
}

pub async fn delete(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, f, _| async move {
        if f.confirm != "yes" {
            return Ok(Done::Notice("org-delete-unconfirmed"));
        }
        orgs.delete(&m).await?;
        Ok(Done::Away("/org".into()))
    })
    .await
}

pub async fn add_domain(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, f, _| async move {
        orgs.add_domain(&m, &f.domain).await?;
        Ok(Done::Back)
    })
    .await
}

pub async fn check_domain(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, domain)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, _, _| async move {
        orgs.check_domain(&m, domain).await?;
        Ok(Done::Notice("org-domain-verified-notice"))
    })
    .await
}

pub async fn mail_domain(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, domain)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(
        state,
        lang,
        headers,
        id,
        form,
        |orgs, m, f, lang| async move {
            orgs.mail_domain_proof(&m, domain, &f.local, lang).await?;
            Ok(Done::Notice("org-domain-mail-sent"))
        },
    )
    .await
}

pub async fn remove_domain(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, domain)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, _, _| async move {
        orgs.remove_domain(&m, domain).await?;
        Ok(Done::Back)
    })
    .await
}

// ------------------------------------------------------------ API keys

pub async fn create_api_key(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: FormResult,
) -> Response {
    let form = form.map(|f| f.0).unwrap_or_default();
    let signed = match signed_post(&state, &lang, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let member = match member_of(&state, &lang, &signed, &id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let tr = state.l10n.tr(lang.lang);
    match signed.orgs.create_api_key(&member, &form.label).await {
        Ok(key) => {
            let notice = tr.ts("org-api-key-created", "secret", &key.secret);
            org_page(
                &state,
                &lang,
                &signed,
                &member,
                StatusCode::OK,
                Some(notice),
                None,
            )
            .await
        }
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            org_page(&state, &lang, &signed, &member, status, None, Some(text)).await
        }
    }
}

pub async fn revoke_api_key(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, key)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, _, _| async move {
        orgs.revoke_api_key(&m, key).await?;
        Ok(Done::Back)
    })
    .await
}
