//! Why an input was rejected: [`Rejection`] for identifiers, [`UnknownRegion`] for region codes.
//!
//! The `Display` text of every variant is a short, human-readable reason
//! ("too short for +31", "email: missing @") that the CLI and the web service can
//! show as is. Phone reasons carry the country calling code when it is known.

use std::fmt;

use thiserror::Error;

/// A country calling code that may or may not be known when a phone number is
/// rejected; displayed as `" for +31"` or as nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ForCountry(pub Option<u16>);

impl fmt::Display for ForCountry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(cc) => write!(f, " for +{cc}"),
            None => Ok(()),
        }
    }
}

/// Why an input could not be turned into a canonical identifier.
///
/// Nothing is ever guessed: an input that is not a valid phone number or a
/// well-formed email address is rejected with one of these reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
pub enum Rejection {
    /// The input is empty or only whitespace.
    #[error("empty")]
    Empty,

    // ---- phone numbers ----
    /// No phone number could be read from the input at all (no digits, too few
    /// digits, letters or symbols where digits belong, a malformed `tel:` URI).
    #[error("not a phone number")]
    NotAPhoneNumber,
    /// The number starts with `+` (or an international prefix such as `00`)
    /// followed by something that is not a country calling code, or it is in
    /// national format but no default region applies.
    #[error("invalid country calling code")]
    InvalidCountryCode,
    /// After the international prefix (`00`, `+`) too few digits follow.
    #[error("too short after the international prefix")]
    TooShortAfterInternationalPrefix,
    /// Fewer digits than any number of that country has.
    #[error("too short{country}")]
    TooShort {
        /// The country calling code, when it was recognised.
        country: ForCountry,
    },
    /// More digits than any number of that country has (or more than
    /// libphonenumber reads at all).
    #[error("too long{country}")]
    TooLong {
        /// The country calling code, when it was recognised.
        country: ForCountry,
    },
    /// The digit count lies between the shortest and the longest numbers of the
    /// country but matches none of its number lengths.
    #[error("invalid length for +{country_code}")]
    InvalidLength {
        /// The country calling code.
        country_code: u16,
    },
    /// The number has the length of a local number that is only diallable
    /// within an area (the area code is probably missing).
    #[error("local number without area code for +{country_code}")]
    LocalOnly {
        /// The country calling code.
        country_code: u16,
    },
    /// The number has a possible length but does not match any numbering range
    /// of the country (unassigned prefix, wrong leading digits, ...).
    #[error("not a valid number for +{country_code}")]
    NotValidForCountry {
        /// The country calling code.
        country_code: u16,
    },

    // ---- email addresses ----
    /// There is no `@`.
    #[error("email: missing @")]
    EmailMissingAt,
    /// There is more than one `@` (quoted local parts are not supported).
    #[error("email: more than one @")]
    EmailMultipleAt,
    /// The local part is a quoted string (`"jan jansen"@example.nl`).
    #[error("email: quoted local part not supported")]
    EmailQuotedLocalPart,
    /// Nothing before the `@`.
    #[error("email: empty local part")]
    EmailEmptyLocalPart,
    /// The local part is longer than 64 bytes.
    #[error("email: local part longer than 64 bytes")]
    EmailLocalPartTooLong,
    /// The local part contains a character outside the RFC 5322 dot-atom set.
    #[error("email: character {0:?} not allowed in local part")]
    EmailInvalidLocalChar(char),
    /// The local part starts with a dot.
    #[error("email: local part starts with a dot")]
    EmailLocalLeadingDot,
    /// The local part ends with a dot.
    #[error("email: local part ends with a dot")]
    EmailLocalTrailingDot,
    /// The local part contains two dots in a row.
    #[error("email: consecutive dots in local part")]
    EmailLocalConsecutiveDots,
    /// Nothing after the `@`.
    #[error("email: empty domain")]
    EmailEmptyDomain,
    /// The domain is an IP address (`[192.0.2.1]` or a bare dotted IPv4).
    #[error("email: IP address instead of domain")]
    EmailIpDomain,
    /// The domain fails IDNA (UTS #46) processing or host name rules
    /// (letters, digits and hyphens only; labels 1..=63 bytes, no leading or
    /// trailing hyphen, no empty labels).
    #[error("email: invalid domain")]
    EmailInvalidDomain,
    /// The domain has a single label (`jan@localhost`).
    #[error("email: domain without a dot")]
    EmailDomainWithoutDot,
    /// The whole address is longer than 254 bytes (after IDNA).
    #[error("email: longer than 254 bytes")]
    EmailTooLong,
}

/// A region code that is not a two-letter region libphonenumber has metadata for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
#[error("unknown region {0:?}: expected a two-letter ISO 3166 region code such as NL or BE")]
pub struct UnknownRegion(pub String);
