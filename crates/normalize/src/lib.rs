//! Canonical identifiers: phone numbers to E.164 and email addresses to one spelling.
//!
//! Every part of Lekradar turns a raw identifier into its canonical form through
//! this crate, so that the same person's number or address always yields the same
//! bytes ([`Identifier::prf_input`]) no matter how it was typed. The crate is pure:
//! no I/O, no allocation beyond the result where avoidable, and it never panics on
//! any input.
//!
//! ```
//! use lekradar_normalize::{normalize, Region};
//!
//! let id = normalize("06-12345678", Region::NL).unwrap();
//! assert_eq!(id.canonical(), "+31612345678");
//! assert_eq!(id.prf_input(), b"lekradar:v1:phone:+31612345678");
//!
//! let id = normalize(" Jan@Bücher.example", Region::NL).unwrap();
//! assert_eq!(id.to_string(), "email jan@xn--bcher-kva.example");
//! ```
//!
//! # Phone numbers
//!
//! Semantics are libphonenumber's (through the `rlibphonenumber` port, whose
//! embedded metadata is libphonenumber release 9.0.42):
//!
//! 1. Inputs longer than 250 characters are rejected, as in libphonenumber.
//! 2. The input is parsed with the caller's default region, so national formats
//!    (`06-12345678`, `0470/12.34.56`), international prefixes (`0031 6 …`,
//!    `+32 470 …`), the Dutch/Belgian `(0)` trunk notation (`+31 (0)6 …`),
//!    `tel:` URIs, extensions (`ext. 12`, dropped from E.164), full-width and
//!    other Unicode digits and most punctuation are understood.
//! 3. The number is accepted only if libphonenumber's `is_valid_number` holds
//!    (length *and* numbering range of the country). The result is E.164.
//! 4. **Extension beyond libphonenumber:** an international number written
//!    without `+` or `00` (`31612345678`, `32 470 12 34 56`). If step 2–3 did
//!    not give a valid number, *and* the input consists only of ASCII digits and
//!    the separators space, `-`, `.`, `/`, `(`, `)`, *and* its first digit is not
//!    `0`, the input is parsed again as `"+" + input`; that result is accepted
//!    only if it is valid. Inputs that are valid under the default region are
//!    never reinterpreted, and the rejection reason reported is the one from the
//!    first attempt.
//! 5. Otherwise the input is rejected with a [`Rejection`] saying why (too
//!    short/too long/invalid length for the country, not a valid number for the
//!    country, invalid country calling code, not a phone number at all).
//!
//! Nothing is guessed beyond this. Note the region trap: the default region
//! decides how national formats are read. With default region `NL`, a Belgian
//! mobile in national format such as `0488 12 34 56` is read as the *valid* Dutch
//! number `+31488123456`. Choosing the right default region (from the user's
//! country, the breach's origin, ...) is the caller's job.
//!
//! The differential test (`tests/differential.rs`) checks this procedure against
//! Python's `phonenumbers` package (same metadata release) on more than 100 000
//! generated inputs.
//!
//! Speed: every number goes through rlibphonenumber's own `parse` and
//! `is_valid_number`; no parsing of our own.
//!
//! # Email addresses
//!
//! 1. Surrounding Unicode whitespace is trimmed.
//! 2. The address must have exactly one `@`. Quoted local parts
//!    (`"jan jansen"@example.nl`) are rejected, so an `@` can never hide in quotes.
//! 3. The local part must be a dot-atom (RFC 5322): ASCII letters, digits and
//!    ``!#$%&'*+-/=?^_`{|}~``, with dots only between them (no leading, trailing
//!    or consecutive dots), at most 64 bytes. It is lower-cased. Non-ASCII local
//!    parts (RFC 6531) are rejected.
//! 4. The domain goes through IDNA (UTS #46 ToASCII, STD3 rules, DNS length
//!    checks), so `Bücher.example` becomes `xn--bcher-kva.example`. It must
//!    contain a dot; IP literals (`[192.0.2.1]`) and bare IPv4 addresses are
//!    rejected.
//! 5. The whole address must be at most 254 bytes.
//!
//! Plus-addressing and dots are **kept as is**: `jan+news@x.nl` stays
//! `jan+news@x.nl` and `j.an@gmail.com` is not folded to `jan@gmail.com`.
//! Whether `+tag` or dots are significant is each mail provider's private rule
//! (Gmail ignores dots, most providers do not; some use `-` as the tag separator,
//! some none at all), and we cannot know them for every domain. Folding by guess
//! would merge different people's addresses into one identifier, which for a
//! breach-exposure service means telling someone they were exposed by somebody
//! else's data. Lower-casing the local part is the one liberty taken: providers
//! treat it case-insensitively in practice, and breach dumps spell it at random.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod email;
mod error;
mod phone;
mod region;

use std::fmt;

pub use email::{normalize_email, EmailAddress};
pub use error::{ForCountry, Rejection, UnknownRegion};
pub use phone::{normalize_phone, PhoneNumber};
pub use region::Region;

/// Prefix of every PRF input: the project and the version of the canonical
/// encoding. Bump the version if canonical forms ever change.
pub const PRF_INPUT_PREFIX: &str = "lekradar:v1:";

/// The kind of an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdentifierKind {
    /// A phone number.
    Phone,
    /// An email address.
    Email,
}

impl IdentifierKind {
    /// `"phone"` or `"email"`, as used in [`Identifier::prf_input`].
    pub fn as_str(&self) -> &'static str {
        match self {
            IdentifierKind::Phone => "phone",
            IdentifierKind::Email => "email",
        }
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A canonical identifier: a valid phone number or a well-formed email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identifier {
    /// A phone number in E.164.
    Phone(PhoneNumber),
    /// An email address.
    Email(EmailAddress),
}

impl Identifier {
    /// Which kind of identifier this is.
    pub fn kind(&self) -> IdentifierKind {
        match self {
            Identifier::Phone(_) => IdentifierKind::Phone,
            Identifier::Email(_) => IdentifierKind::Email,
        }
    }

    /// The canonical text: `"+31612345678"` or `"jan@example.nl"`.
    pub fn canonical(&self) -> &str {
        match self {
            Identifier::Phone(p) => p.e164(),
            Identifier::Email(e) => e.as_str(),
        }
    }

    /// The domain-separated, versioned PRF input:
    /// `b"lekradar:v1:phone:+31612345678"`, `b"lekradar:v1:email:jan@example.nl"`.
    pub fn prf_input(&self) -> Vec<u8> {
        let kind = self.kind().as_str();
        let canonical = self.canonical();
        let mut out = Vec::with_capacity(PRF_INPUT_PREFIX.len() + kind.len() + 1 + canonical.len());
        out.extend_from_slice(PRF_INPUT_PREFIX.as_bytes());
        out.extend_from_slice(kind.as_bytes());
        out.push(b':');
        out.extend_from_slice(canonical.as_bytes());
        out
    }
}

impl fmt::Display for Identifier {
    /// `"phone +31612345678"` / `"email jan@example.nl"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind().as_str(), self.canonical())
    }
}

impl From<PhoneNumber> for Identifier {
    fn from(p: PhoneNumber) -> Self {
        Identifier::Phone(p)
    }
}

impl From<EmailAddress> for Identifier {
    fn from(e: EmailAddress) -> Self {
        Identifier::Email(e)
    }
}

/// Normalizes a phone number or an email address: input containing `@` is an
/// email address, anything else a phone number (read with `default_region`).
pub fn normalize(input: &str, default_region: Region) -> Result<Identifier, Rejection> {
    if input.contains('@') {
        normalize_email(input).map(Identifier::Email)
    } else {
        normalize_phone(input, default_region).map(Identifier::Phone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_api() {
        let p = normalize("06-12345678", Region::NL).expect("valid");
        assert_eq!(p.kind(), IdentifierKind::Phone);
        assert_eq!(p.kind().as_str(), "phone");
        assert_eq!(p.canonical(), "+31612345678");
        assert_eq!(p.prf_input(), b"lekradar:v1:phone:+31612345678".to_vec());
        assert_eq!(p.to_string(), "phone +31612345678");

        let e = normalize("Jan@Example.NL", Region::NL).expect("valid");
        assert_eq!(e.kind(), IdentifierKind::Email);
        assert_eq!(e.kind().as_str(), "email");
        assert_eq!(e.canonical(), "jan@example.nl");
        assert_eq!(e.prf_input(), b"lekradar:v1:email:jan@example.nl".to_vec());
        assert_eq!(e.to_string(), "email jan@example.nl");
        assert!(String::from_utf8(e.prf_input())
            .expect("utf8")
            .starts_with(PRF_INPUT_PREFIX));
    }

    #[test]
    fn rejection_texts() {
        let r = |s: &str, reg| normalize(s, reg).expect_err(s).to_string();
        assert_eq!(r("", Region::NL), "empty");
        assert_eq!(r("   ", Region::NL), "empty");
        assert_eq!(r("hello", Region::NL), "not a phone number");
        assert_eq!(r("06 12", Region::NL), "too short for +31");
        assert_eq!(r("+32 470 12 34 56 78 90", Region::NL), "too long for +32");
        assert_eq!(
            r("+32 470 12 34 5", Region::NL),
            "not a valid number for +32"
        );
        assert_eq!(
            r("+999 1234 5678", Region::NL),
            "invalid country calling code"
        );
        assert_eq!(r("jan.example.nl@", Region::NL), "email: empty domain");
        assert_eq!(
            r("jan@localhost", Region::NL),
            "email: domain without a dot"
        );
    }
}
