//! Phone numbers: parse with libphonenumber semantics, validate, and format as E.164.
//!
//! See the crate documentation for the exact procedure, including the one
//! extension beyond plain libphonenumber (international numbers written
//! without `+` or `00`).

use std::fmt;

use rlibphonenumber::{
    NumberLengthType, ParseError, PhoneNumberType, ValidationError, PHONE_NUMBER_UTIL,
};

use crate::error::{ForCountry, Rejection};
use crate::region::Region;

/// libphonenumber refuses inputs longer than this many characters (code points)
/// outright (`kMaxInputStringLength` in the C++ and Java versions, also in the
/// Python port). rlibphonenumber does not have the check, so we apply it here.
pub(crate) const MAX_INPUT_CHARS: usize = 250;

/// Room for `+`, a country calling code (≤ 3 digits) and a national significant
/// number (≤ 17 digits in libphonenumber, ≤ 12 for any valid number today).
const E164_CAP: usize = 24;

/// A valid phone number in canonical E.164 form (`+31612345678`).
///
/// Only numbers that libphonenumber considers valid (`is_valid_number`) are
/// ever constructed. The value is small and `Copy`; the E.164 text is stored
/// inline, so no heap allocation is involved.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber {
    len: u8,
    buf: [u8; E164_CAP],
    country_code: u16,
    national_number: u64,
    /// Leading zeros of the national significant number ("Italian leading
    /// zeros"); 0 when there are none.
    leading_zeros: u8,
}

impl PhoneNumber {
    /// The canonical E.164 form: `+`, country calling code, national significant
    /// number; no separators, no extension.
    pub fn e164(&self) -> &str {
        self.buf
            .get(..usize::from(self.len))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The country calling code (31 for the Netherlands, 1 for NANPA, ...).
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// True when libphonenumber classifies the number as `MOBILE` or
    /// `FIXED_LINE_OR_MOBILE` (the latter e.g. for US numbers, where the two
    /// cannot be told apart).
    pub fn is_mobile(&self) -> bool {
        matches!(
            PHONE_NUMBER_UTIL.get_number_type(&self.to_lib()),
            PhoneNumberType::Mobile | PhoneNumberType::FixedLineOrMobile
        )
    }

    /// The region the number belongs to, or `None` for non-geographic numbers
    /// (e.g. +800 international freephone).
    pub fn region(&self) -> Option<Region> {
        PHONE_NUMBER_UTIL
            .get_region_for_number(&self.to_lib())
            .and_then(Region::from_lib)
    }

    /// Rebuilds the core fields of libphonenumber's representation.
    fn to_lib(self) -> rlibphonenumber::PhoneNumber {
        let mut n = rlibphonenumber::PhoneNumber {
            country_code: i32::from(self.country_code),
            national_number: self.national_number,
            ..Default::default()
        };
        if self.leading_zeros > 0 {
            n.italian_leading_zero = Some(true);
            if self.leading_zeros > 1 {
                n.number_of_leading_zeros = Some(i32::from(self.leading_zeros));
            }
        }
        n
    }

    /// Builds the canonical value from a number libphonenumber found valid.
    fn from_lib(n: &rlibphonenumber::PhoneNumber) -> Result<PhoneNumber, Rejection> {
        let too_long = Rejection::TooLong {
            country: ForCountry(u16::try_from(n.country_code).ok()),
        };
        let country_code = u16::try_from(n.country_code).map_err(|_| too_long)?;
        let leading_zeros: u8 = if n.italian_leading_zero() {
            u8::try_from(n.number_of_leading_zeros()).unwrap_or(0)
        } else {
            0
        };
        let mut out = PhoneNumber {
            len: 0,
            buf: [0; E164_CAP],
            country_code,
            national_number: n.national_number,
            leading_zeros,
        };
        let mut w = Writer {
            buf: &mut out.buf,
            len: 0,
        };
        let ok = w.push(b'+')
            && w.push_decimal(u64::from(country_code))
            && (0..leading_zeros).all(|_| w.push(b'0'))
            && w.push_decimal(n.national_number);
        let len = w.len;
        if !ok {
            return Err(too_long);
        }
        out.len = u8::try_from(len).map_err(|_| too_long)?;
        Ok(out)
    }
}

/// A tiny bounded writer into the inline E.164 buffer.
struct Writer<'a> {
    buf: &'a mut [u8; E164_CAP],
    len: usize,
}

impl Writer<'_> {
    fn push(&mut self, b: u8) -> bool {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    fn push_decimal(&mut self, mut v: u64) -> bool {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        loop {
            i -= 1;
            if let Some(slot) = tmp.get_mut(i) {
                // `v % 10` is always < 10, so the cast cannot truncate.
                *slot = b'0' + (v % 10) as u8;
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
        tmp.get(i..)
            .is_some_and(|digits| digits.iter().all(|&d| self.push(d)))
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.e164())
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.e164())
    }
}

/// Normalizes a phone number to E.164, reading national-format numbers as
/// numbers of `default_region`.
///
/// See the crate documentation for the procedure. Invalid numbers are rejected
/// with a reason; nothing is guessed.
pub fn normalize_phone(input: &str, default_region: Region) -> Result<PhoneNumber, Rejection> {
    if input.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    let first = match parse_valid(input, default_region) {
        Ok(n) => return Ok(n),
        Err(failure) => failure,
    };
    if plus_retry_eligible(input) {
        let mut with_plus = String::with_capacity(input.len() + 1);
        with_plus.push('+');
        with_plus.push_str(input);
        if let Ok(n) = parse_valid(&with_plus, default_region) {
            return Ok(n);
        }
    }
    Err(first.into_rejection())
}

/// Why [`parse_valid`] failed; turned into a [`Rejection`] only when needed.
enum Failure {
    InputTooLong,
    Parse(ParseError),
    Invalid(rlibphonenumber::PhoneNumber),
    Unrepresentable(Rejection),
}

impl Failure {
    fn into_rejection(self) -> Rejection {
        match self {
            Failure::InputTooLong => Rejection::TooLong {
                country: ForCountry(None),
            },
            Failure::Parse(e) => parse_rejection(e),
            Failure::Invalid(n) => invalid_rejection(&n),
            Failure::Unrepresentable(r) => r,
        }
    }
}

/// libphonenumber's parse + `is_valid_number`.
fn parse_valid(input: &str, default_region: Region) -> Result<PhoneNumber, Failure> {
    if input.len() > MAX_INPUT_CHARS && input.chars().count() > MAX_INPUT_CHARS {
        return Err(Failure::InputTooLong);
    }
    let n = PHONE_NUMBER_UTIL
        .parse(input, Some(default_region.lib()))
        .map_err(Failure::Parse)?;
    if PHONE_NUMBER_UTIL.is_valid_number(&n) {
        PhoneNumber::from_lib(&n).map_err(Failure::Unrepresentable)
    } else {
        Err(Failure::Invalid(n))
    }
}

fn parse_rejection(e: ParseError) -> Rejection {
    match e {
        ParseError::InvalidCountryCode => Rejection::InvalidCountryCode,
        ParseError::NotANumber(_) => Rejection::NotAPhoneNumber,
        ParseError::TooShortAfterIdd => Rejection::TooShortAfterInternationalPrefix,
        ParseError::TooShortNsn => Rejection::TooShort {
            country: ForCountry(None),
        },
        ParseError::TooLongNsn => Rejection::TooLong {
            country: ForCountry(None),
        },
    }
}

/// Why a parsed number is not valid, from `is_possible_number_with_reason`.
fn invalid_rejection(n: &rlibphonenumber::PhoneNumber) -> Rejection {
    let Ok(cc) = u16::try_from(n.country_code) else {
        return Rejection::InvalidCountryCode;
    };
    match PHONE_NUMBER_UTIL.is_possible_number_with_reason(n) {
        Err(ValidationError::InvalidCountryCode) => Rejection::InvalidCountryCode,
        Err(ValidationError::TooShort) => Rejection::TooShort {
            country: ForCountry(Some(cc)),
        },
        Err(ValidationError::TooLong) => Rejection::TooLong {
            country: ForCountry(Some(cc)),
        },
        Err(ValidationError::InvalidLength) => Rejection::InvalidLength { country_code: cc },
        Ok(NumberLengthType::IsPossibleLocalOnly) => Rejection::LocalOnly { country_code: cc },
        Ok(NumberLengthType::IsPossible) => Rejection::NotValidForCountry { country_code: cc },
    }
}

/// The "international number without `+`" retry applies to inputs made only of
/// ASCII digits and the separators space, `-`, `.`, `/`, `(`, `)`, whose first
/// digit is not `0`.
pub(crate) fn plus_retry_eligible(input: &str) -> bool {
    let mut first_digit = None;
    for b in input.bytes() {
        match b {
            b'0'..=b'9' => {
                if first_digit.is_none() {
                    first_digit = Some(b);
                }
            }
            b' ' | b'-' | b'.' | b'/' | b'(' | b')' => {}
            _ => return false,
        }
    }
    matches!(first_digit, Some(d) if d != b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_matches_library_format() {
        for (input, region) in [
            ("06-12345678", Region::NL),
            ("+39 06 1234 5678", Region::NL),
            ("+225 01 23 45 67 89", Region::NL),
            ("+800 1234 5678", Region::NL),
            ("0470/12.34.56", Region::BE),
        ] {
            let lib = PHONE_NUMBER_UTIL
                .parse(input, Some(region.lib()))
                .expect("parses");
            let ours = PhoneNumber::from_lib(&lib).expect("fits");
            assert_eq!(
                ours.e164(),
                PHONE_NUMBER_UTIL.format(&lib, rlibphonenumber::PhoneNumberFormat::E164),
                "{input}"
            );
            assert_eq!(ours.to_lib(), {
                let mut l = lib.clone();
                l.extension = None;
                l.country_code_source = None;
                l
            });
        }
    }

    #[test]
    fn retry_eligibility() {
        assert!(plus_retry_eligible("31612345678"));
        assert!(plus_retry_eligible("32 470 12 34 56"));
        assert!(plus_retry_eligible("(31) 6-1234.5678"));
        assert!(!plus_retry_eligible("0031612345678"));
        assert!(!plus_retry_eligible("(0)6 12345678"));
        assert!(!plus_retry_eligible("+31612345678"));
        assert!(!plus_retry_eligible("31 6 1234 5678 ext 3"));
        assert!(!plus_retry_eligible(" - "));
        assert!(!plus_retry_eligible("３１612345678"));
    }

    #[test]
    fn types_and_regions() {
        let mobile = normalize_phone("06 12345678", Region::NL).expect("valid");
        assert!(mobile.is_mobile());
        assert_eq!(mobile.region(), Some(Region::NL));
        assert_eq!(mobile.country_code(), 31);
        let fixed = normalize_phone("020 123 4567", Region::NL).expect("valid");
        assert!(!fixed.is_mobile());
        let us = normalize_phone("+1 201 555 0123", Region::NL).expect("valid");
        assert!(us.is_mobile(), "US numbers are FIXED_LINE_OR_MOBILE");
        assert_eq!(us.region().map(|r| r.to_string()).as_deref(), Some("US"));
        let freephone = normalize_phone("+800 1234 5678", Region::NL).expect("valid");
        assert_eq!(freephone.region(), None);
        let italian = normalize_phone("+39 06 1234 5678", Region::NL).expect("valid");
        assert_eq!(italian.e164(), "+390612345678");
        assert_eq!(
            italian.region().map(|r| r.to_string()).as_deref(),
            Some("IT")
        );
    }
}
