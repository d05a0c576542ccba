//! The server-rendered pages, in Dutch (default), French and English: the
//! check form, the result (each breach, what of *yours* leaked, what to do),
//! the breach catalogue and each breach's page with SVG charts of its
//! per-country and per-data-class counts.
//!
//! Usable without JavaScript (plain forms and links), keyboard and
//! screen-reader friendly (labels, landmarks, a skip link, tables beside the
//! charts), and with no third-party assets: the stylesheet is embedded and
//! served from here under a strict Content-Security-Policy.

mod alerts;
pub mod charts;
mod lang;
mod orgs;
mod templates;

use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use lekradar_catalogue::Breach;
use lekradar_l10n::{Lang, Tr};
use lekradar_normalize::Region;
use lekradar_service::advice::{advice_for, country_of_region};
use lekradar_service::{
    CheckOutcome, CheckQuery, DeploymentMode, IdentifierError, Interface, Refusal,
};
use serde::Deserialize;

use crate::auth::ClientAddr;
use crate::state::AppState;
pub use lang::{Offers, PageLang};
use templates::*;

/// The stylesheet and icon, embedded.
const STYLE: &str = include_str!("../../assets/style.css");
const ICON: &str = include_str!("../../assets/icon.svg");
const LETTER_JS: &str = include_str!("../../assets/letter.js");
const PASSKEYS_JS: &str = include_str!("../../assets/passkeys.js");
/// The browser client of the private check, built by `build.rs` from `js/`
/// (empty when Node.js was missing at build time).
const PRIVATE_CHECK_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/private-check.js"));

/// Pages that run the private check: the policy of every page plus our own
/// script and requests to ourselves.
pub(crate) const CHECK_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The letters page runs one script of ours: the policy of every page plus
/// `script-src 'self'`.
const LETTERS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/check", get(index).post(check))
        .route("/breaches", get(breaches))
        .route("/breaches/{name}", get(breach))
        .route("/breaches/{name}/staff-message.txt", get(staff_message))
        .route("/letters", get(letters))
        .route("/alerts", get(alerts::ask).post(alerts::subscribe))
        .route("/alerts/code", axum::routing::post(alerts::code))
        .route(
            "/alerts/opt-out",
            get(alerts::ask_opt_out).post(alerts::opt_out),
        )
        .route(
            "/alerts/confirm",
            get(alerts::confirm_page).post(alerts::confirm),
        )
        .route(
            "/alerts/unsubscribe",
            get(alerts::unsubscribe_page).post(alerts::unsubscribe),
        )
        .route("/org", get(orgs::home))
        .route("/org/sign-in", post(orgs::sign_in))
        .route("/org/link", get(orgs::link_page).post(orgs::follow))
        .route("/org/sign-out", post(orgs::sign_out))
        .route(
            "/org/passkey/challenge",
            post(orgs::passkey_sign_in_challenge),
        )
        .route("/org/passkey/sign-in", post(orgs::passkey_sign_in))
        .route("/org/passkeys", post(orgs::add_passkey))
        .route("/org/passkeys/challenge", post(orgs::passkey_add_challenge))
        .route("/org/passkeys/{passkey}/remove", post(orgs::remove_passkey))
        .route("/org/sign-out-everywhere", post(orgs::sign_out_everywhere))
        .route("/org/new", post(orgs::create))
        .route("/org/{id}", get(orgs::show))
        .route("/org/{id}/audit", get(orgs::audit))
        .route("/org/{id}/invite", post(orgs::invite))
        .route("/org/{id}/members/{person}/role", post(orgs::set_role))
        .route(
            "/org/{id}/members/{person}/remove",
            post(orgs::remove_member),
        )
        .route("/org/{id}/delete", post(orgs::delete))
        .route("/org/{id}/watchlist", post(orgs::watch_one))
        .route(
            "/org/{id}/watchlist/upload",
            post(orgs::upload).layer(axum::extract::DefaultBodyLimit::max(
                lekradar_orgs::MAX_UPLOAD_BYTES,
            )),
        )
        .route(
            "/org/{id}/watchlist/{entry}/remove",
            post(orgs::remove_watch),
        )
        .route(
            "/org/{id}/watchlist/{entry}/confirm",
            post(orgs::confirm_phone),
        )
        .route(
            "/org/{id}/watchlist/{entry}/resend",
            post(orgs::resend_code),
        )
        .route("/org/{id}/api-keys", post(orgs::create_api_key))
        .route(
            "/org/{id}/api-keys/{key}/revoke",
            post(orgs::revoke_api_key),
        )
        .route("/org/{id}/webhooks", post(orgs::add_webhook))
        .route(
            "/org/{id}/webhooks/{hook}/{action}",
            post(orgs::webhook_action),
        )
        .route("/org/{id}/report", get(orgs::report))
        .route("/org/{id}/report.csv", get(orgs::report_csv))
        .route("/org/{id}/domains", post(orgs::add_domain))
        .route("/org/{id}/domains/{domain}/check", post(orgs::check_domain))
        .route("/org/{id}/domains/{domain}/mail", post(orgs::mail_domain))
        .route(
            "/org/{id}/domains/{domain}/remove",
            post(orgs::remove_domain),
        )
        .route("/assets/letter.js", get(letter_js))
        .route("/assets/passkeys.js", get(passkeys_js))
        .route("/assets/private-check.js", get(private_check_js))
        .route("/assets/style.css", get(style))
        .route("/assets/icon.svg", get(icon))
        .route("/favicon.ico", get(icon))
}

/// The breach's description in `lang`, else in English, else HIBP's field.
pub fn description(b: &Breach, lang: Lang) -> String {
    let d = &b.meta.descriptions;
    let localized = match lang {
        Lang::Nl => d.nl.as_ref(),
        Lang::Fr => d.fr.as_ref(),
        Lang::En => d.en.as_ref(),
    };
    localized
        .or(d.en.as_ref())
        .cloned()
        .unwrap_or_else(|| b.meta.description.clone())
}

fn html(status: StatusCode, lang: &PageLang, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => {
            let mut response = (status, Html(body)).into_response();
            lang.set_cookie(&mut response);
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "page template failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "This page cannot be shown right now.",
            )
                .into_response()
        }
    }
}

/// A page that says one thing (the alerts' and organisations' steps).
fn message(
    state: &AppState,
    lang: &PageLang,
    status: StatusCode,
    title: &str,
    text: String,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let page = MessagePage {
        page: PageCtx::new(tr, lang, tr.t(title)),
        heading: tr.t(title),
        text,
    };
    no_store(html(status, lang, askama::Template::render(&page)))
}

/// Why an identifier cannot be read, in the person's language.
fn identifier_error(tr: &Tr<'_>, e: &IdentifierError) -> String {
    match e {
        IdentifierError::Empty => tr.t("error-empty"),
        IdentifierError::TooLong => tr.t("error-too-long"),
        IdentifierError::Rejected(r) => tr.ts("error-not-an-account", "reason", &r.to_string()),
    }
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn region_options(state: &AppState, tr: &Tr<'_>, chosen: Region) -> Vec<RegionOption> {
    state
        .config
        .form_regions
        .iter()
        .map(|r| RegionOption {
            code: r.as_str().to_owned(),
            name: tr.t(&format!("region-{}", r.as_str())),
            selected: *r == chosen,
        })
        .collect()
}

fn form_page<'a>(
    state: &'a AppState,
    lang: &PageLang,
    tr: Tr<'a>,
    account: String,
    region: Region,
    error: Option<String>,
    csrf: String,
) -> IndexPage<'a> {
    let (_, catalogue) = state.service.snapshot();
    let private_check = private_check_mode(state);
    IndexPage {
        page: PageCtx::new(tr, lang, tr.t("index-title")),
        owner_only: state.service.mode() == DeploymentMode::OwnerOnly,
        private_check,
        i18n: private_check
            .map(|_| client_i18n(state, &tr))
            .unwrap_or_default(),
        account,
        regions: region_options(state, &tr, region),
        error,
        breach_count: tr.tn(
            "index-breach-count",
            catalogue.all().iter().filter(|b| !b.retired).count() as u64,
        ),
        csrf,
    }
}

/// The region the form preselects: Belgium for French, else the default.
fn form_default_region(state: &AppState, lang: Lang) -> Region {
    if lang == Lang::Fr && state.config.form_regions.contains(&Region::BE) {
        Region::BE
    } else {
        state.service.config().default_region
    }
}

/// The check form, first shown or shown again with an error: with the
/// script of the private check, under the policy that lets it run (else the
/// next submit would be a direct post), and the cookie its token is bound
/// to. Never cached: the token is this browser's.
fn render_form(
    status: StatusCode,
    lang: &PageLang,
    page: &IndexPage<'_>,
    set_cookie: Option<HeaderValue>,
) -> Response {
    let mut response = no_store(html(status, lang, askama::Template::render(page)));
    if page.private_check.is_some() {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CHECK_CSP),
        );
    }
    if let Some(cookie) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

async fn index(State(state): State<AppState>, lang: PageLang, headers: HeaderMap) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let region = form_default_region(&state, lang.lang);
    let token = state.form_tokens.issue(&headers);
    let page = form_page(&state, &lang, tr, String::new(), region, None, token.field);
    render_form(StatusCode::OK, &lang, &page, token.set_cookie)
}

/// The page answering a request another website made (`crate::csrf`).
pub fn cross_site_page(state: &AppState, lang: &PageLang) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let page = MessagePage {
        page: PageCtx::new(tr, lang, tr.t("cross-site-title")),
        heading: tr.t("cross-site-title"),
        text: tr.t("cross-site-text"),
    };
    no_store(html(
        StatusCode::FORBIDDEN,
        lang,
        askama::Template::render(&page),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct CheckForm {
    #[serde(default)]
    account: String,
    #[serde(default)]
    region: String,
    /// The form token (`crate::csrf`).
    #[serde(default)]
    csrf: String,
}

async fn check(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    headers: HeaderMap,
    form: Result<Form<CheckForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let form = form.map(|f| f.0).unwrap_or_default();
    let region = form
        .region
        .parse::<Region>()
        .ok()
        .filter(|r| state.config.form_regions.contains(r))
        .unwrap_or_else(|| form_default_region(&state, lang.lang));
    let retry_with = |status: StatusCode, account: String, error: String| {
        let token = state.form_tokens.issue(&headers);
        let page = form_page(&state, &lang, tr, account, region, Some(error), token.field);
        render_form(status, &lang, &page, token.set_cookie)
    };
    let retry = |error: String| retry_with(StatusCode::BAD_REQUEST, form.account.clone(), error);
    // Before anything is read or spent: a form posted from elsewhere (or
    // without its cookie) is shown again, empty — not with what another
    // site may have filled in — and with a fresh token.
    if !state.form_tokens.verify(&headers, &form.csrf) {
        state.metrics.service.check("page", "bad_token");
        return retry_with(
            StatusCode::FORBIDDEN,
            String::new(),
            tr.t("error-form-expired"),
        );
    }
    let service = &state.service;
    let message_page = |status: StatusCode, title: &str, text: String| {
        let page = MessagePage {
            page: PageCtx::new(tr, &lang, tr.t(title)),
            heading: tr.t(title),
            text,
        };
        html(status, &lang, askama::Template::render(&page))
    };
    let query = CheckQuery {
        text: &form.account,
        region,
        lang: lang.lang,
    };
    let outcome = match service.admit(Interface::Page, ip, None).await {
        Ok(admitted) => service.check(&admitted, query, &|_| true).await,
        Err(refusal) => Err(refusal),
    };
    let (id, exposures) = match outcome {
        Ok(CheckOutcome::OnScreen { id, exposures }) => (id, exposures),
        Ok(CheckOutcome::ByMail) => {
            // The same page whatever the outcome: the check is made after
            // it, and its answer goes to the mailer only.
            return no_store(message_page(
                StatusCode::OK,
                "owner-sent-title",
                tr.t("owner-sent-text"),
            ));
        }
        Err(Refusal::Invalid(e)) => return retry(identifier_error(&tr, &e)),
        Err(Refusal::EmailOnly) => return retry(tr.t("error-owner-only-email")),
        Err(Refusal::PrivateMode) => {
            // Only the check in the browser (which never sends the identifier).
            return no_store(message_page(
                StatusCode::FORBIDDEN,
                "private-only-title",
                tr.t("private-only-text"),
            ));
        }
        Err(Refusal::Limited(denied)) => {
            let mut response = message_page(
                StatusCode::TOO_MANY_REQUESTS,
                "limited-title",
                tr.tn("limited-text", denied.retry_after_secs()),
            );
            if let Ok(v) = HeaderValue::from_str(&denied.retry_after_secs().to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return no_store(response);
        }
        // The pages carry no API key: the rest is the service failing.
        Err(Refusal::Unavailable | Refusal::NeedsApiKey | Refusal::UnknownKey) => {
            return message_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable-title",
                tr.t("unavailable-text"),
            );
        }
    };

    let mut found: Vec<_> = exposures.found.iter().collect();
    found.sort_by_key(|e| std::cmp::Reverse(e.breach.meta.breach_date));
    let breaches = found
        .iter()
        .map(|e| ExposureView {
            name: e.breach.meta.name.clone(),
            title: e.breach.meta.title.clone(),
            kind: tr.t(&format!("kind-{}", e.breach.meta.kind.as_str())),
            date: tr.date(&e.breach.meta.breach_date),
            classes: e.classes.iter().map(|c| tr.class(c)).collect(),
            not_in_record: match e
                .breach
                .meta
                .data_classes
                .len()
                .saturating_sub(e.classes.len())
            {
                0 => None,
                n => Some(tr.tn("result-not-in-your-record", n as u64)),
            },
        })
        .collect::<Vec<_>>();
    let items = advice_for(&id, &exposures.found, country_of_region(region));
    let advice = state
        .advice
        .texts(&items, lang.lang)
        .into_iter()
        .map(|a| AdviceView {
            urgency_label: tr.t(&format!("urgency-{}", a.urgency)),
            text: a,
        })
        .collect();
    let checked = exposures
        .catalogue
        .all()
        .iter()
        .filter(|b| b.listable_for_accounts())
        .count() as u64;
    let heading = if breaches.is_empty() {
        tr.tn("result-clean", checked)
    } else {
        tr.tn("result-found", breaches.len() as u64)
    };
    let letters_link = exposures
        .found
        .iter()
        .find(|e| e.breach.meta.kind == lekradar_breach::BreachKind::DataBroker)
        .map(|e| letters_href(&e.breach.meta.name));
    let page = ResultPage {
        page: PageCtx::new(tr, &lang, heading.clone()),
        heading,
        identifier: id.canonical().to_owned(),
        kind: tr.t(&format!("identifier-{}", id.kind().as_str())),
        found: !breaches.is_empty(),
        breaches,
        advice,
        letters_link,
    };
    no_store(html(StatusCode::OK, &lang, askama::Template::render(&page)))
}

async fn breaches(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    if let Some(limited) = read_limited(&state, ip, &lang, tr) {
        return limited;
    }
    let (_, catalogue) = state.service.snapshot();
    let mut rows: Vec<_> = catalogue.all().iter().filter(|b| !b.retired).collect();
    rows.sort_by_key(|b| std::cmp::Reverse(b.meta.breach_date));
    let rows = rows
        .into_iter()
        .map(|b| CatalogueRow {
            name: b.meta.name.clone(),
            title: b.meta.title.clone(),
            kind: tr.t(&format!("kind-{}", b.meta.kind.as_str())),
            date: tr.date(&b.meta.breach_date),
            count: tr.count(b.meta.pwn_count),
            classes: b
                .meta
                .data_classes
                .iter()
                .map(|c| tr.class(c))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let page = CataloguePage {
        page: PageCtx::new(tr, &lang, tr.t("catalogue-title")),
        rows,
    };
    html(StatusCode::OK, &lang, askama::Template::render(&page))
}

fn read_limited(
    state: &AppState,
    ip: std::net::IpAddr,
    lang: &PageLang,
    tr: Tr<'_>,
) -> Option<Response> {
    let denied = state.service.read_budget(ip).err()?;
    let page = MessagePage {
        page: PageCtx::new(tr, lang, tr.t("limited-title")),
        heading: tr.t("limited-title"),
        text: tr.tn("limited-text", denied.retry_after_secs()),
    };
    let mut response = html(
        StatusCode::TOO_MANY_REQUESTS,
        lang,
        askama::Template::render(&page),
    );
    if let Ok(v) = HeaderValue::from_str(&denied.retry_after_secs().to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Some(response)
}

async fn breach(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    Path(name): Path<String>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    if let Some(limited) = read_limited(&state, ip, &lang, tr) {
        return limited;
    }
    let (_, catalogue) = state.service.snapshot();
    let Some(b) = catalogue.get(name.trim()) else {
        return not_found_page(&state, &lang);
    };
    let m = &b.meta;
    let stats = &m.statistics;
    let countries = charts::BarChart::new(
        "chart-countries",
        tr.t("breach-chart-countries"),
        stats
            .phone_numbers_by_country
            .iter()
            .map(|(cc, n)| (tr.country(cc), *n))
            .collect(),
        &tr.t("chart-other"),
        |n| tr.count(n),
    );
    let classes = charts::BarChart::new(
        "chart-classes",
        tr.t("breach-chart-classes"),
        stats
            .records_by_data_class
            .iter()
            .map(|(c, n)| (tr.class(c), *n))
            .collect(),
        &tr.t("chart-other"),
        |n| tr.count(n),
    );
    let staff = lekradar_l10n::staff::StaffMessage::new(&b.meta, &tr);
    let page = BreachPage {
        staff_subject: staff.subject.clone(),
        staff_text: staff.paragraphs.join("\n\n"),
        staff_download: format!(
            "/breaches/{}/staff-message.txt?lang={}",
            encode_path(&m.name),
            lang.lang.code()
        ),
        letters_link: (m.kind == lekradar_breach::BreachKind::DataBroker)
            .then(|| letters_href(&m.name)),
        page: PageCtx::new(tr, &lang, m.title.clone()),
        title: m.title.clone(),
        kind: tr.t(&format!("kind-{}", m.kind.as_str())),
        date: tr.date(&m.breach_date),
        added: tr.date(&m.added_date.date_naive()),
        count: tr.count(m.pwn_count),
        emails: tr.count(stats.email_addresses),
        description: description(b, lang.lang),
        domain: m.domain.clone(),
        classes: m.data_classes.iter().map(|c| tr.class(c)).collect(),
        retired: b.retired,
        sensitive: m.is_sensitive,
        verified: m.is_verified,
        fabricated: m.is_fabricated,
        countries,
        class_chart: classes,
    };
    html(StatusCode::OK, &lang, askama::Template::render(&page))
}

/// The localized 404 page.
pub fn not_found_page(state: &AppState, lang: &PageLang) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let page = MessagePage {
        page: PageCtx::new(tr, lang, tr.t("not-found-title")),
        heading: tr.t("not-found-title"),
        text: tr.t("not-found-text"),
    };
    html(StatusCode::NOT_FOUND, lang, askama::Template::render(&page))
}

/// Fallback for unknown page paths.
pub async fn fallback(State(state): State<AppState>, lang: PageLang) -> Response {
    not_found_page(&state, &lang)
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

async fn icon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
        .into_response()
}

/// A path segment, percent-encoded (breach names are letters, digits and
/// `-_.`, but a link should not trust that).
fn encode_path(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn letters_href(breach: &str) -> String {
    format!("/letters?breach={}", encode_path(breach))
}

/// The staff message about a breach, as a text file to download.
async fn staff_message(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: PageLang,
    Path(name): Path<String>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    if let Some(limited) = read_limited(&state, ip, &lang, tr) {
        return limited;
    }
    let (_, catalogue) = state.service.snapshot();
    let Some(b) = catalogue.get(name.trim()) else {
        return not_found_page(&state, &lang);
    };
    let text = lekradar_l10n::staff::StaffMessage::new(&b.meta, &tr).to_text();
    let disposition = format!(
        "attachment; filename=\"{}-staff-{}.txt\"",
        b.meta.name,
        lang.lang.code()
    );
    let mut response =
        ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

#[derive(Debug, Deserialize)]
pub struct LettersQuery {
    breach: Option<String>,
}

/// The GDPR letters to a data broker, filled in the browser.
async fn letters(
    State(state): State<AppState>,
    lang: PageLang,
    query: Result<axum::extract::Query<LettersQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    use lekradar_l10n::letters::{letter, placeholder, template, LetterFields, LetterKind, FIELDS};
    let tr = state.l10n.tr(lang.lang);
    let (_, catalogue) = state.service.snapshot();
    let broker = query
        .ok()
        .and_then(|q| q.0.breach)
        .and_then(|name| catalogue.get(name.trim()).map(|b| b.meta.title.clone()));
    let fields = FIELDS
        .iter()
        .map(|&id| LetterField {
            id,
            label: tr.t(&format!("letters-field-{id}")),
            placeholder: placeholder(&tr, id),
            value: if id == "broker" {
                broker.clone().unwrap_or_default()
            } else {
                String::new()
            },
            multiline: id == "identifiers",
        })
        .collect();
    let today = chrono::Utc::now().date_naive();
    let filled = LetterFields {
        broker: broker.clone(),
        ..LetterFields::default()
    };
    let letters = [LetterKind::Access, LetterKind::Erasure]
        .into_iter()
        .map(|kind| {
            let (subject, body) = letter(&tr, kind, &filled, today);
            let (_, template) = template(&tr, kind, today);
            // The broker field may be prefilled: the template keeps its token.
            LetterView {
                id: format!("letter-{}", kind.id()),
                heading: tr.t(&format!("letters-{}-heading", kind.id())),
                subject,
                body,
                template,
            }
        })
        .collect();
    let page = LettersPage {
        page: PageCtx::new(tr, &lang, tr.t("letters-heading")),
        fields,
        letters,
        complaint_nl: tr.t("letter-complaint-nl"),
        complaint_be: tr.t("letter-complaint-be"),
    };
    let mut response = html(StatusCode::OK, &lang, askama::Template::render(&page));
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(LETTERS_CSP),
    );
    response
}

async fn passkeys_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        PASSKEYS_JS,
    )
        .into_response()
}

async fn private_check_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        PRIVATE_CHECK_JS,
    )
        .into_response()
}

/// Whether the check form runs the private check in the browser, and how it
/// falls back: `public` (post a direct check) or `private` (none).
fn private_check_mode(state: &AppState) -> Option<&'static str> {
    if PRIVATE_CHECK_JS.is_empty() {
        return None;
    }
    match state.service.mode() {
        DeploymentMode::Public => Some("public"),
        DeploymentMode::Private => Some("private"),
        DeploymentMode::OwnerOnly => None,
    }
}

/// The translations the browser client draws its result with.
fn client_i18n(state: &AppState, tr: &Tr<'_>) -> String {
    let (_, catalogue) = state.service.snapshot();
    let listable = catalogue
        .all()
        .iter()
        .filter(|b| b.listable_for_accounts())
        .count() as u64;
    let mut found = serde_json::Map::new();
    for n in 1..=listable.max(1) {
        found.insert(n.to_string(), tr.tn("result-found", n).into());
    }
    found.insert(
        "many".into(),
        tr.tn("result-found", 1000)
            .replace(&tr.count(1000), "{n}")
            .into(),
    );
    let mut classes = serde_json::Map::new();
    for c in lekradar_breach::HIBP_DATA_CLASSES
        .iter()
        .map(|c| (*c).to_owned())
        .chain(
            catalogue
                .all()
                .iter()
                .flat_map(|b| b.meta.data_classes.clone()),
        )
    {
        classes.insert(c.clone(), tr.class(&c).into());
    }
    let kinds: serde_json::Map<String, serde_json::Value> =
        ["breach", "scrape", "data-broker", "stealer-log"]
            .iter()
            .map(|k| ((*k).to_owned(), tr.t(&format!("kind-{k}")).into()))
            .collect();
    let urgency: serde_json::Map<String, serde_json::Value> = ["now", "soon", "habit"]
        .iter()
        .map(|u| ((*u).to_owned(), tr.t(&format!("urgency-{u}")).into()))
        .collect();
    serde_json::json!({
        "lang": tr.lang.code(),
        "clean": tr.tn("result-clean", listable),
        "found": found,
        "cleanText": tr.t("result-clean-text"),
        "privately": tr.t("private-checked-privately"),
        "breachesHeading": tr.t("result-breaches-heading"),
        "yourData": tr.t("result-your-data"),
        "adviceHeading": tr.t("result-advice-heading"),
        "sources": tr.t("advice-sources"),
        "urgency": urgency,
        "classes": classes,
        "kinds": kinds,
        "checking": tr.t("private-checking"),
        "invalid": tr.t("private-invalid"),
        "limited": tr.t("private-limited"),
        "failed": tr.t("private-failed"),
        "untrusted": tr.t("private-untrusted"),
        "direct": tr.t("private-direct"),
    })
    .to_string()
}

async fn letter_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        LETTER_JS,
    )
        .into_response()
}
