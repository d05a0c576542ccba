//! Data-driven tests: (input, default region, expected canonical form or rejection reason).

use lekradar_normalize::{normalize, normalize_email, Identifier, IdentifierKind, Region};

/// What a case must produce.
enum Want {
    /// Accepted with this canonical form.
    Ok(&'static str),
    /// Rejected; the reason's `Display` text must equal this.
    Reject(&'static str),
}
use Want::{Ok as Canon, Reject};

const NL: &str = "NL";
const BE: &str = "BE";
const DE: &str = "DE";
const US: &str = "US";

#[rustfmt::skip]
const PHONE_CASES: &[(&str, &str, Want)] = &[
    // ---- Dutch numbers, every spelling ----
    ("06-12345678", NL, Canon("+31612345678")),
    ("0612345678", NL, Canon("+31612345678")),
    ("06 12 34 56 78", NL, Canon("+31612345678")),
    ("06.12.34.56.78", NL, Canon("+31612345678")),
    ("06/12345678", NL, Canon("+31612345678")),
    ("(06) 12345678", NL, Canon("+31612345678")),
    ("0031 6 12345678", NL, Canon("+31612345678")),
    ("0031612345678", NL, Canon("+31612345678")),
    ("0031 (0)6 12345678", NL, Canon("+31612345678")),
    ("+31 6 12345678", NL, Canon("+31612345678")),
    ("+31612345678", NL, Canon("+31612345678")),
    ("+31 (0)6 12345678", NL, Canon("+31612345678")),
    ("+31(0)612345678", NL, Canon("+31612345678")),
    ("(0)6 1234 5678", NL, Canon("+31612345678")),
    ("tel:+31-6-1234-5678", NL, Canon("+31612345678")),
    ("tel:+31612345678", BE, Canon("+31612345678")),
    ("tel:0612345678;phone-context=+31", BE, Canon("+31612345678")),
    ("  06-12345678\t", NL, Canon("+31612345678")),
    ("Tel: 06-12345678", NL, Canon("+31612345678")),
    ("020 123 4567", NL, Canon("+31201234567")),
    ("020-1234567", NL, Canon("+31201234567")),
    ("+31 20 123 4567 ext. 12", NL, Canon("+31201234567")),
    ("020 123 4567 x 12", NL, Canon("+31201234567")),
    ("+31 20 123 4567;ext=12", NL, Canon("+31201234567")),
    ("tel:+31-20-123-4567;ext=12", NL, Canon("+31201234567")),
    ("0800 1234", NL, Canon("+318001234")),
    ("010 - 123 45 67", NL, Canon("+31101234567")),
    // Dutch numbers with Belgium as the default region.
    ("+31 6 12345678", BE, Canon("+31612345678")),
    ("0031 6 12345678", BE, Canon("+31612345678")),
    // ---- Belgian numbers ----
    ("+32 470 12 34 56", NL, Canon("+32470123456")),
    ("+32 470 12 34 56", BE, Canon("+32470123456")),
    ("0470/12.34.56", BE, Canon("+32470123456")),
    ("0470 12 34 56", BE, Canon("+32470123456")),
    ("0032 470 12 34 56", NL, Canon("+32470123456")),
    ("+32 (0)470 12 34 56", NL, Canon("+32470123456")),
    ("02 511 12 34", BE, Canon("+3225111234")),
    ("02 123 45 67", BE, Reject("not a valid number for +32")),
    ("09/265.12.34", BE, Canon("+3292651234")),
    ("050 12 34 56", BE, Canon("+3250123456")),
    ("0800 12 345", BE, Canon("+3280012345")),
    // The region trap: a Belgian mobile in national format, read as Dutch.
    ("0488 12 34 56", NL, Canon("+31488123456")),
    ("0488 12 34 56", BE, Canon("+32488123456")),
    // ---- International numbers without + or 00 (documented extension) ----
    ("31612345678", NL, Canon("+31612345678")),
    ("31 6 12345678", NL, Canon("+31612345678")),
    ("32470123456", NL, Canon("+32470123456")),
    ("32 470 12 34 56", NL, Canon("+32470123456")),
    ("32470123456", BE, Canon("+32470123456")),
    ("31612345678", BE, Canon("+31612345678")),
    ("4915123456789", NL, Canon("+4915123456789")),
    ("(31) 6-1234-5678", NL, Canon("+31612345678")),
    // Not retried: leading 0, letters, or '+' is already there.
    ("031612345678", NL, Reject("not a valid number for +31")),
    // libphonenumber itself strips a leading 31 under NL when the rest is valid.
    ("31612345678 ext 1", NL, Canon("+31612345678")),
    ("32470123456 ext 1", NL, Reject("not a valid number for +31")),
    // ---- Foreign numbers ----
    ("+49 30 123456", NL, Canon("+4930123456")),
    ("0049 151 23456789", BE, Canon("+4915123456789")),
    ("030 123456", DE, Canon("+4930123456")),
    ("+33 6 12 34 56 78", NL, Canon("+33612345678")),
    ("+44 20 7946 0958", NL, Canon("+442079460958")),
    ("+44 (0)20 7946 0958", NL, Canon("+442079460958")),
    ("+44 7400 123456", NL, Canon("+447400123456")),
    ("+1 (201) 555-0123", NL, Canon("+12015550123")),
    ("(201) 555-0123", US, Canon("+12015550123")),
    ("1-201-555-0123", US, Canon("+12015550123")),
    ("+34 612 34 56 78", NL, Canon("+34612345678")),
    ("+39 06 1234 5678", NL, Canon("+390612345678")),
    ("+39 312 345 6789", NL, Canon("+393123456789")),
    ("+20 10 12345678", NL, Canon("+201012345678")),
    ("+966 50 123 4567", NL, Canon("+966501234567")),
    ("+90 532 123 45 67", NL, Canon("+905321234567")),
    ("+800 1234 5678", NL, Canon("+80012345678")),
    // ---- Unicode digits and spaces ----
    ("０６－１２３４５６７８", NL, Canon("+31612345678")),
    ("＋３１ ６ １２３４５６７８", BE, Canon("+31612345678")),
    ("٠٦١٢٣٤٥٦٧٨", NL, Canon("+31612345678")),
    ("۰۶۱۲۳۴۵۶۷۸", NL, Canon("+31612345678")),
    ("06\u{a0}12\u{a0}34\u{a0}56\u{a0}78", NL, Canon("+31612345678")),
    // U+2009 THIN SPACE is not among libphonenumber's punctuation.
    ("06\u{2009}1234\u{2009}5678", NL, Reject("not a phone number")),
    ("06\u{200b}1234\u{2060}5678", NL, Canon("+31612345678")),
    ("+31\u{3000}6\u{3000}12345678", NL, Canon("+31612345678")),
    ("06\u{2013}12345678", NL, Canon("+31612345678")),
    // ---- Rejections ----
    ("", NL, Reject("empty")),
    ("   ", NL, Reject("empty")),
    ("\u{3000}\t", NL, Reject("empty")),
    ("hello", NL, Reject("not a phone number")),
    ("n/a", NL, Reject("not a phone number")),
    ("---", NL, Reject("not a phone number")),
    ("+", NL, Reject("not a phone number")),
    ("06", NL, Reject("too short for +31")),
    ("0", NL, Reject("not a phone number")),
    ("tel:", NL, Reject("not a phone number")),
    ("06-1234567a", NL, Reject("not a valid number for +31")),
    ("06 12", NL, Reject("too short for +31")),
    ("061234567", NL, Reject("not a valid number for +31")),
    ("06123456789", NL, Reject("not a valid number for +31")),
    ("06 1234 5678 9012", NL, Reject("too long for +31")),
    ("0612345678901234567890", NL, Reject("too long")),
    ("+31 6 1234", NL, Reject("not a valid number for +31")),
    ("+32 470 12 34 5", NL, Reject("not a valid number for +32")),
    ("+32 470 12 34 56 78 90", NL, Reject("too long for +32")),
    ("0470 12 34 5", BE, Reject("not a valid number for +32")),
    ("+999 1234 5678", NL, Reject("invalid country calling code")),
    ("+0 612345678", NL, Reject("invalid country calling code")),
    ("00 12", NL, Reject("too short after the international prefix")),
    ("0031 6", NL, Reject("too short")),
    ("+31 012345678", NL, Reject("not a valid number for +31")),
    ("12345", NL, Reject("not a valid number for +31")),
    ("1234567890123456789", NL, Reject("too long")),
    ("+49 1", NL, Reject("too short")),
    ("06-12345678-06-12345678", NL, Reject("too long")),
    ("☎☎☎", NL, Reject("not a phone number")),
];

#[rustfmt::skip]
const EMAIL_CASES: &[(&str, Want)] = &[
    ("jan@example.nl", Canon("jan@example.nl")),
    ("  Jan@Example.NL \n", Canon("jan@example.nl")),
    ("JAN.JANSEN@EXAMPLE.NL", Canon("jan.jansen@example.nl")),
    ("jan+news@x.nl", Canon("jan+news@x.nl")),
    ("j.a.n@gmail.com", Canon("j.a.n@gmail.com")),
    ("Jan+News@GMail.com", Canon("jan+news@gmail.com")),
    ("o'brien@example.ie", Canon("o'brien@example.ie")),
    ("a!#$%&'*+-/=?^_`{|}~z@example.com", Canon("a!#$%&'*+-/=?^_`{|}~z@example.com")),
    ("jan@Bücher.example", Canon("jan@xn--bcher-kva.example")),
    ("jan@BÜCHER.EXAMPLE", Canon("jan@xn--bcher-kva.example")),
    ("jan@xn--bcher-kva.example", Canon("jan@xn--bcher-kva.example")),
    ("jan@ｅｘａｍｐｌｅ．ｎｌ", Canon("jan@example.nl")),
    ("jan@mail.sub-domain.example.co.uk", Canon("jan@mail.sub-domain.example.co.uk")),
    ("jan@münchen.de", Canon("jan@xn--mnchen-3ya.de")),
    ("x@例え.テスト", Canon("x@xn--r8jz45g.xn--zckzah")),
    ("1234@123.example", Canon("1234@123.example")),
    ("\u{3000}jan@example.nl\u{a0}", Canon("jan@example.nl")),
    // Rejections.
    ("", Reject("empty")),
    ("  ", Reject("empty")),
    ("jan.example.nl", Reject("email: missing @")),
    ("jan@@example.nl", Reject("email: more than one @")),
    ("jan@piet@example.nl", Reject("email: more than one @")),
    ("\"jan jansen\"@example.nl", Reject("email: quoted local part not supported")),
    ("\"jan@piet\"@example.nl", Reject("email: quoted local part not supported")),
    ("@example.nl", Reject("email: empty local part")),
    ("jan@", Reject("email: empty domain")),
    (".jan@example.nl", Reject("email: local part starts with a dot")),
    ("jan.@example.nl", Reject("email: local part ends with a dot")),
    ("jan..jansen@example.nl", Reject("email: consecutive dots in local part")),
    ("jan jansen@example.nl", Reject("email: character ' ' not allowed in local part")),
    ("jan,jansen@example.nl", Reject("email: character ',' not allowed in local part")),
    ("jan(comment)@example.nl", Reject("email: character '(' not allowed in local part")),
    ("jörg@example.de", Reject("email: character 'ö' not allowed in local part")),
    ("jan@[192.0.2.1]", Reject("email: IP address instead of domain")),
    ("jan@[IPv6:2001:db8::1]", Reject("email: IP address instead of domain")),
    ("jan@192.0.2.1", Reject("email: IP address instead of domain")),
    ("jan@localhost", Reject("email: domain without a dot")),
    ("jan@example..nl", Reject("email: invalid domain")),
    ("jan@.example.nl", Reject("email: invalid domain")),
    ("jan@example.nl.", Reject("email: invalid domain")),
    ("jan@-example.nl", Reject("email: invalid domain")),
    ("jan@example-.nl", Reject("email: invalid domain")),
    ("jan@exa_mple.nl", Reject("email: invalid domain")),
    ("jan@exa mple.nl", Reject("email: invalid domain")),
    ("jan@example.nl>", Reject("email: invalid domain")),
    ("jan@xn--zz.nl", Reject("email: invalid domain")),
    ("jan@☃.nl", Canon("jan@xn--n3h.nl")),
];

fn region(code: &str) -> Region {
    code.parse().expect("known region")
}

#[test]
fn phone_table() {
    let mut failures = Vec::new();
    for (input, reg, want) in PHONE_CASES {
        let got = normalize(input, region(reg));
        let ok = match (want, &got) {
            (Canon(c), Ok(id)) => id.kind() == IdentifierKind::Phone && id.canonical() == *c,
            (Reject(r), Err(e)) => e.to_string() == *r,
            _ => false,
        };
        if !ok {
            let want = match want {
                Canon(c) => format!("Ok({c})"),
                Reject(r) => format!("Reject({r})"),
            };
            let got = match &got {
                Ok(id) => format!("Ok({})", id.canonical()),
                Err(e) => format!("Reject({e})"),
            };
            failures.push(format!("{input:?} [{reg}]: want {want}, got {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn email_table() {
    let mut failures = Vec::new();
    for (input, want) in EMAIL_CASES {
        // The default region must not matter for emails.
        for reg in [NL, BE] {
            // Through `normalize` when it has an '@' (else it would be read
            // as a phone number), through `normalize_email` otherwise.
            let got = if input.contains('@') {
                normalize(input, region(reg))
            } else {
                normalize_email(input).map(Identifier::Email)
            };
            let ok = match (want, &got) {
                (Canon(c), Ok(id)) => id.kind() == IdentifierKind::Email && id.canonical() == *c,
                (Reject(r), Err(e)) => e.to_string() == *r,
                _ => false,
            };
            if !ok {
                let want = match want {
                    Canon(c) => format!("Ok({c})"),
                    Reject(r) => format!("Reject({r})"),
                };
                let got = match &got {
                    Ok(id) => format!("Ok({})", id.canonical()),
                    Err(e) => format!("Reject({e})"),
                };
                failures.push(format!("{input:?} [{reg}]: want {want}, got {got}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn email_length_limits() {
    let local64 = "a".repeat(64);
    let local65 = "a".repeat(65);
    let ok = normalize(&format!("{local64}@example.nl"), Region::NL).expect("64-byte local part");
    assert_eq!(ok.canonical().len(), 64 + 11);
    assert_eq!(
        normalize(&format!("{local65}@example.nl"), Region::NL)
            .expect_err("65")
            .to_string(),
        "email: local part longer than 64 bytes"
    );
    // 64 + 1 + 189 = 254 bytes: allowed; one more is not.
    let label = "b".repeat(60);
    let domain189 = format!("{label}.{label}.{label}.{}.nl", "c".repeat(3));
    assert_eq!(domain189.len(), 189);
    let at_limit = format!("{local64}@{domain189}");
    assert_eq!(at_limit.len(), 254);
    assert!(normalize(&at_limit, Region::NL).is_ok());
    let domain190 = format!("{label}.{label}.{label}.{}.nl", "c".repeat(4));
    assert_eq!(
        normalize(&format!("{local64}@{domain190}"), Region::NL)
            .expect_err("255")
            .to_string(),
        "email: longer than 254 bytes"
    );
    // Labels over 63 bytes are invalid.
    assert_eq!(
        normalize(&format!("jan@{}.nl", "d".repeat(64)), Region::NL)
            .expect_err("label")
            .to_string(),
        "email: invalid domain"
    );
    // Huge inputs are rejected cheaply.
    assert_eq!(
        normalize(&format!("jan@{}.nl", "e".repeat(100_000)), Region::NL)
            .expect_err("huge")
            .to_string(),
        "email: longer than 254 bytes"
    );
}

#[test]
fn phone_metadata_accessors() {
    use lekradar_normalize::normalize_phone;
    let cases = [
        ("06 12345678", NL, 31, true, Some("NL")),
        ("020 123 4567", NL, 31, false, Some("NL")),
        ("0470 12 34 56", BE, 32, true, Some("BE")),
        ("02 511 12 34", BE, 32, false, Some("BE")),
        ("+1 201 555 0123", NL, 1, true, Some("US")),
        ("+1 416 555 0123", NL, 1, true, Some("CA")),
        ("+44 7400 123456", NL, 44, true, Some("GB")),
        ("+800 1234 5678", NL, 800, false, None),
    ];
    for (input, reg, cc, mobile, reg_out) in cases {
        let p = normalize_phone(input, region(reg)).expect(input);
        assert_eq!(p.country_code(), cc, "{input}");
        assert_eq!(p.is_mobile(), mobile, "{input}");
        assert_eq!(
            p.region().map(|r| r.to_string()).as_deref(),
            reg_out,
            "{input}"
        );
    }
}

#[test]
fn very_long_phone_input_is_rejected() {
    let long = format!("06{}", "1".repeat(10_000));
    assert_eq!(
        normalize(&long, Region::NL).expect_err("long").to_string(),
        "too long"
    );
    // Same for 251 characters, even if only separators make it long
    // (libphonenumber's 250-character input limit).
    let spaced = format!("06{}12345678", " ".repeat(241));
    assert_eq!(spaced.chars().count(), 251);
    assert_eq!(
        normalize(&spaced, Region::NL).expect_err("251").to_string(),
        "too long"
    );
    let spaced = format!("06{}12345678", " ".repeat(240));
    assert_eq!(
        normalize(&spaced, Region::NL)
            .map(|i| i.canonical().to_owned())
            .as_deref(),
        Ok("+31612345678")
    );
}
