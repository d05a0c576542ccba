//! Keyed pseudorandom function (RFC 9497 VOPRF, ristretto255-SHA512), the server key file and
//! the unkeyed bucket hash.
//!
//! # What this crate does
//!
//! Lekradar never stores a phone number or e-mail address in the clear. Every normalized
//! identifier (the *PRF input*, produced by `lekradar-normalize`) is turned into
//!
//! * a **bucket** — [`bucket`]: the leading [`BUCKET_BITS`] bits of SHA-256(input). Unkeyed:
//!   clients compute it themselves to tell the server which bucket to look in;
//! * a **tag** — [`ServerKey::tag`]: the first [`TAG_LEN`] bytes of the keyed PRF output
//!   F(k, input). Only the holder of the server key can compute tags, so the index is useless
//!   to whoever steals it without the key.
//!
//! # Mode: VOPRF, not base OPRF
//!
//! The PRF is RFC 9497's verifiable OPRF (mode `0x01`) with ciphersuite
//! `ristretto255-SHA512`, implemented by the `voprf` crate. RFC 9497 binds the mode into the
//! hash-to-group domain separation, so the same key gives *different* outputs in OPRF and
//! VOPRF mode. Tags are computed in VOPRF mode because the private (oblivious) check uses VOPRF:
//! the client blinds its input, the server runs [`ServerKey::blind_evaluate`] and returns the
//! evaluated element plus a DLEQ proof, and the client verifies the proof against
//! [`ServerKey::public_key`] before unblinding. The client's finalized output equals
//! [`ServerKey::evaluate`] on the same input, so it can compare its tag with the index.
//!
//! # Key file
//!
//! `lekradar key init` calls [`ServerKey::create_file`]; every other command calls
//! [`ServerKey::load`]. The file is a small, strict, self-checking text file (all hex is
//! lowercase, every line ends in `\n`, nothing else is allowed):
//!
//! ```text
//! lekradar-oprf-key v1
//! suite ristretto255-SHA512 voprf
//! secret <64 hex digits: the 32-byte little-endian secret scalar k>
//! check <16 hex digits: first 8 bytes of SHA-256(secret || public key)>
//! ```
//!
//! where *public key* is the 32-byte compressed ristretto255 point k·G. On load the file is
//! parsed, the secret must be a canonical non-zero scalar, the check value is recomputed and the
//! whole file is re-serialized and compared byte for byte, so a flipped bit, truncation,
//! appended data, random bytes or an empty file are all reported as
//! [`KeyError::Corrupt`] (a changed secret digit goes unnoticed only with probability 2⁻⁶⁴).
//!
//! * Creation is atomic and never overwrites: the content is written to a temporary file
//!   (`O_CREAT|O_EXCL`, mode `0600`) in the same directory, fsynced, then hard-linked to the
//!   final name (`link(2)` fails if the name exists) and the directory is fsynced. A crash
//!   leaves either no key file or a complete one.
//! * [`ServerKey::load`] refuses a file readable or writable by group or others
//!   (`mode & 0o077 != 0`) with [`KeyError::Permissions`].
//! * Losing the key orphans the index (all tags must be recomputed from the breach dumps),
//!   so the operator must back it up; error messages say so.
//!
//! # Key material never leaves memory
//!
//! The secret scalar is only ever written to the key file. It never reaches a log, an error
//! message, or a database: [`ServerKey`]'s `Debug` prints the public [`ServerKey::key_id`] only,
//! the error types carry no key bytes, and the crate has no serialization (serde) support and
//! does no logging. The secret is held inside `voprf::VoprfServer`, which zeroizes its scalar on
//! drop (`ZeroizeOnDrop`, with curve25519-dalek's `zeroize` feature); the buffers this crate
//! uses for the file contents, the decoded secret and the RNG bytes of the proof nonce are
//! `zeroize::Zeroizing`. This is best effort: transient stack copies inside `voprf`,
//! curve25519-dalek and the hex/parse code are not wiped.
//!
//! # Panics
//!
//! No function panics on any input. The only panic path is [`ServerKey::generate`] if the
//! operating system's random number generator is unavailable (use
//! [`ServerKey::try_generate`] to get an error instead).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![forbid(unsafe_code)]

pub mod client;
mod entry;
mod error;
mod key;
mod keyfile;

use sha2::{Digest, Sha256};

pub use entry::{EntrySecrets, ENTRY_SALT, PAD_LEN};
pub use error::{KeyError, PrfError};
pub use key::ServerKey;

/// The RFC 9497 protocol variant a key evaluates in. Tags depend on it (the mode is bound
/// into hash-to-group), so an index is built for one mode and its private check speaks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OprfMode {
    /// Base mode `0x00`: no proof; a client cannot tell whether the server used the
    /// published key.
    Oprf,
    /// Verifiable mode `0x01` (the default): every evaluation comes with a DLEQ proof
    /// against the published public key.
    Voprf,
}

impl OprfMode {
    /// `oprf` or `voprf`.
    pub fn as_str(&self) -> &'static str {
        match self {
            OprfMode::Oprf => "oprf",
            OprfMode::Voprf => "voprf",
        }
    }
}

impl std::fmt::Display for OprfMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OprfMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "oprf" | "base" => Ok(OprfMode::Oprf),
            "voprf" | "verifiable" => Ok(OprfMode::Voprf),
            _ => Err(format!(
                "{s:?} is not a mode: use voprf (verifiable) or oprf (base)"
            )),
        }
    }
}
/// The `voprf` crate this crate is built on, re-exported so that clients and tests use the
/// exact same version (e.g. `VoprfClient` for the oblivious path).
pub use voprf;

/// The `voprf` ciphersuite: ristretto255 with SHA-512.
pub type Suite = voprf::Ristretto255;

/// Index tag length: the first `TAG_LEN` bytes of the 64-byte PRF output.
pub const TAG_LEN: usize = 8;

/// Number of bits of SHA-256(input) used as the bucket number.
pub const BUCKET_BITS: u32 = 24;

/// Length of the PRF output (SHA-512).
pub const OUTPUT_LEN: usize = 64;

/// Length of a compressed ristretto255 element (blinded / evaluated element, public key).
pub const ELEMENT_LEN: usize = 32;

/// Length of a serialized DLEQ proof (two scalars).
pub const PROOF_LEN: usize = 64;

/// Maximum PRF input length allowed by RFC 9497 (inputs are length-prefixed with 2 bytes).
pub const MAX_INPUT_LEN: usize = u16::MAX as usize;

/// The unkeyed bucket of a PRF input: the leading [`BUCKET_BITS`] bits of SHA-256(input),
/// as an integer in `0..2^BUCKET_BITS` (big-endian bit order).
pub fn bucket(prf_input: &[u8]) -> u32 {
    let digest: [u8; 32] = Sha256::digest(prf_input).into();
    let [a, b, c, d, ..] = digest;
    u32::from_be_bytes([a, b, c, d]) >> (32 - BUCKET_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_known_values() {
        // SHA-256("") = e3b0c442...
        assert_eq!(bucket(b""), 0xe3b0c4);
        // SHA-256("abc") = ba7816bf...
        assert_eq!(bucket(b"abc"), 0xba7816);
        assert!(bucket(b"x") < 1 << BUCKET_BITS);
    }
}
