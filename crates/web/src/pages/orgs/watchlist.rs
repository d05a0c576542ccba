//! Watchlists and reports of an organisation: a file uploaded
//! (`multipart/form-data`, read in memory, never written to disk) or one
//! entry typed in, kept through `Service::watch`; the report (per breach
//! with its chart and staff message, per person a page at a time) and its
//! CSV export. Viewing and exporting are written to the audit log.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lekradar_l10n::Tr;
use lekradar_orgs::{Member, Role};
use serde::Deserialize;

use super::{
    act, explain, member_of, message, org_page, org_page_with, signed_in, signed_post, Done,
    FormResult, OrgForm, Signed,
};
use crate::pages::templates::PageCtx;
use crate::pages::{html, no_store, PageLang};
use crate::state::AppState;

fn refused_line(tr: &Tr<'_>, r: &lekradar_orgs::Refused) -> String {
    let reason = tr.t(&format!("org-refused-{}", r.reason.as_str()));
    if r.line == 0 {
        reason
    } else {
        tr.ta(
            "org-refused-line",
            &[("line", &r.line.to_string()), ("reason", &reason)],
        )
    }
}

/// Adds what `entries` hold and shows the organisation's page with the
/// outcome.
#[allow(clippy::too_many_arguments)]
async fn watch_and_show(
    state: &AppState,
    lang: &PageLang,
    signed: &Signed,
    member: &Member,
    entries: Vec<lekradar_orgs::ReadEntry>,
    mut refused: Vec<lekradar_orgs::Refused>,
    source: &str,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    // The work goes on by itself: a long list outlasting the request's
    // time gets a page saying so instead of a timeout, and is kept whole.
    let work = {
        let (service, orgs, member) = (state.service.clone(), signed.orgs.clone(), member.clone());
        let source = source.to_owned();
        tokio::spawn(async move { service.watch(&orgs, &member, entries, &source).await })
    };
    let patience = state.config.request_timeout.mul_f64(0.75);
    let outcome = tokio::select! {
        joined = work => joined.unwrap_or(Err(lekradar_orgs::OrgError::Unavailable)),
        () = tokio::time::sleep(patience) => {
            return org_page(
                state,
                lang,
                signed,
                member,
                StatusCode::ACCEPTED,
                Some(tr.t("org-watch-still-working")),
                None,
            )
            .await;
        }
    };
    match outcome {
        Ok(done) => {
            refused.extend(done.refused);
            refused.sort_by_key(|r| r.line);
            let mut notice = tr.ta(
                "org-watch-added",
                &[
                    ("added", &done.added.added.to_string()),
                    ("updated", &done.added.updated.to_string()),
                    ("refused", &refused.len().to_string()),
                ],
            );
            if done.added.codes_sent > 0 {
                notice.push(' ');
                notice.push_str(&tr.tn(
                    "org-watch-codes-sent",
                    u64::try_from(done.added.codes_sent).unwrap_or(u64::MAX),
                ));
            }
            let lines = refused
                .iter()
                .take(1000)
                .map(|r| refused_line(&tr, r))
                .collect();
            org_page_with(
                state,
                lang,
                signed,
                member,
                StatusCode::OK,
                Some(notice),
                None,
                lines,
            )
            .await
        }
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            org_page(state, lang, signed, member, status, None, Some(text)).await
        }
    }
}

pub async fn watch_one(
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
    let region = crate::pages::form_default_region(&state, lang.lang);
    match lekradar_orgs::watchlist::read_one(&form.identifier, &form.reference, region) {
        Some(entry) => {
            watch_and_show(
                &state,
                &lang,
                &signed,
                &member,
                vec![entry],
                Vec::new(),
                "one",
            )
            .await
        }
        None => {
            let tr = state.l10n.tr(lang.lang);
            org_page(
                &state,
                &lang,
                &signed,
                &member,
                StatusCode::BAD_REQUEST,
                None,
                Some(tr.t("org-error-identifier")),
            )
            .await
        }
    }
}

/// A watchlist file (`multipart/form-data`: `csrf`, then `file`).
pub async fn upload(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let tr = state.l10n.tr(lang.lang);
    let mut form = OrgForm::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut bad = None;
    match multipart {
        Ok(mut parts) => loop {
            match parts.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or_default().to_owned();
                    let file_name = field.file_name().unwrap_or("watchlist.csv").to_owned();
                    match field.bytes().await {
                        Ok(bytes) if name == "csrf" => {
                            form.csrf = String::from_utf8_lossy(&bytes).into_owned()
                        }
                        Ok(bytes) if name == "file" => file = Some((file_name, bytes.to_vec())),
                        Ok(_) => {}
                        Err(e) => {
                            bad = Some((e.status(), e.body_text()));
                            break;
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    bad = Some((e.status(), e.body_text()));
                    break;
                }
            }
        },
        Err(e) => bad = Some((e.status(), e.body_text())),
    }
    let signed = match signed_post(&state, &lang, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let member = match member_of(&state, &lang, &signed, &id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Some((status, _)) = bad {
        let text = if status == StatusCode::PAYLOAD_TOO_LARGE {
            tr.t("org-error-upload-too-large")
        } else {
            tr.t("org-error-upload")
        };
        return org_page(&state, &lang, &signed, &member, status, None, Some(text)).await;
    }
    let Some((name, bytes)) = file else {
        return org_page(
            &state,
            &lang,
            &signed,
            &member,
            StatusCode::BAD_REQUEST,
            None,
            Some(tr.t("org-error-upload")),
        )
        .await;
    };
    let regions = state.config.form_regions.clone();
    let read = tokio::task::spawn_blocking(move || {
        lekradar_orgs::watchlist::read_file(bytes, &name, &regions)
    })
    .await;
    match read {
        Ok(Ok(file)) => {
            watch_and_show(
                &state,
                &lang,
                &signed,
                &member,
                file.entries,
                file.refused,
                "file",
            )
            .await
        }
        Ok(Err(e)) => {
            let text = tr.ts("org-error-file", "reason", &e.to_string());
            org_page(
                &state,
                &lang,
                &signed,
                &member,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(text),
            )
            .await
        }
        Err(_) => {
            org_page(
                &state,
                &lang,
                &signed,
                &member,
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                Some(tr.t("alerts-unavailable")),
            )
            .await
        }
    }
}

pub async fn remove_watch(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, entry)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(
        state,
        lang,
        headers,
        id.clone(),
        form,
        |orgs, m, _, _| async move {
            orgs.remove_watch(&m, entry).await?;
            Ok(Done::Away(format!("/org/{id}/report")))
        },
    )
    .await
}

/// `POST /org/{id}/watchlist/{entry}/confirm`: the code a number's holder
/// gave (owner-only deployments).
pub async fn confirm_phone(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, entry)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(
        state,
        lang,
        headers,
        id.clone(),
        form,
        |orgs, m, form, _| async move {
            orgs.confirm_phone(&m, entry, &form.code).await?;
            Ok(Done::Away(format!("/org/{id}/report?all=1")))
        },
    )
    .await
}

/// `POST /org/{id}/watchlist/{entry}/resend`: a new code to the number.
pub async fn resend_code(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path((id, entry)): Path<(String, i64)>,
    form: FormResult,
) -> Response {
    act(state, lang, headers, id, form, |orgs, m, _, _| async move {
        orgs.resend_phone_code(&m, entry).await?;
        Ok(Done::Notice("org-watch-code-resent"))
    })
    .await
}

#[derive(Template)]
#[template(path = "org_report.html")]
struct ReportPage<'a> {
    page: PageCtx<'a>,
    org_id: String,
    name: String,
    owner: bool,
    csrf: String,
    breaches: Vec<BreachLine>,
    people: Vec<PersonLine>,
    chart: crate::pages::charts::BarChart,
    lang_code: &'static str,
    total: usize,
    exposed: usize,
    /// Everybody listed, not only the people in a breach.
    all: bool,
    next: Option<String>,
    /// How many entries are still being matched, said for people.
    matching: Option<String>,
    /// The organisation has a proved domain.
    proved: bool,
    domains: Vec<DomainLine>,
}

/// Addresses at one proved domain in one breach, counted at ingest.
struct DomainLine {
    domain: String,
    name: String,
    title: String,
    addresses: String,
}

struct BreachLine {
    name: String,
    title: String,
    people: usize,
    classes: String,
}

struct PersonLine {
    id: i64,
    reference: String,
    identifier: String,
    shown: bool,
    /// A mobile number waiting for its holder's code.
    awaiting: bool,
    breaches: Vec<(String, String)>,
}

/// People per report page.
const PAGE: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    /// The last entry id of the previous page.
    #[serde(default)]
    after: i64,
    /// `1`: everybody, not only the people in a breach.
    #[serde(default)]
    all: String,
}

pub async fn report(
    State(state): State<AppState>,
    lang: PageLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
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
    let all = q.all == "1";
    let fetched = async {
        let summary = signed.orgs.watch_summary(&member).await?;
        let people = signed.orgs.watch_page(&member, q.after, PAGE, !all).await?;
        let proved = signed.orgs.verified_domains(&member).await?;
        signed.orgs.record(&member, "report.viewed", "").await?;
        Ok::<_, lekradar_orgs::OrgError>((summary, people, proved))
    }
    .await;
    let (summary, people, proved) = match fetched {
        Ok(f) => f,
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            return message(&state, &lang, status, "org-report-title", text);
        }
    };
    let class = |c: &str| tr.class(c);
    let domains: Vec<DomainLine> = proved
        .iter()
        .flat_map(|domain| {
            state
                .service
                .domain_exposure(domain)
                .into_iter()
                .map(|(breach, n)| DomainLine {
                    domain: domain.clone(),
                    name: breach.meta.name.clone(),
                    title: breach.meta.title.clone(),
                    addresses: tr.count(n),
                })
        })
        .collect();
    let breaches: Vec<BreachLine> = summary
        .breaches
        .iter()
        .map(|(name, people, classes)| BreachLine {
            title: state
                .service
                .breach_named(name)
                .map_or_else(|| name.clone(), |b| b.meta.title.clone()),
            classes: classes
                .iter()
                .map(|c| class(c))
                .collect::<Vec<_>>()
                .join(", "),
            name: name.clone(),
            people: *people,
        })
        .collect();
    let chart = crate::pages::charts::BarChart::new(
        "chart-org-breaches",
        tr.t("org-report-chart"),
        breaches
            .iter()
            .map(|b| (b.title.clone(), b.people as u64))
            .collect(),
        &tr.t("chart-other"),
        |n| tr.count(n),
    );
    let next = (people.len() == PAGE).then(|| {
        format!(
            "/org/{}/report?after={}{}",
            member.public_id,
            people.last().map_or(0, |p| p.id),
            if all { "&all=1" } else { "" }
        )
    });
    let page = ReportPage {
        org_id: member.public_id.clone(),
        name: member.name.clone(),
        owner: member.role == Role::Owner,
        csrf: state.form_tokens.session_field(&signed.token),
        total: summary.total,
        exposed: summary.exposed,
        all,
        next,
        matching: (summary.awaiting > 0)
            .then(|| tr.tn("org-watch-matching", summary.awaiting as u64)),
        proved: !proved.is_empty(),
        domains,
        people: people
            .into_iter()
            .map(|w| PersonLine {
                id: w.id,
                reference: w.reference,
                identifier: w.identifier,
                shown: w.shown,
                awaiting: w.awaiting_confirmation,
                breaches: w
                    .hits
                    .into_iter()
                    .map(|(b, c)| {
                        let classes = c
                            .split(", ")
                            .filter(|c| !c.is_empty())
                            .map(&class)
                            .collect::<Vec<_>>()
                            .join(", ");
                        let title = state
                            .service
                            .breach_named(&b)
                            .map_or(b, |breach| breach.meta.title.clone());
                        (title, classes)
                    })
                    .collect(),
            })
            .collect(),
        breaches,
        chart,
        lang_code: lang.lang.code(),
        page: PageCtx::new(tr, &lang, tr.t("org-report-title")),
    };
    no_store(html(StatusCode::OK, &lang, page.render()))
}

/// The report as CSV: one line per person and breach (a person in no
/// breach: one line with the breach empty).
pub async fn report_csv(
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
    let list = match signed.orgs.watchlist(&member).await {
        Ok(l) => l,
        Err(e) => {
            let (status, text) = explain(&tr, &e);
            return message(&state, &lang, status, "org-report-title", text);
        }
    };
    if let Err(e) = signed.orgs.record(&member, "report.exported", "csv").await {
        let (status, text) = explain(&tr, &e);
        return message(&state, &lang, status, "org-report-title", text);
    }
    fn field(v: &str) -> String {
        // Quoted; a leading =, +, - or @ is defused for spreadsheets.
        let v = if v.starts_with(['=', '+', '-', '@']) {
            format!("'{v}")
        } else {
            v.to_owned()
        };
        format!("\"{}\"", v.replace('"', "\"\""))
    }
    let mut out = String::from("reference,identifier,breach,data_classes,shown\r\n");
    for w in &list {
        let shown = if w.shown {
            "yes"
        } else {
            "no (domain not proved)"
        };
        if w.hits.is_empty() {
            out.push_str(&format!(
                "{},{},\"\",\"\",{}\r\n",
                field(&w.reference),
                field(&w.identifier),
                field(shown)
            ));
        }
        for (breach, classes) in &w.hits {
            out.push_str(&format!(
                "{},{},{},{},{}\r\n",
                field(&w.reference),
                field(&w.identifier),
                field(breach),
                field(classes),
                field(shown)
            ));
        }
    }
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"lekradar-{}.csv\"", member.public_id),
            ),
        ],
        out,
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
