//! Delimited text — `,` `;` tab `|` or `:`, quoted fields, with or without a
//! header row — and one value per line. The delimiter is chosen by how
//! consistently it splits many lines into the same number of fields and by
//! whether the fields it gives look like phone numbers or email addresses
//! (a comma inside a colon-separated scrape's location field splits a few
//! lines, not all of them, into fields that hold no identifier).

use std::collections::HashMap;
use std::io::BufRead;

use lekradar_normalize::Region;

use super::lines::LineReader;
use super::{Format, Guess, Head, Item, Records, TableInfo, SAMPLE_ROWS};
use crate::columns::{content_role, header_role, redact};
use crate::rows::{Reject, RejectReason, Row};

pub const DELIMITERS: [u8; 5] = [b',', b';', b'\t', b'|', b':'];

/// Longest run of physical lines one quoted record may span; an
/// unterminated quote is reported at its line instead of swallowing the rest.
const MAX_RECORD_LINES: usize = 64;

/// Regions detection reads national numbers with (the pipeline reads them
/// with the breach's own regions later).
const PROBE_REGIONS: [Region; 2] = [Region::NL, Region::BE];

/// Splits lines into fields the way `csv` does (for detection).
pub fn split(lines: &[String], delimiter: u8) -> Vec<Vec<String>> {
    let mut splitter = CsvSplitter::new(delimiter);
    lines.iter().filter_map(|l| splitter.split(l)).collect()
}

/// How well `delimiter` splits `lines`: the share of lines with the most
/// common field count (above 1), that count, and the rows.
fn consistency(lines: &[String], delimiter: u8) -> Option<(usize, usize, Vec<Vec<String>>)> {
    let rows = split(lines, delimiter);
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for r in &rows {
        *counts.entry(r.len()).or_default() += 1;
    }
    let (&fields, &agree) = counts
        .iter()
        .filter(|(&f, _)| f > 1)
        .max_by_key(|(&f, &n)| (n, f))?;
    Some((agree, fields, rows))
}

/// Columns whose values mostly are identifiers (or whose header says so).
fn identifier_columns(rows: &[Vec<String>], header: bool) -> usize {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let data = &rows[usize::from(header).min(rows.len())..];
    (0..width)
        .filter(|&i| {
            let named = header
                && rows
                    .first()
                    .and_then(|h| h.get(i))
                    .and_then(|n| header_role(n))
                    .is_some_and(|r| r.is_identifier());
            named
                || content_role(
                    data.iter()
                        .take(100)
                        .filter_map(|r| r.get(i))
                        .map(String::as_str),
                    &PROBE_REGIONS,
                )
                .is_identifier()
        })
        .count()
}

/// The best delimiter of `lines` among `candidates`, its score (0–100) and
/// whether the first row is a header.
fn best_delimiter(lines: &[String], candidates: &[u8]) -> Option<(u32, u8, bool)> {
    let lines: Vec<String> = lines.iter().take(SAMPLE_ROWS).cloned().collect();
    let mut best: Option<(u32, u8, bool)> = None;
    for &d in candidates {
        let Some((agree, _fields, rows)) = consistency(&lines, d) else {
            continue;
        };
        if agree * 2 < lines.len() {
            continue;
        }
        let header = looks_like_header(&rows);
        let ids = identifier_columns(&rows, header);
        let mut score = 40 + (30 * agree / lines.len().max(1)) as u32;
        if ids > 0 {
            score += 25;
        }
        // Colons also sit inside times and URLs: other delimiters first on a tie.
        if d == b':' {
            score = score.saturating_sub(2);
        }
        if best.is_none_or(|(s, _, _)| score > s) {
            best = Some((score, d, header));
        }
    }
    best
}

/// The detector of delimited text.
pub fn detect(head: &Head<'_>) -> Guess {
    let (score, delimiter, header) = best_delimiter(&head.lines, &DELIMITERS)?;
    Some((score.min(85), Format::Delimited { delimiter, header }))
}

/// `--format delimited [--delimiter D]`: the delimiter given, or the best.
pub fn forced(head: &Head<'_>, delimiter: Option<u8>) -> Format {
    let candidates: Vec<u8> = match delimiter {
        Some(d) => vec![d],
        None => DELIMITERS.to_vec(),
    };
    match best_delimiter(&head.lines, &candidates) {
        Some((_, delimiter, header)) => Format::Delimited { delimiter, header },
        None => {
            let delimiter = delimiter.unwrap_or(b',');
            let rows = split(&head.lines, delimiter);
            Format::Delimited {
                delimiter,
                header: looks_like_header(&rows),
            }
        }
    }
}

/// A first row is a header when most of its cells are known column names,
/// or when it has no digits and no `@` while the rows below do.
pub fn looks_like_header(rows: &[Vec<String>]) -> bool {
    let Some(first) = rows.first() else {
        return false;
    };
    let known = first.iter().filter(|c| header_role(c).is_some()).count();
    if known * 2 >= first.len() && known > 0 {
        return true;
    }
    let has_data = |r: &Vec<String>| {
        r.iter()
            .any(|c| c.contains('@') || c.bytes().any(|b| b.is_ascii_digit()))
    };
    !has_data(first) && rows.iter().skip(1).take(20).filter(|r| has_data(r)).count() > 0
}

/// Splits one delimited record (possibly several lines joined) into fields
/// with a `csv_core` reader built once: building one per row cost more than
/// the rest of reading a row.
pub struct CsvSplitter {
    reader: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl CsvSplitter {
    pub fn new(delimiter: u8) -> CsvSplitter {
        CsvSplitter {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// The fields of `text`, or `None` when it holds no record.
    pub fn split(&mut self, text: &str) -> Option<Vec<String>> {
        use csv_core::ReadRecordResult;
        self.reader.reset();
        let mut input = text.as_bytes();
        let (mut out_len, mut ends_len) = (0, 0);
        loop {
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.out[out_len..],
                &mut self.ends[ends_len..],
            );
            input = &input[read..];
            out_len += written;
            ends_len += ended;
            match result {
                // Input used up: the next call, with no input, ends the record.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return None,
            }
        }
        let mut start = 0;
        let fields = self.ends[..ends_len]
            .iter()
            .map(|&end| {
                let field = String::from_utf8_lossy(&self.out[start..end]).into_owned();
                start = end;
                field
            })
            .collect();
        Some(fields)
    }
}

/// Rows of delimited text or of one value per line.
pub struct Delimited {
    lines: LineReader,
    csv: Option<CsvSplitter>,
    width: Option<usize>,
    table: Option<TableInfo>,
}

/// The records of `reader` in `format` (delimited or lines); the header row,
/// if any, names the table's columns and is not a row.
pub fn records(
    format: &Format,
    reader: Box<dyn BufRead + Send>,
    head: &Head<'_>,
) -> Box<dyn Records> {
    let mut source = Delimited {
        lines: LineReader::new(reader),
        csv: None,
        width: None,
        table: None,
    };
    match format {
        Format::Delimited { delimiter, header } => {
            source.csv = Some(CsvSplitter::new(*delimiter));
            let columns = if *header {
                match source.next_row() {
                    Some(Ok(row)) => Some(row.fields),
                    _ => None,
                }
            } else {
                None
            };
            source.width = columns.as_ref().map(Vec::len);
            source.table = Some(TableInfo {
                name: None,
                columns,
                roles: None,
            });
        }
        _ => {
            // One value per line under a column name (`telefoon`).
            let named = head.lines.first().is_some_and(|l| header_role(l).is_some());
            let columns = match named.then(|| source.next_row()).flatten() {
                Some(Ok(row)) => Some(row.fields),
                _ => None,
            };
            source.table = Some(TableInfo {
                name: None,
                columns,
                roles: None,
            });
        }
    }
    Box::new(source)
}

impl Delimited {
    fn next_row(&mut self) -> Option<Result<Row, Reject>> {
        let (line, text) = match self.lines.next_line()? {
            Ok(l) => l,
            Err(reject) => return Some(Err(reject)),
        };
        match self.csv.is_some() {
            false => Some(Ok(Row::new(line, vec![text]))),
            true => Some(self.csv_row(line, text)),
        }
    }

    fn csv_row(&mut self, line: u64, first: String) -> Result<Row, Reject> {
        // A quoted field may span lines: join until the quotes balance.
        let mut text = first;
        let mut taken = Vec::new();
        while text.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
            if taken.len() >= MAX_RECORD_LINES || text.len() > super::lines::MAX_LINE {
                break;
            }
            match self.lines.next_line() {
                Some(Ok(next)) => {
                    text.push('\n');
                    text.push_str(&next.1);
                    taken.push(next);
                }
                _ => break,
            }
        }
        if text.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
            // Unterminated quote: report this line, read the following ones as rows.
            self.lines.unread(taken);
            return Err(Reject {
                line,
                reason: RejectReason::Unreadable,
                redacted: redact(text.lines().next().unwrap_or("")),
            });
        }
        let csv = self.csv.as_mut().map(|c| c.split(&text));
        match csv.flatten() {
            Some(fields) => {
                if self.width.is_some_and(|w| w != fields.len()) {
                    return Err(Reject {
                        line,
                        reason: RejectReason::WrongFieldCount,
                        redacted: redact(&fields.join(",")),
                    });
                }
                Ok(Row::new(line, fields))
            }
            _ => Err(Reject {
                line,
                reason: RejectReason::Unreadable,
                redacted: redact(&text),
            }),
        }
    }
}

impl Records for Delimited {
    fn next_item(&mut self) -> Option<Item> {
        if let Some(table) = self.table.take() {
            return Some(Item::Table(table));
        }
        self.next_row().map(Item::Row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The splitter reused across rows reads every record as a fresh
        /// `csv` reader does, whatever the quotes and delimiters.
        #[test]
        fn splitter_agrees_with_the_csv_crate(
            texts in proptest::collection::vec("[a-c\",; \t\né:]{0,40}", 1..8),
            delimiter in proptest::sample::select(DELIMITERS.to_vec()),
        ) {
            let mut splitter = CsvSplitter::new(delimiter);
            for text in &texts {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes());
                let mut record = csv::StringRecord::new();
                let expected = match reader.read_record(&mut record) {
                    Ok(true) => Some(record.iter().map(str::to_owned).collect::<Vec<_>>()),
                    _ => None,
                };
                proptest::prop_assert_eq!(splitter.split(text), expected, "{:?}", text);
            }
        }
    }

    fn head(text: &str) -> Option<Format> {
        super::super::detect(&Head::new(text.as_bytes(), "dump"))
    }

    #[test]
    fn delimiters_and_headers() {
        assert_eq!(
            head("telefoon;naam;iban\n06-12345678;Jan;NL91ABNA0417164300\n0612345679;\"Piet; jr\";\n"),
            Some(Format::Delimited {
                delimiter: b';',
                header: true
            })
        );
        assert_eq!(
            head("+31612345678\t jan@example.nl\n+32470123456\tpiet@example.be\n"),
            Some(Format::Delimited {
                delimiter: b'\t',
                header: false
            })
        );
        assert_eq!(
            head("06-12345678\n+32 470 12 34 56\n0031612345678\n"),
            Some(Format::Lines)
        );
    }

    #[test]
    fn a_colon_scrape_with_commas_in_a_field() {
        // The 2021 Facebook scrape's shape: phone:id:first:last:gender:location:...:email:
        let mut text = String::new();
        for i in 0..40 {
            let location = if i % 3 == 0 {
                "Amsterdam, Netherlands"
            } else {
                "Gent"
            };
            text.push_str(&format!(
                "3161234{i:04}:10000{i:010}:Jan{i}:Jansen:male:{location}:{location}:::1/1/2018 12:00:00 AM::\n"
            ));
        }
        assert_eq!(
            head(&text),
            Some(Format::Delimited {
                delimiter: b':',
                header: false
            })
        );
    }

    #[test]
    fn times_in_a_csv_do_not_make_it_colon_separated() {
        let text: String = (0..30)
            .map(|i| format!("06-1234{i:04},Jan,2024-01-01 12:{i:02}:00\n"))
            .collect();
        assert_eq!(
            head(&text),
            Some(Format::Delimited {
                delimiter: b',',
                header: false
            })
        );
    }
}
