//! Have I Been Pwned API v3 wire types: HIBP's field names, order and types
//! exactly (serde keeps declaration order), converted by hand from breach
//! metadata so the wire shape changes only here.

use serde::Serialize;
use utoipa::ToSchema;

use lekradar_catalogue::Breach;

/// HIBP's date-time format: `2013-12-04T00:00:00Z`.
const DATE_TIME: &str = "%Y-%m-%dT%H:%M:%SZ";

/// A breach as HIBP's API v3 returns it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = HibpBreach)]
pub struct HibpBreach {
    /// Stable Pascal-cased identifier.
    pub name: String,
    pub title: String,
    /// Primary domain of the breached service; empty when there is none.
    pub domain: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date, example = "2022-11-16")]
    pub breach_date: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    #[schema(format = DateTime, example = "2026-02-12T10:00:00Z")]
    pub added_date: String,
    #[schema(format = DateTime, example = "2026-02-12T10:00:00Z")]
    pub modified_date: String,
    /// Distinct identifiers in the breach.
    pub pwn_count: u64,
    pub description: String,
    pub logo_path: String,
    pub data_classes: Vec<String>,
    pub is_verified: bool,
    pub is_fabricated: bool,
    pub is_sensitive: bool,
    pub is_retired: bool,
    pub is_spam_list: bool,
    pub is_malware: bool,
    pub is_subscription_free: bool,
    pub is_stealer_log: bool,
}

impl From<&Breach> for HibpBreach {
    fn from(b: &Breach) -> Self {
        let m = &b.meta;
        HibpBreach {
            name: m.name.clone(),
            title: m.title.clone(),
            domain: m.domain.clone(),
            breach_date: m.breach_date.format("%Y-%m-%d").to_string(),
            added_date: m.added_date.format(DATE_TIME).to_string(),
            modified_date: m.modified_date.format(DATE_TIME).to_string(),
            pwn_count: m.pwn_count,
            description: m.description.clone(),
            logo_path: m.logo_path.clone(),
            data_classes: sorted(&m.data_classes),
            is_verified: m.is_verified,
            is_fabricated: m.is_fabricated,
            is_sensitive: m.is_sensitive,
            is_retired: b.retired,
            is_spam_list: m.is_spam_list,
            is_malware: m.is_malware,
            is_subscription_free: m.is_subscription_free,
            is_stealer_log: m.is_stealer_log,
        }
    }
}

/// HIBP lists data classes alphabetically.
fn sorted(classes: &[String]) -> Vec<String> {
    let mut out = classes.to_vec();
    out.sort();
    out
}

/// A breach in a truncated account response: its name only.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct HibpBreachName {
    pub name: String,
}

/// HIBP's error body for 429 (and the only error with a JSON body).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HibpErrorBody {
    pub status_code: u16,
    pub message: String,
}

/// An account's breaches: names only (`truncateResponse`, the default) or
/// whole breaches.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AccountBreaches {
    Truncated(Vec<HibpBreachName>),
    Full(Vec<HibpBreach>),
}

/// A boolean query flag as HIBP reads it: `true` or `false` in any letter
/// case; an empty value means the default.
#[derive(Debug, ToSchema)]
#[schema(
    pattern = "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])?$",
    example = "false"
)]
pub struct HibpFlag(
    // Only describes the wire format; flags are parsed by `hibp::Query`.
    #[allow(dead_code)] String,
);
