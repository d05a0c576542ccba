//! Error types of the PRF crate: [`KeyError`] for the key file, [`PrfError`] for PRF evaluation.
//!
//! Messages are written for the operator: each one says what went wrong and what to do.
//! No message ever contains key material.

use std::io;
use std::path::PathBuf;

use crate::{ELEMENT_LEN, MAX_INPUT_LEN};

/// Errors while creating or loading the server key file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file does not exist.
    #[error(
        "no OPRF key file at {path}: run `lekradar key init` to create one \
         (only on first setup; if an index already exists, restore its key file from backup \
         instead, a new key cannot read the existing index)"
    )]
    Missing { path: PathBuf },

    /// `create_file` found a file already at the path and left it untouched.
    #[error(
        "key file {path} already exists; refusing to overwrite it: a new key would orphan \
         every tag in the existing index (the breach data would have to be re-imported); \
         if you really want a new key, move the old file away yourself first"
    )]
    Exists { path: PathBuf },

    /// The key file is accessible by group or others.
    #[error(
        "key file {path} has mode {mode:04o} and is accessible by group or others; \
         run `chmod 600 {path}`"
    )]
    Permissions { path: PathBuf, mode: u32 },

    /// The key file exists but is not a valid, self-consistent key file.
    #[error(
        "key file {path} is damaged ({reason}); restore it from backup \
         (do not run `lekradar key init`: a new key would orphan the existing index)"
    )]
    Corrupt { path: PathBuf, reason: String },

    /// An operating-system error while reading or writing the key file.
    #[error("I/O error on key file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Errors while evaluating the PRF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrfError {
    /// RFC 9497 limits inputs to 65535 bytes.
    #[error("PRF input is {len} bytes; at most {max} bytes are allowed", max = MAX_INPUT_LEN)]
    InputTooLong { len: usize },

    /// A blinded element must be exactly one compressed ristretto255 element.
    #[error("blinded element must be {expected} bytes, got {len}", expected = ELEMENT_LEN)]
    BlindedElementLength { len: usize },

    /// The bytes do not encode a valid, non-identity ristretto255 element.
    #[error("blinded element is not a valid ristretto255 group element")]
    InvalidBlindedElement,

    /// Secret key bytes are not a canonical, non-zero ristretto255 scalar.
    #[error("secret key bytes are not a valid non-zero ristretto255 scalar")]
    InvalidSecretKey,

    /// The operating system's random number generator failed.
    #[error("operating-system random number generator failed: {0}")]
    Rng(String),

    /// Any other failure reported by the `voprf` crate.
    #[error("VOPRF operation failed: {0}")]
    Voprf(voprf::Error),
}
