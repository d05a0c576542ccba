//! From a breach dump to records: opening (gzip and zstd transparently, with
//! a content fingerprint), decoding (UTF-8 with a Latin-1 fallback per line),
//! sniffing the format (delimited text, JSON Lines or one value per line) and
//! finding which column holds what (header names in nl/fr/en, then content).
//!
//! [`ingest`] runs it all: records are keyed on all cores and built into
//! segments in bounded memory, published with the breach's updated metadata
//! in one transaction. Values are only ever shown redacted ([`redact`]).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod columns;
mod pipeline;
mod rows;
mod sniff;
mod source;

pub use columns::{detect_columns, redact, ColumnRole, Detection};
pub use columns::{header_role, is_iban};
pub use pipeline::{
    ingest, read_identifiers, FileReport, IngestConfig, IngestError, IngestReport, ProgressFn,
};
pub use rows::{read_phone, to_record, Record, Reject, RejectReason, Row, Rows};
pub use sniff::{sniff, sniff_source, Format, Sniffed};
pub use source::{decode_line, fingerprint, open, Compression, Source, SourceError};
