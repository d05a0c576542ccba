//! [`Region`]: the default region used to read phone numbers written in national format.

use std::fmt;
use std::str::FromStr;

use rlibphonenumber::PHONE_NUMBER_UTIL;

use crate::error::UnknownRegion;

/// An ISO 3166 two-letter region that libphonenumber has numbering metadata for
/// (`NL`, `BE`, `DE`, ...).
///
/// Parse one with [`FromStr`] (case-insensitive, surrounding whitespace ignored);
/// unknown codes such as `XX` or `EU` are rejected with [`UnknownRegion`].
/// `Display` prints the upper-case code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    inner: rlibphonenumber::Region,
    code: [u8; 2],
}

impl Region {
    /// The Netherlands (+31).
    pub const NL: Region = Region {
        inner: rlibphonenumber::Region::NL,
        code: *b"NL",
    };
    /// Belgium (+32).
    pub const BE: Region = Region {
        inner: rlibphonenumber::Region::BE,
        code: *b"BE",
    };

    /// The upper-case two-letter code, e.g. `"NL"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("??")
    }

    /// The country calling code of the region (31 for NL, 1 for US and CA, ...).
    pub fn country_code(&self) -> u16 {
        PHONE_NUMBER_UTIL
            .get_country_code_for_region(self.inner)
            .and_then(|cc| u16::try_from(cc).ok())
            .unwrap_or(0)
    }

    /// All regions libphonenumber has metadata for, in no particular order.
    pub fn all() -> impl Iterator<Item = Region> {
        PHONE_NUMBER_UTIL
            .get_supported_regions()
            .filter_map(Region::from_lib)
    }

    /// Wraps libphonenumber's region, if it is a supported two-letter region.
    pub(crate) fn from_lib(inner: rlibphonenumber::Region) -> Option<Region> {
        if inner == rlibphonenumber::Region::World {
            return None;
        }
        let s = inner.as_region_str();
        let bytes: [u8; 2] = s.as_bytes().try_into().ok()?;
        PHONE_NUMBER_UTIL.get_country_code_for_region(inner)?;
        Some(Region { inner, code: bytes })
    }

    pub(crate) fn lib(self) -> rlibphonenumber::Region {
        self.inner
    }
}

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let unknown = || UnknownRegion(t.chars().take(16).collect());
        let bytes = t.as_bytes();
        if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(unknown());
        }
        let inner = rlibphonenumber::Region::from_code(t).map_err(|_| unknown())?;
        Region::from_lib(inner).ok_or_else(unknown)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively() {
        assert_eq!("nl".parse::<Region>(), Ok(Region::NL));
        assert_eq!(" Be ".parse::<Region>(), Ok(Region::BE));
        assert_eq!(
            "de".parse::<Region>().map(|r| r.to_string()).as_deref(),
            Ok("DE")
        );
        assert_eq!(Region::NL.country_code(), 31);
        assert_eq!(Region::BE.country_code(), 32);
    }

    #[test]
    fn rejects_unknown() {
        for bad in ["", "X", "XX", "EU", "001", "NLD", "N1", "ñl", "Ⅻ"] {
            let err = bad.parse::<Region>().unwrap_err();
            assert!(err.to_string().contains("unknown region"), "{bad}: {err}");
        }
    }

    #[test]
    fn all_contains_nl_and_round_trips() {
        let all: Vec<Region> = Region::all().collect();
        assert!(all.len() > 200);
        assert!(all.contains(&Region::NL));
        for r in all {
            assert_eq!(r.as_str().parse::<Region>(), Ok(r));
        }
    }
}
