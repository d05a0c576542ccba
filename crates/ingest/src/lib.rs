//! From a breach dump to records: containers (directories, ZIP with or
//! without a password, tar) expanded into files, each opened (gzip, zstd,
//! bzip2 and xz transparently, with a content fingerprint) and decoded
//! (UTF-8 with or without a BOM, UTF-16 with a BOM, Windows-1252 per line);
//! its format detected from its content by the registry in [`formats`]
//! (delimited text, credential lists, stealer logs, SQL dumps, JSON, JSON
//! Lines, spreadsheets, vCards, plain lists), and which column holds what
//! (header names in nl/fr/en, JSON paths, then content).
//!
//! [`ingest`] runs it all: records are keyed on all cores and built into
//! segments in bounded memory, published with the breach's updated metadata
//! in one transaction. Values are only ever shown redacted ([`redact`]).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod columns;
mod container;
pub mod formats;
mod pipeline;
mod read;
mod rows;
mod shard;
mod source;

pub use columns::{detect_columns, redact, ColumnRole, Detection};
pub use columns::{header_role, is_iban};
pub use container::{container_of, expand, Container};
pub use formats::{Format, FormatSpec, FORMATS};
pub use pipeline::{
    ingest, read_identifiers, FileReport, IngestConfig, IngestError, IngestReport, ProgressFn,
    Shard, TableReport,
};
pub use read::{read_rows, read_stream};
pub use rows::{read_phone, redact_row, to_record, Record, Reject, RejectReason, Row};
pub use shard::{
    discard_shards, ingest_shard, publish_shards, Published, ShardError, ShardOutcome,
};
pub use source::{
    decode_line, fingerprint, open, peek, text_reader, Compression, Source, SourceError,
    TextEncoding,
};
