//! Advice as data, not code. `rules.toml` (embedded) lists advice *items* —
//! each with an urgency and the public sources it rests on — and *rules* that
//! give items for a person's situation: the data classes in their records,
//! the kinds of breach they are in, and their country (NL, BE or other).
//! The texts (title, why it matters, steps) are Fluent messages in
//! `locales/<lang>/advice.ftl`: message `advice-<id>` with attributes `.why`
//! and `.steps` (one step per line).
//!
//! This crate knows nothing of HTTP or rendering: `lekradar-l10n` renders
//! the items' texts in a language, and each interface shows them its way.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::collections::BTreeSet;
use std::sync::OnceLock;

use lekradar_breach::BreachKind;
use serde::Deserialize;

/// How soon a person should act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Urgency {
    /// Today: the leak makes an attack likely and this step stops it.
    Now,
    /// This week.
    Soon,
    /// A good habit that limits the damage of this and the next leak.
    Habit,
}

impl Urgency {
    pub fn as_str(&self) -> &'static str {
        match self {
            Urgency::Now => "now",
            Urgency::Soon => "soon",
            Urgency::Habit => "habit",
        }
    }
}

/// Where a person lives, as far as the advice needs it (organisations and
/// phone numbers differ per country).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Country {
    Nl,
    Be,
    Other,
}

impl Country {
    /// From a phone number's country calling code.
    pub fn from_calling_code(code: u16) -> Country {
        match code {
            31 => Country::Nl,
            32 => Country::Be,
            _ => Country::Other,
        }
    }

    /// `NL`, `BE` or `OTHER`, as in rules.toml.
    pub fn as_str(&self) -> &'static str {
        match self {
            Country::Nl => "NL",
            Country::Be => "BE",
            Country::Other => "OTHER",
        }
    }

    /// From a two-letter region code.
    pub fn from_region(region: &str) -> Country {
        match region {
            "NL" => Country::Nl,
            "BE" => Country::Be,
            _ => Country::Other,
        }
    }
}

/// A public source an item rests on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Publisher and page, as the publisher names it.
    pub title: String,
    pub url: String,
}

/// One piece of advice. Its texts are the Fluent message `advice-<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub urgency: Urgency,
    pub sources: Vec<Source>,
}

impl Item {
    /// The Fluent message holding this item's texts.
    pub fn message_id(&self) -> String {
        format!("advice-{}", self.id)
    }
}

/// When a rule applies. Empty lists match everything; a non-empty list
/// matches when any of its values is present.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Whether the person was found in a breach at all.
    #[serde(default = "yes")]
    pub found: bool,
    /// HIBP data-class names, any of which must be in the person's records.
    #[serde(default)]
    pub classes: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<BreachKind>,
    #[serde(default)]
    pub countries: Vec<Country>,
    /// Item ids given when the rule applies.
    pub give: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Which paragraph of an organisation's message to its staff a breach's
/// data classes call for: `say` is a Fluent message (`staff-risk-…`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffRule {
    /// HIBP data-class names, any of which calls for the paragraph; empty:
    /// the paragraph for a breach no other rule covers.
    #[serde(default)]
    pub classes: Vec<String>,
    pub say: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    item: Vec<Item>,
    rule: Vec<Rule>,
    #[serde(default)]
    staff: Vec<StaffRule>,
}

/// The rules and items.
#[derive(Debug)]
pub struct Advice {
    items: Vec<Item>,
    rules: Vec<Rule>,
    staff: Vec<StaffRule>,
}

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AdviceError {
    #[error("advice rules are not valid TOML: {0}")]
    Toml(String),
    #[error("advice item {0:?} is defined twice")]
    DuplicateItem(String),
    #[error("advice rule {rule} gives unknown item {item:?}")]
    UnknownItem { rule: usize, item: String },
    #[error("advice item {0:?} has no https source")]
    NoSource(String),
}

/// One exposure, as far as the advice needs it.
#[derive(Debug, Clone, Copy)]
pub struct Exposed<'a> {
    pub kind: BreachKind,
    /// The data classes of the person's record in this breach.
    pub classes: &'a [String],
}

/// The embedded rules file.
pub const RULES: &str = include_str!("../rules.toml");

impl Advice {
    /// Parses and checks a rules file.
    pub fn parse(text: &str) -> Result<Advice, AdviceError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| AdviceError::Toml(e.to_string()))?;
        let mut seen = BTreeSet::new();
        for item in &file.item {
            if !seen.insert(item.id.as_str()) {
                return Err(AdviceError::DuplicateItem(item.id.clone()));
            }
            if !item.sources.iter().any(|s| s.url.starts_with("https://")) {
                return Err(AdviceError::NoSource(item.id.clone()));
            }
        }
        for (i, rule) in file.rule.iter().enumerate() {
            for id in &rule.give {
                if !seen.contains(id.as_str()) {
                    return Err(AdviceError::UnknownItem {
                        rule: i + 1,
                        item: id.clone(),
                    });
                }
            }
        }
        Ok(Advice {
            items: file.item,
            rules: file.rule,
            staff: file.staff,
        })
    }

    /// The embedded rules (checked by this crate's tests, so this cannot fail
    /// in a released binary; an empty set if it somehow did).
    pub fn builtin() -> &'static Advice {
        static BUILTIN: OnceLock<Advice> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Advice::parse(RULES).unwrap_or(Advice {
                items: Vec::new(),
                rules: Vec::new(),
                staff: Vec::new(),
            })
        })
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn staff_rules(&self) -> &[StaffRule] {
        &self.staff
    }

    /// The risk paragraphs (Fluent message ids) of a staff message about a
    /// breach with these data classes, in the file's order; the catch-all
    /// paragraph when no other applies.
    pub fn staff_paragraphs(&self, classes: &[String]) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .staff
            .iter()
            .filter(|s| !s.classes.is_empty() && s.classes.iter().any(|c| classes.contains(c)))
            .map(|s| s.say.as_str())
            .collect();
        out.dedup();
        if out.is_empty() {
            out.extend(
                self.staff
                    .iter()
                    .filter(|s| s.classes.is_empty())
                    .map(|s| s.say.as_str()),
            );
        }
        out
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The items for a person with these exposures (none: a clean result)
    /// in `country`, most urgent first, then in the file's order; each once.
    pub fn advise(&self, exposed: &[Exposed<'_>], country: Country) -> Vec<&Item> {
        let found = !exposed.is_empty();
        let classes: BTreeSet<&str> = exposed
            .iter()
            .flat_map(|e| e.classes.iter().map(String::as_str))
            .collect();
        let kinds: Vec<BreachKind> = exposed.iter().map(|e| e.kind).collect();
        let mut given: BTreeSet<&str> = BTreeSet::new();
        for rule in &self.rules {
            let applies = rule.found == found
                && (rule.classes.is_empty()
                    || rule.classes.iter().any(|c| classes.contains(c.as_str())))
                && (rule.kinds.is_empty() || rule.kinds.iter().any(|k| kinds.contains(k)))
                && (rule.countries.is_empty() || rule.countries.contains(&country));
            if applies {
                given.extend(rule.give.iter().map(String::as_str));
            }
        }
        let mut items: Vec<(usize, &Item)> = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| given.contains(item.id.as_str()))
            .collect();
        items.sort_by_key(|(i, item)| (item.urgency, *i));
        items.into_iter().map(|(_, item)| item).collect()
    }
}

/// The Fluent sources for a language code (`nl`, `fr`, `en`): the advice
/// texts, the GDPR letters (`letter-…`) and the staff message (`staff-…`).
pub fn ftl(lang: &str) -> Vec<&'static str> {
    match lang {
        "nl" => vec![
            include_str!("../locales/nl/advice.ftl"),
            include_str!("../locales/nl/letters.ftl"),
            include_str!("../locales/nl/staff.ftl"),
        ],
        "fr" => vec![
            include_str!("../locales/fr/advice.ftl"),
            include_str!("../locales/fr/letters.ftl"),
            include_str!("../locales/fr/staff.ftl"),
        ],
        "en" => vec![
            include_str!("../locales/en/advice.ftl"),
            include_str!("../locales/en/letters.ftl"),
            include_str!("../locales/en/staff.ftl"),
        ],
        _ => Vec::new(),
    }
}
