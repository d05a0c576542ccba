//! The askama templates' data: one struct per page, each with the shared
//! [`PageCtx`] (translations, language switch, title). Templates live in
//! `crates/web/templates/` and are compiled into the binary.

use askama::Template;

use super::charts::BarChart;
use super::lang::PageLang;
use lekradar_l10n::advice::AdviceText;
use lekradar_l10n::{Lang, Tr};

/// What every page needs.
pub struct PageCtx<'a> {
    pub tr: Tr<'a>,
    pub lang: &'static str,
    pub title: String,
    pub langs: Vec<LangLink>,
    /// Whether the navigation links the alerts pages.
    pub alerts: bool,
    /// Whether the navigation links the organisation pages.
    pub orgs: bool,
}

/// One entry of the language switch.
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl<'a> PageCtx<'a> {
    pub fn new(tr: Tr<'a>, lang: &PageLang, title: String) -> PageCtx<'a> {
        let langs = Lang::ALL
            .iter()
            .map(|l| LangLink {
                code: l.code(),
                name: l.native_name(),
                href: format!("{}?lang={}", lang.path, l.code()),
                current: *l == lang.lang,
            })
            .collect();
        PageCtx {
            tr,
            lang: lang.lang.code(),
            title,
            langs,
            alerts: lang.offers.alerts,
            orgs: lang.offers.orgs,
        }
    }
}

pub struct RegionOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage<'a> {
    pub page: PageCtx<'a>,
    pub owner_only: bool,
    /// `public` or `private` when the browser runs the private check.
    pub private_check: Option<&'static str>,
    /// Translations for the browser client (JSON).
    pub i18n: String,
    pub account: String,
    pub regions: Vec<RegionOption>,
    pub error: Option<String>,
    pub breach_count: String,
    /// The form token (`crate::csrf`).
    pub csrf: String,
}

pub struct ExposureView {
    pub name: String,
    pub title: String,
    pub kind: String,
    pub date: String,
    /// The person's data classes, translated.
    pub classes: Vec<String>,
    /// A note on the breach's classes that were not in this person's record.
    pub not_in_record: Option<String>,
}

pub struct AdviceView {
    pub urgency_label: String,
    pub text: std::sync::Arc<AdviceText>,
}

#[derive(Template)]
#[template(path = "result.html")]
pub struct ResultPage<'a> {
    pub page: PageCtx<'a>,
    pub heading: String,
    pub identifier: String,
    pub kind: String,
    pub found: bool,
    pub breaches: Vec<ExposureView>,
    pub advice: Vec<AdviceView>,
    /// Where the GDPR letters for a data broker holding the person are.
    pub letters_link: Option<String>,
}

pub struct LetterField {
    pub id: &'static str,
    pub label: String,
    pub placeholder: String,
    pub value: String,
    pub multiline: bool,
}

pub struct LetterView {
    pub id: String,
    pub heading: String,
    pub subject: String,
    /// With placeholders, for reading and editing without JavaScript.
    pub body: String,
    /// With `@@field@@` tokens, for `letter.js`.
    pub template: String,
}

#[derive(Template)]
#[template(path = "letters.html")]
pub struct LettersPage<'a> {
    pub page: PageCtx<'a>,
    pub fields: Vec<LetterField>,
    pub letters: Vec<LetterView>,
    pub complaint_nl: String,
    pub complaint_be: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub page: PageCtx<'a>,
    pub heading: String,
    pub text: String,
}

pub struct CatalogueRow {
    pub name: String,
    pub title: String,
    pub kind: String,
    pub date: String,
    pub count: String,
    pub classes: String,
}

#[derive(Template)]
#[template(path = "breaches.html")]
pub struct CataloguePage<'a> {
    pub page: PageCtx<'a>,
    pub rows: Vec<CatalogueRow>,
}

#[derive(Template)]
#[template(path = "breach.html")]
pub struct BreachPage<'a> {
    pub page: PageCtx<'a>,
    pub title: String,
    pub kind: String,
    pub date: String,
    pub added: String,
    pub count: String,
    pub emails: String,
    pub description: String,
    pub domain: String,
    pub classes: Vec<String>,
    pub retired: bool,
    pub sensitive: bool,
    pub verified: bool,
    pub fabricated: bool,
    pub countries: BarChart,
    pub class_chart: BarChart,
    pub staff_subject: String,
    pub staff_text: String,
    pub staff_download: String,
    /// For a data broker: where the GDPR letters are.
    pub letters_link: Option<String>,
}
