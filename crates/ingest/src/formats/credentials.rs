//! Credential lists and stealer logs. A combolist holds `email:password` or
//! `phone:password` lines, stealer-log exports `url:login:password` or
//! `login:password:url` lines (URLs hold colons, passwords may hold the
//! delimiter) or `URL:` / `Username:` / `Password:` blocks. The login is
//! found as the field that reads as an email address or a phone number;
//! what else a login is counts as a username. A record with a password adds
//! the Passwords class; the password itself is never kept, shown or
//! written — only the fact that the record held one.

use std::io::BufRead;

use lekradar_normalize::{normalize_email, normalize_phone, Region};

use super::lines::LineReader;
use super::{Format, Guess, Head, Item, Records, TableInfo};
use crate::columns::{header_role, ColumnRole};
use crate::rows::Row;

/// Which field is where in a credential line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialLayout {
    /// `login:password`
    LoginPassword,
    /// `url:login:password`
    UrlLoginPassword,
    /// `login:password:url`
    LoginPasswordUrl,
}

impl CredentialLayout {
    pub fn as_str(&self) -> &'static str {
        match self {
            CredentialLayout::LoginPassword => "login:password",
            CredentialLayout::UrlLoginPassword => "url:login:password",
            CredentialLayout::LoginPasswordUrl => "login:password:url",
        }
    }
}

const DELIMITERS: [u8; 3] = [b':', b'|', b';'];
const PROBE_REGIONS: [Region; 2] = [Region::NL, Region::BE];

/// The columns every credential source has, and their roles.
fn table() -> TableInfo {
    TableInfo {
        name: None,
        columns: Some(vec!["login".into(), "password".into(), "url".into()]),
        roles: Some(vec![
            ColumnRole::Login,
            ColumnRole::Password,
            ColumnRole::Url,
        ]),
    }
}

/// Whether `field` reads as an email address or a phone number.
pub fn is_identifier(field: &str) -> bool {
    let f = field.trim();
    if f.is_empty() || f.len() > 320 {
        return false;
    }
    if f.contains('@') {
        return normalize_email(f).is_ok();
    }
    f.bytes().filter(u8::is_ascii_digit).count() >= 8
        && PROBE_REGIONS.iter().any(|r| normalize_phone(f, *r).is_ok())
}

/// Whether `field` starts a URL (`https://`, `android://…@com.app/`).
fn is_url_start(field: &str) -> bool {
    let f = field.trim_start();
    let scheme_end = f.find("//").filter(|&i| i > 0);
    let Some(i) = scheme_end else {
        return f.starts_with("www.");
    };
    let scheme = &f[..i];
    // "https:" when split by ':' leaves "https" and "//…" in the next field.
    let scheme = scheme.strip_suffix(':').unwrap_or(scheme);
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

/// A credential line's login, password and URL.
pub fn split_credential(
    line: &str,
    delimiter: u8,
    layout: CredentialLayout,
) -> (String, String, String) {
    let d = char::from(delimiter);
    let parts: Vec<&str> = line.split(d).collect();
    let join = |p: &[&str]| p.join(&d.to_string());
    match layout {
        CredentialLayout::LoginPassword => match line.split_once(d) {
            Some((login, password)) => (login.to_owned(), password.to_owned(), String::new()),
            None => (line.to_owned(), String::new(), String::new()),
        },
        CredentialLayout::UrlLoginPassword => {
            // The login is the first field after the URL that is an
            // identifier; else the last two fields are login and password.
            let at = (1..parts.len())
                .find(|&i| is_identifier(parts[i]))
                .or((parts.len() >= 3).then(|| parts.len() - 2));
            match at {
                Some(i) => (
                    parts[i].to_owned(),
                    join(&parts[i + 1..]),
                    join(&parts[..i]),
                ),
                None => (String::new(), String::new(), line.to_owned()),
            }
        }
        CredentialLayout::LoginPasswordUrl => {
            // The URL is the last run of fields starting with a scheme.
            let url_at = (2..parts.len())
                .rev()
                .find(|&i| is_url_start(&join(&parts[i..])));
            match url_at {
                Some(j) => (parts[0].to_owned(), join(&parts[1..j]), join(&parts[j..])),
                None => (
                    parts[0].to_owned(),
                    join(&parts[1.min(parts.len())..]),
                    String::new(),
                ),
            }
        }
    }
}

/// Which layout a line has with `delimiter`, if it is a credential line.
fn classify(line: &str, delimiter: u8) -> Option<CredentialLayout> {
    let d = char::from(delimiter);
    let line = line.trim();
    if !line.contains(d) {
        return None;
    }
    let parts: Vec<&str> = line.split(d).collect();
    if is_url_start(line) {
        let (login, _, _) = split_credential(line, delimiter, CredentialLayout::UrlLoginPassword);
        return (is_identifier(&login) || parts.len() >= 3)
            .then_some(CredentialLayout::UrlLoginPassword);
    }
    if !is_identifier(parts[0]) {
        return None;
    }
    let has_url = (2..parts.len()).any(|i| is_url_start(parts[i]));
    Some(if has_url {
        CredentialLayout::LoginPasswordUrl
    } else {
        CredentialLayout::LoginPassword
    })
}

/// Credential lists: most lines (60 %) are one layout with one delimiter,
/// with no header row; with `;` the password field holds no spaces (else it
/// is a name column of a CSV).
pub fn detect(head: &Head<'_>) -> Guess {
    let lines: Vec<&String> = head.lines.iter().take(500).collect();
    if lines.is_empty() {
        return None;
    }
    if let Some(first) = lines.first() {
        let known = first
            .split([',', ';', '\t', '|', ':'])
            .filter(|c| header_role(c).is_some())
            .count();
        if known >= 2 {
            return None;
        }
    }
    let mut best: Option<(usize, u8, CredentialLayout)> = None;
    for d in DELIMITERS {
        for layout in [
            CredentialLayout::LoginPassword,
            CredentialLayout::UrlLoginPassword,
            CredentialLayout::LoginPasswordUrl,
        ] {
            let n = lines
                .iter()
                .filter(|l| classify(l, d) == Some(layout))
                .count();
            if best.is_none_or(|(b, _, _)| n > b) {
                best = Some((n, d, layout));
            }
        }
    }
    let (n, delimiter, layout) = best?;
    if n * 10 < lines.len() * 6 {
        return None;
    }
    // Many fields in the same number on most lines: a table (a scrape with
    // the number first), not logins with passwords that hold the delimiter.
    if layout != CredentialLayout::UrlLoginPassword {
        let mut counts = std::collections::BTreeMap::<usize, usize>::new();
        for l in &lines {
            *counts
                .entry(l.split(char::from(delimiter)).count())
                .or_default() += 1;
        }
        let (width, same) = counts
            .iter()
            .max_by_key(|(_, n)| **n)
            .map_or((0, 0), |(w, n)| (*w, *n));
        if width >= 5 && same * 10 >= lines.len() * 8 {
            return None;
        }
    }
    if delimiter == b';' && layout == CredentialLayout::LoginPassword {
        let spaced = lines
            .iter()
            .filter(|l| {
                l.split_once(';')
                    .is_some_and(|(_, rest)| rest.trim().contains(' '))
            })
            .count();
        if spaced * 10 > lines.len() {
            return None;
        }
    }
    Some((88, Format::Credentials { delimiter, layout }))
}

/// `--format credentials [--delimiter D]`: the layout and delimiter that fit
/// most lines.
pub fn forced(head: &Head<'_>, delimiter: Option<u8>) -> Format {
    let candidates: Vec<u8> = match delimiter {
        Some(d) => vec![d],
        None => DELIMITERS.to_vec(),
    };
    let mut best = (0usize, candidates[0], CredentialLayout::LoginPassword);
    for d in candidates {
        for layout in [
            CredentialLayout::LoginPassword,
            CredentialLayout::UrlLoginPassword,
            CredentialLayout::LoginPasswordUrl,
        ] {
            let n = head
                .lines
                .iter()
                .take(500)
                .filter(|l| classify(l, d) == Some(layout))
                .count();
            if n > best.0 {
                best = (n, d, layout);
            }
        }
    }
    Format::Credentials {
        delimiter: best.1,
        layout: best.2,
    }
}

struct Lines {
    lines: LineReader,
    delimiter: u8,
    layout: CredentialLayout,
    table: Option<TableInfo>,
}

pub fn records(
    reader: Box<dyn BufRead + Send>,
    delimiter: u8,
    layout: CredentialLayout,
) -> Box<dyn Records> {
    Box::new(Lines {
        lines: LineReader::new(reader),
        delimiter,
        layout,
        table: Some(table()),
    })
}

impl Records for Lines {
    fn next_item(&mut self) -> Option<Item> {
        if let Some(t) = self.table.take() {
            return Some(Item::Table(t));
        }
        Some(Item::Row(match self.lines.next_line()? {
            Ok((line, text)) => {
                let (login, password, url) =
                    split_credential(text.trim(), self.delimiter, self.layout);
                Ok(Row::new(line, vec![login, password, url]))
            }
            Err(r) => Err(r),
        }))
    }
}

/// A stealer-log label and the field it fills (0 login, 1 password, 2 URL).
fn label(line: &str) -> Option<(usize, &str)> {
    let (name, value) = line.split_once(':')?;
    let field = match name.trim().to_ascii_lowercase().as_str() {
        "username" | "user" | "login" | "user name" | "email" | "e-mail" | "mail" => 0,
        "password" | "pass" | "pwd" | "passwd" => 1,
        "url" | "host" | "hostname" | "site" | "website" | "domain" => 2,
        "soft" | "application" | "browser" | "storage" | "software" | "profile" => 3,
        _ => return None,
    };
    Some((field, value.trim()))
}

fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && t.chars().all(|c| matches!(c, '=' | '-' | '*' | '_' | '#'))
}

/// Stealer logs: a quarter of the lines are known labels, passwords among them.
pub fn detect_stealer(head: &Head<'_>) -> Guess {
    let lines: Vec<&String> = head.lines.iter().take(500).collect();
    if lines.is_empty() {
        return None;
    }
    let labelled: Vec<usize> = lines
        .iter()
        .filter_map(|l| label(l).map(|(f, _)| f))
        .collect();
    (labelled.len() * 4 >= lines.len() && labelled.contains(&1) && labelled.contains(&0))
        .then_some((90, Format::StealerLog))
}

struct Blocks {
    lines: LineReader,
    table: Option<TableInfo>,
}

pub fn stealer_records(reader: Box<dyn BufRead + Send>) -> Box<dyn Records> {
    Box::new(Blocks {
        lines: LineReader::new(reader),
        table: Some(table()),
    })
}

impl Records for Blocks {
    fn next_item(&mut self) -> Option<Item> {
        if let Some(t) = self.table.take() {
            return Some(Item::Table(t));
        }
        loop {
            let mut fields = [String::new(), String::new(), String::new()];
            let mut seen = [false; 3];
            let mut start = None;
            let mut ended = false;
            loop {
                let (line, text) = match self.lines.next_any() {
                    None => {
                        ended = true;
                        break;
                    }
                    Some(Err(r)) => return Some(Item::Row(Err(r))),
                    Some(Ok(l)) => l,
                };
                if text.trim().is_empty() || is_separator(&text) {
                    if start.is_some() {
                        break;
                    }
                    continue;
                }
                let Some((field, value)) = label(&text) else {
                    continue;
                };
                if field == 3 {
                    continue;
                }
                if seen[field] {
                    // A label again: a new block without a blank line between.
                    self.lines.unread(vec![(line, text.clone())]);
                    break;
                }
                seen[field] = true;
                start.get_or_insert(line);
                fields[field] = value.to_owned();
            }
            if let Some(line) = start {
                if seen[0] || seen[1] {
                    return Some(Item::Row(Ok(Row::new(line, fields.to_vec()))));
                }
            }
            if ended {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(text: &str) -> Option<Format> {
        super::super::detect(&Head::new(text.as_bytes(), "dump"))
    }

    #[test]
    fn combolists_of_every_layout() {
        let text: String = (0..20)
            .map(|i| format!("user{i}@example.nl:pa:ss{i}\n"))
            .collect();
        assert_eq!(
            guess(&text),
            Some(Format::Credentials {
                delimiter: b':',
                layout: CredentialLayout::LoginPassword
            })
        );
        let (login, password, _) = split_credential(
            "jan@example.nl:pa:ss",
            b':',
            CredentialLayout::LoginPassword,
        );
        assert_eq!(
            (login.as_str(), password.as_str()),
            ("jan@example.nl", "pa:ss")
        );

        let text: String = (0..20)
            .map(|i| format!("https://login.example.com:8443/auth:0612345{i:03}:hunter{i}\n"))
            .collect();
        assert_eq!(
            guess(&text),
            Some(Format::Credentials {
                delimiter: b':',
                layout: CredentialLayout::UrlLoginPassword
            })
        );
        let (login, password, url) = split_credential(
            "https://login.example.com:8443/auth:0612345678:hun:ter",
            b':',
            CredentialLayout::UrlLoginPassword,
        );
        assert_eq!(
            (login.as_str(), password.as_str(), url.as_str()),
            (
                "0612345678",
                "hun:ter",
                "https://login.example.com:8443/auth"
            )
        );

        let text: String = (0..20)
            .map(|i| format!("piet{i}@example.be|secret{i}|android://abc@com.bank.app/\n"))
            .collect();
        assert_eq!(
            guess(&text),
            Some(Format::Credentials {
                delimiter: b'|',
                layout: CredentialLayout::LoginPasswordUrl
            })
        );
        let (login, password, url) = split_credential(
            "piet@example.be:se:cret:https://x.example/login",
            b':',
            CredentialLayout::LoginPasswordUrl,
        );
        assert_eq!(
            (login.as_str(), password.as_str(), url.as_str()),
            ("piet@example.be", "se:cret", "https://x.example/login")
        );
    }

    #[test]
    fn a_csv_of_emails_and_names_is_not_a_combolist() {
        let text: String = (0..20)
            .map(|i| format!("user{i}@example.nl;Jan Jansen{i}\n"))
            .collect();
        assert!(!matches!(guess(&text), Some(Format::Credentials { .. })));
        let text = "email;naam\njan@example.nl;Jan\npiet@example.nl;Piet\n";
        assert!(!matches!(guess(text), Some(Format::Credentials { .. })));
    }

    #[test]
    fn stealer_blocks() {
        let text = "*** Stealer v2 ***\n\nURL: https://mail.example.com/\nUsername: jan@example.nl\nPassword: s3cret\nApplication: Chrome\n===============\nURL: https://bank.example/\nLogin: 0612345678\nPassword: p:w\n\nHost: ftp://x\nUSER: someone\nPASS: x\n";
        assert_eq!(guess(text), Some(Format::StealerLog));
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let mut r = stealer_records(reader);
        let mut rows = Vec::new();
        while let Some(item) = r.next_item() {
            if let Item::Row(Ok(row)) = item {
                rows.push(row);
            }
        }
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].line, 3);
        assert_eq!(
            rows[0].fields,
            ["jan@example.nl", "s3cret", "https://mail.example.com/"]
        );
        assert_eq!(rows[1].fields[0], "0612345678");
        assert_eq!(rows[1].fields[1], "p:w");
        assert_eq!(rows[2].fields[0], "someone");
    }
}
