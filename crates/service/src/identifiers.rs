//! Reading the identifier a person or client asked about: an email address or
//! a phone number in any spelling, bounded in length before anything parses
//! it. The raw text is never logged; only its canonical form is used.

use lekradar_normalize::{normalize, Identifier, Region, Rejection};

/// Longest input accepted (an email address is at most 254 bytes; a phone
/// number written with spaces, dashes and an extension far less).
pub const MAX_IDENTIFIER_BYTES: usize = 320;

/// Why an account could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("the account is empty")]
    Empty,
    #[error("the account is longer than {MAX_IDENTIFIER_BYTES} bytes")]
    TooLong,
    #[error("not an email address or a phone number: {0}")]
    Rejected(Rejection),
}

/// The canonical identifier for `raw`, reading a phone number without a
/// country code in `region`.
pub fn read_identifier(raw: &str, region: Region) -> Result<Identifier, IdentifierError> {
    if raw.len() > MAX_IDENTIFIER_BYTES {
        return Err(IdentifierError::TooLong);
    }
    if raw.trim().is_empty() {
        return Err(IdentifierError::Empty);
    }
    normalize(raw, region).map_err(IdentifierError::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spellings_and_bounds_length() {
        let id = read_identifier("06-12345678", Region::NL).unwrap();
        assert_eq!(id.canonical(), "+31612345678");
        let id = read_identifier("+32 470 12 34 56", Region::NL).unwrap();
        assert_eq!(id.canonical(), "+32470123456");
        let id = read_identifier("Jan+News@Example.NL", Region::NL).unwrap();
        assert_eq!(id.canonical(), "jan+news@example.nl");
        assert_eq!(
            read_identifier("  ", Region::NL),
            Err(IdentifierError::Empty)
        );
        let long = "1".repeat(MAX_IDENTIFIER_BYTES + 1);
        assert_eq!(
            read_identifier(&long, Region::NL),
            Err(IdentifierError::TooLong)
        );
        assert!(matches!(
            read_identifier("hello", Region::NL),
            Err(IdentifierError::Rejected(_))
        ));
    }
}
