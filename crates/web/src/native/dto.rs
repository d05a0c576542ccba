//! Native API (`/api/v1`) wire types, camelCase JSON, converted by hand from
//! the domain types.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use lekradar_catalogue::Breach;
use lekradar_l10n::Tr;

/// The advice items' shapes live with their JSON cache (`crate::advice`).
pub use crate::advice::{AdviceDto, SourceDto};

/// A check request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckRequest {
    /// An email address or a phone number, in any spelling.
    #[schema(example = "06-12345678")]
    pub account: String,
    /// Region for a phone number written without a country code
    /// (two letters, e.g. `NL`, `BE`); the server's default when absent.
    #[serde(default)]
    #[schema(example = "NL")]
    pub region: Option<String>,
    /// Language of the advice texts: `nl` (default), `fr` or `en`.
    #[serde(default)]
    #[schema(example = "en")]
    pub lang: Option<String>,
}

/// The canonical form of the identifier that was checked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckedAccount {
    /// `phone` or `email`.
    #[schema(example = "phone")]
    pub kind: String,
    /// E.164 for phone numbers, the normalised address for emails.
    #[schema(example = "+31612345678")]
    pub canonical: String,
}

/// The answer to a check.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckResponse {
    pub account: CheckedAccount,
    pub found: bool,
    /// Breaches holding the account, newest first, each with the data
    /// classes of that person's record.
    pub breaches: Vec<ExposureDto>,
    /// What to do, most urgent first, for exactly the data that leaked.
    #[schema(value_type = Vec<AdviceDto>)]
    pub advice: Vec<std::sync::Arc<serde_json::value::RawValue>>,
    /// Breaches the check was made against.
    pub breaches_checked: u64,
}

/// One breach holding the account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExposureDto {
    pub name: String,
    pub title: String,
    /// `breach`, `scrape`, `data-broker` or `stealer-log`.
    pub kind: String,
    #[schema(format = Date)]
    pub breach_date: String,
    pub is_verified: bool,
    /// The data classes present in this person's record (HIBP's names).
    pub data_classes: Vec<String>,
    /// Every data class of the breach.
    pub breach_data_classes: Vec<String>,
}

/// One advice rule, for clients that choose advice themselves (the private
/// check in the browser): it applies when `found` matches and any of each
/// non-empty list is present.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdviceRuleDto {
    pub found: bool,
    pub classes: Vec<String>,
    /// Breach kinds: `breach`, `scrape`, `data-broker`, `stealer-log`.
    pub kinds: Vec<String>,
    /// `NL`, `BE`, `OTHER`.
    pub countries: Vec<String>,
    pub give: Vec<String>,
}

/// Every advice item in one language and the rules that choose them: the
/// person's items are those the applying rules give, most urgent first
/// (`now`, `soon`, `habit`), then in this order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdviceCatalogueDto {
    #[schema(value_type = Vec<AdviceDto>)]
    pub items: Vec<std::sync::Arc<serde_json::value::RawValue>>,
    pub rules: Vec<AdviceRuleDto>,
}

/// A breach in the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreachDto {
    pub name: String,
    pub title: String,
    pub domain: String,
    pub kind: String,
    #[schema(format = Date)]
    pub breach_date: String,
    #[schema(format = DateTime)]
    pub added_date: String,
    #[schema(format = DateTime)]
    pub modified_date: String,
    /// Distinct identifiers in the breach.
    pub pwn_count: u64,
    /// In the requested language when available.
    pub description: String,
    pub data_classes: Vec<String>,
    pub is_verified: bool,
    pub is_fabricated: bool,
    pub is_sensitive: bool,
    pub is_retired: bool,
    pub is_spam_list: bool,
}

impl BreachDto {
    pub fn new(b: &Breach, tr: &Tr<'_>) -> BreachDto {
        let m = &b.meta;
        BreachDto {
            name: m.name.clone(),
            title: m.title.clone(),
            domain: m.domain.clone(),
            kind: m.kind.as_str().to_owned(),
            breach_date: m.breach_date.format("%Y-%m-%d").to_string(),
            added_date: m
                .added_date
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            modified_date: m
                .modified_date
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            pwn_count: m.pwn_count,
            description: crate::pages::description(b, tr.lang),
            data_classes: m.data_classes.clone(),
            is_verified: m.is_verified,
            is_fabricated: m.is_fabricated,
            is_sensitive: m.is_sensitive,
            is_retired: b.retired,
            is_spam_list: m.is_spam_list,
        }
    }
}

/// A breach with its aggregate statistics (counts only, no personal data).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreachStatisticsDto {
    pub breach: BreachDto,
    /// Distinct phone numbers per country, largest first.
    pub phone_numbers_by_country: Vec<CountryCount>,
    /// Distinct email addresses.
    pub email_addresses: u64,
    /// Records holding each data class, largest first.
    pub records_by_data_class: Vec<ClassCount>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountryCount {
    /// Country calling code without `+`, e.g. `31`.
    #[schema(example = "31")]
    pub calling_code: String,
    /// The country's name in the requested language (or `+31`).
    pub country: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClassCount {
    /// HIBP's name.
    pub data_class: String,
    /// In the requested language.
    pub label: String,
    pub count: u64,
}

pub use crate::error::{ErrorBody, ErrorDetail};
