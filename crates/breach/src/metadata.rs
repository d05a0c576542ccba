//! The [`BreachMetadata`] record, its validation, and its two encodings:
//! TOML for operators' files and JSON for the copy stored in the index.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// At most this many data classes per breach (the index stores a `u32` bitset).
pub const MAX_DATA_CLASSES: usize = 32;

/// Have I Been Pwned's data-class names that Lekradar's ingest produces or
/// that operators commonly need; others are accepted with a warning.
pub const HIBP_DATA_CLASSES: &[&str] = &[
    "Phone numbers",
    "Email addresses",
    "Names",
    "Physical addresses",
    "Bank account numbers",
    "Dates of birth",
    "Government issued IDs",
    "Passport numbers",
    "Customer numbers",
    "Job titles",
    "Employers",
    "Passwords",
    "Usernames",
    "IP addresses",
    "Genders",
    "Social media profiles",
    "Credit cards",
    "Partial credit card data",
    "Purchases",
    "Device information",
    "Geographic locations",
];

/// True when `name` is one of [`HIBP_DATA_CLASSES`].
pub fn known_data_class(name: &str) -> bool {
    HIBP_DATA_CLASSES.contains(&name)
}

/// What kind of leak a breach is; the advice differs per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BreachKind {
    /// Data taken from an organisation's systems.
    #[default]
    Breach,
    /// Data collected by scraping a public service (e.g. phone numbers registered with an app).
    Scrape,
    /// Data sold by a data broker.
    DataBroker,
    /// Credentials and data harvested by info-stealer malware.
    StealerLog,
}

impl BreachKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            BreachKind::Breach => "breach",
            BreachKind::Scrape => "scrape",
            BreachKind::DataBroker => "data-broker",
            BreachKind::StealerLog => "stealer-log",
        }
    }
}

impl std::str::FromStr for BreachKind {
    type Err = MetadataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "breach" => Ok(BreachKind::Breach),
            "scrape" => Ok(BreachKind::Scrape),
            "data-broker" | "broker" => Ok(BreachKind::DataBroker),
            "stealer-log" | "stealerlog" => Ok(BreachKind::StealerLog),
            _ => Err(MetadataError::Invalid {
                field: "Kind",
                reason: format!("{s:?} is not one of breach, scrape, data-broker, stealer-log"),
            }),
        }
    }
}

/// Descriptions for people, per language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Descriptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// One ingested file, remembered by content fingerprint so that ingesting
/// it again is a no-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SourceFile {
    /// SHA-256 of the file's bytes, hex.
    pub fingerprint: String,
    pub rows: u64,
    pub identifiers: u64,
    pub added: DateTime<Utc>,
}

/// Aggregate counts from ingest: no personal data, only numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statistics {
    /// Distinct phone numbers per country calling code (`"31"` → 5 400 000).
    #[serde(default)]
    pub phone_numbers_by_country: BTreeMap<String, u64>,
    /// Records per data class.
    #[serde(default)]
    pub records_by_data_class: BTreeMap<String, u64>,
    #[serde(default)]
    pub email_addresses: u64,
}

/// Everything known about one breach. Field names follow HIBP's API v3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct BreachMetadata {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub domain: String,
    pub breach_date: NaiveDate,
    pub added_date: DateTime<Utc>,
    pub modified_date: DateTime<Utc>,
    #[serde(default)]
    pub pwn_count: u64,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub logo_path: String,
    #[serde(default)]
    pub data_classes: Vec<String>,
    #[serde(default)]
    pub is_verified: bool,
    #[serde(default)]
    pub is_fabricated: bool,
    #[serde(default)]
    pub is_sensitive: bool,
    #[serde(default)]
    pub is_retired: bool,
    #[serde(default)]
    pub is_spam_list: bool,
    #[serde(default)]
    pub is_malware: bool,
    #[serde(default)]
    pub is_subscription_free: bool,
    #[serde(default)]
    pub is_stealer_log: bool,
    // Ours.
    /// Alert subscribers even though the breach is unverified, fabricated
    /// or a spam list (the operator's choice, per breach).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alert_anyway: bool,
    #[serde(default)]
    pub kind: BreachKind,
    #[serde(default)]
    pub descriptions: Descriptions,
    /// Regions tried in order for phone numbers without a country code.
    #[serde(default = "default_regions")]
    pub default_regions: Vec<String>,
    #[serde(default)]
    pub statistics: Statistics,
    #[serde(default)]
    pub sources: Vec<SourceFile>,
}

fn default_regions() -> Vec<String> {
    vec!["NL".to_owned()]
}

/// Why metadata was refused.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("breach file is not valid TOML for a breach: {0}")]
    Toml(String),
    #[error("stored breach metadata is damaged: {0}")]
    Stored(String),
}

fn invalid(field: &'static str, reason: impl Into<String>) -> MetadataError {
    MetadataError::Invalid {
        field,
        reason: reason.into(),
    }
}

impl BreachMetadata {
    /// A new breach with today's added and modified dates.
    pub fn new(name: &str, title: &str, breach_date: NaiveDate) -> BreachMetadata {
        let now = Utc::now();
        BreachMetadata {
            name: name.to_owned(),
            title: title.to_owned(),
            domain: String::new(),
            breach_date,
            added_date: now,
            modified_date: now,
            pwn_count: 0,
            description: String::new(),
            logo_path: String::new(),
            data_classes: Vec::new(),
            is_verified: false,
            is_fabricated: false,
            is_sensitive: false,
            is_retired: false,
            is_spam_list: false,
            is_malware: false,
            is_subscription_free: false,
            is_stealer_log: false,
            alert_anyway: false,
            kind: BreachKind::Breach,
            descriptions: Descriptions::default(),
            default_regions: default_regions(),
            statistics: Statistics::default(),
            sources: Vec::new(),
        }
    }

    /// Checks every field; the error names the field and says what is wrong.
    /// The name follows the index's rule for breach names (a test of
    /// `lekradar-catalogue` holds the two to the same answers).
    pub fn validate(&self) -> Result<(), MetadataError> {
        if !valid_name(&self.name) {
            return Err(invalid(
                "Name",
                format!(
                    "invalid breach name {:?}: use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit",
                    self.name
                ),
            ));
        }
        if self.title.trim().is_empty() || self.title.len() > 200 {
            return Err(invalid("Title", "give a title of 1 to 200 characters"));
        }
        if !self.domain.is_empty() && !valid_domain(&self.domain) {
            return Err(invalid(
                "Domain",
                format!("{:?} is not a domain name like example.nl", self.domain),
            ));
        }
        if self.breach_date > Utc::now().date_naive() {
            return Err(invalid("BreachDate", "lies in the future"));
        }
        if self.modified_date < self.added_date {
            return Err(invalid("ModifiedDate", "is before AddedDate"));
        }
        if self.data_classes.len() > MAX_DATA_CLASSES {
            return Err(invalid(
                "DataClasses",
                format!("at most {MAX_DATA_CLASSES} classes per breach"),
            ));
        }
        for (i, class) in self.data_classes.iter().enumerate() {
            if class.trim().is_empty() || class.trim() != class || class.len() > 64 {
                return Err(invalid(
                    "DataClasses",
                    format!("{class:?} is not a class name"),
                ));
            }
            if self.data_classes[..i].contains(class) {
                return Err(invalid("DataClasses", format!("{class:?} is listed twice")));
            }
        }
        if self.default_regions.is_empty() {
            return Err(invalid(
                "DefaultRegions",
                "give at least one region, e.g. NL",
            ));
        }
        for region in &self.default_regions {
            if region.len() != 2 || !region.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(invalid(
                    "DefaultRegions",
                    format!("{region:?} is not a two-letter region code like NL or BE"),
                ));
            }
        }
        if self.is_stealer_log && self.kind != BreachKind::StealerLog {
            return Err(invalid(
                "IsStealerLog",
                "set Kind = \"stealer-log\" as well",
            ));
        }
        Ok(())
    }

    /// The bit of `class` in this breach's class sets, appending the class
    /// when it is new. `None` when the breach already has the maximum.
    pub fn class_bit(&mut self, class: &str) -> Option<u32> {
        if let Some(i) = self.data_classes.iter().position(|c| c == class) {
            return u32::try_from(i).ok();
        }
        if self.data_classes.len() >= MAX_DATA_CLASSES {
            return None;
        }
        self.data_classes.push(class.to_owned());
        u32::try_from(self.data_classes.len() - 1).ok()
    }

    /// Names of the classes set in `classes`, in the breach's order.
    pub fn class_names(&self, classes: u32) -> Vec<&str> {
        self.data_classes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < MAX_DATA_CLASSES && classes & (1 << i) != 0)
            .map(|(_, c)| c.as_str())
            .collect()
    }

    /// Parses an operator's TOML file (HIBP field names) and validates it.
    /// Missing dates default to now; the breach date is required.
    pub fn from_toml(text: &str) -> Result<BreachMetadata, MetadataError> {
        let mut value: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| MetadataError::Toml(e.to_string()))?;
        let now = toml::Value::String(Utc::now().to_rfc3339());
        value.entry("AddedDate").or_insert_with(|| now.clone());
        value.entry("ModifiedDate").or_insert(now);
        let meta: BreachMetadata = value
            .try_into()
            .map_err(|e: toml::de::Error| MetadataError::Toml(e.to_string()))?;
        meta.validate()?;
        Ok(meta)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The bytes stored in the index.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads bytes stored in the index.
    pub fn decode(bytes: &[u8]) -> Result<BreachMetadata, MetadataError> {
        serde_json::from_slice(bytes).map_err(|e| MetadataError::Stored(e.to_string()))
    }
}

/// A breach name: 1 to 64 of `[A-Za-z0-9_.-]`, starting with a letter or
/// digit (the index's rule: the name is the breach's identity there).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn valid_domain(domain: &str) -> bool {
    domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BreachMetadata {
        let mut m = BreachMetadata::new(
            "Telecom2026",
            "A telecom",
            NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
        );
        m.domain = "telecom.example".into();
        m.data_classes = vec!["Phone numbers".into(), "Names".into()];
        m
    }

    #[test]
    fn valid_sample_round_trips_through_json_and_toml() {
        let m = sample();
        m.validate().unwrap();
        assert_eq!(BreachMetadata::decode(&m.encode()).unwrap(), m);
        let back = BreachMetadata::from_toml(&m.to_toml()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn toml_with_hibp_names_and_defaults() {
        let m = BreachMetadata::from_toml(
            r#"
            Name = "Scrape2022"
            Title = "Messaging app scrape"
            BreachDate = "2022-11-16"
            DataClasses = ["Phone numbers"]
            Kind = "scrape"
            DefaultRegions = ["NL", "BE"]
            [Descriptions]
            nl = "Telefoonnummers verzameld"
            "#,
        )
        .unwrap();
        assert_eq!(m.kind, BreachKind::Scrape);
        assert_eq!(m.default_regions, ["NL", "BE"]);
        assert_eq!(
            m.descriptions.nl.as_deref(),
            Some("Telefoonnummers verzameld")
        );
        assert!(!m.is_sensitive);
    }

    #[test]
    fn errors_name_the_field() {
        type Mutation = Box<dyn Fn(&mut BreachMetadata)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("Name", Box::new(|m| m.name = "bad name".into())),
            ("Title", Box::new(|m| m.title = " ".into())),
            ("Domain", Box::new(|m| m.domain = "not a domain".into())),
            (
                "BreachDate",
                Box::new(|m| m.breach_date = NaiveDate::from_ymd_opt(2999, 1, 1).unwrap()),
            ),
            (
                "DataClasses",
                Box::new(|m| m.data_classes.push("Names".into())),
            ),
            (
                "DefaultRegions",
                Box::new(|m| m.default_regions = vec!["nl".into()]),
            ),
        ];
        for (field, mutate) in cases {
            let mut m = sample();
            mutate(&mut m);
            let err = m.validate().unwrap_err().to_string();
            assert!(err.starts_with(field), "{field}: {err}");
        }
        let err = BreachMetadata::from_toml("Name = \"X\"\nTitel = \"typo\"").unwrap_err();
        assert!(
            err.to_string().contains("Titel") || err.to_string().contains("Title"),
            "{err}"
        );
    }

    #[test]
    fn class_bits_only_grow() {
        let mut m = sample();
        assert_eq!(m.class_bit("Names"), Some(1));
        assert_eq!(m.class_bit("Bank account numbers"), Some(2));
        assert_eq!(
            m.class_names(0b101),
            ["Phone numbers", "Bank account numbers"]
        );
        for i in 3..32 {
            assert_eq!(m.class_bit(&format!("C{i}")), Some(i));
        }
        assert_eq!(m.class_bit("one too many"), None);
    }
}
