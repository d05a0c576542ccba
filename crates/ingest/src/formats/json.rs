//! JSON: JSON Lines (one object per line, line numbers kept), and JSON
//! documents read element by element — one array of objects streamed, not
//! loaded, or objects one after another however they are laid out
//! (`mongoexport --jsonArray`, Elasticsearch dumps). Nested objects and
//! arrays are read as paths: `{"contact":{"phones":["…","…"]}}` has the
//! column `contact.phones[]` with two values; MongoDB's extended values
//! (`{"$oid": …}`, `{"$date": …}`) count as their value; Elasticsearch's
//! `_source` prefix is dropped. Columns are the paths in order of first
//! appearance; a path first met after the sample is still read, its role
//! told by its name.

use std::collections::HashMap;
use std::io::BufRead;

use serde_json::Value;

use super::lines::LineReader;
use super::{Format, Guess, Head, Item, Records, TableInfo};
use crate::columns::redact;
use crate::rows::{Reject, RejectReason, Row};

/// Largest JSON element (one record) read; a bigger one is one reject.
pub const MAX_ELEMENT: usize = 16 << 20;
/// Deepest nesting read (serde_json's own limit is 128).
const MAX_DEPTH: usize = 128;

/// JSON Lines: most lines are one JSON object each.
pub fn detect_lines(head: &Head<'_>) -> Guess {
    if head.lines.is_empty() {
        return None;
    }
    let objects = head
        .lines
        .iter()
        .take(200)
        .filter(|l| {
            let t = l.trim();
            t.starts_with('{') && t.ends_with('}') && serde_json::from_str::<Value>(t).is_ok()
        })
        .count();
    (objects * 2 > head.lines.len().min(200)).then_some((90, Format::JsonLines))
}

/// JSON documents: the text starts with `[` or `{` and is not one object a
/// line.
pub fn detect(head: &Head<'_>) -> Guess {
    let first = head.bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    match first {
        b'[' => Some((92, Format::Json)),
        b'{' => Some((80, Format::Json)),
        _ => None,
    }
}

/// The paths and values of a JSON value, in document order.
pub fn flatten(value: &Value, path: &mut String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            // MongoDB extended JSON: {"$oid": "…"} is that value.
            if map.len() == 1 {
                if let Some((k, v)) = map.iter().next() {
                    if k.starts_with('$') && !v.is_object() && !v.is_array() {
                        out.push((column_name(path), scalar(v)));
                        return;
                    }
                }
            }
            for (k, v) in map {
                let len = path.len();
                if !(path.is_empty() && k == "_source") {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                flatten(v, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            let len = path.len();
            path.push_str("[]");
            for item in items {
                flatten(item, path, out);
            }
            path.truncate(len);
        }
        Value::Null => {}
        other => out.push((column_name(path), scalar(other))),
    }
}

fn column_name(path: &str) -> String {
    if path.is_empty() {
        "value".to_owned()
    } else {
        path.to_owned()
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Columns assigned to paths as they are met, and rows built from them.
#[derive(Default)]
struct Columns {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Columns {
    fn row(&mut self, line: u64, value: &Value) -> Row {
        let mut pairs = Vec::new();
        flatten(value, &mut String::new(), &mut pairs);
        let mut row = Row::new(line, Vec::new());
        for (path, v) in pairs {
            let i = match self.index.get(&path) {
                Some(&i) => i,
                None => {
                    self.names.push(path.clone());
                    self.index.insert(path, self.names.len() - 1);
                    self.names.len() - 1
                }
            };
            if row.fields.len() <= i {
                row.fields.resize(i + 1, String::new());
            }
            if row.fields[i].is_empty() {
                row.fields[i] = v;
            } else {
                row.more.push((i, v));
            }
        }
        row.fields.resize(self.names.len(), String::new());
        row
    }
}

/// JSON Lines, line by line.
struct Lines {
    lines: LineReader,
    columns: Columns,
    table: Option<TableInfo>,
}

/// The records of JSON Lines; the columns are the paths of the first
/// objects (more are added as they come).
pub fn lines_records(reader: Box<dyn BufRead + Send>, head: &Head<'_>) -> Box<dyn Records> {
    let mut columns = Columns::default();
    for line in head.lines.iter().take(super::SAMPLE_ROWS) {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            columns.row(0, &v);
        }
    }
    let table = TableInfo {
        name: None,
        columns: Some(columns.names.clone()),
        roles: None,
    };
    Box::new(Lines {
        lines: LineReader::new(reader),
        columns,
        table: Some(table),
    })
}

impl Records for Lines {
    fn next_item(&mut self) -> Option<Item> {
        if let Some(t) = self.table.take() {
            return Some(Item::Table(t));
        }
        let (line, text) = match self.lines.next_line()? {
            Ok(l) => l,
            Err(r) => return Some(Item::Row(Err(r))),
        };
        Some(Item::Row(match serde_json::from_str::<Value>(&text) {
            Ok(v @ Value::Object(_)) => Ok(self.columns.row(line, &v)),
            _ => Err(Reject {
                line,
                reason: RejectReason::NotJson,
                redacted: redact(&text),
            }),
        }))
    }

    fn columns(&self) -> Option<Vec<String>> {
        Some(self.columns.names.clone())
    }
}

/// JSON documents, element by element: the bytes of each record are found
/// by a scanner that follows strings and nesting, then parsed alone, so
/// memory holds one record at a time and a broken record is one reject.
struct Documents {
    reader: Box<dyn BufRead + Send>,
    columns: Columns,
    announced: bool,
    /// The first element was looked at (a top-level `[` opens the array).
    started: bool,
    /// Inside the top-level array.
    in_array: bool,
    /// The document ended (or broke beyond recovery).
    done: bool,
    line: u64,
    element: Vec<u8>,
}

pub fn records(reader: Box<dyn BufRead + Send>) -> Box<dyn Records> {
    Box::new(Documents {
        reader,
        columns: Columns::default(),
        announced: false,
        started: false,
        in_array: false,
        done: false,
        line: 1,
        element: Vec::new(),
    })
}

enum Scan {
    /// An element's bytes are in `element`, starting on this line.
    Element(u64),
    End,
    Broken(u64, &'static str),
}

impl Documents {
    fn peek(&mut self) -> Option<u8> {
        self.reader.fill_buf().ok()?.first().copied()
    }

    fn take(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.reader.consume(1);
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    /// Appends a byte to the element, refusing one that grows too large.
    fn keep(&mut self, b: u8) -> bool {
        self.element.push(b);
        self.element.len() <= MAX_ELEMENT
    }

    fn skip_separators(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || (self.in_array && b == b',') {
                self.take();
            } else {
                break;
            }
        }
    }

    /// Finds the next element's bytes.
    fn scan(&mut self) -> Scan {
        loop {
            self.element.clear();
            self.skip_separators();
            let Some(first) = self.peek() else {
                return if self.in_array {
                    Scan::Broken(self.line, "the JSON array is not closed")
                } else {
                    Scan::End
                };
            };
            if !self.started {
                self.started = true;
                if first == b'[' {
                    self.take();
                    self.in_array = true;
                    continue;
                }
            }
            if self.in_array && first == b']' {
                self.take();
                self.in_array = false;
                continue;
            }
            let start = self.line;
            return match first {
                b'{' | b'[' => self.balanced(start),
                b'"' => self.string(start),
                b'}' | b']' => Scan::Broken(start, "unbalanced brackets"),
                _ => {
                    // A bare scalar: up to the next separator.
                    while let Some(b) = self.peek() {
                        if b.is_ascii_whitespace() || matches!(b, b',' | b']' | b'}') {
                            break;
                        }
                        self.take();
                        if !self.keep(b) {
                            return Scan::Broken(start, "a JSON record is larger than 16 MiB");
                        }
                    }
                    if self.element.is_empty() {
                        // A stray separator: skip it.
                        self.take();
                        continue;
                    }
                    Scan::Element(start)
                }
            };
        }
    }

    fn string(&mut self, start: u64) -> Scan {
        let mut escaped = false;
        let mut first = true;
        while let Some(b) = self.take() {
            if !self.keep(b) {
                return Scan::Broken(start, "a JSON record is larger than 16 MiB");
            }
            if first {
                first = false;
                continue;
            }
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                return Scan::Element(start);
            }
        }
        Scan::Broken(start, "the JSON ends inside a string")
    }

    fn balanced(&mut self, start: u64) -> Scan {
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        while let Some(b) = self.take() {
            if !self.keep(b) {
                return Scan::Broken(start, "a JSON record is larger than 16 MiB");
            }
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Scan::Broken(start, "JSON nested deeper than 128 levels");
                    }
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Scan::Element(start);
                    }
                }
                _ => {}
            }
        }
        Scan::Broken(start, "the JSON ends inside a record")
    }
}

impl Records for Documents {
    fn next_item(&mut self) -> Option<Item> {
        if !self.announced {
            self.announced = true;
            return Some(Item::Table(TableInfo {
                name: None,
                columns: None,
                roles: None,
            }));
        }
        if self.done {
            return None;
        }
        match self.scan() {
            Scan::End => {
                self.done = true;
                None
            }
            Scan::Broken(line, why) => {
                // The rest of the document cannot be told apart: stop here.
                self.done = true;
                Some(Item::Row(Err(Reject {
                    line,
                    reason: RejectReason::BrokenJson,
                    redacted: why.to_owned(),
                })))
            }
            Scan::Element(line) => Some(Item::Row(
                match serde_json::from_slice::<Value>(&self.element) {
                    Ok(v) => Ok(self.columns.row(line, &v)),
                    Err(_) => Err(Reject {
                        line,
                        reason: RejectReason::NotJson,
                        redacted: redact(&String::from_utf8_lossy(
                            &self.element[..self.element.len().min(64)],
                        )),
                    }),
                },
            )),
        }
    }

    fn columns(&self) -> Option<Vec<String>> {
        Some(self.columns.names.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> (Vec<Result<Row, Reject>>, Vec<String>) {
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let mut r = records(reader);
        let mut out = Vec::new();
        while let Some(item) = r.next_item() {
            if let Item::Row(row) = item {
                out.push(row);
            }
        }
        (out, r.columns().unwrap())
    }

    #[test]
    fn an_array_of_nested_objects_streams_as_paths() {
        let text = r#"[
  {"_id": {"$oid": "5f1"}, "name": "Jan", "contact": {"phones": ["06-12345678", "+32 470 12 34 56"], "email": "jan@example.nl"}},
  {"_id": {"$oid": "5f2"}, "contact": {"phones": [], "email": "piet@example.be"}, "tags": ["a", "b"]}
]"#;
        let (rows, columns) = rows(text);
        assert_eq!(
            columns,
            ["_id", "name", "contact.phones[]", "contact.email", "tags[]"]
        );
        let first = rows[0].as_ref().unwrap();
        assert_eq!(first.line, 2);
        assert_eq!(first.fields[2], "06-12345678");
        assert_eq!(first.more, [(2, "+32 470 12 34 56".to_owned())]);
        let second = rows[1].as_ref().unwrap();
        assert_eq!(second.line, 3);
        assert_eq!(second.fields[3], "piet@example.be");
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn elasticsearch_source_and_concatenated_objects() {
        let text = "{\"_index\":\"u\",\"_source\":{\"email\":\"a@b.nl\"}}\n{\"_index\":\"u\",\n \"_source\":{\"email\":\"c@d.nl\"}}";
        let (rows, columns) = rows(text);
        assert_eq!(columns, ["_index", "email"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].as_ref().unwrap().fields[1], "c@d.nl");
    }

    #[test]
    fn broken_and_deep_json_are_rejects_not_panics() {
        let deep = format!("[{}{}]", "[".repeat(10_000), "]".repeat(10_000));
        let (got, _) = rows(&deep);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].as_ref().unwrap_err().reason,
            RejectReason::BrokenJson
        );
        let (got, _) = rows("[{\"a\":1},{\"b\":");
        assert!(got[0].is_ok());
        assert_eq!(
            got[1].as_ref().unwrap_err().reason,
            RejectReason::BrokenJson
        );
        let (got, _) = rows("[{\"a\":1}, nonsense, {\"b\":2}]");
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].as_ref().unwrap_err().reason, RejectReason::NotJson);
        assert!(got[2].is_ok());
    }

    #[test]
    fn scalars_in_an_array() {
        let (rows, columns) = rows("[\"06-12345678\", \"jan@example.nl\"]");
        assert_eq!(columns, ["value"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].as_ref().unwrap().fields, ["jan@example.nl"]);
    }
}
