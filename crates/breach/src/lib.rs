//! Breach metadata: Have I Been Pwned's fields and names plus ours (kind,
//! descriptions in nl/fr/en, default phone regions, statistics), validated
//! with messages a user can act on, and encoded for the index, which stores
//! it as opaque bytes (`lekradar-catalogue` reads and publishes it).
//!
//! Data classes: `DataClasses` lists the breach's classes; bit `i` of an
//! index entry's class set stands for `DataClasses[i]`. The list only ever
//! grows at the end, so published entries keep their meaning.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod metadata;

pub use metadata::{
    known_data_class, valid_name, BreachKind, BreachMetadata, Descriptions, MetadataError,
    SourceFile, Statistics, HIBP_DATA_CLASSES, MAX_DATA_CLASSES,
};

/// Dates as the metadata uses them.
pub use chrono::{NaiveDate, Utc};
