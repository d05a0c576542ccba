//! Reading a dump row by row in its sniffed format, with the physical line
//! number of each row, and turning a row into a record: its canonical
//! identifiers and the data classes present in it. Rows that cannot be used
//! become [`Reject`]s with a line number, a reason and a redacted value; the
//! reading goes on.

use std::io::BufRead;

use lekradar_normalize::{normalize_email, normalize_phone, Identifier, PhoneNumber, Region};

use crate::columns::{redact, ColumnRole, Detection};
use crate::sniff::{json_text, Format};
use crate::source::decode_line;

/// Why a row was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    WrongFieldCount,
    NotJson,
    NoIdentifier,
    Unreadable,
}

impl RejectReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            RejectReason::WrongFieldCount => "wrong number of fields",
            RejectReason::NotJson => "not a JSON object",
            RejectReason::NoIdentifier => "no valid phone number or email address",
            RejectReason::Unreadable => "unreadable (broken quoting or encoding)",
        }
    }
}

/// A row that was not used: where, why, and its shape (never its content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub line: u64,
    pub reason: RejectReason,
    pub redacted: String,
}

/// One row's fields and the line it started on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

/// Longest run of physical lines one quoted record may span; an
/// unterminated quote is reported at its line instead of swallowing the rest.
const MAX_RECORD_LINES: usize = 64;

#[derive(Debug, Clone, Copy)]
enum Mode {
    Csv,
    Json,
    Lines,
}

/// Iterates the rows of a dump after sniffing; the header row, if any, is
/// skipped. Reads physical lines itself so every row and reject carries the
/// line it starts on.
pub struct Rows {
    reader: Box<dyn BufRead + Send>,
    mode: Mode,
    width: Option<usize>,
    keys: Vec<String>,
    line_no: u64,
    pending: std::collections::VecDeque<(u64, String)>,
    buf: Vec<u8>,
    /// A read failed (a corrupt or truncated gzip/zstd stream): the reader
    /// would fail again at every call, so the rows end there.
    broken: bool,
    csv: CsvSplitter,
}

/// Splits one delimited record (possibly several lines joined) into fields
/// with a `csv_core` reader built once: building one per row cost more than
/// the rest of reading a row.
struct CsvSplitter {
    reader: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl CsvSplitter {
    fn new(delimiter: u8) -> CsvSplitter {
        CsvSplitter {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// The fields of `text`, or `None` when it holds no record.
    fn split(&mut self, text: &str) -> Option<Vec<String>> {
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

impl Rows {
    /// Rows of `reader` (decompressed) in `format`; `columns` are the header
    /// names (JSON keys for JSON Lines).
    pub fn new(
        reader: Box<dyn BufRead + Send>,
        format: &Format,
        columns: Option<Vec<String>>,
    ) -> Rows {
        let (mode, width, skip_header) = match format {
            Format::Delimited { header, .. } => {
                (Mode::Csv, columns.as_ref().map(Vec::len), *header)
            }
            Format::JsonLines => (Mode::Json, None, false),
            Format::Lines => (Mode::Lines, Some(1), false),
        };
        let mut rows = Rows {
            reader,
            mode,
            width,
            keys: columns.unwrap_or_default(),
            line_no: 0,
            pending: Default::default(),
            buf: Vec::new(),
            broken: false,
            csv: CsvSplitter::new(match format {
                Format::Delimited { delimiter, .. } => *delimiter,
                _ => b',',
            }),
        };
        if skip_header {
            let _ = rows.next_row();
        }
        rows
    }

    /// The next non-empty physical line and its number.
    fn next_line(&mut self) -> Option<Result<(u64, String), Reject>> {
        if let Some(line) = self.pending.pop_front() {
            return Some(Ok(line));
        }
        if self.broken {
            return None;
        }
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => {
                    self.broken = true;
                    self.line_no += 1;
                    return Some(Err(Reject {
                        line: self.line_no,
                        reason: RejectReason::Unreadable,
                        redacted: String::new(),
                    }));
                }
            }
            self.line_no += 1;
            let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            let text = decode_line(bytes);
            if !text.trim().is_empty() {
                return Some(Ok((self.line_no, text.into_owned())));
            }
        }
    }

    /// The next row, a rejected row, or `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<Row, Reject>> {
        let (line, text) = match self.next_line()? {
            Ok(l) => l,
            Err(reject) => return Some(Err(reject)),
        };
        match self.mode {
            Mode::Lines => Some(Ok(Row {
                line,
                fields: vec![text],
            })),
            Mode::Json => Some(
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
                    Ok(object) => Ok(Row {
                        line,
                        fields: self.keys.iter().map(|k| json_text(object.get(k))).collect(),
                    }),
                    Err(_) => Err(Reject {
                        line,
                        reason: RejectReason::NotJson,
                        redacted: redact(&text),
                    }),
                },
            ),
            Mode::Csv => Some(self.csv_row(line, text)),
        }
    }

    fn csv_row(&mut self, line: u64, first: String) -> Result<Row, Reject> {
        // A quoted field may span lines: join until the quotes balance.
        let mut text = first;
        let mut taken = Vec::new();
        while text.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
            if taken.len() >= MAX_RECORD_LINES {
                break;
            }
            match self.next_line() {
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
            for l in taken.into_iter().rev() {
                self.pending.push_front(l);
            }
            return Err(Reject {
                line,
                reason: RejectReason::Unreadable,
                redacted: redact(text.lines().next().unwrap_or("")),
            });
        }
        match self.csv.split(&text) {
            Some(fields) => {
                if self.width.is_some_and(|w| w != fields.len()) {
                    return Err(Reject {
                        line,
                        reason: RejectReason::WrongFieldCount,
                        redacted: redact(&fields.join(",")),
                    });
                }
                Ok(Row { line, fields })
            }
            _ => Err(Reject {
                line,
                reason: RejectReason::Unreadable,
                redacted: redact(&text),
            }),
        }
    }
}

/// What a usable row yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub identifiers: Vec<Identifier>,
    /// HIBP data classes present in the row, without repeats.
    pub classes: Vec<&'static str>,
    /// For each phone number, the region that read it (`None`: written with a country code)
    /// and whether other regions also gave a valid reading.
    pub phone_regions: Vec<(Option<Region>, bool)>,
}

/// Reads a phone value: with a country code it is read as such; in national
/// format each region is tried in order and the first valid reading wins,
/// except that in a mobile column a mobile reading is preferred.
pub fn read_phone(
    value: &str,
    regions: &[Region],
    mobile_column: bool,
) -> Option<(PhoneNumber, Option<Region>, bool)> {
    // Each region's reading, parsed once.
    let readings: Vec<(Option<PhoneNumber>, Region)> = regions
        .iter()
        .map(|r| (normalize_phone(value, *r).ok(), *r))
        .collect();
    let mut valid: Vec<(PhoneNumber, Region)> = Vec::new();
    for (reading, region) in &readings {
        if let Some(p) = reading {
            if valid.iter().all(|(q, _)| q != p) {
                valid.push((*p, *region));
            }
        }
    }
    let ambiguous = valid.len() > 1;
    let pick = if mobile_column {
        valid.iter().find(|(p, _)| p.is_mobile()).or(valid.first())
    } else {
        valid.first()
    }?;
    // A number valid under every region with the same result carried its own country code.
    let region = if valid.len() == 1
        && regions.len() > 1
        && readings.iter().all(|(p, _)| *p == Some(pick.0))
    {
        None
    } else {
        Some(pick.1)
    };
    Some((pick.0, region, ambiguous))
}

/// Turns a row into a record, or a reject when it has no usable identifier.
pub fn to_record(row: &Row, detection: &Detection, regions: &[Region]) -> Result<Record, Reject> {
    let mut record = Record {
        identifiers: Vec::new(),
        classes: Vec::new(),
        phone_regions: Vec::new(),
    };
    let add_class = |classes: &mut Vec<&'static str>, class: Option<&'static str>| {
        if let Some(c) = class {
            if !classes.contains(&c) {
                classes.push(c);
            }
        }
    };
    for (value, role) in row.fields.iter().zip(&detection.roles) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match role {
            ColumnRole::Phone { mobile } => {
                if let Some((phone, region, ambiguous)) = read_phone(value, regions, *mobile) {
                    let id = Identifier::Phone(phone);
                    if !record.identifiers.contains(&id) {
                        record.identifiers.push(id);
                        record.phone_regions.push((region, ambiguous));
                    }
                    add_class(&mut record.classes, role.data_class());
                }
            }
            ColumnRole::Email => {
                if let Ok(email) = normalize_email(value) {
                    let id = Identifier::Email(email);
                    if !record.identifiers.contains(&id) {
                        record.identifiers.push(id);
                    }
                    add_class(&mut record.classes, role.data_class());
                }
            }
            other => add_class(&mut record.classes, other.data_class()),
        }
    }
    if record.identifiers.is_empty() {
        return Err(Reject {
            line: row.line,
            reason: RejectReason::NoIdentifier,
            redacted: redact(&row.fields.join(",")),
        });
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::detect_columns;

    proptest::proptest! {
        /// The splitter reused across rows reads every record as a fresh
        /// `csv` reader does, whatever the quotes and delimiters.
        #[test]
        fn splitter_agrees_with_the_csv_crate(
            texts in proptest::collection::vec("[a-c\",; \t\né]{0,40}", 1..8),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
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

    fn rows(text: &str, format: Format, columns: Option<Vec<String>>) -> Vec<Result<Row, Reject>> {
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let mut r = Rows::new(reader, &format, columns);
        std::iter::from_fn(|| r.next_row()).collect()
    }

    #[test]
    fn csv_rows_keep_line_numbers_and_reject_bad_field_counts() {
        let text = "telefoon;naam\n06-12345678;Jan\n\n0612345679;Piet;extra\n\"multi\nline\";X\n0612345670;Kees\n";
        let header = Some(vec!["telefoon".into(), "naam".into()]);
        let got = rows(
            text,
            Format::Delimited {
                delimiter: b';',
                header: true,
            },
            header,
        );
        assert_eq!(
            got[0],
            Ok(Row {
                line: 2,
                fields: vec!["06-12345678".into(), "Jan".into()]
            })
        );
        assert_eq!(got[1].as_ref().unwrap_err().line, 4);
        assert_eq!(
            got[1].as_ref().unwrap_err().reason,
            RejectReason::WrongFieldCount
        );
        assert_eq!(
            got[1].as_ref().unwrap_err().redacted,
            "9999999999,xxxx,xxxxx"
        );
        assert_eq!(got[2].as_ref().unwrap().line, 5);
        assert_eq!(got[2].as_ref().unwrap().fields[0], "multi\nline");
        assert_eq!(got[3].as_ref().unwrap().line, 7);
    }

    #[test]
    fn an_unterminated_quote_is_one_reject_not_the_rest_of_the_file() {
        let text = "a,b\n1,\"open\n2,x\n3,y\n";
        let got = rows(
            text,
            Format::Delimited {
                delimiter: b',',
                header: false,
            },
            Some(vec!["a".into(), "b".into()]),
        );
        assert_eq!(got[0].as_ref().unwrap().fields, ["a", "b"]);
        assert_eq!(got[1].as_ref().unwrap_err().line, 2);
        assert_eq!(
            got[1].as_ref().unwrap_err().reason,
            RejectReason::Unreadable
        );
        assert_eq!(got[2].as_ref().unwrap().line, 3);
        assert_eq!(got[3].as_ref().unwrap().fields, ["3", "y"]);
    }

    #[test]
    fn a_broken_stream_is_one_reject_and_the_end() {
        // Found by fuzzing (fuzz/fuzz_targets/rows.rs): a corrupt or truncated
        // gzip stream failed at every read, so the rows never ended.
        let text: String = (0..2000).map(|i| format!("06{i:08}\n")).collect();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let mut corrupt = gz.clone();
        corrupt[gz.len() / 2] ^= 0xff;
        let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
        for bytes in [
            gz[..gz.len() / 2].to_vec(),
            corrupt,
            zst[..zst.len() / 2].to_vec(),
        ] {
            let len = bytes.len() as u64;
            let source =
                crate::source::Source::from_reader(std::io::Cursor::new(bytes), len).unwrap();
            let mut r = Rows::new(source.reader, &Format::Lines, None);
            let got: Vec<_> = std::iter::from_fn(|| r.next_row()).take(3000).collect();
            assert!(got.len() < 2000, "{} rows", got.len());
            let last = got.last().unwrap().as_ref().unwrap_err();
            assert_eq!(last.reason, RejectReason::Unreadable);
            assert!(last.line >= got.len() as u64);
            assert!(r.next_row().is_none());
        }
    }

    #[test]
    fn json_and_lines() {
        let got = rows(
            "{\"gsm\":\"0470 12 34 56\"}\nnot json\n",
            Format::JsonLines,
            Some(vec!["gsm".into()]),
        );
        assert_eq!(got[0].as_ref().unwrap().fields, ["0470 12 34 56"]);
        assert_eq!(got[1].as_ref().unwrap_err().reason, RejectReason::NotJson);
        assert_eq!(got[1].as_ref().unwrap_err().line, 2);
        let got = rows("+31612345678\r\n\n0612345678\n", Format::Lines, None);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].as_ref().unwrap().line, 3);
    }

    #[test]
    fn regions_in_order_and_mobile_preference() {
        // 0488 is a Dutch landline area code and a Belgian mobile prefix.
        let nl_be = [Region::NL, Region::BE];
        let (p, region, ambiguous) = read_phone("0488 12 34 56", &nl_be, false).unwrap();
        assert_eq!(
            (p.e164(), region, ambiguous),
            ("+31488123456", Some(Region::NL), true)
        );
        let (p, region, _) = read_phone("0488 12 34 56", &nl_be, true).unwrap();
        assert_eq!((p.e164(), region), ("+32488123456", Some(Region::BE)));
        let (p, region, ambiguous) = read_phone("+32 470 12 34 56", &nl_be, true).unwrap();
        assert_eq!((p.e164(), region, ambiguous), ("+32470123456", None, false));
        assert!(read_phone("06-123", &nl_be, true).is_none());
    }

    #[test]
    fn records_carry_identifiers_and_classes() {
        let header: Vec<String> = ["gsm", "e-mail", "naam", "iban", "paspoort"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let d = detect_columns(Some(&header), &[], &[Region::NL]);
        let row = Row {
            line: 9,
            fields: vec![
                "06-12345678".into(),
                " Jan@Example.NL ".into(),
                "Jan".into(),
                "NL91ABNA0417164300".into(),
                "".into(),
            ],
        };
        let r = to_record(&row, &d, &[Region::NL]).unwrap();
        assert_eq!(r.identifiers.len(), 2);
        assert_eq!(r.identifiers[1].canonical(), "jan@example.nl");
        assert_eq!(
            r.classes,
            [
                "Phone numbers",
                "Email addresses",
                "Names",
                "Bank account numbers"
            ]
        );
        let bad = Row {
            line: 10,
            fields: vec![
                "06-123".into(),
                "nope".into(),
                "Jan".into(),
                "".into(),
                "".into(),
            ],
        };
        let reject = to_record(&bad, &d, &[Region::NL]).unwrap_err();
        assert_eq!(
            (reject.line, reject.reason),
            (10, RejectReason::NoIdentifier)
        );
        assert!(!reject.redacted.contains("Jan"));
    }
}
