//! Sniffing a dump's format from its first lines: JSON Lines, delimited text
//! (comma, semicolon, tab or pipe; with or without a header row) or one value
//! per line; and refusing files that are not text at all.

use std::io::Read;
use std::path::Path;

use crate::columns::header_role;
use crate::source::{decode_line, open, Compression, Source, SourceError};

/// Bytes of decompressed content looked at.
const SAMPLE_BYTES: usize = 256 * 1024;
/// Rows kept as the sample for column detection.
const SAMPLE_ROWS: usize = 500;
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The layout of a dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Delimited text; `header` when the first row names the columns.
    Delimited { delimiter: u8, header: bool },
    /// One JSON object per line.
    JsonLines,
    /// One value per line.
    Lines,
}

impl Format {
    pub fn describe(&self) -> String {
        match self {
            Format::Delimited { delimiter, header } => {
                let d = match delimiter {
                    b'\t' => "tab".to_string(),
                    b => format!("'{}'", *b as char),
                };
                format!(
                    "delimited by {d}, {}",
                    if *header {
                        "with header row"
                    } else {
                        "no header row"
                    }
                )
            }
            Format::JsonLines => "JSON Lines".into(),
            Format::Lines => "one value per line".into(),
        }
    }
}

/// What sniffing found: the format, the column names (header row or JSON
/// keys) and the first rows split into fields.
#[derive(Debug, Clone)]
pub struct Sniffed {
    pub format: Format,
    pub compression: Compression,
    pub header: Option<Vec<String>>,
    pub sample: Vec<Vec<String>>,
}

/// Reads the start of `path` and decides its format.
pub fn sniff(path: &Path) -> Result<Sniffed, SourceError> {
    sniff_source(path, open(path)?)
}

/// Reads the start of an opened dump and decides its format; `path` names
/// the dump in errors (it is not opened).
pub fn sniff_source(path: &Path, mut source: Source) -> Result<Sniffed, SourceError> {
    let mut buf = Vec::with_capacity(SAMPLE_BYTES);
    (&mut source.reader)
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut buf)
        .map_err(|e| SourceError::Io {
            path: path.to_owned(),
            source: e,
        })?;
    let complete = buf.len() < SAMPLE_BYTES;
    let not_a_dump = |reason: &str| SourceError::NotADump {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    if buf.is_empty() {
        return Err(not_a_dump("the file is empty"));
    }
    let binary = buf
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')))
        .count();
    if binary * 20 > buf.len() {
        return Err(not_a_dump("it is binary, not text"));
    }
    let mut lines: Vec<String> = buf
        .split(|&b| b == b'\n')
        .map(|l| decode_line(l.strip_suffix(b"\r").unwrap_or(l)).into_owned())
        .collect();
    if !complete {
        lines.pop(); // the last line may be cut off
    }
    lines.retain(|l| !l.trim().is_empty());
    if lines.is_empty() {
        return Err(not_a_dump("no lines of text at the start"));
    }
    let longest = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    if longest > 64 * 1024 {
        return Err(not_a_dump("its first lines are longer than 64 KiB"));
    }

    let json = lines
        .iter()
        .filter(|l| l.trim_start().starts_with('{'))
        .count();
    if json * 2 > lines.len() {
        return Ok(sniff_json(lines, source.compression));
    }
    Ok(sniff_delimited(lines, source.compression))
}

fn sniff_json(lines: Vec<String>, compression: Compression) -> Sniffed {
    let mut header: Vec<String> = Vec::new();
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = lines
        .iter()
        .take(SAMPLE_ROWS)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    for object in &objects {
        for key in object.keys() {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    let sample = objects
        .iter()
        .map(|o| header.iter().map(|k| json_text(o.get(k))).collect())
        .collect();
    Sniffed {
        format: Format::JsonLines,
        compression,
        header: Some(header),
        sample,
    }
}

/// A JSON value as field text: strings as they are, numbers and booleans
/// printed, null and missing as empty.
pub(crate) fn json_text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn split(lines: &[String], delimiter: u8) -> Vec<Vec<String>> {
    let text = lines.join("\n");
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect()
}

fn sniff_delimited(lines: Vec<String>, compression: Compression) -> Sniffed {
    let sample_lines: Vec<String> = lines.into_iter().take(SAMPLE_ROWS).collect();
    // The delimiter whose rows most often share one field count above 1.
    let mut best: Option<(u8, usize, usize)> = None; // (delimiter, fields, rows agreeing)
    for d in DELIMITERS {
        let rows = split(&sample_lines, d);
        let mut counts = std::collections::HashMap::new();
        for r in &rows {
            *counts.entry(r.len()).or_insert(0usize) += 1;
        }
        if let Some((&fields, &agree)) = counts
            .iter()
            .filter(|(&f, _)| f > 1)
            .max_by_key(|(&f, &n)| (n, f))
        {
            if best.is_none_or(|(_, bf, bn)| (agree, fields) > (bn, bf)) {
                best = Some((d, fields, agree));
            }
        }
    }
    match best {
        Some((delimiter, _, agree)) if agree * 2 >= sample_lines.len() => {
            let mut rows = split(&sample_lines, delimiter);
            let header = looks_like_header(&rows);
            let header_row = if header && !rows.is_empty() {
                Some(rows.remove(0))
            } else {
                None
            };
            Sniffed {
                format: Format::Delimited { delimiter, header },
                compression,
                header: header_row,
                sample: rows,
            }
        }
        _ => {
            let header = sample_lines
                .first()
                .is_some_and(|l| header_role(l).is_some());
            let mut rows: Vec<Vec<String>> = sample_lines.into_iter().map(|l| vec![l]).collect();
            let header_row = if header { Some(rows.remove(0)) } else { None };
            Sniffed {
                format: if header {
                    Format::Delimited {
                        delimiter: b',',
                        header: true,
                    }
                } else {
                    Format::Lines
                },
                compression,
                header: header_row,
                sample: rows,
            }
        }
    }
}

/// A first row is a header when most of its cells are known column names,
/// or when it has no digits and no `@` while the rows below do.
fn looks_like_header(rows: &[Vec<String>]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_text(text: &[u8]) -> Result<Sniffed, SourceError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump");
        std::fs::write(&path, text).unwrap();
        sniff(&path)
    }

    #[test]
    fn delimiters_and_headers() {
        let s = sniff_text(
            b"telefoon;naam;iban\n06-12345678;Jan;NL91ABNA0417164300\n0612345679;\"Piet; jr\";\n",
        )
        .unwrap();
        assert_eq!(
            s.format,
            Format::Delimited {
                delimiter: b';',
                header: true
            }
        );
        assert_eq!(s.header.unwrap(), ["telefoon", "naam", "iban"]);
        assert_eq!(s.sample[1][1], "Piet; jr");

        let s =
            sniff_text(b"+31612345678\t jan@example.nl\n+32470123456\tpiet@example.be\n").unwrap();
        assert_eq!(
            s.format,
            Format::Delimited {
                delimiter: b'\t',
                header: false
            }
        );
        assert!(s.header.is_none());

        let s = sniff_text(b"06-12345678\n+32 470 12 34 56\n0031612345678\n").unwrap();
        assert_eq!(s.format, Format::Lines);
        assert_eq!(s.sample.len(), 3);
    }

    #[test]
    fn json_lines() {
        let s = sniff_text(b"{\"mobile\": \"06-12345678\", \"email\": \"a@b.nl\"}\n{\"mobile\": 31612345679, \"name\": \"X\"}\n").unwrap();
        assert_eq!(s.format, Format::JsonLines);
        assert_eq!(s.header.clone().unwrap(), ["mobile", "email", "name"]);
        assert_eq!(s.sample[1], ["31612345679", "", "X"]);
    }

    #[test]
    fn not_a_dump() {
        let err = sniff_text(&[0u8, 1, 2, 3, 0, 0, 0, 7, 8, 0, 0]).unwrap_err();
        assert!(err.to_string().contains("binary"), "{err}");
        let err = sniff_text(b"").unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }
}
