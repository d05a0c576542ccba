//! `GET /api/v1/private/config`: everything a client needs before its first
//! check, as JSON (camelCase). The server fills it; clients read it with the
//! same type, and [`PrivateConfig::verify`] checks what a client relies on.

use lekradar_prf::{OprfMode, BUCKET_BITS, ELEMENT_LEN, PAD_LEN, TAG_LEN};
use serde::{Deserialize, Serialize};

use crate::WIRE_VERSION;

/// The one ciphersuite spoken.
pub const CIPHERSUITE: &str = "ristretto255-SHA512";

/// Prefix of every PRF input: `lekradar:v1:phone:+31612345678`.
pub const INPUT_PREFIX: &str = "lekradar:v1:";

/// How a breach's entries are derived, for clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EntryDerivation {
    /// `HKDF-SHA512`.
    pub kdf: String,
    /// The HKDF salt, as text.
    pub salt: String,
    /// What the HKDF info is: the breach's name, UTF-8.
    pub info: String,
    pub tag_bytes: usize,
    pub pad_bytes: usize,
    /// The pads of later entries under one tag (in the bucket's order).
    pub later_entries: String,
}

impl EntryDerivation {
    /// The derivation `lekradar-prf` implements.
    pub fn current() -> EntryDerivation {
        EntryDerivation {
            kdf: "HKDF-SHA512".to_owned(),
            salt: "lekradar:v1:entry".to_owned(),
            info: "breach name".to_owned(),
            tag_bytes: TAG_LEN,
            pad_bytes: PAD_LEN,
            later_entries: "entry n >= 1 of a tag: pad = HKDF-Expand(info = breach name || 0x00 || n as u32 big-endian), 4 bytes little-endian".to_owned(),
        }
    }
}

/// A breach a private check can find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PrivateBreach {
    pub name: String,
    pub title: String,
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub breach_date: String,
    /// Bit `i` of an unsealed class word is `dataClasses[i]`.
    pub data_classes: Vec<String>,
}

/// Everything a client needs before its first private check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PrivateConfig {
    /// Version of the binary messages (1).
    pub version: u8,
    /// `ristretto255-SHA512`.
    pub ciphersuite: String,
    /// `voprf` (verifiable, with a DLEQ proof) or `oprf` (base).
    pub mode: String,
    /// Compressed ristretto255 public key, hex, to verify proofs against
    /// (pin it; `null` in base mode).
    pub public_key: Option<String>,
    pub key_id: String,
    /// The longest bucket prefix the server accepts, which clients should
    /// use: chosen from the entries served so that a bucket holds at least
    /// `minOccupancy` entries on average (0 for a small index: one bucket).
    pub bucket_bits: u32,
    /// The shortest prefix the server accepts (larger buckets, more privacy).
    pub min_bucket_bits: u32,
    /// The least average number of entries per bucket at `bucketBits`.
    pub min_occupancy: u64,
    /// Prefix of every PRF input: `lekradar:v1:phone:+31612345678`.
    pub input_prefix: String,
    pub entry: EntryDerivation,
    /// The index generation the breaches and buckets belong to.
    pub generation: u64,
    pub breaches: Vec<PrivateBreach>,
}

/// A configuration a client cannot check against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the server speaks {ciphersuite} version {version}, not {CIPHERSUITE} version {WIRE_VERSION}")]
    Unsupported { ciphersuite: String, version: u8 },
    #[error("the server speaks mode {0:?}, not voprf or oprf")]
    Mode(String),
    #[error("the server's bucket sizes (bucketBits {max}, minBucketBits {min}) are not 0 <= min <= default <= {BUCKET_BITS}")]
    Bounds { min: u32, max: u32 },
    #[error("the server derives PRF inputs with {0:?}, not {INPUT_PREFIX:?}")]
    InputPrefix(String),
    #[error("the server is in VOPRF mode but advertises no public key")]
    NoPublicKey,
    #[error("the public key {0:?} is not {ELEMENT_LEN} bytes of hex")]
    PublicKey(String),
}

impl PrivateConfig {
    /// What a client relies on: the version, suite and input prefix it
    /// speaks, a known mode, sane prefix bounds and, in VOPRF mode, a public
    /// key. Returns the mode and the advertised key (none in base mode).
    pub fn verify(&self) -> Result<(OprfMode, Option<[u8; ELEMENT_LEN]>), ConfigError> {
        if self.version != WIRE_VERSION || self.ciphersuite != CIPHERSUITE {
            return Err(ConfigError::Unsupported {
                ciphersuite: self.ciphersuite.clone(),
                version: self.version,
            });
        }
        if self.input_prefix != INPUT_PREFIX {
            return Err(ConfigError::InputPrefix(self.input_prefix.clone()));
        }
        let mode: OprfMode = self
            .mode
            .parse()
            .map_err(|_| ConfigError::Mode(self.mode.clone()))?;
        if self.mode != mode.as_str() {
            // "base" and "verifiable" are command-line words, not wire ones.
            return Err(ConfigError::Mode(self.mode.clone()));
        }
        if !(self.min_bucket_bits <= self.bucket_bits && self.bucket_bits <= BUCKET_BITS) {
            return Err(ConfigError::Bounds {
                min: self.min_bucket_bits,
                max: self.bucket_bits,
            });
        }
        let key = match (mode, &self.public_key) {
            (OprfMode::Oprf, _) => None,
            (OprfMode::Voprf, None) => return Err(ConfigError::NoPublicKey),
            (OprfMode::Voprf, Some(hex)) => Some(
                from_hex(hex)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| ConfigError::PublicKey(hex.clone()))?,
            ),
        };
        Ok((mode, key))
    }
}

/// Bytes from hex; `None` for anything else (checked before slicing, as a
/// server's text may be anything).
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Lower-case hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
