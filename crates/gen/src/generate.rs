//! The generator: dump-wide style drawn from the seed, persons derived from
//! (seed, person id), the row stream with duplicates and junk, and the truth.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::data::{
    ascii_fold, BE_CITIES, BE_STREETS, COMPANIES, EMAIL_DOMAINS, FIRST_NAMES, JOB_TITLES,
    LAST_NAMES, NL_CITIES, NL_STREETS,
};
use crate::phone::{self, Country, Numbering, JUNK_PHONES};
use crate::shapes::{self, Book, Out, V_EMAIL, V_TEL};
use crate::sink::Sink;
use crate::truth::{RowTruth, Style, Swallowed, Totals, Truth, TRUTH_VERSION};
use crate::{iban, Compression, Container, DumpKind, Encoding, Format, GenError, GenOptions, Lang};

/// Share of phone values written in clean E.164.
const CLEAN_E164_SHARE: f64 = 0.12;
/// Share of telecom rows with an ID document number and expiry.
const ID_SHARE: f64 = 0.6;
/// Share of telecom persons with an email address.
const EMAIL_SHARE: f64 = 0.9;
/// Share of broker persons with a mobile number.
const BROKER_MOBILE_SHARE: f64 = 0.9;

/// Data classes, indexed by bit.
const CLASSES: [&str; 11] = [
    "Phone numbers",
    "Email addresses",
    "Names",
    "Physical addresses",
    "Bank account numbers",
    "Dates of birth",
    "Government issued IDs",
    "Job titles",
    "Employers",
    "Customer numbers",
    "Passwords",
];
const PHONE: u16 = 1 << 0;
const EMAIL: u16 = 1 << 1;
const NAMES: u16 = 1 << 2;
const ADDRESS: u16 = 1 << 3;
const BANK: u16 = 1 << 4;
const DOB: u16 = 1 << 5;
const GOV_ID: u16 = 1 << 6;
const JOB: u16 = 1 << 7;
const EMPLOYER: u16 = 1 << 8;
const CUSTOMER: u16 = 1 << 9;
const PASSWORDS: u16 = 1 << 10;

const JUNK_REASONS: [&str; 5] = [
    "wrong_field_count",
    "unparsable_phone",
    "invalid_email",
    "binary_garbage",
    "unterminated_quote",
];
const WRONG_FIELDS: usize = 0;
const BAD_PHONE: usize = 1;
const BAD_EMAIL: usize = 2;
const GARBAGE: usize = 3;
const UNTERMINATED: usize = 4;

/// `<out>.truth.json`: the truth file's path beside the dump.
pub fn truth_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".truth.json");
    PathBuf::from(s)
}

pub(crate) fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn stream_rng(seed: u64, stream: u64, id: u64) -> StdRng {
    StdRng::seed_from_u64(splitmix(splitmix(seed ^ stream.rotate_left(32)) ^ id))
}

pub(crate) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// A field of a row: absent (JSON key left out), null, or a string. CSV
/// writes the first two as an empty field.
pub(crate) enum Field {
    Absent,
    Null,
    Str(String),
}

#[derive(Clone, Copy)]
enum Quote {
    Minimal,
    Text,
    All,
}

#[derive(Clone, Copy)]
enum DateFmt {
    Iso,
    DmyDash,
    DmySlash,
}

pub(crate) type Date = (u16, u8, u8);

pub(crate) struct Person {
    pub(crate) country: Country,
    pub(crate) national: String,
    pub(crate) first: &'static str,
    pub(crate) last: &'static str,
    pub(crate) street: String,
    pub(crate) postcode: String,
    pub(crate) city: &'static str,
    pub(crate) email: Option<String>,
    iban: String,
    pub(crate) dob: Date,
    doc: String,
    doc_expiry: Date,
    pub(crate) company: &'static str,
    pub(crate) job: &'static str,
    has_mobile: bool,
}

/// One row ready to write, with what it holds.
struct Row {
    fields: Vec<Field>,
    classes: u16,
    phone: Option<String>,
    email: Option<String>,
}

fn parse_regions(regions: &[String]) -> Result<Vec<(Country, u32)>, GenError> {
    let mut out: Vec<(Country, u32)> = Vec::new();
    for r in regions {
        let (code, weight) = match r.split_once(':') {
            Some((c, w)) => {
                let w: u32 = w.trim().parse().map_err(|_| {
                    GenError::InvalidOption(format!(
                        "region weight in {r:?} is not a whole number (write NL:60)"
                    ))
                })?;
                (c, w)
            }
            None => (r.as_str(), 1),
        };
        let country = Country::from_code(code).ok_or_else(|| {
            GenError::InvalidOption(format!(
                "unknown region {code:?}; supported: NL BE DE FR GB ES IT EG SA US"
            ))
        })?;
        if weight > 1_000_000 {
            return Err(GenError::InvalidOption(format!(
                "region weight in {r:?} is too large"
            )));
        }
        if weight > 0 {
            out.push((country, weight));
        }
    }
    if out.is_empty() {
        return Err(GenError::InvalidOption(
            "no region with a positive weight (e.g. NL:60,BE:40)".into(),
        ));
    }
    Ok(out)
}

fn validate(opts: &GenOptions) -> Result<Vec<(Country, u32)>, GenError> {
    for (name, rate) in [
        ("junk rate", opts.junk_rate),
        ("duplicate rate", opts.duplicate_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(GenError::InvalidOption(format!(
                "{name} must be between 0 and 1, not {rate}"
            )));
        }
    }
    match opts.format {
        Format::Delimited { delimiter } if ![',', ';', '\t', '|', ':'].contains(&delimiter) => {
            return Err(GenError::InvalidOption(format!(
                "delimiter {delimiter:?} is not one of , ; tab | :"
            )))
        }
        Format::Credentials { delimiter, .. } if ![':', ';', '|'].contains(&delimiter) => {
            return Err(GenError::InvalidOption(format!(
                "a credential list's delimiter is : ; or |, not {delimiter:?}"
            )))
        }
        Format::Lines if opts.kind != DumpKind::Scrape => return Err(GenError::InvalidOption(
            "the lines format holds one value per line: only for scrape dumps (use csv or jsonl)"
                .into(),
        )),
        Format::Xlsx | Format::Ods
            if opts.compression != Compression::None || opts.encoding != Encoding::Utf8 =>
        {
            return Err(GenError::InvalidOption(
                "a spreadsheet is a zip of UTF-8 XML: no --compress or --encoding".into(),
            ))
        }
        Format::Json if opts.encoding != Encoding::Utf8 => {
            return Err(GenError::InvalidOption(
                "JSON is UTF-8: no --encoding latin1".into(),
            ))
        }
        _ => {}
    }
    if opts.zip_password.is_some() && opts.container != Container::Zip {
        return Err(GenError::InvalidOption(
            "a password encrypts a zip: use it with the zip container".into(),
        ));
    }
    let regions = parse_regions(&opts.regions)?;
    let capacity = regions.iter().map(|(c, _)| c.capacity()).min().unwrap_or(0);
    if opts.rows > capacity {
        return Err(GenError::InvalidOption(format!(
            "{} rows exceed the {capacity} distinct mobile numbers of the smallest chosen region",
            opts.rows
        )));
    }
    Ok(regions)
}

/// Column names of a kind in a language; a slot with several names is a
/// synonym chosen per dump. The bool marks text columns (quoted in `text` style).
fn columns(kind: DumpKind, lang: Lang) -> Vec<(&'static [&'static str], bool)> {
    match (kind, lang) {
        (DumpKind::Telecom, Lang::Nl) => vec![
            (&["klantnummer"], false),
            (&["voornaam"], true),
            (&["achternaam"], true),
            (&["straat"], true),
            (&["postcode"], false),
            (&["woonplaats"], true),
            (&["e-mail"], true),
            (&["mobiel", "telefoon", "gsm"], false),
            (&["iban", "rekeningnummer"], false),
            (&["geboortedatum"], false),
            (&["paspoortnummer", "documentnummer"], false),
            (&["geldig_tot"], false),
        ],
        (DumpKind::Telecom, Lang::Fr) => vec![
            (&["numéro_client"], false),
            (&["prénom"], true),
            (&["nom"], true),
            (&["rue"], true),
            (&["code_postal"], false),
            (&["ville"], true),
            (&["courriel", "e-mail"], true),
            (&["gsm", "portable", "téléphone"], false),
            (&["iban", "numéro_de_compte"], false),
            (&["date_de_naissance"], false),
            (&["numéro_de_passeport", "numéro_de_document"], false),
            (&["date_d'expiration"], false),
        ],
        (DumpKind::Telecom, Lang::En) => vec![
            (&["customer_id"], false),
            (&["first_name"], true),
            (&["last_name"], true),
            (&["street"], true),
            (&["postcode"], false),
            (&["city"], true),
            (&["email"], true),
            (&["mobile", "phone", "msisdn"], false),
            (&["iban", "account_number"], false),
            (&["date_of_birth"], false),
            (&["passport_number", "document_number"], false),
            (&["document_expiry"], false),
        ],
        (DumpKind::Broker, Lang::Nl) => vec![
            (&["naam"], true),
            (&["bedrijf"], true),
            (&["functie"], true),
            (&["e-mail_werk", "zakelijk_e-mailadres"], true),
            (&["mobiel", "gsm"], false),
        ],
        (DumpKind::Broker, Lang::Fr) => vec![
            (&["nom_complet"], true),
            (&["entreprise"], true),
            (&["fonction"], true),
            (&["courriel_professionnel"], true),
            (&["portable", "gsm"], false),
        ],
        (DumpKind::Broker, Lang::En) => vec![
            (&["full_name"], true),
            (&["company"], true),
            (&["job_title"], true),
            (&["work_email"], true),
            (&["mobile", "phone"], false),
        ],
        (DumpKind::Scrape, Lang::Nl) => vec![(&["mobiel", "telefoonnummer"], false)],
        (DumpKind::Scrape, Lang::Fr) => vec![(&["gsm", "portable"], false)],
        (DumpKind::Scrape, Lang::En) => vec![(&["msisdn", "phone"], false)],
    }
}

// Column indices of the identifiers (telecom, broker).
pub(crate) const T_EMAIL: usize = 6;
pub(crate) const T_MOBILE: usize = 7;
pub(crate) const B_EMAIL: usize = 3;
pub(crate) const B_MOBILE: usize = 4;

pub(crate) struct Gen<'a> {
    pub(crate) opts: &'a GenOptions,
    regions: Vec<(Country, u32)>,
    region_total: u32,
    numbering: Vec<(Country, Numbering)>,
    pub(crate) delimiter: u8,
    pub(crate) crlf: bool,
    quote: Quote,
    date: DateFmt,
    iban_grouped: bool,
    name_last_first: bool,
    pub(crate) columns: Vec<String>,
    text_cols: Vec<bool>,
    /// Nested JSON as Elasticsearch writes it (`_source`), else MongoDB.
    pub(crate) es_json: bool,
    /// Stealer-log blocks end with a `===` line, else a blank line.
    pub(crate) block_eq: bool,
    /// `Username`, `Login` or `USER` in a stealer log.
    pub(crate) login_label: &'static str,
    /// The SQL table or Elasticsearch index.
    pub(crate) table: String,
}

impl Gen<'_> {
    fn person(&self, id: u64) -> Person {
        let mut rng = stream_rng(self.opts.seed, 1, id);
        let mut roll = rng.gen_range(0..self.region_total);
        let mut country = self.regions[0].0;
        for &(c, w) in &self.regions {
            if roll < w {
                country = c;
                break;
            }
            roll -= w;
        }
        let national = self
            .numbering
            .iter()
            .find(|(c, _)| *c == country)
            .map(|(c, n)| n.national(*c, id))
            .unwrap_or_default();
        let mut p = Person {
            country,
            national,
            first: "",
            last: "",
            street: String::new(),
            postcode: String::new(),
            city: "",
            email: None,
            iban: String::new(),
            dob: (0, 0, 0),
            doc: String::new(),
            doc_expiry: (0, 0, 0),
            company: "",
            job: "",
            has_mobile: true,
        };
        if self.opts.kind == DumpKind::Scrape {
            return p;
        }
        p.first = *pick(&mut rng, FIRST_NAMES);
        p.last = *pick(&mut rng, LAST_NAMES);
        let belgian = country == Country::BE;
        let (streets, cities) = if belgian {
            (BE_STREETS, BE_CITIES)
        } else {
            (NL_STREETS, NL_CITIES)
        };
        let house: u16 = rng.gen_range(1..250);
        let suffix = *pick(&mut rng, &["", "", "", "", "A", "B", "-2", " bus 3"]);
        p.street = format!("{} {house}{suffix}", pick(&mut rng, streets));
        let &(city, lo, hi) = pick(&mut rng, cities);
        p.city = city;
        let code = rng.gen_range(lo..=hi);
        p.postcode = if belgian {
            code.to_string()
        } else {
            const L: &[u8] = b"ABCEGHJKLMNPRTVWXZ";
            let (a, b) = (*pick(&mut rng, L) as char, *pick(&mut rng, L) as char);
            if rng.gen_bool(0.7) {
                format!("{code} {a}{b}")
            } else {
                format!("{code}{a}{b}")
            }
        };
        p.iban = if belgian {
            iban::be(&mut rng)
        } else {
            iban::nl(&mut rng)
        };
        p.dob = (
            rng.gen_range(1940..=2006),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28),
        );
        p.doc_expiry = (
            rng.gen_range(2024..=2035),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28),
        );
        p.doc = doc_number(belgian, &mut rng);
        p.company = *pick(&mut rng, COMPANIES);
        p.job = *pick(&mut rng, JOB_TITLES);
        let first = ascii_fold(p.first);
        let last = ascii_fold(p.last);
        match self.opts.kind {
            DumpKind::Broker => {
                p.has_mobile = rng.gen_bool(BROKER_MOBILE_SHARE);
                let domain = format!("{}.example", ascii_fold(p.company));
                p.email = Some(format!(
                    "{}.{last}{id}@{domain}",
                    &first[..1.min(first.len())]
                ));
            }
            _ => {
                if rng.gen_bool(EMAIL_SHARE) {
                    let sep = *pick(&mut rng, &[".", "_", ""]);
                    let domain = pick(&mut rng, EMAIL_DOMAINS);
                    p.email = Some(format!("{first}{sep}{last}{id}@{domain}"));
                }
            }
        }
        p
    }

    fn date(&self, (y, m, d): Date) -> String {
        match self.date {
            DateFmt::Iso => format!("{y:04}-{m:02}-{d:02}"),
            DateFmt::DmyDash => format!("{d:02}-{m:02}-{y:04}"),
            DateFmt::DmySlash => format!("{d:02}/{m:02}/{y:04}"),
        }
    }

    fn iban(&self, compact: &str) -> String {
        if self.iban_grouped {
            iban::grouped(compact)
        } else {
            compact.to_string()
        }
    }

    fn missing(&self, rng: &mut impl Rng) -> Field {
        match rng.gen_range(0..3) {
            0 => Field::Absent,
            1 => Field::Null,
            _ => Field::Str(String::new()),
        }
    }

    /// A valid row for person `p` (`id` is the person id, `i` the row index).
    fn row(&self, p: &Person, id: u64, i: u64, dup: bool, rng: &mut StdRng) -> Row {
        let phone_canon = phone::e164(p.country, &p.national);
        let spelled = phone::spell(p.country, &p.national, CLEAN_E164_SHARE, rng);
        match self.opts.kind {
            DumpKind::Scrape => Row {
                fields: vec![Field::Str(spelled)],
                classes: PHONE,
                phone: Some(phone_canon),
                email: None,
            },
            DumpKind::Telecom => {
                let mut classes = PHONE | NAMES | BANK | DOB | CUSTOMER;
                let customer = if dup { 50_000_000 + i } else { 10_000_000 + id };
                let mut f: Vec<Field> = Vec::with_capacity(12);
                f.push(Field::Str(customer.to_string()));
                f.push(Field::Str(p.first.to_string()));
                f.push(Field::Str(p.last.to_string()));
                if dup && rng.gen_bool(0.25) {
                    for _ in 0..3 {
                        f.push(Field::Str(String::new()));
                    }
                } else {
                    classes |= ADDRESS;
                    f.push(Field::Str(p.street.clone()));
                    f.push(Field::Str(p.postcode.clone()));
                    f.push(Field::Str(p.city.to_string()));
                }
                let email = match &p.email {
                    Some(e) if !(dup && rng.gen_bool(0.1)) => {
                        classes |= EMAIL;
                        f.push(Field::Str(mess_email(e, rng)));
                        Some(e.clone())
                    }
                    _ => {
                        f.push(self.missing(rng));
                        None
                    }
                };
                f.push(Field::Str(spelled));
                f.push(Field::Str(self.iban(&p.iban)));
                f.push(Field::Str(self.date(p.dob)));
                if rng.gen_bool(ID_SHARE) {
                    classes |= GOV_ID;
                    f.push(Field::Str(p.doc.clone()));
                    f.push(Field::Str(self.date(p.doc_expiry)));
                } else {
                    f.push(self.missing(rng));
                    f.push(self.missing(rng));
                }
                Row {
                    fields: f,
                    classes,
                    phone: Some(phone_canon),
                    email,
                }
            }
            DumpKind::Broker => {
                let mut classes = NAMES | EMPLOYER;
                let name = if self.name_last_first {
                    format!("{}, {}", p.last, p.first)
                } else {
                    format!("{} {}", p.first, p.last)
                };
                let mut f = vec![Field::Str(name), Field::Str(p.company.to_string())];
                if dup && rng.gen_bool(0.3) {
                    f.push(self.missing(rng));
                } else {
                    classes |= JOB;
                    f.push(Field::Str(p.job.to_string()));
                }
                let email = p.email.clone();
                match &email {
                    Some(e) => {
                        classes |= EMAIL;
                        f.push(Field::Str(mess_email(e, rng)));
                    }
                    None => f.push(self.missing(rng)),
                }
                let phone = if p.has_mobile {
                    classes |= PHONE;
                    f.push(Field::Str(spelled));
                    Some(phone_canon)
                } else {
                    f.push(self.missing(rng));
                    None
                };
                Row {
                    fields: f,
                    classes,
                    phone,
                    email,
                }
            }
        }
    }

    /// A valid record for person `p` in the dump's format: the kind's
    /// columns, or the fields of a credential, stealer-log or vCard record.
    fn record(&self, p: &Person, id: u64, i: u64, dup: bool, rng: &mut StdRng) -> Row {
        match self.opts.format {
            Format::Credentials { .. } | Format::Stealer => {
                let url = shapes::site(rng);
                let password = shapes::password(rng);
                // The login is the person's address, or their number when
                // they have none: the same for every row of the person.
                let (login, phone, email, class) = match &p.email {
                    Some(e) => (
                        mess_email(e, rng).trim().to_owned(),
                        None,
                        Some(e.clone()),
                        EMAIL,
                    ),
                    None => {
                        // Not a spelling holding the list's delimiter
                        // (`tel:+31-6-…` in a colon-separated list).
                        let e164 = phone::e164(p.country, &p.national);
                        let d = self.delimiter as char;
                        let spelled = (0..8)
                            .map(|_| phone::spell(p.country, &p.national, CLEAN_E164_SHARE, rng))
                            .find(|s| !s.contains(d))
                            .unwrap_or_else(|| e164.clone());
                        (spelled, Some(e164), None, PHONE)
                    }
                };
                Row {
                    fields: vec![Field::Str(url), Field::Str(login), Field::Str(password)],
                    classes: class | PASSWORDS,
                    phone,
                    email,
                }
            }
            Format::Vcard => {
                let row = self.row(p, id, i, dup, rng);
                let (tel, mail) = self.identifiers_of(&row.fields);
                let mut classes = 0;
                if tel.is_some() {
                    classes |= PHONE;
                }
                if mail.is_some() {
                    classes |= EMAIL;
                }
                classes |= match self.opts.kind {
                    DumpKind::Telecom => NAMES | ADDRESS | DOB,
                    DumpKind::Broker => NAMES | EMPLOYER | JOB,
                    DumpKind::Scrape => 0,
                };
                Row {
                    phone: row.phone.filter(|_| tel.is_some()),
                    email: row.email.filter(|_| mail.is_some()),
                    fields: self.vcard_fields(p, tel, mail),
                    classes,
                }
            }
            _ => self.row(p, id, i, dup, rng),
        }
    }

    /// A junk record for `reason` in the dump's format (no valid identifier).
    fn junk_record(&self, reason: usize, i: u64, rng: &mut StdRng) -> Vec<Field> {
        match self.opts.format {
            Format::Credentials { .. } | Format::Stealer => vec![
                Field::Str(shapes::site(rng)),
                Field::Str(shapes::junk_login(i, reason == BAD_EMAIL)),
                Field::Str(shapes::password(rng)),
            ],
            Format::Vcard => {
                let p = self.person(u64::MAX - i);
                let mut f = self.vcard_fields(&p, None, None);
                if reason == BAD_EMAIL {
                    f[V_EMAIL] = Field::Str(shapes::junk_login(i, true));
                } else {
                    f[V_TEL] = Field::Str(shapes::junk_login(i, false));
                }
                f
            }
            _ => self.junk_fields(reason, i, rng),
        }
    }

    /// A junk row's fields for `reason` (not binary garbage or the
    /// unterminated quote): no valid identifier in it.
    fn junk_fields(&self, reason: usize, i: u64, rng: &mut StdRng) -> Vec<Field> {
        let p = self.person(u64::MAX - i);
        let junk_phone =
            || Field::Str(JUNK_PHONES[(i % JUNK_PHONES.len() as u64) as usize].to_string());
        let bad_email = || {
            let local = format!("{}.{}", ascii_fold(p.first), ascii_fold(p.last));
            Field::Str(match i % 5 {
                0 => format!("{local}@@example.nl"),
                1 => format!("{} {}@example.be", ascii_fold(p.first), ascii_fold(p.last)),
                2 => format!("{local}@example"),
                3 => format!("{local}.example.nl"),
                _ => format!(
                    "{}..{}@example.com",
                    ascii_fold(p.first),
                    ascii_fold(p.last)
                ),
            })
        };
        match self.opts.kind {
            DumpKind::Scrape => vec![junk_phone()],
            DumpKind::Telecom | DumpKind::Broker if reason == WRONG_FIELDS => {
                if self.opts.kind == DumpKind::Telecom {
                    vec![
                        Field::Str((10_000_000 + i).to_string()),
                        Field::Str(p.postcode.clone()),
                        Field::Str(p.city.to_string()),
                    ]
                } else {
                    vec![
                        Field::Str(p.company.to_string()),
                        Field::Str(p.job.to_string()),
                    ]
                }
            }
            _ => {
                let mut row = self.row(&p, 0, i, false, rng);
                let (phone_col, email_col) = if self.opts.kind == DumpKind::Telecom {
                    (T_MOBILE, T_EMAIL)
                } else {
                    (B_MOBILE, B_EMAIL)
                };
                if reason == BAD_PHONE {
                    row.fields[phone_col] = junk_phone();
                    row.fields[email_col] = Field::Str(String::new());
                } else {
                    row.fields[phone_col] = Field::Str(String::new());
                    row.fields[email_col] = bad_email();
                }
                row.fields
            }
        }
    }

    fn csv_field(&self, out: &mut String, s: &str, col: usize) {
        let d = self.delimiter as char;
        let quote = match self.quote {
            Quote::All => true,
            Quote::Text => self.text_cols.get(col).copied().unwrap_or(false),
            Quote::Minimal => false,
        } || s.contains(['"', '\n', '\r', d]);
        if quote {
            out.push('"');
            for c in s.chars() {
                if c == '"' {
                    out.push('"');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(s);
        }
    }

    pub(crate) fn line(&self, fields: &[Field]) -> String {
        let mut out = String::with_capacity(160);
        match self.opts.format {
            Format::Delimited { .. } => {
                for (col, f) in fields.iter().enumerate() {
                    if col > 0 {
                        out.push(self.delimiter as char);
                    }
                    if let Field::Str(s) = f {
                        if !s.is_empty() || matches!(self.quote, Quote::All) {
                            self.csv_field(&mut out, s, col);
                        }
                    }
                }
            }
            Format::JsonLines => {
                out.push('{');
                let mut first = true;
                for (col, f) in fields.iter().enumerate() {
                    let value = match f {
                        Field::Absent => continue,
                        Field::Null => None,
                        Field::Str(s) => Some(s),
                    };
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    json_string(
                        &mut out,
                        self.columns.get(col).map_or("extra", String::as_str),
                    );
                    out.push(':');
                    match value {
                        Some(s) => json_string(&mut out, s),
                        None => out.push_str("null"),
                    }
                }
                out.push('}');
            }
            _ => {
                if let Some(Field::Str(s)) = fields.first() {
                    out.push_str(s);
                }
            }
        }
        out.push_str(if self.crlf { "\r\n" } else { "\n" });
        out
    }

    /// The last row of a CSV or JSON Lines dump: a quote opened and never
    /// closed (no valid identifier in it).
    fn unterminated(&self, i: u64, rng: &mut StdRng) -> String {
        let p = self.person(u64::MAX - i);
        let fields = self.junk_fields(BAD_PHONE, i, rng);
        let first = match fields.first() {
            Some(Field::Str(s)) => s.as_str(),
            _ => "",
        };
        let d = self.delimiter as char;
        let mut text = String::new();
        match self.opts.format {
            Format::JsonLines => {
                text.push('{');
                json_string(&mut text, self.columns.first().map_or("", String::as_str));
                text.push_str(":\"");
                text.push_str(&first.replace(['"', '\\'], ""));
            }
            _ if fields.len() > 1 => {
                self.csv_field(&mut text, first, 0);
                text.push(d);
                text.push('"');
                text.push_str(&format!("{} {}{d}{}", p.first, p.last, p.city));
            }
            _ => {
                text.push('"');
                text.push_str(first);
            }
        }
        text.push_str(if self.crlf { "\r\n" } else { "\n" });
        text
    }
}

fn doc_number(belgian: bool, rng: &mut impl Rng) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNPQRSTUVWXYZ";
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789";
    let mut s = String::with_capacity(9);
    for _ in 0..2 {
        s.push(*pick(rng, LETTERS) as char);
    }
    if belgian {
        s.push_str(&format!("{:06}", rng.gen_range(0..1_000_000)));
    } else {
        for _ in 0..6 {
            s.push(*pick(rng, ALNUM) as char);
        }
        s.push(char::from(b'0' + rng.gen_range(0..10u8)));
    }
    s
}

/// Mixed case and surrounding whitespace, as emails appear in dumps.
fn mess_email(canonical: &str, rng: &mut impl Rng) -> String {
    let cased = match rng.gen_range(0..10) {
        0..=5 => canonical.to_string(),
        6 | 7 => {
            // Capitalised words: Jan.Jansen12@Example.nl
            let mut out = String::with_capacity(canonical.len());
            let mut up = true;
            for c in canonical.chars() {
                out.push(if up { c.to_ascii_uppercase() } else { c });
                up = !c.is_ascii_alphanumeric();
            }
            out
        }
        8 => canonical.to_ascii_uppercase(),
        _ => canonical
            .chars()
            .map(|c| {
                if rng.gen_bool(0.5) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect(),
    };
    match rng.gen_range(0..10) {
        0 => format!(" {cased}"),
        1 => format!("{cased}  "),
        2 => format!(" {cased} "),
        _ => cased,
    }
}

pub(crate) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Random bytes with a NUL and an invalid UTF-8 byte, but no quote, CR or LF.
fn garbage(rng: &mut impl Rng) -> Vec<u8> {
    let len = rng.gen_range(8..64);
    let mut bytes: Vec<u8> = (0..len)
        .map(|_| loop {
            let b: u8 = rng.gen();
            if !matches!(b, b'"' | b'\n' | b'\r') {
                break b;
            }
        })
        .collect();
    let n = bytes.len();
    let k = rng.gen_range(0..n);
    bytes[k] = 0;
    bytes[(k + 1) % n] = 0xFF;
    bytes
}

pub(crate) fn open(path: &Path, overwrite: bool) -> Result<File, GenError> {
    let mut o = OpenOptions::new();
    o.write(true);
    if overwrite {
        o.create(true).truncate(true);
    } else {
        o.create_new(true);
    }
    o.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            GenError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            GenError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// Writes the dump to `out` and its truth to `<out>.truth.json`, and returns
/// the truth. Refuses to replace an existing dump or truth file unless
/// `opts.overwrite`. The same options always give the same bytes.
pub fn generate(opts: &GenOptions, out: &Path) -> Result<Truth, GenError> {
    let regions = validate(opts)?;
    let truth_file = truth_path(out);
    if !opts.overwrite {
        for p in [out, truth_file.as_path()] {
            if p.exists() {
                return Err(GenError::Exists {
                    path: p.to_path_buf(),
                });
            }
        }
    }
    let truth = if opts.container == Container::None {
        let file = open(out, opts.overwrite)?;
        match write_dump(opts, regions, out, file) {
            Ok(t) => t,
            Err(e) => {
                let _ = std::fs::remove_file(out);
                return Err(e);
            }
        }
    } else {
        // The dump is written beside the archive, put in it and removed.
        let member = crate::container::member_name(opts, out);
        let mut part = out.as_os_str().to_owned();
        part.push(".member.part");
        let part = PathBuf::from(part);
        let file = open(&part, true)?;
        let result = write_dump(opts, regions, &part, file).and_then(|mut t| {
            crate::container::pack(opts, &part, &member, out)?;
            t.dump = out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            t.member = Some(member.clone());
            Ok(t)
        });
        let _ = std::fs::remove_file(&part);
        match result {
            Ok(t) => t,
            Err(e) => {
                let _ = std::fs::remove_file(out);
                return Err(e);
            }
        }
    };
    let io = |source| GenError::Io {
        path: truth_file.clone(),
        source,
    };
    let f = open(&truth_file, opts.overwrite)?;
    let mut w = std::io::BufWriter::new(f);
    serde_json::to_writer_pretty(&mut w, &truth).map_err(|e| io(std::io::Error::other(e)))?;
    w.write_all(b"\n").map_err(io)?;
    let f = w.into_inner().map_err(|e| io(e.into_error()))?;
    f.sync_all().map_err(io)?;
    Ok(truth)
}

fn write_dump(
    opts: &GenOptions,
    regions: Vec<(Country, u32)>,
    out: &Path,
    file: File,
) -> Result<Truth, GenError> {
    let io = |source| GenError::Io {
        path: out.to_path_buf(),
        source,
    };
    let mut setup = stream_rng(opts.seed, 0, 0);
    let numbering = Country::ALL
        .iter()
        .map(|&c| (c, Numbering::new(c, &mut setup)))
        .collect();
    let spec = columns(opts.kind, opts.header_lang);
    let columns: Vec<String> = spec
        .iter()
        .map(|(names, _)| pick(&mut setup, names).to_string())
        .collect();
    let quote = *pick(
        &mut setup,
        &[Quote::Minimal, Quote::Minimal, Quote::Text, Quote::All],
    );
    let date = *pick(
        &mut setup,
        &[DateFmt::Iso, DateFmt::DmyDash, DateFmt::DmySlash],
    );
    let g = Gen {
        opts,
        region_total: regions.iter().map(|(_, w)| w).sum(),
        regions,
        numbering,
        delimiter: match opts.format {
            Format::Delimited { delimiter } | Format::Credentials { delimiter, .. } => {
                delimiter as u8
            }
            _ => b',',
        },
        crlf: matches!(opts.format, Format::Delimited { .. }) && setup.gen_bool(0.3),
        quote,
        date,
        iban_grouped: setup.gen_bool(0.5),
        name_last_first: setup.gen_bool(0.3),
        text_cols: spec.iter().map(|(_, t)| *t).collect(),
        columns,
        es_json: setup.gen_bool(0.5),
        block_eq: setup.gen_bool(0.6),
        login_label: ["Username", "Login", "USER"][setup.gen_range(0..3)],
        table: shapes::table_name(opts.kind, opts.header_lang).to_owned(),
    };
    let style = Style {
        columns: g.columns.clone(),
        quote_style: match (opts.format, g.quote) {
            (Format::Delimited { .. }, Quote::Text) => "text",
            (Format::Delimited { .. }, Quote::All) => "all",
            _ => "minimal",
        }
        .into(),
        date_format: match g.date {
            DateFmt::Iso => "yyyy-mm-dd",
            DateFmt::DmyDash => "dd-mm-yyyy",
            DateFmt::DmySlash => "dd/mm/yyyy",
        }
        .into(),
        iban_grouped: g.iban_grouped,
        json_style: (opts.format == Format::Json).then(|| {
            if g.es_json {
                "elasticsearch"
            } else {
                "mongodb"
            }
            .into()
        }),
        block_separator: (opts.format == Format::Stealer)
            .then(|| if g.block_eq { "===" } else { "blank" }.into()),
        table: matches!(opts.format, Format::Sql { .. }).then(|| g.table.clone()),
    };

    let spreadsheet = matches!(opts.format, Format::Xlsx | Format::Ods);
    let mut w = if spreadsheet {
        Out::Book(Book::new(opts.format, opts.header_lang, &g.columns).map_err(io)?)
    } else {
        let mut sink = Sink::new(
            file.try_clone().map_err(io)?,
            opts.compression,
            opts.encoding,
        )
        .map_err(io)?;
        sink.text(&g.prologue()).map_err(io)?;
        Out::Text(Box::new(sink))
    };
    let mut header_lines = if spreadsheet { 1 } else { w.lines() };
    let one_line = opts.format.one_line_per_record();
    let reasons: &[usize] = match (opts.format, opts.kind) {
        (Format::Lines, _)
        | (
            Format::Delimited { .. } | Format::JsonLines | Format::Credentials { .. },
            DumpKind::Scrape,
        ) => &[BAD_PHONE, GARBAGE],
        (Format::Delimited { .. } | Format::JsonLines, _) => {
            &[WRONG_FIELDS, BAD_PHONE, BAD_EMAIL, GARBAGE]
        }
        (Format::Credentials { .. }, _) => &[BAD_PHONE, BAD_EMAIL, GARBAGE],
        (_, DumpKind::Scrape) => &[BAD_PHONE],
        (Format::Sql { .. } | Format::Xlsx | Format::Ods, _) => {
            &[WRONG_FIELDS, BAD_PHONE, BAD_EMAIL]
        }
        _ => &[BAD_PHONE, BAD_EMAIL],
    };
    let unterminated_at = (opts.junk_rate > 0.0
        && opts.rows >= 2
        && matches!(opts.format, Format::Delimited { .. } | Format::JsonLines))
    .then(|| opts.rows - 1);
    let second_sheet_at = (spreadsheet && opts.rows >= 2).then_some(opts.rows / 2);
    let mut unterminated_line = None;

    let mut rng = stream_rng(opts.seed, 2, 0);
    let mut persons: u64 = 0;
    let mut valid_rows = 0u64;
    let mut duplicate_rows = 0u64;
    let mut junk: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut by_cc: BTreeMap<String, u64> = BTreeMap::new();
    let mut distinct_emails = 0u64;
    let mut class_counts = [0u64; CLASSES.len()];
    let mut rows_truth = Vec::new();
    let eol: &[u8] = if g.crlf { b"\r\n" } else { b"\n" };

    for i in 0..opts.rows {
        if second_sheet_at == Some(i) {
            if let Out::Book(book) = &mut w {
                book.next_sheet(opts.header_lang, &g.columns).map_err(io)?;
                header_lines += 1;
            }
        }
        let line = if one_line { w.lines() + 1 } else { i + 1 };
        if unterminated_at == Some(i) {
            unterminated_line = Some(line);
            if let Out::Text(sink) = &mut w {
                sink.text(&g.unterminated(i, &mut rng)).map_err(io)?;
            }
            junk.entry(JUNK_REASONS[UNTERMINATED].into())
                .or_default()
                .push(line);
            continue;
        }
        if opts.junk_rate > 0.0 && rng.gen_bool(opts.junk_rate) {
            let reason = *pick(&mut rng, reasons);
            match &mut w {
                Out::Text(sink) if reason == GARBAGE => {
                    let mut bytes = garbage(&mut rng);
                    bytes.extend_from_slice(eol);
                    sink.bytes(&bytes).map_err(io)?;
                }
                Out::Text(sink) => {
                    let fields = g.junk_record(reason, i, &mut rng);
                    sink.text(&g.shaped_record(&fields, i + 1)).map_err(io)?;
                }
                Out::Book(book) => {
                    let fields = g.junk_record(reason, i, &mut rng);
                    book.record(&fields).map_err(io)?;
                }
            }
            junk.entry(JUNK_REASONS[reason].into())
                .or_default()
                .push(line);
            continue;
        }
        let dup = persons > 0 && opts.duplicate_rate > 0.0 && rng.gen_bool(opts.duplicate_rate);
        let id = if dup {
            rng.gen_range(0..persons)
        } else {
            persons += 1;
            persons - 1
        };
        let p = g.person(id);
        let row = g.record(&p, id, i, dup, &mut rng);
        match &mut w {
            Out::Text(sink) => sink
                .text(&g.shaped_record(&row.fields, i + 1))
                .map_err(io)?,
            Out::Book(book) => book.record(&row.fields).map_err(io)?,
        }
        valid_rows += 1;
        if dup {
            duplicate_rows += 1;
        } else {
            // Originals always carry the person's identifiers; duplicates
            // repeat them, so distinct counts are counts of originals.
            if row.phone.is_some() {
                *by_cc
                    .entry(p.country.calling_code().to_string())
                    .or_default() += 1;
            }
            if row.email.is_some() {
                distinct_emails += 1;
            }
        }
        for (bit, count) in class_counts.iter_mut().enumerate() {
            if row.classes & (1 << bit) != 0 {
                *count += 1;
            }
        }
        if (rows_truth.len() as u64) < opts.truth_rows {
            rows_truth.push(RowTruth {
                line,
                region: p.country.code().to_string(),
                phones: row.phone.into_iter().collect(),
                emails: row.email.into_iter().collect(),
                classes: CLASSES
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| row.classes & (1 << bit) != 0)
                    .map(|(_, c)| c.to_string())
                    .collect(),
                duplicate: dup,
            });
        }
    }
    let physical_lines = match w {
        Out::Text(mut sink) => {
            sink.text(&g.epilogue(opts.rows)).map_err(io)?;
            let lines = sink.lines();
            sink.finish().map_err(io)?;
            lines
        }
        Out::Book(book) => {
            book.finish(file).map_err(io)?;
            header_lines + opts.rows
        }
    };

    let junk_rows = junk.values().map(|v| v.len() as u64).sum();
    let data_classes = CLASSES
        .iter()
        .zip(class_counts)
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| (c.to_string(), n))
        .collect();
    Ok(Truth {
        version: TRUTH_VERSION,
        dump: out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        member: None,
        options: opts.clone(),
        style,
        totals: Totals {
            unit: if one_line { "line" } else { "record" }.into(),
            physical_lines,
            header_lines,
            rows_written: opts.rows,
            valid_rows,
            duplicate_rows,
            junk_rows,
            junk,
            unterminated_quote: unterminated_line.map(|line| Swallowed {
                line,
                swallowed_through: physical_lines,
            }),
        },
        distinct_phones: by_cc.values().sum(),
        distinct_phones_by_calling_code: by_cc,
        distinct_emails,
        data_classes,
        rows: rows_truth,
    })
}
