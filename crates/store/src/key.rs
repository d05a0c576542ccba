//! API key values: the secret's format, its generation and hash, key names,
//! and the public records ([`ApiKeyInfo`], [`NewApiKey`]).
//!
//! A secret is `lkr_` followed by 32 bytes from the operating system's
//! CSPRNG in URL-safe base64 without padding (47 characters in all). Only the
//! SHA-256 of the whole secret is stored, plus its first 12 characters for
//! display. A fast unsalted hash is right here: the secret has 256 bits of
//! entropy, so there is no dictionary to try and a slow password hash (argon2,
//! bcrypt) would only cost every request time without making a stolen table
//! any easier or harder to use; salting is pointless for the same reason, and
//! an unsalted hash can be looked up through a unique index.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use rand::rngs::OsRng;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::{Rate, StoreError};

/// Every secret starts with this (so a leaked one is recognisable by secret
/// scanners and in logs).
pub const SECRET_PREFIX: &str = "lkr_";
/// Random bytes in a secret.
const SECRET_BYTES: usize = 32;
/// Length of a secret: the prefix plus unpadded base64 of 32 bytes.
pub const SECRET_LEN: usize = SECRET_PREFIX.len() + (SECRET_BYTES * 4).div_ceil(3);
/// Characters of the secret kept for display (`lkr_` and 8 random ones,
/// 48 bits: enough to tell keys apart, far too few to guess the rest).
pub const DISPLAY_PREFIX_LEN: usize = 12;
/// Longest key name.
pub const MAX_NAME_LEN: usize = 64;

/// An API key as stored: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInfo {
    pub id: i64,
    pub name: String,
    /// The first 12 characters of the secret (`lkr_` and 8 more), for display.
    pub prefix: String,
    pub rate: Rate,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyInfo {
    /// Whether the key has been revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

/// A key just created: its record and its secret, which is shown to the
/// operator once and never stored. `Debug` hides the secret.
#[derive(Clone)]
pub struct NewApiKey {
    pub info: ApiKeyInfo,
    pub secret: String,
}

impl fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiKey")
            .field("info", &self.info)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A freshly generated secret with what is stored of it.
pub(crate) struct GeneratedSecret {
    pub secret: String,
    pub hash: String,
    pub prefix: String,
}

impl fmt::Debug for GeneratedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedSecret")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

pub(crate) fn generate_secret() -> GeneratedSecret {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    let secret = format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    bytes.fill(0);
    let hash = hash_secret(&secret);
    let prefix = secret[..DISPLAY_PREFIX_LEN].to_owned();
    GeneratedSecret {
        secret,
        hash,
        prefix,
    }
}

/// Lower-case hex SHA-256 of the whole secret text (prefix included).
pub(crate) fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether `text` has the shape of a secret we issue; anything else is
/// rejected before it reaches the database.
pub(crate) fn is_well_formed_secret(text: &str) -> bool {
    text.len() == SECRET_LEN
        && text.starts_with(SECRET_PREFIX)
        && text[SECRET_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        // The last character carries 4 padding bits, which must be zero in
        // canonical encoding; decoding checks that.
        && URL_SAFE_NO_PAD
            .decode(&text[SECRET_PREFIX.len()..])
            .is_ok_and(|bytes| bytes.len() == SECRET_BYTES)
}

/// Key names: 1 to 64 of `A-Z a-z 0-9 . _ -`, not all digits (so that a name
/// can never be mistaken for an id in [`Store::revoke_api_key`](crate::Store::revoke_api_key)).
pub(crate) fn validate_name(name: &str) -> Result<(), StoreError> {
    let invalid = |reason: &'static str| StoreError::InvalidName {
        name: shorten(name),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(invalid("it is longer than 64 characters"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(invalid(
            "it may only hold the letters A-Z and a-z, digits, '.', '_' and '-'",
        ));
    }
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "it is all digits, which would read as a key id; add a letter",
        ));
    }
    Ok(())
}

/// At most 80 characters of user input for an error message.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_well_formed_and_hashed() {
        let generated = generate_secret();
        assert_eq!(generated.secret.len(), SECRET_LEN);
        assert_eq!(SECRET_LEN, 47);
        assert!(is_well_formed_secret(&generated.secret));
        assert_eq!(generated.hash, hash_secret(&generated.secret));
        assert_eq!(generated.hash.len(), 64);
        assert!(generated.secret.starts_with(&generated.prefix));
        assert!(!format!("{generated:?}").contains(&generated.secret[DISPLAY_PREFIX_LEN..]));
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn non_canonical_last_character_is_malformed() {
        let secret = generate_secret().secret;
        // 32 bytes = 42 full characters + 1 carrying 4 bits and 2 zero bits:
        // valid last characters sit at multiples of 4 in the alphabet.
        let last = char::from(secret.as_bytes()[SECRET_LEN - 1]);
        assert!("AEIMQUYcgkosw048".contains(last), "{secret}");
        let mut odd = secret[..SECRET_LEN - 1].to_owned();
        odd.push('B');
        assert!(!is_well_formed_secret(&odd));
    }
}
