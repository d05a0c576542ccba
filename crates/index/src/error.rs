//! Errors of the index crate: one enum, with corruption and format-version
//! mismatch as their own variants so callers can tell "damaged" from "newer".

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while building, publishing or reading an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{location} holds an index keyed with another OPRF key (key id {found}; this data directory's key has id {expected}): it is another deployment's index, or this is the wrong key file; point --index at this deployment's index, or restore the key this index was built with")]
    OtherKey {
        location: String,
        found: String,
        expected: String,
    },

    #[error("{path} is damaged ({reason}); restore the index directory from a backup or re-ingest the breach")]
    Corrupt { path: PathBuf, reason: String },

    #[error("{path} was written by format version {found}, this build reads versions up to {supported}; upgrade lekradar")]
    UnsupportedVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error("another lekradar process is writing to the index in {path}; wait for it to finish")]
    Locked { path: PathBuf },

    #[error("the index in {location} moved on while this publish was prepared (expected generation {expected}, found {found}); generation {generation} was not published, run the command again")]
    Conflict {
        location: String,
        expected: u64,
        found: u64,
        generation: u64,
    },

    #[error("invalid breach name {name:?}: use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit")]
    InvalidBreachName { name: String },

    #[error("no breach named {name:?} in the index")]
    UnknownBreach { name: String },

    #[error("breach name {name:?} differs from the existing breach {existing:?} only in case; names are compared case-insensitively, choose another name")]
    NameCollision { name: String, existing: String },

    #[error("breach {name:?} is retired: its entries left the index and it takes no new ones; add the data as a new breach")]
    RetiredBreach { name: String },

    #[error("bucket {bucket:#x} does not fit in {bits} bits")]
    BucketOutOfRange { bucket: u32, bits: u32 },

    #[error("bucket prefix length {bits} is outside {min}..={max} bits")]
    PrefixLength { bits: u32, min: u32, max: u32 },

    #[error("memory limit of {limit} bytes is too small; give at least {min} bytes")]
    MemoryLimit { limit: usize, min: usize },
}

/// Result alias of the index crate.
pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// Attaches a path to an I/O error.
pub(crate) trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| IndexError::Io {
            path: path.into(),
            source,
        })
    }
}

pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> IndexError {
    IndexError::Corrupt {
        path: path.into(),
        reason: reason.into(),
    }
}
