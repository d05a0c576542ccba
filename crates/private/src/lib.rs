//! The private check's protocol (`docs/PRIVATE-CHECK.md`) in one place:
//! every binary message typed, with its encoding and a decoding that refuses
//! anything malformed ([`wire`]); the configuration a client fetches first
//! ([`PrivateConfig`]); the prefix lengths a server allows for the entries it
//! serves ([`prefix_bounds`]); and the client's search of a bucket for its
//! own entries ([`search`]).
//!
//! Both ends use it: the server (`lekradar-service`, `lekradar-web`), the
//! command-line client (`lekradar check`) and the benchmarks. The browser's
//! client (`crates/web/js/src/core.mjs`) is held to the same bytes by the
//! known answers in `crates/private/tests/kat.json`.
//!
//! No I/O and no cryptography of its own: the PRF is `lekradar-prf`'s, the
//! entry derivation `lekradar-check`'s.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod bounds;
mod config;
pub mod search;
pub mod wire;

pub use bounds::{
    prefix_bounds, PrefixBounds, DEFAULT_BUCKET_BITS, MAX_AVERAGE_ENTRIES, MIN_BUCKET_BITS,
    MIN_OCCUPANCY,
};
pub use config::{
    from_hex, to_hex, ConfigError, EntryDerivation, PrivateBreach, PrivateConfig, CIPHERSUITE,
    INPUT_PREFIX,
};
pub use search::{search, Found};
pub use wire::{
    BucketEntry, BucketMessage, CheckAnswer, CheckRequest, Evaluation, Prefix, WireError,
    WIRE_VERSION,
};
