//! The record shapes beyond one-row-per-line text: nested JSON, SQL dumps,
//! credential lists, stealer logs and vCards (text, through the [`Sink`]),
//! and XLSX / ODS workbooks. A record's [`Field`]s are laid out per format:
//! the kind's columns for JSON, SQL and spreadsheets, `[url, login,
//! password]` for credentials and stealer logs, [`VCARD`] for vCards.

use std::fs::File;
use std::io::Write;

use rand::rngs::StdRng;
use rand::Rng;

use crate::generate::{json_string, pick, splitmix, Field, Gen, Person};
use crate::phone::JUNK_PHONES;
use crate::sink::Sink;
use crate::{CredentialLayout, DumpKind, Format, Lang, SqlDialect};

/// Tuples per extended `INSERT` line of a MySQL dump (mysqldump packs up
/// to `net_buffer_length`, about a megabyte).
const TUPLES_PER_INSERT: u64 = 400;

/// Fields of a vCard record, in this order.
pub(crate) const VCARD: [&str; 8] = ["FN", "N", "TEL", "EMAIL", "ADR", "BDAY", "ORG", "TITLE"];
pub(crate) const V_TEL: usize = 2;
pub(crate) const V_EMAIL: usize = 3;

const SITES: &[&str] = &[
    "https://login.example.nl/",
    "https://mijn.example.be/account/login",
    "https://accounts.example.com/signin",
    "https://webmail.example.org/",
    "http://portal.example.net/login.php",
    "https://www.example.be/nl/inloggen",
];
const APPLICATIONS: &[&str] = &[
    "Google_[Chrome]_Default",
    "Microsoft_[Edge]_Profile 1",
    "Mozilla_[Firefox]_default-release",
];

/// A password as combolists hold them: typed (letters, digits, a few
/// signs, never the list's delimiters) or a bcrypt hash.
pub(crate) fn password(rng: &mut StdRng) -> String {
    const TYPED: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789!#$%&*._-";
    const BCRYPT: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    if rng.gen_bool(0.15) {
        let mut s = String::from("$2y$10$");
        s.extend((0..53).map(|_| *pick(rng, BCRYPT) as char));
        s
    } else {
        let len = rng.gen_range(8..=16);
        (0..len).map(|_| *pick(rng, TYPED) as char).collect()
    }
}

/// The site of a credential record.
pub(crate) fn site(rng: &mut StdRng) -> String {
    (*pick(rng, SITES)).to_owned()
}

/// A login no reader can take for an identifier (`i` picks it).
pub(crate) fn junk_login(i: u64, email: bool) -> String {
    if email {
        [
            "jan.jansen@@example.nl",
            "piet peters@example.be",
            "an.devos.example.be",
        ][(i % 3) as usize]
            .to_owned()
    } else {
        JUNK_PHONES[(i % JUNK_PHONES.len() as u64) as usize].to_owned()
    }
}

/// Name of the table in a SQL dump, of the index in an Elasticsearch export.
pub(crate) fn table_name(kind: DumpKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (DumpKind::Telecom, Lang::Nl) => "klanten",
        (DumpKind::Telecom, Lang::Fr) => "clients",
        (DumpKind::Telecom, Lang::En) => "customers",
        (DumpKind::Broker, Lang::Nl) => "contactpersonen",
        (DumpKind::Broker, Lang::Fr | Lang::En) => "contacts",
        (DumpKind::Scrape, Lang::Nl) => "nummers",
        (DumpKind::Scrape, Lang::Fr) => "numeros",
        (DumpKind::Scrape, Lang::En) => "numbers",
    }
}

fn str_of(f: Option<&Field>) -> Option<&str> {
    match f {
        Some(Field::Str(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

impl Gen<'_> {
    /// A vCard record for a person (`email`: the spelling written, if any).
    pub(crate) fn vcard_fields(
        &self,
        p: &Person,
        spelled_phone: Option<String>,
        email: Option<String>,
    ) -> Vec<Field> {
        let s = |v: String| Field::Str(v);
        let mut f: Vec<Field> = (0..VCARD.len()).map(|_| Field::Absent).collect();
        if !p.first.is_empty() {
            f[0] = s(format!("{} {}", p.first, p.last));
            f[1] = s(format!("{};{};;;", p.last, p.first));
        }
        if let Some(tel) = spelled_phone {
            f[V_TEL] = s(tel);
        }
        if let Some(e) = email {
            f[V_EMAIL] = s(e);
        }
        match self.opts.kind {
            DumpKind::Telecom => {
                f[4] = s(format!(
                    ";;{};{};;{};{}",
                    p.street,
                    p.city,
                    p.postcode,
                    p.country.code()
                ));
                let (y, m, d) = p.dob;
                f[5] = s(format!("{y:04}-{m:02}-{d:02}"));
            }
            DumpKind::Broker => {
                f[6] = s(p.company.to_owned());
                f[7] = s(p.job.to_owned());
            }
            DumpKind::Scrape => {}
        }
        f
    }

    /// Everything before the first record.
    pub(crate) fn prologue(&self) -> String {
        let cols = &self.columns;
        let eol = if self.crlf { "\r\n" } else { "\n" };
        match self.opts.format {
            Format::Delimited { .. } => {
                let d = (self.delimiter as char).to_string();
                format!("{}{eol}", cols.join(&d))
            }
            Format::Json => "[\n".into(),
            Format::Sql {
                dialect: SqlDialect::Mysql,
            } => {
                let t = &self.table;
                let mut s = format!(
                    "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n\
                     -- Host: localhost    Database: crm\n\
                     -- ------------------------------------------------------\n\
                     /*!40101 SET NAMES utf8mb4 */;\n\n\
                     DROP TABLE IF EXISTS `{t}`;\n\
                     /*!40101 SET @saved_cs_client     = @@character_set_client */;\n\
                     CREATE TABLE `{t}` (\n"
                );
                for (i, c) in cols.iter().enumerate() {
                    let ty = if self.numeric_first() && i == 0 {
                        "int NOT NULL"
                    } else {
                        "varchar(255) DEFAULT NULL"
                    };
                    s.push_str(&format!("  `{c}` {ty},\n"));
                }
                s.push_str(&format!(
                    "  PRIMARY KEY (`{}`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\
                     /*!40101 SET character_set_client = @saved_cs_client */;\n\n\
                     LOCK TABLES `{t}` WRITE;\n\
                     /*!40000 ALTER TABLE `{t}` DISABLE KEYS */;\n",
                    cols.first().map_or("id", String::as_str)
                ));
                s
            }
            Format::Sql { dialect } => {
                let t = &self.table;
                let mut s = String::from(
                    "--\n-- PostgreSQL database dump\n--\n\n\
                     SET statement_timeout = 0;\n\
                     SET client_encoding = 'UTF8';\n\
                     SET standard_conforming_strings = on;\n\n",
                );
                s.push_str(&format!("CREATE TABLE public.{t} (\n"));
                for (i, c) in cols.iter().enumerate() {
                    let ty = if self.numeric_first() && i == 0 {
                        "integer NOT NULL"
                    } else {
                        "text"
                    };
                    let sep = if i + 1 < cols.len() { "," } else { "" };
                    s.push_str(&format!("    {} {ty}{sep}\n", pg_ident(c)));
                }
                s.push_str(&format!(
                    ");\n\nALTER TABLE public.{t} OWNER TO crm;\n\n\
                     --\n-- Data for Name: {t}; Type: TABLE DATA; Schema: public; Owner: crm\n--\n\n"
                ));
                if dialect == SqlDialect::PgCopy {
                    let list: Vec<String> = cols.iter().map(|c| pg_ident(c)).collect();
                    s.push_str(&format!(
                        "COPY public.{t} ({}) FROM stdin;\n",
                        list.join(", ")
                    ));
                }
                s
            }
            _ => String::new(),
        }
    }

    /// Everything after the last record (`records`: how many were written).
    pub(crate) fn epilogue(&self, records: u64) -> String {
        match self.opts.format {
            Format::Json => "\n]\n".into(),
            Format::Sql {
                dialect: SqlDialect::Mysql,
            } => {
                let t = &self.table;
                let close = if !records.is_multiple_of(TUPLES_PER_INSERT) {
                    ";\n"
                } else {
                    ""
                };
                format!(
                    "{close}/*!40000 ALTER TABLE `{t}` ENABLE KEYS */;\nUNLOCK TABLES;\n\n\
                     -- Dump completed on 2026-01-01 12:00:00\n"
                )
            }
            Format::Sql {
                dialect: SqlDialect::PgCopy,
            } => "\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n".into(),
            Format::Sql {
                dialect: SqlDialect::PgInserts,
            } => "\n\n--\n-- PostgreSQL database dump complete\n--\n\n".into(),
            _ => String::new(),
        }
    }

    /// Whether the first column is a number (a customer number), written
    /// unquoted in SQL.
    fn numeric_first(&self) -> bool {
        self.opts.kind == DumpKind::Telecom
    }

    /// One record of a text format that is not one line per row of the
    /// kind's columns; `ordinal` counts records from 1.
    pub(crate) fn shaped_record(&self, fields: &[Field], ordinal: u64) -> String {
        let eol = if self.crlf { "\r\n" } else { "\n" };
        match self.opts.format {
            Format::Json => {
                let mut s = String::with_capacity(300);
                if ordinal > 1 {
                    s.push_str(",\n");
                }
                self.json_record(&mut s, fields, ordinal);
                s
            }
            Format::Sql {
                dialect: SqlDialect::Mysql,
            } => {
                let mut s = String::with_capacity(200);
                if (ordinal - 1).is_multiple_of(TUPLES_PER_INSERT) {
                    s.push_str(&format!("INSERT INTO `{}` VALUES ", self.table));
                } else {
                    s.push(',');
                }
                self.sql_tuple(&mut s, fields, true);
                if ordinal.is_multiple_of(TUPLES_PER_INSERT) {
                    s.push_str(";\n");
                }
                s
            }
            Format::Sql {
                dialect: SqlDialect::PgCopy,
            } => {
                let mut s = String::with_capacity(200);
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        s.push('\t');
                    }
                    match f {
                        Field::Str(v) => copy_escape(&mut s, v),
                        Field::Absent | Field::Null => s.push_str("\\N"),
                    }
                }
                s.push('\n');
                s
            }
            Format::Sql {
                dialect: SqlDialect::PgInserts,
            } => {
                let mut s = format!("INSERT INTO public.{} VALUES ", self.table);
                self.sql_tuple(&mut s, fields, false);
                s.push_str(";\n");
                s
            }
            Format::Credentials { layout, delimiter } => {
                let url = str_of(fields.first()).unwrap_or_default();
                let login = str_of(fields.get(1)).unwrap_or_default();
                let pw = str_of(fields.get(2)).unwrap_or_default();
                let d = delimiter.to_string();
                let parts = match layout {
                    CredentialLayout::LoginPassword => vec![login, pw],
                    CredentialLayout::UrlLoginPassword => vec![url, login, pw],
                    CredentialLayout::LoginPasswordUrl => vec![login, pw, url],
                };
                format!("{}{eol}", parts.join(&d))
            }
            Format::Stealer => {
                let url = str_of(fields.first()).unwrap_or_default();
                let login = str_of(fields.get(1)).unwrap_or_default();
                let pw = str_of(fields.get(2)).unwrap_or_default();
                let app = APPLICATIONS[(splitmix(ordinal) % APPLICATIONS.len() as u64) as usize];
                let sep = if self.block_eq { "===============" } else { "" };
                format!(
                    "URL: {url}{eol}{}: {login}{eol}Password: {pw}{eol}Application: {app}{eol}{sep}{eol}",
                    self.login_label
                )
            }
            Format::Vcard => {
                let mut s = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\n");
                for (name, f) in VCARD.iter().zip(fields) {
                    let Some(v) = str_of(Some(f)) else { continue };
                    let prop = match *name {
                        "TEL" => "TEL;TYPE=CELL,VOICE",
                        "EMAIL" => "EMAIL;TYPE=INTERNET",
                        "ADR" => "ADR;TYPE=HOME",
                        other => other,
                    };
                    fold_vcard_line(&mut s, &format!("{prop}:{v}"));
                }
                s.push_str("END:VCARD\r\n");
                s
            }
            _ => self.line(fields),
        }
    }

    fn json_record(&self, s: &mut String, fields: &[Field], ordinal: u64) {
        let id = splitmix(self.opts.seed ^ ordinal.rotate_left(17));
        let groups: &[(usize, Option<&str>, bool)] = match self.opts.kind {
            // (column, group, identifier array)
            DumpKind::Telecom => &[
                (0, None, false),
                (1, Some("person"), false),
                (2, Some("person"), false),
                (9, Some("person"), false),
                (3, Some("address"), false),
                (4, Some("address"), false),
                (5, Some("address"), false),
                (6, Some("contact"), true),
                (7, Some("contact"), true),
                (8, Some("account"), false),
                (10, Some("document"), false),
                (11, Some("document"), false),
            ],
            DumpKind::Broker => &[
                (0, None, false),
                (1, None, false),
                (2, None, false),
                (3, Some("contact"), true),
                (4, Some("contact"), true),
            ],
            DumpKind::Scrape => &[(0, Some("contact"), true)],
        };
        if self.es_json {
            s.push_str(&format!(
                "{{\"_index\":\"{}\",\"_id\":\"{:016x}\",\"_score\":1.0,\"_source\":",
                self.table, id
            ));
        }
        s.push('{');
        let mut first = true;
        if !self.es_json {
            s.push_str(&format!("\"_id\":{{\"$oid\":\"65a1{id:020x}\"}}"));
            first = false;
        }
        let mut open: Option<&str> = None;
        for &(col, group, array) in groups {
            let Some(f) = fields.get(col) else { continue };
            if matches!(f, Field::Absent) {
                continue;
            }
            if open != group {
                if open.is_some() {
                    s.push('}');
                }
                if let Some(g) = group {
                    if !first {
                        s.push(',');
                    }
                    json_string(s, g);
                    s.push_str(":{");
                    first = true;
                }
                open = group;
            }
            if !first {
                s.push(',');
            }
            first = false;
            json_string(s, self.columns.get(col).map_or("extra", String::as_str));
            s.push(':');
            match (f, array) {
                (Field::Str(v), true) if v.is_empty() => s.push_str("[]"),
                (Field::Str(v), true) => {
                    s.push('[');
                    json_string(s, v);
                    s.push(']');
                }
                (Field::Str(v), false) => json_string(s, v),
                _ => s.push_str("null"),
            }
        }
        if open.is_some() {
            s.push('}');
        }
        s.push('}');
        if self.es_json {
            s.push('}');
        }
    }

    fn sql_tuple(&self, s: &mut String, fields: &[Field], mysql: bool) {
        s.push('(');
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            match f {
                Field::Str(v) if i == 0 && self.numeric_first() && !v.is_empty() => s.push_str(v),
                Field::Str(v) => {
                    s.push('\'');
                    for c in v.chars() {
                        match (c, mysql) {
                            ('\'', true) => s.push_str("\\'"),
                            ('\'', false) => s.push_str("''"),
                            ('\\', true) => s.push_str("\\\\"),
                            ('"', true) => s.push_str("\\\""),
                            ('\n', true) => s.push_str("\\n"),
                            ('\r', true) => s.push_str("\\r"),
                            ('\0', true) => s.push_str("\\0"),
                            ('\u{1a}', true) => s.push_str("\\Z"),
                            (c, _) => s.push(c),
                        }
                    }
                    s.push('\'');
                }
                Field::Absent | Field::Null => s.push_str("NULL"),
            }
        }
        s.push(')');
    }

    /// The spelled phone number and email address of a record of the
    /// kind's columns (for the shapes that carry only these).
    pub(crate) fn identifiers_of(&self, fields: &[Field]) -> (Option<String>, Option<String>) {
        let (p, e) = match self.opts.kind {
            DumpKind::Telecom => (crate::generate::T_MOBILE, Some(crate::generate::T_EMAIL)),
            DumpKind::Broker => (crate::generate::B_MOBILE, Some(crate::generate::B_EMAIL)),
            DumpKind::Scrape => (0, None),
        };
        (
            str_of(fields.get(p)).map(str::to_owned),
            e.and_then(|e| str_of(fields.get(e))).map(str::to_owned),
        )
    }
}

/// A PostgreSQL identifier, quoted when it is not a plain lower-case name.
fn pg_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn copy_escape(s: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '\t' => s.push_str("\\t"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            c => s.push(c),
        }
    }
}

/// A content line folded at 75 octets as RFC 6350 asks (CRLF, then a space).
fn fold_vcard_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A spreadsheet being written: rows go to the first sheet until
/// `split_after`, then to the second, each sheet with its header row.
pub(crate) enum Book {
    Xlsx {
        book: Box<rust_xlsxwriter::Workbook>,
        sheet: usize,
        row: u32,
    },
    Ods {
        book: Box<spreadsheet_ods::WorkBook>,
        sheet: Option<Box<spreadsheet_ods::Sheet>>,
        row: u32,
    },
}

/// Sheet names per header language.
fn sheet_names(lang: Lang) -> [&'static str; 2] {
    match lang {
        Lang::Nl => ["Klanten", "Blad2"],
        Lang::Fr => ["Clients", "Feuille2"],
        Lang::En => ["Customers", "Sheet2"],
    }
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl Book {
    pub(crate) fn new(format: Format, lang: Lang, header: &[String]) -> std::io::Result<Book> {
        let name = sheet_names(lang)[0];
        let mut book = match format {
            Format::Xlsx => {
                let mut book = Box::new(rust_xlsxwriter::Workbook::new());
                // A fixed creation time: the same options give the same bytes.
                let created =
                    rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, 1).map_err(xlsx_err)?;
                book.set_properties(
                    &rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created),
                );
                let sheet = book
                    .add_worksheet_with_constant_memory()
                    .map_err(xlsx_err)?;
                sheet.set_name(name).map_err(xlsx_err)?;
                Book::Xlsx {
                    book,
                    sheet: 0,
                    row: 0,
                }
            }
            _ => Book::Ods {
                book: Box::new(spreadsheet_ods::WorkBook::new_empty()),
                sheet: Some(Box::new(spreadsheet_ods::Sheet::new(name))),
                row: 0,
            },
        };
        book.header(header)?;
        Ok(book)
    }

    fn header(&mut self, header: &[String]) -> std::io::Result<()> {
        let cells: Vec<Option<&str>> = header.iter().map(|h| Some(h.as_str())).collect();
        self.cells(&cells)
    }

    fn cells(&mut self, cells: &[Option<&str>]) -> std::io::Result<()> {
        match self {
            Book::Xlsx { book, sheet, row } => {
                let ws = book.worksheet_from_index(*sheet).map_err(xlsx_err)?;
                for (col, v) in cells.iter().enumerate() {
                    if let Some(v) = v {
                        ws.write_string(*row, col as u16, *v).map_err(xlsx_err)?;
                    }
                }
                *row += 1;
            }
            Book::Ods { sheet, row, .. } => {
                if let Some(sheet) = sheet {
                    for (col, v) in cells.iter().enumerate() {
                        if let Some(v) = v {
                            sheet.set_value(*row, col as u32, *v);
                        }
                    }
                }
                *row += 1;
            }
        }
        Ok(())
    }

    /// Writes a record's fields as a row.
    pub(crate) fn record(&mut self, fields: &[Field]) -> std::io::Result<()> {
        let cells: Vec<Option<&str>> = fields.iter().map(|f| str_of(Some(f))).collect();
        self.cells(&cells)
    }

    /// Starts the second sheet, with the header row again.
    pub(crate) fn next_sheet(&mut self, lang: Lang, header: &[String]) -> std::io::Result<()> {
        let name = sheet_names(lang)[1];
        match self {
            Book::Xlsx { book, sheet, row } => {
                let ws = book
                    .add_worksheet_with_constant_memory()
                    .map_err(xlsx_err)?;
                ws.set_name(name).map_err(xlsx_err)?;
                *sheet += 1;
                *row = 0;
            }
            Book::Ods { book, sheet, row } => {
                if let Some(done) = sheet.take() {
                    book.push_sheet(*done);
                }
                *sheet = Some(Box::new(spreadsheet_ods::Sheet::new(name)));
                *row = 0;
            }
        }
        self.header(header)
    }

    /// Writes the workbook into `file` and syncs it.
    pub(crate) fn finish(self, mut file: File) -> std::io::Result<()> {
        match self {
            Book::Xlsx { mut book, .. } => {
                book.save_to_writer(&mut file).map_err(xlsx_err)?;
            }
            Book::Ods {
                mut book, sheet, ..
            } => {
                if let Some(done) = sheet {
                    book.push_sheet(*done);
                }
                let bytes = spreadsheet_ods::write_ods_buf(&mut book, Vec::new())
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                file.write_all(&bytes)?;
            }
        }
        file.sync_all()
    }
}

/// Where records go: a text sink or a workbook.
pub(crate) enum Out {
    Text(Box<Sink>),
    Book(Book),
}

impl Out {
    /// Newlines written so far (text only).
    pub(crate) fn lines(&self) -> u64 {
        match self {
            Out::Text(s) => s.lines(),
            Out::Book(_) => 0,
        }
    }
}
