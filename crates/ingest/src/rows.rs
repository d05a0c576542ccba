//! A row as every format's reader yields it (its fields, the line or record
//! it started on, and any further values of a column that held several),
//! and turning a row into a record: its canonical identifiers and the data
//! classes present in it. Rows that cannot be used become [`Reject`]s with a
//! line number, a reason and a redacted value; the reading goes on.

use lekradar_normalize::{normalize_email, normalize_phone, Identifier, PhoneNumber, Region};

use crate::columns::{redact, ColumnRole, Detection};

/// Why a row was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    WrongFieldCount,
    NotJson,
    BrokenJson,
    NoIdentifier,
    Unreadable,
    TooLong,
}

impl RejectReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            RejectReason::WrongFieldCount => "wrong number of fields",
            RejectReason::NotJson => "not a JSON object",
            RejectReason::BrokenJson => "broken JSON (the rest of the document cannot be read)",
            RejectReason::NoIdentifier => "no valid phone number or email address",
            RejectReason::Unreadable => "unreadable (broken quoting, escaping or encoding)",
            RejectReason::TooLong => "too long (a line or value over the limit)",
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

/// One row's fields and the line (or record) it started on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub line: u64,
    pub fields: Vec<String>,
    /// Further values of a column, by its index: a JSON array's other
    /// elements, a vCard's second `TEL`.
    pub more: Vec<(usize, String)>,
}

impl Row {
    pub fn new(line: u64, fields: Vec<String>) -> Row {
        Row {
            line,
            fields,
            more: Vec::new(),
        }
    }

    /// Every (column, value) of the row.
    pub fn values(&self) -> impl Iterator<Item = (usize, &str)> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, v)| (i, v.as_str()))
            .chain(self.more.iter().map(|(i, v)| (*i, v.as_str())))
    }
}

/// The row shown redacted, with secrets (passwords, hashes) not even by
/// their shape.
pub fn redact_row(row: &Row, roles: &[ColumnRole]) -> String {
    row.fields
        .iter()
        .enumerate()
        .map(|(i, v)| redact_value(v, roles.get(i)))
        .collect::<Vec<_>>()
        .join(",")
}

/// One value redacted for its column's role.
pub fn redact_value(value: &str, role: Option<&ColumnRole>) -> String {
    match role {
        Some(r) if r.is_secret() && !value.is_empty() => "<secret>".to_owned(),
        _ => redact(value),
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
    fn add_class(classes: &mut Vec<&'static str>, class: Option<&'static str>) {
        if let Some(c) = class {
            if !classes.contains(&c) {
                classes.push(c);
            }
        }
    }
    let phone = |record: &mut Record, value: &str, mobile: bool| -> bool {
        match read_phone(value, regions, mobile) {
            Some((phone, region, ambiguous)) => {
                let id = Identifier::Phone(phone);
                if !record.identifiers.contains(&id) {
                    record.identifiers.push(id);
                    record.phone_regions.push((region, ambiguous));
                }
                add_class(&mut record.classes, Some("Phone numbers"));
                true
            }
            None => false,
        }
    };
    let email = |record: &mut Record, value: &str| -> bool {
        match normalize_email(value) {
            Ok(email) => {
                let id = Identifier::Email(email);
                if !record.identifiers.contains(&id) {
                    record.identifiers.push(id);
                }
                add_class(&mut record.classes, Some("Email addresses"));
                true
            }
            Err(_) => false,
        }
    };
    for (i, value) in row.values() {
        let Some(role) = detection.roles.get(i) else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match role {
            ColumnRole::Phone { mobile } => {
                phone(&mut record, value, *mobile);
            }
            ColumnRole::Email => {
                email(&mut record, value);
            }
            // A credential's login: an address, a number, or a user name.
            ColumnRole::Login => {
                let read = if value.contains('@') {
                    email(&mut record, value)
                } else {
                    phone(&mut record, value, true)
                };
                if !read {
                    add_class(&mut record.classes, Some("Usernames"));
                }
            }
            other => add_class(&mut record.classes, other.data_class()),
        }
    }
    if record.identifiers.is_empty() {
        return Err(Reject {
            line: row.line,
            reason: RejectReason::NoIdentifier,
            redacted: redact_row(row, &detection.roles),
        });
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::detect_columns;

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
        let row = Row::new(
            9,
            vec![
                "06-12345678".into(),
                " Jan@Example.NL ".into(),
                "Jan".into(),
                "NL91ABNA0417164300".into(),
                "".into(),
            ],
        );
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
        let bad = Row::new(
            10,
            vec![
                "06-123".into(),
                "nope".into(),
                "Jan".into(),
                "".into(),
                "".into(),
            ],
        );
        let reject = to_record(&bad, &d, &[Region::NL]).unwrap_err();
        assert_eq!(
            (reject.line, reject.reason),
            (10, RejectReason::NoIdentifier)
        );
        assert!(!reject.redacted.contains("Jan"));
    }

    #[test]
    fn a_credential_yields_its_login_and_the_passwords_class_never_the_password() {
        let d = Detection {
            roles: vec![ColumnRole::Login, ColumnRole::Password, ColumnRole::Url],
            found_by: vec!["format"; 3],
        };
        let row = Row::new(
            3,
            vec!["Jan@Example.nl".into(), "hunter2".into(), "".into()],
        );
        let r = to_record(&row, &d, &[Region::NL]).unwrap();
        assert_eq!(r.identifiers[0].canonical(), "jan@example.nl");
        assert_eq!(r.classes, ["Email addresses", "Passwords"]);
        let row = Row::new(4, vec!["0612345678".into(), "x".into(), "".into()]);
        let r = to_record(&row, &d, &[Region::NL]).unwrap();
        assert_eq!(r.identifiers[0].canonical(), "+31612345678");
        let row = Row::new(5, vec!["jantje99".into(), "s3cret!".into(), "".into()]);
        let reject = to_record(&row, &d, &[Region::NL]).unwrap_err();
        assert_eq!(reject.redacted, "xxxxxx99,<secret>,");
        let mut row = Row::new(6, vec!["nope".into(), "".into(), "".into()]);
        row.more.push((0, "+32 470 12 34 56".into()));
        let r = to_record(&row, &d, &[Region::NL]).unwrap();
        assert_eq!(r.identifiers[0].canonical(), "+32470123456");
        assert!(r.classes.contains(&"Usernames"));
    }
}
