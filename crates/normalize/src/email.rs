//! Email addresses: trim, lower-case, IDNA the domain, and reject malformed addresses.
//!
//! See the crate documentation for what is (and deliberately is not) folded.

use std::fmt;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::error::Rejection;

/// Maximum length of the local part in bytes (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL_BYTES: usize = 64;
/// Maximum length of a whole address in bytes (RFC 5321 path limit minus the
/// angle brackets, as errata 1690 explains).
const MAX_ADDRESS_BYTES: usize = 254;
/// Inputs longer than this (after trimming) are rejected before IDNA
/// processing; no address that passes the checks below can be this long.
const MAX_INPUT_BYTES: usize = 1024;

/// A well-formed email address in canonical form (`jan@example.nl`,
/// `jan@xn--bcher-kva.example`): lower-case ASCII throughout.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress {
    address: String,
    /// Byte offset of the `@`.
    at: usize,
}

impl EmailAddress {
    /// The canonical address.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The canonical (ASCII, lower-case) domain, everything after the `@`.
    pub fn domain(&self) -> &str {
        self.address
            .get(self.at.saturating_add(1)..)
            .unwrap_or_default()
    }

    /// The canonical local part, everything before the `@`.
    pub fn local_part(&self) -> &str {
        self.address.get(..self.at).unwrap_or_default()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.address)
    }
}

/// RFC 5322 `atext`: the characters of a dot-atom besides the dot.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'/'
                | b'='
                | b'?'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
        )
}

/// Normalizes an email address; see the crate documentation.
pub fn normalize_email(input: &str) -> Result<EmailAddress, Rejection> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Rejection::Empty);
    }
    if s.len() > MAX_INPUT_BYTES {
        return Err(Rejection::EmailTooLong);
    }
    if s.starts_with('"') {
        return Err(Rejection::EmailQuotedLocalPart);
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err(Rejection::EmailMissingAt);
    };
    if domain.contains('@') {
        return Err(Rejection::EmailMultipleAt);
    }

    let local = check_local(local)?;
    let domain = check_domain(domain)?;

    let total = local.len() + 1 + domain.len();
    if total > MAX_ADDRESS_BYTES {
        return Err(Rejection::EmailTooLong);
    }
    let mut address = String::with_capacity(total);
    address.push_str(&local);
    address.push('@');
    address.push_str(&domain);
    Ok(EmailAddress {
        address,
        at: local.len(),
    })
}

/// Validates the local part and returns it lower-cased.
fn check_local(local: &str) -> Result<String, Rejection> {
    if local.is_empty() {
        return Err(Rejection::EmailEmptyLocalPart);
    }
    if let Some(c) = local
        .chars()
        .find(|&c| !(c == '.' || (c.is_ascii() && is_atext(c as u8))))
    {
        return Err(Rejection::EmailInvalidLocalChar(c));
    }
    if local.starts_with('.') {
        return Err(Rejection::EmailLocalLeadingDot);
    }
    if local.ends_with('.') {
        return Err(Rejection::EmailLocalTrailingDot);
    }
    if local.contains("..") {
        return Err(Rejection::EmailLocalConsecutiveDots);
    }
    if local.len() > MAX_LOCAL_BYTES {
        return Err(Rejection::EmailLocalPartTooLong);
    }
    Ok(local.to_ascii_lowercase())
}

/// Validates the domain and returns its lower-case ASCII (A-label) form.
fn check_domain(domain: &str) -> Result<String, Rejection> {
    if domain.is_empty() {
        return Err(Rejection::EmailEmptyDomain);
    }
    if domain.starts_with('[') {
        return Err(Rejection::EmailIpDomain);
    }
    // UTS #46 ToASCII with STD3 rules (letters, digits, hyphen), no leading or
    // trailing hyphens in a label, and DNS length limits (labels ≤ 63, total ≤ 253,
    // no empty labels, no trailing root dot). Maps upper case and full-width forms.
    let ascii = Uts46::new()
        .to_ascii(
            domain.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
            DnsLength::Verify,
        )
        .map_err(|_| Rejection::EmailInvalidDomain)?;
    let Some((_, tld)) = ascii.rsplit_once('.') else {
        return Err(Rejection::EmailDomainWithoutDot);
    };
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        // A bare dotted IPv4 address (or any all-numeric top-level label, which
        // no real top-level domain is).
        return Err(Rejection::EmailIpDomain);
    }
    Ok(ascii.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_accessor() {
        let e = normalize_email(" Jan.Jansen+News@Bücher.Example ").expect("valid");
        assert_eq!(e.as_str(), "jan.jansen+news@xn--bcher-kva.example");
        assert_eq!(e.domain(), "xn--bcher-kva.example");
        assert_eq!(e.local_part(), "jan.jansen+news");
    }
}
