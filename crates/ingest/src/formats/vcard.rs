//! vCard (`.vcf`) contact exports, as phones and address books write them
//! (versions 2.1, 3.0 and 4.0): one record per card, every `TEL` and `EMAIL`
//! of it an identifier; `FN`/`N`, `ADR`, `ORG`, `TITLE` and `BDAY` count as
//! their data classes. Folded lines are unfolded; groups (`item1.TEL`) and
//! parameters (`TEL;TYPE=CELL`) are read past.

use std::io::BufRead;

use super::lines::LineReader;
use super::{Format, Guess, Head, Item, Records, TableInfo};
use crate::columns::ColumnRole;
use crate::rows::{Reject, RejectReason, Row};

/// Longest card read; a longer one (no `END:VCARD`) is one reject.
const MAX_CARD_LINES: usize = 10_000;

const COLUMNS: [(&str, ColumnRole); 8] = [
    ("TEL", ColumnRole::Phone { mobile: false }),
    ("EMAIL", ColumnRole::Email),
    ("FN", ColumnRole::FullName),
    ("ADR", ColumnRole::Street),
    ("ORG", ColumnRole::Employer),
    ("TITLE", ColumnRole::JobTitle),
    ("BDAY", ColumnRole::DateOfBirth),
    // A number the card itself calls a mobile one (`TEL;TYPE=CELL`): read
    // as a mobile number where a national number could be either (0488
    // is a Dutch landline and a Belgian mobile prefix).
    ("TEL;TYPE=CELL", ColumnRole::Phone { mobile: true }),
];
/// The column of a `TEL;TYPE=CELL` number.
const CELL: usize = 7;

/// A vCard file starts with `BEGIN:VCARD` (after blank lines).
pub fn detect(head: &Head<'_>) -> Guess {
    let first = head.lines.iter().take(5).any(|l| {
        l.trim()
            .trim_start_matches('\u{feff}')
            .eq_ignore_ascii_case("BEGIN:VCARD")
    });
    first.then_some((95, Format::Vcard))
}

pub fn records(reader: Box<dyn BufRead + Send>) -> Box<dyn Records> {
    Box::new(Cards {
        lines: LineReader::new(reader),
        table: Some(TableInfo {
            name: None,
            columns: Some(
                COLUMNS
                    .iter()
                    .map(|(n, _)| n.to_ascii_lowercase())
                    .collect(),
            ),
            roles: Some(COLUMNS.iter().map(|(_, r)| *r).collect()),
        }),
    })
}

struct Cards {
    lines: LineReader,
    table: Option<TableInfo>,
}

/// The property name of a content line (group and parameters removed),
/// whether a parameter calls it a mobile (`TYPE=CELL`, `TYPE=cell,voice`,
/// vCard 2.1's bare `CELL`), and its value; `None` when the line has no colon.
fn property(line: &str) -> Option<(String, bool, &str)> {
    let (name, value) = line.split_once(':')?;
    let mut parts = name.split(';');
    let name = parts.next().unwrap_or(name);
    let cell = parts.any(|p| {
        let p = p.trim().to_ascii_uppercase();
        let types = p.strip_prefix("TYPE=").unwrap_or(&p);
        types
            .trim_matches('"')
            .split(',')
            .any(|t| t.trim() == "CELL")
    });
    let name = name.rsplit('.').next().unwrap_or(name);
    Some((name.trim().to_ascii_uppercase(), cell, value))
}

/// A structured value (`N`, `ADR`) as text: its parts joined by spaces.
fn structured(value: &str) -> String {
    value
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Cards {
    /// The next unfolded content line.
    fn next_content(&mut self) -> Option<Result<(u64, String), Reject>> {
        let (line, mut text) = match self.lines.next_line()? {
            Ok(l) => l,
            Err(r) => return Some(Err(r)),
        };
        loop {
            match self.lines.next_any() {
                Some(Ok((_, more))) if more.starts_with([' ', '\t']) => {
                    if text.len() + more.len() > super::lines::MAX_LINE {
                        return Some(Err(Reject {
                            line,
                            reason: RejectReason::TooLong,
                            redacted: String::new(),
                        }));
                    }
                    text.push_str(&more[1..]);
                }
                Some(Ok(other)) => {
                    self.lines.unread(vec![other]);
                    break;
                }
                Some(Err(r)) => return Some(Err(r)),
                None => break,
            }
        }
        Some(Ok((line, text)))
    }
}

impl Records for Cards {
    fn next_item(&mut self) -> Option<Item> {
        if let Some(t) = self.table.take() {
            return Some(Item::Table(t));
        }
        // Find the next card.
        let start = loop {
            match self.next_content()? {
                Err(r) => return Some(Item::Row(Err(r))),
                Ok((line, text)) => {
                    if text.trim().eq_ignore_ascii_case("BEGIN:VCARD") {
                        break line;
                    }
                }
            }
        };
        let mut row = Row::new(start, vec![String::new(); COLUMNS.len()]);
        let mut lines = 0;
        loop {
            lines += 1;
            let (line, text) = match self.next_content() {
                None => {
                    return Some(Item::Row(Err(Reject {
                        line: start,
                        reason: RejectReason::Unreadable,
                        redacted: "a card without END:VCARD".into(),
                    })))
                }
                Some(Err(r)) => return Some(Item::Row(Err(r))),
                Some(Ok(l)) => l,
            };
            if text.trim().eq_ignore_ascii_case("END:VCARD") {
                break;
            }
            if text.trim().eq_ignore_ascii_case("BEGIN:VCARD") || lines > MAX_CARD_LINES {
                // An unterminated card: report it, read on from the next.
                self.lines.unread(vec![(line, text)]);
                return Some(Item::Row(Err(Reject {
                    line: start,
                    reason: RejectReason::Unreadable,
                    redacted: "a card without END:VCARD".into(),
                })));
            }
            let Some((name, cell, value)) = property(&text) else {
                continue;
            };
            let (column, value) = match name.as_str() {
                "TEL" if cell => (CELL, value.trim().trim_start_matches("tel:").to_owned()),
                "TEL" => (0, value.trim().trim_start_matches("tel:").to_owned()),
                "EMAIL" => (1, value.trim().trim_start_matches("mailto:").to_owned()),
                "FN" => (2, value.trim().to_owned()),
                "N" => (2, structured(value)),
                "ADR" => (3, structured(value)),
                "ORG" => (4, structured(value)),
                "TITLE" => (5, value.trim().to_owned()),
                "BDAY" => (6, value.trim().to_owned()),
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            if row.fields[column].is_empty() {
                row.fields[column] = value;
            } else if column <= 1 || column == CELL {
                // Every number and address counts; a second name adds nothing.
                row.more.push((column, value));
            }
        }
        Some(Item::Row(Ok(row)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Item> {
        let mut r = records(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())));
        std::iter::from_fn(|| r.next_item()).collect()
    }

    #[test]
    fn every_tel_and_email_of_a_card() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Jansen;Jan;;;\r\nFN:Jan Jansen\r\n\
item1.TEL;TYPE=CELL:+31 6 1234 5678\r\nTEL;TYPE=HOME:020-123\r\n 4567\r\nEMAIL;TYPE=INTERNET:jan@example.nl\r\n\
ADR;TYPE=HOME:;;Dorpsstraat 1;Utrecht;;3511 AB;NL\r\nEND:VCARD\r\n\r\nBEGIN:VCARD\nVERSION:4.0\nTEL;VALUE=uri:tel:+32470123456\nEND:VCARD\n";
        let items = read(text);
        assert!(matches!(items[0], Item::Table(_)));
        let Item::Row(Ok(first)) = &items[1] else {
            panic!("{:?}", items[1]);
        };
        assert_eq!(first.line, 1);
        assert_eq!(first.fields[CELL], "+31 6 1234 5678");
        assert_eq!(first.fields[0], "020-1234567");
        assert_eq!(first.fields[1], "jan@example.nl");
        assert_eq!(first.fields[3], "Dorpsstraat 1 Utrecht 3511 AB NL");
        let Item::Row(Ok(second)) = &items[2] else {
            panic!();
        };
        assert_eq!(second.fields[0], "+32470123456");
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn an_unterminated_card_is_a_reject_and_the_next_is_read() {
        let items = read("BEGIN:VCARD\nTEL:0612345678\nBEGIN:VCARD\nTEL:0612345679\nEND:VCARD\nBEGIN:VCARD\nTEL:1");
        let reasons: Vec<_> = items
            .iter()
            .skip(1)
            .map(|i| match i {
                Item::Row(Ok(r)) => Ok(r.fields[0].clone()),
                Item::Row(Err(r)) => Err((r.line, r.reason)),
                Item::Table(_) => panic!(),
            })
            .collect();
        assert_eq!(
            reasons,
            [
                Err((1, RejectReason::Unreadable)),
                Ok("0612345679".to_owned()),
                Err((6, RejectReason::Unreadable))
            ]
        );
    }
}
