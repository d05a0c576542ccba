//! Languages and documents, with no HTTP in them: the Fluent bundles for
//! Dutch (the default), French and English, locale-aware display of counts,
//! dates, data classes and countries ([`Tr`]), advice items rendered as text
//! ([`advice`]), the GDPR letters to a data broker ([`letters`]) and the
//! message an organisation sends its staff about a breach ([`staff`]). The
//! pages, the command line and (next) mail and SMS share them.
//!
//! Messages live in `crates/l10n/locales/<lang>/pages.ftl` (the pages' own
//! words) and in `lekradar-advice`'s locales (advice, letters, staff
//! message), embedded in the binary and parsed once at start; tests check
//! that the three languages define the same messages and that every message
//! the code asks for exists.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod advice;
pub mod letters;
pub mod staff;

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language Lekradar speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Nl,
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Nl, Lang::Fr, Lang::En];

    pub fn code(&self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn native_name(&self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// The best language for an `Accept-Language` header; Dutch when none fits.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::Nl;
        };
        let requested = fluent_langneg::accepted_languages::parse(header);
        let available: Vec<LanguageIdentifier> = Lang::ALL
            .iter()
            .filter_map(|l| l.code().parse().ok())
            .collect();
        let default: Option<LanguageIdentifier> = "nl".parse().ok();
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            default.as_ref(),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|l| l.language.as_str().parse().ok())
            .unwrap_or(Lang::Nl)
    }

    /// The Fluent sources of this language: the pages' words and the advice
    /// texts (advice, letters, staff message).
    pub fn sources(&self) -> Vec<&'static str> {
        let own = match self {
            Lang::Nl => include_str!("../locales/nl/pages.ftl"),
            Lang::Fr => include_str!("../locales/fr/pages.ftl"),
            Lang::En => include_str!("../locales/en/pages.ftl"),
        };
        let mut sources = vec![own];
        sources.extend(lekradar_advice::ftl(self.code()));
        sources
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nl" => Ok(Lang::Nl),
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            _ => Err(()),
        }
    }
}

/// A Fluent source that does not parse or defines a message twice.
#[derive(Debug, thiserror::Error)]
#[error("translations for {lang} are broken: {reason}")]
pub struct L10nError {
    pub lang: Lang,
    pub reason: String,
}

/// The parsed translations of all languages.
pub struct L10n {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl fmt::Debug for L10n {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("L10n").finish_non_exhaustive()
    }
}

impl L10n {
    /// Parses the embedded translations.
    pub fn new() -> Result<L10n, L10nError> {
        let mut bundles = Vec::new();
        for lang in Lang::ALL {
            let id: LanguageIdentifier = lang.code().parse().map_err(|_| L10nError {
                lang,
                reason: "bad language identifier".into(),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // No Unicode isolation marks around arguments: every argument
            // here is in the same direction as the text.
            bundle.set_use_isolating(false);
            for source in lang.sources() {
                let resource =
                    FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| {
                        L10nError {
                            lang,
                            reason: format!("{errors:?}"),
                        }
                    })?;
                bundle.add_resource(resource).map_err(|errors| L10nError {
                    lang,
                    reason: format!("{errors:?}"),
                })?;
            }
            bundles.push((lang, bundle));
        }
        Ok(L10n { bundles })
    }

    /// The translator for `lang`.
    pub fn tr(&self, lang: Lang) -> Tr<'_> {
        let bundle = self
            .bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .or_else(|| self.bundles.first())
            .map(|(_, b)| b);
        Tr { lang, bundle }
    }
}

/// Translations of one language, as templates use them.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    pub lang: Lang,
    bundle: Option<&'a FluentBundle<FluentResource>>,
}

impl<'a> Tr<'a> {
    fn format(&self, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundle?;
        let message = bundle.get_message(id)?;
        let pattern = message.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::debug!(message = id, ?errors, "translation formatted with errors");
        }
        Some(text.into_owned())
    }

    /// Attribute `attr` of message `id` (empty when missing).
    pub fn attr(&self, id: &str, attr: &str) -> String {
        let Some(bundle) = self.bundle else {
            return String::new();
        };
        let Some(pattern) = bundle
            .get_message(id)
            .and_then(|m| m.get_attribute(attr))
            .map(|a| a.value())
        else {
            return String::new();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, None, &mut errors)
            .into_owned()
    }

    /// Attribute `attr` of message `id`, one entry per non-empty line.
    pub fn lines(&self, id: &str, attr: &str) -> Vec<String> {
        self.attr(id, attr)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Whether a message exists.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.is_some_and(|b| b.has_message(id))
    }

    /// The message `id`; the id itself when it is missing (a tidy test keeps
    /// that from happening).
    pub fn t(&self, id: &str) -> String {
        self.format(id, None).unwrap_or_else(|| id.to_owned())
    }

    /// The message `id` with `$count` (plural rules apply) and `$n`, the
    /// count written the way the language writes numbers.
    pub fn tn(&self, id: &str, count: u64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        args.set("n", FluentValue::from(self.count(count)));
        self.format(id, Some(&args))
            .unwrap_or_else(|| id.to_owned())
    }

    /// The message `id` with string arguments.
    pub fn ta(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set((*name).to_owned(), FluentValue::from((*value).to_owned()));
        }
        self.format(id, Some(&fluent))
            .unwrap_or_else(|| id.to_owned())
    }

    /// The message `id` with one string argument.
    pub fn ts(&self, id: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_owned()));
        self.format(id, Some(&args))
            .unwrap_or_else(|| id.to_owned())
    }

    /// A count with the language's digit grouping: 5.400.000 (nl),
    /// 5 400 000 (fr, narrow no-break spaces), 5,400,000 (en).
    pub fn count(&self, n: u64) -> String {
        let sep = match self.lang {
            Lang::Nl => ".",
            Lang::Fr => "\u{202f}",
            Lang::En => ",",
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    /// A date written out: 16 november 2022, 16 novembre 2022, 16 November 2022.
    pub fn date(&self, date: &NaiveDate) -> String {
        let month = self.t(&format!("month-{}", date.month()));
        format!("{} {} {}", date.day(), month, date.year())
    }

    /// A data class in this language (HIBP's English name when there is no
    /// translation for it).
    pub fn class(&self, name: &str) -> String {
        self.format(&class_message_id(name), None)
            .unwrap_or_else(|| name.to_owned())
    }

    /// A country by its calling code (`"31"` → Nederland), else `+31`.
    pub fn country(&self, calling_code: &str) -> String {
        self.format(&format!("country-{calling_code}"), None)
            .unwrap_or_else(|| format!("+{calling_code}"))
    }
}

/// The message id of a data class: `class-phone-numbers` for "Phone numbers".
pub fn class_message_id(name: &str) -> String {
    let mut id = String::from("class-");
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !id.ends_with('-') {
            id.push('-');
            dash = true;
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(Lang::negotiate(None), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("fr-BE,fr;q=0.9,en;q=0.5")), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("en-GB")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de-DE,de;q=0.9")), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("de,en;q=0.3")), Lang::En);
        assert_eq!(Lang::negotiate(Some("nl-BE")), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("\u{0}garbage;;q=x")), Lang::Nl);
    }

    #[test]
    fn counts_and_dates_per_language() {
        let l10n = L10n::new().unwrap();
        assert_eq!(l10n.tr(Lang::Nl).count(5_400_000), "5.400.000");
        assert_eq!(l10n.tr(Lang::En).count(5_400_000), "5,400,000");
        assert_eq!(l10n.tr(Lang::Fr).count(999), "999");
        assert_eq!(
            l10n.tr(Lang::Fr).count(3_200_000),
            "3\u{202f}200\u{202f}000"
        );
        let d = NaiveDate::from_ymd_opt(2022, 11, 16).unwrap();
        assert_eq!(l10n.tr(Lang::Nl).date(&d), "16 november 2022");
        assert_eq!(l10n.tr(Lang::Fr).date(&d), "16 novembre 2022");
        assert_eq!(l10n.tr(Lang::En).date(&d), "16 November 2022");
    }

    #[test]
    fn classes_and_countries() {
        assert_eq!(class_message_id("Phone numbers"), "class-phone-numbers");
        assert_eq!(
            class_message_id("Government issued IDs"),
            "class-government-issued-ids"
        );
        let l10n = L10n::new().unwrap();
        assert_eq!(l10n.tr(Lang::Nl).class("Phone numbers"), "Telefoonnummers");
        assert_eq!(l10n.tr(Lang::En).class("Unheard of"), "Unheard of");
        assert_eq!(l10n.tr(Lang::Fr).country("32"), "Belgique");
        assert_eq!(l10n.tr(Lang::En).country("998"), "+998");
    }
}
