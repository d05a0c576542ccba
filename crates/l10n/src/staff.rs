//! The short internal message an organisation can send its staff about a
//! breach: what happened, what criminals may do with *these* data classes,
//! what to do, how to report a suspicious call or message. Its paragraphs
//! are chosen by `lekradar-advice` (the `[[staff]]` rules) and written in
//! Fluent (`staff-…` messages), in nl/fr/en.

use lekradar_advice::Advice;
use lekradar_breach::BreachMetadata;

use crate::Tr;

/// A staff message, ready to show or send.
#[derive(Debug, Clone)]
pub struct StaffMessage {
    pub subject: String,
    /// Paragraphs in order; a paragraph may hold several lines.
    pub paragraphs: Vec<String>,
}

impl StaffMessage {
    /// The message for breach `breach` in `tr`'s language.
    pub fn new(breach: &BreachMetadata, tr: &Tr<'_>) -> StaffMessage {
        let classes: Vec<String> = breach.data_classes.iter().map(|c| tr.class(c)).collect();
        let args = [
            ("breach", breach.title.as_str()),
            ("date", &tr.date(&breach.breach_date)),
            ("classes", &classes.join(", ")),
        ];
        let mut paragraphs = vec![tr.ta("staff-intro", &args)];
        for id in Advice::builtin().staff_paragraphs(&breach.data_classes) {
            paragraphs.push(tr.ta(id, &args));
        }
        for id in ["staff-do", "staff-report", "staff-closing"] {
            paragraphs.push(tr.ta(id, &args));
        }
        StaffMessage {
            subject: tr.ta("staff-subject", &args),
            paragraphs: paragraphs
                .into_iter()
                .filter(|p| !p.trim().is_empty())
                .collect(),
        }
    }

    /// As plain text: the subject, a blank line, paragraphs separated by blank lines.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.subject);
        out.push_str("\n\n");
        out.push_str(&self.paragraphs.join("\n\n"));
        out.push('\n');
        out
    }
}
