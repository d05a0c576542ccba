//! GDPR letters to a data broker: an access request (Art. 15) and an
//! erasure request (Art. 17), written in Fluent (`letter-…` messages of
//! `lekradar-advice`) and filled with the details a person chooses — in
//! their browser (`assets/letter.js`) or with `lekradar letter`; the server
//! never receives those details. Without JavaScript the page shows the
//! letters with bracketed placeholders to edit by hand.

use chrono::NaiveDate;

use crate::Tr;

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKind {
    /// Access request, GDPR Art. 15.
    Access,
    /// Erasure request, GDPR Art. 17 (with objection to direct marketing).
    Erasure,
}

impl LetterKind {
    pub fn id(&self) -> &'static str {
        match self {
            LetterKind::Access => "access",
            LetterKind::Erasure => "erasure",
        }
    }
}

/// The fields of a letter; `None` leaves a placeholder.
#[derive(Debug, Clone, Default)]
pub struct LetterFields {
    pub broker: Option<String>,
    pub name: Option<String>,
    /// Phone numbers and email addresses the broker should search for.
    pub identifiers: Vec<String>,
    pub place: Option<String>,
}

/// The fields in the order the page and `letter.js` use them.
pub const FIELDS: [&str; 4] = ["broker", "name", "identifiers", "place"];

/// The marker of a field in a template (`@@name@@`), replaced in the browser.
pub fn token(field: &str) -> String {
    format!("@@{field}@@")
}

/// The placeholder of a field in the language: `[Naam van het bedrijf]`.
pub fn placeholder(tr: &Tr<'_>, field: &str) -> String {
    format!("[{}]", tr.t(&format!("letters-field-{field}")))
}

/// Subject and body of a letter dated `date`, with the given fields
/// (placeholders for those left out).
pub fn letter(
    tr: &Tr<'_>,
    kind: LetterKind,
    fields: &LetterFields,
    date: NaiveDate,
) -> (String, String) {
    let value = |field: &str, v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| placeholder(tr, field))
    };
    let identifiers = if fields.identifiers.is_empty() {
        placeholder(tr, "identifiers")
    } else {
        fields.identifiers.join("\n")
    };
    render(
        tr,
        kind,
        &value("broker", &fields.broker),
        &value("name", &fields.name),
        &identifiers,
        &value("place", &fields.place),
        &tr.date(&date),
    )
}

/// The letter with every field as its [`token`], for the browser to fill.
pub fn template(tr: &Tr<'_>, kind: LetterKind, date: NaiveDate) -> (String, String) {
    render(
        tr,
        kind,
        &token("broker"),
        &token("name"),
        &token("identifiers"),
        &token("place"),
        &tr.date(&date),
    )
}

fn render(
    tr: &Tr<'_>,
    kind: LetterKind,
    broker: &str,
    name: &str,
    identifiers: &str,
    place: &str,
    date: &str,
) -> (String, String) {
    let args = [
        ("broker", broker),
        ("name", name),
        ("identifiers", identifiers),
        ("place", place),
        ("date", date),
    ];
    let id = format!("letter-{}", kind.id());
    (tr.ta(&format!("{id}-subject"), &args), tr.ta(&id, &args))
}
