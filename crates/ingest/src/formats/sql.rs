//! SQL dumps, streamed: MySQL's `INSERT INTO … VALUES (…),(…)` (extended
//! inserts put thousands of rows, many megabytes, on one line), with column
//! names from the `INSERT`'s own column list or from the table's `CREATE
//! TABLE`; strings with mysqldump's escapes; PostgreSQL's `COPY … FROM
//! stdin` blocks and `pg_dump --inserts`. Every table is its own table of
//! the file, read with its own columns. Nothing but the bytes of one value
//! is held at a time.

use std::collections::HashMap;
use std::io::BufRead;

use super::{Format, Guess, Head, Item, Records, TableInfo};
use crate::rows::{Reject, RejectReason, Row};

/// Longest value kept; the rest of a longer one (a blob) is skipped.
const MAX_VALUE: usize = 64 * 1024;
/// Longest statement head looked at to tell what a statement is.
const MAX_HEAD: usize = 64 * 1024;

pub fn detect(head: &Head<'_>) -> Guess {
    let mut statements = 0;
    for line in head.lines.iter().take(2000) {
        let t = line.trim_start().to_ascii_uppercase();
        if t.starts_with("INSERT INTO")
            || t.starts_with("INSERT IGNORE INTO")
            || t.starts_with("REPLACE INTO")
            || t.starts_with("CREATE TABLE")
            || (t.starts_with("COPY ") && t.contains("FROM STDIN"))
        {
            statements += 1;
        }
        if t.starts_with("-- MYSQL DUMP") || t.starts_with("-- POSTGRESQL DATABASE DUMP") {
            statements += 2;
        }
    }
    (statements >= 1).then_some((95, Format::Sql))
}

struct Input {
    reader: Box<dyn BufRead + Send>,
    line: u64,
    broken: bool,
    /// A byte taken from the reader to look one further (`--`, `/*` across
    /// a buffer refill), to be read next.
    held: Option<u8>,
}

impl Input {
    fn peek_reader(&mut self) -> Option<u8> {
        if self.broken {
            return None;
        }
        match self.reader.fill_buf() {
            Ok(b) => b.first().copied(),
            Err(_) => {
                self.broken = true;
                None
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.held.or_else(|| self.peek_reader())
    }

    /// The byte after the next one.
    fn peek_second(&mut self) -> Option<u8> {
        if self.held.is_none() {
            let b = self.peek_reader()?;
            self.reader.consume(1);
            self.held = Some(b);
        }
        self.peek_reader()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = match self.held.take() {
            Some(b) => b,
            None => {
                let b = self.peek_reader()?;
                self.reader.consume(1);
                b
            }
        };
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.bump();
        }
    }

    /// Skips whitespace and comments (`-- …`, `# …`, `/* … */`, MySQL's
    /// `/*! … */` settings included).
    fn skip_space_and_comments(&mut self) {
        loop {
            self.skip_space();
            match self.peek() {
                Some(b'#') => self.skip_line(),
                Some(b'-') if self.starts_with(b"--") => self.skip_line(),
                Some(b'/') if self.starts_with(b"/*") => {
                    self.bump();
                    self.bump();
                    let mut star = false;
                    while let Some(b) = self.bump() {
                        if star && b == b'/' {
                            break;
                        }
                        star = b == b'*';
                    }
                }
                _ => return,
            }
        }
    }

    /// Whether the next two bytes are `prefix`, wherever the reader's
    /// buffer ends.
    fn starts_with(&mut self, prefix: &[u8; 2]) -> bool {
        self.peek() == Some(prefix[0]) && self.peek_second() == Some(prefix[1])
    }

    fn skip_line(&mut self) {
        while let Some(b) = self.bump() {
            if b == b'\n' {
                break;
            }
        }
    }

    /// A quoted string after its opening `quote`: MySQL's backslash escapes
    /// (unless `standard`, PostgreSQL's), and the quote doubled.
    fn string(&mut self, quote: u8, backslash: bool) -> String {
        let mut out = Vec::new();
        while let Some(b) = self.bump() {
            if b == quote {
                if self.peek() == Some(quote) {
                    self.bump();
                    push(&mut out, quote);
                    continue;
                }
                break;
            }
            if b == b'\\' && backslash {
                let Some(e) = self.bump() else { break };
                push(
                    &mut out,
                    match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'0' => 0,
                        b'Z' => 0x1a,
                        b'b' => 0x08,
                        other => other,
                    },
                );
                continue;
            }
            push(&mut out, b);
        }
        String::from_utf8(out)
            .unwrap_or_else(|e| crate::source::decode_line(e.as_bytes()).into_owned())
    }

    /// An identifier: `quoted`, "quoted" or bare, dotted parts joined.
    fn identifier(&mut self) -> Option<String> {
        let mut name = String::new();
        loop {
            self.skip_space();
            let part = match self.peek()? {
                b'`' => {
                    self.bump();
                    self.string(b'`', false)
                }
                b'"' => {
                    self.bump();
                    self.string(b'"', false)
                }
                b if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' => {
                    let mut s = String::new();
                    while let Some(b) = self.peek() {
                        if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' {
                            s.push(char::from(b));
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    s
                }
                _ => return (!name.is_empty()).then_some(name),
            };
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(&part);
            if self.peek() == Some(b'.') {
                self.bump();
            } else {
                return Some(name);
            }
        }
    }

    /// Skips to the end of the statement (a `;` outside strings).
    fn skip_statement(&mut self) {
        while let Some(b) = self.bump() {
            match b {
                b';' => return,
                b'\'' => {
                    self.string(b'\'', true);
                }
                b'"' => {
                    self.string(b'"', true);
                }
                b'`' => {
                    self.string(b'`', false);
                }
                _ => {}
            }
        }
    }

    /// A keyword (letters), upper case.
    fn word(&mut self) -> String {
        self.skip_space_and_comments();
        let mut w = String::new();
        while let Some(b) = self.peek() {
            if b.is_ascii_alphabetic() || b == b'_' {
                w.push(char::from(b.to_ascii_uppercase()));
                self.bump();
                if w.len() > 64 {
                    break;
                }
            } else {
                break;
            }
        }
        w
    }

    /// A parenthesised list of identifiers (after its `(`).
    fn identifier_list(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            self.skip_space_and_comments();
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    return out;
                }
                Some(b',') => {
                    self.bump();
                }
                None => return out,
                _ => match self.identifier() {
                    Some(id) => out.push(id),
                    None => {
                        self.bump();
                    }
                },
            }
        }
    }

    /// The columns of a `CREATE TABLE`'s body (after its `(`): the first
    /// identifier of each top-level definition that is not a key or a
    /// constraint.
    fn create_columns(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        let mut at_start = true;
        let mut depth = 0usize;
        let mut spent = 0usize;
        while let Some(b) = self.peek() {
            spent += 1;
            if spent > MAX_HEAD * 16 {
                break;
            }
            match b {
                b'(' => {
                    depth += 1;
                    self.bump();
                }
                b')' => {
                    self.bump();
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                b',' if depth == 0 => {
                    self.bump();
                    at_start = true;
                }
                b'\'' => {
                    self.bump();
                    self.string(b'\'', true);
                }
                _ if b.is_ascii_whitespace() => {
                    self.bump();
                }
                _ if at_start && depth == 0 => {
                    at_start = false;
                    if let Some(name) = self.identifier() {
                        let upper = name.to_ascii_uppercase();
                        let keyword = [
                            "PRIMARY",
                            "KEY",
                            "UNIQUE",
                            "CONSTRAINT",
                            "INDEX",
                            "FOREIGN",
                            "CHECK",
                            "FULLTEXT",
                            "SPATIAL",
                            "EXCLUDE",
                            "LIKE",
                            "PERIOD",
                        ]
                        .contains(&upper.as_str());
                        if !keyword {
                            out.push(name);
                        }
                    } else {
                        self.bump();
                    }
                }
                _ => {
                    self.bump();
                }
            }
        }
        out
    }
}

fn push(out: &mut Vec<u8>, b: u8) {
    if out.len() < MAX_VALUE {
        out.push(b);
    }
}

enum State {
    Top,
    /// Inside an INSERT's VALUES: tuples follow until `;`.
    Values {
        standard_strings: bool,
    },
    /// Inside a COPY's data lines, until `\.`.
    Copy,
}

struct Sql {
    input: Input,
    state: State,
    /// Columns of each table from its CREATE TABLE.
    created: HashMap<String, Vec<String>>,
    /// The table rows go to now, and its columns.
    current: Option<(String, Option<Vec<String>>)>,
    pending: Option<Item>,
    /// Whether the dump is PostgreSQL's (standard strings).
    postgres: bool,
}

pub fn records(reader: Box<dyn BufRead + Send>) -> Box<dyn Records> {
    Box::new(Sql {
        input: Input {
            reader,
            line: 1,
            broken: false,
            held: None,
        },
        state: State::Top,
        created: HashMap::new(),
        current: None,
        pending: None,
        postgres: false,
    })
}

impl Sql {
    /// Starts rows of `table` with `columns`: a new table item when it
    /// differs from the current one.
    fn start(&mut self, table: String, columns: Option<Vec<String>>) -> Option<Item> {
        let columns = columns
            .filter(|c| !c.is_empty())
            .or_else(|| self.created.get(&table).cloned());
        if self
            .current
            .as_ref()
            .is_some_and(|(t, c)| *t == table && *c == columns)
        {
            return None;
        }
        self.current = Some((table.clone(), columns.clone()));
        Some(Item::Table(TableInfo {
            name: Some(table),
            columns,
            roles: None,
        }))
    }

    /// Reads statements until one yields an item.
    fn top(&mut self) -> Option<Item> {
        loop {
            self.input.skip_space_and_comments();
            self.input.peek()?;
            let first = self.input.word();
            match first.as_str() {
                "INSERT" | "REPLACE" => {
                    let mut w = self.input.word();
                    while matches!(
                        w.as_str(),
                        "IGNORE" | "LOW_PRIORITY" | "DELAYED" | "HIGH_PRIORITY"
                    ) {
                        w = self.input.word();
                    }
                    if w != "INTO" {
                        self.input.skip_statement();
                        continue;
                    }
                    let Some(table) = self.input.identifier() else {
                        self.input.skip_statement();
                        continue;
                    };
                    self.input.skip_space_and_comments();
                    let columns = if self.input.peek() == Some(b'(') {
                        self.input.bump();
                        Some(self.input.identifier_list())
                    } else {
                        None
                    };
                    let values = self.input.word();
                    if values != "VALUES" && values != "VALUE" {
                        self.input.skip_statement();
                        continue;
                    }
                    self.state = State::Values {
                        standard_strings: self.postgres,
                    };
                    if let Some(item) = self.start(table, columns) {
                        return Some(item);
                    }
                    return self.values();
                }
                "CREATE" => {
                    let mut w = self.input.word();
                    while matches!(w.as_str(), "TEMPORARY" | "UNLOGGED" | "GLOBAL" | "LOCAL") {
                        w = self.input.word();
                    }
                    if w != "TABLE" {
                        self.input.skip_statement();
                        continue;
                    }
                    let mut name = self.input.identifier();
                    if name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case("IF"))
                    {
                        // IF NOT EXISTS
                        self.input.word();
                        self.input.word();
                        name = self.input.identifier();
                    }
                    self.input.skip_space_and_comments();
                    if let Some(name) = name {
                        if self.input.peek() == Some(b'(') {
                            self.input.bump();
                            let columns = self.input.create_columns();
                            self.created.insert(name, columns);
                        }
                    }
                    self.input.skip_statement();
                }
                "COPY" => {
                    self.postgres = true;
                    let Some(table) = self.input.identifier() else {
                        self.input.skip_statement();
                        continue;
                    };
                    self.input.skip_space_and_comments();
                    let columns = if self.input.peek() == Some(b'(') {
                        self.input.bump();
                        Some(self.input.identifier_list())
                    } else {
                        None
                    };
                    let from = self.input.word();
                    let stdin = self.input.word();
                    self.input.skip_statement();
                    if from != "FROM" || stdin != "STDIN" {
                        continue;
                    }
                    // The data starts on the next line.
                    self.input.skip_line();
                    self.state = State::Copy;
                    if let Some(item) = self.start(table, columns) {
                        return Some(item);
                    }
                    return self.copy_row();
                }
                "SET" | "SELECT" => {
                    // pg_dump's header sets standard_conforming_strings.
                    if first == "SET" {
                        let setting = self.input.word();
                        if setting == "STANDARD_CONFORMING_STRINGS" {
                            self.postgres = true;
                        }
                    }
                    self.input.skip_statement();
                }
                "" => {
                    // Not a word: skip a byte (stray punctuation) or a statement.
                    if self.input.peek() == Some(b';') {
                        self.input.bump();
                    } else {
                        self.input.skip_statement();
                    }
                }
                _ => self.input.skip_statement(),
            }
        }
    }

    /// The next tuple of an INSERT, or the statement's end.
    fn values(&mut self) -> Option<Item> {
        let State::Values { standard_strings } = self.state else {
            return self.top();
        };
        loop {
            self.input.skip_space_and_comments();
            match self.input.peek() {
                None => {
                    self.state = State::Top;
                    return None;
                }
                Some(b',') => {
                    self.input.bump();
                }
                Some(b';') => {
                    self.input.bump();
                    self.state = State::Top;
                    return self.top();
                }
                Some(b'(') => {
                    let line = self.input.line;
                    self.input.bump();
                    return Some(Item::Row(self.tuple(line, standard_strings)));
                }
                Some(_) => {
                    // ON DUPLICATE KEY UPDATE … and the like: the rest of the statement.
                    self.input.skip_statement();
                    self.state = State::Top;
                    return self.top();
                }
            }
        }
    }

    /// One tuple's values (after its `(`).
    fn tuple(&mut self, line: u64, standard_strings: bool) -> Result<Row, Reject> {
        let mut fields = Vec::new();
        let mut value = Vec::new();
        let mut quoted: Option<String> = None;
        let mut depth = 0usize;
        loop {
            let Some(b) = self.input.peek() else {
                return Err(Reject {
                    line,
                    reason: RejectReason::Unreadable,
                    redacted: "the dump ends inside a row".into(),
                });
            };
            match b {
                b'\'' => {
                    self.input.bump();
                    let backslash = !standard_strings
                        || value.last() == Some(&b'E')
                        || value.last() == Some(&b'e');
                    quoted = Some(self.input.string(b'\'', backslash));
                    value.clear();
                }
                b'(' => {
                    depth += 1;
                    self.input.bump();
                    value.push(b);
                }
                b')' if depth > 0 => {
                    depth -= 1;
                    self.input.bump();
                    value.push(b);
                }
                b',' | b')' => {
                    self.input.bump();
                    fields.push(match quoted.take() {
                        Some(s) => s,
                        None => {
                            let raw = String::from_utf8_lossy(&value).trim().to_owned();
                            if raw.eq_ignore_ascii_case("NULL") {
                                String::new()
                            } else {
                                raw
                            }
                        }
                    });
                    value.clear();
                    if b == b')' {
                        return Ok(Row::new(line, fields));
                    }
                }
                b';' if quoted.is_none() && depth == 0 && value.is_empty() => {
                    return Err(Reject {
                        line,
                        reason: RejectReason::Unreadable,
                        redacted: "a row is not closed".into(),
                    });
                }
                _ => {
                    self.input.bump();
                    if !b.is_ascii_whitespace() || !value.is_empty() {
                        push(&mut value, b);
                    }
                }
            }
        }
    }

    /// The next line of a COPY block, or its end.
    fn copy_row(&mut self) -> Option<Item> {
        loop {
            let line = self.input.line;
            let mut bytes = Vec::new();
            let mut ended = true;
            while let Some(b) = self.input.bump() {
                if b == b'\n' {
                    ended = false;
                    break;
                }
                ended = false;
                push(&mut bytes, b);
            }
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
            if ended && bytes.is_empty() {
                self.state = State::Top;
                return None;
            }
            if bytes == b"\\." {
                self.state = State::Top;
                return self.top();
            }
            if bytes.is_empty() {
                continue;
            }
            let fields = bytes.split(|&b| b == b'\t').map(copy_field).collect();
            return Some(Item::Row(Ok(Row::new(line, fields))));
        }
    }
}

/// A COPY text-format field: `\N` is null; backslash escapes.
fn copy_field(raw: &[u8]) -> String {
    if raw == b"\\N" {
        return String::new();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && i + 1 < raw.len() {
            i += 1;
            out.push(match raw[i] {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'b' => 0x08,
                b'f' => 0x0c,
                b'v' => 0x0b,
                other => other,
            });
        } else {
            out.push(raw[i]);
        }
        i += 1;
    }
    crate::source::decode_line(&out).into_owned()
}

impl Records for Sql {
    fn next_item(&mut self) -> Option<Item> {
        if let Some(item) = self.pending.take() {
            return Some(item);
        }
        match self.state {
            State::Top => self.top(),
            State::Values { .. } => self.values(),
            State::Copy => self.copy_row(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<Item> {
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let mut r = records(reader);
        std::iter::from_fn(|| r.next_item()).collect()
    }

    /// The same dump read through buffers of every small size: a comment's
    /// `--` or `/*` split over two refills is still a comment, and a lone
    /// `-` or `/` before a refill is still read.
    #[test]
    fn comments_straddling_a_buffer_refill_are_comments() {
        let text = "-- MySQL dump\n/*!40101 SET NAMES utf8 */;\nCREATE TABLE `t` (`id` int, `phone` varchar(32));\n\
                    -- a comment\n/* another\n one */\nINSERT INTO `t` VALUES (1,'06-12345678'),(-2,'0612/345678');\n\
                    # hash comment\nINSERT INTO `t` VALUES (3,'+32 470 12 34 56');\n";
        let whole = items(text);
        assert_eq!(whole.len(), 4, "{whole:?}");
        for capacity in 1..=9 {
            let reader: Box<dyn BufRead + Send> = Box::new(std::io::BufReader::with_capacity(
                capacity,
                std::io::Cursor::new(text.as_bytes().to_vec()),
            ));
            let mut r = records(reader);
            let got: Vec<Item> = std::iter::from_fn(|| r.next_item()).collect();
            assert_eq!(got, whole, "buffer of {capacity} bytes");
        }
    }

    #[test]
    fn mysqldump_with_extended_inserts_and_escapes() {
        let text = "-- MySQL dump 10.13\n/*!40101 SET NAMES utf8 */;\nDROP TABLE IF EXISTS `users`;\nCREATE TABLE `users` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `email` varchar(255) DEFAULT NULL,\n  `phone` varchar(32),\n  `name` varchar(64) COMMENT 'a, b',\n  PRIMARY KEY (`id`),\n  KEY `email` (`email`)\n) ENGINE=InnoDB;\nINSERT INTO `users` VALUES (1,'jan@example.nl','06-12345678','Jan \\'de\\' Vries'),(2,NULL,'+32 470 12 34 56','O''Brien, P.');\nINSERT INTO `orders` (`id`,`user`) VALUES (7,1);\n";
        let got = items(text);
        assert_eq!(
            got[0],
            Item::Table(TableInfo {
                name: Some("users".into()),
                columns: Some(vec![
                    "id".into(),
                    "email".into(),
                    "phone".into(),
                    "name".into()
                ]),
                roles: None,
            })
        );
        let Item::Row(Ok(first)) = &got[1] else {
            panic!("{got:?}")
        };
        assert_eq!(
            first.fields,
            ["1", "jan@example.nl", "06-12345678", "Jan 'de' Vries"]
        );
        assert_eq!(first.line, 12);
        let Item::Row(Ok(second)) = &got[2] else {
            panic!()
        };
        assert_eq!(second.fields, ["2", "", "+32 470 12 34 56", "O'Brien, P."]);
        let Item::Table(orders) = &got[3] else {
            panic!()
        };
        assert_eq!(orders.name.as_deref(), Some("orders"));
        assert_eq!(
            orders.columns.as_deref(),
            Some(&["id".to_owned(), "user".to_owned()][..])
        );
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn postgres_copy_and_inserts() {
        let text = "-- PostgreSQL database dump\nSET standard_conforming_strings = on;\nCOPY public.klanten (id, email, gsm) FROM stdin;\n1\tjan@example.nl\t0612345678\n2\t\\N\t+32\\t470\n\\.\n\nINSERT INTO public.klanten (id, email, gsm) VALUES (3, 'piet@example.be', 'a\\b');\n";
        let got = items(text);
        let Item::Table(t) = &got[0] else { panic!() };
        assert_eq!(t.name.as_deref(), Some("public.klanten"));
        let Item::Row(Ok(r)) = &got[1] else { panic!() };
        assert_eq!(
            (r.line, r.fields.clone()),
            (
                4,
                vec!["1".to_owned(), "jan@example.nl".into(), "0612345678".into()]
            )
        );
        let Item::Row(Ok(r)) = &got[2] else { panic!() };
        assert_eq!(r.fields, ["2", "", "+32\t470"]);
        // The INSERT goes to the same table with the same columns: no new table.
        let Item::Row(Ok(r)) = &got[3] else {
            panic!("{got:?}")
        };
        assert_eq!(r.fields, ["3", "piet@example.be", "a\\b"]);
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn unterminated_strings_and_rows_end_in_a_reject() {
        let got = items("INSERT INTO t VALUES (1,'open");
        assert!(matches!(got.last(), Some(Item::Row(Err(_)))), "{got:?}");
        let got = items("INSERT INTO t VALUES (1,2;\nINSERT INTO t VALUES (3,4);");
        assert!(
            got.iter().any(|i| matches!(i, Item::Row(Err(_)))),
            "{got:?}"
        );
    }
}
